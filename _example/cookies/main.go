// Command cookies is a browser application's sessions: the page at /
// logs in with a form, and the tokens then travel in cookies that its
// script cannot read. Unsafe requests repeat the CSRF token, which the
// page reads from the one readable cookie, in header X-CSRF-Token; pages of
// other origins are refused. When a request answers 401, the page's
// script refreshes the session once and sends it again (docs/browser.md,
// "The page's script"). /ws is a WebSocket that the cookie authenticates
// too.
//
//	go run ./_example/cookies    # then open http://localhost:8000
//
// Routes: GET / the page; POST /login (JSON {"username","password"} or a
// form) sets the cookies; GET /user; POST /notes, which needs the CSRF
// header; POST /refresh rotates the cookies; POST /logout ends the session
// and clears them, even once the access cookie has expired (the refresh
// cookie reaches /logout too); GET /ws greets the user. Clients that are not browsers
// may send the access token in the Authorization header instead, and need
// no CSRF header then.
//
// The cookies are Secure, which browsers accept over plain HTTP on
// localhost only. To serve plain HTTP on another name during development,
// set INSECURE_COOKIES=1. PORT sets the port (default 8000) and HOST the
// interface (default 127.0.0.1, this machine only), PASETO_SECRET_KEY
// the key (an ephemeral one when unset); the other PASETO_* variables
// (PASETO_ACCESS_LIFETIME, PASETO_REFRESH_GRACE...) apply as
// ginpaseto.FromEnv reads them.
package main

import (
	_ "embed"
	"html/template"
	"log"
	"net/http"
	"os"
	"sync/atomic"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

func main() {
	auth, err := newAuthorizer(envOptions()...)
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

// envOptions configures the Authorizer from the environment: the PASETO_*
// variables, with an ephemeral key when no key variable is set, and
// INSECURE_COOKIES.
func envOptions() []ginpaseto.Option {
	opts := exampleapp.EnvOptions()
	if os.Getenv("INSECURE_COOKIES") == "1" {
		log.Print("INSECURE_COOKIES=1: the cookies are not Secure; for development over plain HTTP only")
		// Replaces the secure defaults that newAuthorizer sets first.
		opts = append(opts, ginpaseto.WithCookies(ginpaseto.CookieConfig{Insecure: true}))
	}
	return opts
}

// newAuthorizer builds the Authorizer of the example: tokens in the
// Authorization header or in the session cookies, the header first, which
// WithCookies alone asks for.
func newAuthorizer(opts ...ginpaseto.Option) (*ginpaseto.Authorizer, error) {
	return ginpaseto.New(append([]ginpaseto.Option{
		ginpaseto.WithCookies(ginpaseto.CookieConfig{}), // the secure defaults
	}, opts...)...)
}

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Parse(pageHTML))

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	csrfCookie, csrfHeader := auth.CSRFCookieName(), auth.CSRFHeaderName()
	r.GET("/", func(c *gin.Context) {
		exampleapp.Page(c, "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
		if err := page.Execute(c.Writer, struct{ CSRFCookie, CSRFHeader string }{csrfCookie, csrfHeader}); err != nil {
			_ = c.Error(err)
		}
	})
	// The CSRF checks guard requests made with a session; login has none
	// yet, so it is kept to this origin too, lest another page log the
	// browser into an account of its choosing.
	sameOrigin := http.NewCrossOriginProtection()
	r.POST("/login", func(c *gin.Context) {
		if sameOrigin.Check(c.Request) != nil {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"detail": "Cross-origin request refused"})
			return
		}
		if username, ok := login(c); ok {
			_, _ = auth.StartSession(c, username, ginpaseto.SessionCookies()) // it answered; gin logged any error
		}
	})
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	var notes atomic.Int64
	r.POST("/notes", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusCreated, gin.H{"user": ginpaseto.Subject(c), "note": notes.Add(1)})
	})
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	// No check before the logout: it accepts the access cookie or, once
	// that has expired, the refresh cookie, and clears the cookies.
	r.POST("/logout", auth.LogoutHandler())
	// A page can authenticate a WebSocket with the cookie, or with the
	// token offered as a subprotocol, new WebSocket(url, ["paseto", token]).
	r.GET("/ws", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol)), greet)
	return r
}

// login accepts the demo account test/test, sent as JSON or as a form.
// Otherwise it has answered 401 and ok is false.
func login(c *gin.Context) (username string, ok bool) {
	var u struct {
		Username string `json:"username" form:"username"`
		Password string `json:"password" form:"password"`
	}
	if err := c.ShouldBind(&u); err != nil || u.Username != "test" || u.Password != "test" {
		c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
		return "", false
	}
	return u.Username, true
}

// greet upgrades the request and greets the user, then closes.
func greet(c *gin.Context) {
	conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol}})
	if err != nil {
		return // Accept answered the client
	}
	defer conn.CloseNow()
	if conn.Write(c.Request.Context(), websocket.MessageText, []byte("Hello, "+ginpaseto.Subject(c)+"!")) != nil {
		return
	}
	conn.Close(websocket.StatusNormalClosure, "")
}
