package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/openapi"
)

// The control plane under /_emulator, through HTTP.

func TestControlReset(t *testing.T) {
	h := newHarness(t)
	other := h.withKey("sk_test_other")
	seeded := h.do(http.MethodGet, "/_emulator/state", nil).Body
	h.create(t, map[string]any{"provider": "zoom"})
	other.create(t, map[string]any{"provider": "box"})

	require.Equal(t, http.StatusNoContent, h.do(http.MethodPost, "/_emulator/reset", nil).Status)
	assert.JSONEq(t, string(seeded), string(h.do(http.MethodGet, "/_emulator/state", nil).Body))
	assert.Contains(t, listSlugs(t, other), "box", "only the caller's environment")

	require.Equal(t, http.StatusNoContent, h.do(http.MethodPost, "/_emulator/reset?all=true", nil).Status)
	assert.NotContains(t, listSlugs(t, other), "box", "every environment")
	requireError(t, h.do(http.MethodPost, "/_emulator/reset", nil, withoutAuth()), http.StatusUnauthorized, CodeUnauthorized)
	requireError(t, h.do(http.MethodPost, "/_emulator/reset?all=maybe", nil), http.StatusBadRequest, CodeInvalidRequest, FieldError{"all", "invalid_type"})
}

func TestControlStateHasNoSecrets(t *testing.T) {
	h := newHarness(t)
	h.create(t, map[string]any{"provider": "zoom", "credentials": map[string]any{"type": "custom", "client_id": "z", "client_secret": "zoom-client-secret"}})
	h.importAccount(t, "slack", map[string]any{"access_token": "xoxb-very-secret", "refresh_token": "xoxr-very-secret"}, "")
	res := h.do(http.MethodGet, "/_emulator/state", nil)
	require.Equal(t, http.StatusOK, res.Status)
	for _, secret := range []string{"zoom-client-secret", "xoxb-very-secret", "xoxr-very-secret", "github-secret", "gho_emulator", "sk_test_default"} {
		assert.NotContains(t, string(res.Body), secret)
	}
	assert.Contains(t, string(res.Body), `"client_secret":"redacted-cret"`)
	assert.Contains(t, string(res.Body), `"slug":"google-drive"`, "hidden integrations are state too")
}

func TestControlLoadFixtures(t *testing.T) {
	t.Run("objects load and are served", func(t *testing.T) {
		h := newHarness(t)
		res := h.do(http.MethodPost, "/_emulator/fixtures", `{"data_integrations":[{"slug":"zoom","enabled":true,"credentials":{"type":"organization"}}],
			"connected_accounts":[{"slug":"zoom","user_id":"user_z","access_token":"zz"}]}`)
		require.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
		assert.Equal(t, "valid", h.get(t, "zoom").State)
		decodeAccount(t, h.do(http.MethodGet, "/user_management/users/user_z/connected_accounts/zoom", nil), http.StatusOK)
	})
	bad := []struct {
		name, body, field string
	}{
		{"a rule of the API", `{"data_integrations":[{"slug":"zoom"},{"slug":"box","credentials":{"type":"custom","client_id":"x"}}]}`, "data_integrations[1].credentials.client_secret"},
		{"an unknown field", `{"data_integrations":[{"slug":"zoom"},{"slug":"box","colour":"red"}]}`, "data_integrations[1].colour"},
		{"an account of no integration", `{"data_integrations":[{"slug":"zoom"}],"connected_accounts":[{"slug":"nope","user_id":"user_1","state":"connected"}]}`, "connected_accounts[0].slug"},
		{"keys cannot be loaded", `{"api_keys":["sk_x"]}`, "api_keys"},
	}
	for _, tt := range bad {
		t.Run("a bad fixture changes nothing: "+tt.name, func(t *testing.T) {
			h := newHarness(t)
			before := h.do(http.MethodGet, "/_emulator/state", nil).Body
			e := requireError(t, h.do(http.MethodPost, "/_emulator/fixtures", tt.body), http.StatusBadRequest, CodeInvalidRequest)
			require.NotEmpty(t, e.Errors)
			assert.Equal(t, tt.field, e.Errors[0].Field)
			assert.Contains(t, e.Message, tt.field)
			assert.JSONEq(t, string(before), string(h.do(http.MethodGet, "/_emulator/state", nil).Body))
		})
	}
	t.Run("a state dump loads again", func(t *testing.T) {
		h := newHarness(t)
		h.update(t, "github", map[string]any{"description": "changed", "enabled": false})
		h.create(t, map[string]any{"provider": "zoom", "credentials": map[string]any{"type": "custom", "client_id": "z", "client_secret": "zoom-secret-1234"}})
		dump := h.do(http.MethodGet, "/_emulator/state", nil).Body

		other := h.withKey("sk_test_restore")
		res := other.do(http.MethodPost, "/_emulator/fixtures", dump)
		require.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
		for _, slug := range []string{"github", "zoom", "acme-crm"} {
			a, b := h.get(t, slug), other.get(t, slug)
			a.RedirectURI, b.RedirectURI = "", ""
			assert.Equal(t, a, b, slug)
		}
	})
}

