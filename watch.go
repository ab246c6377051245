package ginpaseto

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ginpaseto/ginpaseto/observe"
)

// watchPollInterval is how often the one shared poller of an Authorizer
// asks again about every watched token, when the store cannot tell of
// changes itself (it is no Notifier) or a Denylist is configured.
const watchPollInterval = time.Second

// watchCheckTimeout bounds one question to the store about one watched
// token; a store that takes longer has failed, and the watch ends with 503.
const watchCheckTimeout = 10 * time.Second

// Watch is for long-lived connections, such as a WebSocket or a stream of
// server-sent events opened with a token whose check passed: it returns a
// context derived from ctx that is cancelled as soon as that token stops
// being valid, with the reason as its cause (context.Cause), an *Error:
//
//   - 401 "Token has been revoked": the token's session ended (logout,
//     LogoutHandler with Everywhere or Others, EndSessionHandler, RevokeSession,
//     RevokeSubject, a refresh token's reuse, the oldest session pushed out
//     by a new one) or the token was revoked (Revoke), through this
//     process or, with a shared store, any other;
//   - 401 "Token has expired": its exp (plus the leeway) has passed;
//   - 503 "Token revocation status unavailable": the store could not
//     answer. Watching fails closed, as checks do: a connection whose
//     token can no longer be vouched for ends, and the client reconnects
//     (and is checked again) once the store is back.
//
// Cancelling ctx, or calling the returned CancelFunc, which the caller
// must do when the connection ends, stops watching. WebSocketCloseStatus turns
// the cause into a close frame's code and reason.
//
// Watching costs no polling per connection. With a store that is a
// Notifier (the in-memory store, the Redis store) every watched subject
// has one registration with the store, shared by all its connections, and
// the store's call makes the Authorizer ask IsRevoked once per watched
// token of that subject; each watch has one timer, for its expiry. With
// another store, or with a Denylist (which cannot tell of changes), one
// poller per Authorizer asks about every watched token once a second.
//
// Only token types that checks look up in the store (WithRevocableTypes)
// can be revoked; others are watched for their expiry alone.
func (a *Authorizer) Watch(ctx context.Context, claims *Claims) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = context.Background()
	}
	wctx, cancel := context.WithCancelCause(requestContext(ctx))
	if claims == nil {
		cancel(errors.New("ginpaseto: Watch: claims are nil; pass the claims of the check that accepted the connection (GetClaims)"))
		return wctx, func() {}
	}
	if !claims.Expiration.IsZero() {
		left := claims.Expiration.Add(a.cfg.leeway).Sub(a.cfg.now())
		if left <= 0 {
			cancel(errExpired.copy())
			return wctx, func() {}
		}
		timer := time.AfterFunc(left, func() { a.endWatch(wctx, cancel, errExpired) })
		context.AfterFunc(wctx, func() { timer.Stop() })
	}
	if !a.revocable(claims.Type) {
		return wctx, func() { cancel(context.Canceled) }
	}
	w := &watch{claims: claims, ctx: wctx, cancel: cancel}
	hub := a.watchHub()
	hub.add(w)
	context.AfterFunc(wctx, func() { hub.remove(w) })
	return wctx, func() {
		cancel(context.Canceled)
		hub.remove(w) // at once, not on AfterFunc's goroutine
	}
}

// watch is one watched token.
type watch struct {
	claims *Claims
	ctx    context.Context // the watch's own, for the observer
	cancel context.CancelCauseFunc
}

// endWatch ends a watch because of err, and tells the observer that its
// connection is to close with 1008 when that is what ended it.
func (a *Authorizer) endWatch(wctx context.Context, cancel context.CancelCauseFunc, err *Error) {
	e := err.copy()
	cancel(e)
	if a.obs != nil && context.Cause(wctx) == e {
		a.obs.WebSocketClosed(wctx, observe.WebSocketClose{Code: wsClosePolicy, Reason: reasonOf(e)})
	}
}

// watchHub holds the watches of one Authorizer, by subject.
type watchHub struct {
	a        *Authorizer
	notifier Notifier // nil: poll
	poll     bool     // poll every watch, even with a notifier (a Denylist)

	mu       sync.Mutex
	subjects map[string]*watchedSubject
	stopPoll chan struct{} // closed to stop the poller; nil when none runs
}

// watchedSubject is the watches of one subject and its one registration
// with the store.
type watchedSubject struct {
	watches map[*watch]struct{}
	stop    func()
	running bool // a recheck runs
	again   bool // a change came while it ran
}

