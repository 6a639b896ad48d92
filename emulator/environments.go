package emulator

import (
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// keyPrefix starts every WorkOS secret API key.
const keyPrefix = "sk_"

// contextEnvironment is the echo context key of the request's environment id.
const contextEnvironment = "environment"

// authenticate resolves the Bearer key of the request to its environment (CONTRACT §2). A
// well-formed key that no fixture names gets an environment of its own, seeded from the default
// environment, unless keys are strict.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key, ok := bearerKey(c.Request().Header.Get(echo.HeaderAuthorization))
		if !ok {
			return &Error{Code: CodeUnauthorized, Message: MsgUnauthorized}
		}
		envID, err := s.environmentFor(key)
		if err != nil {
			return err
		}
		c.Set(contextEnvironment, envID)
		return next(c)
	}
}

// bearerKey returns the API key of an Authorization header: "Bearer sk_…".
func bearerKey(header string) (string, bool) {
	scheme, key, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	key = strings.TrimSpace(key)
	if !strings.HasPrefix(key, keyPrefix) || len(key) == len(keyPrefix) {
		return "", false
	}
	return key, true
}

// environmentFor returns the environment of key, creating it on first use.
func (s *Server) environmentFor(key string) (string, error) {
	var envID string
	err := s.store.View(func(tx *store.Txn) error {
		var err error
		envID, err = tx.EnvironmentIDForKey(key)
		return err
	})
	if err == nil {
		return envID, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", internal(err)
	}
	if s.strict {
		return "", &Error{Code: CodeUnauthorized, Message: MsgUnauthorized}
	}
	err = s.store.Update(func(tx *store.Txn) error {
		// Another request with the same new key may have created it meanwhile: writes are
		// serialised, so looking again inside this transaction settles it.
		var err error
		if envID, err = tx.EnvironmentIDForKey(key); err == nil {
			return nil
		}
		envID, err = s.createEnvironment(tx, key)
		return err
	})
	if err != nil {
		return "", internal(err)
	}
	return envID, nil
}

// createEnvironment adds an environment for key, seeded from the default fixture environment.
func (s *Server) createEnvironment(tx *store.Txn, key string) (string, error) {
	envID := s.ids.New("environment_")
	env := store.Environment{ID: envID, Name: "Created for a new API key"}
	if err := tx.InsertEnvironment(env, key); err != nil {
		return "", err
	}
	if !s.hasTemplate {
		return envID, nil
	}
	return envID, s.seedObjects(tx, envID, s.template)
}

// NewEnvironment creates a fresh environment, seeded like any new key's, and returns its key.
// It works in strict mode too: the key is then one the emulator knows.
func (s *Server) NewEnvironment() (string, error) {
	key := keyPrefix + "test_" + strings.ToLower(s.ids.New(""))
	err := s.store.Update(func(tx *store.Txn) error {
		_, err := s.createEnvironment(tx, key)
		return err
	})
	if err != nil {
		return "", internal(err)
	}
	return key, nil
}

// environmentOf is the environment authenticate put on the context.
func environmentOf(c echo.Context) string {
	id, _ := c.Get(contextEnvironment).(string)
	return id
}
