package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pipes-emulator/pipes-emulator/emulator"
	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// Server timeouts: generous for a local tool, but a stuck client cannot hold a connection
// forever.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	shutdownTimeout   = 10 * time.Second
)

// options are the command line, each flag with an environment variable as fallback.
type options struct {
	addr       string
	fixtures   string
	strictKeys bool
	logLevel   string
	logFormat  string
	publicURL  string
	cors       string
}

func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	strictDefault, err := strconv.ParseBool(env("PIPES_EMULATOR_STRICT_KEYS", "false"))
	if err != nil {
		return options{}, fmt.Errorf("PIPES_EMULATOR_STRICT_KEYS: %q is not true or false", getenv("PIPES_EMULATOR_STRICT_KEYS"))
	}
	var o options
	fs := flag.NewFlagSet("pipes-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", env("PIPES_EMULATOR_ADDR", "127.0.0.1:4110"), "address to listen on (env PIPES_EMULATOR_ADDR)")
	fs.StringVar(&o.fixtures, "fixtures", env("PIPES_EMULATOR_FIXTURES", ""), "directory of fixture files replacing the embedded defaults (env PIPES_EMULATOR_FIXTURES)")
	fs.BoolVar(&o.strictKeys, "strict-keys", strictDefault, "reject API keys no fixture names with 401 (env PIPES_EMULATOR_STRICT_KEYS)")
	fs.StringVar(&o.logLevel, "log-level", env("PIPES_EMULATOR_LOG_LEVEL", "info"), "debug, info, warn or error (env PIPES_EMULATOR_LOG_LEVEL)")
	fs.StringVar(&o.logFormat, "log-format", env("PIPES_EMULATOR_LOG_FORMAT", "text"), "text or json (env PIPES_EMULATOR_LOG_FORMAT)")
	fs.StringVar(&o.cors, "cors-origins", env("PIPES_EMULATOR_CORS_ORIGINS", "*"), "comma-separated origins browsers may call the emulator from, * for any (env PIPES_EMULATOR_CORS_ORIGINS)")
	fs.StringVar(&o.publicURL, "public-url", env("PIPES_EMULATOR_PUBLIC_URL", ""), "the emulator's URL as clients see it, base of redirect_uri (env PIPES_EMULATOR_PUBLIC_URL; default from -addr)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return o, nil
}

func newLogger(o options, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("-log-level: %q is not debug, info, warn or error", o.logLevel)
	}
	handlerOpts := &slog.HandlerOptions{Level: level}
	switch o.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, handlerOpts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, handlerOpts)), nil
	}
	return nil, fmt.Errorf("-log-format: %q is not text or json", o.logFormat)
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// publicURLFor derives the URL clients reach a listener at: an unspecified host (0.0.0.0, ::)
// becomes localhost.
func publicURLFor(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// run serves until ctx is cancelled, then shuts down gracefully: in-flight requests finish.
// "pipes-emulator healthcheck" asks a running emulator instead (see healthcheck.go).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "healthcheck" {
		return healthcheck(ctx, args[1:], getenv, stdout, stderr)
	}
	o, err := parseOptions(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger, err := newLogger(o, stderr)
	if err != nil {
		return err
	}
	cfg := emulator.Config{StrictKeys: o.strictKeys, Logger: logger, CORSOrigins: splitList(o.cors)}
	if o.fixtures != "" {
		if cfg.Fixtures, err = fixtures.Load(os.DirFS(o.fixtures)); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	cfg.PublicURL = o.publicURL
	if cfg.PublicURL == "" {
		cfg.PublicURL = publicURLFor(ln.Addr())
	}
	srv, err := emulator.New(cfg)
	if err != nil {
		return err
	}
	httpServer := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(ln) }()
	fmt.Fprintf(stdout, "pipes-emulator serving on %s (listening on %s, public URL %s)\n", publicURLFor(ln.Addr()), ln.Addr(), cfg.PublicURL)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
