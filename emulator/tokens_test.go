package emulator

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type tokenAnswer struct {
	Active      bool   `json:"active"`
	Error       string `json:"error"`
	AccessToken *struct {
		Object        string   `json:"object"`
		AccessToken   string   `json:"access_token"`
		ExpiresAt     *string  `json:"expires_at"`
		Scopes        []string `json:"scopes"`
		MissingScopes []string `json:"missing_scopes"`
	} `json:"access_token"`
}

func (h *harness) token(t *testing.T, slug string, body any) tokenAnswer {
	t.Helper()
	res := h.do(http.MethodPost, "/data-integrations/"+slug+"/token", body)
	require.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
	var a tokenAnswer
	res.Decode(t, &a)
	return a
}

func (h *harness) importAccount(t *testing.T, slug string, body map[string]any, query string) {
	t.Helper()
	res := h.do(http.MethodPost, accountsPath+slug+query, body)
	require.Equal(t, http.StatusCreated, res.Status, "body: %s", res.Body)
}

var tokenUser = map[string]any{"user_id": "user_01TEST"}

func TestAccessToken(t *testing.T) {
	t.Run("not installed", func(t *testing.T) {
		h := newHarness(t)
		res := h.do(http.MethodPost, "/data-integrations/slack/token", tokenUser)
		require.Equal(t, http.StatusOK, res.Status)
		assert.JSONEq(t, `{"active":false,"error":"not_installed"}`, string(res.Body))
	})
	t.Run("active, with missing scopes", func(t *testing.T) {
		h := newHarness(t) // slack requests chat:write and channels:read
		h.importAccount(t, "slack", map[string]any{"access_token": "xoxb-live", "expires_at": "2026-03-01T10:00:00Z", "scopes": []string{"chat:write"}}, "")
		a := h.token(t, "slack", tokenUser)
		require.True(t, a.Active)
		assert.Equal(t, "access_token", a.AccessToken.Object)
		assert.Equal(t, "xoxb-live", a.AccessToken.AccessToken)
		assert.Equal(t, ptr("2026-03-01T10:00:00.000Z"), a.AccessToken.ExpiresAt)
		assert.Equal(t, []string{"chat:write"}, a.AccessToken.Scopes)
		assert.Equal(t, []string{"channels:read"}, a.AccessToken.MissingScopes)
	})
	t.Run("missing scopes fall back to the provider's", func(t *testing.T) {
		h := newHarness(t) // github has no scopes of its own: the provider's repo, read:org, user:email
		a := h.token(t, "github", map[string]any{"user_id": "user_01KF0RRQ200C51260Z4RPK8ET2"})
		require.True(t, a.Active)
		assert.Equal(t, []string{"read:org"}, a.AccessToken.MissingScopes)
	})
	t.Run("a token without expiry", func(t *testing.T) {
		h := newHarness(t)
		h.importAccount(t, "slack", map[string]any{"access_token": "forever", "scopes": []string{"chat:write", "channels:read"}}, "")
		a := h.token(t, "slack", tokenUser)
		assert.Nil(t, a.AccessToken.ExpiresAt)
		assert.Equal(t, []string{}, a.AccessToken.MissingScopes)
	})
	t.Run("needs reauthorization", func(t *testing.T) {
		h := newHarness(t)
		h.importAccount(t, "slack", map[string]any{"state": "needs_reauthorization"}, "")
		res := h.do(http.MethodPost, "/data-integrations/slack/token", tokenUser)
		assert.JSONEq(t, `{"active":false,"error":"needs_reauthorization"}`, string(res.Body))
	})
	t.Run("expiry without refresh token: the account needs reauthorization", func(t *testing.T) {
		h := newHarness(t)
		h.importAccount(t, "slack", map[string]any{"access_token": "short", "expires_at": "2026-03-01T09:30:00Z"}, "")
		assert.True(t, h.token(t, "slack", tokenUser).Active)
		h.clock.Advance(31 * time.Minute)
		assert.Equal(t, tokenAnswer{Error: "needs_reauthorization"}, h.token(t, "slack", tokenUser))
		assert.Equal(t, "needs_reauthorization", decodeAccount(t, h.do(http.MethodGet, accountsPath+"slack", nil), http.StatusOK).State)
	})
	t.Run("expiry with a refresh token: refreshed on the emulator's clock", func(t *testing.T) {
		h := newHarness(t)
		h.importAccount(t, "slack", map[string]any{"access_token": "old", "refresh_token": "r", "expires_at": "2026-03-01T08:00:00Z"}, "")
		a := h.token(t, "slack", tokenUser)
		require.True(t, a.Active)
		assert.NotEqual(t, "old", a.AccessToken.AccessToken)
		assert.Equal(t, ptr("2026-03-01T10:00:00.000Z"), a.AccessToken.ExpiresAt, "an hour after now")
		again := h.token(t, "slack", tokenUser)
		assert.Equal(t, a.AccessToken.AccessToken, again.AccessToken.AccessToken, "stored, not refreshed again")
		h.clock.Advance(2 * time.Hour)
		assert.NotEqual(t, a.AccessToken.AccessToken, h.token(t, "slack", tokenUser).AccessToken.AccessToken)
	})
	t.Run("organization scoped", func(t *testing.T) {
		h := newHarness(t)
		h.importAccount(t, "slack", map[string]any{"access_token": "org-token"}, "?organization_id=org_01ACME")
		assert.Equal(t, tokenAnswer{Error: "not_installed"}, h.token(t, "slack", tokenUser))
		a := h.token(t, "slack", map[string]any{"user_id": "user_01TEST", "organization_id": "org_01ACME"})
		assert.Equal(t, "org-token", a.AccessToken.AccessToken)
	})
	t.Run("disconnected accounts are not installed", func(t *testing.T) {
		h := newHarness(t)
		require.NoError(t, h.server.Seed(h.key, fixturesAccount("slack", "user_01TEST", "disconnected")))
		assert.Equal(t, tokenAnswer{Error: "not_installed"}, h.token(t, "slack", tokenUser))
	})
	t.Run("shared-credential integrations vend tokens", func(t *testing.T) {
		h := newHarness(t)
		h.importAccount(t, "google-drive", map[string]any{"access_token": "ya29"}, "")
		assert.True(t, h.token(t, "google-drive", tokenUser).Active)
	})
	t.Run("unknown integration is 404", func(t *testing.T) {
		h := newHarness(t)
		requireError(t, h.do(http.MethodPost, "/data-integrations/zoom/token", tokenUser), http.StatusNotFound, CodeNotFound)
	})
	t.Run("a missing user_id is 400 naming it", func(t *testing.T) {
		h := newHarness(t)
		requireError(t, h.do(http.MethodPost, "/data-integrations/slack/token", map[string]any{"organization_id": "org_1"}),
			http.StatusBadRequest, CodeInvalidRequest, FieldError{"user_id", "required"})
	})
}

