package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
)

// server starts the example with the test key.
func server(t *testing.T) *exampletest.Server {
	t.Helper()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	return exampletest.Serve(t, newRouter(auth))
}

// login returns an access token for the example's user.
func login(t *testing.T, srv *exampletest.Server) string {
	t.Helper()
	return srv.Login("/login", "test", "test").Field(t, "access_token")
}

// expiredToken returns an access token, signed with the test key, that
// expired long ago.
func expiredToken(t *testing.T) string {
	t.Helper()
	past, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey),
		ginpaseto.WithClock(func() time.Time { return time.Now().Add(-24 * time.Hour) }))
	require.NoError(t, err)
	tok, err := past.CreateAccessToken(context.Background(), "test")
	require.NoError(t, err)
	return tok
}

// dial opens a WebSocket to path with token ("" for none) in the query, as
// a browser would.
func dial(t *testing.T, srv *exampletest.Server, path, token string, subprotocols ...string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + path
	if token != "" {
		u += "?" + url.Values{"token": {token}}.Encode()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: subprotocols})
	if conn != nil {
		t.Cleanup(func() { conn.CloseNow() })
	}
	return conn, resp, err
}

// testContext bounds one test's reads and writes, so that a server that
// never answers fails the test instead of hanging it.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestEchoWithValidToken(t *testing.T) {
	srv := server(t)
	token := login(t, srv)
	for _, path := range []string{"/ws", "/ws-close"} {
		for _, protos := range [][]string{nil, {"chat"}} {
			t.Run(fmt.Sprintf("%s %v", path, protos), func(t *testing.T) {
				conn, resp, err := dial(t, srv, path, token, protos...)
				require.NoError(t, err)
				assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
				if len(protos) > 0 {
					assert.Equal(t, "chat", conn.Subprotocol())
				}
				ctx := testContext(t)
				for _, msg := range []string{"one", "two", "three"} {
					require.NoError(t, conn.Write(ctx, websocket.MessageText, []byte(msg)))
				}
				for _, msg := range []string{"one", "two", "three"} {
					typ, got, err := conn.Read(ctx)
					require.NoError(t, err)
					assert.Equal(t, websocket.MessageText, typ)
					assert.Equal(t, "test: "+msg, string(got))
				}
				require.NoError(t, conn.Close(websocket.StatusNormalClosure, "bye"))
			})
		}
	}
}

// badTokens are the ways a handshake fails, with the detail each one gets.
func badTokens(t *testing.T) []struct{ name, token, detail string } {
	return []struct{ name, token, detail string }{
		{"no token", "", "PASETO Authorization Token required"},
		{"bad token", "v4.local.bad", "Invalid PASETO token"},
		{"expired token", expiredToken(t), "Token has expired"},
	}
}

func TestHandshakeRefused(t *testing.T) {
	srv := server(t)
	for _, tc := range badTokens(t) {
		t.Run(tc.name, func(t *testing.T) {
			conn, resp, err := dial(t, srv, "/ws", tc.token)
			require.Error(t, err)
			assert.Nil(t, conn)
			require.NotNil(t, resp)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			var got struct{ Detail string }
			require.NoError(t, json.Unmarshal(body, &got), "body: %s", body)
			assert.Equal(t, tc.detail, got.Detail)
		})
	}
}

func TestHandshakeAcceptedThenClosed(t *testing.T) {
	srv := server(t)
	for _, tc := range badTokens(t) {
		for _, protos := range [][]string{nil, {"chat"}} {
			t.Run(fmt.Sprintf("%s %v", tc.name, protos), func(t *testing.T) {
				conn, resp, err := dial(t, srv, "/ws-close", tc.token, protos...)
				require.NoError(t, err)
				assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
				if len(protos) > 0 {
					assert.Equal(t, "chat", conn.Subprotocol())
				}
				_, _, err = conn.Read(testContext(t))
				var closed websocket.CloseError
				require.True(t, errors.As(err, &closed), "want a close frame, got %v", err)
				assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err))
				assert.Equal(t, tc.detail, closed.Reason)
			})
		}
	}
}

func TestLoginAndPage(t *testing.T) {
	srv := server(t)
	resp := srv.Call(http.MethodPost, "/login", map[string]string{"username": "test", "password": "wrong"})
	assert.Equal(t, http.StatusUnauthorized, resp.Status)
	assert.Equal(t, "Bad username or password", resp.Field(t, "detail"))

	resp = srv.Call(http.MethodGet, "/", nil)
	assert.Equal(t, http.StatusOK, resp.Status)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, resp.Body, "new WebSocket(")
	assert.Contains(t, resp.Body, "event.reason")

	// Without an upgrade, the query parameter is not a token location.
	resp = srv.Call(http.MethodGet, "/ws?token="+url.QueryEscape(login(t, srv)), nil)
	assert.Equal(t, http.StatusUnauthorized, resp.Status)
	assert.Equal(t, "PASETO Authorization Token required", resp.Field(t, "detail"))
}
