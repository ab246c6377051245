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
// refresh token exactly one moves the session forward.
//
// The storetest package checks an implementation against this contract.
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
	// ends every session of the subject, and CreateSession refuses a
	// session that started at or before the cutoff, so a session that is
	// live began after it, even within the same second (iat cannot tell).
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

	// CreateSession records s as a new live session whose next usable
	// refresh token is s.RefreshJTI, with s.Refreshed equal to s.Started.
	// When the subject's cutoff (RevokeSubject) is at or after s.Started,
	// compared at full precision and atomically with the recording, it
	// records nothing and returns an error wrapping ErrTokenRevoked: a
	// login that raced a "log out everywhere" never survives it. A store
	// that bounds the sessions of one subject ends the subject's oldest
	// session to make room.
	CreateSession(ctx context.Context, s Session) error

	// RotateSession moves session next.ID of next.Subject forward by one
	// refresh, atomically, and returns the session as the store now holds
	// it:
	//
	//   - usedJTI is the session's usable refresh token: next.RefreshJTI
	//     replaces it, Refreshed becomes next.Refreshed, Expires becomes
	//     next.Expires (never later than the session's Ends), and usedJTI
	//     is remembered as consumed at next.Refreshed.
	//   - usedJTI is a refresh token of the session that one of its last 8
	//     rotations consumed, and next.Refreshed is less than grace after
	//     that rotation's Refreshed: a replay within the grace (tabs
	//     refreshing at once or one after the other, a retried request).
	//     Nothing changes; the returned session's RefreshJTI is the usable
	//     one, not next.RefreshJTI, and the caller gives the client a
	//     refresh token with that jti, so that the session moves forward
	//     once per usable token.
	//   - any other usedJTI of a live session (used a second time, grace
	//     or more after the rotation that consumed it, or consumed by an
	//     older rotation): it ends the session and returns an error
	//     wrapping ErrRefreshTokenReused.
	//   - a session that is not live, or a used token that was revoked:
	//     an error wrapping ErrTokenRevoked.
	//
	// A rotation forgets the consumed tokens whose grace has passed at its
	// next.Refreshed, and keeps at most the 8 latest, so the state stays
	// bounded. A grace of zero remembers none and makes every second use a
	// reuse.
	RotateSession(ctx context.Context, usedJTI string, next Session, grace time.Duration) (Session, error)

	// RevokeSession ends a session: its access and refresh tokens are
	// refused from then on, and it cannot be rotated. Ending a session
	// that is not live is not an error.
	RevokeSession(ctx context.Context, sessionID string) error

	// RevokeSubject ends every session of subject and refuses every token
	// of subject issued at or before cutoff (iat has one-second precision;
	// CreateSession compares Started with the cutoff at full precision),
	// remembering the cutoff until until, after which every such token has
	// expired.
	RevokeSubject(ctx context.Context, subject string, cutoff, until time.Time) error

	// Sessions returns the live sessions of subject, the oldest first. It
	// reads only that subject's state, bounded by the store's per-subject
	// cap: nothing scans.
	Sessions(ctx context.Context, subject string) ([]Session, error)
}

// Session is what a Store records of one session.
type Session struct {
	ID         string    // the sid claim of the session's tokens
	Subject    string    // the sub claim of the session's tokens
	RefreshJTI string    // the jti of the one refresh token that may be used next
	Started    time.Time // when CreateTokenPair started it, at full precision
	Refreshed  time.Time // when its refresh token was last rotated; Started until then
	Expires    time.Time // when the later of the session's newest tokens expires, leeway included; the session's state may be dropped after
	Ends       time.Time // the absolute end (WithSessionLifetime), after which no token of it is valid; zero for none

	// Metadata is what the application attached at login (SessionMetadata):
	// a device label, a user agent summary. Never a token or a secret.
	Metadata map[string]string
}

// Notifier is a Store that tells when a subject's tokens or sessions may
// have been revoked, by this process or another, so that long-lived
// connections (Watch) learn of a logout without polling.
type Notifier interface {
	// Notify arranges for fn to be called, from any goroutine and
	// possibly more than once, soon after any write that may revoke a
	// token or end a session of subject, and whenever the store may have
	// missed such a write (a lost connection). A call is only a hint: the
	// caller asks IsRevoked. stop ends the calls.
	Notify(subject string, fn func()) (stop func())
}

// ErrRefreshTokenReused: a refresh token of a live session was used a second
// time. RotateRefreshToken then revokes the whole session, since either the
// client replayed it or someone else holds a copy.
var ErrRefreshTokenReused = errors.New("ginpaseto: refresh token reused")
