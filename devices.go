package ginpaseto

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/internal/tokenshape"
)

// Bounds of the metadata of one session (SessionMetadata): every store
// keeps it with the session, and every listing returns it.
const (
	maxMetadataEntries = 16
	maxMetadataKey     = 64   // bytes
	maxMetadataValue   = 256  // bytes
	maxMetadataTotal   = 2048 // bytes, keys and values together
)

// SessionMetadata attaches md to the session that CreateTokenPair (or
// StartSession) starts: what the application wants its users to recognise
// a device by, such as a label they chose or a summary of the user agent
// ("Firefox on Linux"). The store keeps it with the session, Sessions and
// SessionsHandler return it; it is never written into a token.
//
// It is bounded: at most 16 entries, keys of 1 to 64 bytes, values of at
// most 256 bytes, 2 KiB in all, valid UTF-8 without control characters.
// Since every listing shows it, it must hold nothing secret: a value that
// looks like a PASETO token or a PASERK key is refused. A violation makes
// CreateTokenPair fail with an *Error, 400 "Invalid session metadata"
// (StartSession answers it), whose cause says which bound, never the
// value. It applies to the
// start of a session only: RotateRefreshToken and the single-token
// functions refuse it, and the session keeps what it started with.
func SessionMetadata(md map[string]string) TokenOption {
	err := validMetadata(md)
	md = maps.Clone(md)
	return tokenOptionFunc(func(t *tokenConfig) {
		if err != nil {
			// Metadata often comes from the request (a User-Agent, a
			// label the user chose): the login is refused as bad input.
			t.fail(&Error{Status: http.StatusBadRequest, Message: msgBadMetadata, Err: err})
			return
		}
		t.metadata, t.metadataSet = md, true
	})
}

const msgBadMetadata = "Invalid session metadata"

