package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
		for _, exposed := range []string{"X-Request-Id", "Idempotent-Replayed", "Retry-After"} {
			assert.Contains(t, get.Header.Get("Access-Control-Expose-Headers"), exposed)
		}
		for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
			assert.Contains(t, res.Header.Get("Access-Control-Allow-Methods"), method)
		}
		traced := h.do(http.MethodOptions, "/data-integrations/github", nil, withoutAuth(),
			header("Origin", "http://localhost:5173"), header("Access-Control-Request-Method", "PUT"),
			header("Access-Control-Request-Headers", "authorization,x-request-id,traceparent,sentry-trace"))
		assert.Equal(t, "authorization,x-request-id,traceparent,sentry-trace", traced.Header.Get("Access-Control-Allow-Headers"),
			"a frontend's own headers (tracing) are allowed too")
		ctl := h.do(http.MethodGet, "/_emulator/state", nil, header("Origin", "http://localhost:5173"))
		assert.Equal(t, "*", ctl.Header.Get("Access-Control-Allow-Origin"), "the control plane too")
	})
	t.Run("only the configured origins", func(t *testing.T) {
		h := newHarness(t, Config{CORSOrigins: []string{"http://app.test:3000"}})
		assert.Equal(t, "http://app.test:3000", preflight(h, "http://app.test:3000").Header.Get("Access-Control-Allow-Origin"))
		assert.Empty(t, preflight(h, "http://evil.test").Header.Get("Access-Control-Allow-Origin"))
	})
}

func TestControlReviewedEdges(t *testing.T) {
	t.Run("all=1 is true too", func(t *testing.T) {
		h := newHarness(t)
		other := h.withKey("sk_test_other")
		other.create(t, map[string]any{"provider": "box"})
		require.Equal(t, http.StatusNoContent, h.do(http.MethodPost, "/_emulator/reset?all=1", nil).Status)
		assert.NotContains(t, listSlugs(t, other), "box")
	})
	t.Run("reset all clears every journal", func(t *testing.T) {
		h := newHarness(t)
		other := h.withKey("sk_test_other")
		other.do(http.MethodGet, "/data-integrations", nil)
		require.Equal(t, http.StatusNoContent, h.do(http.MethodPost, "/_emulator/reset?all=true", nil).Status)
		var journal struct {
			Data []JournalEntry `json:"data"`
		}
		other.do(http.MethodGet, "/_emulator/requests", nil).Decode(t, &journal)
		assert.Empty(t, journal.Data)
	})
	t.Run("fault code, message and delay over HTTP", func(t *testing.T) {
		h := newHarness(t)
		res := h.do(http.MethodPost, "/_emulator/faults", `{"status":502,"code":"upstream_down","message":"GitHub is down.","delay_ms":40}`)
		require.Equal(t, http.StatusCreated, res.Status)
		assert.EqualValues(t, 40, res.JSON(t)["delay_ms"])
		begin := time.Now()
		e := requireError(t, h.do(http.MethodGet, "/data-integrations", nil), http.StatusBadGateway, "upstream_down")
		assert.GreaterOrEqual(t, time.Since(begin), 40*time.Millisecond)
		assert.Equal(t, "GitHub is down.", e.Message)
	})
	t.Run("default bodies of faults are WorkOS's", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/_emulator/faults", `{"status":401}`).Status)
		assert.JSONEq(t, `{"message":"Unauthorized","code":"unauthorized"}`, string(h.do(http.MethodGet, "/data-integrations", nil).Body))
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/_emulator/faults", `{"status":429}`).Status)
		e := requireError(t, h.do(http.MethodGet, "/data-integrations", nil), 429, CodeRateLimitExceeded)
		assert.Equal(t, "Too many requests. Retry after 1 second.", e.Message)
	})
	t.Run("a delay longer than the write timeout allows is refused", func(t *testing.T) {
		h := newHarness(t)
		requireError(t, h.do(http.MethodPost, "/_emulator/faults", `{"status":503,"delay_ms":30001}`), http.StatusBadRequest, CodeInvalidRequest,
			FieldError{"delay_ms", "invalid_value"})
	})
	t.Run("a client that gives up during a delay is no server error", func(t *testing.T) {
		h := newHarness(t)
		_, err := h.server.AddFault(h.key, Fault{Delay: 5 * time.Second, Status: 503})
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		req := httptest.NewRequest(http.MethodGet, "/data-integrations", nil).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+h.key)
		h.server.ServeHTTP(httptest.NewRecorder(), req)
		var journal struct {
			Data []JournalEntry `json:"data"`
		}
		h.do(http.MethodGet, "/_emulator/requests?limit=1", nil).Decode(t, &journal)
		assert.Equal(t, 499, journal.Data[0].Status)
	})
}

