package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// closeGuard bounds every wait for a socket to close: a healthy one closes
// within milliseconds of the logout.
const closeGuard = 10 * time.Second

// TestDevices drives the device routes and the socket over real HTTP,
// with the in-memory store and with the Redis store.
func TestDevices(t *testing.T) { withEachStore(t, devices) }

// listedSession is one entry of GET /sessions.
type listedSession struct {
	ID        string            `json:"id"`
	Started   time.Time         `json:"started"`
	Refreshed time.Time         `json:"refreshed"`
	Expires   time.Time         `json:"expires"`
	Current   bool              `json:"current"`
	Metadata  map[string]string `json:"metadata"`
}

func sessionsOf(t *testing.T, srv *exampletest.Server, access string) []listedSession {
	t.Helper()
	resp := srv.Call(http.MethodGet, "/sessions", nil, exampletest.Bearer(access)...)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	var out []listedSession
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &out))
	return out
}

func loginUser(t *testing.T, srv *exampletest.Server, user, password string) pair {
	t.Helper()
	resp := srv.Login("/login", user, password)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	return pair{resp.Field(t, "access_token"), resp.Field(t, "refresh_token")}
}

// currentID returns the ID of the session of access.
func currentID(t *testing.T, srv *exampletest.Server, access string) string {
	t.Helper()
	for _, s := range sessionsOf(t, srv, access) {
		if s.Current {
			return s.ID
		}
	}
	t.Fatal("no current session in the list")
	return ""
}

// testSocket is a client's socket on /ws, read in the background, as
// Ping needs, until the server closes it.
type testSocket struct {
	conn   *websocket.Conn
	closed chan error // the error that ended the reads
}

// dialSocket opens /ws with the token in the Authorization header, or as
// the paseto subprotocol, and reads the greeting.
func dialSocket(t *testing.T, url, access string, subprotocol bool) *testSocket {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), closeGuard)
	defer cancel()
	opts := &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + access}}}
	if subprotocol {
		opts = &websocket.DialOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol, access}}
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/ws", opts)
	require.NoError(t, err)
	t.Cleanup(func() { conn.CloseNow() })
	var hello struct {
		User string `json:"user"`
	}
	require.NoError(t, wsjson.Read(ctx, conn, &hello))
	require.NotEmpty(t, hello.User)
	s := &testSocket{conn: conn, closed: make(chan error, 1)}
	go func() {
		for {
			if _, _, err := conn.Read(context.Background()); err != nil {
				s.closed <- err
				return
			}
		}
	}()
	return s
}

// closedWith waits for the server to close s and returns the close status
// and reason.
func closedWith(t *testing.T, s *testSocket) (websocket.StatusCode, string) {
	t.Helper()
	select {
	case err := <-s.closed:
		var ce websocket.CloseError
		require.True(t, errors.As(err, &ce), "want a close frame, got %v", err)
		return ce.Code, ce.Reason
	case <-time.After(closeGuard):
		t.Fatalf("the socket was not closed within %v", closeGuard)
		return 0, ""
	}
}

// stillOpen checks that s is open: a ping is answered.
func stillOpen(t *testing.T, s *testSocket) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), closeGuard)
	defer cancel()
	require.NoError(t, s.conn.Ping(ctx), "the socket is open")
}

