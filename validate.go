package ginpaseto

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// Configuration mistakes. New refuses those it can see in the options;
// the others show only in the requests a deployment serves, and are
// explained there: in the log, once per Authorizer, and in Error.Err of
// each answer they cause, so that they do not read as a client that sent
// no token. The client is told no more than before.

// validate checks the configuration as a whole, once the keys are
// loaded: the mistakes no single option can see.
func (a *Authorizer) validate() error {
	if err := a.checkVerifyOnly(a.cfg.keyNames); err != nil {
		return err
	}
	return a.addCookieLocation()
}

// cookieLocationListed reports whether the locations were given (by
// WithTokenLocations or PASETO_TOKEN_LOCATIONS) and list InCookie.
func (c *config) cookieLocationListed() bool {
	return c.check.locationsBy != "" && c.check.readsCookie()
}

// addCookieLocation makes the checks of an Authorizer built with
// WithCookies read the access cookie: by default they read the header,
// then the cookie. Locations given without InCookie are refused, since no
// check would read the cookies that logins set.
func (a *Authorizer) addCookieLocation() error {
	c := &a.cfg
	switch {
	case c.cookies == nil || c.check.readsCookie():
		return nil
	case c.check.locationsBy == "":
		c.check.locations = append(slices.Clone(c.check.locations), InCookie)
		return nil
	}
	names := make([]string, 0, len(c.check.locations)+1)
	for _, l := range c.check.locations {
		names = append(names, l.String())
	}
	fix := "WithTokenLocations(" + strings.Join(append(names, "InCookie"), ", ") + ")"
	if c.check.locationsBy != "WithTokenLocations" {
		short := make([]string, 0, len(names)+1)
		for _, n := range append(names, "InCookie") {
			short = append(short, strings.ToLower(strings.TrimPrefix(n, "In")))
		}
		fix = c.check.locationsBy + "=" + strings.Join(short, ",")
	}
	return fmt.Errorf("ginpaseto: New: WithCookies sets the session cookies at login, but no check reads them: %s lists %s without InCookie; add it: %s", c.check.locationsBy, strings.Join(names, ", "), fix)
}

// createsWith records that the option or variable name only shapes the
// tokens and sessions the Authorizer creates, so that an Authorizer that
// only verifies tokens refuses it.
func (c *config) createsWith(name string) {
	if !slices.Contains(c.creationOnly, name) {
		c.creationOnly = append(c.creationOnly, name)
	}
}

// creationOnlyFix says what to do about the option or variable name
// (createsWith) on an Authorizer that only verifies tokens.
func creationOnlyFix(name string) string {
	switch name {
	case "WithIssuer", "PASETO_ISSUER":
		expected := "WithExpectedIssuer"
		if name == "PASETO_ISSUER" {
			expected = "PASETO_EXPECTED_ISSUER"
		}
		return "to require an issuer of the tokens this Authorizer checks, use " + expected + " instead"
	}
	drop := "drop it"
	if strings.HasPrefix(name, envPrefix) {
		drop = "unset it"
	}
	if name == "WithRefreshGrace" || name == "PASETO_REFRESH_GRACE" {
		return drop + ": the Authorizer that rotates the refresh tokens applies the grace"
	}
	return drop + ": the Authorizer that starts the sessions sets their lifetime"
}

// keyOrigins names what gave the Authorizer its keys, for the messages
// about them: the single-key options or the variables FromEnv read them
// from, WithKeys, or WithKeySet.
func (c *config) keyOrigins() string {
	switch {
	case c.keySet != nil:
		return "WithKeySet"
	case c.keys != nil:
		return "WithKeys"
	}
	var names []string
	for _, k := range []struct {
		src    *keySource
		option string
	}{{c.secretKey, optSecretKey}, {c.privateKey, optPrivateKey}, {c.publicKey, optPublicKey}} {
		switch {
		case k.src == nil:
		case k.src.origin != "":
			names = append(names, k.src.origin)
		default:
			names = append(names, k.option)
		}
	}
	return strings.Join(names, " and ")
}

