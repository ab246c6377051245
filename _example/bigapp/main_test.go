package main

import (
	"context"
	"maps"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	missing = `{"detail":"PASETO Authorization Token required"}`
	revoked = `{"detail":"Token has been revoked"}`
	reused  = `{"detail":"Refresh token reuse detected"}`
)

func start(t *testing.T, opts ...ginpaseto.Option) *exampletest.Server {
	t.Helper()
	auth, err := ginpaseto.New(append([]ginpaseto.Option{ginpaseto.WithSecretKey(exampletest.SecretKey)}, opts...)...)
	require.NoError(t, err)
	return exampletest.Serve(t, newRouter(&app{auth: auth, users: demoUsers}))
}

type session struct{ access, refresh string }

func login(t *testing.T, srv *exampletest.Server, username string) session {
	t.Helper()
	res := srv.Login("/auth/login", username, username+"-password")
	return session{res.Field(t, "access_token"), res.Field(t, "refresh_token")}
}

// call sends a request with token, if any, as a bearer token and checks
// the answer; want "" skips the body.
func call(t *testing.T, srv *exampletest.Server, method, path, token string, body any, status int, want string) exampletest.Response {
	t.Helper()
	var headers []string
	if token != "" {
		headers = exampletest.Bearer(token)
	}
	res := srv.Call(method, path, body, headers...)
	require.Equal(t, status, res.Status, "%s %s: %s", method, path, res.Body)
	if want != "" {
		assert.JSONEq(t, want, res.Body, "%s %s", method, path)
	}
	return res
}