// validMetadata checks md against the bounds of SessionMetadata, naming
// keys but never echoing a value.
func validMetadata(md map[string]string) error {
	if len(md) > maxMetadataEntries {
		return fmt.Errorf("ginpaseto: SessionMetadata: %d entries; keep it to %d", len(md), maxMetadataEntries)
	}
	total := 0
	for _, k := range slices.Sorted(maps.Keys(md)) {
		v := md[k]
		total += len(k) + len(v)
		switch {
		case k == "" || len(k) > maxMetadataKey:
			return fmt.Errorf("ginpaseto: SessionMetadata: a key must have 1 to %d bytes, got %d", maxMetadataKey, len(k))
		case !printable(k):
			return errors.New("ginpaseto: SessionMetadata: a key is not valid UTF-8 or holds control characters")
		case len(v) > maxMetadataValue:
			return fmt.Errorf("ginpaseto: SessionMetadata: the value of %q has %d bytes; keep it to %d", k, len(v), maxMetadataValue)
		case !printable(v):
			return fmt.Errorf("ginpaseto: SessionMetadata: the value of %q is not valid UTF-8 or holds control characters", k)
		case looksSecret(k):
			return errors.New("ginpaseto: SessionMetadata: a key looks like a token or a key; session metadata is shown in every listing and must hold nothing secret")
		case looksSecret(v):
			return fmt.Errorf("ginpaseto: SessionMetadata: the value of %q looks like a token or a key; session metadata is shown in every listing and must hold nothing secret", k)
		}
	}
	if total > maxMetadataTotal {
		return fmt.Errorf("ginpaseto: SessionMetadata: %d bytes in all; keep it to %d", total, maxMetadataTotal)
	}
	return nil
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// looksSecret reports whether s holds something shaped like a PASETO
// token or a PASERK key, whatever its case.
func looksSecret(s string) bool {
	if tokenshape.Contains(s) {
		return true
	}
	lower := strings.ToLower(s)
	if tokenshape.Contains(lower) {
		return true
	}
	for _, v := range []string{"k1.", "k2.", "k3.", "k4."} {
		for rest := lower; ; {
			i := strings.Index(rest, v)
			if i < 0 {
				break
			}
			rest = rest[i+len(v):]
			if strings.HasPrefix(rest, "local") || strings.HasPrefix(rest, "secret") || strings.HasPrefix(rest, "public") || strings.HasPrefix(rest, "seal") {
				return true
			}
		}
	}
	return false
}

// Sessions returns the live sessions of subject, the oldest first, with
// when each started, was last refreshed and expires, its absolute end and
// the metadata attached at login (SessionMetadata): what a "where am I
// logged in?" page shows. It is one call to the store, bounded by the
// store's cap on the sessions of one subject (one round trip on Redis).
// A store failure gives an *Error with status 503 ("Session store
// unavailable") that keeps the cause.
//
// The returned sessions carry RefreshJTI for the server's own use; never
// send it to a client (SessionsHandler does not).
func (a *Authorizer) Sessions(ctx context.Context, subject string) ([]Session, error) {
	if ctx == nil {
		return nil, errors.New("ginpaseto: Sessions: ctx is nil; pass the request's *gin.Context or a context.Context")
	}
	if subject == "" {
		return nil, errors.New("ginpaseto: Sessions: subject is empty")
	}
	list, err := a.cfg.store.Sessions(requestContext(ctx), subject)
	if err != nil {
		return nil, storeUnavailable(err)
	}
	now := a.cfg.now()
	live := list[:0:0]
	for _, s := range list {
		if s.Subject != subject || !s.Expires.IsZero() && now.After(s.Expires) || !s.Ends.IsZero() && now.After(s.Ends) {
			continue // ended since the store looked; or a store's mistake, never shown
		}
		live = append(live, s)
	}
	return live, nil
}

// sessionView is a session as SessionsHandler answers it: no refresh jti.
type sessionView struct {
	ID        string            `json:"id"`
	Started   time.Time         `json:"started"`
	Refreshed time.Time         `json:"refreshed"`
	Expires   time.Time         `json:"expires"`
	Ends      *time.Time        `json:"ends,omitempty"`
	Current   bool              `json:"current"`
	Metadata  map[string]string `json:"metadata,omitempty"`
}

// SessionsHandler returns the handler of a "where am I logged in?" route,
// to register behind Required: it answers 200 with the caller's live
// sessions (Sessions), the oldest first, as a JSON array of objects with
// "id", "started", "refreshed", "expires" (RFC 3339 UTC), "ends" (the
// absolute end, when there is one), "current" (true for the session of the
// request) and "metadata" (SessionMetadata, when any). No token or refresh
// jti is ever part of it. The ID is what EndSessionHandler
// takes to end one of them.
func (a *Authorizer) SessionsHandler() gin.HandlerFunc {
	return func(c *gin.Context) {
		claims, ok := a.acceptedClaims(c, "SessionsHandler", "Required")
		if !ok {
			return
		}
		if claims.Subject == "" {
			a.Abort(c, errNoSubject.copy())
			return
		}
		list, err := a.Sessions(c, claims.Subject)
		if err != nil {
			a.Abort(c, err)
			return
		}
		out := make([]sessionView, 0, len(list))
		for _, s := range list {
			v := sessionView{
				ID:        s.ID,
				Started:   s.Started.UTC(),
				Refreshed: s.Refreshed.UTC(),
				Expires:   s.Expires.UTC(),
				Current:   claims.SessionID != "" && s.ID == claims.SessionID,
				Metadata:  s.Metadata,
			}
			if !s.Ends.IsZero() {
				ends := s.Ends.UTC()
				v.Ends = &ends
			}
			out = append(out, v)
		}
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, out)
	}
}

// Others makes LogoutHandler end every other session of the caller and
// keep the session of the request: "log out my other devices". It costs
// one store call to list the sessions and one per session ended.
func Others() HandlerOption {
	return handlerOptionFunc(func(h *handlerConfig) { h.others = true })
}

