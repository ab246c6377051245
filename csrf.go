package ginpaseto

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// A browser attaches cookies to every request to the site, including the
// requests that a page of another site makes it send: cross-site request
// forgery. Two layers stop it for the requests authenticated by a cookie.
// The first, net/http.CrossOriginProtection, refuses unsafe requests that
// the browser says (Sec-Fetch-Site, Origin) come from another origin; it
// stops pages of other sites and of sibling origins of the same site
// (another port, another subdomain), which SameSite=Lax lets through. The
// second, double submit, asks unsafe requests to repeat in a header the
// token's csrf claim, which only pages that can read the CSRF cookie know:
// it still holds with an old browser that sends neither header, and
// against a trusted origin's page that was not meant to act for the user.

// CSRF errors, wrapped by the *Error of a refused request.
var (
	// ErrCrossOrigin: an unsafe request, or a WebSocket upgrade,
	// authenticated by a cookie came from another origin than the
	// server's and the trusted ones: 403 "Cross-origin request refused".
	ErrCrossOrigin = errors.New("ginpaseto: cross-origin request refused")
	// ErrCSRFTokenMissing: an unsafe request authenticated by a cookie did
	// not send the CSRF header: 403 "Missing CSRF Token".
	ErrCSRFTokenMissing = errors.New("ginpaseto: CSRF token missing")
	// ErrCSRFTokenMismatch: the CSRF header of an unsafe request
	// authenticated by a cookie is not the token's csrf claim, or was sent
	// twice: 403 "CSRF double submit tokens do not match".
	ErrCSRFTokenMismatch = errors.New("ginpaseto: CSRF tokens do not match")
)

const (
	msgCrossOrigin  = "Cross-origin request refused"
	msgCSRFMissing  = "Missing CSRF Token"
	msgCSRFMismatch = "CSRF double submit tokens do not match"
)

var (
	errCrossOrigin  = newError(http.StatusForbidden, ErrCrossOrigin, msgCrossOrigin)
	errCSRFMissing  = newError(http.StatusForbidden, ErrCSRFTokenMissing, msgCSRFMissing)
	errCSRFMismatch = newError(http.StatusForbidden, ErrCSRFTokenMismatch, msgCSRFMismatch)
)

// csrfTokenBytes is the entropy of a CSRF token: 256 bits, as a key.
const csrfTokenBytes = 32

// newCSRFToken returns a random CSRF token, base64url without padding, a
// valid cookie and header value.
func newCSRFToken() (string, error) {
	var b [csrfTokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// checkCSRF applies the two CSRF layers to a request whose token, of
// claims, came from a cookie; other requests pass.
func (a *Authorizer) checkCSRF(c *gin.Context, claims *Claims) *Error {
	if !CookieAuthenticated(c) {
		return nil
	}
	r := c.Request
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		if isWebSocketUpgrade(r) {
			return a.checkWebSocketOrigin(r)
		}
		return nil
	}
	if a.cookies.origins.Check(r) != nil {
		return errCrossOrigin
	}
	sent := r.Header[a.cookies.csrfHdr]
	switch {
	case len(sent) == 0 || len(sent) == 1 && sent[0] == "":
		return errCSRFMissing
	case len(sent) > 1 || claims.CSRF == "":
		return errCSRFMismatch
	}
	if subtle.ConstantTimeCompare([]byte(sent[0]), []byte(claims.CSRF)) != 1 {
		return errCSRFMismatch
	}
	return nil
}

// crossOriginUpgradeKey marks, in the gin.Context, a WebSocket handshake
// from an origin that checkWebSocketOrigin refuses: InCookie reads no
// cookie in it.
type crossOriginUpgradeKey struct{}

// refuseCookiesOfUpgrade reports whether c is a WebSocket handshake from a
// refused origin, and if so marks it so that no cookie is read for it.
// The origin is judged before any token is looked for: were the cookie
// read and verified first, the answer (a close reason a page can read,
// with CloseWebSocket) would tell a page of a sibling origin whether
// the visitor is logged in, and with an expired or a valid token.
// Tokens the page itself supplies (a header, a subprotocol) are still
// read: they are no ambient credential.
func (a *Authorizer) refuseCookiesOfUpgrade(c *gin.Context) bool {
	if !isWebSocketUpgrade(c.Request) || a.checkWebSocketOrigin(c.Request) == nil {
		return false
	}
	c.Set(crossOriginUpgradeKey{}, true)
	return true
}

// checkWebSocketOrigin refuses a WebSocket handshake with a cookie from a
// page of another origin: the handshake is a GET, which
// CrossOriginProtection lets through, yet it opens a channel that acts for
// the user, and a page cannot add the CSRF header to it. The same origin
// rules apply as to an unsafe request.
func (a *Authorizer) checkWebSocketOrigin(r *http.Request) *Error {
	asUnsafe := *r // shallow: only the method differs
	asUnsafe.Method = http.MethodPost
	if a.cookies.origins.Check(&asUnsafe) != nil {
		return errCrossOrigin
	}
	return nil
}

// RefuseCrossOrigin returns a middleware that applies the first CSRF
// layer, the cross-origin check, to every unsafe request (not GET, HEAD or
// OPTIONS) of its routes, whatever their credentials: a request that the
// browser says (Sec-Fetch-Site, Origin) comes from another origin than the
// server's and CookieConfig.TrustedOrigins answers 403 "Cross-origin
// request refused" through the error handler, wrapping ErrCrossOrigin.
//
// Register it on the routes that set session cookies before there is a
// session to check: login, sign-up. Without it, a page of another site can
// post the victim's browser to the login route with the attacker's
// credentials (a text/plain form needs no CORS preflight) and leave the
// victim logged in to the attacker's account: login CSRF. Requests that
// carry a session cookie already go through both layers in the checks.
// Clients other than browsers send neither header and pass.
func (a *Authorizer) RefuseCrossOrigin() gin.HandlerFunc {
	return func(c *gin.Context) {
		if a.cookies.origins.Check(c.Request) != nil {
			a.Abort(c, errCrossOrigin)
			return
		}
		c.Next()
	}
}
