package main

import (
	"net/http"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/require"
)

func TestOptional(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))

	login := srv.Login("/login", "test", "test")
	access, refresh := login.Field(t, "access_token"), login.Field(t, "refresh_token")

	other, err := ginpaseto.New(ginpaseto.WithSecretKey("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
	require.NoError(t, err)
	foreign, err := other.CreateAccessToken(t.Context(), "mallory")
	require.NoError(t, err)

	const anonymous = `{"hello":"anonymous"}`
	srv.Check([]exampletest.Case{
		{Name: "no token", Path: "/",
			Status: http.StatusOK, Want: anonymous},
		{Name: "garbage token", Path: "/", Token: "garbage",
			Status: http.StatusOK, Want: anonymous},
		{Name: "token from another key", Path: "/", Token: foreign,
			Status: http.StatusOK, Want: anonymous},
		{Name: "other scheme", Path: "/", Headers: []string{"Authorization", "Basic dGVzdDp0ZXN0"},
			Status: http.StatusOK, Want: anonymous},
		{Name: "access token", Path: "/", Token: access,
			Status: http.StatusOK, Want: `{"hello":"test"}`},
		{Name: "refresh token", Path: "/", Token: refresh,
			Status: http.StatusUnauthorized, Want: `{"detail":"Access token required but refresh provided"}`},
	})
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
