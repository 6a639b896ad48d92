package emulator

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CONTRACT §1: wire conventions of every route.

func TestAuthentication(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		header string
	}{
		{"missing header", ""},
		{"other scheme", "Basic c2tfdGVzdDp4"},
		{"key without sk_ prefix", "Bearer pk_test_123"},
		{"bare prefix", "Bearer sk_"},
		{"no key", "Bearer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []requestOption{withoutAuth()}
			if tt.header != "" {
				opts = append(opts, header("Authorization", tt.header))
			}
			res := h.do(http.MethodGet, "/data-integrations", nil, opts...)
			require.Equal(t, http.StatusUnauthorized, res.Status)
			assert.JSONEq(t, `{"message":"Unauthorized","code":"unauthorized"}`, string(res.Body))
		})
	}
	t.Run("bearer scheme is case-insensitive", func(t *testing.T) {
		res := h.do(http.MethodGet, "/data-integrations", nil, header("Authorization", "bearer "+defaultKey))
		assert.Equal(t, http.StatusOK, res.Status)
	})
}

func TestRequestID(t *testing.T) {
	h := newHarness(t)
	t.Run("echoes the client's", func(t *testing.T) {
		res := h.do(http.MethodGet, "/data-integrations", nil, header("X-Request-ID", "client-chosen-id"))
		assert.Equal(t, "client-chosen-id", res.Header.Get("X-Request-ID"))
	})
	t.Run("fresh req_ULID otherwise, on errors too", func(t *testing.T) {
		pattern := regexp.MustCompile(`^req_[0-9A-HJKMNP-TV-Z]{26}$`)
		for _, res := range []response{
			h.do(http.MethodGet, "/data-integrations", nil),
			h.do(http.MethodGet, "/data-integrations", nil, withoutAuth()),
			h.do(http.MethodGet, "/no-such-route", nil),
		} {
			assert.Regexp(t, pattern, res.Header.Get("X-Request-ID"))
		}
		a := h.do(http.MethodGet, "/data-integrations", nil).Header.Get("X-Request-ID")
		b := h.do(http.MethodGet, "/data-integrations", nil).Header.Get("X-Request-ID")
		assert.NotEqual(t, a, b)
	})
}

func TestInvalidRequests(t *testing.T) {
	h := newHarness(t)
	const valid = "data_integration_01KF0RDQG00C51260Z4RPK8ET2"
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		fields []FieldError
	}{
		{"malformed JSON", http.MethodPost, "/data-integrations", `{"provider":`, []FieldError{{"body", "malformed_json"}}},
		{"data after the JSON value", http.MethodPost, "/data-integrations", `{"provider":"zoom"} xx`, []FieldError{{"body", "malformed_json"}}},
		{"two JSON values", http.MethodPut, "/data-integrations/github", `{"enabled":true}[]`, []FieldError{{"body", "malformed_json"}}},
		{"number out of range", http.MethodPost, "/data-integrations", `{"provider":"zoom","enabled":1e400}`, []FieldError{{"enabled", "invalid_type"}}},
		{"cursor that overflows a ULID", http.MethodGet, "/data-integrations?after=data_integration_ZZZZZZZZZZZZZZZZZZZZZZZZZZ", nil, []FieldError{{"after", "invalid_format"}}},
		{"empty body", http.MethodPost, "/data-integrations", ``, nil},
		{"missing provider", http.MethodPost, "/data-integrations", `{}`, []FieldError{{"provider", "required"}}},
		{"wrong type", http.MethodPost, "/data-integrations", `{"provider":"github","enabled":"yes"}`, []FieldError{{"enabled", "invalid_type"}}},
		{"unknown body field", http.MethodPost, "/data-integrations", `{"provider":"github","colour":"red"}`, []FieldError{{"colour", "unknown_field"}}},
		{"unknown nested field", http.MethodPost, "/data-integrations", `{"provider":"github","credentials":{"type":"custom","secret":"x"}}`, []FieldError{{"credentials.secret", "unknown_field"}}},
		{"credentials type outside enum", http.MethodPost, "/data-integrations", `{"provider":"github","credentials":{"type":"shared"}}`, []FieldError{{"credentials.type", "invalid_value"}}},
		{"scope of wrong type", http.MethodPost, "/data-integrations", `{"provider":"github","scopes":[1]}`, []FieldError{{"scopes[0]", "invalid_type"}}},
		{"all problems at once", http.MethodPost, "/data-integrations", `{"provider":7,"enabled":1,"extra":true}`,
			[]FieldError{{"provider", "invalid_type"}, {"enabled", "invalid_type"}, {"extra", "unknown_field"}}},
		{"limit=0", http.MethodGet, "/data-integrations?limit=0", nil, []FieldError{{"limit", "invalid_value"}}},
		{"limit=101", http.MethodGet, "/data-integrations?limit=101", nil, []FieldError{{"limit", "invalid_value"}}},
		{"limit not a number", http.MethodGet, "/data-integrations?limit=ten", nil, []FieldError{{"limit", "invalid_type"}}},
		{"order=sideways", http.MethodGet, "/data-integrations?order=sideways", nil, []FieldError{{"order", "invalid_value"}}},
		{"malformed cursor", http.MethodGet, "/data-integrations?after=foo", nil, []FieldError{{"after", "invalid_format"}}},
		{"before and after", http.MethodGet, "/data-integrations?before=" + valid + "&after=" + valid, nil, []FieldError{{"before", "not_allowed"}, {"after", "not_allowed"}}},
		{"PUT provider", http.MethodPut, "/data-integrations/github", `{"provider":"slack"}`, []FieldError{{"provider", "unknown_field"}}},
		{"PUT slug and id", http.MethodPut, "/data-integrations/github", `{"slug":"x","id":"y"}`, []FieldError{{"slug", "unknown_field"}, {"id", "unknown_field"}}},
		{"PUT enabled null", http.MethodPut, "/data-integrations/github", `{"enabled":null}`, []FieldError{{"enabled", "invalid_type"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.do(http.MethodGet, "/data-integrations?limit=100", nil).Body
			res := h.do(tt.method, tt.path, tt.body)
			e := requireError(t, res, http.StatusBadRequest, CodeInvalidRequest, tt.fields...)
			for _, f := range tt.fields {
				assert.Contains(t, e.Message, f.Field, "the message names each field")
			}
			for _, internal := range []string{"Schema:", "json.", "float64", "regular expression", "^", ".."} {
				assert.NotContains(t, e.Message, internal, "messages are for people")
			}
			assert.Equal(t, string(before), string(h.do(http.MethodGet, "/data-integrations?limit=100", nil).Body), "a bad request changes nothing")
		})
	}
}

