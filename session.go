package ginpaseto

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/ginpaseto/ginpaseto/observe"
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
	// WithCookies, "" otherwise; every pair of a session has the same: SetSessionCookies puts it in the readable
	// CSRF cookie. JSON clients send their tokens in a header and need no
	// CSRF token.
	CSRFToken string `json:"-"`
}

// ForToken applies opts to one token of a pair only, tokenType being
// TypeAccess or TypeRefresh: a lifetime for the access token, claims the
// refresh token does not need, or a shorter refresh lifetime for a login
// without "remember me" (ForToken(TypeRefresh, ExpiresIn(12*time.Hour))).
// Options given to CreateTokenPair, RotateRefreshToken or PairOptions
// directly apply to both tokens. It is for pairs only: creating a single
// token with it, or naming another type, is an error. There is no default:
// without it, both tokens get the options given directly.
func ForToken(tokenType string, opts ...TokenOption) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) {
		t.pairOnly = true
		switch tokenType {
		case TypeAccess:
			t.forAccess = append(t.forAccess, opts...)
		case TypeRefresh:
			t.forRefresh = append(t.forRefresh, opts...)
		default:
			t.fail(fmt.Errorf("ginpaseto: ForToken(%q): a pair has an access token and a refresh token; use TypeAccess or TypeRefresh", tokenType))
		}
	})
}

// CreateTokenPair starts a session for subject, whose credentials the
// caller has checked: it creates a fresh access token and a refresh token
// carrying the same new random session ID (claim sid), and records the
// session in the store. opts apply to both tokens (claims, footer,
// issuer...), except the lifetime options, which must be given per token
// with ForToken(TypeAccess, ...) or ForToken(TypeRefresh, ...); NoExpiry is refused,
// since a session must end. No token of the session expires after its
// absolute end (WithSessionLifetime). The store may end the subject's
// oldest session to make room (see MemoryStore), and refuses the session
// when RevokeSubject ran since it started (401 ErrTokenRevoked), so that a
// login racing a "log out everywhere" never survives it. A store failure
// gives an *Error, 503 "Session store unavailable" (ErrStoreUnavailable),
// that keeps the cause.
func (a *Authorizer) CreateTokenPair(ctx context.Context, subject string, opts ...TokenOption) (*TokenPair, error) {
	started := a.cfg.now() // before minting: the cutoff must cover a login that mints while RevokeSubject runs
	plan, err := a.planPair(ctx, "CreateTokenPair", subject, true, "", opts)
	if err != nil {
		return nil, err
	}
	sid, err := newJTI()
	if err != nil {
		return nil, fmt.Errorf("ginpaseto: generating session ID: %w", err)
	}
	s := Session{ID: sid, Subject: subject, RefreshJTI: plan.refresh.jti, Started: started, Refreshed: started, Metadata: plan.metadata}
	if a.cfg.sessionLifetime > 0 {
		s.Ends = started.Add(a.cfg.sessionLifetime)
	}
	plan.limit(started, s.Ends)
	s.Expires = a.sessionExpiry(plan.access.expiry(plan.issued()), plan.refresh.expiry(plan.issued()))
	pair, err := a.mintPlanned(subject, sid, plan)
	if err != nil {
		return nil, err
	}
	if err := a.cfg.store.CreateSession(requestContext(ctx), s); err != nil {
		return nil, storeError(err)
	}
	a.sessionEvent(ctx, observe.SessionStarted, subject, sid)
	return pair, nil
}

// RotateRefreshToken trades the refresh token described by refresh, whose
// check passed (RefreshRequired, or CheckToken with TypeRefresh), for a new
// pair in the same session; the access token is not fresh, since no
// password was checked. opts apply as in CreateTokenPair.
//
// A refresh token is used at most once, atomically: of several concurrent
// rotations with one token exactly one moves the session forward. Within
// the refresh grace (WithRefreshGrace) after that rotation, presenting the
// consumed token again (another browser tab, a retried request) answers a
// pair that works in the same session, carrying the session's usable
// refresh token, also after later rotations (tabs refreshing one after the
// other); see Store.RotateSession for the bound. Any other use of an already-used refresh token of a
// live session means that the client replayed it or someone else holds a
// copy: RotateRefreshToken then revokes the whole session, so that the
// newest tokens of both stop working, and returns an *Error (401 "Refresh
// token reuse detected") wrapping ErrRefreshTokenReused. A refresh token
// of an ended session gives 401 ErrTokenRevoked; one without a session
// (created by CreateRefreshToken, or by another implementation) gives 401
// ErrTokenInvalid; a store failure gives 503 "Session store
// unavailable" with the cause kept.
func (a *Authorizer) RotateRefreshToken(ctx context.Context, refresh *Claims, opts ...TokenOption) (*TokenPair, error) {
	switch {
	case refresh == nil:
		return nil, errors.New("ginpaseto: RotateRefreshToken: claims are nil; pass the claims that RefreshRequired accepted (GetClaims)")
	case refresh.Type != TypeRefresh:
		return nil, wrongTypeError(TypeRefresh, refresh.Type)
	case refresh.SessionID == "":
		return nil, &Error{Status: errInvalid.Status, Message: msgNoSession, Err: fmt.Errorf("%w: the refresh token has no sid claim: it was not created by CreateTokenPair", ErrTokenInvalid)}
	}
	now := a.cfg.now()
	plan, err := a.planPair(ctx, "RotateRefreshToken", refresh.Subject, false, refresh.CSRF, opts)
	if err != nil {
		return nil, err
	}
	plan.limit(now, time.Time{})
	next := Session{
		ID:         refresh.SessionID,
		Subject:    refresh.Subject,
		RefreshJTI: plan.refresh.jti,
		Refreshed:  now,
		Expires:    a.sessionExpiry(plan.access.expiry(plan.issued()), plan.refresh.expiry(plan.issued())),
	}
	got, err := a.cfg.store.RotateSession(requestContext(ctx), refresh.JTI, next, a.cfg.refreshGrace)
	a.rotationEvent(ctx, refresh, err == nil && got.RefreshJTI != next.RefreshJTI, err)
	if err != nil {
		return nil, storeError(err)
	}
	plan.limit(now, got.Ends)
	if got.RefreshJTI != next.RefreshJTI {
		// A replay within the grace: the client gets the session's usable
		// refresh token, expiring no later than it does, so the session
		// moves forward once whichever tab uses it next.
		plan.refresh.jti = got.RefreshJTI
		if !got.Expires.IsZero() {
			plan.refresh.notAfter = earliest(plan.refresh.notAfter, got.Expires.Add(-a.cfg.leeway))
		}
	}
	return a.mintPlanned(refresh.Subject, refresh.SessionID, plan)
}

