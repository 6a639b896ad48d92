package testutil

import (
	"time"

	"github.com/pipes-emulator/pipes-emulator/emulator"
)

// Fault makes requests fail or wait: the same rules as POST /_emulator/faults.
type Fault = emulator.Fault

// InjectFault adds a fault rule to the environment of key and returns its id. Method and Path
// (a template like /data-integrations/{slug}, or a glob) select requests, empty for any.
func (s *Server) InjectFault(key string, f Fault) string {
	s.t.Helper()
	added, err := s.emu.AddFault(key, f)
	if err != nil {
		s.t.Fatalf("testutil: inject fault: %v", err)
	}
	return added.ID
}

// FailNext makes the next n requests of the default environment that match method and path
// answer with status, with the WorkOS error code of that status (429 rate_limit_exceeded, 500
// server_error, 503 service_unavailable, …).
func (s *Server) FailNext(n int, method, path string, status int) string {
	s.t.Helper()
	return s.InjectFault(s.apiKey, Fault{Method: method, Path: path, Status: status, Times: n})
}

// RateLimitNext makes the next n matching requests of the default environment answer 429
// rate_limit_exceeded with Retry-After: retryAfter (in whole seconds).
func (s *Server) RateLimitNext(n int, method, path string, retryAfter int) string {
	s.t.Helper()
	return s.InjectFault(s.apiKey, Fault{Method: method, Path: path, Status: 429, RetryAfter: retryAfter, Times: n})
}

// DelayNext makes the next n matching requests of the default environment wait d (real time)
// before they are served normally.
func (s *Server) DelayNext(n int, method, path string, d time.Duration) string {
	s.t.Helper()
	return s.InjectFault(s.apiKey, Fault{Method: method, Path: path, Delay: d, Times: n})
}

// Faults lists the fault rules of the environment of key, with how often each has fired.
func (s *Server) Faults(key string) []Fault {
	s.t.Helper()
	faults, err := s.emu.Faults(key)
	if err != nil {
		s.t.Fatalf("testutil: faults: %v", err)
	}
	return faults
}

// ClearFaults removes every fault rule of the environment of key.
func (s *Server) ClearFaults(key string) {
	s.t.Helper()
	if err := s.emu.ClearFaults(key); err != nil {
		s.t.Fatalf("testutil: clear faults: %v", err)
	}
}
