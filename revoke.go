package ginpaseto

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ginpaseto/ginpaseto/observe"
)

// Denylist tells whether a token must be refused, for read-only checks
// such as a look-up in an existing user table ("is this account
// disabled?"). WithDenylist adds one to the checks, after the Store: both
// are consulted for the revocable token types (WithRevocableTypes). An
// error fails closed: the request gets 503 "Token revocation status
// unavailable". Implementations must be safe for concurrent use.
type Denylist interface {
	IsRevoked(ctx context.Context, claims *Claims) (bool, error)
}

// Revoke makes every later check refuse the token described by claims,
// until the token would expire anyway (its exp plus the leeway), or for
// good when it has no exp. It is for single tokens, such as a one-time
// invitation; to log a user out, end the session with RevokeSession, or
// all of the user's sessions with RevokeSubject.
//
// Revoke refuses, with an error: nil claims or claims without a jti; and a
// token of a type the checks never look up in the store (not listed by
// WithRevocableTypes), since revoking it would change nothing. A token
// already refused (revoked, or of an ended session) gives an *Error
// wrapping ErrTokenRevoked, so that of several concurrent revocations of
// one token exactly one succeeds: a token revoked when it is used is used
// at most once. A store failure gives an *Error, 503 "Session store unavailable"
// (ErrStoreUnavailable), that keeps the cause.
//
// What a revocation costs is bounded: the store keeps it only until the
// token expires. The in-memory store also bounds the revocations of one
// subject (RevocationsPerSubject); one more than that revokes the whole
// subject, as RevokeSubject does, rather than forget one.
func (a *Authorizer) Revoke(ctx context.Context, claims *Claims) error {
	if claims == nil || claims.JTI == "" {
		return errors.New("ginpaseto: Revoke: the token has no jti, so it cannot be revoked by ID")
	}
	if !a.revocable(claims.Type) {
		return fmt.Errorf("ginpaseto: Revoke: tokens of type %q are never looked up in the store, so revoking one would change nothing; list the type in WithRevocableTypes (now %q)", claims.Type, a.cfg.revocableTypes)
	}
	// A token stays acceptable for the leeway after exp, so it must stay
	// revoked that long too.
	c := *claims
	if !c.Expiration.IsZero() {
		c.Expiration = c.Expiration.Add(a.cfg.leeway)
	}
	return storeError(a.cfg.store.Revoke(requestContext(ctx), &c))
}

// RevokeSession ends the session sessionID (Claims.SessionID), as logout
// does: its access and refresh tokens are refused from then on, and its
// refresh token can no longer be rotated. Ending a session that is not
// live is not an error. The Authorizer must check both access and refresh
// tokens against the store, as it does by default (WithRevocableTypes). A
// store failure gives an *Error, 503 "Session store unavailable"
// (ErrStoreUnavailable), that keeps the cause.
func (a *Authorizer) RevokeSession(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return errors.New("ginpaseto: RevokeSession: session ID is empty; read it from Claims.SessionID of a token created by CreateTokenPair")
	}
	return a.endSession(ctx, sessionSubject(ctx, sessionID), sessionID)
}

// endSession is RevokeSession of a session whose subject the caller knows
// ("" when it does not), for the observer.
func (a *Authorizer) endSession(ctx context.Context, subject, sessionID string) error {
	if err := a.sessionsChecked("RevokeSession"); err != nil {
		return err
	}
	if err := a.cfg.store.RevokeSession(requestContext(ctx), sessionID); err != nil {
		return storeError(err)
	}
	a.sessionEvent(ctx, observe.SessionEnded, subject, sessionID)
	return nil
}

// RevokeSubject logs subject out everywhere, as a password change should:
// every session of the subject ends, and every other token of the subject
// issued before RevokeSubject returns is refused. Sessions started after it
// returns are accepted, even within the same second. A token created
// outside a session (CreateToken) in the same second as the call is
// refused as well, since iat counts whole seconds: create such tokens a
// second later.
//
// The store remembers the cutoff for the longest lifetime the Authorizer
// gives (WithLifetime, for every type) plus
// the leeway. Tokens created with NoExpiry, or with ExpiresIn or ExpiresAt
// beyond that, outlive it: revoke those by ID with Revoke. A store failure
// gives an *Error, 503 "Session store unavailable" (ErrStoreUnavailable),
// that keeps the cause.
func (a *Authorizer) RevokeSubject(ctx context.Context, subject string) error {
	if subject == "" {
		return errors.New("ginpaseto: RevokeSubject: subject is empty")
	}
	if err := a.sessionsChecked("RevokeSubject"); err != nil {
		return err
	}
	cutoff := a.cfg.now()
	until := cutoff.Add(a.longestLifetime() + a.cfg.leeway)
	if err := a.cfg.store.RevokeSubject(requestContext(ctx), subject, cutoff, until); err != nil {
		return storeError(err)
	}
	a.sessionEvent(ctx, observe.SubjectRevoked, subject, "")
	return nil
}

// longestLifetime is the longest lifetime the Authorizer gives a token of
// any type.
func (a *Authorizer) longestLifetime() time.Duration {
	longest := max(a.cfg.accessLifetime, a.cfg.refreshLifetime, a.cfg.customLifetime)
	for _, d := range a.cfg.customLifetimes {
		longest = max(longest, d)
	}
	return longest
}

// sessionsChecked reports an error when checks would not look up access or
// refresh tokens in the store, so that ending a session would not stop
// its tokens.
func (a *Authorizer) sessionsChecked(method string) error {
	for _, typ := range []string{TypeAccess, TypeRefresh} {
		if !a.revocable(typ) {
			return fmt.Errorf("ginpaseto: %s: %s tokens are never looked up in the store, so they would outlive their session; list %q in WithRevocableTypes", method, typ, typ)
		}
	}
	return nil
}

func (a *Authorizer) revocable(tokenType string) bool {
	return slices.Contains(a.cfg.revocableTypes, tokenType)
}

// checkRevoked asks the store, then the denylist if there is one, about a
// token of a revocable type; an error fails closed.
func (a *Authorizer) checkRevoked(ctx context.Context, claims *Claims) *Error {
	if !a.revocable(claims.Type) {
		return nil
	}
	ctx = requestContext(ctx)
	revoked, err := a.cfg.store.IsRevoked(ctx, claims)
	if err == nil && !revoked && a.cfg.denylist != nil {
		revoked, err = a.cfg.denylist.IsRevoked(ctx, claims)
	}
	if err != nil {
		return revocationUnavailable(err)
	}
	if revoked {
		return errRevoked
	}
	return nil
}

// storeError turns an error of a store write into what the Authorizer
// reports: refusals as the *Error a check gives, anything else as 503
// "Session store unavailable".
func storeError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrRefreshTokenReused):
		return &Error{Status: errReused.Status, Message: errReused.Message, Err: err}
	case errors.Is(err, ErrTokenRevoked):
		return &Error{Status: errRevoked.Status, Message: errRevoked.Message, Err: err}
	}
	return storeUnavailable(err)
}

// sessionExpiry is when a store may forget a session whose newest tokens
// expire at access and refresh.
func (a *Authorizer) sessionExpiry(access, refresh time.Time) time.Time {
	if refresh.After(access) {
		access = refresh
	}
	return access.Add(a.cfg.leeway)
}
