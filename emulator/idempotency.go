package emulator

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// Idempotency headers (CONTRACT §1).
const (
	headerIdempotencyKey     = "Idempotency-Key"
	headerIdempotentReplayed = "Idempotent-Replayed"
	idempotencyWindow        = 24 * time.Hour
)

// replayIdempotent makes a POST with an Idempotency-Key safe to retry: within 24 hours, the
// same key and body in the same environment replay the first response; the same key with
// another body is 409 idempotency_key_reused. Responses that a retry should not see again
// (429 and 5xx) are not remembered.
func (s *Server) replayIdempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		key := req.Header.Get(headerIdempotencyKey)
		if req.Method != http.MethodPost || key == "" {
			return next(c)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return err // the body limit's 413
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		envID := environmentOf(c)
		hash := sha256.Sum256(body)
		// Requests with the same key run one at a time, so a retry sent while the first
		// request is still running waits for it and then replays its response.
		defer s.idempotencyLocks.lock(envID + "\x00" + key)()
		now := s.now()

		var first store.IdempotencyRecord
		err = s.store.View(func(tx *store.Txn) error {
			var err error
			first, err = tx.IdempotencyRecord(envID, key)
			return err
		})
		switch {
		case err == nil && first.ExpiresUnixNano > uint64(now.UnixNano()):
			if first.BodyHash != hash {
				return errorf(CodeIdempotencyKeyReused, MsgIdempotencyKeyReused, key)
			}
			return replay(c, first)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return internal(err)
		}

		rec := &recordingWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		if err := next(c); err != nil {
			c.Error(err) // write the error now, so that it is recorded too
		}
		status := c.Response().Status
		if status == http.StatusTooManyRequests || status >= 500 {
			return nil
		}
		record := store.IdempotencyRecord{
			EnvironmentID:   envID,
			Key:             key,
			BodyHash:        hash,
			Status:          status,
			Header:          http.Header{echo.HeaderContentType: c.Response().Header().Values(echo.HeaderContentType)},
			Body:            rec.body.Bytes(),
			ExpiresUnixNano: uint64(now.Add(idempotencyWindow).UnixNano()),
		}
		err = s.store.Update(func(tx *store.Txn) error { return tx.PutIdempotencyRecord(record, now) })
		if err != nil {
			s.log.Error("remember idempotent response", "error", err.Error())
		}
		return nil
	}
}

func replay(c echo.Context, first store.IdempotencyRecord) error {
	h := c.Response().Header()
	for name, values := range first.Header {
		h[name] = values
	}
	h.Set(headerIdempotentReplayed, "true")
	c.Response().WriteHeader(first.Status)
	_, err := c.Response().Write(first.Body)
	return err
}

// recordingWriter keeps a copy of the response body as it is written.
type recordingWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// keyedLocks is a mutex per key, for keys that come and go.
type keyedLocks struct {
	mu    sync.Mutex
	locks map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	users int
}

// lock locks key and returns its unlock.
func (k *keyedLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyedLock{}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
