package store

import "github.com/hashicorp/go-memdb"

// Table names.
const (
	tableEnvironments      = "environments"
	tableAPIKeys           = "api_keys"
	tableProviders         = "providers"
	tableDataIntegrations  = "data_integrations"
	tableConnectedAccounts = "connected_accounts"
	tableIdempotency       = "idempotency_records"
	tableFaults            = "faults"
)

// Index names. Every table's primary index is memdb's "id".
const (
	indexID          = "id"
	indexEnvironment = "environment"
	indexListed      = "listed"
	indexExpires     = "expires"
)

// schema is the whole database: one function per table, in its own file.
func schema() *memdb.DBSchema {
	tables := []*memdb.TableSchema{
		environmentsTable(),
		apiKeysTable(),
		providersTable(),
		dataIntegrationsTable(),
		connectedAccountsTable(),
		idempotencyTable(),
		faultsTable(),
	}
	s := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, t := range tables {
		s.Tables[t.Name] = t
	}
	return s
}

// stringField is memdb's string field index, terminated so that prefixes stay exact.
func stringField(name string) *memdb.StringFieldIndex { return &memdb.StringFieldIndex{Field: name} }
