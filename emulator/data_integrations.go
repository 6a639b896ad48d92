package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// The data integrations API (CONTRACT §3). Requests reach these handlers already validated
// against the spec; what is left here are the rules a schema cannot say.

// dataIntegrationJSON is the wire form: exactly the 13 fields of WorkOS's data_integration.
type dataIntegrationJSON struct {
	Object          string              `json:"object"`
	ID              string              `json:"id"`
	Slug            string              `json:"slug"`
	IntegrationType string              `json:"integration_type"`
	Description     *string             `json:"description"`
	Enabled         bool                `json:"enabled"`
	State           string              `json:"state"`
	Scopes          []string            `json:"scopes"`
	RedirectURI     string              `json:"redirect_uri"`
	Credentials     credentialsJSON     `json:"credentials"`
	CustomProvider  *customProviderJSON `json:"custom_provider"`
	CreatedAt       string              `json:"created_at"`
	UpdatedAt       string              `json:"updated_at"`
}

type credentialsJSON struct {
	Type                 string  `json:"type"`
	ClientID             *string `json:"client_id"`
	RedactedClientSecret *string `json:"redacted_client_secret"`
}

type customProviderJSON struct {
	Name                              string            `json:"name"`
	AuthorizationURL                  *string           `json:"authorization_url"`
	TokenURL                          *string           `json:"token_url"`
	RefreshTokenURL                   *string           `json:"refresh_token_url"`
	PKCEEnabled                       bool              `json:"pkce_enabled"`
	RequestScopeSeparator             string            `json:"request_scope_separator"`
	ScopesRequired                    bool              `json:"scopes_required"`
	ClientSecretRequired              bool              `json:"client_secret_required"`
	AdditionalAuthorizationParameters map[string]string `json:"additional_authorization_parameters"`
	TokenBodyContentType              string            `json:"token_body_content_type"`
	AuthenticateVia                   string            `json:"authenticate_via"`
}

// timestamp is WorkOS's time format: UTC RFC 3339 with milliseconds.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Server) dataIntegrationJSON(d store.DataIntegration) dataIntegrationJSON {
	out := dataIntegrationJSON{
		Object:          "data_integration",
		ID:              d.ID,
		Slug:            d.Slug,
		IntegrationType: d.IntegrationType,
		Description:     d.Description,
		Enabled:         d.Enabled,
		State:           d.State,
		Scopes:          d.Scopes,
		RedirectURI:     fmt.Sprintf("%s/data-integrations/%s/%s/callback", s.publicURL, d.Slug, d.RedirectKey),
		Credentials: credentialsJSON{
			Type:                 d.Credentials.Type,
			ClientID:             d.Credentials.ClientID,
			RedactedClientSecret: redactSecret(d.Credentials.ClientSecret),
		},
		CreatedAt: timestamp(d.CreatedAt),
		UpdatedAt: timestamp(d.UpdatedAt),
	}
	if cp := d.CustomProvider; cp != nil {
		out.CustomProvider = &customProviderJSON{
			Name:                              cp.Name,
			AuthorizationURL:                  cp.AuthorizationURL,
			TokenURL:                          cp.TokenURL,
			RefreshTokenURL:                   cp.RefreshTokenURL,
			PKCEEnabled:                       cp.PKCEEnabled,
			RequestScopeSeparator:             cp.RequestScopeSeparator,
			ScopesRequired:                    cp.ScopesRequired,
			ClientSecretRequired:              cp.ClientSecretRequired,
			AdditionalAuthorizationParameters: cp.AdditionalAuthorizationParameters,
			TokenBodyContentType:              cp.TokenBodyContentType,
			AuthenticateVia:                   cp.AuthenticateVia,
		}
	}
	return out
}

type createDataIntegrationRequest struct {
	Provider       string               `json:"provider"`
	Description    *string              `json:"description"`
	Enabled        bool                 `json:"enabled"`
	Scopes         []string             `json:"scopes"`
	Credentials    *credentialsInput    `json:"credentials"`
	CustomProvider *customProviderInput `json:"custom_provider"`
}

type updateDataIntegrationRequest struct {
	Description    optional[string]     `json:"description"`
	Enabled        *bool                `json:"enabled"`
	Scopes         optional[[]string]   `json:"scopes"`
	Credentials    *credentialsInput    `json:"credentials"`
	CustomProvider *customProviderInput `json:"custom_provider"`
}

// decodeBody reads a request body that validation has already accepted.
func decodeBody(c echo.Context, v any) error {
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		// The spec accepts a few values Go cannot hold (a leap second, say): still the
		// client's to fix, so a 400 that names the field.
		field := "body"
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			field = typeErr.Field
		}
		var timeErr *time.ParseError
		if errors.As(err, &timeErr) {
			if f := fieldHolding(data, timeErr.Value); f != "" {
				field = f
			}
			return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf(MsgUnreadableTimestamp, timeErr.Value),
				Fields: []FieldError{{Field: field, Code: "invalid_format"}}, Err: err}
		}
		return &Error{Code: CodeInvalidRequest, Message: MsgUnreadableBody, Fields: []FieldError{{Field: field, Code: FieldInvalid}}, Err: err}
	}
	return nil
}

