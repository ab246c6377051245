package ginpaseto

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/observe"
)

// HandlerOption configures the session handlers: StartSession,
// RefreshHandler and LogoutHandler.
type HandlerOption interface {
	applyHandler(*handlerConfig)
}

type handlerOptionFunc func(*handlerConfig)

func (f handlerOptionFunc) applyHandler(h *handlerConfig) { f(h) }

// handlerConfig is what handler options set.
type handlerConfig struct {
	pairOptions  func(c *gin.Context, subject string) ([]TokenOption, error)
	cookies      bool   // SessionCookies
	others       bool   // Others
	sessionParam string // EndSessionHandler
	everywhere   bool   // Everywhere
}

// PairOptions makes a session handler ask options for the token options of
// each new pair, per request: claims read from the user store, say, so
// that a change of role takes effect at the next refresh. An error from
// options refuses the request: an *Error as is, anything else as 401
// "Invalid PASETO token". It panics if options is nil.
func PairOptions(options func(c *gin.Context, subject string) ([]TokenOption, error)) HandlerOption {
	if options == nil {
		panic("ginpaseto: PairOptions: function is nil")
	}
	return handlerOptionFunc(func(h *handlerConfig) { h.pairOptions = options })
}

// Everywhere makes LogoutHandler end every session of the caller, on every
// device, as RevokeSubject does ("log out everywhere"), instead of the
// session of the request alone.
func Everywhere() HandlerOption {
	return handlerOptionFunc(func(h *handlerConfig) { h.everywhere = true })
}

func newHandlerConfig(opts []HandlerOption) *handlerConfig {
	h := &handlerConfig{}
	for _, o := range opts {
		if o == nil {
			panic("ginpaseto: nil HandlerOption")
		}
		o.applyHandler(h)
	}
	return h
}

// tokenOptions returns the token options of a new pair for subject.
func (h *handlerConfig) tokenOptions(c *gin.Context, subject string) ([]TokenOption, *Error) {
	if h.pairOptions == nil {
		return nil, nil
	}
	opts, err := h.pairOptions(c, subject)
	if err != nil {
		return nil, asError(err, errInvalid)
	}
	return opts, nil
}

// StartSession is the end of a login handler: once the application has
// checked the credentials, it starts a session for subject
// (CreateTokenPair) and answers 200 with the pair as JSON, {"access_token":
// ..., "refresh_token": ..., "access_expires": ..., "refresh_expires":
// ...}. When that fails it answers the error instead (503 when the store is
// down, through the error handler) and returns it, for the application's
// logs.
func (a *Authorizer) StartSession(c *gin.Context, subject string, opts ...HandlerOption) (*TokenPair, error) {
	h := newHandlerConfig(opts)
	tokenOpts, e := h.tokenOptions(c, subject)
	if e != nil {
		a.Abort(c, e)
		return nil, e
	}
	pair, err := a.CreateTokenPair(c, subject, tokenOpts...)
	if err != nil {
		a.Abort(c, err)
		return nil, err
	}
	a.writePair(c, h, pair)
	return pair, nil
}

// RefreshHandler returns the handler of the refresh route, to register
// behind RefreshRequired: it rotates the refresh token the check accepted
// (RotateRefreshToken) and answers 200 with the new pair as JSON, as
// StartSession does. A refresh token used a second time answers 401
// "Refresh token reuse detected" and ends the session.
func (a *Authorizer) RefreshHandler(opts ...HandlerOption) gin.HandlerFunc {
	h := newHandlerConfig(opts)
	return func(c *gin.Context) {
		claims, ok := a.acceptedClaims(c, "RefreshHandler", "RefreshRequired")
		if !ok {
			return
		}
		tokenOpts, e := h.tokenOptions(c, claims.Subject)
		if e != nil {
			a.Abort(c, e)
			return
		}
		pair, err := a.RotateRefreshToken(c, claims, tokenOpts...)
		if err != nil {
			a.Abort(c, err)
			return
		}
		a.writePair(c, h, pair)
	}
}

