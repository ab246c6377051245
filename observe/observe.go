// Package observe is the vocabulary of what a ginpaseto Authorizer
// reports about its work: the Observer interface, the events it receives,
// and the closed sets of values they carry (outcomes, reasons, store
// operations, session event kinds, key change sources). Nop is an
// Observer that does nothing, to embed; SecurityLogger writes the
// security-relevant events to a log/slog logger.
//
// ginpaseto.WithObserver installs an Observer (ginpaseto.Observer is this
// package's Observer); the otelpaseto module turns the events into
// OpenTelemetry metrics and spans. This package imports no other
// ginpaseto package, so an observer can be written, tested and shipped
// without the Authorizer.
package observe

import (
	"context"
	"time"
)

// Observer learns what an Authorizer does, for metrics, traces and
// security logs: the outcome of every check and why, the calls to the
// Store and how long they took, the verified-token cache's hits and
// misses, key set fetches, session events, WebSocket closes, and key
// changes. ginpaseto.WithObserver installs one; otelpaseto.New returns
// one that records OpenTelemetry metrics and spans, and SecurityLogger one
// that writes the security-relevant events to a log.
//
// Events carry only values from closed sets (reasons, operations, kinds),
// durations, and, for session events, the subject, session ID, client
// address and a sanitized user agent: never a token, a part of one, a
// footer, a key or a CSRF value. An error in StoreCall or KeySetFetch is
// the store's or the HTTP client's, for the operator's logs.
//
// Methods are called synchronously on the request's goroutine, or on the
// key set's for background fetches, so they must be quick and safe for
// concurrent use. Embed Nop to implement only some of them; events added
// in later versions then reach its no-op methods.
type Observer interface {
	// StartCheck is called when a check begins, with the request's context
	// (for middleware, c.Request.Context(), which holds the server span of
	// otelgin when there is one). The context it returns is the one the
	// check passes on to the store, to the other events of the check and
	// to EndCheck: a span started here becomes the parent of the check's
	// store calls and key set fetches.
	StartCheck(ctx context.Context, check CheckStart) context.Context
	// EndCheck is called once per StartCheck, with its context, when the
	// check has decided: before the error response is written or the next
	// handler runs.
	EndCheck(ctx context.Context, result CheckResult)
	// StoreCall is called after each call of a Store method.
	StoreCall(ctx context.Context, call StoreCall)
	// CacheLookup is called after each look-up in the verified-token cache
	// (ginpaseto.WithVerifiedTokenCache).
	CacheLookup(ctx context.Context, hit bool)
	// KeySetFetch is called after each fetch of the Authorizer's key set,
	// background or caused by an unknown key ID.
	KeySetFetch(ctx context.Context, fetch KeySetFetch)
	// Session is called when a session starts, is rotated, is replayed
	// within the refresh grace, is ended, or its refresh token is reused,
	// and when a subject is revoked.
	Session(ctx context.Context, event SessionEvent)
	// KeysChanged is called when the Authorizer's keys change: SetKeys, or
	// a key set fetch that brought other keys.
	KeysChanged(ctx context.Context, change KeysChange)
	// WebSocketClosed is called when a check closes a WebSocket handshake
	// with code 1008 instead of answering an HTTP error, and when Watch
	// ends a connection's context because its token was revoked or
	// expired, for the application to close it with 1008.
	WebSocketClosed(ctx context.Context, close WebSocketClose)
}

// CheckStart describes a check as it begins.
type CheckStart struct {
	// TokenType is the type of token the check requires ("access" for
	// Required, Optional and FreshRequired, "refresh" for
	// RefreshRequired), as configured, never as sent.
	TokenType string
}

// CheckResult is what a check decided.
type CheckResult struct {
	TokenType string  // as in CheckStart
	Outcome   Outcome // allowed, refused, unavailable or anonymous
	Reason    Reason  // ReasonAllowed, or why the check refused
	// Source is where the token was found: "header", "query", "json",
	// "websocket_protocol", "cookie", "extractor" (a source of the
	// application's own), "previous_check" (an earlier check of the
	// request accepted it, and this one ran only what it adds: the type,
	// freshness, scopes and hooks), or "" when none was (or the token was
	// handed to CheckToken).
	Source   string
	Duration time.Duration // from StartCheck to the decision
}

