package emulator

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// The providers a user can connect (CONTRACT §4): every enabled, valid integration of the
// environment, with the user's connected account or null.

type dataProviderJSON struct {
	Object           string                `json:"object"`
	ID               string                `json:"id"`
	Name             string                `json:"name"`
	Description      *string               `json:"description"`
	Slug             string                `json:"slug"`
	IntegrationType  string                `json:"integration_type"`
	CredentialsType  string                `json:"credentials_type"`
	Scopes           []string              `json:"scopes"`
	AuthMethods      []string              `json:"auth_methods"`
	Ownership        string                `json:"ownership"`
	CreatedAt        string                `json:"created_at"`
	UpdatedAt        string                `json:"updated_at"`
	ConnectedAccount *connectedAccountJSON `json:"connected_account"`
}

type dataProviderListJSON struct {
	Object string             `json:"object"`
	Data   []dataProviderJSON `json:"data"`
}

func (s *Server) listUserDataProviders(c echo.Context) error {
	owner, err := ownerOf(c)
	if err != nil {
		return err
	}
	envID := environmentOf(c)
	out := dataProviderListJSON{Object: "list", Data: []dataProviderJSON{}}
	err = s.store.View(func(tx *store.Txn) error {
		integrations, err := tx.AllDataIntegrations(envID)
		if err != nil {
			return err
		}
		store.SortByID(integrations)
		for _, d := range integrations {
			if !d.Enabled || d.State != store.StateValid {
				continue
			}
			p := dataProviderJSON{
				Object: "data_provider", ID: d.ID, Name: providerName(tx, d), Description: d.Description,
				Slug: d.Slug, IntegrationType: d.IntegrationType, CredentialsType: "oauth2",
				Scopes: requestedScopes(tx, d), AuthMethods: []string{"oauth"}, Ownership: "userland_user",
				CreatedAt: timestamp(d.CreatedAt), UpdatedAt: timestamp(d.UpdatedAt),
			}
			if d.Credentials.Type == store.CredentialsOrganization {
				p.Ownership = "organization"
			}
			if a, err := tx.ConnectedAccount(envID, d.Slug, owner.userID, owner.organizationID); err == nil {
				view := connectedAccountView(a)
				p.ConnectedAccount = &view
			}
			out.Data = append(out.Data, p)
		}
		return nil
	})
	if err != nil {
		return internal(err)
	}
	return c.JSON(http.StatusOK, out)
}

func providerName(tx *store.Txn, d store.DataIntegration) string {
	if d.CustomProvider != nil {
		return d.CustomProvider.Name
	}
	if p, err := tx.Provider(d.Slug); err == nil {
		return p.Name
	}
	return d.Slug
}
