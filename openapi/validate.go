package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
)

// Violation describes how a request breaks the document. Every problem found is listed, each
// naming its field, so a client can fix them all at once.
type Violation struct {
	// UnsupportedMediaType is set when the body is not of a media type the operation accepts
	// (HTTP 415 rather than 400).
	UnsupportedMediaType bool
	Fields               []FieldViolation
}

// FieldViolation is one problem: the field at fault (a query or path parameter name, a dotted
// path into the JSON body, or "body"), a short machine-readable code and a reason for people.
type FieldViolation struct {
	Field  string
	Code   string
	Reason string
}

// Codes of FieldViolation.
const (
	CodeRequired      = "required"
	CodeUnknownField  = "unknown_field"
	CodeInvalidType   = "invalid_type"
	CodeInvalidValue  = "invalid_value"
	CodeInvalidFormat = "invalid_format"
	CodeMalformedJSON = "malformed_json"
	CodeMediaType     = "unsupported_media_type"
	CodeInvalid       = "invalid"
)

// Message is a sentence naming every field at fault, for the error body.
func (v *Violation) Message() string {
	parts := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		parts[i] = strings.TrimSuffix(f.Reason, ".")
	}
	return strings.Join(parts, "; ") + "."
}

// requestOptions: every violation at once; authentication is the emulator's own step, which
// runs before this one. The request is left as the client sent it: handlers must tell an absent
// field from one set to its default, so defaults are applied by the handlers (and a test holds
// their values to the document's).
var requestOptions = &openapi3filter.Options{
	MultiError:          true,
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults: true,
}

// Middleware validates each request against the operation of the route echo matched. A request
// that breaks the document never reaches the handler: onViolation turns the violation into the
// error the server answers with. Routes with no operation pass through untouched.
func (o *Operations) Middleware(onViolation func(*Violation) error) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			route, ok := o.Find(req.Method, c.Path())
			if !ok {
				return next(c)
			}
			if v := checkMediaType(route, req); v != nil {
				return onViolation(v)
			}
			v, err := checkJSONSyntax(route, req)
			if err != nil {
				return err // reading the body failed in echo: over the body limit
			}
			if v != nil {
				return onViolation(v)
			}
			params := make(map[string]string, len(c.ParamNames()))
			for i, name := range c.ParamNames() {
				params[name] = c.ParamValues()[i]
			}
			input := &openapi3filter.RequestValidationInput{
				Request:    req,
				PathParams: params,
				Route:      route,
				Options:    requestOptions,
			}
			if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
				var httpErr *echo.HTTPError
				if errors.As(err, &httpErr) {
					return httpErr // reading the body failed in echo: over the body limit
				}
				return onViolation(violationOf(err))
			}
			return next(c)
		}
	}
}

// checkMediaType answers 415 for a body the operation cannot take. kin-openapi reports this as
// an ordinary request error; WorkOS's table gives it its own status.
func checkMediaType(route *routers.Route, req *http.Request) *Violation {
	body := route.Operation.RequestBody
	if body == nil || body.Value == nil {
		return nil
	}
	contentType := req.Header.Get(echo.HeaderContentType)
	if contentType == "" && req.ContentLength == 0 {
		return nil // no body at all: the schema's "required" speaks
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err == nil && body.Value.Content.Get(mediaType) != nil {
		return nil
	}
	accepted := make([]string, 0, len(body.Value.Content))
	for name := range body.Value.Content {
		accepted = append(accepted, name)
	}
	sort.Strings(accepted)
	shown := contentType
	if shown == "" {
		shown = "none"
	}
	return &Violation{
		UnsupportedMediaType: true,
		Fields: []FieldViolation{{
			Field:  "Content-Type",
			Code:   CodeMediaType,
			Reason: fmt.Sprintf("Content-Type %q is not supported, send %s", shown, strings.Join(accepted, " or ")),
		}},
	}
}

// checkJSONSyntax refuses a body that is not exactly one JSON value. kin-openapi decodes only the
// first value of a body and ignores what follows it.
func checkJSONSyntax(route *routers.Route, req *http.Request) (*Violation, error) {
	if route.Operation.RequestBody == nil || req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	if len(bytes.TrimSpace(body)) == 0 || json.Valid(body) {
		return nil, nil
	}
	reason := "The request body is not valid JSON"
	var syntaxErr *json.SyntaxError
	if err := json.Unmarshal(body, new(any)); errors.As(err, &syntaxErr) {
		reason = fmt.Sprintf("The request body is not valid JSON: syntax error at byte %d", syntaxErr.Offset)
	}
	return &Violation{Fields: []FieldViolation{{Field: "body", Code: CodeMalformedJSON, Reason: reason}}}, nil
}

// violationOf flattens kin-openapi's error tree into one FieldViolation per problem.
func violationOf(err error) *Violation {
	v := &Violation{}
	v.add(err, nil)
	// kin-openapi reports each unknown property of an object once per property, with the whole
	// object; one line per field is enough.
	seen := map[FieldViolation]bool{}
	v.Fields = slices.DeleteFunc(v.Fields, func(f FieldViolation) bool {
		dup := seen[f]
		seen[f] = true
		return dup
	})
	if len(v.Fields) == 0 {
		v.Fields = []FieldViolation{{Field: "request", Code: CodeInvalid, Reason: "The request is invalid"}}
	}
	return v
}

func (v *Violation) add(err error, reqErr *openapi3filter.RequestError) {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, inner := range e {
			v.add(inner, reqErr)
		}
	case *openapi3filter.RequestError:
		v.addRequestError(e)
	case *openapi3.SchemaError:
		v.addSchemaError(e, reqErr)
	default:
		field := fieldOf(reqErr, nil)
		v.Fields = append(v.Fields, FieldViolation{Field: field, Code: CodeInvalid, Reason: fmt.Sprintf("%s: %s", field, err)})
	}
}

