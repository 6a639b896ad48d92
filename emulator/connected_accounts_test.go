package emulator

import (
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CONTRACT §4: connected accounts, access tokens, data providers.

const accountsPath = "/user_management/users/user_01TEST/connected_accounts/"

type account struct {
	Object         string   `json:"object"`
	ID             string   `json:"id"`
	UserID         string   `json:"user_id"`
	OrganizationID *string  `json:"organization_id"`
	Scopes         []string `json:"scopes"`
	AuthMethod     string   `json:"auth_method"`
	APIKeyLast4    *string  `json:"api_key_last_4"`
	State          string   `json:"state"`
	CreatedAt      string   `json:"created_at"`
	UpdatedAt      string   `json:"updated_at"`
}

func decodeAccount(t *testing.T, res response, status int) account {
	t.Helper()
	require.Equal(t, status, res.Status, "body: %s", res.Body)
	var a account
	res.Decode(t, &a)
	return a
}

func TestImportConnectedAccount(t *testing.T) {
	t.Run("the object", func(t *testing.T) {
		h := newHarness(t)
		res := h.do(http.MethodPost, accountsPath+"slack", map[string]any{"access_token": "xoxb-1", "scopes": []string{"chat:write"}})
		a := decodeAccount(t, res, http.StatusCreated)
		var keys []string
		for k := range res.JSON(t) {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		assert.Equal(t, []string{"api_key_last_4", "auth_method", "created_at", "id", "object", "organization_id", "scopes", "state", "updated_at", "user_id"}, keys)
		assert.Equal(t, "connected_account", a.Object)
		assert.Regexp(t, `^data_installation_[0-9A-HJKMNP-TV-Z]{26}$`, a.ID)
		assert.Equal(t, "user_01TEST", a.UserID)
		assert.Nil(t, a.OrganizationID)
		assert.Equal(t, []string{"chat:write"}, a.Scopes)
		assert.Equal(t, "oauth", a.AuthMethod)
		assert.Nil(t, a.APIKeyLast4)
		assert.Equal(t, "connected", a.State)
		assert.Equal(t, "2026-03-01T09:00:00.000Z", a.CreatedAt)
		assert.NotContains(t, string(res.Body), "xoxb-1", "tokens are never returned by the account")
	})
	past, future := "2026-02-01T00:00:00Z", "2026-04-01T00:00:00Z"
	states := []struct {
		name string
		body map[string]any
		want string
	}{
		{"valid token", map[string]any{"access_token": "a", "expires_at": future}, "connected"},
		{"token without expiry", map[string]any{"access_token": "a"}, "connected"},
		{"expired token, no refresh token", map[string]any{"access_token": "a", "expires_at": past}, "needs_reauthorization"},
		{"expired token with a refresh token", map[string]any{"access_token": "a", "refresh_token": "r", "expires_at": past}, "connected"},
		{"refresh token only", map[string]any{"refresh_token": "r"}, "connected"},
		{"state only", map[string]any{"state": "needs_reauthorization"}, "needs_reauthorization"},
		{"explicit state wins", map[string]any{"access_token": "a", "expires_at": past, "state": "connected"}, "connected"},
	}
	for _, tt := range states {
		t.Run("derived state: "+tt.name, func(t *testing.T) {
			h := newHarness(t)
			assert.Equal(t, tt.want, decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack", tt.body), http.StatusCreated).State)
		})
	}
	errs := []struct {
		name   string
		path   string
		body   string
		status int
		code   string
	}{
		{"unknown integration", accountsPath + "zoom", `{"access_token":"a"}`, 404, CodeNotFound},
		{"integration not configured", accountsPath + "notion", `{"access_token":"a"}`, 422, CodeIntegrationNotValid},
		{"integration only requested", accountsPath + "salesforce", `{"access_token":"a"}`, 422, CodeIntegrationNotValid},
		{"neither token nor state", accountsPath + "slack", `{"scopes":["x"]}`, 422, CodeInvalidConnectedAccount},
		{"account exists", accountsPath[:len(accountsPath)-len("user_01TEST/connected_accounts/")] + "user_01KF0RRQ200C51260Z4RPK8ET2/connected_accounts/github", `{"access_token":"a"}`, 409, CodeAlreadyExists},
		{"not a user id", "/user_management/users/alice/connected_accounts/slack", `{"access_token":"a"}`, 404, CodeNotFound},
		{"not an organization id", accountsPath + "slack?organization_id=acme", `{"access_token":"a"}`, 404, CodeNotFound},
		{"unknown field", accountsPath + "slack", `{"access_token":"a","token_type":"bearer"}`, 400, CodeInvalidRequest},
		{"state outside enum", accountsPath + "slack", `{"state":"disconnected"}`, 400, CodeInvalidRequest},
		{"bad expires_at", accountsPath + "slack", `{"access_token":"a","expires_at":"tomorrow"}`, 400, CodeInvalidRequest},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			before := h.state(t)
			requireError(t, h.do(http.MethodPost, tt.path, tt.body), tt.status, tt.code)
			assert.Equal(t, before, h.state(t), "a refused import changes nothing")
		})
	}
	t.Run("shared-credential integrations take accounts too", func(t *testing.T) {
		h := newHarness(t)
		decodeAccount(t, h.do(http.MethodPost, accountsPath+"google-drive", map[string]any{"access_token": "a"}), http.StatusCreated)
	})
}

func TestConnectedAccountsAreScopedByUserAndOrganization(t *testing.T) {
	h := newHarness(t)
	user := decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack", map[string]any{"access_token": "u"}), http.StatusCreated)
	org := decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack?organization_id=org_01ACME", map[string]any{"access_token": "o"}), http.StatusCreated)
	assert.NotEqual(t, user.ID, org.ID)
	assert.Equal(t, "org_01ACME", *org.OrganizationID)
	assert.Equal(t, user.ID, decodeAccount(t, h.do(http.MethodGet, accountsPath+"slack", nil), http.StatusOK).ID)
	assert.Equal(t, org.ID, decodeAccount(t, h.do(http.MethodGet, accountsPath+"slack?organization_id=org_01ACME", nil), http.StatusOK).ID)
	requireError(t, h.do(http.MethodGet, accountsPath+"slack?organization_id=org_01OTHER", nil), http.StatusNotFound, CodeNotFound)
	requireError(t, h.do(http.MethodGet, "/user_management/users/user_01SOMEONE/connected_accounts/slack", nil), http.StatusNotFound, CodeNotFound)
	requireError(t, h.withKey("sk_test_elsewhere").do(http.MethodGet, accountsPath+"slack", nil), http.StatusNotFound, CodeNotFound)
}

func TestUpdateAndDeleteConnectedAccount(t *testing.T) {
	h := newHarness(t)
	created := decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack", map[string]any{"access_token": "a", "scopes": []string{"chat:write"}}), http.StatusCreated)

	h.clock.Advance(time.Minute)
	a := decodeAccount(t, h.do(http.MethodPut, accountsPath+"slack", map[string]any{"scopes": []string{"chat:write", "users:read"}}), http.StatusOK)
	assert.Equal(t, []string{"chat:write", "users:read"}, a.Scopes)
	assert.Equal(t, "connected", a.State)
	assert.Equal(t, created.CreatedAt, a.CreatedAt)
	assert.Equal(t, "2026-03-01T09:01:00.000Z", a.UpdatedAt)

	a = decodeAccount(t, h.do(http.MethodPut, accountsPath+"slack", map[string]any{"expires_at": "2026-01-01T00:00:00Z"}), http.StatusOK)
	assert.Equal(t, "needs_reauthorization", a.State, "new token data without a state derives it again")
	a = decodeAccount(t, h.do(http.MethodPut, accountsPath+"slack", map[string]any{"state": "connected"}), http.StatusOK)
	assert.Equal(t, "connected", a.State)
	assert.Equal(t, []string{"chat:write", "users:read"}, a.Scopes, "absent fields are unchanged")

	requireError(t, h.do(http.MethodPut, accountsPath+"zoom", map[string]any{"state": "connected"}), http.StatusNotFound, CodeNotFound)
	assert.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, accountsPath+"slack", nil).Status)
	requireError(t, h.do(http.MethodGet, accountsPath+"slack", nil), http.StatusNotFound, CodeNotFound)
	requireError(t, h.do(http.MethodDelete, accountsPath+"slack", nil), http.StatusNotFound, CodeNotFound)
}

