package store

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-memdb"
)

// Credential types. Shared credentials are WorkOS-managed: the management API does not expose
// integrations that use them.
const (
	CredentialsCustom       = "custom"
	CredentialsOrganization = "organization"
	CredentialsShared       = "shared"
)

// Integration states.
const (
	StateValid     = "valid"
	StateInvalid   = "invalid"
	StateRequested = "requested"
)

// Credentials is an integration's credential configuration. ClientSecret is the full secret:
// it is kept to be compared and redacted, and is never returned by the API.
type Credentials struct {
	Type         string
	ClientID     *string
	ClientSecret *string
}

// CustomProvider is the OAuth definition of a custom provider, every field filled in.
type CustomProvider struct {
	Name                              string
	AuthorizationURL                  *string
	TokenURL                          *string
	RefreshTokenURL                   *string
	PKCEEnabled                       bool
	RequestScopeSeparator             string
	ScopesRequired                    bool
	ClientSecretRequired              bool
	AdditionalAuthorizationParameters map[string]string
	TokenBodyContentType              string
	AuthenticateVia                   string
}

// DataIntegration is a configured connection to a provider within one environment.
type DataIntegration struct {
	EnvironmentID   string
	ID              string
	Slug            string
	IntegrationType string
	Description     *string
	Enabled         bool
	State           string
	// Scopes is nil when the provider's configured scopes apply.
	Scopes []string
	// RedirectKey is the dik_ part of the redirect URI, fixed at creation.
	RedirectKey    string
	Credentials    Credentials
	CustomProvider *CustomProvider
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Listed reports whether the management API shows the integration.
func (d *DataIntegration) Listed() bool { return d.Credentials.Type != CredentialsShared }

// Clone returns a deep copy, which the caller may change freely.
func (d DataIntegration) Clone() DataIntegration {
	d.Scopes = slices.Clone(d.Scopes)
	d.Description = clonePtr(d.Description)
	d.Credentials.ClientID = clonePtr(d.Credentials.ClientID)
	d.Credentials.ClientSecret = clonePtr(d.Credentials.ClientSecret)
	if d.CustomProvider != nil {
		cp := *d.CustomProvider
		cp.AuthorizationURL = clonePtr(cp.AuthorizationURL)
		cp.TokenURL = clonePtr(cp.TokenURL)
		cp.RefreshTokenURL = clonePtr(cp.RefreshTokenURL)
		cp.AdditionalAuthorizationParameters = maps.Clone(cp.AdditionalAuthorizationParameters)
		d.CustomProvider = &cp
	}
	return d
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// DataIntegration returns the integration of an environment with the given slug, listed or not.
func (t *Txn) DataIntegration(environmentID, slug string) (DataIntegration, error) {
	obj, err := t.first(tableDataIntegrations, indexID, environmentID, slug)
	if err != nil {
		return DataIntegration{}, err
	}
	if obj == nil {
		return DataIntegration{}, ErrNotFound
	}
	return obj.(*DataIntegration).Clone(), nil
}

// PutDataIntegration inserts an integration, or replaces the one with the same slug.
func (t *Txn) PutDataIntegration(d DataIntegration) error {
	d = d.Clone()
	return t.insert(tableDataIntegrations, &d)
}

// DeleteDataIntegration removes an integration and, in the same transaction, its connected
// accounts. It reports whether there was anything to delete.
func (t *Txn) DeleteDataIntegration(environmentID, slug string) (bool, error) {
	obj, err := t.first(tableDataIntegrations, indexID, environmentID, slug)
	if err != nil || obj == nil {
		return false, err
	}
	if err := t.txn.Delete(tableDataIntegrations, obj); err != nil {
		return false, fmt.Errorf("store: delete data integration: %w", err)
	}
	if _, err := t.txn.DeleteAll(tableConnectedAccounts, indexID+"_prefix", environmentID, slug, ""); err != nil {
		return false, fmt.Errorf("store: delete connected accounts of %q: %w", slug, err)
	}
	return true, nil
}

// Direction is the way a page extends from its cursor, in creation order.
type Direction int

// Directions of a page.
const (
	Older Direction = iota // towards the first created
	Newer                  // towards the last created
)

// ListedDataIntegrations returns up to limit listed integrations of an environment that lie
// strictly beyond the cursor id in the given direction, nearest first. The cursor need not
// exist any more: position is by id. An empty cursor starts at the far end (the newest for
// Older, the oldest for Newer). The cost is O(log n + limit).
func (t *Txn) ListedDataIntegrations(environmentID, cursor string, dir Direction, limit int) ([]DataIntegration, error) {
	var (
		it  memdb.ResultIterator
		err error
	)
	switch {
	case cursor == "" && dir == Older:
		it, err = t.txn.GetReverse(tableDataIntegrations, indexListed+"_prefix", environmentID, true, "")
	case cursor == "" && dir == Newer:
		it, err = t.txn.Get(tableDataIntegrations, indexListed+"_prefix", environmentID, true, "")
	case dir == Older:
		it, err = t.txn.ReverseLowerBound(tableDataIntegrations, indexListed, environmentID, true, cursor)
	default:
		it, err = t.txn.LowerBound(tableDataIntegrations, indexListed, environmentID, true, cursor)
	}
	if err != nil {
		return nil, fmt.Errorf("store: list data integrations: %w", err)
	}
	page := make([]DataIntegration, 0, min(limit, 128))
	for obj := it.Next(); obj != nil && len(page) < limit; obj = it.Next() {
		d := obj.(*DataIntegration)
		if d.EnvironmentID != environmentID || !d.Listed() {
			break // the bound scans run past the prefix; the range ends here
		}
		if d.ID == cursor {
			continue
		}
		page = append(page, d.Clone())
	}
	return page, nil
}

// AllDataIntegrations lists every integration of an environment, listed or not, by slug.
func (t *Txn) AllDataIntegrations(environmentID string) ([]DataIntegration, error) {
	it, err := t.txn.Get(tableDataIntegrations, indexID+"_prefix", environmentID, "")
	if err != nil {
		return nil, fmt.Errorf("store: data integrations: %w", err)
	}
	var out []DataIntegration
	for obj := it.Next(); obj != nil; obj = it.Next() {
		out = append(out, obj.(*DataIntegration).Clone())
	}
	return out, nil
}

// SortByID orders integrations by id: creation order.
func SortByID(integrations []DataIntegration) {
	slices.SortFunc(integrations, func(a, b DataIntegration) int { return strings.Compare(a.ID, b.ID) })
}
