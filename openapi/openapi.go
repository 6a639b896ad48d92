// Package openapi holds pipes-emulator's own OpenAPI document, embedded in the binary and parsed
// once per process, and the request validation built on it with kin-openapi.
package openapi

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

//go:embed spec.yaml
var specYAML []byte

// YAML returns the document as it is embedded, for serving it to clients.
func YAML() []byte { return specYAML }

// Load returns the parsed document. It parses once per process: every server and every test
// shares the result, which must therefore never be modified. The document is not validated
// here, which would slow every start by a few milliseconds: a test validates it once.
var Load = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(specYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse embedded spec: %w", err)
	}
	return doc, nil
})

// EchoPath turns an OpenAPI path template (/a/{id}) into echo's form (/a/:id).
func EchoPath(template string) string {
	parts := strings.Split(template, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			parts[i] = ":" + p[1:len(p)-1]
		}
	}
	return strings.Join(parts, "/")
}

// Operations indexes the document's operations by HTTP method and echo path, so the validator
// can find the operation of a request from the route echo already matched, without a second
// router.
type Operations struct {
	byKey map[string]*routers.Route
}

// NewOperations indexes every operation of doc.
func NewOperations(doc *openapi3.T) *Operations {
	ops := &Operations{byKey: map[string]*routers.Route{}}
	for template, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops.byKey[routeKey(method, EchoPath(template))] = &routers.Route{
				Spec:      doc,
				Path:      template,
				PathItem:  item,
				Method:    method,
				Operation: op,
			}
		}
	}
	return ops
}

// LoadOperations returns the operations of the embedded document, indexed once per process.
var LoadOperations = sync.OnceValues(func() (*Operations, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	return NewOperations(doc), nil
})

// Find returns the operation served at method and echoPath (as echo's c.Path() gives it).
func (o *Operations) Find(method, echoPath string) (*routers.Route, bool) {
	r, ok := o.byKey[routeKey(method, echoPath)]
	return r, ok
}

// Keys lists every operation as "METHOD /echo/path", sorted.
func (o *Operations) Keys() []string {
	keys := make([]string, 0, len(o.byKey))
	for k := range o.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func routeKey(method, echoPath string) string { return strings.ToUpper(method) + " " + echoPath }

// JSON returns the document as JSON, rendered once per process.
var JSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	return doc.MarshalJSON()
})
