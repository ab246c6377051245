package ginpaseto

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// TokenPair is the access and refresh token of one session, as
// CreateTokenPair and RotateRefreshToken return them and the session
// handlers answer them in JSON.
type TokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`

	AccessExpires  time.Time `json:"access_expires"`  // the access token's exp
	RefreshExpires time.Time `json:"refresh_expires"` // the refresh token's exp

	// SessionID is the sid claim of both tokens, for the server's own
	// records (logs, a list of a user's devices); it is not sent to the
	// client, who has no use for it.
	SessionID string `json:"-"`

	// CSRFToken is the csrf claim of both tokens when the Authorizer has
	// WithCookies, "" otherwise: SetSessionCookies puts it in the readable
	// CSRF cookie. JSON clients send their tokens in a header and need no
	// CSRF token.
	CSRFToken string `json:"-"`
}

// AccessTokenOptions applies opts to the access token of a pair only, as
// a lifetime for it or claims the refresh token does not need. Options
// given to CreateTokenPair or RotateRefreshToken directly apply to both
// tokens.
func AccessTokenOptions(opts ...TokenOption) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) { t.forAccess, t.pairOnly = append(t.forAccess, opts...), true })
}

// RefreshTokenOptions applies opts to the refresh token of a pair only, as
// a shorter lifetime for a login without "remember me".
func RefreshTokenOptions(opts ...TokenOption) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) { t.forRefresh, t.pairOnly = append(t.forRefresh, opts...), true })
}

// CreateTokenPair starts a session for subject, whose credentials the
// caller has checked: it creates a fresh access token and a refresh token
// carrying the same new random session ID (claim sid), and records the
// session in the store. opts apply to both tokens (claims, footer,
// issuer...), except the lifetime options, which must be given per token
// with AccessTokenOptions or RefreshTokenOptions; NoExpiry is refused,
// since a session must end. The store may end the subject's oldest session
// to make room (see MemoryStore). A store failure gives an *Error with
// status 503 that keeps the cause.
func (a *Authorizer) CreateTokenPair(ctx context.Context, subject string, opts ...TokenOption) (*TokenPair, error) {
	sid, err := newJTI()
	if err != nil {
		return nil, fmt.Errorf("ginpaseto: generating session ID: %w", err)
	}
	pair, refreshJTI, err := a.mintPair(ctx, "CreateTokenPair", subject, sid, true, opts)
	if err != nil {
		return nil, err
	}
	s := Session{ID: sid, Subject: subject, RefreshJTI: refreshJTI, Expires: a.sessionExpiry(pair.AccessExpires, pair.RefreshExpires)}
	if err := a.cfg.store.CreateSession(ctx, s); err != nil {
		return nil, storeError(err)
	}
	return pair, nil
}

// RotateRefreshToken trades the refresh token described by refresh, whose
// check passed (RefreshRequired, or CheckToken with TypeRefresh), for a new
// pair in the same session; the access token is not fresh, since no
// password was checked. opts apply as in CreateTokenPair.
//
// A refresh token is used at most once, atomically: of several concurrent
// rotations with one token exactly one succeeds. Using an already-used
// refresh token of a live session means that the client replayed it or
// someone else holds a copy: RotateRefreshToken then revokes the whole
// session, so that the newest tokens of both stop working, and returns an
// *Error (401 "Refresh token reuse detected") wrapping
// ErrRefreshTokenReused. A refresh token of an ended session gives 401
// ErrTokenRevoked; one without a session (created by CreateRefreshToken,
// or by another implementation) gives 401 ErrTokenInvalid; a store failure
// gives 503 with the cause kept.
func (a *Authorizer) RotateRefreshToken(ctx context.Context, refresh *Claims, opts ...TokenOption) (*TokenPair, error) {
	switch {
	case refresh == nil:
		return nil, errors.New("ginpaseto: RotateRefreshToken: claims are nil; pass the claims that RefreshRequired accepted (GetClaims)")
	case refresh.Type != TypeRefresh:
		return nil, wrongTypeError(TypeRefresh, refresh.Type)
	case refresh.SessionID == "":
		return nil, &Error{Status: errInvalid.Status, Message: msgNoSession, Err: fmt.Errorf("%w: the refresh token has no sid claim: it was not created by CreateTokenPair", ErrTokenInvalid)}
	}
	pair, refreshJTI, err := a.mintPair(ctx, "RotateRefreshToken", refresh.Subject, refresh.SessionID, false, opts)
	if err != nil {
		return nil, err
	}
	next := Session{ID: refresh.SessionID, Subject: refresh.Subject, RefreshJTI: refreshJTI, Expires: a.sessionExpiry(pair.AccessExpires, pair.RefreshExpires)}
	if err := a.cfg.store.RotateSession(ctx, refresh.JTI, next); err != nil {
		return nil, storeError(err)
	}
	return pair, nil
}

// mintPair creates the two tokens of session sid and returns them with
// the refresh token's jti.
func (a *Authorizer) mintPair(ctx context.Context, method, subject, sid string, fresh bool, opts []TokenOption) (*TokenPair, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if subject == "" || !utf8.ValidString(subject) {
		return nil, "", fmt.Errorf("ginpaseto: %s: subject must be a non-empty UTF-8 string", method)
	}
	var shared tokenConfig
	if err := shared.apply(opts); err != nil {
		return nil, "", err
	}
	if shared.lifetimeSet {
		return nil, "", fmt.Errorf("ginpaseto: %s: a lifetime option would apply to both tokens; wrap it in AccessTokenOptions or RefreshTokenOptions", method)
	}
	if shared.fresh {
		return nil, "", fmt.Errorf("ginpaseto: %s: Fresh does not apply to pairs: CreateTokenPair's access token is always fresh, RotateRefreshToken's never", method)
	}
	var csrf string
	if a.cookies.enabled {
		var err error
		if csrf, err = newCSRFToken(); err != nil {
			return nil, "", fmt.Errorf("ginpaseto: generating CSRF token: %w", err)
		}
	}
	var out [2]minted
	for i, typ := range []string{TypeAccess, TypeRefresh} {
		t := &tokenConfig{purpose: a.cfg.purpose, lifetime: a.lifetime(typ)}
		own := shared.forAccess
		if typ == TypeRefresh {
			own = shared.forRefresh
		}
		if err := t.apply(append(append([]TokenOption(nil), opts...), own...)); err != nil {
			return nil, "", err
		}
		if t.noExpiry {
			return nil, "", fmt.Errorf("ginpaseto: %s: NoExpiry is refused: a session must end", method)
		}
		if t.fresh {
			return nil, "", fmt.Errorf("ginpaseto: %s: Fresh does not apply to pairs", method)
		}
		t.fresh = fresh && typ == TypeAccess
		t.csrf = csrf
		m, err := a.mint(subject, typ, sid, t)
		if err != nil {
			return nil, "", err
		}
		out[i] = m
	}
	pair := &TokenPair{
		AccessToken:    out[0].token,
		RefreshToken:   out[1].token,
		AccessExpires:  out[0].expires,
		RefreshExpires: out[1].expires,
		SessionID:      sid,
		CSRFToken:      csrf,
	}
	return pair, out[1].jti, nil
}