func TestRouteErrors(t *testing.T) {
	h := newHarness(t)
	t.Run("unknown route is JSON 404", func(t *testing.T) {
		e := requireError(t, h.do(http.MethodGet, "/data-integrations/github/nope", nil), http.StatusNotFound, CodeNotFound)
		assert.Contains(t, e.Message, "/data-integrations/github/nope")
	})
	t.Run("known path, other method is JSON 405", func(t *testing.T) {
		requireError(t, h.do(http.MethodPatch, "/data-integrations/github", `{}`), http.StatusMethodNotAllowed, CodeMethodNotAllowed)
		requireError(t, h.do(http.MethodDelete, "/data-integrations", nil), http.StatusMethodNotAllowed, CodeMethodNotAllowed)
	})
	t.Run("body over 1 MiB is 413", func(t *testing.T) {
		big := `{"provider":"github","description":"` + strings.Repeat("x", 1<<20) + `"}`
		requireError(t, h.do(http.MethodPost, "/data-integrations", big), http.StatusRequestEntityTooLarge, CodeTooLarge)
		requireError(t, h.do(http.MethodPut, "/data-integrations/github", big), http.StatusRequestEntityTooLarge, CodeTooLarge)
		oneByteOver := `{"description":"` + strings.Repeat("x", 1<<20-len(`{"description":""}`)+1) + `"}`
		requireError(t, h.do(http.MethodPut, "/data-integrations/github", oneByteOver), http.StatusRequestEntityTooLarge, CodeTooLarge)
	})
	t.Run("body of exactly 1 MiB is taken", func(t *testing.T) {
		exact := `{"description":"` + strings.Repeat("x", 1<<20-len(`{"description":""}`)) + `"}`
		require.Len(t, exact, 1<<20)
		assert.Equal(t, http.StatusOK, h.do(http.MethodPut, "/data-integrations/github", exact).Status)
	})
	t.Run("OPTIONS is a method like the others: 405", func(t *testing.T) {
		requireError(t, h.do(http.MethodOptions, "/data-integrations", nil), http.StatusMethodNotAllowed, CodeMethodNotAllowed)
		requireError(t, h.do(http.MethodOptions, "/data-integrations/github", nil, withoutAuth()), http.StatusMethodNotAllowed, CodeMethodNotAllowed)
	})
	t.Run("a body without Content-Type is 415", func(t *testing.T) {
		res := h.do(http.MethodPost, "/data-integrations", `{"provider":"zoom"}`, func(r *http.Request) { r.Header.Del("Content-Type") })
		requireError(t, res, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType)
	})
	t.Run("non-JSON body is 415", func(t *testing.T) {
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/xml"} {
			res := h.do(http.MethodPost, "/data-integrations", `provider=github`, header("Content-Type", ct))
			requireError(t, res, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType)
			res = h.do(http.MethodPut, "/data-integrations/github", `enabled=true`, header("Content-Type", ct))
			requireError(t, res, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType)
		}
	})
	t.Run("JSON with charset is accepted", func(t *testing.T) {
		res := h.do(http.MethodPut, "/data-integrations/github", `{"enabled":true}`, header("Content-Type", "application/json; charset=utf-8"))
		assert.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
	})
}