// checkVerifyOnly refuses, on an Authorizer that cannot create tokens
// (a public key alone, keys none of which is active, a key set), the
// options that only apply to the tokens and sessions it would create:
// they say that the Authorizer was meant to log users in, which would fail
// at every login. A shared store stays allowed: a verifier checks
// revocations in it, and the token lifetimes, which RevokeSubject reads.
func (a *Authorizer) checkVerifyOnly(keys string) error {
	if ring := a.keys.Load(); a.cfg.keySet == nil && ring != nil && len(ring.active) > 0 {
		return nil // a key creates tokens
	}
	only := "only verifies tokens, with " + keys + " alone"
	switch {
	case a.cfg.keySet != nil:
		only = "takes its keys from a key set (WithKeySet), which only verify tokens"
	case keys == "WithKeys":
		only = "has no active key in WithKeys (public keys, or retired keys only), so it only verifies tokens"
	}
	fix := "give it a key that creates tokens (WithPrivateKey, or WithSecretKey for local tokens)"
	if strings.HasPrefix(keys, envPrefix) {
		fix = "give it a key that creates tokens (PASETO_PRIVATE_KEY, or PASETO_SECRET_KEY for local tokens)"
	}
	if a.cfg.cookies != nil && !a.cfg.cookieLocationListed() {
		return fmt.Errorf("ginpaseto: New: WithCookies sets up browser sessions, whose cookies an Authorizer sets at login with tokens it creates, and this Authorizer %s: %s; or, to read the cookies another service sets, list the cookie location: WithTokenLocations(InHeader, InCookie)", only, fix)
	}
	if len(a.cfg.creationOnly) > 0 {
		name := a.cfg.creationOnly[0]
		return fmt.Errorf("ginpaseto: New: %s only applies to the tokens and sessions an Authorizer creates, and this Authorizer %s: %s; or %s", name, only, fix, creationOnlyFix(name))
	}
	return nil
}

// cookieHints remembers which explanations an Authorizer has logged.
type cookieHints struct {
	refreshPath sync.Once // a refresh route outside the refresh cookie's path
	plainHTTP   sync.Once // Secure cookies over plain HTTP
}

// explainMissingCookie returns the error for a check that reads a cookie
// and found no token, with the reason when the configuration, not the
// client, kept the cookie away: a refresh route outside the refresh
// cookie's path, or Secure cookies over plain HTTP to a host that is not
// loopback. Otherwise it returns errMissing itself.
func (a *Authorizer) explainMissingCookie(c *gin.Context, ch *check) *Error {
	r := c.Request
	if ch.tokenType == TypeRefresh && ch.readsSessionCookie && !a.cookies.refreshSentTo(r.URL.Path) {
		why := fmt.Sprintf("the refresh cookie %s is sent to %s only (CookieConfig.RefreshPath), and this route is %s: register the refresh route under %s, or set RefreshPath to this route's path",
			a.cookies.refresh.Name, a.cookies.refresh.Path, r.URL.Path, a.cookies.refresh.Path)
		a.hints.refreshPath.Do(func() {
			slog.Warn("ginpaseto: a refresh route never receives the refresh cookie", "reason", why)
		})
		return missingBecause(why)
	}
	if why := a.plainHTTPCookies(r); why != "" {
		a.hints.plainHTTP.Do(func() {
			slog.Warn("ginpaseto: Secure session cookies over plain HTTP", "reason", why)
		})
		return missingBecause(why)
	}
	return errMissing
}

// warnPlainHTTPCookies logs, once, that the session cookies being set on
// this request will be dropped by the browser, as Secure cookies sent over
// plain HTTP to a host that is not loopback are.
func (a *Authorizer) warnPlainHTTPCookies(r *http.Request) {
	if why := a.plainHTTPCookies(r); why != "" {
		a.hints.plainHTTP.Do(func() {
			slog.Warn("ginpaseto: Secure session cookies over plain HTTP", "reason", why)
		})
	}
}

// plainHTTPCookies explains why the session cookies do not travel on r,
// or returns "" when they may: they are Secure, and r came over plain HTTP
// to a host that is not loopback, where browsers neither keep nor send
// Secure cookies (on http://localhost they do).
func (a *Authorizer) plainHTTPCookies(r *http.Request) string {
	if !a.cookies.access.Secure || overHTTPS(r) || loopbackHost(r.Host) {
		return ""
	}
	return fmt.Sprintf("the session cookies are Secure, and this request came over plain HTTP to %s: browsers drop Secure cookies set over plain HTTP and never send them there; serve HTTPS (behind a proxy that terminates TLS, have it send X-Forwarded-Proto: https) or, in development only, CookieConfig{Insecure: true}",
		hostOnly(r.Host))
}

// missingBecause is errMissing with the reason no token came.
func missingBecause(why string) *Error {
	return &Error{Status: errMissing.Status, Message: errMissing.Message, Err: fmt.Errorf("%w: %s", ErrTokenMissing, why)}
}

// overHTTPS reports whether r reached the server, or the proxy in front
// of it, over TLS. The forwarded headers are believed from anyone: they
// only silence an explanation, and grant nothing.
func overHTTPS(r *http.Request) bool {
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return true
	}
	for _, f := range r.Header.Values("Forwarded") {
		for _, part := range strings.FieldsFunc(f, func(c rune) bool { return c == ';' || c == ',' }) {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			if strings.EqualFold(k, "proto") && strings.EqualFold(strings.Trim(v, `"`), "https") {
				return true
			}
		}
	}
	return false
}

// loopbackHost reports whether host (a Host header, with or without a port)
// names this machine: localhost, a name under .localhost, or a loopback
// address, on which browsers treat plain HTTP as secure.
func loopbackHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(hostOnly(host), "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// hostOnly drops the port of a Host header, and the brackets of an IPv6
// address.
func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
}
