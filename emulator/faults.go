package emulator

import (
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// Fault is a rule that makes requests of one environment fail or wait: the one mechanism
// behind testutil's fault methods and the control plane's /_emulator/faults.
type Fault struct {
	ID string `json:"id"`
	// Method and Path select the requests; empty matches any. Path is a path template
	// (/data-integrations/{slug}) or a glob (/data-integrations/*, as path.Match).
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// Status is the error to answer with (400 to 599); 0 with a Delay only delays.
	Status int `json:"status,omitempty"`
	// Code and Message override the defaults for Status.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Times is how many requests the rule applies to; 0 means until it is removed. It counts
	// down as the rule fires (listing a rule shows how many are left); at 0 the rule is gone.
	Times int `json:"times"`
	// Delay is waited before answering (or before serving normally, without a Status).
	Delay time.Duration `json:"-"`
	// RetryAfter, in seconds, is sent as Retry-After when not 0; a 429 always has one (1 s
	// unless set).
	RetryAfter int `json:"retry_after,omitempty"`
	// Fired counts the requests the rule has applied to so far.
	Fired int `json:"fired"`
}

// A request whose client went away while a fault delayed it.
const (
	codeClientClosedRequest   = "client_closed_request"
	msgClientClosedRequest    = "The client closed the request while it was delayed."
	statusClientClosedRequest = 499
)

// maxFaultDelay keeps a delayed answer inside the server's write timeout (60 s).
const maxFaultDelay = 30 * time.Second

// faultDefaults are the WorkOS code and message of the statuses faults are usually made of.
// Other statuses get a code made from the status text (502: bad_gateway); set Code and Message
// for anything more specific.
var faultDefaults = map[int]struct{ code, message string }{
	http.StatusBadRequest:          {CodeInvalidRequest, "The request is invalid."},
	http.StatusUnauthorized:        {CodeUnauthorized, MsgUnauthorized},
	http.StatusNotFound:            {CodeNotFound, "Not found."},
	http.StatusConflict:            {CodeAlreadyExists, "The entity already exists."},
	http.StatusTooManyRequests:     {CodeRateLimitExceeded, "Too many requests."},
	http.StatusInternalServerError: {CodeServerError, "Internal server error."},
	http.StatusServiceUnavailable:  {CodeServiceUnavailable, "Service unavailable."},
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// defaultRetryAfter is the Retry-After of a 429 whose rule sets none: WorkOS always sends one.
const defaultRetryAfter = 1

func (f Fault) error() *Error {
	if f.Status == http.StatusTooManyRequests && f.RetryAfter == 0 {
		f.RetryAfter = defaultRetryAfter
	}
	def, known := faultDefaults[f.Status]
	if !known { // e.g. 502 → bad_gateway, "Bad Gateway."
		def.code = strings.Trim(nonWord.ReplaceAllString(strings.ToLower(http.StatusText(f.Status)), "_"), "_")
		def.message = http.StatusText(f.Status) + "."
	}
	if f.RetryAfter == 1 {
		def.message += " Retry after 1 second."
	} else if f.RetryAfter > 1 {
		def.message += fmt.Sprintf(" Retry after %d seconds.", f.RetryAfter)
	}
	code, msg := f.Code, f.Message
	if code == "" {
		code = def.code
	}
	if msg == "" {
		msg = def.message
	}
	e := &Error{Code: code, Message: msg, HTTPStatus: f.Status}
	if f.RetryAfter > 0 {
		e.Header = http.Header{"Retry-After": {strconv.Itoa(f.RetryAfter)}}
	}
	return e
}

// check refuses rules that could never make sense, naming the field.
func (f Fault) check() error {
	var fields []FieldError
	var problems []string
	bad := func(field, code, problem string) {
		fields = append(fields, FieldError{Field: field, Code: code})
		problems = append(problems, problem)
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		bad("status", FieldInvalid, fmt.Sprintf("status %d is not an error status (400 to 599)", f.Status))
	}
	if f.Status == 0 && f.Delay <= 0 {
		bad("status", FieldRequired, "a fault needs a status, a delay, or both")
	}
	if f.Times < 0 {
		bad("times", FieldInvalid, "times must be 0 (until removed) or more")
	}
	if f.Delay < 0 || f.Delay > maxFaultDelay {
		bad("delay_ms", FieldInvalid, fmt.Sprintf("the delay must be from 0 to %d ms", maxFaultDelay.Milliseconds()))
	}
	if f.RetryAfter < 0 {
		bad("retry_after", FieldInvalid, "retry_after must not be negative")
	}
	if f.Path != "" {
		if _, err := path.Match(globOf(f.Path), "/"); err != nil || !strings.HasPrefix(f.Path, "/") {
			bad("path", FieldInvalid, fmt.Sprintf("path %q is not a path template or glob starting with /", f.Path))
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalidRequest, Message: strings.Join(problems, "; ") + ".", Fields: fields}
}

// globOf turns a path template's {params} into * for path.Match.
func globOf(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, "/")
}

func (f Fault) matches(method, urlPath string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Path == "" {
		return true
	}
	ok, _ := path.Match(globOf(f.Path), urlPath)
	return ok
}

func faultFromStore(f store.Fault) Fault {
	return Fault{ID: f.ID, Method: f.Method, Path: f.Path, Status: f.Status, Code: f.Code, Message: f.Message,
		Times: f.Remaining, Delay: f.Delay, RetryAfter: f.RetryAfter, Fired: f.Fired}
}

// injectFaults applies the first of the environment's rules that matches the request: it waits
// the rule's delay, then answers with its error, or serves the request normally when the rule
// has no status. A rule with Times applies to exactly that many requests, however many arrive at
// once.
func (s *Server) injectFaults(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		envID, req := environmentOf(c), c.Request()
		fault, fired, err := s.fireFault(envID, req.Method, req.URL.Path)
		if err != nil {
			return internal(err)
		}
		if !fired {
			return next(c)
		}
		if fault.Delay > 0 {
			select {
			case <-time.After(fault.Delay):
			case <-req.Context().Done():
				// The client gave up while waiting: nobody reads the answer, which is no
				// server error either (499, as nginx logs it).
				return &Error{Code: codeClientClosedRequest, Message: msgClientClosedRequest, HTTPStatus: statusClientClosedRequest}
			}
		}
		if fault.Status == 0 {
			return next(c)
		}
		return fault.error()
	}
}

// fireFault finds the first matching rule and counts one use of it, in one transaction.
func (s *Server) fireFault(envID, method, urlPath string) (Fault, bool, error) {
	var any bool
	err := s.store.View(func(tx *store.Txn) error {
		faults, err := tx.Faults(envID)
		any = len(faults) > 0
		return err
	})
	if err != nil || !any {
		return Fault{}, false, err // the common case costs one read
	}
	var fired Fault
	var ok bool
	err = s.store.Update(func(tx *store.Txn) error {
		faults, err := tx.Faults(envID)
		if err != nil {
			return err
		}
		for _, f := range faults {
			if !faultFromStore(f).matches(method, urlPath) {
				continue
			}
			f.Fired++
			fired, ok = faultFromStore(f), true
			if f.Remaining > 0 {
				f.Remaining--
				if f.Remaining == 0 {
					_, err := tx.DeleteFault(envID, f.ID)
					return err
				}
			}
			return tx.PutFault(f)
		}
		return nil
	})
	return fired, ok, err
}

// AddFault adds a fault rule to the environment of key and returns it with its id.
func (s *Server) AddFault(key string, f Fault) (Fault, error) {
	envID, err := s.environmentFor(key)
	if err != nil {
		return Fault{}, err
	}
	return s.addFault(envID, f)
}

func (s *Server) addFault(envID string, f Fault) (Fault, error) {
	if err := f.check(); err != nil {
		return Fault{}, err
	}
	f.ID = s.ids.New("fault_")
	rule := store.Fault{EnvironmentID: envID, ID: f.ID, Method: strings.ToUpper(f.Method), Path: f.Path,
		Status: f.Status, Code: f.Code, Message: f.Message, RetryAfter: f.RetryAfter, Delay: f.Delay,
		Remaining: f.Times, CreatedAt: s.now()}
	if err := s.store.Update(func(tx *store.Txn) error { return tx.PutFault(rule) }); err != nil {
		return Fault{}, internal(err)
	}
	return faultFromStore(rule), nil
}

// Faults lists the fault rules of the environment of key, oldest first.
func (s *Server) Faults(key string) ([]Fault, error) {
	envID, err := s.environmentFor(key)
	if err != nil {
		return nil, err
	}
	return s.faultsOf(envID)
}

func (s *Server) faultsOf(envID string) ([]Fault, error) {
	out := []Fault{}
	err := s.store.View(func(tx *store.Txn) error {
		faults, err := tx.Faults(envID)
		for _, f := range faults {
			out = append(out, faultFromStore(f))
		}
		return err
	})
	if err != nil {
		return nil, internal(err)
	}
	return out, nil
}

// RemoveFault removes one rule: a 404 Error when the environment has none with that id.
func (s *Server) RemoveFault(key, id string) error {
	envID, err := s.environmentFor(key)
	if err != nil {
		return err
	}
	return s.removeFaultOf(envID, id)
}

func (s *Server) removeFaultOf(envID, id string) error {
	var removed bool
	err := s.store.Update(func(tx *store.Txn) error {
		var err error
		removed, err = tx.DeleteFault(envID, id)
		return err
	})
	if err != nil {
		return internal(err)
	}
	if !removed {
		return errorf(CodeNotFound, MsgFaultNotFound, id)
	}
	return nil
}

// ClearFaults removes every rule of the environment of key.
func (s *Server) ClearFaults(key string) error {
	envID, err := s.environmentFor(key)
	if err != nil {
		return err
	}
	return s.clearFaultsOf(envID)
}

func (s *Server) clearFaultsOf(envID string) error {
	if err := s.store.Update(func(tx *store.Txn) error { return tx.DeleteFaults(envID) }); err != nil {
		return internal(err)
	}
	return nil
}
