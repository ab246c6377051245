package main

import (
	"net/http"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRefresh(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))

	login := srv.Login("/login", "test", "test")
	access, refresh := login.Field(t, "access_token"), login.Field(t, "refresh_token")

	renewed := srv.Call(http.MethodPost, "/refresh", nil, exampletest.Bearer(refresh)...)
	require.Equal(t, http.StatusOK, renewed.Status, renewed.Body)
	assert.Len(t, renewed.JSON(t), 1, "only a new access token: %s", renewed.Body)
	newAccess := renewed.Field(t, "access_token")
	claims, err := auth.ParseToken(newAccess)
	require.NoError(t, err)
	assert.Equal(t, ginpaseto.TypeAccess, claims.Type)
	assert.Equal(t, "test", claims.Subject)
	assert.False(t, claims.Fresh, "an access token from a refresh token is not fresh")

	srv.Check([]exampletest.Case{
		{Name: "access token", Path: "/user", Token: access,
			Status: http.StatusOK, Want: `{"user":"test"}`},
		{Name: "refreshed access token", Path: "/user", Token: newAccess,
			Status: http.StatusOK, Want: `{"user":"test"}`},
		{Name: "refresh token on a protected route", Path: "/user", Token: refresh,
			Status: http.StatusUnauthorized, Want: `{"detail":"Access token required but refresh provided"}`},
		{Name: "access token on /refresh", Method: http.MethodPost, Path: "/refresh", Token: access,
			Status: http.StatusUnauthorized, Want: `{"detail":"Refresh token required but access provided"}`},
		{Name: "refreshed access token on /refresh", Method: http.MethodPost, Path: "/refresh", Token: newAccess,
			Status: http.StatusUnauthorized, Want: `{"detail":"Refresh token required but access provided"}`},
		{Name: "no token on /refresh", Method: http.MethodPost, Path: "/refresh",
			Status: http.StatusUnauthorized, Want: `{"detail":"PASETO Authorization Token required"}`},
		{Name: "wrong password", Method: http.MethodPost, Path: "/login",
			Body:   map[string]string{"username": "test", "password": "nope"},
			Status: http.StatusUnauthorized, Want: `{"detail":"Bad username or password"}`},
	})

	again := srv.Call(http.MethodPost, "/refresh", nil, exampletest.Bearer(refresh)...)
	assert.Equal(t, http.StatusOK, again.Status, "a refresh token serves until it expires: %s", again.Body)
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
