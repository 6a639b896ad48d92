package emulator

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/fixtures"
	"github.com/pipes-emulator/pipes-emulator/openapi"
)

// The control plane under /_emulator: what testutil offers Go tests, over HTTP for containers
// and browsers. Each route acts on the environment of the request's API key.

// Journal page sizes.
const (
	defaultJournalLimit = 50
	maxJournalLimit     = journalEntriesPerEnvironment
)

func (s *Server) controlReset(c echo.Context) error {
	if all, _ := strconv.ParseBool(c.QueryParam("all")); all { // the spec has checked it is a boolean
		if err := s.Reset(); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
	if err := s.resetEnvironmentID(environmentOf(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) controlState(c echo.Context) error {
	state, err := s.stateOf(environmentOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, state)
}

func (s *Server) controlLoadFixtures(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	objects, err := fixtures.ParseObjects(body, "body")
	if err == nil {
		err = s.seedEnvironmentID(environmentOf(c), objects)
	}
	var fe *fixtures.Error
	if errors.As(err, &fe) {
		return fixtureRequestError(fe)
	}
	if err != nil {
		return err
	}
	state, err := s.stateOf(environmentOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, state)
}

// fixtureRequestError is a fixture problem as an API error: 400, naming the object and field.
func fixtureRequestError(fe *fixtures.Error) *Error {
	field := fe.Object
	if fe.Field != "" {
		field = objectField(fe.Object, fe.Field)
	}
	if field == "" {
		field = "body"
	}
	return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf("%s: %s", field, fe.Message),
		Fields: []FieldError{{Field: field, Code: FieldInvalid}}}
}

func objectField(object, field string) string {
	// Objects read "data_integrations[1] (slug \"x\")": the field path drops the description.
	for i := 0; i < len(object); i++ {
		if object[i] == ' ' {
			object = object[:i]
			break
		}
	}
	if object == "" || object == "body" {
		return field
	}
	return object + "." + field
}

// faultJSON is a fault rule on the wire.
type faultJSON struct {
	ID         string  `json:"id"`
	Method     *string `json:"method"`
	Path       *string `json:"path"`
	Status     int     `json:"status"`
	Code       *string `json:"code"`
	Message    *string `json:"message"`
	Times      int     `json:"times"`
	DelayMS    int     `json:"delay_ms"`
	RetryAfter int     `json:"retry_after"`
	Fired      int     `json:"fired"`
}

func faultView(f Fault) faultJSON {
	out := faultJSON{ID: f.ID, Status: f.Status, Times: f.Times, DelayMS: int(f.Delay / time.Millisecond),
		RetryAfter: f.RetryAfter, Fired: f.Fired}
	out.Method, out.Path, out.Code, out.Message = nonEmpty(f.Method), nonEmpty(f.Path), nonEmpty(f.Code), nonEmpty(f.Message)
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type faultRequest struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	Status     int    `json:"status"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Times      *int   `json:"times"`
	DelayMS    int    `json:"delay_ms"`
	RetryAfter int    `json:"retry_after"`
}

func (s *Server) controlAddFault(c echo.Context) error {
	var req faultRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	times := 1 // over HTTP a rule fires once unless told otherwise; 0 is until removed
	if req.Times != nil {
		times = *req.Times
	}
	f, err := s.addFault(environmentOf(c), Fault{Method: req.Method, Path: req.Path, Status: req.Status, Code: req.Code,
		Message: req.Message, Times: times, Delay: time.Duration(req.DelayMS) * time.Millisecond, RetryAfter: req.RetryAfter})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, faultView(f))
}

func (s *Server) controlListFaults(c echo.Context) error {
	faults, err := s.faultsOf(environmentOf(c))
	if err != nil {
		return err
	}
	out := struct {
		Object string      `json:"object"`
		Data   []faultJSON `json:"data"`
	}{Object: "list", Data: []faultJSON{}}
	for _, f := range faults {
		out.Data = append(out.Data, faultView(f))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) controlClearFaults(c echo.Context) error {
	if err := s.clearFaultsOf(environmentOf(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) controlRemoveFault(c echo.Context) error {
	if err := s.removeFaultOf(environmentOf(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) controlRequests(c echo.Context) error {
	limit := defaultJournalLimit
	if v := c.QueryParam("limit"); v != "" {
		limit, _ = strconv.Atoi(v) // the spec has checked the range
	}
	out := struct {
		Object string         `json:"object"`
		Data   []JournalEntry `json:"data"`
	}{Object: "list", Data: s.journal.newest(environmentOf(c), limit)}
	return c.JSON(http.StatusOK, out)
}

// The spec, for clients to generate code from. The JSON form is rendered once.
func (s *Server) controlSpecYAML(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", openapi.YAML())
}

func (s *Server) controlSpecJSON(c echo.Context) error {
	data, err := openapi.JSON()
	if err != nil {
		return internal(err)
	}
	return c.JSONBlob(http.StatusOK, data)
}

type clockJSON struct {
	Now     string `json:"now"`
	Stopped bool   `json:"stopped"`
}

func (s *Server) clockView() clockJSON {
	return clockJSON{Now: timestamp(s.now()), Stopped: s.clock.Stopped()}
}

func (s *Server) controlClock(c echo.Context) error {
	return c.JSON(http.StatusOK, s.clockView())
}

type clockRequest struct {
	AdvanceMS *int64     `json:"advance_ms"`
	Now       *time.Time `json:"now"`
	Stopped   *bool      `json:"stopped"`
}

// controlMoveClock moves the emulator's clock, which every environment shares: set it, stop or
// run it, advance it (in that order, all optional).
func (s *Server) controlMoveClock(c echo.Context) error {
	var req clockRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Now != nil {
		s.clock.Set(*req.Now)
	}
	if req.Stopped != nil {
		s.clock.SetStopped(*req.Stopped)
	}
	if req.AdvanceMS != nil {
		s.clock.Advance(time.Duration(*req.AdvanceMS) * time.Millisecond)
	}
	return c.JSON(http.StatusOK, s.clockView())
}

// controlNewEnvironment makes a fresh, seeded environment and answers with its key: what
// testutil's NewEnvironment gives Go tests, for suites that run in parallel against one
// container (strict mode included).
func (s *Server) controlNewEnvironment(c echo.Context) error {
	key, err := s.NewEnvironment()
	if err != nil {
		return err
	}
	envID, err := s.environmentFor(key)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"object": "environment", "id": envID, "api_key": key})
}
