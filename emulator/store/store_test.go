package store

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-memdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// describe renders the schema: every table, index and indexer, in a stable order.
func describe(s *memdb.DBSchema) string {
	var b strings.Builder
	tables := make([]string, 0, len(s.Tables))
	for name := range s.Tables {
		tables = append(tables, name)
	}
	slices.Sort(tables)
	for _, name := range tables {
		fmt.Fprintf(&b, "table %s\n", name)
		t := s.Tables[name]
		indexes := make([]string, 0, len(t.Indexes))
		for idx := range t.Indexes {
			indexes = append(indexes, idx)
		}
		slices.Sort(indexes)
		for _, idx := range indexes {
			i := t.Indexes[idx]
			fmt.Fprintf(&b, "  index %s unique=%v: %s\n", i.Name, i.Unique, describeIndexer(i.Indexer))
		}
	}
	return b.String()
}

func describeIndexer(ix memdb.Indexer) string {
	switch v := ix.(type) {
	case *memdb.StringFieldIndex:
		return v.Field
	case *memdb.UintFieldIndex:
		return v.Field + "(uint)"
	case *memdb.ConditionalIndex:
		return "condition"
	case organizationIndex:
		return "OrganizationID(optional)"
	case *memdb.CompoundIndex:
		parts := make([]string, len(v.Indexes))
		for i, sub := range v.Indexes {
			parts[i] = describeIndexer(sub)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprintf("%T", ix)
}

func TestSchemaGolden(t *testing.T) {
	require.NoError(t, schema().Validate())
	got := describe(schema())
	path := filepath.Join("testdata", "schema.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./emulator/store -update to create it")
	assert.Equal(t, string(want), got, "the schema changed: review, then go test ./emulator/store -update")
}

func TestEveryIndexBeginsWithTheEnvironment(t *testing.T) {
	global := map[string]bool{tableEnvironments: true, tableAPIKeys: true, tableProviders: true}
	for name, table := range schema().Tables {
		if global[name] {
			continue // the environments themselves, their keys, and the process-wide catalog
		}
		for idxName, idx := range table.Indexes {
			if idxName == indexExpires {
				continue // process-wide expiry sweep
			}
			compound, ok := idx.Indexer.(*memdb.CompoundIndex)
			require.True(t, ok, "%s.%s", name, idxName)
			first, ok := compound.Indexes[0].(*memdb.StringFieldIndex)
			require.True(t, ok, "%s.%s", name, idxName)
			assert.Equal(t, "EnvironmentID", first.Field, "%s.%s", name, idxName)
		}
	}
}

func seededStore(t *testing.T) *Store {
	t.Helper()
	s, err := New()
	require.NoError(t, err)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, s.Update(func(tx *Txn) error {
		for _, env := range []string{"env_a", "env_b"} {
			if err := tx.InsertEnvironment(Environment{ID: env}, "sk_"+env); err != nil {
				return err
			}
			for i, slug := range []string{"github", "git", "slack"} {
				d := DataIntegration{EnvironmentID: env, ID: fmt.Sprintf("data_integration_%d", i), Slug: slug,
					Credentials: Credentials{Type: CredentialsCustom}, CreatedAt: now}
				if err := tx.PutDataIntegration(d); err != nil {
					return err
				}
				for _, user := range []string{"user_1", "user_2"} {
					for _, org := range []string{"", "org_1"} {
						a := ConnectedAccount{EnvironmentID: env, ID: "ca_" + user + org, Slug: slug, UserID: user, OrganizationID: org, State: AccountConnected}
						if err := tx.PutConnectedAccount(a); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	}))
	return s
}

func accounts(t *testing.T, s *Store, env, slug string) int {
	t.Helper()
	var n int
	require.NoError(t, s.View(func(tx *Txn) error {
		got, err := tx.ConnectedAccountsOf(env, slug)
		n = len(got)
		return err
	}))
	return n
}

func TestDeleteCascadeCommitsAsOne(t *testing.T) {
	s := seededStore(t)
	require.Equal(t, 4, accounts(t, s, "env_a", "git"))
	require.NoError(t, s.Update(func(tx *Txn) error {
		deleted, err := tx.DeleteDataIntegration("env_a", "git")
		assert.True(t, deleted)
		return err
	}))
	assert.Equal(t, 0, accounts(t, s, "env_a", "git"))
	assert.Equal(t, 4, accounts(t, s, "env_a", "github"), "a slug that begins with the deleted one keeps its accounts")
	assert.Equal(t, 4, accounts(t, s, "env_b", "git"), "other environments keep theirs")
	require.NoError(t, s.View(func(tx *Txn) error {
		_, err := tx.DataIntegration("env_a", "git")
		assert.ErrorIs(t, err, ErrNotFound)
		return nil
	}))
}

func TestDeleteCascadeRollsBackAsOne(t *testing.T) {
	s := seededStore(t)
	failure := errors.New("a later step of the same request failed")
	err := s.Update(func(tx *Txn) error {
		if _, err := tx.DeleteDataIntegration("env_a", "git"); err != nil {
			return err
		}
		return failure
	})
	require.ErrorIs(t, err, failure)
	assert.Equal(t, 4, accounts(t, s, "env_a", "git"), "accounts are back")
	require.NoError(t, s.View(func(tx *Txn) error {
		_, err := tx.DataIntegration("env_a", "git")
		return err
	}), "and so is the integration")
}

func TestReadsAreCopies(t *testing.T) {
	s := seededStore(t)
	require.NoError(t, s.View(func(tx *Txn) error {
		d, err := tx.DataIntegration("env_a", "github")
		require.NoError(t, err)
		d.Scopes = append(d.Scopes, "mutated")
		d.Slug = "mutated"
		again, err := tx.DataIntegration("env_a", "github")
		require.NoError(t, err)
		assert.Equal(t, "github", again.Slug)
		assert.Empty(t, again.Scopes)
		return nil
	}))
}

func TestSnapshotIsIndependent(t *testing.T) {
	s := seededStore(t)
	snap := s.Snapshot()
	require.NoError(t, s.Update(func(tx *Txn) error {
		_, err := tx.DeleteDataIntegration("env_a", "github")
		return err
	}))
	assert.Equal(t, 4, accounts(t, snap, "env_a", "github"))
	assert.Equal(t, 0, accounts(t, s, "env_a", "github"))
}

func TestListedDataIntegrations(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	require.NoError(t, s.Update(func(tx *Txn) error {
		for i, typ := range []string{CredentialsCustom, CredentialsShared, CredentialsOrganization, CredentialsCustom} {
			for _, env := range []string{"env_a", "env_b"} {
				d := DataIntegration{EnvironmentID: env, ID: fmt.Sprintf("data_integration_%d", i), Slug: fmt.Sprintf("s%d", i), Credentials: Credentials{Type: typ}}
				if err := tx.PutDataIntegration(d); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	ids := func(env, cursor string, dir Direction, limit int) []string {
		var out []string
		require.NoError(t, s.View(func(tx *Txn) error {
			page, err := tx.ListedDataIntegrations(env, cursor, dir, limit)
			for _, d := range page {
				out = append(out, d.ID)
			}
			return err
		}))
		return out
	}
	assert.Equal(t, []string{"data_integration_3", "data_integration_2", "data_integration_0"}, ids("env_a", "", Older, 10), "shared credentials are not listed")
	assert.Equal(t, []string{"data_integration_0", "data_integration_2", "data_integration_3"}, ids("env_a", "", Newer, 10))
	assert.Equal(t, []string{"data_integration_2"}, ids("env_a", "data_integration_3", Older, 1))
	assert.Equal(t, []string{"data_integration_2", "data_integration_3"}, ids("env_a", "data_integration_1", Newer, 10), "a cursor that is not listed still positions")
	assert.Empty(t, ids("env_a", "data_integration_3", Newer, 10), "the range stops at the environment's end")
	assert.Empty(t, ids("env_c", "", Older, 10))
}

func TestIdempotencyRecordsExpire(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	put := func(key string, at time.Time) {
		require.NoError(t, s.Update(func(tx *Txn) error {
			return tx.PutIdempotencyRecord(IdempotencyRecord{EnvironmentID: "env", Key: key, ExpiresUnixNano: uint64(at.Add(24 * time.Hour).UnixNano())}, at)
		}))
	}
	exists := func(key string) bool {
		var err error
		require.NoError(t, s.View(func(tx *Txn) error {
			_, err = tx.IdempotencyRecord("env", key)
			return nil
		}))
		return err == nil
	}
	put("old", now)
	put("newer", now.Add(12*time.Hour))
	put("latest", now.Add(25*time.Hour))
	assert.False(t, exists("old"), "pruned once expired")
	assert.True(t, exists("newer"))
	assert.True(t, exists("latest"))
}
