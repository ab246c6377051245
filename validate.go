package ginpaseto

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// Configuration mistakes. New refuses those it can see in the options;
// the others show only in the requests a deployment serves, and are
// explained there: in the log, once per Authorizer, and in Error.Err of
// each answer they cause, so that they do not read as a client that sent
// no token. The client is told no more than before.

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
	if ch.tokenType == TypeRefresh && !pathMatch(r.URL.Path, a.cookies.refresh.Path) {
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
