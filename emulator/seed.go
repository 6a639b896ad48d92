package emulator

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// catalogStore returns a new store holding the provider catalog of set. The catalog of the
// embedded defaults is built once per process and each server starts from a constant-time
// snapshot of it: most of what a new server would otherwise spend on seeding.
func catalogStore(set *fixtures.Set) (*store.Store, error) {
	defaults, err := fixtures.Default()
	if err == nil && set == defaults {
		base, err := defaultCatalog()
		if err != nil {
			return nil, err
		}
		return base.Snapshot(), nil
	}
	return newCatalogStore(set)
}

var defaultCatalog = sync.OnceValues(func() (*store.Store, error) {
	set, err := fixtures.Default()
	if err != nil {
		return nil, err
	}
	return newCatalogStore(set)
})

func newCatalogStore(set *fixtures.Set) (*store.Store, error) {
	st, err := store.New()
	if err != nil {
		return nil, err
	}
	err = st.Update(func(tx *store.Txn) error {
		for _, p := range set.Providers {
			err := tx.InsertProvider(store.Provider{
				Slug: p.Slug, Name: p.Name, Description: p.Description,
				IntegrationType: p.IntegrationType, Scopes: p.Scopes,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return st, err
}

// seed loads every fixture environment in one transaction: a bad fixture leaves nothing behind.
func (s *Server) seed(set *fixtures.Set) error {
	return s.store.Update(func(tx *store.Txn) error {
		for _, env := range set.Environments {
			if err := tx.InsertEnvironment(store.Environment{ID: env.ID, Name: env.Name}, env.APIKeys...); err != nil {
				return fmt.Errorf("fixtures: %s: %w", fixtures.EnvironmentsFile, err)
			}
			if err := s.seedObjects(tx, env.ID, env); err != nil {
				return err
			}
		}
		return nil
	})
}

// seedObjects puts the integrations and connected accounts of a fixture environment into the
// environment envID, through the same rules as the API.
func (s *Server) seedObjects(tx *store.Txn, envID string, env fixtures.Environment) error {
	for _, f := range env.DataIntegrations {
		d, err := s.integrationFromFixture(tx, envID, f)
		if err != nil {
			return fixtureError(f.Where, err)
		}
		// Replacing an integration deletes the old one, and its connected accounts with it, as
		// the API's delete does; accounts seeded below attach to the new one.
		if _, err := tx.DeleteDataIntegration(envID, d.Slug); err != nil {
			return err
		}
		if err := tx.PutDataIntegration(d); err != nil {
			return err
		}
	}
	for _, f := range env.ConnectedAccounts {
		if err := s.seedAccount(tx, envID, f); err != nil {
			return err
		}
	}
	return nil
}

// seedAccount imports a fixture's connected account by the rules of the import API. An account
// of the same user, organization and integration is replaced, as integrations are by slug.
func (s *Server) seedAccount(tx *store.Txn, envID string, f fixtures.ConnectedAccount) error {
	at := func(field string, err error) error {
		var e *Error
		if errors.As(err, &e) {
			return &fixtures.Error{Location: f.Where, Field: field, Message: e.Message}
		}
		return err
	}
	if _, err := importableIntegration(tx, envID, f.Slug); err != nil {
		return at("slug", err)
	}
	if err := (accountOwner{userID: f.UserID}).check(); err != nil {
		return at("user_id", err)
	}
	owner := accountOwner{userID: f.UserID, organizationID: f.OrganizationID}
	if err := owner.check(); err != nil {
		return at("organization_id", err)
	}
	in := connectedAccountInput{Scopes: f.Scopes}
	if f.ExpiresAt != nil {
		in.ExpiresAt = optional[time.Time]{Set: true, Value: *f.ExpiresAt}
	}
	if f.AccessToken != "" {
		in.AccessToken = &f.AccessToken
	}
	if f.RefreshToken != "" {
		in.RefreshToken = &f.RefreshToken
	}
	if f.State != "" {
		in.State = &f.State
	}
	a, err := s.newConnectedAccount(envID, f.Slug, owner, in)
	if err != nil {
		return at("access_token", err)
	}
	if f.ID != "" {
		a.ID = f.ID
		s.ids.observe(a.ID)
	}
	setFixtureTimes(&a.CreatedAt, &a.UpdatedAt, f.CreatedAt, f.UpdatedAt)
	return tx.PutConnectedAccount(a)
}

func (s *Server) integrationFromFixture(tx *store.Txn, envID string, f fixtures.DataIntegration) (store.DataIntegration, error) {
	in := integrationInput{
		Slug:        f.Slug,
		Description: f.Description,
		Enabled:     f.Enabled,
		Scopes:      f.Scopes,
	}
	if c := f.Credentials; c != nil {
		in.Credentials = &credentialsInput{Type: c.Type, ClientID: c.ClientID, ClientSecret: c.ClientSecret}
	}
	if cp := f.CustomProvider; cp != nil {
		in.CustomProvider = &customProviderInput{
			Name:                              cp.Name,
			AuthorizationURL:                  cp.AuthorizationURL,
			TokenURL:                          cp.TokenURL,
			PKCEEnabled:                       cp.PKCEEnabled,
			RequestScopeSeparator:             cp.RequestScopeSeparator,
			ScopesRequired:                    cp.ScopesRequired,
			ClientSecretRequired:              cp.ClientSecretRequired,
			AdditionalAuthorizationParameters: mapPtr(cp.AdditionalAuthorizationParameters),
			TokenBodyContentType:              cp.TokenBodyContentType,
			AuthenticateVia:                   cp.AuthenticateVia,
		}
		if cp.RefreshTokenURL != nil {
			in.CustomProvider.RefreshTokenURL = optional[string]{Set: true, Value: *cp.RefreshTokenURL}
		}
	}
	if f.Credentials != nil && f.Credentials.Type == store.CredentialsShared {
		if in.CustomProvider != nil {
			return store.DataIntegration{}, &Error{Code: CodeInvalidCustomProvider, Message: "shared credentials exist only for built-in providers",
				Fields: []FieldError{{Field: "credentials.type", Code: FieldNotAllowed}}}
		}
		in.Credentials = &credentialsInput{Type: store.CredentialsShared}
	}
	d, err := s.newIntegration(tx, envID, in)
	if err != nil {
		return d, err
	}
	if f.ID != "" {
		d.ID = f.ID
		s.ids.observe(d.ID) // what is created later sorts after it, whatever the clock says
	}
	setFixtureTimes(&d.CreatedAt, &d.UpdatedAt, f.CreatedAt, f.UpdatedAt)
	switch {
	case f.State == store.StateRequested:
		d.State = store.StateRequested
	case f.State != "" && f.State != d.State:
		return d, &Error{Code: CodeInvalidCredentials,
			Message: fmt.Sprintf("state %q contradicts the credentials, which make it %q", f.State, d.State),
			Fields:  []FieldError{{Field: "state", Code: FieldInvalid}}}
	}
	return d, nil
}

// setFixtureTimes sets the times a fixture gives: updated_at defaults to created_at, and both
// to the seeding time already in place.
func setFixtureTimes(created, updated *time.Time, fixtureCreated, fixtureUpdated *time.Time) {
	if fixtureCreated != nil {
		*created, *updated = fixtureCreated.UTC(), fixtureCreated.UTC()
	}
	if fixtureUpdated != nil {
		*updated = fixtureUpdated.UTC()
	}
}

// fixtureError says where in the fixture files an API rule was broken.
func fixtureError(where fixtures.Location, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	field := ""
	if len(e.Fields) > 0 {
		field = e.Fields[0].Field
		if field == "provider" {
			field = "slug"
		}
	}

	return &fixtures.Error{Location: where, Field: field, Message: e.Message}
}

func mapPtr(m map[string]string) *map[string]string {
	if m == nil {
		return nil
	}
	return &m
}