func (v *Violation) addRequestError(e *openapi3filter.RequestError) {
	field := fieldOf(e, nil)
	var parseErr *openapi3filter.ParseError
	switch {
	case errors.Is(e.Err, openapi3filter.ErrInvalidRequired):
		reason := fmt.Sprintf("%s is required", field)
		if e.RequestBody != nil {
			reason = "A JSON request body is required"
		}
		v.Fields = append(v.Fields, FieldViolation{Field: field, Code: CodeRequired, Reason: reason})
	case errors.As(e.Err, &parseErr):
		if e.RequestBody != nil {
			v.Fields = append(v.Fields, FieldViolation{Field: field, Code: CodeMalformedJSON,
				Reason: "The request body is not valid JSON"})
			return
		}
		v.Fields = append(v.Fields, FieldViolation{Field: field, Code: CodeInvalidType,
			Reason: fmt.Sprintf("%s has an invalid value: %s", field, parseErr.Reason)})
	case e.Err != nil:
		var multi openapi3.MultiError
		var schemaErr *openapi3.SchemaError
		if errors.As(e.Err, &multi) || errors.As(e.Err, &schemaErr) {
			v.add(e.Err, e)
			return
		}
		v.Fields = append(v.Fields, FieldViolation{Field: field, Code: CodeInvalid, Reason: fmt.Sprintf("%s: %s", field, e.Err)})
	default:
		v.Fields = append(v.Fields, FieldViolation{Field: field, Code: CodeInvalid, Reason: fmt.Sprintf("%s: %s", field, e.Reason)})
	}
}

func (v *Violation) addSchemaError(e *openapi3.SchemaError, reqErr *openapi3filter.RequestError) {
	// allOf wrappers (our nullable references) hide the specific error in Origin.
	var inner *openapi3.SchemaError
	if e.Origin != nil && errors.As(e.Origin, &inner) && inner != e {
		v.addSchemaError(inner, reqErr)
		return
	}
	path := e.JSONPointer()
	if e.SchemaField == "properties" { // additionalProperties: false
		for _, key := range unknownKeys(e) {
			field := fieldOf(reqErr, append(append([]string{}, path...), key))
			v.Fields = append(v.Fields, FieldViolation{Field: field, Code: CodeUnknownField,
				Reason: fmt.Sprintf("%s is not a known field", field)})
		}
		return
	}
	field := fieldOf(reqErr, path)
	code := CodeInvalidValue
	switch e.SchemaField {
	case "required":
		code = CodeRequired
	case "type", "nullable":
		code = CodeInvalidType
	case "pattern", "format":
		code = CodeInvalidFormat
	}
	v.Fields = append(v.Fields, FieldViolation{Field: field, Code: code, Reason: fmt.Sprintf("%s: %s", field, reasonOf(e))})
}

// reasonOf says what is wrong in words for people: never a regular expression or a Go type.
func reasonOf(e *openapi3.SchemaError) string {
	switch {
	case e.SchemaField == "pattern" && e.Schema != nil && e.Schema.Description != "":
		return "must be " + e.Schema.Description
	case e.SchemaField == "pattern":
		return "is not in the expected format"
	case strings.Contains(e.Reason, "json.Number"), strings.Contains(e.Reason, "float64"):
		return "is not a number in range"
	case e.Reason != "":
		return e.Reason
	}
	return "does not match the schema's " + e.SchemaField
}

func unknownKeys(e *openapi3.SchemaError) []string {
	obj, ok := e.Value.(map[string]any)
	if !ok || e.Schema == nil {
		return nil
	}
	var keys []string
	for k := range obj {
		if _, known := e.Schema.Properties[k]; !known {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// fieldOf names the field at fault: a parameter by its name, a body value by its dotted path
// (array items as [i]), the body itself as "body".
func fieldOf(reqErr *openapi3filter.RequestError, path []string) string {
	if reqErr != nil && reqErr.Parameter != nil {
		return reqErr.Parameter.Name
	}
	if len(path) == 0 {
		return "body"
	}
	var b strings.Builder
	for i, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
