package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// The journal: the last requests of each environment, for GET /_emulator/requests and testutil.
// It is kept apart from the store: writing it costs no transaction, and it is not API state.

// Bounds of the journal, so that memory stays bounded however long the emulator runs and however
// many environments it makes: per environment, and in all.
const (
	journalEntriesPerEnvironment = 500
	journalBodyLimit             = 16 << 10 // bytes of each body kept
	journalBudget                = 64 << 20 // bytes of bodies kept in all environments
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
	mu     sync.Mutex
	byEnv  map[string][]journalRecord // oldest first
	bytes  int                        // body bytes kept in all environments
	budget int                        // at most this many; 0 is journalBudget
	seq    uint64
}

// journalRecord is an entry as kept: the bodies raw, in memory only. They are redacted when the
// journal is read, so that a request pays for no JSON work beyond its own.
type journalRecord struct {
	seq               uint64
	entry             JournalEntry
	request, response keptBody
}

func (r journalRecord) size() int { return len(r.request.data) + len(r.response.data) }

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

func (j *journal) add(envID string, r journalRecord) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.byEnv == nil {
		j.byEnv = map[string][]journalRecord{}
	}
	j.seq++
	r.seq = j.seq
	records := append(j.byEnv[envID], r)
	j.bytes += r.size()
	if len(records) > journalEntriesPerEnvironment {
		j.bytes -= records[0].size()
		records[0] = journalRecord{}
		records = records[1:]
	}
	j.byEnv[envID] = records
	budget := j.budget
	if budget == 0 {
		budget = journalBudget
	}
	for j.bytes > budget {
		j.evictOldest()
	}
}

// evictOldest drops the oldest entry of all environments.
func (j *journal) evictOldest() {
	oldestEnv, oldest := "", uint64(0)
	for env, records := range j.byEnv {
		if len(records) > 0 && (oldestEnv == "" || records[0].seq < oldest) {
			oldestEnv, oldest = env, records[0].seq
		}
	}
	records := j.byEnv[oldestEnv]
	j.bytes -= records[0].size()
	if len(records) == 1 {
		delete(j.byEnv, oldestEnv)
		return
	}
	records[0] = journalRecord{}
	j.byEnv[oldestEnv] = records[1:]
}

// newest returns up to limit entries of an environment, newest first.
func (j *journal) newest(envID string, limit int) []JournalEntry {
	j.mu.Lock()
	records := j.byEnv[envID]
	picked := make([]journalRecord, 0, min(limit, len(records)))
	for i := len(records) - 1; i >= 0 && len(picked) < limit; i-- {
		picked = append(picked, records[i])
	}
	j.mu.Unlock()
	out := make([]JournalEntry, len(picked))
	for i, r := range picked {
		out[i] = r.redacted()
	}
	return out
}

func (j *journal) clear(envID string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, r := range j.byEnv[envID] {
		j.bytes -= r.size()
	}
	delete(j.byEnv, envID)
}

func (j *journal) clearAll() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.byEnv, j.bytes = nil, 0
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

// isSecretField reports whether a JSON field holds a secret, whatever its spelling: client_secret,
// clientSecret and Client-Secret alike, and any field whose name says secret, token (but for
// token_type and the like), password or api key; not the API's own redacted_… fields.
func isSecretField(name string) bool {
	n := strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
	switch {
	case strings.HasPrefix(n, "redacted"):
		return false
	case strings.Contains(n, "secret"), strings.Contains(n, "password"), strings.Contains(n, "apikey"):
		return true
	case strings.HasSuffix(n, "token"), strings.HasSuffix(n, "tokens"):
		return true
	}
	return false
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

// isTokenObject reports whether v is the access_token object of a token answer.
func isTokenObject(v map[string]any) bool { return v["object"] == "access_token" }

// redactSecrets replaces the value of every secret field with what the API shows of it: a
// string keeps its last characters, any other value (a number, a list, an object) is replaced
// whole. The access_token object of a token answer holds its secret in its own access_token.
func redactSecrets(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, inner := range t {
			if !isSecretField(k) {
				t[k] = redactSecrets(inner)
				continue
			}
			switch secret := inner.(type) {
			case string:
				t[k] = *redactedSecret(&secret)
			case map[string]any:
				if isTokenObject(secret) {
					t[k] = redactSecrets(secret) // its own access_token field is the secret
				} else {
					t[k] = redactedPrefix
				}
			case nil, bool: // client_secret_required and the like say nothing secret
			default:
				t[k] = redactedPrefix
			}
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