func TestAccessTokenEdges(t *testing.T) {
	t.Run("an account arranged without an access token gets one minted", func(t *testing.T) {
		for name, body := range map[string]map[string]any{
			"refresh token only": {"refresh_token": "r"},
			"state only":         {"state": "connected"},
		} {
			t.Run(name, func(t *testing.T) {
				h := newHarness(t)
				h.importAccount(t, "slack", body, "")
				a := h.token(t, "slack", tokenUser)
				require.True(t, a.Active)
				assert.Regexp(t, `^emu_at_[0-9a-z]{26}$`, a.AccessToken.AccessToken)
				assert.Equal(t, ptr("2026-03-01T10:00:00.000Z"), a.AccessToken.ExpiresAt)
			})
		}
	})
	t.Run("the switch to needs_reauthorization moves updated_at", func(t *testing.T) {
		h := newHarness(t)
		h.importAccount(t, "slack", map[string]any{"access_token": "t", "expires_at": "2026-03-01T09:10:00Z"}, "")
		h.clock.Advance(time.Hour)
		h.token(t, "slack", tokenUser)
		a := decodeAccount(t, h.do(http.MethodGet, accountsPath+"slack", nil), http.StatusOK)
		assert.Equal(t, "2026-03-01T10:00:00.000Z", a.UpdatedAt)
	})
	t.Run("missing scopes are listed once", func(t *testing.T) {
		h := newHarness(t)
		h.update(t, "slack", map[string]any{"scopes": []string{"a", "b", "a"}})
		h.importAccount(t, "slack", map[string]any{"access_token": "t", "scopes": []string{"b"}}, "")
		assert.Equal(t, []string{"a"}, h.token(t, "slack", tokenUser).AccessToken.MissingScopes)
	})
}