// Outcome is the kind of answer a check gave.
type Outcome string

// Outcomes of a check.
const (
	OutcomeAllowed     Outcome = "allowed"     // the token was accepted
	OutcomeRefused     Outcome = "refused"     // 401 or 403
	OutcomeUnavailable Outcome = "unavailable" // 503: the store or the keys could not answer
	OutcomeAnonymous   Outcome = "anonymous"   // Optional went on without a token
)

// Reason says why a check refused, in snake_case, from a closed set: one
// per error a check can answer, and ReasonAllowed. The Authorizer fills
// CheckResult.Reason and WebSocketClose.Reason with it.
type Reason string

// Reasons of a check's result. The comments name the ginpaseto error each
// one stands for.
const (
	ReasonAllowed               Reason = "allowed"
	ReasonMissing               Reason = "missing"            // ErrTokenMissing
	ReasonInvalid               Reason = "invalid"            // ErrTokenInvalid: malformed, or fails decryption or verification
	ReasonTooLarge              Reason = "too_large"          // larger than WithMaxTokenSize
	ReasonUnsupported           Reason = "unsupported"        // a version or purpose the Authorizer has no key for
	ReasonUnknownKey            Reason = "unknown_key"        // the footer names no key of the Authorizer
	ReasonInvalidClaims         Reason = "invalid_claims"     // the payload is not valid claims
	ReasonNotYetValid           Reason = "not_yet_valid"      // nbf in the future
	ReasonIssuedInFuture        Reason = "issued_in_future"   // iat in the future
	ReasonWrongIssuer           Reason = "wrong_issuer"       // iss is not WithExpectedIssuer
	ReasonWrongAudience         Reason = "wrong_audience"     // aud lacks WithExpectedAudience
	ReasonExpired               Reason = "expired"            // ErrTokenExpired
	ReasonRevoked               Reason = "revoked"            // ErrTokenRevoked
	ReasonReuseDetected         Reason = "reuse_detected"     // ErrRefreshTokenReused
	ReasonWrongType             Reason = "wrong_type"         // ErrWrongTokenType
	ReasonNotFresh              Reason = "not_fresh"          // ErrTokenNotFresh
	ReasonInsufficientScope     Reason = "insufficient_scope" // ErrInsufficientScope
	ReasonForbidden             Reason = "forbidden"          // ErrForbidden: an Authorize hook refused
	ReasonCSRF                  Reason = "csrf"               // ErrCSRFTokenMissing, ErrCSRFTokenMismatch
	ReasonCrossOrigin           Reason = "cross_origin"       // ErrCrossOrigin
	ReasonRevocationUnavailable Reason = "revocation_unavailable"
	ReasonKeysUnavailable       Reason = "keys_unavailable" // ErrKeysUnavailable
)

// Reasons returns every Reason, for checking that a value is one of them
// or listing them in a dashboard.
func Reasons() []Reason {
	return []Reason{
		ReasonAllowed, ReasonMissing, ReasonInvalid, ReasonTooLarge, ReasonUnsupported,
		ReasonUnknownKey, ReasonInvalidClaims, ReasonNotYetValid, ReasonIssuedInFuture,
		ReasonWrongIssuer, ReasonWrongAudience, ReasonExpired, ReasonRevoked,
		ReasonReuseDetected, ReasonWrongType, ReasonNotFresh, ReasonInsufficientScope,
		ReasonForbidden, ReasonCSRF, ReasonCrossOrigin, ReasonRevocationUnavailable,
		ReasonKeysUnavailable,
	}
}