func devices(t *testing.T, srv *exampletest.Server, _ *exampletest.Clock) {
	phone := loginUser(t, srv, "test", "test")
	laptop := loginUser(t, srv, "test", "test")
	alice := loginUser(t, srv, "alice", "alice-password")
	for _, bad := range [][2]string{{"alice", "test"}, {"test", "alice-password"}, {"bob", ""}} {
		resp := srv.Call(http.MethodPost, "/login", map[string]string{"username": bad[0], "password": bad[1]})
		assert.Equal(t, http.StatusUnauthorized, resp.Status)
		assert.Equal(t, badLogin, resp.Body)
	}

	list := sessionsOf(t, srv, laptop.access)
	require.Len(t, list, 2)
	assert.False(t, list[0].Current)
	assert.True(t, list[1].Current)
	assert.Equal(t, "Go-http-client", list[1].Metadata["device"])
	phoneID, laptopID := list[0].ID, list[1].ID
	aliceID := currentID(t, srv, alice.access)

	phoneSocket := dialSocket(t, srv.URL, phone.access, true)
	laptopSocket := dialSocket(t, srv.URL, laptop.access, false)
	aliceSocket := dialSocket(t, srv.URL, alice.access, true)

	srv.Check([]exampletest.Case{
		{Name: "alice cannot end test's session", Method: http.MethodDelete, Path: "/sessions/" + phoneID, Token: alice.access,
			Status: http.StatusNotFound, Want: `{"detail":"Session not found"}`},
		{Name: "nor test alice's", Method: http.MethodDelete, Path: "/sessions/" + aliceID, Token: laptop.access,
			Status: http.StatusNotFound, Want: `{"detail":"Session not found"}`},
		{Name: "the phone still works", Path: "/user", Token: phone.access, Status: http.StatusOK, Want: userTest},
		{Name: "the laptop ends the phone's session", Method: http.MethodDelete, Path: "/sessions/" + phoneID, Token: laptop.access,
			Status: http.StatusNoContent},
		{Name: "the phone is logged out", Path: "/user", Token: phone.access, Status: http.StatusUnauthorized, Want: revoked},
		{Name: "the laptop is not", Path: "/user", Token: laptop.access, Status: http.StatusOK, Want: userTest},
	})
	code, reason := closedWith(t, phoneSocket)
	assert.Equal(t, websocket.StatusPolicyViolation, code)
	assert.Equal(t, "Token has been revoked", reason)
	stillOpen(t, laptopSocket)
	stillOpen(t, aliceSocket)
	assert.Equal(t, []string{laptopID}, ids(sessionsOf(t, srv, laptop.access)))

	t.Run("log out the other devices", func(t *testing.T) {
		desktop := loginUser(t, srv, "test", "test")
		desktopSocket := dialSocket(t, srv.URL, desktop.access, true)
		resp := srv.Call(http.MethodPost, "/logout-others", nil, exampletest.Bearer(desktop.access)...)
		require.Equal(t, http.StatusNoContent, resp.Status, resp.Body)
		code, reason := closedWith(t, laptopSocket)
		assert.Equal(t, websocket.StatusPolicyViolation, code)
		assert.Equal(t, "Token has been revoked", reason)
		assert.Len(t, sessionsOf(t, srv, desktop.access), 1)
		stillOpen(t, desktopSocket)
		stillOpen(t, aliceSocket)
	})
	t.Run("a refused handshake closes with the reason", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), closeGuard)
		defer cancel()
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws",
			&websocket.DialOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol, phone.access}})
		require.NoError(t, err)
		defer conn.CloseNow()
		_, _, err = conn.Read(ctx)
		var ce websocket.CloseError
		require.True(t, errors.As(err, &ce), "want a close frame, got %v", err)
		code, reason := ce.Code, ce.Reason
		assert.Equal(t, websocket.StatusPolicyViolation, code)
		assert.Equal(t, "Token has been revoked", reason)
	})
}

func ids(list []listedSession) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

// TestSocketExpires: a socket opened with an access token closes when the
// token expires, at its exp.
func TestSocketExpires(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithLifetime(ginpaseto.TypeAccess, time.Second))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	p := loginUser(t, srv, "test", "test")
	claims, err := auth.CheckToken(t.Context(), p.access, ginpaseto.TypeAccess)
	require.NoError(t, err)
	conn := dialSocket(t, srv.URL, p.access, true)
	code, reason := closedWith(t, conn)
	closed := time.Now()
	assert.Equal(t, websocket.StatusPolicyViolation, code)
	assert.Equal(t, "Token has expired", reason)
	assert.False(t, closed.Before(claims.Expiration), "closed at %v, before exp %v", closed, claims.Expiration)
	t.Logf("closed %v after exp", closed.Sub(claims.Expiration))
}

// TestSocketsWhenRedisIsDown: when Redis stops answering, a watched socket
// cannot be vouched for and closes with the reason, as a request would be
// refused with 503; once Redis is back, a new socket opens.
func TestSocketsWhenRedisIsDown(t *testing.T) {
	redis := redistest.Start(t)
	store, err := redisStore("redis://" + redis.Addr + "/0")
	require.NoError(t, err)
	t.Cleanup(store.Close)
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithStore(store))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	p := loginUser(t, srv, "test", "test")
	socket := dialSocket(t, srv.URL, p.access, true)

	redis.Stop()
	code, reason := closedWith(t, socket)
	assert.Equal(t, websocket.StatusPolicyViolation, code)
	assert.Equal(t, "Token revocation status unavailable", reason)

	redis.Start()
	deadline := time.Now().Add(closeGuard)
	for srv.Call(http.MethodGet, "/user", nil, exampletest.Bearer(p.access)...).Status != http.StatusOK {
		require.True(t, time.Now().Before(deadline), "the store did not come back")
		time.Sleep(10 * time.Millisecond)
	}
	stillOpen(t, dialSocket(t, srv.URL, p.access, false))
}

// TestSocketClosedRightAfterGreeting logs out sessions the moment their
// socket's greeting arrives: each socket still gets its close frame, 1008
// with the reason, never a connection dropped without one.
func TestSocketClosedRightAfterGreeting(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	for range 500 {
		p := loginUser(t, srv, "test", "test")
		socket := dialSocket(t, srv.URL, p.access, false)
		require.Equal(t, http.StatusNoContent, srv.Call(http.MethodPost, "/logout", nil, exampletest.Bearer(p.access)...).Status)
		code, reason := closedWith(t, socket)
		require.Equal(t, websocket.StatusPolicyViolation, code)
		require.Equal(t, "Token has been revoked", reason)
	}
}
