package store

import (
	"fmt"
	"slices"
	"time"
)

// Connected account states.
const (
	AccountConnected            = "connected"
	AccountNeedsReauthorization = "needs_reauthorization"
	AccountDisconnected         = "disconnected"
)

// ConnectedAccount is a user's connection to a data integration, optionally scoped to an
// organization. The tokens are secrets: the API returns only what CONTRACT §4 allows.
type ConnectedAccount struct {
	EnvironmentID  string
	ID             string
	Slug           string
	UserID         string
	OrganizationID string // "" when the account is not scoped to an organization
	Scopes         []string
	AuthMethod     string
	AccessToken    string
	RefreshToken   string
	ExpiresAt      *time.Time
	State          string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Clone returns a deep copy, which the caller may change freely.
func (a ConnectedAccount) Clone() ConnectedAccount {
	a.Scopes = slices.Clone(a.Scopes)
	a.ExpiresAt = clonePtr(a.ExpiresAt)
	return a
}

// ConnectedAccount returns the account of a user (and organization, or "") for an integration.
func (t *Txn) ConnectedAccount(environmentID, slug, userID, organizationID string) (ConnectedAccount, error) {
	obj, err := t.first(tableConnectedAccounts, indexID, environmentID, slug, userID, organizationID)
	if err != nil {
		return ConnectedAccount{}, err
	}
	if obj == nil {
		return ConnectedAccount{}, ErrNotFound
	}
	return obj.(*ConnectedAccount).Clone(), nil
}

// PutConnectedAccount inserts an account, or replaces the one with the same owner.
func (t *Txn) PutConnectedAccount(a ConnectedAccount) error {
	a = a.Clone()
	return t.insert(tableConnectedAccounts, &a)
}

// ConnectedAccountsOf lists the accounts of one integration, by user then organization.
func (t *Txn) ConnectedAccountsOf(environmentID, slug string) ([]ConnectedAccount, error) {
	it, err := t.txn.Get(tableConnectedAccounts, indexID+"_prefix", environmentID, slug, "")
	if err != nil {
		return nil, fmt.Errorf("store: connected accounts of %q: %w", slug, err)
	}
	var accounts []ConnectedAccount
	for obj := it.Next(); obj != nil; obj = it.Next() {
		accounts = append(accounts, obj.(*ConnectedAccount).Clone())
	}
	return accounts, nil
}

// DeleteConnectedAccount removes one account and reports whether it existed.
func (t *Txn) DeleteConnectedAccount(environmentID, slug, userID, organizationID string) (bool, error) {
	n, err := t.txn.DeleteAll(tableConnectedAccounts, indexID, environmentID, slug, userID, organizationID)
	if err != nil {
		return false, fmt.Errorf("store: delete connected account: %w", err)
	}
	return n > 0, nil
}
