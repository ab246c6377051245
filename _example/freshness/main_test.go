package main

import (
	"net/http"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/require"
)

func TestFreshness(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))

	login := srv.Login("/login", "test", "test")
	fresh, refresh := login.Field(t, "access_token"), login.Field(t, "refresh_token")
	renewed := srv.Call(http.MethodPost, "/refresh", nil, exampletest.Bearer(refresh)...)
	require.Equal(t, http.StatusOK, renewed.Status, renewed.Body)
	stale := renewed.Field(t, "access_token")

	srv.Check([]exampletest.Case{
		{Name: "fresh token on an everyday route", Path: "/user", Token: fresh,
			Status: http.StatusOK, Want: `{"fresh":true,"user":"test"}`},
		{Name: "refreshed token on an everyday route", Path: "/user", Token: stale,
			Status: http.StatusOK, Want: `{"fresh":false,"user":"test"}`},
		{Name: "fresh token changes the password", Method: http.MethodPost, Path: "/change-password", Token: fresh,
			Status: http.StatusOK, Want: `{"detail":"Password changed for test"}`},
		{Name: "refreshed token cannot", Method: http.MethodPost, Path: "/change-password", Token: stale,
			Status: http.StatusUnauthorized, Want: `{"detail":"PASETO access token is not fresh"}`},
		{Name: "refresh token cannot", Method: http.MethodPost, Path: "/change-password", Token: refresh,
			Status: http.StatusUnauthorized, Want: `{"detail":"Access token required but refresh provided"}`},
		{Name: "no token", Method: http.MethodPost, Path: "/change-password",
			Status: http.StatusUnauthorized, Want: `{"detail":"PASETO Authorization Token required"}`},
	})
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
