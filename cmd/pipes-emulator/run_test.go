package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var servingLine = regexp.MustCompile(`serving on (http://\S+)`)

// start runs the binary's run in the background and returns its URL once it serves.
func start(t *testing.T, args []string, env map[string]string) (url string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(k string) string { return env[k] }, stdout, stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := servingLine.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run returned before serving: %v\nstderr: %s", err, stderr)
		case <-time.After(5 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "no serving line: %s", stdout)
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return url, stderr, stop
}

func TestRunServesAndShutsDown(t *testing.T) {
	url, stderr, stop := start(t, []string{"-addr", "127.0.0.1:0"}, nil)

	res, err := http.Get(url + "/_emulator/health")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"status":"ok"}`, string(body))

	req, _ := http.NewRequest(http.MethodPost, url+"/data-integrations",
		strings.NewReader(`{"provider":"zoom","credentials":{"type":"custom","client_id":"id","client_secret":"zoom-very-secret"}}`))
	req.Header.Set("Authorization", "Bearer sk_test_default")
	req.Header.Set("Content-Type", "application/json")
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode, "body: %s", body)
	assert.Contains(t, string(body), url+"/data-integrations/zoom/dik_", "redirect_uri is based on the listening address")

	req, _ = http.NewRequest(http.MethodPut, url+"/data-integrations/zoom",
		strings.NewReader(`{"credentials":{"type":"custom","client_id":"id","client_secret":"rotated-zoom-secret"}}`))
	req.Header.Set("Authorization", "Bearer sk_test_default")
	req.Header.Set("Content-Type", "application/json")
	res2, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res2.Body.Close()
	require.Equal(t, http.StatusOK, res2.StatusCode)

	require.NoError(t, stop(), "a graceful stop returns nil (exit 0)")
	log := stderr.String()
	assert.Contains(t, log, "path=/data-integrations")
	assert.Contains(t, log, "request_id=req_")
	assert.Contains(t, log, res.Header.Get("X-Request-ID"), "the log line carries the response's request id")
	for _, secret := range []string{"sk_test_default", "zoom-very-secret", "rotated-zoom-secret", "Authorization"} {
		assert.NotContains(t, log, secret)
	}
}

func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	url, _, stop := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	bodyReader, bodyWriter := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, url+"/data-integrations", bodyReader)
	req.Header.Set("Authorization", "Bearer sk_test_default")
	req.Header.Set("Content-Type", "application/json")
	result := make(chan int, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- 0
			return
		}
		res.Body.Close()
		result <- res.StatusCode
	}()
	_, err := bodyWriter.Write([]byte(`{"provider":`))
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond) // the request is now in flight, its body half sent

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(50 * time.Millisecond)
	_, err = bodyWriter.Write([]byte(`"zoom"}`))
	require.NoError(t, err)
	require.NoError(t, bodyWriter.Close())

	assert.Equal(t, http.StatusCreated, <-result)
	assert.NoError(t, <-stopped)
}

func TestEnvironmentFallbacks(t *testing.T) {
	url, stderr, stop := start(t, nil, map[string]string{
		"PIPES_EMULATOR_ADDR":         "127.0.0.1:0",
		"PIPES_EMULATOR_STRICT_KEYS":  "true",
		"PIPES_EMULATOR_LOG_FORMAT":   "json",
		"PIPES_EMULATOR_PUBLIC_URL":   "https://emulator.example",
		"PIPES_EMULATOR_CORS_ORIGINS": "http://app.test:3000, http://other.test",
	})
	get := func(key string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, url+"/data-integrations/github", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return res
	}
	assert.Equal(t, http.StatusUnauthorized, get("sk_test_not_in_fixtures").StatusCode, "strict keys")
	res := get("sk_test_default")
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(body), `"redirect_uri":"https://emulator.example/data-integrations/github/`)
	preflight, _ := http.NewRequest(http.MethodOptions, url+"/data-integrations", nil)
	preflight.Header.Set("Origin", "http://other.test")
	preflight.Header.Set("Access-Control-Request-Method", "GET")
	res, err := http.DefaultClient.Do(preflight)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, "http://other.test", res.Header.Get("Access-Control-Allow-Origin"), "CORS origins from the environment")
	require.NoError(t, stop())
	assert.Contains(t, stderr.String(), `"msg":"request"`, "JSON log lines")
}

func TestRunRefusesBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "environments.json"),
		[]byte(`{"environments":[{"id":"e","data_integrations":[{"slug":"github","credentials":{"type":"custom"}}]}]}`), 0o644))
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"bad log level", []string{"-log-level", "loud"}, []string{"-log-level", "loud"}},
		{"bad log format", []string{"-log-format", "xml"}, []string{"-log-format", "xml"}},
		{"unknown flag", []string{"-colour"}, []string{"colour"}},
		{"stray argument", []string{"serve"}, []string{"serve"}},
		{"bad fixture", []string{"-addr", "127.0.0.1:0", "-fixtures", dir}, []string{"environments.json", `data_integrations[0] (slug "github")`, "credentials.client_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, func(string) string { return "" }, io.Discard, io.Discard)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestPublicURLFor(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:4110": "http://127.0.0.1:4110",
		"0.0.0.0:4110":   "http://localhost:4110",
		"[::]:4110":      "http://localhost:4110",
	} {
		a, err := netResolve(addr)
		require.NoError(t, err)
		assert.Equal(t, want, publicURLFor(a), addr)
	}
}

func netResolve(addr string) (*net.TCPAddr, error) { return net.ResolveTCPAddr("tcp", addr) }

func TestHealthcheckSubcommand(t *testing.T) {
	url, _, _ := start(t, []string{"-addr", "0.0.0.0:0"}, nil)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	env := func(k string) string {
		if k == "PIPES_EMULATOR_ADDR" {
			return "0.0.0.0:" + port // as the container sets it
		}
		return ""
	}
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"healthcheck"}, env, &out, io.Discard))
	assert.Equal(t, "ok\n", out.String())

	err = run(context.Background(), []string{"healthcheck", "-addr", "127.0.0.1:1"}, func(string) string { return "" }, io.Discard, io.Discard)
	assert.Error(t, err, "nothing listens there: exit 1")
}
