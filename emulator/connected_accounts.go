package emulator

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// Users' connected accounts (CONTRACT §4): one per (environment, user, integration slug,
// organization or none). Users and organizations are not modelled; ids of the right form are
// accepted.

type connectedAccountJSON struct {
	Object         string   `json:"object"`
	ID             string   `json:"id"`
	UserID         string   `json:"user_id"`
	OrganizationID *string  `json:"organization_id"`
	Scopes         []string `json:"scopes"`
	AuthMethod     string   `json:"auth_method"`
	APIKeyLast4    *string  `json:"api_key_last_4"`
	State          string   `json:"state"`
	CreatedAt      string   `json:"created_at"`
	UpdatedAt      string   `json:"updated_at"`
}

func connectedAccountView(a store.ConnectedAccount) connectedAccountJSON {
	out := connectedAccountJSON{
		Object: "connected_account", ID: a.ID, UserID: a.UserID, Scopes: a.Scopes,
		AuthMethod: a.AuthMethod, State: a.State, CreatedAt: timestamp(a.CreatedAt), UpdatedAt: timestamp(a.UpdatedAt),
	}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if a.OrganizationID != "" {
		org := a.OrganizationID
		out.OrganizationID = &org
	}
	return out
}

// connectedAccountInput is the body of an import or an update. Absent fields are nil.
type connectedAccountInput struct {
	AccessToken  *string             `json:"access_token"`
	RefreshToken *string             `json:"refresh_token"`
	ExpiresAt    optional[time.Time] `json:"expires_at"`
	Scopes       []string            `json:"scopes"`
	State        *string             `json:"state"`
}

// accountOwner is the user and organization a connected-account request is about.
type accountOwner struct {
	userID, organizationID string
}

func ownerOf(c echo.Context) (accountOwner, error) {
	o := accountOwner{userID: c.Param("user_id"), organizationID: c.QueryParam("organization_id")}
	return o, o.check()
}

// check answers 404 for ids that cannot name a user or an organization.
func (o accountOwner) check() error {
	if !strings.HasPrefix(o.userID, "user_") || len(o.userID) == len("user_") {
		return errorf(CodeNotFound, MsgUserNotFound, o.userID)
	}
	if o.organizationID != "" && (!strings.HasPrefix(o.organizationID, "org_") || len(o.organizationID) == len("org_")) {
		return errorf(CodeNotFound, MsgOrganizationNotFound, o.organizationID)
	}
	return nil
}

// deriveAccountState is the state of an account whose state was not given: an expired access
// token with no refresh token needs reauthorization; anything else is connected.
func deriveAccountState(a store.ConnectedAccount, now time.Time) string {
	if a.AccessToken != "" && expired(a.ExpiresAt, now) && a.RefreshToken == "" {
		return store.AccountNeedsReauthorization
	}
	return store.AccountConnected
}

func expired(expiresAt *time.Time, now time.Time) bool {
	return expiresAt != nil && !expiresAt.After(now)
}

// importableIntegration returns the integration accounts may be imported for: it must exist
// (shared-credential ones do) and be valid.
func importableIntegration(tx *store.Txn, envID, slug string) (store.DataIntegration, error) {
	d, err := tx.DataIntegration(envID, slug)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return d, errorf(CodeNotFound, MsgIntegrationNotFound, slug)
	case err != nil:
		return d, internal(err)
	case d.State != store.StateValid:
		return d, errorf(CodeIntegrationNotValid, MsgIntegrationNotValid, slug, d.State)
	}
	return d, nil
}

// newConnectedAccount builds an imported account, applying CONTRACT §4's rules.
func (s *Server) newConnectedAccount(envID, slug string, owner accountOwner, in connectedAccountInput) (store.ConnectedAccount, error) {
	if in.AccessToken == nil && in.RefreshToken == nil && in.State == nil {
		return store.ConnectedAccount{}, &Error{Code: CodeInvalidConnectedAccount, Message: MsgAccountNeedsTokenOrSt,
			Fields: []FieldError{{Field: "access_token", Code: FieldRequired}, {Field: "state", Code: FieldRequired}}}
	}
	now := s.now()
	a := store.ConnectedAccount{
		EnvironmentID: envID, ID: s.ids.New("data_installation_"), Slug: slug,
		UserID: owner.userID, OrganizationID: owner.organizationID,
		AuthMethod: "oauth", Scopes: []string{}, CreatedAt: now, UpdatedAt: now,
	}
	applyAccountInput(&a, in, now)
	return a, nil
}

