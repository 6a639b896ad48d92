package emulator

import (
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// CONTRACT §3: data integrations.

// integration is the wire object, decoded strictly enough to compare.
type integration struct {
	Object          string   `json:"object"`
	ID              string   `json:"id"`
	Slug            string   `json:"slug"`
	IntegrationType string   `json:"integration_type"`
	Description     *string  `json:"description"`
	Enabled         bool     `json:"enabled"`
	State           string   `json:"state"`
	Scopes          []string `json:"scopes"`
	RedirectURI     string   `json:"redirect_uri"`
	Credentials     struct {
		Type                 string  `json:"type"`
		ClientID             *string `json:"client_id"`
		RedactedClientSecret *string `json:"redacted_client_secret"`
	} `json:"credentials"`
	CustomProvider map[string]any `json:"custom_provider"`
	CreatedAt      string         `json:"created_at"`
	UpdatedAt      string         `json:"updated_at"`
}

func (h *harness) create(t *testing.T, body any) integration {
	t.Helper()
	return decodeIntegration(t, h.do(http.MethodPost, "/data-integrations", body), http.StatusCreated)
}

func (h *harness) get(t *testing.T, slug string) integration {
	t.Helper()
	return decodeIntegration(t, h.do(http.MethodGet, "/data-integrations/"+slug, nil), http.StatusOK)
}

func (h *harness) update(t *testing.T, slug string, body any) integration {
	t.Helper()
	return decodeIntegration(t, h.do(http.MethodPut, "/data-integrations/"+slug, body), http.StatusOK)
}

func decodeIntegration(t *testing.T, res response, status int) integration {
	t.Helper()
	require.Equal(t, status, res.Status, "body: %s", res.Body)
	var d integration
	res.Decode(t, &d)
	return d
}

func ptr[T any](v T) *T { return &v }

var customProvider = map[string]any{
	"name":              "Widgets Inc",
	"authorization_url": "https://widgets.example/oauth/authorize",
	"token_url":         "https://widgets.example/oauth/token",
}

func TestDataIntegrationObject(t *testing.T) {
	h := newHarness(t, Config{PublicURL: "http://emulator.test:9000/"})
	d := h.do(http.MethodPost, "/data-integrations", map[string]any{
		"provider":    "asana",
		"credentials": map[string]any{"type": "custom", "client_id": "cid", "client_secret": "s3cr3t-value-WXYZ"},
	})
	require.Equal(t, http.StatusCreated, d.Status)

	t.Run("exactly the 13 fields, all present", func(t *testing.T) {
		var keys []string
		for k := range d.JSON(t) {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		assert.Equal(t, []string{"created_at", "credentials", "custom_provider", "description", "enabled", "id", "integration_type",
			"object", "redirect_uri", "scopes", "slug", "state", "updated_at"}, keys)
	})
	var obj integration
	d.Decode(t, &obj)
	t.Run("values", func(t *testing.T) {
		assert.Equal(t, "data_integration", obj.Object)
		assert.Regexp(t, `^data_integration_[0-9A-HJKMNP-TV-Z]{26}$`, obj.ID)
		assert.Equal(t, "asana", obj.Slug)
		assert.Equal(t, "asana", obj.IntegrationType, "from the catalog")
		assert.Equal(t, "2026-03-01T09:00:00.000Z", obj.CreatedAt)
		assert.Equal(t, obj.CreatedAt, obj.UpdatedAt)
		assert.Regexp(t, `^http://emulator\.test:9000/data-integrations/asana/dik_[0-9A-HJKMNP-TV-Z]{26}/callback$`, obj.RedirectURI)
		assert.Equal(t, "custom", obj.Credentials.Type)
		assert.Equal(t, ptr("cid"), obj.Credentials.ClientID)
		assert.Equal(t, ptr("WXYZ"), obj.Credentials.RedactedClientSecret, "the last four characters")
		assert.Nil(t, obj.CustomProvider)
		assert.NotContains(t, string(d.Body), "s3cr3t")
	})
	t.Run("the secret is returned nowhere", func(t *testing.T) {
		for _, res := range []response{
			h.do(http.MethodGet, "/data-integrations/asana", nil),
			h.do(http.MethodGet, "/data-integrations?limit=100", nil),
			h.do(http.MethodPut, "/data-integrations/asana", map[string]any{"enabled": true}),
		} {
			assert.NotContains(t, string(res.Body), "s3cr3t")
		}
	})
	t.Run("IDs grow in creation order", func(t *testing.T) {
		a := h.create(t, map[string]any{"provider": "box"})
		b := h.create(t, map[string]any{"provider": "zoom"}) // same clock instant
		assert.Less(t, obj.ID, a.ID)
		assert.Less(t, a.ID, b.ID)
	})
	t.Run("five characters show the last four; shorter secrets are never shown whole", func(t *testing.T) {
		got := h.create(t, map[string]any{"provider": "figma", "credentials": map[string]any{"type": "custom", "client_id": "c", "client_secret": "abcde"}})
		assert.Equal(t, ptr("bcde"), got.Credentials.RedactedClientSecret)
		got = h.update(t, "figma", map[string]any{"credentials": map[string]any{"type": "custom", "client_id": "c", "client_secret": "abc"}})
		assert.Equal(t, ptr("bc"), got.Credentials.RedactedClientSecret)
	})
}

func TestCreateDataIntegration(t *testing.T) {
	t.Run("built-in provider with defaults", func(t *testing.T) {
		h := newHarness(t)
		d := h.create(t, map[string]any{"provider": "zendesk"})
		assert.False(t, d.Enabled, "enabled defaults to false")
		assert.Nil(t, d.Description)
		assert.Nil(t, d.Scopes, "omitted scopes: the provider's apply")
		assert.Equal(t, "invalid", d.State, "no credentials: not configured")
		assert.Equal(t, "custom", d.Credentials.Type)
		assert.Nil(t, d.Credentials.ClientID)
		assert.Nil(t, d.Credentials.RedactedClientSecret)
	})
	t.Run("every field given", func(t *testing.T) {
		h := newHarness(t)
		d := h.create(t, map[string]any{"provider": "zendesk", "description": "Support", "enabled": true, "scopes": []string{"read", "write"},
			"credentials": map[string]any{"type": "organization"}})
		assert.Equal(t, ptr("Support"), d.Description)
		assert.True(t, d.Enabled)
		assert.Equal(t, []string{"read", "write"}, d.Scopes)
		assert.Equal(t, "valid", d.State)
		assert.Equal(t, "organization", d.Credentials.Type)
		assert.Nil(t, d.Credentials.ClientID)
	})
	t.Run("explicit nulls are the defaults", func(t *testing.T) {
		h := newHarness(t)
		d := h.create(t, map[string]any{"provider": "zendesk", "scopes": nil, "description": nil})
		assert.Nil(t, d.Scopes)
		assert.Nil(t, d.Description)
	})
	t.Run("empty scope list stays empty", func(t *testing.T) {
		h := newHarness(t)
		res := h.do(http.MethodPost, "/data-integrations", map[string]any{"provider": "zendesk", "scopes": []string{}})
		require.Equal(t, http.StatusCreated, res.Status)
		assert.Contains(t, string(res.Body), `"scopes":[]`)
	})

	tests := []struct {
		name   string
		body   string
		status int
		code   string
		fields []FieldError
	}{
		{"unknown built-in slug", `{"provider":"not-a-provider"}`, 404, CodeNotFound, nil},
		{"slug the environment has", `{"provider":"github"}`, 409, CodeAlreadyExists, nil},
		{"custom slug the environment has", `{"provider":"acme-crm"}`, 409, CodeAlreadyExists, nil},
		{"custom slug the environment has, defined again", `{"provider":"acme-crm","custom_provider":{"name":"x","authorization_url":"https://a.example","token_url":"https://a.example/t"}}`,
			409, CodeAlreadyExists, nil},
		{"custom credentials with empty secret", `{"provider":"zoom","credentials":{"type":"custom","client_id":"x","client_secret":""}}`,
			422, CodeInvalidCredentials, []FieldError{{"credentials.client_secret", "required"}}},
		{"custom provider shadowing a built-in slug", `{"provider":"hubspot","custom_provider":{"name":"x","authorization_url":"https://a.example","token_url":"https://a.example/t"}}`,
			422, CodeInvalidCustomProvider, []FieldError{{"provider", "not_allowed"}}},
		{"custom slug with upper case", `{"provider":"My-CRM","custom_provider":{"name":"x","authorization_url":"https://a.example","token_url":"https://a.example/t"}}`,
			400, CodeInvalidRequest, []FieldError{{"provider", "invalid_format"}}},
		{"custom slug over 64 characters", `{"provider":"` + strings.Repeat("a", 65) + `","custom_provider":{"name":"x","authorization_url":"https://a.example","token_url":"https://a.example/t"}}`,
			400, CodeInvalidRequest, []FieldError{{"provider", "invalid_format"}}},
		{"custom credentials without id and secret", `{"provider":"zoom","credentials":{"type":"custom"}}`,
			422, CodeInvalidCredentials, []FieldError{{"credentials.client_id", "required"}, {"credentials.client_secret", "required"}}},
		{"custom credentials with empty id", `{"provider":"zoom","credentials":{"type":"custom","client_id":"","client_secret":"x"}}`,
			422, CodeInvalidCredentials, []FieldError{{"credentials.client_id", "required"}}},
		{"custom credentials without secret", `{"provider":"zoom","credentials":{"type":"custom","client_id":"x"}}`,
			422, CodeInvalidCredentials, []FieldError{{"credentials.client_secret", "required"}}},
		{"organization credentials with id", `{"provider":"zoom","credentials":{"type":"organization","client_id":"x"}}`,
			422, CodeInvalidCredentials, []FieldError{{"credentials.client_id", "not_allowed"}}},
		{"organization credentials with both", `{"provider":"zoom","credentials":{"type":"organization","client_id":"x","client_secret":"y"}}`,
			422, CodeInvalidCredentials, []FieldError{{"credentials.client_id", "not_allowed"}, {"credentials.client_secret", "not_allowed"}}},
		{"custom provider without name and URLs", `{"provider":"my-crm","custom_provider":{}}`,
			422, CodeInvalidCustomProvider, []FieldError{{"custom_provider.name", "required"}, {"custom_provider.authorization_url", "required"}, {"custom_provider.token_url", "required"}}},
		{"custom provider with relative and non-http URLs", `{"provider":"my-crm","custom_provider":{"name":"x","authorization_url":"/oauth","token_url":"ftp://a.example/t","refresh_token_url":"nope"}}`,
			422, CodeInvalidCustomProvider, []FieldError{{"custom_provider.authorization_url", "invalid_url"}, {"custom_provider.token_url", "invalid_url"}, {"custom_provider.refresh_token_url", "invalid_url"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			before := listSlugs(t, h)
			e := requireError(t, h.do(http.MethodPost, "/data-integrations", tt.body), tt.status, tt.code, tt.fields...)
			for _, f := range tt.fields {
				assert.Contains(t, e.Message, strings.TrimPrefix(f.Field, "credentials."))
			}
			assert.Equal(t, before, listSlugs(t, h), "a refused create changes nothing")
		})
	}

	t.Run("custom provider with defaults filled in", func(t *testing.T) {
		h := newHarness(t)
		d := h.create(t, map[string]any{"provider": "widgets", "custom_provider": customProvider,
			"credentials": map[string]any{"type": "custom", "client_id": "w", "client_secret": "widget-secret"}})
		assert.Equal(t, "custom", d.IntegrationType)
		assert.Equal(t, "valid", d.State)
		assert.Equal(t, map[string]any{
			"name":                                "Widgets Inc",
			"authorization_url":                   "https://widgets.example/oauth/authorize",
			"token_url":                           "https://widgets.example/oauth/token",
			"refresh_token_url":                   nil,
			"pkce_enabled":                        true,
			"request_scope_separator":             " ",
			"scopes_required":                     false,
			"client_secret_required":              true,
			"additional_authorization_parameters": map[string]any{},
			"token_body_content_type":             "application/x-www-form-urlencoded",
			"authenticate_via":                    "request_body",
		}, d.CustomProvider)
	})
	t.Run("custom provider that needs no client secret", func(t *testing.T) {
		h := newHarness(t)
		cp := map[string]any{"client_secret_required": false}
		for k, v := range customProvider {
			cp[k] = v
		}
		d := h.create(t, map[string]any{"provider": "public-app", "custom_provider": cp, "credentials": map[string]any{"type": "custom", "client_id": "pub"}})
		assert.Equal(t, "valid", d.State)
		assert.Nil(t, d.Credentials.RedactedClientSecret)
	})
}

func TestGetDataIntegration(t *testing.T) {
	h := newHarness(t)
	for _, slug := range []string{"github", "slack", "notion", "salesforce", "acme-crm"} {
		t.Run(slug, func(t *testing.T) { assert.Equal(t, slug, h.get(t, slug).Slug) })
	}
	t.Run("states of the seeded integrations", func(t *testing.T) {
		assert.Equal(t, "valid", h.get(t, "github").State)
		assert.Equal(t, "valid", h.get(t, "slack").State)
		assert.Equal(t, "invalid", h.get(t, "notion").State)
		assert.Equal(t, "requested", h.get(t, "salesforce").State)
	})
	t.Run("unknown slug is 404", func(t *testing.T) {
		e := requireError(t, h.do(http.MethodGet, "/data-integrations/zoom", nil), http.StatusNotFound, CodeNotFound)
		assert.Equal(t, "Data integration not found: 'zoom'.", e.Message)
	})
}

func TestSharedCredentialIntegrations(t *testing.T) {
	h := newHarness(t)
	const slug = "google-drive" // seeded with shared credentials
	requireError(t, h.do(http.MethodGet, "/data-integrations/"+slug, nil), http.StatusNotFound, CodeNotFound)
	requireError(t, h.do(http.MethodPut, "/data-integrations/"+slug, `{"enabled":false}`), http.StatusNotFound, CodeNotFound)
	assert.NotContains(t, listSlugs(t, h), slug)
	assert.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/"+slug, nil).Status)

	var hidden store.DataIntegration
	require.NoError(t, h.server.store.View(func(tx *store.Txn) error {
		var err error
		hidden, err = tx.DataIntegration("environment_default", slug)
		return err
	}), "delete leaves a shared-credential integration")

	h.clock.Advance(time.Hour)
	d := h.create(t, map[string]any{"provider": slug, "enabled": true,
		"credentials": map[string]any{"type": "custom", "client_id": "own", "client_secret": "own-secret-1234"}})
	assert.Equal(t, hidden.ID, d.ID, "create configures the existing integration")
	assert.Equal(t, "2026-01-15T12:04:00.000Z", d.CreatedAt)
	assert.Equal(t, "2026-03-01T10:00:00.000Z", d.UpdatedAt)
	assert.Equal(t, "valid", d.State)
	assert.Equal(t, slug, h.get(t, slug).Slug, "visible from then on")
	assert.Contains(t, listSlugs(t, h), slug)
}

func TestUpdateDataIntegration(t *testing.T) {
	t.Run("absent fields are unchanged, updated_at moves all the same", func(t *testing.T) {
		h := newHarness(t)
		before := h.get(t, "slack")
		h.clock.Advance(time.Second)
		after := h.update(t, "slack", map[string]any{})
		assert.Equal(t, "2026-03-01T09:00:01.000Z", after.UpdatedAt)
		before.UpdatedAt, after.UpdatedAt = "", ""
		assert.Equal(t, before, after)
	})
	t.Run("present fields are set", func(t *testing.T) {
		h := newHarness(t)
		d := h.update(t, "slack", map[string]any{"description": "New", "enabled": false, "scopes": []string{"users:read"}})
		assert.Equal(t, ptr("New"), d.Description)
		assert.False(t, d.Enabled)
		assert.Equal(t, []string{"users:read"}, d.Scopes)
		assert.Equal(t, d, h.get(t, "slack"), "stored, not only answered")
	})
	t.Run("null clears the description and resets scopes", func(t *testing.T) {
		h := newHarness(t)
		d := h.update(t, "slack", map[string]any{"description": nil, "scopes": nil})
		assert.Nil(t, d.Description)
		assert.Nil(t, d.Scopes)
		assert.True(t, d.Enabled, "untouched")
	})
	t.Run("the Node SDK's body", func(t *testing.T) {
		h := newHarness(t)
		d := h.update(t, "notion", `{"enabled":true,"scopes":null}`)
		assert.True(t, d.Enabled)
		assert.Nil(t, d.Scopes)
		assert.Equal(t, ptr("Not configured yet"), d.Description)
	})
	t.Run("updated_at moves, created_at does not", func(t *testing.T) {
		h := newHarness(t)
		before := h.get(t, "github")
		h.clock.Advance(90 * time.Second)
		d := h.update(t, "github", map[string]any{"enabled": false})
		assert.Equal(t, before.CreatedAt, d.CreatedAt)
		assert.Equal(t, "2026-03-01T09:01:30.000Z", d.UpdatedAt)
	})
	t.Run("credentials rotate the secret and set the state", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, "invalid", h.get(t, "notion").State)
		d := h.update(t, "notion", map[string]any{"credentials": map[string]any{"type": "custom", "client_id": "n", "client_secret": "notion-secret-AAAA"}})
		assert.Equal(t, "valid", d.State)
		assert.Equal(t, ptr("AAAA"), d.Credentials.RedactedClientSecret)
		d = h.update(t, "notion", map[string]any{"credentials": map[string]any{"type": "custom", "client_id": "n", "client_secret": "notion-secret-BBBB"}})
		assert.Equal(t, ptr("BBBB"), d.Credentials.RedactedClientSecret)
		d = h.update(t, "notion", map[string]any{"credentials": map[string]any{"type": "organization"}})
		assert.Equal(t, "valid", d.State)
		assert.Nil(t, d.Credentials.ClientID)
		assert.Nil(t, d.Credentials.RedactedClientSecret)
	})
	t.Run("credentials configure a requested integration", func(t *testing.T) {
		h := newHarness(t)
		assert.Equal(t, "requested", h.update(t, "salesforce", map[string]any{"enabled": true}).State)
		assert.Equal(t, "valid", h.update(t, "salesforce", map[string]any{"credentials": map[string]any{"type": "organization"}}).State)
	})
	t.Run("custom provider is merged field by field", func(t *testing.T) {
		h := newHarness(t)
		d := h.update(t, "acme-crm", map[string]any{"custom_provider": map[string]any{
			"name": "Acme CRM v2", "refresh_token_url": "https://auth.acme.example/oauth/refresh", "pkce_enabled": false}})
		assert.Equal(t, "Acme CRM v2", d.CustomProvider["name"])
		assert.Equal(t, "https://auth.acme.example/oauth/refresh", d.CustomProvider["refresh_token_url"])
		assert.Equal(t, false, d.CustomProvider["pkce_enabled"])
		assert.Equal(t, "https://auth.acme.example/oauth/token", d.CustomProvider["token_url"], "untouched")
		assert.Equal(t, map[string]any{"prompt": "consent"}, d.CustomProvider["additional_authorization_parameters"], "untouched")
		d = h.update(t, "acme-crm", map[string]any{"custom_provider": map[string]any{"refresh_token_url": nil}})
		assert.Nil(t, d.CustomProvider["refresh_token_url"])
	})
	t.Run("a custom provider that stops needing a secret makes id-only credentials valid", func(t *testing.T) {
		h := newHarness(t)
		requireError(t, h.do(http.MethodPut, "/data-integrations/acme-crm", map[string]any{"credentials": map[string]any{"type": "custom", "client_id": "only-id"}}),
			http.StatusUnprocessableEntity, CodeInvalidCredentials, FieldError{"credentials.client_secret", "required"})
		d := h.update(t, "acme-crm", map[string]any{"custom_provider": map[string]any{"client_secret_required": false},
			"credentials": map[string]any{"type": "custom", "client_id": "only-id"}})
		assert.Equal(t, "valid", d.State)
	})

	tests := []struct {
		name   string
		slug   string
		body   string
		status int
		code   string
		fields []FieldError
	}{
		{"missing integration", "zoom", `{"enabled":true}`, 404, CodeNotFound, nil},
		{"custom provider on a built-in", "github", `{"custom_provider":{"name":"x"}}`, 422, CodeInvalidCustomProvider, []FieldError{{"custom_provider", "not_allowed"}}},
		{"bad custom provider URL", "acme-crm", `{"custom_provider":{"token_url":"not a url"}}`, 422, CodeInvalidCustomProvider, []FieldError{{"custom_provider.token_url", "invalid_url"}}},
		{"custom credentials without secret", "github", `{"credentials":{"type":"custom","client_id":"x"}}`, 422, CodeInvalidCredentials, []FieldError{{"credentials.client_secret", "required"}}},
		{"organization credentials with a secret", "github", `{"credentials":{"type":"organization","client_secret":"x"}}`, 422, CodeInvalidCredentials, []FieldError{{"credentials.client_secret", "not_allowed"}}},
		{"good fields with a bad one", "github", `{"enabled":false,"description":"x","credentials":{"type":"custom"}}`, 422, CodeInvalidCredentials, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			before := h.do(http.MethodGet, "/data-integrations?limit=100", nil).Body
			requireError(t, h.do(http.MethodPut, "/data-integrations/"+tt.slug, tt.body), tt.status, tt.code, tt.fields...)
			assert.Equal(t, string(before), string(h.do(http.MethodGet, "/data-integrations?limit=100", nil).Body), "a refused update changes nothing")
		})
	}
}

