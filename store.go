package ginpaseto

import (
	"context"
	"errors"
	"time"
)

// Store records sessions and revocations: what one login started, which
// refresh token of a session may be used next, and which tokens, sessions
// and subjects were revoked. Checks consult it through IsRevoked, once per
// request, for the revocable token types; the Authorizer writes to it when
// it creates a token pair, rotates a refresh token, or revokes.
//
// The in-memory store is the default; the Redis store of the redisstore
// module serves several processes. A Store keeps state bounded by what is
// live: every entry ends with the token, session or cutoff it guards.
// Implementations must be safe for concurrent use, and every method must
// be atomic with respect to the others, across processes for a shared
// store: of several concurrent RotateSession calls with the same used
// refresh token exactly one may succeed.
type Store interface {
	// IsRevoked reports whether the verified token described by claims
	// must be refused: its jti was revoked; or it belongs to a session
	// (claims.SessionID is not empty) that is not live, having ended,
	// been revoked, or never been recorded; or it belongs to no session
	// and its subject was revoked (RevokeSubject) at or after its iat. It
	// answers all three in one call, so that a shared store needs at most
	// one round trip. An error fails closed.
	//
	// The cutoff does not apply to tokens of a live session: RevokeSubject
	// ends every session of the subject, so a session that is live began
	// after it, even within the same second (iat cannot tell).
	IsRevoked(ctx context.Context, claims *Claims) (bool, error)

	// Revoke records the revocation of one token, by claims.JTI, until
	// claims.Expiration (the Authorizer adds its leeway), or for good when
	// the token has no expiry. When IsRevoked already refused the token,
	// it returns an error wrapping ErrTokenRevoked, so that of concurrent
	// revocations of one token exactly one succeeds: that is what makes a
	// token single-use. A store that bounds the revocations of one subject
	// revokes the whole subject (as RevokeSubject, with a cutoff covering
	// every token it held) rather than forget one.
	Revoke(ctx context.Context, claims *Claims) error

	// CreateSession records a new live session whose next usable refresh
	// token is s.RefreshJTI. A store that bounds the sessions of one
	// subject ends the subject's oldest session to make room.
	CreateSession(ctx context.Context, s Session) error

	// RotateSession atomically replaces the session's usable refresh token
	// usedJTI by next.RefreshJTI and extends the session to next.Expires.
	// When the session is live but usedJTI is not its usable refresh token
	// (a refresh token used a second time), it revokes the whole session
	// and returns an error wrapping ErrRefreshTokenReused. When the session
	// is not live, it returns an error wrapping ErrTokenRevoked.
	RotateSession(ctx context.Context, usedJTI string, next Session) error

	// RevokeSession ends a session: its access and refresh tokens are
	// refused from then on, and it cannot be rotated. Ending a session
	// that is not live is not an error.
	RevokeSession(ctx context.Context, sessionID string) error

	// RevokeSubject ends every session of subject and refuses every token
	// of subject issued at or before cutoff (iat has one-second
	// precision), remembering the cutoff until until, after which every
	// such token has expired.
	RevokeSubject(ctx context.Context, subject string, cutoff, until time.Time) error
}

// Session is what a Store records of one session.
type Session struct {
	ID         string    // the sid claim of the session's tokens
	Subject    string    // the sub claim of the session's tokens
	RefreshJTI string    // the jti of the one refresh token that may be used next
	Expires    time.Time // when the later of the session's newest tokens expires, leeway included; the session's state may be dropped after
}

// ErrRefreshTokenReused: a refresh token of a live session was used a second
// time. RotateRefreshToken then revokes the whole session, since either the
// client replayed it or someone else holds a copy.
var ErrRefreshTokenReused = errors.New("ginpaseto: refresh token reused")
