package emulator

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// bodyLimit is the largest request body the API takes (CONTRACT §1).
const bodyLimit = "1M"

// routes is every route of the server, with the middleware each passes through, in the order a
// request meets them.
func (s *Server) routes() {
	e := s.echo
	e.Use(
		s.requestID(),
		s.accessLog(),
		s.recoverPanics(),
		middleware.BodyLimit(bodyLimit),
	)

	// The control plane: not part of the WorkOS API.
	e.GET("/_emulator/health", s.health)

	// The emulated WorkOS API: environment from the key, the environment's fault rules,
	// idempotent replay, then validation against our spec before any handler runs.
	api := []echo.MiddlewareFunc{
		s.authenticate,
		s.injectFaults,
		s.replayIdempotent,
		s.ops.Middleware(violationError),
	}
	e.POST("/data-integrations", s.createDataIntegration, api...)
	e.GET("/data-integrations", s.listDataIntegrations, api...)
	e.GET("/data-integrations/:slug", s.getDataIntegration, api...)
	e.PUT("/data-integrations/:slug", s.updateDataIntegration, api...)
	e.DELETE("/data-integrations/:slug", s.deleteDataIntegration, api...)
	// Echo lets a parameter that ends a route swallow the rest of the path, slashes included;
	// this makes /data-integrations/github/nope an unknown route instead of slug "github/nope".
	e.RouteNotFound("/data-integrations/:slug/*", echo.NotFoundHandler)
}
