package emulator

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Error codes of the emulated API (CONTRACT §1).
const (
	CodeInvalidRequest        = "invalid_request_parameters"
	CodeUnauthorized          = "unauthorized"
	CodeNotFound              = "entity_not_found"
	CodeMethodNotAllowed      = "method_not_allowed"
	CodeAlreadyExists         = "entity_already_exists"
	CodeIdempotencyKeyReused  = "idempotency_key_reused"
	CodeTooLarge              = "request_entity_too_large"
	CodeUnsupportedMediaType  = "unsupported_media_type"
	CodeInvalidCredentials    = "invalid_credentials_configuration"
	CodeInvalidCustomProvider = "invalid_custom_provider"
	// Connected accounts (CONTRACT §4 names no codes; these are the emulator\'s).
	CodeIntegrationNotValid     = "data_integration_not_valid"
	CodeInvalidConnectedAccount = "invalid_connected_account"
	CodeRateLimitExceeded       = "rate_limit_exceeded"
	CodeServerError             = "server_error"
	CodeServiceUnavailable      = "service_unavailable"
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[string]int{
	CodeInvalidRequest:          http.StatusBadRequest,
	CodeUnauthorized:            http.StatusUnauthorized,
	CodeNotFound:                http.StatusNotFound,
	CodeMethodNotAllowed:        http.StatusMethodNotAllowed,
	CodeAlreadyExists:           http.StatusConflict,
	CodeIdempotencyKeyReused:    http.StatusConflict,
	CodeTooLarge:                http.StatusRequestEntityTooLarge,
	CodeUnsupportedMediaType:    http.StatusUnsupportedMediaType,
	CodeInvalidCredentials:      http.StatusUnprocessableEntity,
	CodeInvalidCustomProvider:   http.StatusUnprocessableEntity,
	CodeIntegrationNotValid:     http.StatusUnprocessableEntity,
	CodeInvalidConnectedAccount: http.StatusUnprocessableEntity,
	CodeRateLimitExceeded:       http.StatusTooManyRequests,
	CodeServerError:             http.StatusInternalServerError,
	CodeServiceUnavailable:      http.StatusServiceUnavailable,
}

// Field error codes beyond the schema's (see openapi.Code*).
const (
	FieldRequired   = "required"
	FieldNotAllowed = "not_allowed"
	FieldInvalidURL = "invalid_url"
	FieldInvalid    = "invalid"
)

// Messages. Tests compare against them; those with verbs are formats.
const (
	MsgUnauthorized            = "Unauthorized"
	MsgIntegrationNotFound     = "Data integration not found: '%s'."
	MsgProviderNotFound        = "Provider not found: '%s'. Use a built-in provider slug, or supply custom_provider to define a new provider."
	MsgIntegrationExists       = "A data integration for '%s' already exists in this environment."
	MsgCustomShadowsBuiltIn    = "'%s' is a built-in provider: a custom provider cannot use its slug."
	MsgCustomProviderOnBuiltIn = "custom_provider can only be updated on a custom-provider data integration; '%s' uses a built-in provider."
	MsgInvalidCustomProvider   = "The custom provider definition is invalid: %s."
	MsgInvalidCredentials      = "The credentials configuration is invalid: %s."
	MsgCustomSlugFormat        = "provider: a custom provider slug must be 1 to 64 lower-case letters, digits or '-'."
	MsgBeforeAndAfter          = "Use either before or after, not both."
	MsgRouteNotFound           = "No route matches %s %s."
	MsgMethodNotAllowed        = "%s is not allowed on %s."
	MsgTooLarge                = "The request body is larger than 1 MiB."
	MsgIdempotencyKeyReused    = "The Idempotency-Key '%s' was already used with a different request body."
	MsgServerError             = "The emulator failed to answer this request; its log has the details."
	MsgUnreadableTimestamp     = "The timestamp %s is not one the emulator can read: use RFC 3339 with seconds from 00 to 59."
	MsgUnreadableBody          = "The request body has a value the emulator cannot read."
	MsgFaultNotFound           = "Fault not found: '%s'."
)

// Messages of connected accounts (CONTRACT §4).
const (
	MsgUserNotFound          = "User not found: '%s'."
	MsgOrganizationNotFound  = "Organization not found: '%s'."
	MsgAccountNotFound       = "Connected account not found for user '%s' and data integration '%s'."
	MsgAccountExists         = "User '%s' already has a connected account for data integration '%s'."
	MsgIntegrationNotValid   = "The data integration '%s' is %s, not valid: configure its credentials before connecting accounts."
	MsgAccountNeedsTokenOrSt = "Provide an access_token, a refresh_token or a state to import a connected account."
)

// FieldError names one field at fault.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// Error is the one error type of the emulator. Handlers and middleware return it; the server's
// HTTPErrorHandler writes it. Err, the cause, is logged and never sent.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Err     error
	// Header holds headers to send with the error, such as Retry-After.
	Header http.Header
	// HTTPStatus, when set, overrides the status of Code: an injected fault may answer with
	// any status.
	HTTPStatus int
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Status is the HTTP status of the error's code.
func (e *Error) Status() int {
	if e.HTTPStatus != 0 {
		return e.HTTPStatus
	}
	if s, ok := statusOf[e.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// errorf returns an Error with a formatted message.
func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// internal wraps an unexpected failure: the client sees server_error, the log sees err.
func internal(err error) *Error {
	return &Error{Code: CodeServerError, Message: MsgServerError, Err: err}
}

// errorBody is the wire form of every error.
type errorBody struct {
	Message string       `json:"message"`
	Code    string       `json:"code"`
	Errors  []FieldError `json:"errors,omitempty"`
}

// asError turns whatever a handler or echo returned into an *Error.
func asError(err error, c echo.Context) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		req := c.Request()
		switch he.Code {
		case http.StatusNotFound:
			return errorf(CodeNotFound, MsgRouteNotFound, req.Method, req.URL.Path)
		case http.StatusMethodNotAllowed:
			return errorf(CodeMethodNotAllowed, MsgMethodNotAllowed, req.Method, req.URL.Path)
		case http.StatusRequestEntityTooLarge:
			return &Error{Code: CodeTooLarge, Message: MsgTooLarge}
		case http.StatusUnauthorized:
			return &Error{Code: CodeUnauthorized, Message: MsgUnauthorized}
		case http.StatusBadRequest:
			return &Error{Code: CodeInvalidRequest, Message: fmt.Sprint(he.Message), Err: he.Internal}
		}
	}
	return internal(err)
}

// handleError is echo's HTTPErrorHandler: the one place that writes error responses.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := asError(err, c)
	if e.Status() >= 500 && e.Err != nil {
		s.log.ErrorContext(c.Request().Context(), "request failed",
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			slog.String("error", e.Err.Error()))
	}
	for name, values := range e.Header {
		for _, v := range values {
			c.Response().Header().Add(name, v)
		}
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(e.Status())
		return
	}
	if werr := c.JSON(e.Status(), errorBody{Message: e.Message, Code: e.Code, Errors: e.Fields}); werr != nil {
		s.log.Error("write error response", slog.String("error", werr.Error()))
	}
}
