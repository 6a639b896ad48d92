package testutil_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/fixtures"
	"github.com/pipes-emulator/pipes-emulator/testutil"
)

// call sends one request with the given key and returns status and body.
func call(t testing.TB, emu *testutil.Server, key, method, path, body string, headers ...string) (int, string) {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, emu.URL()+path, reader)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := emu.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(data)
}

func TestStart(t *testing.T) {
	emu := testutil.Start(t)
	assert.True(t, strings.HasPrefix(emu.URL(), "http://127.0.0.1:"))
	assert.False(t, strings.HasSuffix(emu.URL(), "/"))
	assert.Equal(t, "sk_test_default", emu.APIKey())

	status, body := call(t, emu, emu.APIKey(), "GET", "/data-integrations/github", "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"redirect_uri":"`+emu.URL()+`/data-integrations/github/dik_`)

	t.Run("handler without the listener", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/data-integrations/github", nil)
		req.Header.Set("Authorization", "Bearer "+emu.APIKey())
		rec := httptest.NewRecorder()
		emu.Handler().ServeHTTP(rec, req)
		assert.Equal(t, http.StatusOK, rec.Code)
	})
}

func TestParallelServersAndEnvironmentsAreIsolated(t *testing.T) {
	for i := range 16 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			emu := testutil.Start(t)
			keys := []string{emu.APIKey(), emu.NewEnvironment(), emu.NewEnvironment(), emu.NewEnvironment()}
			for k, key := range keys {
				slug := fmt.Sprintf("own-%d-%d", i, k)
				status, body := call(t, emu, key, "POST", "/data-integrations",
					`{"provider":"`+slug+`","custom_provider":{"name":"x","authorization_url":"https://a.example","token_url":"https://a.example/t"}}`)
				require.Equal(t, http.StatusCreated, status, body)
				status, _ = call(t, emu, key, "DELETE", "/data-integrations/github", "")
				require.Equal(t, http.StatusNoContent, status)
			}
			for k, key := range keys {
				state := emu.State(key)
				var slugs []string
				for _, d := range state.DataIntegrations {
					slugs = append(slugs, d.Slug)
				}
				for other := range keys {
					own := fmt.Sprintf("own-%d-%d", i, other)
					if other == k {
						assert.Contains(t, slugs, own)
					} else {
						assert.NotContains(t, slugs, own, "environment %d sees %d's integration", k, other)
					}
				}
				assert.NotContains(t, slugs, "github")
			}
		})
	}
}

func TestResetRestoresTheSeededState(t *testing.T) {
	emu := testutil.Start(t)
	seeded := emu.State(emu.APIKey())
	fresh := emu.NewEnvironment()

	call(t, emu, emu.APIKey(), "DELETE", "/data-integrations/github", "")
	call(t, emu, emu.APIKey(), "PUT", "/data-integrations/slack", `{"description":null}`)
	emu.Seed(emu.APIKey(), testutil.Objects{DataIntegrations: []testutil.DataIntegration{{Slug: "zoom"}}})
	emu.FailNext(1, "GET", "/nowhere", 500)
	require.NotEqual(t, seeded, emu.State(emu.APIKey()))

	emu.Reset()
	assert.Equal(t, seeded, emu.State(emu.APIKey()))
	assert.Empty(t, emu.Faults(emu.APIKey()))
	status, _ := call(t, emu, fresh, "GET", "/data-integrations/github", "")
	assert.Equal(t, http.StatusOK, status, "a NewEnvironment key still works after Reset, seeded again")
}

func TestClockDrivesTimestamps(t *testing.T) {
	start := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	emu := testutil.Start(t, testutil.WithClock(testutil.NewClock(start)))
	_, body := call(t, emu, emu.APIKey(), "POST", "/data-integrations", `{"provider":"zoom"}`)
	assert.Contains(t, body, `"created_at":"2026-06-01T12:00:00.000Z"`)
	emu.Advance(36 * time.Hour)
	_, body = call(t, emu, emu.APIKey(), "PUT", "/data-integrations/zoom", `{"enabled":true}`)
	assert.Contains(t, body, `"updated_at":"2026-06-03T00:00:00.000Z"`)
	assert.Equal(t, start.Add(36*time.Hour), emu.Clock().Now())
}

func TestClockDrivesIdempotencyExpiry(t *testing.T) {
	emu := testutil.Start(t)
	status, _ := call(t, emu, emu.APIKey(), "POST", "/data-integrations", `{"provider":"zoom"}`, "Idempotency-Key", "k")
	require.Equal(t, http.StatusCreated, status)
	status, _ = call(t, emu, emu.APIKey(), "POST", "/data-integrations", `{"provider":"zoom"}`, "Idempotency-Key", "k")
	assert.Equal(t, http.StatusCreated, status, "replayed")
	emu.Advance(25 * time.Hour) // the running default clock moves too
	status, _ = call(t, emu, emu.APIKey(), "POST", "/data-integrations", `{"provider":"zoom"}`, "Idempotency-Key", "k")
	assert.Equal(t, http.StatusConflict, status, "the key has expired: the create runs again and finds zoom")
}

func TestDeterministicIDs(t *testing.T) {
	run := func() []string {
		emu := testutil.Start(t, testutil.WithDeterministicIDs(42))
		var bodies []string
		for _, p := range []string{"zoom", "box"} {
			_, body := call(t, emu, emu.APIKey(), "POST", "/data-integrations", `{"provider":"`+p+`"}`)
			bodies = append(bodies, strings.ReplaceAll(body, emu.URL(), "URL"))
		}
		_, body := call(t, emu, emu.NewEnvironment(), "GET", "/data-integrations/github", "")
		bodies = append(bodies, strings.ReplaceAll(body, emu.URL(), "URL"))
		return bodies
	}
	first, second := run(), run()
	assert.Equal(t, first, second)
	assert.Contains(t, first[0], `"created_at":"2026-01-01T00:00:00.000Z"`)
}

func TestStrictKeys(t *testing.T) {
	emu := testutil.Start(t, testutil.WithStrictKeys())
	status, _ := call(t, emu, "sk_test_unknown", "GET", "/data-integrations", "")
	assert.Equal(t, http.StatusUnauthorized, status)
	status, _ = call(t, emu, emu.NewEnvironment(), "GET", "/data-integrations", "")
	assert.Equal(t, http.StatusOK, status)
}

func TestFixturesFromFS(t *testing.T) {
	fsys := fstest.MapFS{"environments.json": {Data: []byte(`{"environments":[{"id":"mine","default":true,"api_keys":["sk_mine"],
		"data_integrations":[{"slug":"linear","credentials":{"type":"organization"}}]}]}`)}}
	emu := testutil.Start(t, testutil.WithFixturesFS(fsys))
	assert.Equal(t, "sk_mine", emu.APIKey())
	_, body := call(t, emu, emu.APIKey(), "GET", "/data-integrations", "")
	var list struct {
		Data []struct{ Slug string } `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	require.Len(t, list.Data, 1)
	assert.Equal(t, "linear", list.Data[0].Slug)
}

func TestFaultsFromGo(t *testing.T) {
	emu := testutil.Start(t)
	emu.FailNext(2, "GET", "/data-integrations/{slug}", 503)
	for range 2 {
		status, body := call(t, emu, emu.APIKey(), "GET", "/data-integrations/github", "")
		assert.Equal(t, http.StatusServiceUnavailable, status)
		assert.Contains(t, body, `"code":"service_unavailable"`)
	}
	status, _ := call(t, emu, emu.APIKey(), "GET", "/data-integrations/github", "")
	assert.Equal(t, http.StatusOK, status)

	emu.RateLimitNext(1, "", "", 3)
	req, _ := http.NewRequest("GET", emu.URL()+"/data-integrations", nil)
	req.Header.Set("Authorization", "Bearer "+emu.APIKey())
	res, err := emu.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	assert.Equal(t, "3", res.Header.Get("Retry-After"))

	emu.DelayNext(1, "GET", "/data-integrations", 50*time.Millisecond)
	begin := time.Now()
	status, _ = call(t, emu, emu.APIKey(), "GET", "/data-integrations", "")
	assert.Equal(t, http.StatusOK, status)
	assert.GreaterOrEqual(t, time.Since(begin), 50*time.Millisecond)

	journal := emu.Requests(emu.APIKey(), 10)
	require.NotEmpty(t, journal)
	assert.Equal(t, http.StatusOK, journal[0].Status, "the delayed request, served")
	assert.Equal(t, http.StatusTooManyRequests, journal[1].Status)

	id := emu.InjectFault(emu.APIKey(), testutil.Fault{Status: 500})
	require.Len(t, emu.Faults(emu.APIKey()), 1)
	assert.Equal(t, id, emu.Faults(emu.APIKey())[0].ID)
	emu.ClearFaults(emu.APIKey())
	assert.Empty(t, emu.Faults(emu.APIKey()))
}

func TestSeedAndReadBack(t *testing.T) {
	emu := testutil.Start(t)
	key := emu.NewEnvironment()
	emu.Seed(key, testutil.Objects{
		DataIntegrations: []testutil.DataIntegration{{Slug: "linear", Enabled: true,
			Credentials: &testutil.Credentials{Type: "custom", ClientID: ptr("lin"), ClientSecret: ptr("linear-secret-9876")}}},
		ConnectedAccounts: []testutil.ConnectedAccount{{Slug: "linear", UserID: "user_1", AccessToken: "lin_access_token"}},
	})
	d, ok := emu.DataIntegration(key, "linear")
	require.True(t, ok)
	assert.Equal(t, "valid", d.State)
	assert.Equal(t, "redacted-9876", *d.Credentials.ClientSecret, "read-back never holds a secret")
	d.Enabled = false // a copy: changing it changes nothing
	again, _ := emu.DataIntegration(key, "linear")
	assert.True(t, again.Enabled)
	st := emu.State(key)
	require.NotEmpty(t, st.ConnectedAccounts)
	assert.NotContains(t, fmt.Sprint(st), "lin_access_token")
}

func ptr[T any](v T) *T { return &v }

// fakeTB records what Start reports, to check the log shown on failure.
type fakeTB struct {
	testing.TB
	cleanups []func()
	failed   bool
	logs     []string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Failed() bool      { return f.failed }
func (f *fakeTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (f *fakeTB) finish() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestLogIsShownOnlyWhenTheTestFails(t *testing.T) {
	for _, failed := range []bool{false, true} {
		tb := &fakeTB{TB: t}
		emu := testutil.Start(tb)
		call(t, emu, emu.APIKey(), "GET", "/data-integrations", "")
		tb.failed = failed
		tb.finish()
		if failed {
			require.Len(t, tb.logs, 1)
			assert.Contains(t, tb.logs[0], "path=/data-integrations")
			assert.NotContains(t, tb.logs[0], emu.APIKey())
		} else {
			assert.Empty(t, tb.logs)
		}
	}
}

func TestClockDrivesTokenExpiry(t *testing.T) {
	clock := testutil.NewClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	emu := testutil.Start(t, testutil.WithClock(clock))
	expires := clock.Now().Add(10 * time.Minute)
	emu.Seed(emu.APIKey(), testutil.Objects{ConnectedAccounts: []testutil.ConnectedAccount{
		{Slug: "slack", UserID: "user_1", AccessToken: "short-lived", ExpiresAt: &expires},
		{Slug: "slack", UserID: "user_2", AccessToken: "refreshable", RefreshToken: "r", ExpiresAt: &expires},
	}})
	token := func(user string) string {
		_, body := call(t, emu, emu.APIKey(), "POST", "/data-integrations/slack/token", `{"user_id":"`+user+`"}`)
		return body
	}
	assert.Contains(t, token("user_1"), `"access_token":"short-lived"`)
	emu.Advance(11 * time.Minute)
	assert.JSONEq(t, `{"active":false,"error":"needs_reauthorization"}`, token("user_1"))
	refreshed := token("user_2")
	assert.NotContains(t, refreshed, "refreshable")
	assert.Contains(t, refreshed, `"expires_at":"2026-06-01T13:11:00.000Z"`, "an hour after the emulator's now")
}

func TestResetKeepsNewEnvironmentKeysInStrictMode(t *testing.T) {
	emu := testutil.Start(t, testutil.WithStrictKeys())
	key := emu.NewEnvironment()
	call(t, emu, key, "POST", "/data-integrations", `{"provider":"zoom"}`)
	emu.Reset()
	status, _ := call(t, emu, key, "GET", "/data-integrations/zoom", "")
	assert.Equal(t, http.StatusNotFound, status, "seeded afresh")
	status, _ = call(t, emu, key, "GET", "/data-integrations/github", "")
	assert.Equal(t, http.StatusOK, status, "the key still works")
}

func TestGoldenFilesAreStable(t *testing.T) {
	run := func() string {
		emu := testutil.Start(t, testutil.WithDeterministicIDs(7), testutil.WithPublicURL("http://pipes-emulator.test"))
		emu.Seed(emu.APIKey(), testutil.Objects{ConnectedAccounts: []testutil.ConnectedAccount{{Slug: "slack", UserID: "user_1", RefreshToken: "r"}}})
		_, created := call(t, emu, emu.APIKey(), "POST", "/data-integrations", `{"provider":"zoom"}`)
		_, token := call(t, emu, emu.APIKey(), "POST", "/data-integrations/slack/token", `{"user_id":"user_1"}`)
		return created + token
	}
	first := run()
	assert.Equal(t, first, run(), "IDs, redirect URIs and minted tokens repeat")
	assert.Contains(t, first, `"redirect_uri":"http://pipes-emulator.test/data-integrations/zoom/dik_`)
}

func TestTheServerIsClosedWhenTheTestEnds(t *testing.T) {
	tb := &fakeTB{TB: t}
	emu := testutil.Start(tb)
	status, _ := call(t, emu, emu.APIKey(), "GET", "/data-integrations", "")
	require.Equal(t, http.StatusOK, status)
	tb.finish()
	_, err := http.Get(emu.URL() + "/_emulator/health")
	assert.Error(t, err, "nothing listens any more")
}

func TestStartLeavesTheCallersOptionsAlone(t *testing.T) {
	shared := make([]testutil.Option, 1, 8) // spare capacity, as a helper building options may have
	shared[0] = testutil.WithStrictKeys()
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			emu := testutil.Start(t, shared...)
			status, _ := call(t, emu, "sk_test_unknown", "GET", "/data-integrations", "")
			assert.Equal(t, http.StatusUnauthorized, status)
		})
	}
}

