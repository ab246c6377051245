package main

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

// users are the demo accounts: two, to show that one user cannot end
// another's session. A real service checks a password hash in its user
// store.
var users = map[string]string{"test": "test", "alice": "alice-password"}

// loginHandler starts a session for a demo account, labelled with a summary of
// the browser that logged in, for the list of sessions.
func loginHandler(auth *ginpaseto.Authorizer) gin.HandlerFunc {
	return func(c *gin.Context) {
		var u struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}
		want, known := "", false
		if c.ShouldBindJSON(&u) == nil {
			want, known = users[u.Username]
		}
		if !known || subtle.ConstantTimeCompare([]byte(u.Password), []byte(want)) != 1 {
			c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
			return
		}
		device := ginpaseto.SessionMetadata(map[string]string{"device": deviceOf(c.GetHeader("User-Agent"))})
		_, _ = auth.StartSession(c, u.Username, ginpaseto.PairOptions(func(*gin.Context, string) ([]ginpaseto.TokenOption, error) {
			return []ginpaseto.TokenOption{device}, nil
		})) // it answered; gin logged any error
	}
}

// deviceOf summarises a User-Agent header as a browser name, never the
// whole header: it is shown to the user, and must stay short.
func deviceOf(userAgent string) string {
	for _, name := range []string{"Edg", "Firefox", "Chrome", "Safari", "curl", "Go-http-client"} {
		if strings.Contains(userAgent, name) {
			return name
		}
	}
	return "unknown browser"
}

// addDevices adds what a user sees of their sessions: the list, ending one
// or all the others, and a WebSocket that closes when its session ends.
func addDevices(r *gin.Engine, auth *ginpaseto.Authorizer) {
	r.GET("/", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		exampleapp.Page(c, "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(page))
	})
	r.GET("/sessions", auth.Required(), auth.SessionsHandler())
	r.DELETE("/sessions/:id", auth.Required(), auth.EndSessionHandler("id"))
	r.POST("/logout-others", auth.Required(), auth.LogoutHandler(ginpaseto.Others()))
	// The header, as on every route, and the subprotocol, as browsers can.
	r.GET("/ws", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol), ginpaseto.CloseWebSocket()), socket(auth))
}

// writeTimeout bounds a write to a client that does not read.
const writeTimeout = 10 * time.Second

// socket upgrades an authenticated request, greets the user, and closes
// the connection with 1008 and the reason ("Token has been revoked",
// "Token has expired") as soon as the token it was opened with stops
// being valid: a logout through any instance, or its exp.
func socket(auth *ginpaseto.Authorizer) gin.HandlerFunc {
	return func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c) // Required accepted it
		conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol}})
		if err != nil {
			return // Accept has answered the client
		}
		defer conn.CloseNow()
		watched, stop := auth.Watch(c.Request.Context(), claims)
		defer stop()
		// This socket only speaks: reading in the background answers pings
		// and notices the client's close. Neither the reads nor the writes
		// take watched as their context: a context that ends drops the
		// connection without a close frame, even when it ends just after
		// the write it was given for.
		gone := conn.CloseRead(context.Background())
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		err = wsjson.Write(ctx, conn, gin.H{"user": claims.Subject})
		cancel()
		if err != nil {
			return
		}
		select {
		case <-watched.Done():
			code, reason := auth.WebSocketCloseStatus(context.Cause(watched))
			_ = conn.Close(websocket.StatusCode(code), reason)
		case <-gone.Done():
		}
	}
}
