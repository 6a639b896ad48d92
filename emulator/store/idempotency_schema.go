package store

import "github.com/hashicorp/go-memdb"

// idempotencyTable remembers the responses to POSTs sent with an Idempotency-Key.
func idempotencyTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableIdempotency,
		Indexes: map[string]*memdb.IndexSchema{
			// Replay: (environment, key).
			indexID: {Name: indexID, Unique: true, Indexer: &memdb.CompoundIndex{
				Indexes: []memdb.Indexer{stringField("EnvironmentID"), stringField("Key")},
			}},
			// Expiry: records in order of the time they expire, so pruning reads only the
			// expired ones.
			indexExpires: {Name: indexExpires, Indexer: &memdb.UintFieldIndex{Field: "ExpiresUnixNano"}},
		},
	}
}