// EndSessionHandler returns the handler of a route that ends one of the
// caller's sessions, the one whose ID is the route parameter param, as a
// "sign out this device" button on the list SessionsHandler gives:
//
//	r.DELETE("/sessions/:id", auth.Required(), auth.EndSessionHandler("id"))
//
// It answers 204 when the ID is one of the caller's live sessions, and 404
// "Session not found" for the ID of another user's session or of none, the
// same answer, so that guessing tells nothing. Ending the session of the
// request itself is a logout, cookies cleared as LogoutHandler does. It
// checks the request as LogoutHandler does (see there). It panics if param
// is empty.
func (a *Authorizer) EndSessionHandler(param string) gin.HandlerFunc {
	if param == "" {
		panic("ginpaseto: EndSessionHandler: param is empty")
	}
	return a.logoutHandler(&handlerConfig{sessionParam: param})
}

// maxSessionID bounds the session ID that EndSessionHandler reads from a URL:
// the Authorizer's IDs have 36 characters.
const maxSessionID = 64

const msgSessionNotFound = "Session not found"

// ErrSessionNotFound: the session ID in the URL of EndSessionHandler's
// route is not one of the caller's live sessions (404 "Session not
// found"), whether it is another user's, ended, or never existed.
var ErrSessionNotFound = errors.New("ginpaseto: no live session of the caller has this ID")

var errSessionNotFound = newError(http.StatusNotFound, ErrSessionNotFound, msgSessionNotFound)

// errNoSubject refuses, in the handlers that list or end a user's
// sessions, a valid token of another issuer without sub: it names no user.
var errNoSubject = &Error{Status: http.StatusUnauthorized, Message: msgTokenInvalid, Err: fmt.Errorf("%w: the token has no sub claim, so it names no user whose sessions could be listed or ended", ErrTokenInvalid)}

// endOthers ends every session of claims.Subject but claims.SessionID.
func (a *Authorizer) endOthers(ctx context.Context, claims *Claims) error {
	list, err := a.Sessions(ctx, claims.Subject)
	if err != nil {
		return err
	}
	for _, s := range list {
		if s.ID == claims.SessionID {
			continue
		}
		if err := a.endSession(ctx, claims.Subject, s.ID); err != nil {
			return err
		}
	}
	return nil
}

// endNamed ends the caller's session id, and reports whether it was the
// session of the request.
func (a *Authorizer) endNamed(ctx context.Context, claims *Claims, id string) (current bool, err error) {
	if id == "" || len(id) > maxSessionID {
		return false, errSessionNotFound.copy()
	}
	list, err := a.Sessions(ctx, claims.Subject)
	if err != nil {
		return false, err
	}
	if !slices.ContainsFunc(list, func(s Session) bool { return s.ID == id }) {
		return false, errSessionNotFound.copy()
	}
	return id == claims.SessionID, a.endSession(ctx, claims.Subject, id)
}

// logoutScope ends what LogoutHandler with h ends for claims, and reports
// whether that includes the session of the request, whose cookies then go.
func (a *Authorizer) logoutScope(c *gin.Context, h *handlerConfig, claims *Claims) (own bool, err error) {
	switch {
	case claims.Subject == "" && (h.everywhere || h.others || h.sessionParam != ""):
		return h.everywhere, errNoSubject.copy()
	case h.everywhere:
		return true, a.RevokeSubject(c, claims.Subject)
	case h.others:
		return false, a.endOthers(c, claims)
	case h.sessionParam != "":
		return a.endNamed(c, claims, c.Param(h.sessionParam))
	case claims.SessionID != "":
		return true, a.RevokeSession(c, claims.SessionID)
	case claims.JTI == "":
		// A token of another issuer with neither sid nor jti: nothing
		// names it to revoke, which is the client's token, not a fault.
		return true, &Error{Status: errInvalid.Status, Message: errInvalid.Message, Err: fmt.Errorf("%w: the token has neither a sid nor a jti claim, so logging out cannot revoke it", ErrTokenInvalid)}
	}
	return true, a.Revoke(c, claims)
}
