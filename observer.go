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

	"github.com/ginpaseto/ginpaseto/observe"

	"github.com/ginpaseto/ginpaseto/internal/tokenshape"
)

// Observer learns what an Authorizer does, for metrics, traces and
// security logs: the outcome of every check and why, the calls to the
// Store, the verified-token cache's look-ups, key set fetches, session
// events, WebSocket closes and key changes. The interface, its events
// and their closed sets of values live in package observe, which also has
// Nop (to embed) and SecurityLogger; otelpaseto.New returns one that
// records OpenTelemetry metrics and spans.
type Observer = observe.Observer

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

// reasonOfShared names the errors that every request shares, which the
// sentinel alone does not tell apart.
var reasonOfShared = map[*Error]observe.Reason{
	errTooLarge:     observe.ReasonTooLarge,
	errUnsupported:  observe.ReasonUnsupported,
	errBadClaims:    observe.ReasonInvalidClaims,
	errNotYetValid:  observe.ReasonNotYetValid,
	errFutureIssued: observe.ReasonIssuedInFuture,
	errWrongIssuer:  observe.ReasonWrongIssuer,
	errWrongAud:     observe.ReasonWrongAudience,
	errUnknownKID:   observe.ReasonUnknownKey,
	errNoKID:        observe.ReasonUnknownKey,
	errForeignKID:   observe.ReasonUnknownKey,
}

// reasonOfSentinel maps the sentinel errors to their reasons, the more
// specific first.
var reasonOfSentinel = []struct {
	err    error
	reason observe.Reason
}{
	{ErrTokenMissing, observe.ReasonMissing},
	{ErrTokenExpired, observe.ReasonExpired},
	{ErrRefreshTokenReused, observe.ReasonReuseDetected},
	{ErrTokenRevoked, observe.ReasonRevoked},
	{ErrWrongTokenType, observe.ReasonWrongType},
	{ErrTokenNotFresh, observe.ReasonNotFresh},
	{ErrInsufficientScope, observe.ReasonInsufficientScope},
	{ErrForbidden, observe.ReasonForbidden},
	{ErrCSRFTokenMissing, observe.ReasonCSRF},
	{ErrCSRFTokenMismatch, observe.ReasonCSRF},
	{ErrCrossOrigin, observe.ReasonCrossOrigin},
	{ErrRevocationUnavailable, observe.ReasonRevocationUnavailable},
	{ErrKeysUnavailable, observe.ReasonKeysUnavailable},
	{ErrTokenInvalid, observe.ReasonInvalid},
}

// reasonOf returns the observe.Reason of an error a check or a session
// handler reports, for CheckResult.Reason and WebSocketClose.Reason:
// ReasonAllowed for nil; for an error wrapping none of the sentinel errors
// (an application's own *Error), the reason its status suggests: 503
// revocation_unavailable, 403 forbidden, otherwise invalid.
func reasonOf(err error) observe.Reason {
	if err == nil {
		return observe.ReasonAllowed
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
		return observe.ReasonRevocationUnavailable
	case http.StatusForbidden:
		return observe.ReasonForbidden
	}
	return observe.ReasonInvalid
}

// outcomeOf is the outcome of a check that answered err.
func outcomeOf(err *Error, anonymous bool) observe.Outcome {
	switch {
	case err == nil:
		return observe.OutcomeAllowed
	case anonymous:
		return observe.OutcomeAnonymous
	case err.Status == http.StatusServiceUnavailable:
		return observe.OutcomeUnavailable
	}
	return observe.OutcomeRefused
}

// Where a check found its token, in CheckResult.Source.
const (
	sourceNone          = ""
	sourceExtractor     = "extractor"
	sourcePreviousCheck = "previous_check" // an earlier check of the request found and verified it
)

// locationSources names each Location in CheckResult.Source.
var locationSources = [...]string{
	locHeader:            "header",
	locQuery:             "query",
	locJSON:              "json",
	locWebSocketProtocol: "websocket_protocol",
	locCookie:            "cookie",
	locFunc:              sourceExtractor,
}

// storeFailed reports whether a store call failed: an error that is not
// one of the refusals of the Store contract, for StoreCall.Failed.
func storeFailed(err error) bool {
	return err != nil && !errors.Is(err, ErrTokenRevoked) && !errors.Is(err, ErrRefreshTokenReused)
}

// observers hands every event to several observers, in order.
type observers []Observer

func (os observers) StartCheck(ctx context.Context, s observe.CheckStart) context.Context {
	for _, o := range os {
		ctx = o.StartCheck(ctx, s)
	}
	return ctx
}

