package emulator

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// Access tokens (CONTRACT §4): the call every Pipes user makes.

// refreshedTokenLifetime is how long a token refreshed by the emulator lives.
const refreshedTokenLifetime = time.Hour

type accessTokenRequest struct {
	UserID         string `json:"user_id"`
	OrganizationID string `json:"organization_id"`
}

type accessTokenJSON struct {
	Object        string   `json:"object"`
	AccessToken   string   `json:"access_token"`
	ExpiresAt     *string  `json:"expires_at"`
	Scopes        []string `json:"scopes"`
	MissingScopes []string `json:"missing_scopes"`
}

type accessTokenResponse struct {
	Active      bool             `json:"active"`
	AccessToken *accessTokenJSON `json:"access_token,omitempty"`
	Error       string           `json:"error,omitempty"`
}

// Reasons a token is not active.
const (
	tokenNotInstalled         = "not_installed"
	tokenNeedsReauthorization = "needs_reauthorization"
)

func (s *Server) getAccessToken(c echo.Context) error {
	var req accessTokenRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	owner := accountOwner{userID: req.UserID, organizationID: req.OrganizationID}
	envID, slug := environmentOf(c), c.Param("slug")
	var out accessTokenResponse
	err := s.store.Update(func(tx *store.Txn) error {
		d, err := tx.DataIntegration(envID, slug)
		if errors.Is(err, store.ErrNotFound) {
			return errorf(CodeNotFound, MsgIntegrationNotFound, slug)
		}
		if err != nil {
			return internal(err)
		}
		a, err := tx.ConnectedAccount(envID, slug, owner.userID, owner.organizationID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && a.State == store.AccountDisconnected) {
			out = accessTokenResponse{Error: tokenNotInstalled}
			return nil
		}
		if err != nil {
			return internal(err)
		}
		now := s.now()
		switch {
		case a.State == store.AccountNeedsReauthorization:
			out = accessTokenResponse{Error: tokenNeedsReauthorization}
			return nil
		case expired(a.ExpiresAt, now) && a.RefreshToken == "":
			a.State, a.UpdatedAt = store.AccountNeedsReauthorization, now
			out = accessTokenResponse{Error: tokenNeedsReauthorization}
			return tx.PutConnectedAccount(a)
		case expired(a.ExpiresAt, now) || a.AccessToken == "":
			// Refresh, as WorkOS does with the provider: a new token that lives an hour on the
			// emulator's clock. An account arranged with a refresh token or a state and no access
			// token gets its first one the same way.
			expires := now.Add(refreshedTokenLifetime)
			a.AccessToken, a.ExpiresAt, a.UpdatedAt = s.newTokenValue(), &expires, now
			if err := tx.PutConnectedAccount(a); err != nil {
				return err
			}
		}
		out = accessTokenResponse{Active: true, AccessToken: s.accessTokenView(tx, d, a)}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) accessTokenView(tx *store.Txn, d store.DataIntegration, a store.ConnectedAccount) *accessTokenJSON {
	out := &accessTokenJSON{Object: "access_token", AccessToken: a.AccessToken, Scopes: a.Scopes,
		MissingScopes: missingScopes(requestedScopes(tx, d), a.Scopes)}
	if out.Scopes == nil {
		out.Scopes = []string{}
	}
	if a.ExpiresAt != nil {
		t := timestamp(*a.ExpiresAt)
		out.ExpiresAt = &t
	}
	return out
}

// requestedScopes are the integration's scopes, or its provider's when it has none of its own.
func requestedScopes(tx *store.Txn, d store.DataIntegration) []string {
	if d.Scopes != nil {
		return d.Scopes
	}
	if p, err := tx.Provider(d.Slug); err == nil && d.CustomProvider == nil {
		return p.Scopes
	}
	return nil
}

// missingScopes lists the requested scopes the account was not granted, in requested order.
func missingScopes(requested, granted []string) []string {
	missing := []string{}
	for _, scope := range requested {
		if !slices.Contains(granted, scope) && !slices.Contains(missing, scope) {
			missing = append(missing, scope)
		}
	}
	return missing
}

// newTokenValue is an opaque access token, like a provider's. It comes from the emulator's ID
// source, so it is repeatable where IDs are.
func (s *Server) newTokenValue() string { return strings.ToLower(s.ids.New("emu_at_")) }
