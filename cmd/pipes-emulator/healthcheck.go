package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheckTimeout bounds one check: a container's HEALTHCHECK must not hang.
const healthcheckTimeout = 2 * time.Second

// healthcheck asks the emulator at -addr (PIPES_EMULATOR_ADDR, as the server reads it) for
// /_emulator/health and returns nil on 200. It exists for containers, whose final image has no
// shell or curl: HEALTHCHECK runs "pipes-emulator healthcheck", which exits 0 or 1.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	addr := getenv("PIPES_EMULATOR_ADDR")
	if addr == "" {
		addr = "127.0.0.1:4110"
	}
	fs := flag.NewFlagSet("pipes-emulator healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&addr, "addr", addr, "address the emulator listens on (env PIPES_EMULATOR_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	url := "http://" + dialable(addr) + "/_emulator/health"
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return errors.New("healthcheck: " + url + " answered " + res.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// dialable turns a listening address into one to connect to: an unspecified host (0.0.0.0, ::,
// none) is this machine.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