// applyAccountInput sets what the input carries; new tokens without a state derive it again.
func applyAccountInput(a *store.ConnectedAccount, in connectedAccountInput, now time.Time) {
	tokensChanged := in.AccessToken != nil || in.RefreshToken != nil || in.ExpiresAt.Set
	setIf(&a.AccessToken, in.AccessToken)
	setIf(&a.RefreshToken, in.RefreshToken)
	switch {
	case in.ExpiresAt.Set:
		a.ExpiresAt = nil // null: the token does not expire
		if t := in.ExpiresAt.ptr(); t != nil {
			utc := t.UTC()
			a.ExpiresAt = &utc
		}
	case in.AccessToken != nil:
		a.ExpiresAt = nil // the old expiry was the old token's
	}
	if in.Scopes != nil {
		a.Scopes = in.Scopes
	}
	switch {
	case in.State != nil:
		a.State = *in.State
	case tokensChanged || a.State == "":
		a.State = deriveAccountState(*a, now)
	}
	a.UpdatedAt = now
}

func (s *Server) importConnectedAccount(c echo.Context) error {
	owner, err := ownerOf(c)
	if err != nil {
		return err
	}
	var in connectedAccountInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	envID, slug := environmentOf(c), c.Param("slug")
	var created store.ConnectedAccount
	err = s.store.Update(func(tx *store.Txn) error {
		if _, err := importableIntegration(tx, envID, slug); err != nil {
			return err
		}
		if _, err := tx.ConnectedAccount(envID, slug, owner.userID, owner.organizationID); err == nil {
			return errorf(CodeAlreadyExists, MsgAccountExists, owner.userID, slug)
		}
		created, err = s.newConnectedAccount(envID, slug, owner, in)
		if err != nil {
			return err
		}
		return tx.PutConnectedAccount(created)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, connectedAccountView(created))
}

// existingAccount returns the account a GET, PUT or DELETE names, or 404.
func existingAccount(tx *store.Txn, envID, slug string, owner accountOwner) (store.ConnectedAccount, error) {
	a, err := tx.ConnectedAccount(envID, slug, owner.userID, owner.organizationID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return a, errorf(CodeNotFound, MsgAccountNotFound, owner.userID, slug)
	case err != nil:
		return a, internal(err)
	}
	return a, nil
}

func (s *Server) getConnectedAccount(c echo.Context) error {
	owner, err := ownerOf(c)
	if err != nil {
		return err
	}
	var a store.ConnectedAccount
	err = s.store.View(func(tx *store.Txn) error {
		a, err = existingAccount(tx, environmentOf(c), c.Param("slug"), owner)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, connectedAccountView(a))
}

func (s *Server) updateConnectedAccount(c echo.Context) error {
	owner, err := ownerOf(c)
	if err != nil {
		return err
	}
	var in connectedAccountInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	var updated store.ConnectedAccount
	err = s.store.Update(func(tx *store.Txn) error {
		a, err := existingAccount(tx, environmentOf(c), c.Param("slug"), owner)
		if err != nil {
			return err
		}
		applyAccountInput(&a, in, s.now())
		updated = a
		return tx.PutConnectedAccount(a)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, connectedAccountView(updated))
}

func (s *Server) deleteConnectedAccount(c echo.Context) error {
	owner, err := ownerOf(c)
	if err != nil {
		return err
	}
	envID, slug := environmentOf(c), c.Param("slug")
	err = s.store.Update(func(tx *store.Txn) error {
		if _, err := existingAccount(tx, envID, slug, owner); err != nil {
			return err
		}
		_, err := tx.DeleteConnectedAccount(envID, slug, owner.userID, owner.organizationID)
		return err
	})
	if err != nil {
		return err // an *Error as it is; anything else becomes server_error in handleError
	}
	return c.NoContent(http.StatusNoContent)
}
