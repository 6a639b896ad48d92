package store

import "github.com/hashicorp/go-memdb"

// faultsTable holds the fault rules of each environment.
func faultsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableFaults,
		Indexes: map[string]*memdb.IndexSchema{
			// Every request reads its environment's rules in creation (id) order; the control
			// plane removes one by id.
			indexID: {Name: indexID, Unique: true, Indexer: &memdb.CompoundIndex{
				Indexes: []memdb.Indexer{stringField("EnvironmentID"), stringField("ID")},
			}},
		},
	}
}
