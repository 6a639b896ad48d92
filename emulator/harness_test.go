package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/openapi"
)

// The test harness: every request goes through the whole echo stack, and every response is
// checked against our spec (its operation's response, or the Error schema for routes the spec
// does not have), so spec and server cannot drift apart.

const defaultKey = "sk_test_default"

type harness struct {
	t      testing.TB
	server *Server
	clock  *Clock
	key    string
}

func newHarness(t testing.TB, cfgs ...Config) *harness {
	t.Helper()
	var cfg Config
	if len(cfgs) > 0 {
		cfg = cfgs[0]
	}
	if cfg.Clock == nil {
		cfg.Clock = NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	}
	srv, err := New(cfg)
	require.NoError(t, err)
	return &harness{t: t, server: srv, clock: cfg.Clock, key: defaultKey}
}

// withKey returns a harness that sends another API key to the same server.
func (h *harness) withKey(key string) *harness {
	cp := *h
	cp.key = key
	return &cp
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value.
func (r response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &v), "body: %s", r.Body)
	return v
}

// Decode decodes the body into v.
func (r response) Decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

type requestOption func(*http.Request)

func header(name, value string) requestOption {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

func withoutAuth() requestOption { return func(r *http.Request) { r.Header.Del("Authorization") } }

// do sends a request; body is JSON-encoded unless it is a string or []byte, sent as is.
func (h *harness) do(method, path string, body any, opts ...requestOption) response {
	h.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	case []byte:
		reader = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(h.t, err)
		reader = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, reader)
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+h.key)
	for _, opt := range opts {
		opt(req)
	}
	// The spec check needs the request as sent, body included.
	var sent []byte
	if req.Body != nil {
		sent, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(sent))
	}
	rec := httptest.NewRecorder()
	h.server.ServeHTTP(rec, req)
	res := response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	checkAgainstSpec(h.t, method, path, sent, req.Header, res)
	return res
}

var specRouter = func() routers.Router {
	doc, err := openapi.Load()
	if err != nil {
		panic(err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		panic(err)
	}
	return r
}()

// checkAgainstSpec holds a response to our spec and to the wire conventions of CONTRACT §1.
func checkAgainstSpec(t testing.TB, method, path string, sent []byte, reqHeader http.Header, res response) {
	t.Helper()
	require.NotEmpty(t, res.Header.Get("X-Request-ID"), "every response carries X-Request-ID")
	switch {
	case res.Status == http.StatusNoContent:
		require.Empty(t, res.Body, "204 has no body")
	case strings.HasSuffix(path, ".yaml"):
		require.Equal(t, "application/yaml", res.Header.Get("Content-Type"))
	default:
		require.Equal(t, "application/json", res.Header.Get("Content-Type"), "every body is JSON: %s", res.Body)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(sent))
	req.Header = reqHeader.Clone()
	route, params, err := specRouter.FindRoute(req)
	if err != nil && res.Status == http.StatusNoContent {
		return // a CORS preflight: no operation, no body
	}
	if err != nil {
		// A route the spec does not have (404, 405): the body is still the Error schema.
		doc, _ := openapi.Load()
		var v any
		require.NoError(t, json.Unmarshal(res.Body, &v))
		require.NoError(t, doc.Components.Schemas["Error"].Value.VisitJSON(v), "body: %s", res.Body)
		return
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.Status,
		Header:                 res.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(res.Body)
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), input),
		"%s %s → %d does not match the spec: %s", method, path, res.Status, res.Body)
}

// errorSchema is the Error component, for assertions about error bodies.
func errorSchema(t testing.TB) *openapi3.Schema {
	doc, err := openapi.Load()
	require.NoError(t, err)
	return doc.Components.Schemas["Error"].Value
}

// apiError is an error body.
type apiError struct {
	Message string       `json:"message"`
	Code    string       `json:"code"`
	Errors  []FieldError `json:"errors"`
}

// requireError asserts status, code and (when given) the fields at fault.
func requireError(t testing.TB, res response, status int, code string, fields ...FieldError) apiError {
	t.Helper()
	require.Equal(t, status, res.Status, "body: %s", res.Body)
	var e apiError
	res.Decode(t, &e)
	require.Equal(t, code, e.Code, "body: %s", res.Body)
	require.NotEmpty(t, e.Message)
	if len(fields) > 0 {
		require.ElementsMatch(t, fields, e.Errors, "body: %s", res.Body)
	}
	return e
}