func TestDeleteDataIntegration(t *testing.T) {
	t.Run("204, and idempotent", func(t *testing.T) {
		h := newHarness(t)
		assert.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/github", nil).Status)
		requireError(t, h.do(http.MethodGet, "/data-integrations/github", nil), http.StatusNotFound, CodeNotFound)
		assert.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/github", nil).Status)
		assert.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/never-existed", nil).Status)
	})
	t.Run("removes the connected accounts in the same transaction", func(t *testing.T) {
		h := newHarness(t)
		countAccounts := func(slug string) int {
			var n int
			require.NoError(t, h.server.store.View(func(tx *store.Txn) error {
				accounts, err := tx.ConnectedAccountsOf("environment_default", slug)
				n = len(accounts)
				return err
			}))
			return n
		}
		require.Equal(t, 1, countAccounts("github"), "seeded")
		require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/github", nil).Status)
		assert.Equal(t, 0, countAccounts("github"))
	})
	t.Run("a custom provider's definition goes too, so the slug can be created again", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/acme-crm", nil).Status)
		d := h.create(t, map[string]any{"provider": "acme-crm", "custom_provider": customProvider})
		assert.Equal(t, "Widgets Inc", d.CustomProvider["name"])
		assert.Equal(t, "invalid", d.State)
	})
}

