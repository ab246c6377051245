package main

import (
	"context"
	"encoding/json"
	"errors"
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

// connect opens a WebSocket to path with the example's Go client, the
// token ("" for none) offered as a subprotocol, as the page does.
func connect(t *testing.T, srv *exampletest.Server, path, token string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	conn, resp, err := dial(testContext(t), wsURL(srv, path), token)
	if conn != nil {
		t.Cleanup(func() { conn.CloseNow() })
	}
	return conn, resp, err
}

// wsURL is the ws:// address of path on srv.
func wsURL(srv *exampletest.Server, path string) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + path
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
	header := http.Header{"Authorization": {"Bearer " + token}}
	for _, path := range []string{"/ws", "/ws-close"} {
		for _, how := range []string{"subprotocol", "header"} {
			t.Run(path+" "+how, func(t *testing.T) {
				ctx := testContext(t)
				var conn *websocket.Conn
				var resp *http.Response
				var err error
				if how == "subprotocol" {
					conn, resp, err = connect(t, srv, path, token)
				} else {
					conn, resp, err = websocket.Dial(ctx, wsURL(srv, path), &websocket.DialOptions{HTTPHeader: header})
				}
				require.NoError(t, err)
				defer conn.CloseNow()
				assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
				if how == "subprotocol" {
					assert.Equal(t, ginpaseto.WebSocketProtocol, conn.Subprotocol())
					assert.Equal(t, []string{ginpaseto.WebSocketProtocol}, resp.Header.Values("Sec-WebSocket-Protocol"))
				}
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
			conn, resp, err := connect(t, srv, "/ws", tc.token)
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
		t.Run(tc.name, func(t *testing.T) {
			conn, resp, err := connect(t, srv, "/ws-close", tc.token)
			require.NoError(t, err)
			assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
			if tc.token != "" {
				// Selected by the close answer too, and never the token.
				assert.Equal(t, ginpaseto.WebSocketProtocol, conn.Subprotocol())
			}
			_, _, err = conn.Read(testContext(t))
			var closed websocket.CloseError
			require.True(t, errors.As(err, &closed), "want a close frame, got %v", err)
			assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err))
			assert.Equal(t, tc.detail, closed.Reason)
		})
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
	exampletest.PageHeaders(t, resp.Header) // the page holds a token: no other origin may frame it
	assert.Contains(t, resp.Body, `new WebSocket(url, token ? ["paseto", token] : [])`)
	assert.Contains(t, resp.Body, "event.reason")
	assert.NotContains(t, resp.Body, "?token=")

	// The query parameter is no token location, upgrade or not.
	token := login(t, srv)
	resp = srv.Call(http.MethodGet, "/ws?token="+url.QueryEscape(token), nil)
	assert.Equal(t, http.StatusUnauthorized, resp.Status)
	assert.Equal(t, "PASETO Authorization Token required", resp.Field(t, "detail"))
	_, wsResp, err := websocket.Dial(testContext(t), wsURL(srv, "/ws?token="+url.QueryEscape(token)), nil)
	require.Error(t, err)
	assert.Equal(t, http.StatusUnauthorized, wsResp.StatusCode)
}

// TestSocketClosesAtExpiry: an open socket is closed with 1008 and "Token
// has expired" once the token it was opened with expires.
func TestSocketClosesAtExpiry(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithLifetime(ginpaseto.TypeAccess, time.Second))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	token := login(t, srv)
	claims, err := auth.CheckToken(context.Background(), token, ginpaseto.TypeAccess)
	require.NoError(t, err)
	conn, _, err := connect(t, srv, "/ws", token)
	require.NoError(t, err)
	ctx := testContext(t)
	require.NoError(t, conn.Write(ctx, websocket.MessageText, []byte("hello")))
	_, msg, err := conn.Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, "test: hello", string(msg))
	_, _, err = conn.Read(ctx)
	closed := time.Now()
	var ce websocket.CloseError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, websocket.StatusPolicyViolation, ce.Code)
	assert.Equal(t, "Token has expired", ce.Reason)
	assert.False(t, closed.Before(claims.Expiration), "closed at %v, before exp %v", closed, claims.Expiration)
}

// TestSocketClosesOnRevoke: revoking the token closes the socket opened
// with it, with the reason.
func TestSocketClosesOnRevoke(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	token := login(t, srv)
	claims, err := auth.CheckToken(context.Background(), token, ginpaseto.TypeAccess)
	require.NoError(t, err)
	conn, _, err := connect(t, srv, "/ws-close", token)
	require.NoError(t, err)
	ctx := testContext(t)
	require.NoError(t, conn.Write(ctx, websocket.MessageText, []byte("hello")))
	_, _, err = conn.Read(ctx)
	require.NoError(t, err)
	require.NoError(t, auth.Revoke(context.Background(), claims))
	_, _, err = conn.Read(ctx)
	var ce websocket.CloseError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, websocket.StatusPolicyViolation, ce.Code)
	assert.Equal(t, "Token has been revoked", ce.Reason)
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
