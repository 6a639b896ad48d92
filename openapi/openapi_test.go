package openapi

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheEmbeddedSpecIsValid(t *testing.T) {
	doc, err := Load()
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	assert.Equal(t, "3.0.3", doc.OpenAPI)
}

func TestEchoPath(t *testing.T) {
	for in, want := range map[string]string{
		"/data-integrations":        "/data-integrations",
		"/data-integrations/{slug}": "/data-integrations/:slug",
		"/user_management/users/{user_id}/connected_accounts/{slug}": "/user_management/users/:user_id/connected_accounts/:slug",
	} {
		assert.Equal(t, want, EchoPath(in))
	}
}

func TestOperationsFindEveryOperation(t *testing.T) {
	ops, err := LoadOperations()
	require.NoError(t, err)
	route, ok := ops.Find("put", "/data-integrations/:slug")
	require.True(t, ok)
	assert.Equal(t, "updateDataIntegration", route.Operation.OperationID)
	_, ok = ops.Find("PATCH", "/data-integrations/:slug")
	assert.False(t, ok)
	assert.Contains(t, ops.Keys(), "POST /data-integrations/:slug/token")
}
