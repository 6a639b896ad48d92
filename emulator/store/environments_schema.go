package store

import "github.com/hashicorp/go-memdb"

// environmentsTable holds one row per environment.
func environmentsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableEnvironments,
		Indexes: map[string]*memdb.IndexSchema{
			// Lookup by id, and iteration over all environments (reset, state dumps).
			indexID: {Name: indexID, Unique: true, Indexer: stringField("ID")},
		},
	}
}

// apiKeysTable maps each API key to its environment.
func apiKeysTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableAPIKeys,
		Indexes: map[string]*memdb.IndexSchema{
			// Authentication: the key of a request to its environment.
			indexID: {Name: indexID, Unique: true, Indexer: stringField("Key")},
			// The keys of one environment, for dumps and for testutil.
			indexEnvironment: {Name: indexEnvironment, Indexer: stringField("EnvironmentID")},
		},
	}
}
