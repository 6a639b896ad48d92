package emulator

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

func (h *harness) state(t *testing.T) fixtures.Environment {
	t.Helper()
	st, err := h.server.State(h.key)
	require.NoError(t, err)
	return st
}

func TestResetRestoresExactlyTheSeededState(t *testing.T) {
	h := newHarness(t)
	seeded := h.state(t)
	fresh := h.withKey("sk_test_fresh")
	freshSeeded := fresh.state(t)

	h.create(t, map[string]any{"provider": "zoom"})
	h.update(t, "github", map[string]any{"enabled": false, "description": nil})
	require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/slack", nil).Status)
	h.addFault(t, Fault{Path: "/nothing", Status: 500})
	fresh.create(t, map[string]any{"provider": "box"})
	require.NotEqual(t, seeded, h.state(t))

	require.NoError(t, h.server.Reset())
	assert.Equal(t, seeded, h.state(t))
	faults, err := h.server.Faults(h.key)
	require.NoError(t, err)
	assert.Empty(t, faults, "faults go")
	afterReset := fresh.state(t)
	assert.NotContains(t, slugsOf(afterReset), "box", "a new key's environment is seeded again")
	assert.Equal(t, slugsOf(freshSeeded), slugsOf(afterReset))
	assert.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/data-integrations", map[string]any{"provider": "zoom"}).Status,
		"idempotency and objects are gone with the reset")
}

func TestResetEnvironmentTouchesOnlyThatEnvironment(t *testing.T) {
	h := newHarness(t)
	seeded := h.state(t)
	other := h.withKey("sk_test_other")
	h.create(t, map[string]any{"provider": "zoom"})
	other.create(t, map[string]any{"provider": "box"})

	require.NoError(t, h.server.ResetEnvironment(h.key))
	assert.Equal(t, seeded, h.state(t))
	assert.Contains(t, slugsOf(other.state(t)), "box")

	require.NoError(t, h.server.ResetEnvironment(other.key))
	assert.NotContains(t, slugsOf(other.state(t)), "box")
	assert.Equal(t, slugsOf(seeded), slugsOf(other.state(t)))
}

func slugsOf(env fixtures.Environment) []string {
	var out []string
	for _, d := range env.DataIntegrations {
		out = append(out, d.Slug)
	}
	return out
}

func TestSeed(t *testing.T) {
	t.Run("objects become visible through the API", func(t *testing.T) {
		h := newHarness(t)
		require.NoError(t, h.server.Seed(h.key, fixtures.Environment{
			DataIntegrations:  []fixtures.DataIntegration{{Slug: "zoom", Enabled: true, Credentials: &fixtures.Credentials{Type: "organization"}}},
			ConnectedAccounts: []fixtures.ConnectedAccount{{Slug: "zoom", UserID: "user_1", AccessToken: "tok"}},
		}))
		d := h.get(t, "zoom")
		assert.Equal(t, "valid", d.State)
		assert.True(t, d.Enabled)
	})
	t.Run("all or nothing, naming the object and field", func(t *testing.T) {
		h := newHarness(t)
		before := h.state(t)
		err := h.server.Seed(h.key, fixtures.Environment{DataIntegrations: []fixtures.DataIntegration{
			{Slug: "zoom"},
			{Slug: "box", Credentials: &fixtures.Credentials{Type: "custom", ClientID: ptr("id")}},
		}})
		var fe *fixtures.Error
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, `environment.data_integrations[1] (slug "box")`, fe.Object)
		assert.Equal(t, "credentials.client_secret", fe.Field)
		assert.Equal(t, before, h.state(t), "zoom was not added either")
	})
	t.Run("an account needs an integration of the environment", func(t *testing.T) {
		h := newHarness(t)
		err := h.server.Seed(h.key, fixtures.Environment{ConnectedAccounts: []fixtures.ConnectedAccount{{Slug: "zoom", UserID: "u"}}})
		var fe *fixtures.Error
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "slug", fe.Field)
		require.NoError(t, h.server.Seed(h.key, fixtures.Environment{ConnectedAccounts: []fixtures.ConnectedAccount{{Slug: "slack", UserID: "user_u", State: "connected"}}}),
			"slack is seeded already")
	})
}

func TestStateRedactsSecretsAndRoundTrips(t *testing.T) {
	h := newHarness(t)
	st := h.state(t)
	data, err := json.Marshal(st)
	require.NoError(t, err)
	for _, secret := range []string{"github-secret", "acme-secret", "gho_emulator_default_access", "ghr_emulator_default_refresh"} {
		assert.NotContains(t, string(data), secret)
	}
	assert.Contains(t, string(data), "google-drive", "hidden integrations are part of the state")

	other := h.withKey("sk_test_copy") // a new environment, seeded like the default one
	var reloaded fixtures.Environment
	require.NoError(t, json.Unmarshal(data, &reloaded))
	require.NoError(t, h.server.Seed(other.key, fixtures.Environment{DataIntegrations: reloaded.DataIntegrations}))
	copied := other.state(t)
	assert.Equal(t, h.get(t, "github").Credentials, other.get(t, "github").Credentials, "the redacted secret shows the same")
	assert.Equal(t, slugsOf(st), slugsOf(copied))
}

func fixturesAccount(slug, user, state string) fixtures.Environment {
	return fixtures.Environment{ConnectedAccounts: []fixtures.ConnectedAccount{{Slug: slug, UserID: user, State: state}}}
}

func TestResetKeepsEnvironmentsMadeSince(t *testing.T) {
	h := newHarness(t, Config{StrictKeys: true})
	key, err := h.server.NewEnvironment()
	require.NoError(t, err)
	fresh := h.withKey(key)
	fresh.create(t, map[string]any{"provider": "zoom"})
	before, err := h.server.State(key)
	require.NoError(t, err)

	require.NoError(t, h.server.Reset())
	after := fresh.state(t)
	assert.Equal(t, before.ID, after.ID, "same environment, same key, strict mode included")
	assert.NotContains(t, slugsOf(after), "zoom", "seeded afresh")
	assert.Contains(t, slugsOf(after), "github")
}

func TestResetEnvironmentClearsWhatCameSince(t *testing.T) {
	h := newHarness(t)
	body := map[string]any{"provider": "zoom"}
	require.Equal(t, http.StatusCreated, h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "once")).Status)
	h.importAccount(t, "slack", map[string]any{"access_token": "a"}, "")
	require.NoError(t, h.server.ResetEnvironment(h.key))
	requireError(t, h.do(http.MethodGet, accountsPath+"slack", nil), http.StatusNotFound, CodeNotFound)
	res := h.do(http.MethodPost, "/data-integrations", body, header("Idempotency-Key", "once"))
	assert.Equal(t, http.StatusCreated, res.Status)
	assert.Empty(t, res.Header.Get("Idempotent-Replayed"), "idempotency records went with the reset")
}

func TestSeedReplacingAnIntegrationDropsItsAccounts(t *testing.T) {
	h := newHarness(t)
	require.True(t, h.token(t, "github", map[string]any{"user_id": "user_01KF0RRQ200C51260Z4RPK8ET2"}).Active)
	require.NoError(t, h.server.Seed(h.key, fixtures.Environment{DataIntegrations: []fixtures.DataIntegration{{Slug: "github"}}}))
	assert.Equal(t, "invalid", h.get(t, "github").State)
	assert.Equal(t, tokenAnswer{Error: "not_installed"}, h.token(t, "github", map[string]any{"user_id": "user_01KF0RRQ200C51260Z4RPK8ET2"}),
		"replacing is deleting and creating: the accounts went with the old integration")
}
