package testutil

import (
	"github.com/pipes-emulator/pipes-emulator/emulator"
	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// The objects tests arrange and read, in the fixtures format.
type (
	// DataIntegration is an integration to seed or read back.
	DataIntegration = fixtures.DataIntegration
	// ConnectedAccount is a connected account to seed or read back.
	ConnectedAccount = fixtures.ConnectedAccount
	// Credentials of a DataIntegration; type "shared" hides it from the management API.
	Credentials = fixtures.Credentials
	// CustomProvider is a custom provider definition.
	CustomProvider = fixtures.CustomProvider
	// Objects is what Seed takes and State returns.
	Objects = fixtures.Environment
)

// Seed puts integrations and connected accounts into the environment of key, through the API's
// rules; all or nothing. A broken rule fails the test.
func (s *Server) Seed(key string, objects Objects) {
	s.t.Helper()
	if err := s.emu.Seed(key, objects); err != nil {
		s.t.Fatalf("testutil: seed: %v", err)
	}
}

// State reads the integrations and connected accounts of the environment of key: copies, with
// secrets redacted as the API redacts them.
func (s *Server) State(key string) Objects {
	s.t.Helper()
	state, err := s.emu.State(key)
	if err != nil {
		s.t.Fatalf("testutil: state: %v", err)
	}
	return state
}

// DataIntegration returns one integration of the environment of key, listed or not.
func (s *Server) DataIntegration(key, slug string) (DataIntegration, bool) {
	s.t.Helper()
	for _, d := range s.State(key).DataIntegrations {
		if d.Slug == slug {
			return d, true
		}
	}
	return DataIntegration{}, false
}

// ResetEnvironment puts one environment back to its seeded state.
func (s *Server) ResetEnvironment(key string) {
	s.t.Helper()
	if err := s.emu.ResetEnvironment(key); err != nil {
		s.t.Fatalf("testutil: reset environment: %v", err)
	}
}

// Request is one entry of an environment's journal: a request and its answer, secrets redacted.
type Request = emulator.JournalEntry

// Requests returns the last requests (up to limit) of the environment of key, newest first: what
// GET /_emulator/requests returns.
func (s *Server) Requests(key string, limit int) []Request {
	s.t.Helper()
	entries, err := s.emu.Requests(key, limit)
	if err != nil {
		s.t.Fatalf("testutil: requests: %v", err)
	}
	return entries
}