func TestControlFaults(t *testing.T) {
	t.Run("times 2 fires exactly twice, then requests succeed", func(t *testing.T) {
		h := newHarness(t)
		res := h.do(http.MethodPost, "/_emulator/faults", `{"method":"GET","path":"/data-integrations/{slug}","status":503,"times":2,"retry_after":7}`)
		require.Equal(t, http.StatusCreated, res.Status, "body: %s", res.Body)
		rule := res.JSON(t)
		assert.Regexp(t, `^fault_`, rule["id"])
		assert.EqualValues(t, 2, rule["times"])
		for range 2 {
			r := h.do(http.MethodGet, "/data-integrations/github", nil)
			requireError(t, r, http.StatusServiceUnavailable, CodeServiceUnavailable)
			assert.Equal(t, "7", r.Header.Get("Retry-After"))
		}
		assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/data-integrations/github", nil).Status)
		assert.Equal(t, `{"object":"list","data":[]}`, strings.TrimSpace(string(h.do(http.MethodGet, "/_emulator/faults", nil).Body)))
	})
	t.Run("times defaults to 1 over HTTP", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/_emulator/faults", `{"status":500}`).Status)
		requireError(t, h.do(http.MethodGet, "/data-integrations", nil), 500, CodeServerError)
		assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/data-integrations", nil).Status)
	})
	t.Run("times 0 until removed; list; remove one; remove all", func(t *testing.T) {
		h := newHarness(t)
		id := h.do(http.MethodPost, "/_emulator/faults", `{"path":"/data-integrations","status":429,"times":0,"retry_after":1}`).JSON(t)["id"].(string)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/_emulator/faults", `{"path":"/nowhere","delay_ms":5}`).Status)
		for range 3 {
			requireError(t, h.do(http.MethodGet, "/data-integrations", nil), 429, CodeRateLimitExceeded)
		}
		var list struct {
			Data []map[string]any `json:"data"`
		}
		h.do(http.MethodGet, "/_emulator/faults", nil).Decode(t, &list)
		require.Len(t, list.Data, 2)
		assert.EqualValues(t, 3, list.Data[0]["fired"])
		require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/_emulator/faults/"+id, nil).Status)
		assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/data-integrations", nil).Status)
		requireError(t, h.do(http.MethodDelete, "/_emulator/faults/"+id, nil), http.StatusNotFound, CodeNotFound)
		require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/_emulator/faults", nil).Status)
		h.do(http.MethodGet, "/_emulator/faults", nil).Decode(t, &list)
		assert.Empty(t, list.Data)
	})
	t.Run("a delay-only rule delays, then serves", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/_emulator/faults", `{"path":"/data-integrations","delay_ms":30}`).Status)
		assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/data-integrations", nil).Status)
	})
	bad := []struct{ body, field string }{
		{`{"status":200}`, "status"},
		{`{}`, "status"},
		{`{"status":500,"times":-1}`, "times"},
		{`{"status":500,"method":"PATCH"}`, "method"},
		{`{"status":500,"path":"no-slash"}`, "path"},
		{`{"status":500,"delay_ms":120000}`, "delay_ms"},
		{`{"status":500,"colour":"red"}`, "colour"},
	}
	for _, tt := range bad {
		t.Run("refused: "+tt.body, func(t *testing.T) {
			h := newHarness(t)
			e := requireError(t, h.do(http.MethodPost, "/_emulator/faults", tt.body), http.StatusBadRequest, CodeInvalidRequest)
			assert.Equal(t, tt.field, e.Errors[0].Field)
		})
	}
}