// LogoutHandler returns the handler of the logout route. It ends the
// session of the request (RevokeSession), so that its access and refresh
// tokens stop working, or with Everywhere every session of the caller
// (RevokeSubject), with Others every other session of the caller, and
// answers 204 (EndSessionHandler ends the one a URL names). A token created
// outside a session is revoked alone (Revoke).
//
// Logging out must work whatever became of the access token, so the
// handler checks the request itself and needs no check before it:
//
//	r.POST("/logout", auth.LogoutHandler())
//
// It accepts a valid access token, or a valid refresh token of the
// session: a browser's access cookie expires after a few idle minutes, and
// the refresh cookie, which WithCookies also sends to the logout path
// (CookieConfig.LogoutPath, default "/logout"), still proves that the
// request holds the session; a JSON client sends either token as it sends
// it elsewhere. Cookie-authenticated requests pass the CSRF checks, as on
// any unsafe route. Registered behind a check (Required, RefreshRequired),
// it ends the session of the token that check accepted.
//
// When the request carries session cookies, it clears them (as
// ClearSessionCookies does), even when the logout fails, so that a shared
// browser forgets the session whatever the server could do: only a
// request that the CSRF checks refuse, which may come from another page,
// leaves them. Requests without these cookies, such as a JSON client's,
// get no Set-Cookie.
func (a *Authorizer) LogoutHandler(opts ...HandlerOption) gin.HandlerFunc {
	return a.logoutHandler(newHandlerConfig(opts))
}

// logoutHandler is LogoutHandler's, and EndSessionHandler's, handler.
func (a *Authorizer) logoutHandler(h *handlerConfig) gin.HandlerFunc {
	access := a.newCheck(checkRequired, TypeAccess, nil)
	refresh := a.newCheck(checkRequired, TypeRefresh, nil)
	return func(c *gin.Context) {
		claims, err := a.logoutClaims(c, access, refresh)
		own := true // nothing proved a session: the cookies go, whatever they hold
		if err == nil {
			own, err = a.logoutScope(c, h, claims)
		}
		if own && a.cookies.enabled && a.sentSessionCookies(c.Request) && !a.forged(c, err) {
			a.ClearSessionCookies(c)
		}
		if err != nil {
			a.Abort(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

// logoutClaims returns the claims of the token that proves the logout
// request holds a session: those a check before the handler accepted, or
// else a valid access token, or else a valid refresh token. An observer
// sees one check, of the token that decided.
func (a *Authorizer) logoutClaims(c *gin.Context, checks ...*check) (*Claims, error) {
	if claims, ok := GetClaims(c); ok {
		return claims, nil
	}
	ctx := c.Request.Context()
	var began time.Duration
	if a.obs != nil {
		ctx = a.obs.StartCheck(ctx, observe.CheckStart{TokenType: checks[0].tokenType})
		began = monotonic()
	}
	var decided verdict
	decidedType := checks[0].tokenType
	for i, ch := range checks {
		v := a.runCheck(ctx, c, ch)
		// A token that passed, a refusal as a forgery or a store that is
		// down (the other token would fare no better) ends the search; else
		// the first token found says best what was wrong.
		final := v.err == nil || v.err.Status != http.StatusUnauthorized
		if final || i == 0 || errors.Is(decided.err, ErrTokenMissing) {
			decided, decidedType = v, ch.tokenType
		}
		if final {
			break
		}
	}
	if a.obs != nil {
		a.endCheck(ctx, decidedType, began, decided)
	}
	if decided.err != nil {
		return nil, decided.err
	}
	claims, _ := GetClaims(c) // runCheck keeps them for the route
	return claims, nil
}

// forged reports whether a request failed, or may fail, the CSRF checks:
// it may come from a page of another origin, whose request must not change
// the browser's cookies either.
func (a *Authorizer) forged(c *gin.Context, err error) bool {
	if errors.Is(err, ErrCrossOrigin) || errors.Is(err, ErrCSRFTokenMissing) || errors.Is(err, ErrCSRFTokenMismatch) {
		return true
	}
	return a.cookies.origins.Check(c.Request) != nil
}

// acceptedClaims returns the claims of the check before the handler, or
// answers 500 when there was none: the route was registered without it.
func (a *Authorizer) acceptedClaims(c *gin.Context, handler, check string) (*Claims, bool) {
	claims, ok := GetClaims(c)
	if !ok {
		err := fmt.Errorf("ginpaseto: %s: no token was accepted for this request; register the route behind %s", handler, check)
		a.Abort(c, &Error{Status: http.StatusInternalServerError, Message: msgServerError, Err: err})
		return nil, false
	}
	return claims, true
}

// writePair answers a new pair. It is the one place where the session
// handlers send tokens to the client: as JSON, or as cookies for a
// browser, whose body then holds no token (writeCookiePair).
func (a *Authorizer) writePair(c *gin.Context, h *handlerConfig, pair *TokenPair) {
	// Tokens in a body or in Set-Cookie must not be kept by a cache on
	// the way, nor by the browser's.
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
	if h.cookies || CookieAuthenticated(c) {
		a.writeCookiePair(c, pair)
		return
	}
	c.JSON(http.StatusOK, pair)
}
