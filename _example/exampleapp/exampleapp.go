// Package exampleapp holds what the example programs need but none of
// them is about: a key to start with, a demo login, a 500 for a token that
// could not be made, the address to listen on, and a Gin engine and an
// HTTP server set up as a service runs them. A real service has its own
// configuration and user store instead.
package exampleapp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/accesslog"
)

// SecretKey returns PASETO_SECRET_KEY or, when it is unset, a random key
// for this run only, logging one line that says so: tokens then stop
// working when the program restarts. A real service loads its key from its
// configuration and refuses to start without one.
func SecretKey() string {
	if key := os.Getenv("PASETO_SECRET_KEY"); key != "" {
		return key
	}
	key := make([]byte, 32)
	rand.Read(key) // never fails since Go 1.24
	log.Print("PASETO_SECRET_KEY is not set: using an ephemeral key, tokens will not survive a restart")
	return hex.EncodeToString(key)
}

// EnvOptions configures an Authorizer from the PASETO_* variables
// (ginpaseto.FromEnv): keys, lifetimes, the refresh grace and the rest.
// When no key variable is set (PASETO_SECRET_KEY, PASETO_PRIVATE_KEY,
// PASETO_PUBLIC_KEY or their _FILE forms), it adds a random secret key
// for this run only, as SecretKey does, logging one line that says so.
func EnvOptions() []ginpaseto.Option {
	for _, name := range []string{"PASETO_SECRET_KEY", "PASETO_PRIVATE_KEY", "PASETO_PUBLIC_KEY"} {
		for _, v := range []string{name, name + "_FILE"} {
			if _, set := os.LookupEnv(v); set {
				return []ginpaseto.Option{ginpaseto.FromEnv()}
			}
		}
	}
	return []ginpaseto.Option{ginpaseto.WithSecretKey(SecretKey()), ginpaseto.FromEnv()}
}

// Login reads a login request, a JSON body {"username":…,"password":…},
// and accepts the demo account test/test only. A body that is not sent as
// application/json is refused with 415 {"detail":"Content-Type must be
// application/json"}: a page of another site can post a text/plain form
// or a typeless body without asking, but not JSON, so that the login
// cannot be forged from another site to log the visitor in to the
// attacker's account (login CSRF). Otherwise it answers 401
// {"detail":"Bad username or password"} for anything but the demo
// account. Either way ok is false and it has answered, so the handler
// just returns.
func Login(c *gin.Context) (username string, ok bool) {
	if !IsJSON(c.Request) {
		c.JSON(http.StatusUnsupportedMediaType, gin.H{"detail": "Content-Type must be application/json"})
		return "", false
	}
	var u struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := c.ShouldBindJSON(&u); err != nil || u.Username != "test" || u.Password != "test" {
		c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
		return "", false
	}
	return u.Username, true
}

// IsJSON reports whether r says its body is JSON: Content-Type
// application/json, with parameters or without. Browsers send such a body
// to another origin only after a CORS preflight that the server must
// approve.
func IsJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// TokenFailed answers 500 {"detail":"Could not create token"} when err,
// from creating a token, is not nil, and reports whether it did. Only a
// misconfigured Authorizer fails there, such as one without a signing key:
// the error goes to gin's log, not to the client.
func TokenFailed(c *gin.Context, err error) bool {
	if err == nil {
		return false
	}
	_ = c.Error(err) // for gin's logger
	c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"detail": "Could not create token"})
	return true
}

// Addr is the address to listen on: HOST and PORT, by default
// 127.0.0.1:8000. The examples listen on the loopback interface only,
// reachable from this machine alone, since they let anyone log in with the
// demo account test/test; HOST=0.0.0.0 (or HOST=::) serves every
// interface, for a container or another machine.
func Addr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8000"
	}
	return HostPort(port)
}

