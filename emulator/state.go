package emulator

import (
	"errors"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// Arranging and reading an environment without the API: the Go side of testutil and of the
// control plane. Objects travel in the fixtures format both ways, so a state read can be seeded
// again.

// redactedPrefix starts a secret that State has redacted. Seeded again, it yields the same
// redacted_client_secret as the original.
const redactedPrefix = "redacted-"

// Seed puts integrations and connected accounts into the environment of key (created if it is
// new), through the same rules as the API and the fixture files. It is all or nothing: on an
// error, which names the object and field, nothing has changed. An integration with a slug the
// environment has replaces it, and so does an account of the same owner.
func (s *Server) Seed(key string, objects fixtures.Environment) error {
	envID, err := s.environmentFor(key)
	if err != nil {
		return err
	}
	if err := fixtures.CheckObjects(&objects, fixtures.Location{File: "seed", Object: "environment"}); err != nil {
		return err
	}
	return s.seedEnvironmentID(envID, objects)
}

// seedEnvironmentID seeds objects already checked by fixtures.CheckObjects.
func (s *Server) seedEnvironmentID(envID string, objects fixtures.Environment) error {
	err := s.store.Update(func(tx *store.Txn) error { return s.seedObjects(tx, envID, objects) })
	var fe *fixtures.Error
	if err != nil && !errors.As(err, &fe) {
		return internal(err)
	}
	return err
}

// State returns the integrations and connected accounts of the environment of key in the
// fixtures format, secrets redacted: client secrets and tokens keep only what the API would show.
func (s *Server) State(key string) (fixtures.Environment, error) {
	envID, err := s.environmentFor(key)
	if err != nil {
		return fixtures.Environment{}, err
	}
	return s.stateOf(envID)
}

func (s *Server) stateOf(envID string) (fixtures.Environment, error) {
	out := fixtures.Environment{DataIntegrations: []fixtures.DataIntegration{}, ConnectedAccounts: []fixtures.ConnectedAccount{}}
	err := s.store.View(func(tx *store.Txn) error {
		env, err := tx.Environment(envID)
		if err != nil {
			return err
		}
		out.ID, out.Name = env.ID, env.Name
		integrations, err := tx.AllDataIntegrations(envID)
		if err != nil {
			return err
		}
		for _, d := range integrations {
			out.DataIntegrations = append(out.DataIntegrations, integrationToFixture(d))
			accounts, err := tx.ConnectedAccountsOf(envID, d.Slug)
			if err != nil {
				return err
			}
			for _, a := range accounts {
				out.ConnectedAccounts = append(out.ConnectedAccounts, accountToFixture(a))
			}
		}
		return nil
	})
	if err != nil {
		return fixtures.Environment{}, internal(err)
	}
	return out, nil
}

func integrationToFixture(d store.DataIntegration) fixtures.DataIntegration {
	created, updated := d.CreatedAt, d.UpdatedAt
	f := fixtures.DataIntegration{
		ID: d.ID, Slug: d.Slug, Description: d.Description, Enabled: d.Enabled, State: d.State,
		Scopes: d.Scopes, CreatedAt: &created, UpdatedAt: &updated,
		Credentials: &fixtures.Credentials{Type: d.Credentials.Type, ClientID: d.Credentials.ClientID,
			ClientSecret: redactedSecret(d.Credentials.ClientSecret)},
	}
	if d.Credentials.Type == store.CredentialsCustom && d.Credentials.ClientID == nil {
		f.Credentials = nil // not configured
	}
	if cp := d.CustomProvider; cp != nil {
		f.CustomProvider = &fixtures.CustomProvider{
			Name: &cp.Name, AuthorizationURL: cp.AuthorizationURL, TokenURL: cp.TokenURL, RefreshTokenURL: cp.RefreshTokenURL,
			PKCEEnabled: &cp.PKCEEnabled, RequestScopeSeparator: &cp.RequestScopeSeparator, ScopesRequired: &cp.ScopesRequired,
			ClientSecretRequired: &cp.ClientSecretRequired, AdditionalAuthorizationParameters: cp.AdditionalAuthorizationParameters,
			TokenBodyContentType: &cp.TokenBodyContentType, AuthenticateVia: &cp.AuthenticateVia,
		}
	}
	return f
}

func accountToFixture(a store.ConnectedAccount) fixtures.ConnectedAccount {
	created, updated := a.CreatedAt, a.UpdatedAt
	f := fixtures.ConnectedAccount{
		ID: a.ID, Slug: a.Slug, UserID: a.UserID, OrganizationID: a.OrganizationID, Scopes: a.Scopes,
		State: a.State, ExpiresAt: a.ExpiresAt, CreatedAt: &created, UpdatedAt: &updated,
	}
	if a.AccessToken != "" {
		f.AccessToken = *redactedSecret(&a.AccessToken)
	}
	if a.RefreshToken != "" {
		f.RefreshToken = *redactedSecret(&a.RefreshToken)
	}
	return f
}

func redactedSecret(secret *string) *string {
	shown := redactSecret(secret)
	if shown == nil {
		return nil
	}
	v := redactedPrefix + *shown
	return &v
}