func TestJournalRedactsSecretsHoweverTheyAreSent(t *testing.T) {
	h := newHarness(t)
	bodies := []string{
		`{"provider":"zoom","credentials":{"type":"custom","client_id":"c","Client_Secret":"LEAK-CASE-1234"}}`,
		`{"provider":"zoom","clientSecret":"LEAK-CAMEL-1234"}`,
		`{"provider":"zoom","client_secret":1234567890}`,
		`{"provider":"zoom","access_token":["LEAK-ARRAY-TOKEN"]}`,
		`{"provider":"zoom","secret":"LEAK-PLAIN-SECRET","api_key":"LEAK-API-KEY","password":{"v":"LEAK-PASSWORD"}}`,
		`[{"refresh_token":"LEAK-IN-LIST"}]`,
	}
	for _, b := range bodies {
		h.do(http.MethodPost, "/data-integrations", b)
	}
	res := h.do(http.MethodGet, "/_emulator/requests", nil)
	for _, leak := range []string{"LEAK-CASE", "LEAK-CAMEL", "1234567890", "LEAK-ARRAY", "LEAK-PLAIN", "LEAK-API", "LEAK-PASSWORD", "LEAK-IN-LIST"} {
		assert.NotContains(t, string(res.Body), leak)
	}
	assert.Contains(t, string(res.Body), `"Client_Secret":"redacted-1234"`)
	h.create(t, map[string]any{"provider": "widgets", "custom_provider": customProvider,
		"credentials": map[string]any{"type": "custom", "client_id": "w", "client_secret": "widget-secret-WXYZ"}})
	var journal struct {
		Data []JournalEntry `json:"data"`
	}
	h.do(http.MethodGet, "/_emulator/requests?limit=1", nil).Decode(t, &journal)
	created := string(journal.Data[0].ResponseBody)
	assert.Contains(t, created, `"client_secret_required":true`, "a flag about secrets is no secret")
	assert.Contains(t, created, `"redacted_client_secret":"WXYZ"`, "the API's own redaction stays as the client saw it")
	assert.Contains(t, string(res.Body), `"provider":"zoom"`, "what is not secret stays")
}

func TestJournalBudgetEvictsTheOldestOfAllEnvironments(t *testing.T) {
	j := &journal{budget: 100}
	body := []byte(strings.Repeat("x", 30))
	j.add("a", journalRecord{entry: JournalEntry{Path: "/a1"}, request: keep(body)})
	j.add("b", journalRecord{entry: JournalEntry{Path: "/b1"}, request: keep(body)})
	j.add("a", journalRecord{entry: JournalEntry{Path: "/a2"}, request: keep(body)})
	j.add("b", journalRecord{entry: JournalEntry{Path: "/b2"}, request: keep(body)})
	assert.LessOrEqual(t, j.bytes, 100)
	var paths []string
	for _, env := range []string{"a", "b"} {
		for _, e := range j.newest(env, 10) {
			paths = append(paths, e.Path)
		}
	}
	assert.ElementsMatch(t, []string{"/a2", "/b1", "/b2"}, paths, "the oldest entry of all went first")
	j.clear("b")
	assert.Equal(t, 30, j.bytes)
}

func TestControlClock(t *testing.T) {
	h := newHarness(t)
	assert.JSONEq(t, `{"now":"2026-03-01T09:00:00.000Z","stopped":true}`, string(h.do(http.MethodGet, "/_emulator/clock", nil).Body))
	h.importAccount(t, "slack", map[string]any{"access_token": "t", "expires_at": "2026-03-01T09:30:00Z"}, "")
	res := h.do(http.MethodPost, "/_emulator/clock", `{"advance_ms":3600000}`)
	assert.JSONEq(t, `{"now":"2026-03-01T10:00:00.000Z","stopped":true}`, string(res.Body))
	assert.Equal(t, tokenAnswer{Error: "needs_reauthorization"}, h.token(t, "slack", tokenUser), "the clock drives expiry")
	res = h.do(http.MethodPost, "/_emulator/clock", `{"now":"2027-01-01T00:00:00Z"}`)
	assert.JSONEq(t, `{"now":"2027-01-01T00:00:00.000Z","stopped":true}`, string(res.Body))
	res = h.do(http.MethodPost, "/_emulator/clock", `{"stopped":false}`)
	assert.Equal(t, false, res.JSON(t)["stopped"])
	requireError(t, h.do(http.MethodPost, "/_emulator/clock", `{"advance_ms":-5}`), http.StatusBadRequest, CodeInvalidRequest)
}

func TestControlNewEnvironment(t *testing.T) {
	h := newHarness(t, Config{StrictKeys: true})
	res := h.do(http.MethodPost, "/_emulator/environments", nil)
	require.Equal(t, http.StatusCreated, res.Status, "body: %s", res.Body)
	key := res.JSON(t)["api_key"].(string)
	fresh := h.withKey(key)
	assert.Contains(t, listSlugs(t, fresh), "github", "seeded, and known in strict mode")
	fresh.create(t, map[string]any{"provider": "zoom"})
	require.Equal(t, http.StatusNoContent, h.do(http.MethodPost, "/_emulator/reset?all=true", nil).Status)
	assert.NotContains(t, listSlugs(t, fresh), "zoom", "seeded afresh, the key still works")
}
