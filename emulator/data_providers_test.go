package emulator

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type providerList struct {
	Object string `json:"object"`
	Data   []struct {
		Object           string   `json:"object"`
		ID               string   `json:"id"`
		Name             string   `json:"name"`
		Slug             string   `json:"slug"`
		IntegrationType  string   `json:"integration_type"`
		CredentialsType  string   `json:"credentials_type"`
		Scopes           []string `json:"scopes"`
		Ownership        string   `json:"ownership"`
		ConnectedAccount *account `json:"connected_account"`
	} `json:"data"`
}

func (h *harness) providers(t *testing.T, path string) providerList {
	t.Helper()
	res := h.do(http.MethodGet, path, nil)
	require.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
	assert.NotContains(t, res.JSON(t), "list_metadata")
	var l providerList
	res.Decode(t, &l)
	return l
}

func TestUserDataProviders(t *testing.T) {
	h := newHarness(t)
	const path = "/user_management/users/user_01KF0RRQ200C51260Z4RPK8ET2/data_providers"
	l := h.providers(t, path)
	assert.Equal(t, "list", l.Object)
	var slugs []string
	for _, p := range l.Data {
		slugs = append(slugs, p.Slug)
		assert.Equal(t, "data_provider", p.Object)
	}
	// Enabled and valid only: not notion (invalid), not salesforce (requested); the shared
	// google-drive is usable by users, so it is there.
	assert.Equal(t, []string{"github", "slack", "google-drive", "acme-crm"}, slugs, "in creation order")

	byslug := map[string]int{}
	for i, p := range l.Data {
		byslug[p.Slug] = i
	}
	gh := l.Data[byslug["github"]]
	assert.Equal(t, "GitHub", gh.Name)
	assert.Equal(t, "oauth2", gh.CredentialsType)
	assert.Equal(t, "userland_user", gh.Ownership)
	assert.Equal(t, []string{"repo", "read:org", "user:email"}, gh.Scopes, "the provider's scopes when the integration has none")
	require.NotNil(t, gh.ConnectedAccount)
	assert.Equal(t, "data_installation_01KF0RRQ200C51260Z4RPK8ET2", gh.ConnectedAccount.ID)
	assert.Nil(t, l.Data[byslug["slack"]].ConnectedAccount)
	assert.Equal(t, "organization", l.Data[byslug["slack"]].Ownership)
	assert.Equal(t, "Acme CRM", l.Data[byslug["acme-crm"]].Name)

	t.Run("organization scope", func(t *testing.T) {
		h.importAccount(t, "slack", map[string]any{"access_token": "a"}, "?organization_id=org_01ACME")
		l := h.providers(t, "/user_management/users/user_01TEST/data_providers?organization_id=org_01ACME")
		for _, p := range l.Data {
			if p.Slug == "slack" {
				require.NotNil(t, p.ConnectedAccount)
				assert.Equal(t, "org_01ACME", *p.ConnectedAccount.OrganizationID)
			} else {
				assert.Nil(t, p.ConnectedAccount)
			}
		}
		for _, p := range h.providers(t, "/user_management/users/user_01TEST/data_providers").Data {
			assert.Nil(t, p.ConnectedAccount, "the organization's account is not the user's own")
		}
	})
	t.Run("only valid integrations, even when enabled", func(t *testing.T) {
		h.update(t, "notion", map[string]any{"enabled": true})     // invalid
		h.update(t, "salesforce", map[string]any{"enabled": true}) // requested
		for _, p := range h.providers(t, path).Data {
			assert.NotContains(t, []string{"notion", "salesforce"}, p.Slug)
		}
	})
	t.Run("description is the integration's", func(t *testing.T) {
		res := h.do(http.MethodGet, path, nil)
		assert.Contains(t, string(res.Body), `"description":"GitHub with the team's own OAuth app"`)
	})
	t.Run("disabling an integration removes it", func(t *testing.T) {
		h.update(t, "slack", map[string]any{"enabled": false})
		for _, p := range h.providers(t, path).Data {
			assert.NotEqual(t, "slack", p.Slug)
		}
	})
	t.Run("not a user id", func(t *testing.T) {
		requireError(t, h.do(http.MethodGet, "/user_management/users/bob/data_providers", nil), http.StatusNotFound, CodeNotFound)
	})
}
