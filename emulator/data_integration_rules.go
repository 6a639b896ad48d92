package emulator

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// The rules of data integrations that a schema cannot say (CONTRACT §3). Create requests,
// updates and fixtures all go through them, so an integration seeded from a file obeys exactly
// what one created over HTTP does.

// Defaults of a custom provider definition. The spec states the same values; a test holds the
// two together.
const (
	defaultPKCEEnabled           = true
	defaultRequestScopeSeparator = " "
	defaultScopesRequired        = false
	defaultClientSecretRequired  = true
	defaultTokenBodyContentType  = "application/x-www-form-urlencoded"
	defaultAuthenticateVia       = "request_body"
)

// integrationInput is what a create request (or a fixture) says about a new integration.
type integrationInput struct {
	Slug           string
	Description    *string
	Enabled        bool
	Scopes         []string
	Credentials    *credentialsInput
	CustomProvider *customProviderInput
}

type credentialsInput struct {
	Type         string  `json:"type"`
	ClientID     *string `json:"client_id"`
	ClientSecret *string `json:"client_secret"`
}

// customProviderInput is a custom provider definition, or a patch of one: absent fields are
// nil. refresh_token_url may be null, which differs from absent in a patch.
type customProviderInput struct {
	Name                              *string            `json:"name"`
	AuthorizationURL                  *string            `json:"authorization_url"`
	TokenURL                          *string            `json:"token_url"`
	RefreshTokenURL                   optional[string]   `json:"refresh_token_url"`
	PKCEEnabled                       *bool              `json:"pkce_enabled"`
	RequestScopeSeparator             *string            `json:"request_scope_separator"`
	ScopesRequired                    *bool              `json:"scopes_required"`
	ClientSecretRequired              *bool              `json:"client_secret_required"`
	AdditionalAuthorizationParameters *map[string]string `json:"additional_authorization_parameters"`
	TokenBodyContentType              *string            `json:"token_body_content_type"`
	AuthenticateVia                   *string            `json:"authenticate_via"`
}

// newIntegration builds the integration a create request asks for, checking the provider, the
// custom provider and the credentials. It does not look at what the environment holds.
func (s *Server) newIntegration(tx *store.Txn, envID string, in integrationInput) (store.DataIntegration, error) {
	provider, err := tx.Provider(in.Slug)
	builtIn := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.DataIntegration{}, internal(err)
	}
	now := s.now()
	d := store.DataIntegration{
		EnvironmentID:   envID,
		ID:              s.ids.New("data_integration_"),
		Slug:            in.Slug,
		IntegrationType: provider.IntegrationType,
		Description:     in.Description,
		Enabled:         in.Enabled,
		Scopes:          in.Scopes,
		RedirectKey:     s.ids.New("dik_"),
		CreatedAt:       now,
		UpdatedAt:       now,
	}
	switch {
	case in.CustomProvider != nil && builtIn:
		return d, &Error{Code: CodeInvalidCustomProvider, Message: fmt.Sprintf(MsgCustomShadowsBuiltIn, in.Slug),
			Fields: []FieldError{{Field: "provider", Code: FieldNotAllowed}}}
	case in.CustomProvider != nil:
		if !fixtures.SlugPattern.MatchString(in.Slug) {
			return d, &Error{Code: CodeInvalidRequest, Message: MsgCustomSlugFormat,
				Fields: []FieldError{{Field: "provider", Code: "invalid_format"}}}
		}
		d.IntegrationType = "custom"
		cp := mergeCustomProvider(defaultCustomProvider(), in.CustomProvider)
		if err := checkCustomProvider(cp); err != nil {
			return d, err
		}
		d.CustomProvider = &cp
	case !builtIn:
		return d, errorf(CodeNotFound, MsgProviderNotFound, in.Slug)
	}
	if err := applyCredentials(&d, in.Credentials); err != nil {
		return d, err
	}
	return d, nil
}

func defaultCustomProvider() store.CustomProvider {
	return store.CustomProvider{
		PKCEEnabled:                       defaultPKCEEnabled,
		RequestScopeSeparator:             defaultRequestScopeSeparator,
		ScopesRequired:                    defaultScopesRequired,
		ClientSecretRequired:              defaultClientSecretRequired,
		AdditionalAuthorizationParameters: map[string]string{},
		TokenBodyContentType:              defaultTokenBodyContentType,
		AuthenticateVia:                   defaultAuthenticateVia,
	}
}

