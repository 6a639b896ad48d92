package emulator

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// bodyLimit is the largest request body the API takes (CONTRACT §1): 1 MiB, 1 048 576 bytes
// (echo reads "1M" as 10^6).
const bodyLimit = "1MiB"

// routes is every route of the server, with the middleware each passes through, in the order a
// request meets them.
func (s *Server) routes() {
	e := s.echo
	e.Use(
		s.requestID(),
		s.accessLog(),
		s.recoverPanics(),
		s.cors(),
		middleware.BodyLimit(bodyLimit),
		refuseBareOptions,
	)

	// The control plane: not part of the WorkOS API. Its routes are validated against their
	// own operations in our spec and act on the environment of the request's key.
	e.GET("/_emulator/health", s.health)
	e.GET("/_emulator/openapi.yaml", s.controlSpecYAML)
	e.GET("/_emulator/openapi.json", s.controlSpecJSON)
	control := []echo.MiddlewareFunc{s.authenticate, unescapeParams, s.ops.Middleware(violationError)}
	e.POST("/_emulator/reset", s.controlReset, control...)
	e.GET("/_emulator/state", s.controlState, control...)
	e.POST("/_emulator/fixtures", s.controlLoadFixtures, control...)
	e.POST("/_emulator/faults", s.controlAddFault, control...)
	e.GET("/_emulator/faults", s.controlListFaults, control...)
	e.DELETE("/_emulator/faults", s.controlClearFaults, control...)
	e.DELETE("/_emulator/faults/:id", s.controlRemoveFault, control...)
	e.GET("/_emulator/requests", s.controlRequests, control...)
	e.GET("/_emulator/clock", s.controlClock, control...)
	e.POST("/_emulator/clock", s.controlMoveClock, control...)
	e.POST("/_emulator/environments", s.controlNewEnvironment, control...)

	// The emulated WorkOS API: environment from the key, the journal, the environment's fault
	// rules, idempotent replay, then validation against our spec before any handler runs.
	api := []echo.MiddlewareFunc{
		s.authenticate,
		s.recordJournal,
		s.injectFaults,
		s.replayIdempotent,
		unescapeParams,
		s.ops.Middleware(violationError),
	}
	e.POST("/data-integrations", s.createDataIntegration, api...)
	e.GET("/data-integrations", s.listDataIntegrations, api...)
	e.GET("/data-integrations/:slug", s.getDataIntegration, api...)
	e.PUT("/data-integrations/:slug", s.updateDataIntegration, api...)
	e.DELETE("/data-integrations/:slug", s.deleteDataIntegration, api...)
	e.POST("/data-integrations/:slug/token", s.getAccessToken, api...)

	e.POST("/user_management/users/:user_id/connected_accounts/:slug", s.importConnectedAccount, api...)
	e.GET("/user_management/users/:user_id/connected_accounts/:slug", s.getConnectedAccount, api...)
	e.PUT("/user_management/users/:user_id/connected_accounts/:slug", s.updateConnectedAccount, api...)
	e.DELETE("/user_management/users/:user_id/connected_accounts/:slug", s.deleteConnectedAccount, api...)
	e.GET("/user_management/users/:user_id/data_providers", s.listUserDataProviders, api...)

	// Echo lets a parameter that ends a route swallow the rest of the path, slashes included;
	// these make /data-integrations/github/nope an unknown route instead of slug "github/nope".
	e.RouteNotFound("/data-integrations/:slug/*", echo.NotFoundHandler)
	e.RouteNotFound("/user_management/users/:user_id/connected_accounts/:slug/*", echo.NotFoundHandler)
	e.RouteNotFound("/_emulator/faults/:id/*", echo.NotFoundHandler)
}
