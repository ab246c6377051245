package main

import (
	"net/http"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/require"
)

func TestDenylist(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))

	// Two sessions of the same user: logging out of one leaves the other.
	laptop, phone := srv.Login("/login", "test", "test"), srv.Login("/login", "test", "test")
	access, refresh := laptop.Field(t, "access_token"), laptop.Field(t, "refresh_token")
	otherAccess, otherRefresh := phone.Field(t, "access_token"), phone.Field(t, "refresh_token")

	const revoked = `{"detail":"Token has been revoked"}`
	srv.Check([]exampletest.Case{
		{Name: "before logout", Path: "/user", Token: access,
			Status: http.StatusOK, Want: `{"user":"test"}`},
		{Name: "logout", Method: http.MethodPost, Path: "/logout", Token: access,
			Status: http.StatusOK, Want: `{"detail":"Access token revoked"}`},
		{Name: "after logout", Path: "/user", Token: access,
			Status: http.StatusUnauthorized, Want: revoked},
		{Name: "logout again", Method: http.MethodPost, Path: "/logout", Token: access,
			Status: http.StatusUnauthorized, Want: revoked},
		{Name: "other session", Path: "/user", Token: otherAccess,
			Status: http.StatusOK, Want: `{"user":"test"}`},
		{Name: "refresh token outlives its access token", Method: http.MethodPost, Path: "/refresh", Token: refresh,
			Status: http.StatusOK},
		{Name: "refresh token on /logout", Method: http.MethodPost, Path: "/logout", Token: refresh,
			Status: http.StatusUnauthorized, Want: `{"detail":"Access token required but refresh provided"}`},
		{Name: "logout refresh", Method: http.MethodPost, Path: "/logout-refresh", Token: refresh,
			Status: http.StatusOK, Want: `{"detail":"Refresh token revoked"}`},
		{Name: "revoked refresh token", Method: http.MethodPost, Path: "/refresh", Token: refresh,
			Status: http.StatusUnauthorized, Want: revoked},
		{Name: "other session's refresh token", Method: http.MethodPost, Path: "/refresh", Token: otherRefresh,
			Status: http.StatusOK},
	})
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
