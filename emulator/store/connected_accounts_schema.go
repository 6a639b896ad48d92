package store

import (
	"fmt"

	"github.com/hashicorp/go-memdb"
)

// connectedAccountsTable holds users' connections to data integrations.
func connectedAccountsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableConnectedAccounts,
		Indexes: map[string]*memdb.IndexSchema{
			// The account of (environment, integration slug, user, organization or none): the path
			// of the connected-account routes. Its (environment, slug) prefix serves the cascade
			// of a data integration delete and the accounts of one integration.
			indexID: {Name: indexID, Unique: true, Indexer: &memdb.CompoundIndex{
				Indexes: []memdb.Indexer{
					stringField("EnvironmentID"),
					stringField("Slug"),
					stringField("UserID"),
					organizationIndex{},
				},
			}},
		},
	}
}

// organizationIndex indexes ConnectedAccount.OrganizationID, where the empty string is a value
// of its own (an account not scoped to an organization), which memdb's StringFieldIndex would
// treat as missing.
type organizationIndex struct{}

func (organizationIndex) FromObject(obj any) (bool, []byte, error) {
	ca, ok := obj.(*ConnectedAccount)
	if !ok {
		return false, nil, fmt.Errorf("organizationIndex: unexpected %T", obj)
	}
	return true, []byte(ca.OrganizationID + "\x00"), nil
}

func (organizationIndex) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("organizationIndex: want one argument, got %d", len(args))
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("organizationIndex: argument must be a string, got %T", args[0])
	}
	return []byte(s + "\x00"), nil
}
