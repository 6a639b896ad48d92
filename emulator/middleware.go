package emulator

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// requestID gives every response an X-Request-ID: the client's own, or a fresh req_<ULID>.
func (s *Server) requestID() echo.MiddlewareFunc {
	return middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator:    func() string { return s.ids.New("req_") },
		TargetHeader: echo.HeaderXRequestID,
	})
}

// accessLog writes one line per request. It never logs headers or bodies, so no API key,
// secret or token reaches the log.
func (s *Server) accessLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true, // the error handler runs first, so the line has the final status
		LogMethod:   true,
		LogURIPath:  true,
		LogStatus:   true,
		LogLatency:  true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method),
				slog.String("path", v.URIPath),
				slog.Int("status", v.Status),
				slog.Duration("duration", v.Latency),
				slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			)
			return nil
		},
	})
}

// recoverPanics turns a panic into a logged 500 server_error instead of a dropped connection.
func (s *Server) recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			return internal(fmt.Errorf("panic: %w\n%s", err, stack))
		},
	})
}

// health answers as soon as the server accepts requests.
func (s *Server) health(c echo.Context) error {
	return c.JSON(200, map[string]string{"status": "ok"})
}

// refuseBareOptions answers OPTIONS on a known path with 405, as any other method the path does
// not serve: echo would answer 204 on its own. (CORS preflights are answered before this.)
func refuseBareOptions(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodOptions && c.Path() != "" {
			return echo.ErrMethodNotAllowed
		}
		return next(c)
	}
}

// corsExposeHeaders are the response headers scripts in a browser may read.
var corsExposeHeaders = []string{echo.HeaderXRequestID, "Idempotent-Replayed", "Retry-After"}

// cors lets a browser app on another origin call the API and the control plane: preflights are
// answered here, before authentication (browsers send no key with them).
func (s *Server) cors() echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		// Echo takes every OPTIONS for a preflight; one without Access-Control-Request-Method
		// is not, and gets the 405 of any method a path does not serve.
		Skipper: func(c echo.Context) bool {
			req := c.Request()
			return req.Method == http.MethodOptions && req.Header.Get(echo.HeaderAccessControlRequestMethod) == ""
		},
		AllowOrigins: s.corsOrigins,
		AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete},
		// No list of headers: a preflight is allowed the headers it asks for (Authorization,
		// Idempotency-Key, and whatever tracing headers a frontend adds).
		ExposeHeaders: corsExposeHeaders,
		MaxAge:        600,
	})
}

// unescapeParams decodes percent-escapes in path parameters, which echo leaves as sent:
// /data-integrations/%67ithub names github, as it would on any HTTP server.
func unescapeParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		values := c.ParamValues()
		for i, v := range values {
			if !strings.Contains(v, "%") {
				continue
			}
			decoded, err := url.PathUnescape(v)
			if err != nil {
				name := c.ParamNames()[i]
				return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf("%s: %q is not a valid escaped path segment.", name, v),
					Fields: []FieldError{{Field: name, Code: "invalid_format"}}}
			}
			values[i] = decoded
		}
		c.SetParamValues(values...)
		return next(c)
	}
}
