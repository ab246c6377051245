package ginpaseto

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// Observer learns what an Authorizer does, for metrics, traces and
// security logs: the outcome of every check and why, the calls to the
// Store and how long they took, the verified-token cache's hits and
// misses, key set fetches, session events, WebSocket closes, and key
// changes. WithObserver installs one; otelpaseto.New returns one that
// records OpenTelemetry metrics and spans, and SecurityLogger one that
// writes the security-relevant events to a log.
//
// Events carry only values from closed sets (reasons, operations, kinds),
// durations, and, for session events, the subject, session ID, client
// address and a sanitized user agent: never a token, a part of one, a
// footer, a key or a CSRF value. An error in StoreCall or KeySetFetch is
// the store's or the HTTP client's, for the operator's logs.
//
// Methods are called synchronously on the request's goroutine, or on the
// key set's for background fetches, so they must be quick and safe for
// concurrent use. Embed NopObserver to implement only some of them; events
// added in later versions then reach its no-op methods.
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
	// (WithVerifiedTokenCache).
	CacheLookup(ctx context.Context, hit bool)
	// KeySetFetch is called after each fetch of the key set
	// (WithKeySetURL), background or caused by an unknown key ID.
	KeySetFetch(ctx context.Context, fetch KeySetFetch)
	// Session is called when a session starts, is rotated, is replayed
	// within the refresh grace, is ended, or its refresh token is reused,
	// and when a subject is revoked.
	Session(ctx context.Context, event SessionEvent)
	// KeysChanged is called when the Authorizer's keys change: SetKeys, or
	// a key set fetch that brought other keys.
	KeysChanged(ctx context.Context, change KeysChange)
	// WebSocketClosed is called when a check closes a WebSocket handshake
	// with code 1008 instead of answering an HTTP error
	// (WithWebSocketClose, CloseWebSocket), and when Watch ends a
	// connection's context because its token was revoked or expired, for
	// the application to close it with 1008 (WebSocketCloseStatus).
	WebSocketClosed(ctx context.Context, close WebSocketClose)
}

// WithObserver makes the Authorizer report what it does to o. Given more
// than once, every observer gets every event, in the order given. Without
// it, nothing is measured and the request path does no extra work. New
// refuses a nil observer.
func WithObserver(o Observer) Option {
	return optionFunc(func(c *config) error {
		if o == nil {
			return errors.New("ginpaseto: WithObserver: observer is nil; leave the option out to observe nothing")
		}
		c.observers = append(c.observers, o)
		return nil
	})
}

// CheckStart describes a check as it begins.
type CheckStart struct {
	// TokenType is the type of token the check requires (TypeAccess for
	// Required, Optional and FreshRequired, TypeRefresh for
	// RefreshRequired), as configured, never as sent.
	TokenType string
}

