package main

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func start(t *testing.T) *exampletest.Server {
	t.Helper()
	auth, err := newAuth(exampletest.SecretKey)
	require.NoError(t, err)
	return exampletest.Serve(t, newRouter(auth))
}

// TestInvitationUsedOnce: of many requests with one invitation at once,
// exactly one joins.
func TestInvitationUsedOnce(t *testing.T) {
	srv := start(t)
	admin := srv.Login("/login", "admin", "admin").Field(t, "access_token")
	invited := srv.Call(http.MethodPost, "/admin/invites", map[string]string{"email": "new@example.com"}, exampletest.Bearer(admin)...)
	require.Equal(t, http.StatusOK, invited.Status, invited.Body)
	invite := invited.Field(t, "invite_token")

	var joined, refused atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			switch res := srv.Call(http.MethodPost, "/join", nil, exampletest.Bearer(invite)...); res.Status {
			case http.StatusOK:
				joined.Add(1)
			case http.StatusUnauthorized:
				refused.Add(1)
			default:
				t.Errorf("status %d: %s", res.Status, res.Body)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), joined.Load())
	assert.Equal(t, int32(15), refused.Load())
}

func TestCustomClaims(t *testing.T) {
	srv := start(t)

	user := srv.Login("/login", "test", "test").Field(t, "access_token")
	admin := srv.Login("/login", "admin", "admin").Field(t, "access_token")
	invited := srv.Call(http.MethodPost, "/admin/invites", map[string]string{"email": "new@example.com"}, exampletest.Bearer(admin)...)
	require.Equal(t, http.StatusOK, invited.Status, invited.Body)
	invite := invited.Field(t, "invite_token")

	email := map[string]string{"email": "eve@example.com"}
	srv.Check([]exampletest.Case{
		{Name: "user profile", Path: "/me", Token: user,
			Status: http.StatusOK, Want: `{"sub":"test","roles":["user"]}`},
		{Name: "admin profile", Path: "/me", Token: admin,
			Status: http.StatusOK, Want: `{"sub":"admin","roles":["user","admin"]}`},
		{Name: "non-admin invites", Method: http.MethodPost, Path: "/admin/invites", Token: user, Body: email,
			Status: http.StatusForbidden, Want: `{"detail":"The admin role is required"}`},
		{Name: "anonymous invites", Method: http.MethodPost, Path: "/admin/invites", Body: email,
			Status: http.StatusUnauthorized, Want: `{"detail":"PASETO Authorization Token required"}`},
		{Name: "invite without email", Method: http.MethodPost, Path: "/admin/invites", Token: admin,
			Status: http.StatusBadRequest, Want: `{"detail":"An email is required"}`},
		{Name: "invite as an access token", Path: "/me", Token: invite,
			Status: http.StatusUnauthorized, Want: `{"detail":"Access token required but invite provided"}`},
		{Name: "join with the invite", Method: http.MethodPost, Path: "/join", Token: invite,
			Status: http.StatusOK, Want: `{"welcome":"new@example.com"}`},
		{Name: "join again with the invite", Method: http.MethodPost, Path: "/join", Token: invite,
			Status: http.StatusUnauthorized, Want: `{"detail":"Token has been revoked"}`},
		{Name: "join with an access token", Method: http.MethodPost, Path: "/join", Token: admin,
			Status: http.StatusUnauthorized, Want: `{"detail":"invite token required but access provided"}`},
		{Name: "unknown user", Method: http.MethodPost, Path: "/login", Body: map[string]string{"username": "root", "password": "root"},
			Status: http.StatusUnauthorized, Want: `{"detail":"Bad username or password"}`},
		{Name: "wrong password", Method: http.MethodPost, Path: "/login", Body: map[string]string{"username": "admin", "password": "test"},
			Status: http.StatusUnauthorized, Want: `{"detail":"Bad username or password"}`},
	})
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