// HostPort is port on HOST, 127.0.0.1 when HOST is unset or empty.
func HostPort(port string) string {
	host := os.Getenv("HOST")
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// NewEngine returns an empty gin.Engine set up as a service runs one:
//
//   - Gin in release mode, unless GIN_MODE asks for another mode;
//   - an access log that never holds a token, even one a client put in the
//     URL (accesslog.Formatter, with redact as more query
//     parameters to blank);
//   - panics answered with 500 and logged without the request, whose
//     headers may carry credentials;
//   - no proxy trusted, so that X-Forwarded-For cannot choose the client
//     address that logs and rate limits see, unless TRUSTED_PROXIES lists
//     the proxies' addresses or networks, comma-separated;
//   - SecurityHeaders on every response.
func NewEngine(redact ...string) *gin.Engine {
	if os.Getenv(gin.EnvGinMode) == "" && gin.Mode() == gin.DebugMode {
		gin.SetMode(gin.ReleaseMode)
	}
	r := gin.New()
	if err := r.SetTrustedProxies(trustedProxies()); err != nil {
		log.Fatalf("TRUSTED_PROXIES: %v", err)
	}
	r.Use(gin.LoggerWithFormatter(accesslog.Formatter(redact...)), recoverQuietly, SecurityHeaders)
	return r
}

// APIPolicy is the Content-Security-Policy of every answer that is not a
// page: it loads nothing and may not be framed. Page replaces it for HTML.
const APIPolicy = "default-src 'none'; frame-ancestors 'none'"

// SecurityHeaders sets the headers that keep a browser from misusing an
// answer:
//
//   - Content-Security-Policy APIPolicy, which Page replaces for HTML, and
//     X-Frame-Options: DENY for browsers without frame-ancestors: no page
//     of another origin can show one of ours in a frame, where it could
//     trick the user into clicking (clickjacking) while logged in;
//   - Referrer-Policy: no-referrer, so that a link or request leaving a
//     page does not tell another site its URL;
//   - X-Content-Type-Options: nosniff, so that JSON is never run as
//     script or shown as HTML;
//   - Cache-Control: no-store and Pragma: no-cache, since the answers of
//     these APIs carry tokens and user data that no cache on the way, nor
//     the browser's, should keep.
func SecurityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", APIPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	c.Next()
}

// Page sets the Content-Type and the Content-Security-Policy of an HTML
// page: policy, what the page itself loads (such as "default-src 'self';
// script-src 'unsafe-inline'"), followed by frame-ancestors 'none' (no
// framing by any origin), base-uri 'none' and form-action 'self'.
func Page(c *gin.Context, policy string) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Security-Policy", policy+"; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
}

// trustedProxies reads TRUSTED_PROXIES; nil trusts none.
func trustedProxies() []string {
	var proxies []string
	for p := range strings.SplitSeq(os.Getenv("TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			proxies = append(proxies, p)
		}
	}
	return proxies
}

// recoverQuietly answers a panic with 500 and logs the panic and the
// stack, but not the request as gin.Recovery can.
var recoverQuietly = gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, recovered any) {
	log.Printf("panic serving %s: %v\n%s", c.FullPath(), recovered, debug.Stack())
	c.AbortWithStatus(http.StatusInternalServerError)
})

// Timeouts bound how long a client may hold a connection: a client that
// sends its headers or its body slowly, or never, is cut off instead of
// tying up the server. The zero value of a field means no limit.
type Timeouts struct {
	ReadHeader time.Duration // to read the request line and headers
	Read       time.Duration // to read the whole request, body included
	Write      time.Duration // from the end of the headers to the end of the response
	Idle       time.Duration // between requests on a kept-alive connection
}

// DefaultTimeouts suit an API whose requests and responses are small.
// WebSockets are not cut off by them: a hijacked connection has no
// deadlines.
var DefaultTimeouts = Timeouts{
	ReadHeader: 5 * time.Second,
	Read:       15 * time.Second,
	Write:      30 * time.Second,
	Idle:       2 * time.Minute,
}

// MaxHeaderBytes bounds the request line and headers, well above what
// browsers send with cookies and a token.
const MaxHeaderBytes = 64 << 10

// NewServer returns an http.Server serving h on addr within t.
func NewServer(addr string, h http.Handler, t Timeouts) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// Serve serves h on Addr with DefaultTimeouts until the program gets
// SIGINT or SIGTERM, then lets the requests in flight finish; it exits the
// program if the server cannot start.
func Serve(h http.Handler) {
	ln, err := net.Listen("tcp", Addr())
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := ServeUntil(ctx, ln, NewServer(Addr(), h, DefaultTimeouts)); err != nil {
		log.Fatal(err)
	}
}

// ServeUntil runs srv on ln until ctx is done, then stops accepting
// connections and waits up to 15 seconds for the requests in flight.
func ServeUntil(ctx context.Context, ln net.Listener, srv *http.Server) error {
	failed := make(chan error, 1)
	go func() { failed <- srv.Serve(ln) }()
	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
	}
	log.Print("shutting down")
	grace, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(grace); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-failed; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
