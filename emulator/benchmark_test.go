package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// Benchmarks of the API's hot paths through the whole echo stack (validation included, spec
// checks of responses excluded). Figures are in the README:
//
//	go test ./emulator -run '^$' -bench . -benchmem

// benchServer is an emulator whose default environment holds n integrations more than the
// fixtures, put straight into the store.
func benchServer(b *testing.B, n int) *Server {
	b.Helper()
	h := emptyHarness(b)
	s := h.server
	const batch = 10_000
	for start := 0; start < n; start += batch {
		require.NoError(b, s.store.Update(func(tx *store.Txn) error {
			for i := start; i < min(start+batch, n); i++ {
				now := s.now()
				d := store.DataIntegration{
					EnvironmentID: "env_empty", ID: s.ids.New("data_integration_"), Slug: fmt.Sprintf("bench-%06d", i),
					IntegrationType: "custom", State: store.StateValid, RedirectKey: s.ids.New("dik_"),
					Credentials:    store.Credentials{Type: store.CredentialsOrganization},
					CustomProvider: &store.CustomProvider{Name: "Bench", AdditionalAuthorizationParameters: map[string]string{}},
					CreatedAt:      now, UpdatedAt: now,
				}
				if err := tx.PutDataIntegration(d); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	return s
}

func benchRequest(b *testing.B, s *Server, path string) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+defaultKey)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

func BenchmarkGetBySlug(b *testing.B) {
	s := benchServer(b, 1_000)
	benchRequest(b, s, "/data-integrations/bench-000500")
}

// BenchmarkListPage reads one full page of 100 (the Node SDK's auto-pagination limit). The goal:
// a page among 100 000 integrations costs less than twice a page among 100.
func BenchmarkListPage(b *testing.B) {
	cases := []struct {
		n      int
		middle bool // an after cursor halfway through, rather than the first page
	}{{100, false}, {100_000, false}, {100_000, true}}
	for _, c := range cases {
		name := fmt.Sprintf("integrations=%d/first", c.n)
		if c.middle {
			name = fmt.Sprintf("integrations=%d/middle", c.n)
		}
		b.Run(name, func(b *testing.B) {
			s := benchServer(b, c.n)
			path := "/data-integrations?order=desc&limit=100"
			if c.middle {
				require.NoError(b, s.store.View(func(tx *store.Txn) error {
					d, err := tx.DataIntegration("env_empty", fmt.Sprintf("bench-%06d", c.n/2))
					path += "&after=" + d.ID
					return err
				}))
			}
			benchRequest(b, s, path)
		})
	}
}