func TestDeterministicIDsKeepCreationOrder(t *testing.T) {
	// The stopped clock (2026-01-01) is earlier than the default fixtures' IDs (2026-01-15):
	// what is created still sorts after them.
	emu := testutil.Start(t, testutil.WithDeterministicIDs(1))
	call(t, emu, emu.APIKey(), "POST", "/data-integrations", `{"provider":"zoom"}`)
	_, body := call(t, emu, emu.APIKey(), "GET", "/data-integrations?limit=1", "")
	assert.Contains(t, body, `"slug":"zoom"`, "newest first")
}

func TestStartFailsTheTestOnBadFixtures(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "environments.json"), []byte(`{"environments":[{"id":"e","data_integrations":[{"slug":"not-a-provider"}]}]}`), 0o644))
	tb := &fakeTB{TB: t}
	defer tb.finish()
	var fatal string
	func() {
		defer func() { fatal, _ = recover().(string) }()
		testutil.Start(tb, testutil.WithFixturesDir(dir))
	}()
	assert.Contains(t, fatal, "environments.json")
	assert.Contains(t, fatal, `data_integrations[0] (slug "not-a-provider")`)
}

func TestFixturesDirAndAPIKey(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "environments.json"), []byte(`{"environments":[
		{"id":"one","api_keys":["sk_one"],"data_integrations":[{"slug":"zoom"}]},
		{"id":"two","api_keys":["sk_two"],"data_integrations":[{"slug":"box"}]}]}`), 0o644))
	emu := testutil.Start(t, testutil.WithFixturesDir(dir), testutil.WithAPIKey("sk_two"))
	assert.Equal(t, "sk_two", emu.APIKey())
	status, _ := call(t, emu, emu.APIKey(), "GET", "/data-integrations/box", "")
	assert.Equal(t, http.StatusOK, status)
	status, _ = call(t, emu, "sk_one", "GET", "/data-integrations/zoom", "")
	assert.Equal(t, http.StatusOK, status)
}

func TestRemainingOptionsAndMethods(t *testing.T) {
	set, err := fixtures.Load(fstest.MapFS{"environments.json": {Data: []byte(`{"environments":[{"id":"x","default":true,"api_keys":["sk_x"],"data_integrations":[{"slug":"box"}]}]}`)}})
	require.NoError(t, err)
	var logs bytes.Buffer
	emu := testutil.Start(t, testutil.WithFixtures(set), testutil.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	assert.Equal(t, "sk_x", emu.APIKey())
	call(t, emu, emu.APIKey(), "POST", "/data-integrations", `{"provider":"zoom"}`)
	assert.Contains(t, logs.String(), "path=/data-integrations", "the log goes where WithLogger says")

	emu.ResetEnvironment(emu.APIKey())
	_, ok := emu.DataIntegration(emu.APIKey(), "zoom")
	assert.False(t, ok, "ResetEnvironment put the environment back")
	assert.NotNil(t, emu.Emulator())
	assert.Same(t, emu.Clock(), emu.Emulator().Clock())
}