func TestControlJournal(t *testing.T) {
	h := newHarness(t)
	h.do(http.MethodPost, "/data-integrations", map[string]any{"provider": "zoom",
		"credentials": map[string]any{"type": "custom", "client_id": "z", "client_secret": "journal-secret-value"}})
	h.importAccount(t, "zoom", map[string]any{"access_token": "journal-access-token", "refresh_token": "journal-refresh-token"}, "")
	h.token(t, "zoom", tokenUser)
	h.do(http.MethodGet, "/data-integrations?limit=2", nil, header("X-Request-ID", "req-from-client"))
	h.do(http.MethodPost, "/data-integrations", `client_secret=form-encoded-secret`, header("Content-Type", "application/x-www-form-urlencoded"))

	res := h.do(http.MethodGet, "/_emulator/requests", nil)
	require.Equal(t, http.StatusOK, res.Status)
	for _, secret := range []string{"journal-secret-value", "journal-access-token", "journal-refresh-token", "form-encoded-secret", "sk_test_default"} {
		assert.NotContains(t, string(res.Body), secret)
	}
	var journal struct {
		Data []JournalEntry `json:"data"`
	}
	res.Decode(t, &journal)
	require.Len(t, journal.Data, 5)
	newest := journal.Data[0]
	assert.Equal(t, http.StatusUnsupportedMediaType, newest.Status)
	assert.JSONEq(t, `"(33 bytes, not JSON)"`, string(newest.RequestBody))
	list := journal.Data[1]
	assert.Equal(t, "GET", list.Method)
	assert.Equal(t, "/data-integrations", list.Path)
	assert.Equal(t, "limit=2", list.Query)
	assert.Equal(t, "req-from-client", list.RequestID)
	assert.Equal(t, "2026-03-01T09:00:00.000Z", list.Time)
	assert.JSONEq(t, "null", string(list.RequestBody))
	create := journal.Data[4]
	assert.Equal(t, http.StatusCreated, create.Status)
	assert.Contains(t, string(create.RequestBody), `"client_secret":"redacted-alue"`)

	longBody := `{"description":"` + strings.Repeat("d", journalBodyLimit) + `"}`
	big := h.do(http.MethodPut, "/data-integrations/github", longBody)
	require.Equal(t, http.StatusOK, big.Status)
	h.do(http.MethodGet, "/_emulator/requests?limit=1", nil).Decode(t, &journal)
	assert.JSONEq(t, fmt.Sprintf(`"(%d bytes, longer than the journal keeps)"`, len(longBody)), string(journal.Data[0].RequestBody))
	assert.JSONEq(t, fmt.Sprintf(`"(%d bytes, longer than the journal keeps)"`, len(big.Body)), string(journal.Data[0].ResponseBody))

	limited := h.do(http.MethodGet, "/_emulator/requests?limit=2", nil)
	limited.Decode(t, &journal)
	assert.Len(t, journal.Data, 2)
	requireError(t, h.do(http.MethodGet, "/_emulator/requests?limit=501", nil), http.StatusBadRequest, CodeInvalidRequest)

	other := h.withKey("sk_test_other")
	other.do(http.MethodGet, "/_emulator/requests", nil).Decode(t, &journal)
	assert.Empty(t, journal.Data, "per environment")
}

func TestJournalIsBounded(t *testing.T) {
	h := newHarness(t)
	for i := range journalEntriesPerEnvironment + 10 {
		h.do(http.MethodGet, fmt.Sprintf("/data-integrations?limit=%d", i%100+1), nil)
	}
	var journal struct {
		Data []JournalEntry `json:"data"`
	}
	h.do(http.MethodGet, "/_emulator/requests?limit=500", nil).Decode(t, &journal)
	require.Len(t, journal.Data, journalEntriesPerEnvironment)
	assert.Equal(t, fmt.Sprintf("limit=%d", (journalEntriesPerEnvironment+9)%100+1), journal.Data[0].Query, "newest first")
	assert.Equal(t, fmt.Sprintf("limit=%d", 10%100+1), journal.Data[len(journal.Data)-1].Query, "the oldest 10 are gone")
	require.Equal(t, http.StatusNoContent, h.do(http.MethodPost, "/_emulator/reset", nil).Status)
	h.do(http.MethodGet, "/_emulator/requests", nil).Decode(t, &journal)
	assert.Empty(t, journal.Data, "reset clears the journal")
}

func TestControlServesTheSpec(t *testing.T) {
	h := newHarness(t)
	res := h.do(http.MethodGet, "/_emulator/openapi.yaml", nil, withoutAuth())
	require.Equal(t, http.StatusOK, res.Status)
	assert.Equal(t, openapi.YAML(), res.Body)
	res = h.do(http.MethodGet, "/_emulator/openapi.json", nil, withoutAuth())
	require.Equal(t, http.StatusOK, res.Status)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(res.Body, &doc))
	assert.Contains(t, doc["paths"], "/data-integrations/{slug}/token")
}

func TestCORS(t *testing.T) {
	preflight := func(h *harness, origin string) response {
		return h.do(http.MethodOptions, "/data-integrations", nil, withoutAuth(),
			header("Origin", origin), header("Access-Control-Request-Method", "POST"),
			header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key"))
	}
	t.Run("any origin by default", func(t *testing.T) {
		h := newHarness(t)
		res := preflight(h, "http://localhost:5173")
		require.Equal(t, http.StatusNoContent, res.Status)
		assert.Equal(t, "*", res.Header.Get("Access-Control-Allow-Origin"))
		allowed := strings.ToLower(res.Header.Get("Access-Control-Allow-Headers"))
		for _, h := range []string{"authorization", "content-type", "idempotency-key"} {
			assert.Contains(t, allowed, h)
		}
		assert.Contains(t, res.Header.Get("Access-Control-Allow-Methods"), "POST")

		get := h.do(http.MethodGet, "/data-integrations", nil, header("Origin", "http://localhost:5173"))
		assert.Equal(t, "*", get.Header.Get("Access-Control-Allow-Origin"))
		assert.Contains(t, get.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id")
		ctl := h.do(http.MethodGet, "/_emulator/state", nil, header("Origin", "http://localhost:5173"))
		assert.Equal(t, "*", ctl.Header.Get("Access-Control-Allow-Origin"), "the control plane too")
	})
	t.Run("only the configured origins", func(t *testing.T) {
		h := newHarness(t, Config{CORSOrigins: []string{"http://app.test:3000"}})
		assert.Equal(t, "http://app.test:3000", preflight(h, "http://app.test:3000").Header.Get("Access-Control-Allow-Origin"))
		assert.Empty(t, preflight(h, "http://evil.test").Header.Get("Access-Control-Allow-Origin"))
	})
}