// pairPlan is the configuration of the two tokens of a pair, checked and
// ready to mint.
type pairPlan struct {
	access, refresh *tokenConfig
	csrf            string
	metadata        map[string]string // SessionMetadata
}

// issued returns when the pair's tokens are issued.
func (p *pairPlan) issued() time.Time { return p.access.issued.Truncate(time.Second) }

// limit sets when the pair is issued, and the session's absolute end
// (zero: none), after which neither token may expire.
func (p *pairPlan) limit(issued, ends time.Time) {
	for _, t := range []*tokenConfig{p.access, p.refresh} {
		t.issued = issued
		if !ends.IsZero() {
			t.notAfter = earliest(t.notAfter, ends)
		}
	}
}

// earliest returns the earlier of two times, zero meaning none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// planPair checks the options of a pair and prepares its two tokens, the
// refresh token with its jti already chosen. With cookies, the tokens
// carry csrf, or a new CSRF token when csrf is empty: a session keeps the
// one it started with.
func (a *Authorizer) planPair(ctx context.Context, method, subject string, fresh bool, csrf string, opts []TokenOption) (*pairPlan, error) {
	if ctx == nil {
		return nil, fmt.Errorf("ginpaseto: %s: ctx is nil; pass the request's *gin.Context or a context.Context", method)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if subject == "" || !utf8.ValidString(subject) {
		return nil, fmt.Errorf("ginpaseto: %s: subject must be a non-empty UTF-8 string", method)
	}
	var shared tokenConfig
	if err := shared.apply(opts); err != nil {
		return nil, err
	}
	if shared.lifetimeSet {
		return nil, fmt.Errorf("ginpaseto: %s: a lifetime option would apply to both tokens; wrap it in ForToken(TypeAccess, ...) or ForToken(TypeRefresh, ...)", method)
	}
	if shared.fresh {
		return nil, fmt.Errorf("ginpaseto: %s: Fresh does not apply to pairs: CreateTokenPair's access token is always fresh, RotateRefreshToken's never", method)
	}
	if shared.metadataSet && !fresh {
		return nil, fmt.Errorf("ginpaseto: %s: SessionMetadata applies to the start of a session only; the session keeps what it started with", method)
	}
	plan := &pairPlan{metadata: shared.metadata}
	if a.cookies.enabled {
		var err error
		if plan.csrf = csrf; plan.csrf != "" {
			// The session keeps its CSRF token: a tab that read the CSRF
			// cookie before another tab's refresh replaced the cookies
			// sends a header that still matches.
		} else if plan.csrf, err = newCSRFToken(); err != nil {
			return nil, fmt.Errorf("ginpaseto: generating CSRF token: %w", err)
		}
	}
	for _, typ := range []string{TypeAccess, TypeRefresh} {
		t := &tokenConfig{purpose: a.cfg.purpose, lifetime: a.lifetime(typ)}
		own := shared.forAccess
		if typ == TypeRefresh {
			own = shared.forRefresh
		}
		if err := t.apply(slices.Concat(a.cfg.tokenDefaults, opts, own)); err != nil {
			return nil, err
		}
		if t.noExpiry {
			return nil, fmt.Errorf("ginpaseto: %s: NoExpiry is refused: a session must end", method)
		}
		if t.metadataSet && len(own) > 0 {
			var scratch tokenConfig
			if scratch.apply(own); scratch.metadataSet {
				return nil, fmt.Errorf("ginpaseto: %s: SessionMetadata belongs to the session, not to one token; pass it to %s directly", method, method)
			}
		}
		if t.fresh {
			return nil, fmt.Errorf("ginpaseto: %s: Fresh does not apply to pairs", method)
		}
		t.fresh = fresh && typ == TypeAccess
		t.csrf = plan.csrf
		if typ == TypeAccess {
			plan.access = t
			continue
		}
		plan.refresh = t
		var err error
		if t.jti, err = newJTI(); err != nil {
			return nil, fmt.Errorf("ginpaseto: generating jti: %w", err)
		}
	}
	return plan, nil
}

// mintPlanned creates the two tokens of session sid.
func (a *Authorizer) mintPlanned(subject, sid string, plan *pairPlan) (*TokenPair, error) {
	access, err := a.mint(subject, TypeAccess, sid, plan.access)
	if err != nil {
		return nil, err
	}
	refresh, err := a.mint(subject, TypeRefresh, sid, plan.refresh)
	if err != nil {
		return nil, err
	}
	return &TokenPair{
		AccessToken:    access.token,
		RefreshToken:   refresh.token,
		AccessExpires:  access.expires,
		RefreshExpires: refresh.expires,
		SessionID:      sid,
		CSRFToken:      plan.csrf,
	}, nil
}
