// Package emulator is pipes-emulator's HTTP server: the WorkOS Pipes API on echo, over the
// state kept in emulator/store.
package emulator

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
	"github.com/pipes-emulator/pipes-emulator/fixtures"
	"github.com/pipes-emulator/pipes-emulator/openapi"
)

// DefaultPublicURL is the base of redirect URIs when Config.PublicURL is empty.
const DefaultPublicURL = "http://127.0.0.1:4110"

// Config configures a Server. The zero value is a server with the embedded default fixtures,
// the real clock and random IDs.
type Config struct {
	// Fixtures replaces the embedded default fixtures.
	Fixtures *fixtures.Set
	// StrictKeys rejects API keys that no fixture names (401) instead of giving each its own
	// fresh environment.
	StrictKeys bool
	// PublicURL is the emulator's address as clients see it: the base of redirect_uri.
	PublicURL string
	// Logger receives one line per request and the causes of server errors. Nil discards.
	Logger *slog.Logger
	// Clock is the emulator's time: timestamps, token expiry, idempotency windows. Nil is a
	// clock that follows the real time until it is moved.
	Clock *Clock
	// Entropy is the randomness of IDs; a seeded reader makes IDs repeatable. Nil is
	// crypto/rand.
	Entropy io.Reader
	// CORSOrigins are the origins browsers may call the emulator from; empty allows any.
	CORSOrigins []string
}

// Server is the emulator. It is an http.Handler.
type Server struct {
	echo      *echo.Echo
	store     *store.Store
	ops       *openapi.Operations
	log       *slog.Logger
	clock     *Clock
	ids       *idGenerator
	publicURL string
	strict    bool
	// template is what environments created for unknown keys are seeded with.
	template    fixtures.Environment
	hasTemplate bool
	// seeded is the store right after seeding: what Reset restores.
	seeded *store.Store
	// idempotencyLocks serialises requests that share an Idempotency-Key.
	idempotencyLocks keyedLocks
	// journal keeps the last requests of each environment.
	journal journal
	// corsOrigins are the browser origins allowed to call the emulator.
	corsOrigins []string
}

// New builds a server and seeds its store from the fixtures. A fixture that breaks a rule of
// the API is an error naming the file, the object and the field; no server is returned.
func New(cfg Config) (*Server, error) {
	ops, err := openapi.LoadOperations()
	if err != nil {
		return nil, err
	}
	set := cfg.Fixtures
	if set == nil {
		if set, err = fixtures.Default(); err != nil {
			return nil, err
		}
	}
	st, err := catalogStore(set)
	if err != nil {
		return nil, err
	}
	s := &Server{
		echo:      echo.New(),
		store:     st,
		ops:       ops,
		log:       cfg.Logger,
		clock:     cfg.Clock,
		publicURL: strings.TrimSuffix(cfg.PublicURL, "/"),
		strict:    cfg.StrictKeys,
	}
	s.corsOrigins = cfg.CORSOrigins
	if len(s.corsOrigins) == 0 {
		s.corsOrigins = []string{"*"}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = NewRunningClock()
	}
	if s.publicURL == "" {
		s.publicURL = DefaultPublicURL
	}
	s.ids = newIDGenerator(s.clock.Now, cfg.Entropy)
	s.template, s.hasTemplate = set.DefaultEnvironment()
	if err := s.seed(set); err != nil {
		return nil, err
	}
	s.seeded = s.store.Snapshot()
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// now is the emulator's clock, in UTC.
func (s *Server) now() time.Time { return s.clock.Now().UTC() }

// Clock is the server's clock.
func (s *Server) Clock() *Clock { return s.clock }

// Routes lists every route the server answers, as "METHOD /echo/path", for the test that holds
// routes and spec together.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s", r.Method, r.Path))
	}
	return out
}
