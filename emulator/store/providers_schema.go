package store

import "github.com/hashicorp/go-memdb"

// providersTable is the catalog of built-in providers, shared by every environment.
func providersTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableProviders,
		Indexes: map[string]*memdb.IndexSchema{
			// Create: is this slug a built-in provider, and what are its type and scopes.
			indexID: {Name: indexID, Unique: true, Indexer: stringField("Slug")},
		},
	}
}