// StoreCall describes one call of a Store method.
type StoreCall struct {
	Operation StoreOperation
	Start     time.Time
	Duration  time.Duration
	// Err is what the store returned. Refusals the Store contract defines
	// (ErrTokenRevoked, ErrRefreshTokenReused) are answers, not failures:
	// Failed tells them apart.
	Err error
	// Failed reports whether the call failed: Err is set and is not one
	// of the refusals of the Store contract. The Authorizer sets it.
	Failed bool
}

// StoreOperation names a Store method, in snake_case.
type StoreOperation string

// Store operations.
const (
	StoreIsRevoked     StoreOperation = "is_revoked"
	StoreRevoke        StoreOperation = "revoke"
	StoreCreateSession StoreOperation = "create_session"
	StoreRotateSession StoreOperation = "rotate_session"
	StoreRevokeSession StoreOperation = "revoke_session"
	StoreRevokeSubject StoreOperation = "revoke_subject"
	StoreSessions      StoreOperation = "sessions"
	StoreDenylist      StoreOperation = "denylist" // Denylist.IsRevoked (ginpaseto.WithDenylist)
)

// KeySetFetch describes one fetch of the key set.
type KeySetFetch struct {
	Start    time.Time
	Duration time.Duration
	Err      error // nil when the key set was fetched and parsed; its message names the URL without credentials
}

// SessionEvent is something that happened to a session or a subject.
type SessionEvent struct {
	Kind      SessionEventKind
	Subject   string
	SessionID string // "" for SubjectRevoked, and for a token revoked outside a session
	// ClientIP and UserAgent describe the request that caused the event,
	// when the context given to the Authorizer's method was its
	// *gin.Context (as the session handlers give it): the address as
	// c.ClientIP() resolves it with the engine's trusted proxies, and the
	// User-Agent header cut to 256 bytes, with control characters and
	// anything shaped like a token replaced. Both are "" otherwise.
	ClientIP  string
	UserAgent string
}

// SessionEventKind is the kind of a SessionEvent, in snake_case.
type SessionEventKind string

// Session event kinds.
const (
	SessionStarted SessionEventKind = "started" // CreateTokenPair, StartSession
	SessionRotated SessionEventKind = "rotated" // RotateRefreshToken moved the session forward
	// SessionReplayed: a refresh token that a rotation of the session
	// consumed came back within the refresh grace of that rotation, and
	// was answered with the session's current pair.
	SessionReplayed SessionEventKind = "replayed"
	// SessionReuseDetected: a refresh token was used a second time, and
	// the session was ended. With a shared store, exactly one process
	// reports it: the one whose rotation found the reuse.
	SessionReuseDetected SessionEventKind = "reuse_detected"
	SessionEnded         SessionEventKind = "ended"           // RevokeSession, logout
	SubjectRevoked       SessionEventKind = "subject_revoked" // RevokeSubject: every session of the subject ended
)

// KeysChange describes a change of the Authorizer's keys.
type KeysChange struct {
	Source KeysSource
	Keys   int // the number of keys the Authorizer holds now
}

// KeysSource says what changed the keys.
type KeysSource string

// Sources of a key change.
const (
	KeysFromSetKeys KeysSource = "set_keys" // Authorizer.SetKeys
	KeysFromKeySet  KeysSource = "key_set"  // a fetch of the Authorizer's key set
)

// WebSocketClose describes a WebSocket that a check, or Watch, closed
// with 1008.
type WebSocketClose struct {
	Code   int    // 1008, policy violation
	Reason Reason // why the check refused
}

// Nop is an Observer that does nothing. Embed it in an observer that
// implements only some methods.
type Nop struct{}

func (Nop) StartCheck(ctx context.Context, _ CheckStart) context.Context { return ctx }
func (Nop) EndCheck(context.Context, CheckResult)                        {}
func (Nop) StoreCall(context.Context, StoreCall)                         {}
func (Nop) CacheLookup(context.Context, bool)                            {}
func (Nop) KeySetFetch(context.Context, KeySetFetch)                     {}
func (Nop) Session(context.Context, SessionEvent)                        {}
func (Nop) KeysChanged(context.Context, KeysChange)                      {}
func (Nop) WebSocketClosed(context.Context, WebSocketClose)              {}