func (a *Authorizer) watchHub() *watchHub {
	a.watchOnce.Do(func() {
		h := &watchHub{a: a, subjects: make(map[string]*watchedSubject)}
		h.notifier, _ = a.cfg.store.(Notifier)
		h.poll = h.notifier == nil || a.cfg.denylist != nil
		a.watches = h
	})
	return a.watches
}

// add registers w and asks about it once, on a goroutine of its own: a
// revocation between the check
// that accepted the connection and the registration would otherwise go
// unnoticed.
func (h *watchHub) add(w *watch) {
	subject := w.claims.Subject
	h.mu.Lock()
	ws := h.subjects[subject]
	if ws == nil {
		ws = &watchedSubject{watches: make(map[*watch]struct{})}
		h.subjects[subject] = ws
		if h.notifier != nil {
			// The store may call at once, from this goroutine: the call
			// only starts a goroutine, which waits for the lock.
			ws.stop = h.notifier.Notify(subject, func() { go h.changed(subject) })
		}
	}
	ws.watches[w] = struct{}{}
	if h.poll && h.stopPoll == nil {
		h.stopPoll = make(chan struct{})
		go h.poller(h.stopPoll)
	}
	h.mu.Unlock()
	go h.check([]*watch{w})
}

// remove forgets w, and the subject's registration with its last watch.
func (h *watchHub) remove(w *watch) {
	subject := w.claims.Subject
	h.mu.Lock()
	ws := h.subjects[subject]
	if ws == nil {
		h.mu.Unlock()
		return
	}
	delete(ws.watches, w)
	var stop func()
	if len(ws.watches) == 0 {
		delete(h.subjects, subject)
		stop = ws.stop
	}
	if len(h.subjects) == 0 && h.stopPoll != nil {
		close(h.stopPoll)
		h.stopPoll = nil
	}
	h.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// changed asks about every watched token of subject, on a goroutine of its
// own; changes that come while it runs make it ask once more afterwards,
// so that a burst of calls costs at most two rounds.
func (h *watchHub) changed(subject string) {
	h.mu.Lock()
	ws := h.subjects[subject]
	if ws == nil {
		h.mu.Unlock()
		return
	}
	if ws.running {
		ws.again = true
		h.mu.Unlock()
		return
	}
	ws.running = true
	h.mu.Unlock()
	go h.recheck(subject, ws)
}

func (h *watchHub) recheck(subject string, ws *watchedSubject) {
	for {
		h.mu.Lock()
		ws.again = false
		watches := make([]*watch, 0, len(ws.watches))
		for w := range ws.watches {
			watches = append(watches, w)
		}
		h.mu.Unlock()
		h.check(watches)
		h.mu.Lock()
		if !ws.again || h.subjects[subject] != ws {
			ws.running = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
	}
}

// check asks the store (and the denylist) about each token once, and ends
// the watches of those that must be refused. Tokens without jti (of
// another issuer) are asked about one by one: nothing tells them apart.
func (h *watchHub) check(watches []*watch) {
	answers := make(map[string]*Error, len(watches))
	for _, w := range watches {
		e, asked := answers[w.claims.JTI]
		if !asked || w.claims.JTI == "" {
			ctx, cancel := context.WithTimeout(context.Background(), watchCheckTimeout)
			e = h.a.checkRevoked(ctx, w.claims)
			cancel()
			answers[w.claims.JTI] = e
		}
		if e != nil {
			h.a.endWatch(w.ctx, w.cancel, e)
		}
	}
}

// poller asks about every watched token every watchPollInterval, until
// stop is closed, when nothing is watched any more.
func (h *watchHub) poller(stop <-chan struct{}) {
	ticker := time.NewTicker(watchPollInterval)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
		h.mu.Lock()
		subjects := make([]string, 0, len(h.subjects))
		for s := range h.subjects {
			subjects = append(subjects, s)
		}
		h.mu.Unlock()
		for _, s := range subjects {
			h.changed(s)
		}
	}
}

// WebSocketCloseStatus returns the close code and reason with which a
// WebSocket ends because of err, as Abort answers an HTTP request: for the
// cause of a Watch context (context.Cause) or any *Error, 1008, policy
// violation, and the *Error's message ("Token has been revoked", "Token
// has expired"), cut to fit a close frame, as a refused handshake closes
// with CloseWebSocket; 1000 and no reason for anything else, such as the
// connection's own end, or nil.
func (a *Authorizer) WebSocketCloseStatus(err error) (code int, reason string) {
	var e *Error
	if !errors.As(err, &e) || e == nil {
		return 1000, ""
	}
	frame := closeFrame(wsClosePolicy, e.Message)
	return wsClosePolicy, string(frame[4:])
}