func TestDeletingAnIntegrationRemovesItsAccounts(t *testing.T) {
	h := newHarness(t)
	decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack", map[string]any{"access_token": "a"}), http.StatusCreated)
	decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack?organization_id=org_01ACME", map[string]any{"access_token": "a"}), http.StatusCreated)
	require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/slack", nil).Status)
	h.create(t, map[string]any{"provider": "slack", "credentials": map[string]any{"type": "organization"}})
	requireError(t, h.do(http.MethodGet, accountsPath+"slack", nil), http.StatusNotFound, CodeNotFound)
	requireError(t, h.do(http.MethodGet, accountsPath+"slack?organization_id=org_01ACME", nil), http.StatusNotFound, CodeNotFound)
}

func TestConnectedAccountTokenChanges(t *testing.T) {
	t.Run("a new access token without expires_at does not inherit the old expiry", func(t *testing.T) {
		h := newHarness(t)
		a := decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack", map[string]any{"access_token": "old", "expires_at": "2020-01-01T00:00:00Z"}), http.StatusCreated)
		require.Equal(t, "needs_reauthorization", a.State)
		a = decodeAccount(t, h.do(http.MethodPut, accountsPath+"slack", map[string]any{"access_token": "brand-new"}), http.StatusOK)
		assert.Equal(t, "connected", a.State)
		tok := h.token(t, "slack", tokenUser)
		require.True(t, tok.Active)
		assert.Equal(t, "brand-new", tok.AccessToken.AccessToken)
		assert.Nil(t, tok.AccessToken.ExpiresAt)
	})
	t.Run("expires_at null clears the expiry", func(t *testing.T) {
		h := newHarness(t)
		decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack", map[string]any{"access_token": "t", "refresh_token": "r", "expires_at": "2020-01-01T00:00:00Z"}), http.StatusCreated)
		decodeAccount(t, h.do(http.MethodPut, accountsPath+"slack", `{"expires_at":null}`), http.StatusOK)
		assert.Equal(t, "t", h.token(t, "slack", tokenUser).AccessToken.AccessToken, "not expired, so not refreshed")
	})
	t.Run("an expiry of exactly now has expired", func(t *testing.T) {
		h := newHarness(t)
		a := decodeAccount(t, h.do(http.MethodPost, accountsPath+"slack", map[string]any{"access_token": "t", "expires_at": "2026-03-01T09:00:00Z"}), http.StatusCreated)
		assert.Equal(t, "needs_reauthorization", a.State)
	})
	t.Run("a leap second the spec allows but Go cannot read is a 400 naming the field", func(t *testing.T) {
		h := newHarness(t)
		e := requireError(t, h.do(http.MethodPost, accountsPath+"slack", `{"access_token":"t","expires_at":"2026-06-30T23:59:60Z"}`),
			http.StatusBadRequest, CodeInvalidRequest, FieldError{"expires_at", "invalid_format"})
		assert.Contains(t, e.Message, "2026-06-30T23:59:60Z")
	})
}
