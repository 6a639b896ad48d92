package emulator

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// CONTRACT §2: environments.

func listSlugs(t *testing.T, h *harness) []string {
	t.Helper()
	res := h.do(http.MethodGet, "/data-integrations?limit=100", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var list struct {
		Data []struct {
			Slug string `json:"slug"`
		} `json:"data"`
	}
	res.Decode(t, &list)
	slugs := []string{}
	for _, d := range list.Data {
		slugs = append(slugs, d.Slug)
	}
	return slugs
}

func TestEnvironments(t *testing.T) {
	seeded := []string{"acme-crm", "salesforce", "notion", "slack", "github"}

	t.Run("a fixture key reaches its environment", func(t *testing.T) {
		h := newHarness(t)
		assert.Equal(t, seeded, listSlugs(t, h))
	})
	t.Run("an unknown key gets a fresh environment seeded from the default", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/github", nil).Status)
		fresh := h.withKey("sk_test_suite_a")
		assert.Equal(t, seeded, listSlugs(t, fresh), "seeded from the fixtures, not from the default environment's current state")
	})
	t.Run("two keys never see each other's objects", func(t *testing.T) {
		h := newHarness(t)
		a, b := h.withKey("sk_test_a"), h.withKey("sk_test_b")
		require.Equal(t, http.StatusCreated, a.do(http.MethodPost, "/data-integrations", map[string]any{"provider": "zoom"}).Status)
		require.Equal(t, http.StatusNoContent, a.do(http.MethodDelete, "/data-integrations/slack", nil).Status)
		requireError(t, b.do(http.MethodGet, "/data-integrations/zoom", nil), http.StatusNotFound, CodeNotFound)
		assert.Equal(t, http.StatusOK, b.do(http.MethodGet, "/data-integrations/slack", nil).Status)
		assert.Contains(t, listSlugs(t, a), "zoom")
		assert.NotContains(t, listSlugs(t, b), "zoom")
		assert.NotContains(t, listSlugs(t, h), "zoom", "nor does the default environment")
	})
	t.Run("the same new key twice is one environment", func(t *testing.T) {
		h := newHarness(t)
		a := h.withKey("sk_test_same")
		require.Equal(t, http.StatusCreated, a.do(http.MethodPost, "/data-integrations", map[string]any{"provider": "zoom"}).Status)
		assert.Equal(t, http.StatusOK, a.do(http.MethodGet, "/data-integrations/zoom", nil).Status)
	})
	t.Run("strict keys reject keys no fixture names", func(t *testing.T) {
		h := newHarness(t, Config{StrictKeys: true})
		res := h.withKey("sk_test_unknown").do(http.MethodGet, "/data-integrations", nil)
		require.Equal(t, http.StatusUnauthorized, res.Status)
		assert.JSONEq(t, `{"message":"Unauthorized","code":"unauthorized"}`, string(res.Body))
		assert.Equal(t, http.StatusOK, h.do(http.MethodGet, "/data-integrations", nil).Status)
	})
	t.Run("fixtures may name several environments and keys", func(t *testing.T) {
		defaults, err := fixtures.Default()
		require.NoError(t, err)
		set := &fixtures.Set{Providers: defaults.Providers, Environments: []fixtures.Environment{
			{ID: "env_one", APIKeys: []string{"sk_one", "sk_one_too"}, DataIntegrations: []fixtures.DataIntegration{{Slug: "github"}}},
			{ID: "env_two", APIKeys: []string{"sk_two"}, DataIntegrations: []fixtures.DataIntegration{{Slug: "zoom"}}},
		}}
		h := newHarness(t, Config{Fixtures: set, StrictKeys: true})
		assert.Equal(t, []string{"github"}, listSlugs(t, h.withKey("sk_one")))
		assert.Equal(t, []string{"github"}, listSlugs(t, h.withKey("sk_one_too")))
		assert.Equal(t, []string{"zoom"}, listSlugs(t, h.withKey("sk_two")))
	})
	t.Run("without a default environment new keys start empty", func(t *testing.T) {
		defaults, err := fixtures.Default()
		require.NoError(t, err)
		h := newHarness(t, Config{Fixtures: &fixtures.Set{Providers: defaults.Providers}})
		assert.Empty(t, listSlugs(t, h.withKey("sk_test_empty")))
	})
}
