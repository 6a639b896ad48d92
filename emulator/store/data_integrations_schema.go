package store

import "github.com/hashicorp/go-memdb"

// dataIntegrationsTable holds the data integrations of every environment.
func dataIntegrationsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableDataIntegrations,
		Indexes: map[string]*memdb.IndexSchema{
			// Get, update, delete and create's uniqueness check: (environment, slug).
			indexID: {Name: indexID, Unique: true, Indexer: &memdb.CompoundIndex{
				Indexes: []memdb.Indexer{stringField("EnvironmentID"), stringField("Slug")},
			}},
			// List: (environment, listed, id). IDs are ULIDs, so id order is creation order, and
			// a page is a range scan from the cursor in either direction: O(log n + limit).
			// Integrations with shared credentials sort apart and never enter a page.
			indexListed: {Name: indexListed, Unique: true, Indexer: &memdb.CompoundIndex{
				Indexes: []memdb.Indexer{
					stringField("EnvironmentID"),
					&memdb.ConditionalIndex{Conditional: isListed},
					stringField("ID"),
				},
			}},
		},
	}
}

func isListed(obj any) (bool, error) { return obj.(*DataIntegration).Listed(), nil }