// mergeCustomProvider sets in cp every field the patch carries.
func mergeCustomProvider(cp store.CustomProvider, p *customProviderInput) store.CustomProvider {
	setIf(&cp.Name, p.Name)
	if p.AuthorizationURL != nil {
		cp.AuthorizationURL = p.AuthorizationURL
	}
	if p.TokenURL != nil {
		cp.TokenURL = p.TokenURL
	}
	if p.RefreshTokenURL.Set {
		cp.RefreshTokenURL = p.RefreshTokenURL.ptr()
	}
	setIf(&cp.PKCEEnabled, p.PKCEEnabled)
	setIf(&cp.RequestScopeSeparator, p.RequestScopeSeparator)
	setIf(&cp.ScopesRequired, p.ScopesRequired)
	setIf(&cp.ClientSecretRequired, p.ClientSecretRequired)
	setIf(&cp.AdditionalAuthorizationParameters, p.AdditionalAuthorizationParameters)
	setIf(&cp.TokenBodyContentType, p.TokenBodyContentType)
	setIf(&cp.AuthenticateVia, p.AuthenticateVia)
	return cp
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// checkCustomProvider: a name, and absolute http(s) authorization and token URLs (and refresh
// URL, when given).
func checkCustomProvider(cp store.CustomProvider) error {
	var fields []FieldError
	var problems []string
	if strings.TrimSpace(cp.Name) == "" {
		fields = append(fields, FieldError{Field: "custom_provider.name", Code: FieldRequired})
		problems = append(problems, "custom_provider.name is required")
	}
	urls := []struct {
		field    string
		value    *string
		required bool
	}{
		{"custom_provider.authorization_url", cp.AuthorizationURL, true},
		{"custom_provider.token_url", cp.TokenURL, true},
		{"custom_provider.refresh_token_url", cp.RefreshTokenURL, false},
	}
	for _, u := range urls {
		switch {
		case u.value == nil && u.required:
			fields = append(fields, FieldError{Field: u.field, Code: FieldRequired})
			problems = append(problems, u.field+" is required")
		case u.value != nil && !isAbsoluteHTTPURL(*u.value):
			fields = append(fields, FieldError{Field: u.field, Code: FieldInvalidURL})
			problems = append(problems, u.field+" must be an absolute http or https URL")
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalidCustomProvider, Message: fmt.Sprintf(MsgInvalidCustomProvider, strings.Join(problems, "; ")), Fields: fields}
}

func isAbsoluteHTTPURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// applyCredentials replaces the credential configuration of d (nil: not configured) and sets
// the state that follows from it.
func applyCredentials(d *store.DataIntegration, in *credentialsInput) error {
	if in == nil {
		d.Credentials = store.Credentials{Type: store.CredentialsCustom}
		d.State = stateOf(*d)
		return nil
	}
	var fields []FieldError
	var problems []string
	switch in.Type {
	case store.CredentialsCustom:
		if in.ClientID == nil || *in.ClientID == "" {
			fields = append(fields, FieldError{Field: "credentials.client_id", Code: FieldRequired})
			problems = append(problems, "credentials.client_id is required for type custom")
		}
		if (in.ClientSecret == nil || *in.ClientSecret == "") && secretRequired(*d) {
			fields = append(fields, FieldError{Field: "credentials.client_secret", Code: FieldRequired})
			problems = append(problems, "credentials.client_secret is required for type custom")
		}
	case store.CredentialsOrganization:
		if in.ClientID != nil {
			fields = append(fields, FieldError{Field: "credentials.client_id", Code: FieldNotAllowed})
			problems = append(problems, "credentials.client_id is not allowed for type organization")
		}
		if in.ClientSecret != nil {
			fields = append(fields, FieldError{Field: "credentials.client_secret", Code: FieldNotAllowed})
			problems = append(problems, "credentials.client_secret is not allowed for type organization")
		}
	case store.CredentialsShared: // fixtures only: the spec's enum keeps it out of requests
	default:
		fields = append(fields, FieldError{Field: "credentials.type", Code: FieldInvalid})
		problems = append(problems, fmt.Sprintf("credentials.type %q is not custom or organization", in.Type))
	}
	if len(fields) > 0 {
		return &Error{Code: CodeInvalidCredentials, Message: fmt.Sprintf(MsgInvalidCredentials, strings.Join(problems, "; ")), Fields: fields}
	}
	d.Credentials = store.Credentials{Type: in.Type, ClientID: in.ClientID, ClientSecret: in.ClientSecret}
	if in.ClientSecret != nil && *in.ClientSecret == "" {
		d.Credentials.ClientSecret = nil
	}
	d.State = stateOf(*d)
	return nil
}

func secretRequired(d store.DataIntegration) bool {
	return d.CustomProvider == nil || d.CustomProvider.ClientSecretRequired
}

// stateOf is valid once credentials are configured, invalid while they are not.
func stateOf(d store.DataIntegration) string {
	c := d.Credentials
	switch {
	case c.Type == store.CredentialsShared, c.Type == store.CredentialsOrganization:
		return store.StateValid
	case c.ClientID != nil && (c.ClientSecret != nil || !secretRequired(d)):
		return store.StateValid
	}
	return store.StateInvalid
}

// redactSecret is what the API shows of a client secret: its last four characters. A secret of
// four characters or fewer shows one character less than its length, so it is never shown whole.
func redactSecret(secret *string) *string {
	if secret == nil {
		return nil
	}
	r := []rune(*secret)
	n := max(0, min(4, len(r)-1))
	shown := string(r[len(r)-n:])
	return &shown
}
