package main

import (
	"net/http"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/require"
)

func TestCustomClaims(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))

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
		{Name: "join with the invite", Method: http.MethodPost, Path: "/join", Token: invite,
			Status: http.StatusOK, Want: `{"welcome":"new@example.com"}`},
		{Name: "join with an access token", Method: http.MethodPost, Path: "/join", Token: admin,
			Status: http.StatusUnauthorized, Want: `{"detail":"invite token required but access provided"}`},
		{Name: "invite as an access token", Path: "/me", Token: invite,
			Status: http.StatusUnauthorized, Want: `{"detail":"Access token required but invite provided"}`},
		{Name: "unknown user", Method: http.MethodPost, Path: "/login", Body: map[string]string{"username": "root", "password": "root"},
			Status: http.StatusUnauthorized, Want: `{"detail":"Bad username or password"}`},
		{Name: "wrong password", Method: http.MethodPost, Path: "/login", Body: map[string]string{"username": "admin", "password": "test"},
			Status: http.StatusUnauthorized, Want: `{"detail":"Bad username or password"}`},
	})
}
