package emulator

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/openapi"
)

// The spec and the server tell one story: every operation has a route, every route an
// operation, and the defaults the handlers apply are the ones the spec states.

func TestEveryRouteHasAnOperationAndEveryOperationARoute(t *testing.T) {
	h := newHarness(t)
	doc, err := openapi.Load()
	require.NoError(t, err)
	assert.ElementsMatch(t, openapi.NewOperations(doc).Keys(), h.server.Routes())
}

func TestHandlerDefaultsMatchTheSpec(t *testing.T) {
	doc, err := openapi.Load()
	require.NoError(t, err)
	schemas := doc.Components.Schemas

	list := doc.Paths.Find("/data-integrations").Get
	assert.EqualValues(t, defaultLimit, list.Parameters.GetByInAndName("query", "limit").Schema.Value.Default)
	assert.Equal(t, defaultOrder, list.Parameters.GetByInAndName("query", "order").Schema.Value.Default)

	assert.Equal(t, false, schemas["CreateDataIntegration"].Value.Properties["enabled"].Value.Default)
	assert.EqualValues(t, 1, schemas["FaultInput"].Value.Properties["times"].Value.Default, "a fault fires once unless told")
	journal := doc.Paths.Find("/_emulator/requests").Get
	assert.EqualValues(t, defaultJournalLimit, journal.Parameters.GetByInAndName("query", "limit").Schema.Value.Default)
	assert.EqualValues(t, maxJournalLimit, *journal.Parameters.GetByInAndName("query", "limit").Schema.Value.Max)

	cp := schemas["CustomProviderInput"].Value.Properties
	def := defaultCustomProvider()
	wants := map[string]any{
		"pkce_enabled":                        def.PKCEEnabled,
		"request_scope_separator":             def.RequestScopeSeparator,
		"scopes_required":                     def.ScopesRequired,
		"client_secret_required":              def.ClientSecretRequired,
		"additional_authorization_parameters": map[string]any{},
		"token_body_content_type":             def.TokenBodyContentType,
		"authenticate_via":                    def.AuthenticateVia,
	}
	for name, want := range wants {
		assert.Equal(t, want, defaultOf(cp[name].Value), name)
	}
}

// defaultOf reads a schema's default, looking through an allOf wrapper.
func defaultOf(s *openapi3.Schema) any {
	if s.Default != nil {
		return s.Default
	}
	for _, sub := range s.AllOf {
		if sub.Value.Default != nil {
			return sub.Value.Default
		}
	}
	return nil
}
