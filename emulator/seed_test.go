package emulator

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// Fixtures obey the API's own rules; a break stops start-up with the file, object and field.

func TestFixturesBreakingAPIRulesStopStartUp(t *testing.T) {
	const where = `environments[0] (id "e").data_integrations[1] (slug "%s")`
	tests := []struct {
		name, integration, slug, field string
	}{
		{"unknown built-in provider", `{"slug":"not-a-provider"}`, "not-a-provider", ""},
		{"custom credentials without secret", `{"slug":"github","credentials":{"type":"custom","client_id":"x"}}`, "github", "credentials.client_secret"},
		{"organization credentials with id", `{"slug":"github","credentials":{"type":"organization","client_id":"x"}}`, "github", "credentials.client_id"},
		{"custom provider shadowing a built-in", `{"slug":"github","custom_provider":{"name":"x","authorization_url":"https://a.example","token_url":"https://a.example"}}`, "github", "slug"},
		{"custom provider without token URL", `{"slug":"mine","custom_provider":{"name":"x","authorization_url":"https://a.example"}}`, "mine", "custom_provider.token_url"},
		{"state contradicting credentials", `{"slug":"github","state":"valid"}`, "github", "state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{fixtures.EnvironmentsFile: {Data: []byte(
				`{"environments":[{"id":"e","api_keys":["sk_e"],"data_integrations":[{"slug":"zoom"},` + tt.integration + `]}]}`)}}
			set, err := fixtures.Load(fsys)
			require.NoError(t, err, "the file is well-formed; the API's rules are what it breaks")
			srv, err := New(Config{Fixtures: set})
			assert.Nil(t, srv)
			var fe *fixtures.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, fixtures.EnvironmentsFile, fe.File)
			assert.Equal(t, fmt.Sprintf(where, tt.slug), fe.Object)
			assert.Equal(t, tt.field, fe.Field)
			assert.NotEmpty(t, fe.Message)
		})
	}
}

func TestFixtureSecretsAreRedacted(t *testing.T) {
	h := newHarness(t)
	got := h.get(t, "github")
	assert.Equal(t, ptr("4f2a"), got.Credentials.RedactedClientSecret)
	assert.NotContains(t, string(h.do("GET", "/data-integrations?limit=100", nil).Body), "github-secret")
}
