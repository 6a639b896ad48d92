// Package store keeps the emulator's state in go-memdb: one in-memory database whose every index
// begins with the environment, read and changed only inside transactions.
//
// Objects in the database are immutable values. Reads return copies; a change builds a new value
// and inserts it, so a reader never sees a half-made change and a snapshot stays what it was.
package store

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/go-memdb"
)

// ErrNotFound is returned when an object the caller names does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is the emulator's database.
type Store struct {
	// db is swapped whole by Restore; each transaction works on the database it started on.
	db atomic.Pointer[memdb.MemDB]
}

// New returns an empty store.
func New() (*Store, error) {
	db, err := memdb.NewMemDB(schema())
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &Store{}
	s.db.Store(db)
	return s, nil
}

// Txn is one transaction. Its methods are the only way to read and write objects.
type Txn struct {
	txn *memdb.Txn
}

// View runs fn in a read-only transaction over a consistent view of the store.
func (s *Store) View(fn func(*Txn) error) error {
	txn := s.db.Load().Txn(false)
	defer txn.Abort()
	return fn(&Txn{txn: txn})
}

// Update runs fn in a write transaction. The changes fn makes are committed together when it
// returns nil, and none of them is when it returns an error or panics. Write transactions run
// one at a time.
func (s *Store) Update(fn func(*Txn) error) error {
	txn := s.db.Load().Txn(true)
	defer txn.Abort()
	if err := fn(&Txn{txn: txn}); err != nil {
		return err
	}
	txn.Commit()
	return nil
}

// Snapshot returns an independent copy of the store, taken in constant time. Changes to either
// are not seen by the other.
func (s *Store) Snapshot() *Store {
	cp := &Store{}
	cp.db.Store(s.db.Load().Snapshot())
	return cp
}

// Restore makes the store hold what snapshot holds, changed by prepare (which may be nil), and
// swaps it in at once: no transaction ever sees the restored content without prepare's changes.
// The snapshot itself is left as it is, so it can be restored again. A write transaction still
// running on the old content commits into nothing.
func (s *Store) Restore(snapshot *Store, prepare func(*Txn) error) error {
	db := snapshot.db.Load().Snapshot()
	if prepare != nil {
		txn := db.Txn(true)
		defer txn.Abort()
		if err := prepare(&Txn{txn: txn}); err != nil {
			return err
		}
		txn.Commit()
	}
	s.db.Store(db)
	return nil
}

// first returns the object of table found by index and args, or nil.
func (t *Txn) first(table, index string, args ...any) (any, error) {
	obj, err := t.txn.First(table, index, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s.%s: %w", table, index, err)
	}
	return obj, nil
}

func (t *Txn) insert(table string, obj any) error {
	if err := t.txn.Insert(table, obj); err != nil {
		return fmt.Errorf("store: insert into %s: %w", table, err)
	}
	return nil
}