// CheckResult is what a check decided.
type CheckResult struct {
	TokenType string  // as in CheckStart
	Outcome   Outcome // allowed, refused, unavailable or anonymous
	Reason    Reason  // ReasonAllowed, or why the check refused
	// Source is where the token was found: "header", "query", "json",
	// "websocket_protocol", "cookie", "extractor" (TokenSource,
	// AddTokenSource), or "" when none was (or the token was handed to
	// CheckToken).
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
// per error a check can answer, and ReasonAllowed. ReasonOf maps an error
// to its reason.
type Reason string

// Reasons of a check's result.
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

// reasonOfShared names the errors that every request shares, which the
// sentinel alone does not tell apart.
var reasonOfShared = map[*Error]Reason{
	errTooLarge:     ReasonTooLarge,
	errUnsupported:  ReasonUnsupported,
	errBadClaims:    ReasonInvalidClaims,
	errNotYetValid:  ReasonNotYetValid,
	errFutureIssued: ReasonIssuedInFuture,
	errWrongIssuer:  ReasonWrongIssuer,
	errWrongAud:     ReasonWrongAudience,
	errUnknownKID:   ReasonUnknownKey,
	errNoKID:        ReasonUnknownKey,
	errForeignKID:   ReasonUnknownKey,
}

// reasonOfSentinel maps the sentinel errors to their reasons, the more
// specific first.
var reasonOfSentinel = []struct {
	err    error
	reason Reason
}{
	{ErrTokenMissing, ReasonMissing},
	{ErrTokenExpired, ReasonExpired},
	{ErrRefreshTokenReused, ReasonReuseDetected},
	{ErrTokenRevoked, ReasonRevoked},
	{ErrWrongTokenType, ReasonWrongType},
	{ErrTokenNotFresh, ReasonNotFresh},
	{ErrInsufficientScope, ReasonInsufficientScope},
	{ErrForbidden, ReasonForbidden},
	{ErrCSRFTokenMissing, ReasonCSRF},
	{ErrCSRFTokenMismatch, ReasonCSRF},
	{ErrCrossOrigin, ReasonCrossOrigin},
	{ErrRevocationUnavailable, ReasonRevocationUnavailable},
	{ErrKeysUnavailable, ReasonKeysUnavailable},
	{ErrTokenInvalid, ReasonInvalid},
}

// ReasonOf returns the Reason of an error a check or a session handler
// reports: ReasonAllowed for nil; for an error wrapping none of the
// sentinel errors (an application's own *Error), the reason its status
// suggests: 503 revocation_unavailable, 403 forbidden, otherwise invalid.
func ReasonOf(err error) Reason {
	if err == nil {
		return ReasonAllowed
	}
	var e *Error
	if errors.As(err, &e) && e != nil {
		if r, ok := reasonOfShared[e]; ok {
			return r
		}
	}
	for _, s := range reasonOfSentinel {
		if errors.Is(err, s.err) {
			return s.reason
		}
	}
	status := 0
	if e != nil {
		status = e.Status
	}
	switch status {
	case http.StatusServiceUnavailable:
		return ReasonRevocationUnavailable
	case http.StatusForbidden:
		return ReasonForbidden
	}
	return ReasonInvalid
}

// outcomeOf is the outcome of a check that answered err.
func outcomeOf(err *Error, anonymous bool) Outcome {
	switch {
	case err == nil:
		return OutcomeAllowed
	case anonymous:
		return OutcomeAnonymous
	case err.Status == http.StatusServiceUnavailable:
		return OutcomeUnavailable
	}
	return OutcomeRefused
}

// Where a check found its token, in CheckResult.Source.
const (
	sourceNone      = ""
	sourceExtractor = "extractor"
)

// locationSources names each Location in CheckResult.Source.
var locationSources = [...]string{
	InHeader:            "header",
	InQuery:             "query",
	InJSON:              "json",
	InWebSocketProtocol: "websocket_protocol",
	InCookie:            "cookie",
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
}

// Failed reports whether the call failed: an error that is not one of the
// refusals of the Store contract.
func (s StoreCall) Failed() bool {
	return s.Err != nil && !errors.Is(s.Err, ErrTokenRevoked) && !errors.Is(s.Err, ErrRefreshTokenReused)
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
	StoreDenylist      StoreOperation = "denylist" // Denylist.IsRevoked (WithDenylist)
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
	// SessionReplayed: the refresh token that the last rotation consumed
	// came back within the refresh grace, and was answered with the
	// session's current pair.
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
	KeysFromSetKeys KeysSource = "set_keys" // SetKeys
	KeysFromKeySet  KeysSource = "key_set"  // a fetch of the key set of WithKeySetURL
)

// WebSocketClose describes a WebSocket that a check, or Watch, closed
// with 1008.
type WebSocketClose struct {
	Code   int    // 1008, policy violation
	Reason Reason // why the check refused
}

// NopObserver is an Observer that does nothing. Embed it in an observer
// that implements only some methods.
type NopObserver struct{}

func (NopObserver) StartCheck(ctx context.Context, _ CheckStart) context.Context { return ctx }
func (NopObserver) EndCheck(context.Context, CheckResult)                        {}
func (NopObserver) StoreCall(context.Context, StoreCall)                         {}
func (NopObserver) CacheLookup(context.Context, bool)                            {}
func (NopObserver) KeySetFetch(context.Context, KeySetFetch)                     {}
func (NopObserver) Session(context.Context, SessionEvent)                        {}
func (NopObserver) KeysChanged(context.Context, KeysChange)                      {}
func (NopObserver) WebSocketClosed(context.Context, WebSocketClose)              {}

// observers hands every event to several observers, in order.
type observers []Observer

func (os observers) StartCheck(ctx context.Context, s CheckStart) context.Context {
	for _, o := range os {
		ctx = o.StartCheck(ctx, s)
	}
	return ctx
}

func (os observers) EndCheck(ctx context.Context, r CheckResult) {
	for _, o := range os {
		o.EndCheck(ctx, r)
	}
}

func (os observers) StoreCall(ctx context.Context, s StoreCall) {
	for _, o := range os {
		o.StoreCall(ctx, s)
	}
}

func (os observers) CacheLookup(ctx context.Context, hit bool) {
	for _, o := range os {
		o.CacheLookup(ctx, hit)
	}
}

func (os observers) KeySetFetch(ctx context.Context, f KeySetFetch) {
	for _, o := range os {
		o.KeySetFetch(ctx, f)
	}
}

func (os observers) Session(ctx context.Context, e SessionEvent) {
	for _, o := range os {
		o.Session(ctx, e)
	}
}

func (os observers) KeysChanged(ctx context.Context, k KeysChange) {
	for _, o := range os {
		o.KeysChanged(ctx, k)
	}
}

func (os observers) WebSocketClosed(ctx context.Context, w WebSocketClose) {
	for _, o := range os {
		o.WebSocketClosed(ctx, w)
	}
}

// newObserver combines the observers of WithObserver; nil for none, so
// that the request path tests one pointer.
func newObserver(list []Observer) Observer {
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return observers(list)
}

// epoch anchors monotonic: reading the monotonic clock alone (time.Since)
// costs a third of reading the wall clock too (time.Now) on some virtual
// machines, and a check reads it twice per measured step.
var epoch = time.Now()

// monotonic returns the time since epoch; epoch.Add of it is the wall time.
func monotonic() time.Duration { return time.Since(epoch) }

// observedStore reports every call of a Store to the observer.
type observedStore struct {
	Store // methods added to Store later pass through unobserved
	obs   Observer
}

func (s observedStore) done(ctx context.Context, op StoreOperation, start time.Duration, err error) {
	s.obs.StoreCall(requestContext(ctx), StoreCall{Operation: op, Start: epoch.Add(start), Duration: monotonic() - start, Err: err})
}

func (s observedStore) IsRevoked(ctx context.Context, claims *Claims) (bool, error) {
	start := monotonic()
	revoked, err := s.Store.IsRevoked(ctx, claims)
	s.done(ctx, StoreIsRevoked, start, err)
	return revoked, err
}

func (s observedStore) Revoke(ctx context.Context, claims *Claims) error {
	start := monotonic()
	err := s.Store.Revoke(ctx, claims)
	s.done(ctx, StoreRevoke, start, err)
	return err
}

func (s observedStore) CreateSession(ctx context.Context, session Session) error {
	start := monotonic()
	err := s.Store.CreateSession(ctx, session)
	s.done(ctx, StoreCreateSession, start, err)
	return err
}

func (s observedStore) RotateSession(ctx context.Context, usedJTI string, next Session, grace time.Duration) (Session, error) {
	start := monotonic()
	got, err := s.Store.RotateSession(ctx, usedJTI, next, grace)
	s.done(ctx, StoreRotateSession, start, err)
	return got, err
}

func (s observedStore) RevokeSession(ctx context.Context, sessionID string) error {
	start := monotonic()
	err := s.Store.RevokeSession(ctx, sessionID)
	s.done(ctx, StoreRevokeSession, start, err)
	return err
}

func (s observedStore) RevokeSubject(ctx context.Context, subject string, cutoff, until time.Time) error {
	start := monotonic()
	err := s.Store.RevokeSubject(ctx, subject, cutoff, until)
	s.done(ctx, StoreRevokeSubject, start, err)
	return err
}

func (s observedStore) Sessions(ctx context.Context, subject string) ([]Session, error) {
	start := monotonic()
	list, err := s.Store.Sessions(ctx, subject)
	s.done(ctx, StoreSessions, start, err)
	return list, err
}

// observedNotifier is an observedStore of a Store that is a Notifier too,
// so that the wrapping hides no capability.
type observedNotifier struct {
	observedStore
	n Notifier
}

func (s observedNotifier) Notify(subject string, fn func()) (stop func()) {
	return s.n.Notify(subject, fn)
}

// observeStore wraps store so that its calls reach obs.
func observeStore(store Store, obs Observer) Store {
	o := observedStore{Store: store, obs: obs}
	if n, ok := store.(Notifier); ok {
		return observedNotifier{o, n}
	}
	return o
}

// observedDenylist reports every call of a Denylist to the observer.
type observedDenylist struct {
	Denylist
	obs Observer
}

func (d observedDenylist) IsRevoked(ctx context.Context, claims *Claims) (bool, error) {
	start := monotonic()
	revoked, err := d.Denylist.IsRevoked(ctx, claims)
	d.obs.StoreCall(requestContext(ctx), StoreCall{Operation: StoreDenylist, Start: epoch.Add(start), Duration: monotonic() - start, Err: err})
	return revoked, err
}

// requestContext returns the context of the request when ctx is a
// *gin.Context. Gin reuses a *gin.Context for another request once the
// handler returns, so nothing that may outlive the call (a store's
// timeout timer, a Watch) may keep one; and its own Value does not reach
// the request's context unless the engine sets ContextWithFallback: the
// observer finds the request's span there.
func requestContext(ctx context.Context) context.Context {
	if gc, ok := ctx.(*gin.Context); ok && gc.Request != nil {
		return gc.Request.Context()
	}
	return ctx
}

// sessionEvent reports a session event, with the client's address and
// user agent when ctx is the request's *gin.Context.
func (a *Authorizer) sessionEvent(ctx context.Context, kind SessionEventKind, subject, sessionID string) {
	if a.obs == nil {
		return
	}
	e := SessionEvent{Kind: kind, Subject: subject, SessionID: sessionID}
	if gc, ok := ctx.(*gin.Context); ok && gc.Request != nil {
		e.ClientIP = gc.ClientIP()
		e.UserAgent = sanitizeUserAgent(gc.Request.UserAgent())
	}
	a.obs.Session(requestContext(ctx), e)
}

// sessionSubject returns the subject of session sessionID when ctx is the
// *gin.Context of a request whose accepted token belongs to it, as on
// logout; "" otherwise, since a Store looks sessions up by ID alone.
func sessionSubject(ctx context.Context, sessionID string) string {
	if gc, ok := ctx.(*gin.Context); ok {
		if claims, ok := GetClaims(gc); ok && claims.SessionID == sessionID {
			return claims.Subject
		}
	}
	return ""
}

// rotationEvent reports the outcome of a rotation: rotated, replayed
// within the grace, or a reuse. Other failures are no session event.
func (a *Authorizer) rotationEvent(ctx context.Context, refresh *Claims, replayed bool, err error) {
	switch {
	case a.obs == nil:
	case err == nil && replayed:
		a.sessionEvent(ctx, SessionReplayed, refresh.Subject, refresh.SessionID)
	case err == nil:
		a.sessionEvent(ctx, SessionRotated, refresh.Subject, refresh.SessionID)
	case errors.Is(err, ErrRefreshTokenReused):
		a.sessionEvent(ctx, SessionReuseDetected, refresh.Subject, refresh.SessionID)
	}
}

// maxUserAgent bounds the user agent a SessionEvent carries.
const maxUserAgent = 256

// sanitizeUserAgent makes a client's User-Agent safe to log: token-shaped
// runs replaced, control characters and invalid UTF-8 replaced, cut to
// maxUserAgent bytes on a character boundary.
func sanitizeUserAgent(ua string) string {
	if len(ua) > 4*maxUserAgent {
		ua = ua[:4*maxUserAgent] // bound the work; the cut below is the real one
	}
	ua = redactTokens(ua)
	ua = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(ua, "?"))
	if len(ua) > maxUserAgent {
		cut := maxUserAgent
		for cut > 0 && !utf8.RuneStart(ua[cut]) {
			cut--
		}
		ua = ua[:cut]
	}
	return ua
}

// keysChanged reports that the keys went from old to ring.
func (a *Authorizer) keysChanged(ctx context.Context, source KeysSource, old, ring *Keyring) {
	if a.obs == nil || ring == nil || old != nil && sameKeys(old, ring) {
		return
	}
	a.obs.KeysChanged(ctx, KeysChange{Source: source, Keys: len(ring.keys)})
}

// sameKeys reports whether two keyrings hold the same keys by ID, in the
// same roles.
func sameKeys(a, b *Keyring) bool {
	if len(a.keys) != len(b.keys) {
		return false
	}
	for i := range a.keys {
		x, y := a.keys[i], b.keys[i]
		if x.kid != y.kid || x.active != y.active || (x.sealer == nil) != (y.sealer == nil) {
			return false
		}
	}
	return true
}
