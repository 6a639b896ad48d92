package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// The journal: the last requests of each environment, for GET /_emulator/requests and testutil.
// It is kept apart from the store: writing it costs no transaction, and it is not API state.

// Bounds of the journal, so that memory stays bounded however long the emulator runs.
const (
	journalEntriesPerEnvironment = 500
	journalBodyLimit             = 16 << 10 // bytes of each body kept
)

// JournalEntry is one request and its answer. Bodies are JSON with every secret redacted; a body
// that is not JSON, or longer than the limit, is replaced by a string saying its size.
type JournalEntry struct {
	Time         string          `json:"time"`
	Method       string          `json:"method"`
	Path         string          `json:"path"`
	Query        string          `json:"query"`
	Status       int             `json:"status"`
	DurationMS   float64         `json:"duration_ms"`
	RequestID    string          `json:"request_id"`
	RequestBody  json.RawMessage `json:"request_body"`
	ResponseBody json.RawMessage `json:"response_body"`
}

type journal struct {
	mu    sync.Mutex
	byEnv map[string]*journalRing
}

// journalRing keeps the newest entries of one environment.
type journalRing struct {
	entries []journalRecord
	next    int
}

// journalRecord is an entry as kept: the bodies raw, in memory only. They are redacted when the
// journal is read, so that a request pays for no JSON work beyond its own.
type journalRecord struct {
	entry             JournalEntry
	request, response keptBody
}

func (r journalRecord) redacted() JournalEntry {
	e := r.entry
	e.RequestBody, e.ResponseBody = r.request.redacted(), r.response.redacted()
	return e
}

// keptBody is what the journal holds of a body: all of it up to the limit, else only its size.
type keptBody struct {
	data []byte
	size int
}

func keep(body []byte) keptBody {
	if len(body) > journalBodyLimit {
		return keptBody{size: len(body)}
	}
	return keptBody{data: body, size: len(body)}
}

func (j *journal) add(envID string, e journalRecord) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.byEnv == nil {
		j.byEnv = map[string]*journalRing{}
	}
	r := j.byEnv[envID]
	if r == nil {
		r = &journalRing{}
		j.byEnv[envID] = r
	}
	if len(r.entries) < journalEntriesPerEnvironment {
		r.entries = append(r.entries, e)
		return
	}
	r.entries[r.next] = e
	r.next = (r.next + 1) % journalEntriesPerEnvironment
}

// newest returns up to limit entries of an environment, newest first.
func (j *journal) newest(envID string, limit int) []JournalEntry {
	j.mu.Lock()
	var records []journalRecord
	if r := j.byEnv[envID]; r != nil {
		n := len(r.entries)
		for i := 0; i < n && len(records) < limit; i++ {
			// The newest entry sits just before next (which wraps once the ring is full).
			records = append(records, r.entries[(r.next-1-i+2*n)%n])
		}
	}
	j.mu.Unlock()
	out := make([]JournalEntry, len(records))
	for i, r := range records {
		out[i] = r.redacted()
	}
	return out
}

func (j *journal) clear(envID string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.byEnv, envID)
}

func (j *journal) clearAll() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.byEnv = nil
}

// recordJournal writes every request of the emulated API to its environment's journal, with the
// status the client finally got (injected faults included).
func (s *Server) recordJournal(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		begin := time.Now()
		var reqBody []byte
		if req.Body != nil && req.Body != http.NoBody {
			var err error
			if reqBody, err = io.ReadAll(req.Body); err != nil {
				return err // the body limit's 413
			}
			req.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		rec := &recordingWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		if err := next(c); err != nil {
			c.Error(err) // write the error now, so that its status and body are recorded
		}
		s.journal.add(environmentOf(c), journalRecord{
			entry: JournalEntry{
				Time:       timestamp(s.now()),
				Method:     req.Method,
				Path:       req.URL.Path,
				Query:      req.URL.RawQuery,
				Status:     c.Response().Status,
				DurationMS: float64(time.Since(begin).Microseconds()) / 1000,
				RequestID:  c.Response().Header().Get(echo.HeaderXRequestID),
			},
			request:  keep(reqBody),
			response: keep(rec.body.Bytes()),
		})
		return nil
	}
}

// secretFields are the JSON fields whose values are secrets, wherever they appear.
var secretFields = map[string]bool{
	"client_secret": true, "access_token": true, "refresh_token": true, "secret": true, "api_key": true,
}

// redacted is the body as the journal shows it: secrets redacted, size bounded.
func (k keptBody) redacted() json.RawMessage {
	body := k.data
	if k.size > journalBodyLimit {
		return sizeOnly(fmt.Sprintf("(%d bytes, longer than the journal keeps)", k.size))
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return json.RawMessage("null")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		// Not JSON: its secrets cannot be found, so none of it is kept.
		return sizeOnly(fmt.Sprintf("(%d bytes, not JSON)", len(body)))
	}
	redacted, err := json.Marshal(redactSecrets(v))
	if err != nil {
		return sizeOnly(fmt.Sprintf("(%d bytes)", len(body)))
	}
	return redacted
}

func sizeOnly(text string) json.RawMessage {
	out, _ := json.Marshal(text)
	return out
}

// redactSecrets replaces the value of every secret field with what the API shows of it.
func redactSecrets(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, inner := range t {
			if s, ok := inner.(string); ok && secretFields[k] {
				t[k] = *redactedSecret(&s)
				continue
			}
			t[k] = redactSecrets(inner)
		}
	case []any:
		for i, inner := range t {
			t[i] = redactSecrets(inner)
		}
	}
	return v
}

// Requests returns up to limit journal entries of the environment of key, newest first.
func (s *Server) Requests(key string, limit int) ([]JournalEntry, error) {
	envID, err := s.environmentFor(key)
	if err != nil {
		return nil, err
	}
	return s.journal.newest(envID, limit), nil
}