func TestIdempotency(t *testing.T) {
	body := map[string]any{"provider": "asana", "credentials": map[string]any{"type": "organization"}}

	t.Run("same key and body replays the first response", func(t *testing.T) {
		h := newHarness(t)
		first := h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k1"))
		require.Equal(t, http.StatusCreated, first.Status)
		assert.Empty(t, first.Header.Get("Idempotent-Replayed"))
		again := h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k1"))
		assert.Equal(t, http.StatusCreated, again.Status)
		assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
		assert.JSONEq(t, string(first.Body), string(again.Body))
	})
	t.Run("errors are replayed too", func(t *testing.T) {
		h := newHarness(t)
		bad := map[string]any{"provider": "no-such-provider"}
		requireError(t, h.do(http.MethodPost, "/data-integrations", bad, header("Idempotency-Key", "k2")), http.StatusNotFound, CodeNotFound)
		res := h.do(http.MethodPost, "/data-integrations", bad, header("Idempotency-Key", "k2"))
		requireError(t, res, http.StatusNotFound, CodeNotFound)
		assert.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))
	})
	t.Run("same key with another body is 409", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k3")).Status)
		other := map[string]any{"provider": "zoom"}
		requireError(t, h.do(http.MethodPost, "/data-integrations", other, header("Idempotency-Key", "k3")), http.StatusConflict, CodeIdempotencyKeyReused)
		requireError(t, h.do(http.MethodGet, "/data-integrations/zoom", nil), http.StatusNotFound, CodeNotFound)
	})
	t.Run("without the header nothing is replayed", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/data-integrations", body).Status)
		requireError(t, h.do(http.MethodPost, "/data-integrations", body), http.StatusConflict, CodeAlreadyExists)
	})
	t.Run("keys are per environment", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k4")).Status)
		other := h.withKey("sk_test_other_env")
		res := other.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k4"))
		assert.Equal(t, http.StatusCreated, res.Status)
		assert.Empty(t, res.Header.Get("Idempotent-Replayed"))
	})
	t.Run("a key is remembered again after it expires", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k6")).Status)
		h.clock.Advance(25 * time.Hour)
		require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/asana", nil).Status)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k6")).Status)
		res := h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k6"))
		assert.Equal(t, http.StatusCreated, res.Status)
		assert.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))
	})
	t.Run("requests with the same key at once: one runs, the others replay it", func(t *testing.T) {
		h := newHarness(t)
		statuses := make(chan response, 8)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { statuses <- h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k7")) })
		}
		wg.Wait()
		close(statuses)
		replayed := 0
		for res := range statuses {
			assert.Equal(t, http.StatusCreated, res.Status, "body: %s", res.Body)
			if res.Header.Get("Idempotent-Replayed") == "true" {
				replayed++
			}
		}
		assert.Equal(t, 7, replayed)
	})
	t.Run("only POST is replayed", func(t *testing.T) {
		h := newHarness(t)
		first := h.do(http.MethodPut, "/data-integrations/github", map[string]any{"enabled": false}, header("Idempotency-Key", "k8"))
		h.clock.Advance(time.Second)
		again := h.do(http.MethodPut, "/data-integrations/github", map[string]any{"enabled": false}, header("Idempotency-Key", "k8"))
		assert.Empty(t, again.Header.Get("Idempotent-Replayed"))
		assert.NotEqual(t, first.JSON(t)["updated_at"], again.JSON(t)["updated_at"])
	})
	t.Run("a key expires after 24 hours", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k5")).Status)
		h.clock.Advance(23 * time.Hour)
		assert.Equal(t, "true", h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k5")).Header.Get("Idempotent-Replayed"))
		h.clock.Advance(2 * time.Hour)
		res := h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "k5"))
		requireError(t, res, http.StatusConflict, CodeAlreadyExists)
		assert.Empty(t, res.Header.Get("Idempotent-Replayed"))
	})
}

func TestErrorBodiesMatchTheErrorSchema(t *testing.T) {
	h := newHarness(t)
	schema := errorSchema(t)
	res := h.do(http.MethodPost, "/data-integrations", `{"provider":"github","credentials":{"type":"organization","client_id":"x"}}`)
	require.Equal(t, http.StatusConflict, res.Status) // github exists in the default environment
	var v any
	res.Decode(t, &v)
	require.NoError(t, schema.VisitJSON(v))
}

func TestHealth(t *testing.T) {
	h := newHarness(t)
	res := h.do(http.MethodGet, "/_emulator/health", nil, withoutAuth())
	require.Equal(t, http.StatusOK, res.Status)
	assert.JSONEq(t, `{"status":"ok"}`, string(res.Body))
}

func TestEscapedPathParameters(t *testing.T) {
	h := newHarness(t)
	assert.Equal(t, "github", h.get(t, "%67ithub").Slug, "%67 is g")
	res := h.do(http.MethodGet, "/user_management/users/user%5F01KF0RRQ200C51260Z4RPK8ET2/connected_accounts/github", nil)
	assert.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
}