func TestListFiltersSharedCredentials(t *testing.T) {
	h := newHarness(t)
	res := h.do(http.MethodGet, "/data-integrations?limit=100", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var list struct {
		Object       string         `json:"object"`
		Data         []integration  `json:"data"`
		ListMetadata map[string]any `json:"list_metadata"`
	}
	res.Decode(t, &list)
	assert.Equal(t, "list", list.Object)
	assert.Contains(t, list.ListMetadata, "before")
	assert.Contains(t, list.ListMetadata, "after")
	for _, d := range list.Data {
		assert.Contains(t, []string{"custom", "organization"}, d.Credentials.Type)
	}
	assert.Equal(t, []string{"acme-crm", "salesforce", "notion", "slack", "github"}, listSlugs(t, h), "custom providers included, newest first")
	assert.Regexp(t, regexp.MustCompile(`"list_metadata":\{"before":null,"after":null\}`), string(res.Body))
}

func TestIntegrationTypeComesFromTheCatalog(t *testing.T) {
	defaults, err := fixtures.Default()
	require.NoError(t, err)
	providers := append(slices.Clone(defaults.Providers), fixtures.Provider{Slug: "jira-cloud", Name: "Jira", IntegrationType: "atlassian"})
	h := newHarness(t, Config{Fixtures: &fixtures.Set{Providers: providers,
		Environments: []fixtures.Environment{{ID: "e", APIKeys: []string{defaultKey}}}}})
	assert.Equal(t, "atlassian", h.create(t, map[string]any{"provider": "jira-cloud"}).IntegrationType)
}

func TestErrorsListOnlyWhenFieldsAreAtFault(t *testing.T) {
	h := newHarness(t)
	for _, res := range []response{
		h.do(http.MethodGet, "/data-integrations/zoom", nil),
		h.do(http.MethodPost, "/data-integrations", map[string]any{"provider": "github"}),
		h.do(http.MethodPost, "/data-integrations", map[string]any{"provider": "not-a-provider"}),
	} {
		assert.NotContains(t, res.JSON(t), "errors", "body: %s", res.Body)
	}
}