func (os observers) EndCheck(ctx context.Context, r observe.CheckResult) {
	for _, o := range os {
		o.EndCheck(ctx, r)
	}
}

func (os observers) StoreCall(ctx context.Context, s observe.StoreCall) {
	for _, o := range os {
		o.StoreCall(ctx, s)
	}
}

func (os observers) CacheLookup(ctx context.Context, hit bool) {
	for _, o := range os {
		o.CacheLookup(ctx, hit)
	}
}

func (os observers) KeySetFetch(ctx context.Context, f observe.KeySetFetch) {
	for _, o := range os {
		o.KeySetFetch(ctx, f)
	}
}

func (os observers) Session(ctx context.Context, e observe.SessionEvent) {
	for _, o := range os {
		o.Session(ctx, e)
	}
}

func (os observers) KeysChanged(ctx context.Context, k observe.KeysChange) {
	for _, o := range os {
		o.KeysChanged(ctx, k)
	}
}

func (os observers) WebSocketClosed(ctx context.Context, w observe.WebSocketClose) {
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

func (s observedStore) done(ctx context.Context, op observe.StoreOperation, start time.Duration, err error) {
	s.obs.StoreCall(requestContext(ctx), observe.StoreCall{Operation: op, Start: epoch.Add(start), Duration: monotonic() - start, Err: err, Failed: storeFailed(err)})
}

func (s observedStore) IsRevoked(ctx context.Context, claims *Claims) (bool, error) {
	start := monotonic()
	revoked, err := s.Store.IsRevoked(ctx, claims)
	s.done(ctx, observe.StoreIsRevoked, start, err)
	return revoked, err
}

func (s observedStore) Revoke(ctx context.Context, claims *Claims) error {
	start := monotonic()
	err := s.Store.Revoke(ctx, claims)
	s.done(ctx, observe.StoreRevoke, start, err)
	return err
}

func (s observedStore) CreateSession(ctx context.Context, session Session) error {
	start := monotonic()
	err := s.Store.CreateSession(ctx, session)
	s.done(ctx, observe.StoreCreateSession, start, err)
	return err
}

func (s observedStore) RotateSession(ctx context.Context, usedJTI string, next Session, grace time.Duration) (Session, error) {
	start := monotonic()
	got, err := s.Store.RotateSession(ctx, usedJTI, next, grace)
	s.done(ctx, observe.StoreRotateSession, start, err)
	return got, err
}

func (s observedStore) RevokeSession(ctx context.Context, sessionID string) error {
	start := monotonic()
	err := s.Store.RevokeSession(ctx, sessionID)
	s.done(ctx, observe.StoreRevokeSession, start, err)
	return err
}

func (s observedStore) RevokeSubject(ctx context.Context, subject string, cutoff, until time.Time) error {
	start := monotonic()
	err := s.Store.RevokeSubject(ctx, subject, cutoff, until)
	s.done(ctx, observe.StoreRevokeSubject, start, err)
	return err
}

func (s observedStore) Sessions(ctx context.Context, subject string) ([]Session, error) {
	start := monotonic()
	list, err := s.Store.Sessions(ctx, subject)
	s.done(ctx, observe.StoreSessions, start, err)
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
	d.obs.StoreCall(requestContext(ctx), observe.StoreCall{Operation: observe.StoreDenylist, Start: epoch.Add(start), Duration: monotonic() - start, Err: err, Failed: storeFailed(err)})
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
func (a *Authorizer) sessionEvent(ctx context.Context, kind observe.SessionEventKind, subject, sessionID string) {
	if a.obs == nil {
		return
	}
	e := observe.SessionEvent{Kind: kind, Subject: subject, SessionID: sessionID}
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
		a.sessionEvent(ctx, observe.SessionReplayed, refresh.Subject, refresh.SessionID)
	case err == nil:
		a.sessionEvent(ctx, observe.SessionRotated, refresh.Subject, refresh.SessionID)
	case errors.Is(err, ErrRefreshTokenReused):
		a.sessionEvent(ctx, observe.SessionReuseDetected, refresh.Subject, refresh.SessionID)
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
	ua = tokenshape.Redact(ua)
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
func (a *Authorizer) keysChanged(ctx context.Context, source observe.KeysSource, old, ring *Keyring) {
	if a.obs == nil || ring == nil || old != nil && sameKeys(old, ring) {
		return
	}
	a.obs.KeysChanged(ctx, observe.KeysChange{Source: source, Keys: len(ring.keys)})
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
