// Package testutil runs pipes-emulator inside Go tests:
//
//	emu := testutil.Start(t) // random loopback port, ready on return, closed by t.Cleanup
//	app := myapp.New(emu.URL(), emu.APIKey())
//
// Each Start has its own state; the spec and the embedded fixtures are parsed once per process,
// so a server costs well under a millisecond. Tests arrange state and failures from Go (Seed,
// InjectFault, the Clock) and read state back (State) without going through HTTP, and Reset
// puts everything back as seeded.
package testutil

import (
	"bytes"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pipes-emulator/pipes-emulator/emulator"
	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// Clock is the emulator's time, which a test moves with Advance and Set.
type Clock = emulator.Clock

// NewClock returns a clock stopped at start: it moves only with Advance and Set.
func NewClock(start time.Time) *Clock { return emulator.NewClock(start) }

// NewRunningClock returns a clock that follows the real time, shifted by Advance and Set.
func NewRunningClock() *Clock { return emulator.NewRunningClock() }

// DefaultAPIKey is the key of the default environment of the embedded fixtures.
const DefaultAPIKey = "sk_test_default"

// Server is an emulator serving on a loopback port for the length of one test.
type Server struct {
	t      failer
	emu    *emulator.Server
	http   *httptest.Server
	clock  *Clock
	apiKey string
}

// Option configures Start.
type Option func(*config) error

type config struct {
	fixtures      *fixtures.Set
	clock         *Clock
	deterministic bool
	seed          uint64
	strictKeys    bool
	logger        *slog.Logger
	apiKey        string
	publicURL     string
}

// WithFixturesFS serves the fixture files of fsys (providers.json, environments.json) instead of
// the embedded defaults.
func WithFixturesFS(fsys fs.FS) Option {
	return func(c *config) error {
		set, err := fixtures.Load(fsys)
		c.fixtures = set
		return err
	}
}

// WithFixturesDir serves the fixture files of a directory instead of the embedded defaults.
func WithFixturesDir(dir string) Option { return WithFixturesFS(os.DirFS(dir)) }

// WithFixtures serves an already loaded fixture set.
func WithFixtures(set *fixtures.Set) Option {
	return func(c *config) error { c.fixtures = set; return nil }
}

// WithAPIKey sets the key APIKey returns (default: the first key of the fixtures' default
// environment, sk_test_default with the embedded fixtures).
func WithAPIKey(key string) Option {
	return func(c *config) error { c.apiKey = key; return nil }
}

// WithPublicURL sets the base of redirect URIs (default: the server's own URL, whose port
// changes from run to run). A fixed one keeps golden files stable.
func WithPublicURL(url string) Option {
	return func(c *config) error { c.publicURL = url; return nil }
}

// WithClock makes the emulator read time from clock: timestamps, token expiry and idempotency
// windows then move only when the test moves them.
func WithClock(clock *Clock) Option {
	return func(c *config) error { c.clock = clock; return nil }
}

// WithDeterministicIDs makes every ID (objects, request ids) the same on every run, for golden
// files. Unless WithClock is given too, the clock is stopped at 2026-01-01T00:00:00Z, since IDs
// carry their creation time. IDs stay deterministic as long as requests are made one at a time.
func WithDeterministicIDs(seed uint64) Option {
	return func(c *config) error { c.deterministic, c.seed = true, seed; return nil }
}

// WithStrictKeys answers 401 to keys no fixture names (NewEnvironment's keys are known).
func WithStrictKeys() Option {
	return func(c *config) error { c.strictKeys = true; return nil }
}

// WithLogger sends the emulator's log to logger. By default Start keeps the log quiet and shows
// it with t.Log only if the test fails, and New discards it.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error { c.logger = logger; return nil }
}

// failer is the part of testing.TB a Server reports setup errors to.
type failer interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Start serves a new emulator on 127.0.0.1 and returns when it accepts requests. It is closed,
// waiting for requests in flight, when the test ends; setup errors fail the test at once. The
// emulator's log is shown with t.Log if the test fails (unless WithLogger sends it elsewhere).
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	logs := &lockedBuffer{}
	quiet := func(c *config) error {
		if c.logger == nil {
			c.logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
		return nil
	}
	s, err := newServer(t, append(slices.Clip(opts), quiet)) // never into the caller's array
	if err != nil {
		t.Fatalf("testutil: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		if t.Failed() && logs.Len() > 0 {
			t.Logf("pipes-emulator log:\n%s", logs)
		}
	})
	return s
}

