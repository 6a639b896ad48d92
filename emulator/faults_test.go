package emulator

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (h *harness) addFault(t *testing.T, f Fault) Fault {
	t.Helper()
	added, err := h.server.AddFault(h.key, f)
	require.NoError(t, err)
	return added
}

func TestFaultFiresExactlyTimesThenRequestsSucceed(t *testing.T) {
	h := newHarness(t)
	h.addFault(t, Fault{Method: "GET", Path: "/data-integrations", Status: 429, RetryAfter: 2, Times: 2})
	for range 2 {
		res := h.do(http.MethodGet, "/data-integrations", nil)
		e := requireError(t, res, http.StatusTooManyRequests, CodeRateLimitExceeded)
		assert.Equal(t, "2", res.Header.Get("Retry-After"))
		assert.Contains(t, e.Message, "Retry after 2 seconds")
	}
	assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/data-integrations", nil).Status)
	faults, err := h.server.Faults(h.key)
	require.NoError(t, err)
	assert.Empty(t, faults, "a rule that has fired its times is gone")
}

func TestFaultStatusesAndMatching(t *testing.T) {
	tests := []struct {
		name      string
		fault     Fault
		method    string
		path      string
		wantCode  string
		wantFired bool
	}{
		{"500 server_error", Fault{Status: 500}, "GET", "/data-integrations", CodeServerError, true},
		{"503 service_unavailable", Fault{Status: 503}, "GET", "/data-integrations/github", CodeServiceUnavailable, true},
		{"own code and message", Fault{Status: 500, Code: "upstream_timeout", Message: "Upstream timed out."}, "GET", "/data-integrations", "upstream_timeout", true},
		{"path template matches", Fault{Path: "/data-integrations/{slug}", Status: 500}, "PUT", "/data-integrations/github", CodeServerError, true},
		{"path template needs the segment", Fault{Path: "/data-integrations/{slug}", Status: 500}, "GET", "/data-integrations", "", false},
		{"glob matches", Fault{Path: "/data-integrations*", Status: 503}, "GET", "/data-integrations", CodeServiceUnavailable, true},
		{"method must match", Fault{Method: "post", Status: 500}, "GET", "/data-integrations", "", false},
		{"method is case-insensitive", Fault{Method: "get", Status: 500}, "GET", "/data-integrations", CodeServerError, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			tt.fault.Times = 1
			h.addFault(t, tt.fault)
			var body any
			if tt.method == "PUT" {
				body = `{"enabled":true}`
			}
			res := h.do(tt.method, tt.path, body)
			if !tt.wantFired {
				assert.Less(t, res.Status, 300, "body: %s", res.Body)
				return
			}
			e := requireError(t, res, tt.fault.Status, tt.wantCode)
			if tt.fault.Message != "" {
				assert.Equal(t, tt.fault.Message, e.Message)
			}
		})
	}
}

func TestFaultUntilRemoved(t *testing.T) {
	h := newHarness(t)
	f := h.addFault(t, Fault{Status: 503})
	for range 3 {
		requireError(t, h.do(http.MethodGet, "/data-integrations", nil), 503, CodeServiceUnavailable)
	}
	faults, err := h.server.Faults(h.key)
	require.NoError(t, err)
	require.Len(t, faults, 1)
	assert.Equal(t, 3, faults[0].Fired)
	require.NoError(t, h.server.RemoveFault(h.key, f.ID))
	assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/data-integrations", nil).Status)
	err = h.server.RemoveFault(h.key, f.ID)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeNotFound, e.Code)
}

func TestFaultsArePerEnvironment(t *testing.T) {
	h := newHarness(t)
	h.addFault(t, Fault{Status: 500})
	other := h.withKey("sk_test_other")
	assert.Equal(t, http.StatusOK, other.do(http.MethodGet, "/data-integrations", nil).Status)
	require.NoError(t, h.server.ClearFaults(h.key))
	assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/data-integrations", nil).Status)
}

func TestFaultsSpareTheControlPlane(t *testing.T) {
	h := newHarness(t)
	h.addFault(t, Fault{Status: 500})
	assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/_emulator/health", nil).Status)
}

func TestDelayOnlyFaultServesNormally(t *testing.T) {
	h := newHarness(t)
	h.addFault(t, Fault{Path: "/data-integrations/{slug}", Delay: 60 * time.Millisecond, Times: 1})
	start := time.Now()
	res := h.do(http.MethodGet, "/data-integrations/github", nil)
	assert.Equal(t, http.StatusOK, res.Status)
	assert.GreaterOrEqual(t, time.Since(start), 60*time.Millisecond)
	start = time.Now()
	h.do(http.MethodGet, "/data-integrations/github", nil)
	assert.Less(t, time.Since(start), 60*time.Millisecond, "only once")
}

func TestFaultTimesHoldUnderConcurrency(t *testing.T) {
	h := newHarness(t)
	h.addFault(t, Fault{Status: 500, Times: 5})
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for range 20 {
		wg.Go(func() {
			res := h.do(http.MethodGet, "/data-integrations", nil)
			if res.Status == 500 {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 5, failed)
}

func TestInjectedFailuresAreNotReplayed(t *testing.T) {
	h := newHarness(t)
	h.addFault(t, Fault{Method: "POST", Status: 429, RetryAfter: 1, Times: 1})
	body := map[string]any{"provider": "zoom"}
	requireError(t, h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "retry-me")), 429, CodeRateLimitExceeded)
	res := h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "retry-me"))
	assert.Equal(t, http.StatusCreated, res.Status, "the retry is served, not replayed: %s", res.Body)
}

func TestBadFaultRulesAreRefused(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name  string
		fault Fault
		field string
	}{
		{"no status and no delay", Fault{}, "status"},
		{"status outside 400-599", Fault{Status: 302}, "status"},
		{"negative times", Fault{Status: 500, Times: -1}, "times"},
		{"negative delay", Fault{Status: 500, Delay: -time.Second}, "delay_ms"},
		{"relative path", Fault{Status: 500, Path: "data-integrations"}, "path"},
		{"bad glob", Fault{Status: 500, Path: "/data-[integrations"}, "path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.server.AddFault(h.key, tt.fault)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, CodeInvalidRequest, e.Code)
			require.NotEmpty(t, e.Fields)
			assert.Equal(t, tt.field, e.Fields[0].Field)
		})
	}
}

func TestA429AlwaysHasRetryAfter(t *testing.T) {
	h := newHarness(t)
	h.addFault(t, Fault{Status: 429, Times: 1})
	res := h.do(http.MethodGet, "/data-integrations", nil)
	requireError(t, res, http.StatusTooManyRequests, CodeRateLimitExceeded)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
}