func TestRoutes(t *testing.T) {
	srv := start(t)
	alice, bob := login(t, srv, "alice"), login(t, srv, "bob")

	tests := []struct {
		name   string
		method string
		path   string
		token  string
		status int
		want   string
	}{
		{"public without token", http.MethodGet, "/api/v1/public/status", "", http.StatusOK, `{"status":"ok"}`},
		{"me without token", http.MethodGet, "/api/v1/me", "", http.StatusUnauthorized, missing},
		{"admin without token", http.MethodGet, "/api/v1/admin/users", "", http.StatusUnauthorized, missing},
		{"refresh without token", http.MethodPost, "/auth/refresh", "", http.StatusUnauthorized, missing},
		{"logout without token", http.MethodPost, "/auth/logout", "", http.StatusUnauthorized, missing},
		{"unknown path without token", http.MethodGet, "/api/v1/secret", "", http.StatusUnauthorized, missing},
		{"unknown path with token", http.MethodGet, "/api/v1/secret", bob.access, http.StatusNotFound, ""},

		{"member reads self", http.MethodGet, "/api/v1/me", bob.access, http.StatusOK, `{"user":"bob","role":"member"}`},
		{"member lacks the admin scope", http.MethodGet, "/api/v1/admin/users", bob.access, http.StatusForbidden,
			`{"detail":"Insufficient scope"}`},
		{"admin reads self", http.MethodGet, "/api/v1/me", alice.access, http.StatusOK, `{"user":"alice","role":"admin"}`},
		{"admin lists users", http.MethodGet, "/api/v1/admin/users", alice.access, http.StatusOK, `{"users":["alice","bob"]}`},

		{"refresh token on an API route", http.MethodGet, "/api/v1/me", alice.refresh, http.StatusUnauthorized,
			`{"detail":"Access token required but refresh provided"}`},
		{"access token to refresh", http.MethodPost, "/auth/refresh", alice.access, http.StatusUnauthorized,
			`{"detail":"Refresh token required but access provided"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call(t, srv, tt.method, tt.path, tt.token, nil, tt.status, tt.want)
		})
	}
}

// TestAdminRoutes: the admin routes need the users:read scope, which a
// login grants to admins, and a user who is an admin when the request
// arrives, as the user store says.
func TestAdminRoutes(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(&app{auth: auth, users: demoUsers}))
	alice := login(t, srv, "alice")

	res := call(t, srv, http.MethodGet, "/api/v1/admin/users", login(t, srv, "bob").access, nil, http.StatusForbidden, `{"detail":"Insufficient scope"}`)
	assert.Equal(t, `Bearer error="insufficient_scope", scope="users:read"`, res.Header.Get("WWW-Authenticate"))

	// A scope alone is not enough: the user must be an admin.
	scoped, err := auth.CreateTokenPair(context.Background(), "bob", ginpaseto.Scopes(scopeUsersRead))
	require.NoError(t, err)
	call(t, srv, http.MethodGet, "/api/v1/admin/users", scoped.AccessToken, nil, http.StatusForbidden, `{"detail":"The admin role is required"}`)

	// Alice demoted: the same service with another user store refuses the
	// token she got as an admin, though it still carries the scope.
	demoted := maps.Clone(demoUsers)
	demoted["alice"] = user{password: demoUsers["alice"].password, role: "member"}
	after := exampletest.Serve(t, newRouter(&app{auth: auth, users: demoted}))
	call(t, srv, http.MethodGet, "/api/v1/admin/users", alice.access, nil, http.StatusOK, `{"users":["alice","bob"]}`)
	call(t, after, http.MethodGet, "/api/v1/admin/users", alice.access, nil, http.StatusForbidden, `{"detail":"The admin role is required"}`)
	call(t, after, http.MethodGet, "/api/v1/me", alice.access, nil, http.StatusOK, `{"user":"alice","role":"admin"}`)

	// Her next refresh, from the demoted store, no longer grants the scope.
	res = call(t, after, http.MethodPost, "/auth/refresh", alice.refresh, nil, http.StatusOK, "")
	call(t, srv, http.MethodGet, "/api/v1/admin/users", res.Field(t, "access_token"), nil, http.StatusForbidden, `{"detail":"Insufficient scope"}`)
}

func TestBadLogin(t *testing.T) {
	srv := start(t)
	for _, creds := range []map[string]string{
		{"username": "alice", "password": "bob-password"},
		{"username": "carol", "password": "carol-password"},
		{},
	} {
		call(t, srv, http.MethodPost, "/auth/login", "", creds, http.StatusUnauthorized, `{"detail":"Bad username or password"}`)
	}
}

func TestSession(t *testing.T) {
	var clock exampletest.Clock
	srv := start(t, ginpaseto.WithClock(clock.Now))
	first := login(t, srv, "alice")
	bob := login(t, srv, "bob")

	// Refreshing rotates the pair within the session: the refresh token
	// used is spent, the new pair works and carries the role again.
	res := call(t, srv, http.MethodPost, "/auth/refresh", first.refresh, nil, http.StatusOK, "")
	second := session{res.Field(t, "access_token"), res.Field(t, "refresh_token")}
	call(t, srv, http.MethodGet, "/api/v1/admin/users", second.access, nil, http.StatusOK, "")

	// Within the refresh grace, the spent token works again (another tab,
	// a retried request) and the session moves forward once.
	res = call(t, srv, http.MethodPost, "/auth/refresh", first.refresh, nil, http.StatusOK, "")
	replayed := session{res.Field(t, "access_token"), res.Field(t, "refresh_token")}
	res = call(t, srv, http.MethodPost, "/auth/refresh", replayed.refresh, nil, http.StatusOK, "")
	third := session{res.Field(t, "access_token"), res.Field(t, "refresh_token")}

	// A spent refresh token after the grace of the rotation that consumed
	// it is theft or a replay: the whole session ends, the newest tokens
	// with it. Bob's session goes on.
	clock.Advance(time.Minute)
	call(t, srv, http.MethodPost, "/auth/refresh", first.refresh, nil, http.StatusUnauthorized, reused)
	call(t, srv, http.MethodGet, "/api/v1/me", third.access, nil, http.StatusUnauthorized, revoked)
	call(t, srv, http.MethodPost, "/auth/refresh", third.refresh, nil, http.StatusUnauthorized, revoked)
	call(t, srv, http.MethodGet, "/api/v1/me", bob.access, nil, http.StatusOK, `{"user":"bob","role":"member"}`)

	// Logout ends the session: its access and refresh tokens alike.
	again := login(t, srv, "alice")
	call(t, srv, http.MethodPost, "/auth/logout", again.access, nil, http.StatusNoContent, "")
	call(t, srv, http.MethodGet, "/api/v1/me", again.access, nil, http.StatusUnauthorized, revoked)
	call(t, srv, http.MethodPost, "/auth/refresh", again.refresh, nil, http.StatusUnauthorized, revoked)
}

func TestLogoutEverywhere(t *testing.T) {
	srv := start(t)
	laptop, phone, bob := login(t, srv, "alice"), login(t, srv, "alice"), login(t, srv, "bob")
	call(t, srv, http.MethodPost, "/auth/logout-all", laptop.access, nil, http.StatusNoContent, "")
	call(t, srv, http.MethodGet, "/api/v1/me", phone.access, nil, http.StatusUnauthorized, revoked)
	call(t, srv, http.MethodPost, "/auth/refresh", phone.refresh, nil, http.StatusUnauthorized, revoked)
	call(t, srv, http.MethodGet, "/api/v1/me", bob.access, nil, http.StatusOK, `{"user":"bob","role":"member"}`)
	// A login right after works, even within the same second.
	again := login(t, srv, "alice")
	call(t, srv, http.MethodGet, "/api/v1/me", again.access, nil, http.StatusOK, `{"user":"alice","role":"admin"}`)
}

// TestRoleReadAtRefresh: a role change takes effect at the next refresh,
// and a deleted user cannot refresh.
func TestRoleReadAtRefresh(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	users := map[string]user{"alice": {password: "alice-password", role: "admin"}}
	a := &app{auth: auth, users: users}
	srv := exampletest.Serve(t, newRouter(a))
	alice := login(t, srv, "alice")
	users["alice"] = user{password: "alice-password", role: "member"}
	res := call(t, srv, http.MethodPost, "/auth/refresh", alice.refresh, nil, http.StatusOK, "")
	call(t, srv, http.MethodGet, "/api/v1/admin/users", res.Field(t, "access_token"), nil, http.StatusForbidden, "")
	delete(users, "alice")
	call(t, srv, http.MethodPost, "/auth/refresh", res.Field(t, "refresh_token"), nil, http.StatusUnauthorized, `{"detail":"Unknown user"}`)
}

func TestGracefulShutdown(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, newRouter(&app{auth: auth, users: demoUsers})) }()

	srv := exampletest.At(t, "http://"+ln.Addr().String())
	call(t, srv, http.MethodGet, "/api/v1/public/status", "", nil, http.StatusOK, `{"status":"ok"}`)

	cancel()
	require.NoError(t, <-done)
	_, err = net.Dial("tcp", ln.Addr().String())
	assert.Error(t, err, "still accepting connections after shutdown")
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