// New serves a new emulator outside a test (a TestMain, an example, a tool); the caller closes
// it. Its methods panic where Start's would fail the test.
func New(opts ...Option) (*Server, error) {
	return newServer(panicker{}, opts)
}

// Close stops the server and waits for requests in flight.
func (s *Server) Close() { s.http.Close() }

func newServer(t failer, opts []Option) (*Server, error) {
	var c config
	for _, opt := range opts {
		if err := opt(&c); err != nil {
			return nil, err
		}
	}
	if c.clock == nil {
		if c.deterministic {
			c.clock = NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		} else {
			c.clock = NewRunningClock()
		}
	}
	cfg := emulator.Config{Fixtures: c.fixtures, StrictKeys: c.strictKeys, Clock: c.clock, Logger: c.logger}
	if c.deterministic {
		cfg.Entropy = rand.NewChaCha8(seedBytes(c.seed))
	}

	// The listener comes first: redirect URIs carry its address.
	ts := httptest.NewUnstartedServer(nil)
	cfg.PublicURL = "http://" + ts.Listener.Addr().String()
	if c.publicURL != "" {
		cfg.PublicURL = c.publicURL
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		ts.Close()
		return nil, fmt.Errorf("start pipes-emulator: %w", err)
	}
	ts.Config.Handler = emu
	ts.Start()

	key := c.apiKey
	if key == "" {
		key = defaultKey(c.fixtures)
	}
	return &Server{t: t, emu: emu, http: ts, clock: c.clock, apiKey: key}, nil
}

// panicker reports the errors of a Server made by New.
type panicker struct{}

func (panicker) Helper()                           {}
func (panicker) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func defaultKey(set *fixtures.Set) string {
	if set == nil {
		return DefaultAPIKey
	}
	if env, ok := set.DefaultEnvironment(); ok && len(env.APIKeys) > 0 {
		return env.APIKeys[0]
	}
	for _, env := range set.Environments {
		if len(env.APIKeys) > 0 {
			return env.APIKeys[0]
		}
	}
	return DefaultAPIKey
}

func seedBytes(seed uint64) [32]byte {
	var b [32]byte
	for i := range 4 {
		v := seed + uint64(i)*0x9E3779B97F4A7C15
		for j := range 8 {
			b[i*8+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// URL is the base URL of the emulator, without a trailing slash.
func (s *Server) URL() string { return s.http.URL }

// APIKey is a key of the default, seeded environment.
func (s *Server) APIKey() string { return s.apiKey }

// Client is an HTTP client for the emulator.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Handler is the emulator as an http.Handler, for tests that need no listener.
func (s *Server) Handler() http.Handler { return s.emu }

// Emulator is the server underneath, for what this package does not wrap.
func (s *Server) Emulator() *emulator.Server { return s.emu }

// Clock is the emulator's clock.
func (s *Server) Clock() *Clock { return s.clock }

// Advance moves the emulator's clock forward by d.
func (s *Server) Advance(d time.Duration) { s.clock.Advance(d) }

// NewEnvironment returns the key of a fresh environment, seeded like the default one and
// isolated from every other: one per parallel subtest.
func (s *Server) NewEnvironment() string {
	s.t.Helper()
	key, err := s.emu.NewEnvironment()
	if err != nil {
		s.t.Fatalf("testutil: new environment: %v", err)
	}
	return key
}

// Reset puts every environment back to its seeded state: the fixtures' from a memdb snapshot in
// constant time, those made since (NewEnvironment) seeded afresh under the same keys.
func (s *Server) Reset() {
	s.t.Helper()
	if err := s.emu.Reset(); err != nil {
		s.t.Fatalf("testutil: reset: %v", err)
	}
}

// lockedBuffer collects the log of one server.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
