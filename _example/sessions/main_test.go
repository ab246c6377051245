package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// Responses of the flows, byte for byte.
const (
	userTest   = `{"user":"test"}`
	revoked    = `{"detail":"Token has been revoked"}`
	reused     = `{"detail":"Refresh token reuse detected"}`
	badLogin   = `{"detail":"Bad username or password"}`
	noToken    = `{"detail":"PASETO Authorization Token required"}`
	notAccess  = `{"detail":"Access token required but refresh provided"}`
	notRefresh = `{"detail":"Refresh token required but access provided"}`
)

// TestSessions drives every route over real HTTP, with the in-memory
// store and with the Redis store.
func TestSessions(t *testing.T) { withEachStore(t, flows) }

// withEachStore runs test against the example's routes served over real
// HTTP, with the in-memory store and with the Redis store, each with an
// Authorizer on a clock of its own.
func withEachStore(t *testing.T, test func(*testing.T, *exampletest.Server, *exampletest.Clock)) {
	t.Run("memory", func(t *testing.T) {
		clk := &exampletest.Clock{}
		auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithClock(clk.Now))
		require.NoError(t, err)
		test(t, exampletest.Serve(t, newRouter(auth)), clk)
	})
	t.Run("redis", func(t *testing.T) {
		srv := redistest.Start(t)
		store, err := redisStore("redis://" + srv.Addr + "/0")
		require.NoError(t, err)
		t.Cleanup(store.Close)
		clk := &exampletest.Clock{}
		auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithStore(store), ginpaseto.WithClock(clk.Now))
		require.NoError(t, err)
		test(t, exampletest.Serve(t, newRouter(auth)), clk)
	})
}

// pair is the tokens of one login or refresh.
type pair struct{ access, refresh string }

func login(t *testing.T, srv *exampletest.Server) pair {
	t.Helper()
	resp := srv.Login("/login", "test", "test")
	return pair{resp.Field(t, "access_token"), resp.Field(t, "refresh_token")}
}

func refresh(t *testing.T, srv *exampletest.Server, refreshToken string) pair {
	t.Helper()
	resp := srv.Call(http.MethodPost, "/refresh", nil, exampletest.Bearer(refreshToken)...)
	require.Equal(t, http.StatusOK, resp.Status, "refresh: %s", resp.Body)
	return pair{resp.Field(t, "access_token"), resp.Field(t, "refresh_token")}
}

func flows(t *testing.T, srv *exampletest.Server, clk *exampletest.Clock) {
	t.Run("refresh, a replay within the grace, then reuse", func(t *testing.T) {
		first := login(t, srv)
		second := refresh(t, srv, first.refresh)
		replayed := refresh(t, srv, first.refresh) // another tab, a retry: within the grace
		third := refresh(t, srv, replayed.refresh)
		late := refresh(t, srv, first.refresh) // a tab that sent the first token before: within its grace still
		clk.Advance(time.Minute)               // past the grace of both rotations
		srv.Check([]exampletest.Case{
			{Name: "first access token", Path: "/user", Token: first.access, Status: http.StatusOK, Want: userTest},
			{Name: "refreshed access token", Path: "/user", Token: second.access, Status: http.StatusOK, Want: userTest},
			{Name: "the replay's access token", Path: "/user", Token: replayed.access, Status: http.StatusOK, Want: userTest},
			{Name: "the late tab's access token", Path: "/user", Token: late.access, Status: http.StatusOK, Want: userTest},
			{Name: "first refresh token again, after the grace", Method: http.MethodPost, Path: "/refresh", Token: first.refresh,
				Status: http.StatusUnauthorized, Want: reused},
			{Name: "the reuse ended the session", Path: "/user", Token: third.access, Status: http.StatusUnauthorized, Want: revoked},
			{Name: "its newest refresh token too", Method: http.MethodPost, Path: "/refresh", Token: third.refresh,
				Status: http.StatusUnauthorized, Want: revoked},
		})
	})

	t.Run("logout", func(t *testing.T) {
		ended, other := login(t, srv), login(t, srv)
		srv.Check([]exampletest.Case{
			{Name: "logout", Method: http.MethodPost, Path: "/logout", Token: ended.access, Status: http.StatusNoContent},
			{Name: "access token after logout", Path: "/user", Token: ended.access, Status: http.StatusUnauthorized, Want: revoked},
			{Name: "refresh token after logout", Method: http.MethodPost, Path: "/refresh", Token: ended.refresh,
				Status: http.StatusUnauthorized, Want: revoked},
			{Name: "logout again", Method: http.MethodPost, Path: "/logout", Token: ended.access,
				Status: http.StatusUnauthorized, Want: revoked},
			{Name: "another session", Path: "/user", Token: other.access, Status: http.StatusOK, Want: userTest},
			{Name: "logout with the refresh token", Method: http.MethodPost, Path: "/logout", Token: other.refresh, Status: http.StatusNoContent},
			{Name: "its access token after logout", Path: "/user", Token: other.access, Status: http.StatusUnauthorized, Want: revoked},
		})
	})

	t.Run("logout everywhere", func(t *testing.T) {
		one, two := login(t, srv), login(t, srv)
		two = refresh(t, srv, two.refresh)
		srv.Check([]exampletest.Case{
			{Name: "logout-all", Method: http.MethodPost, Path: "/logout-all", Token: one.access, Status: http.StatusNoContent},
			{Name: "the session logged out from", Path: "/user", Token: one.access, Status: http.StatusUnauthorized, Want: revoked},
			{Name: "another session", Path: "/user", Token: two.access, Status: http.StatusUnauthorized, Want: revoked},
			{Name: "its refresh token", Method: http.MethodPost, Path: "/refresh", Token: two.refresh,
				Status: http.StatusUnauthorized, Want: revoked},
		})
		after := login(t, srv)
		srv.Check([]exampletest.Case{
			{Name: "a login afterwards", Path: "/user", Token: after.access, Status: http.StatusOK, Want: userTest},
		})
	})

	t.Run("bad requests", func(t *testing.T) {
		p := login(t, srv)
		srv.Check([]exampletest.Case{
			{Name: "wrong password", Method: http.MethodPost, Path: "/login",
				Body: map[string]string{"username": "test", "password": "nope"}, Status: http.StatusUnauthorized, Want: badLogin},
			{Name: "no body", Method: http.MethodPost, Path: "/login", Status: http.StatusUnauthorized, Want: badLogin},
			{Name: "no token", Path: "/user", Status: http.StatusUnauthorized, Want: noToken},
			{Name: "refresh token on /user", Path: "/user", Token: p.refresh, Status: http.StatusUnauthorized, Want: notAccess},
			{Name: "access token on /refresh", Method: http.MethodPost, Path: "/refresh", Token: p.access,
				Status: http.StatusUnauthorized, Want: notRefresh},
			{Name: "no token on /logout-all", Method: http.MethodPost, Path: "/logout-all", Status: http.StatusUnauthorized, Want: noToken},
			{Name: "garbage token", Path: "/user", Token: "v4.local.garbage", Status: http.StatusUnauthorized},
			{Name: "the session still works", Path: "/user", Token: p.access, Status: http.StatusOK, Want: userTest},
		})
	})
}

// TestRedisURL: a REDIS_URL that is not redis://host:port/db stops the
// program with a message instead of starting without its store.
func TestRedisURL(t *testing.T) {
	for _, url := range []string{"", "localhost:6379", "http://localhost:6379", "redis://localhost:6379/x"} {
		_, err := redisStore(url)
		assert.Error(t, err, "%q", url)
	}
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