// fieldHolding returns the dotted path of the first string field whose value is value.
func fieldHolding(data []byte, value string) string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	var walk func(v any, path string) string
	walk = func(v any, path string) string {
		switch t := v.(type) {
		case map[string]any:
			for k, inner := range t {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if found := walk(inner, p); found != "" {
					return found
				}
			}
		case string:
			if t == value {
				return path
			}
		}
		return ""
	}
	return walk(v, "")
}

func (s *Server) createDataIntegration(c echo.Context) error {
	var req createDataIntegrationRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	envID := environmentOf(c)
	var created store.DataIntegration
	err := s.store.Update(func(tx *store.Txn) error {
		existing, err := tx.DataIntegration(envID, req.Provider)
		exists := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return internal(err)
		}
		// A slug the environment has is 409, unless the request defines a custom provider: then
		// the custom-provider rules (422, 400) speak first.
		if exists && existing.Listed() && req.CustomProvider == nil {
			return errorf(CodeAlreadyExists, MsgIntegrationExists, req.Provider)
		}
		d, err := s.newIntegration(tx, envID, integrationInput{
			Slug:           req.Provider,
			Description:    req.Description,
			Enabled:        req.Enabled,
			Scopes:         req.Scopes,
			Credentials:    req.Credentials,
			CustomProvider: req.CustomProvider,
		})
		if err != nil {
			return err
		}
		if exists && existing.Listed() {
			return errorf(CodeAlreadyExists, MsgIntegrationExists, req.Provider)
		}
		if exists {
			// Shared credentials: creating configures the hidden integration with the
			// caller's credentials, which makes it visible from now on.
			d.ID, d.RedirectKey, d.CreatedAt = existing.ID, existing.RedirectKey, existing.CreatedAt
		}
		created = d
		return tx.PutDataIntegration(d)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.dataIntegrationJSON(created))
}

// visibleIntegration returns an integration the management API may show: 404 for one that
// does not exist or uses shared credentials.
func visibleIntegration(tx *store.Txn, envID, slug string) (store.DataIntegration, error) {
	d, err := tx.DataIntegration(envID, slug)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !d.Listed()):
		return d, errorf(CodeNotFound, MsgIntegrationNotFound, slug)
	case err != nil:
		return d, internal(err)
	}
	return d, nil
}

func (s *Server) getDataIntegration(c echo.Context) error {
	var d store.DataIntegration
	err := s.store.View(func(tx *store.Txn) error {
		var err error
		d, err = visibleIntegration(tx, environmentOf(c), c.Param("slug"))
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.dataIntegrationJSON(d))
}

func (s *Server) updateDataIntegration(c echo.Context) error {
	var req updateDataIntegrationRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	slug := c.Param("slug")
	var updated store.DataIntegration
	err := s.store.Update(func(tx *store.Txn) error {
		d, err := visibleIntegration(tx, environmentOf(c), slug)
		if err != nil {
			return err
		}
		if req.CustomProvider != nil {
			if d.CustomProvider == nil {
				return &Error{Code: CodeInvalidCustomProvider, Message: fmt.Sprintf(MsgCustomProviderOnBuiltIn, slug),
					Fields: []FieldError{{Field: "custom_provider", Code: FieldNotAllowed}}}
			}
			cp := mergeCustomProvider(*d.CustomProvider, req.CustomProvider)
			if err := checkCustomProvider(cp); err != nil {
				return err
			}
			d.CustomProvider = &cp
		}
		if req.Description.Set {
			d.Description = req.Description.ptr()
		}
		if req.Enabled != nil {
			d.Enabled = *req.Enabled
		}
		if req.Scopes.Set {
			d.Scopes = nil // null: the provider's scopes apply
			if !req.Scopes.Null {
				d.Scopes = req.Scopes.Value
			}
		}
		switch {
		case req.Credentials != nil:
			if err := applyCredentials(&d, req.Credentials); err != nil {
				return err
			}
		case req.CustomProvider != nil && d.State != store.StateRequested:
			d.State = stateOf(d) // client_secret_required may have changed
		}
		d.UpdatedAt = s.now()
		updated = d
		return tx.PutDataIntegration(d)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.dataIntegrationJSON(updated))
}

func (s *Server) deleteDataIntegration(c echo.Context) error {
	envID, slug := environmentOf(c), c.Param("slug")
	err := s.store.Update(func(tx *store.Txn) error {
		d, err := tx.DataIntegration(envID, slug)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !d.Listed()) {
			return nil // idempotent; shared-credential integrations are not the API's to delete
		}
		if err != nil {
			return err
		}
		_, err = tx.DeleteDataIntegration(envID, slug)
		return err
	})
	if err != nil {
		return internal(err)
	}
	return c.NoContent(http.StatusNoContent)
}
