package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIssuerAndAudience(t *testing.T) {
	orders, err := newAuthorizer(exampletest.SecretKey, "orders")
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(orders))
	login := srv.Login("/login", "test", "test").Field(t, "access_token")

	// Same key and issuer, another audience: a sibling service.
	billing, err := newAuthorizer(exampletest.SecretKey, "billing")
	require.NoError(t, err)
	// Same key, another issuer: say, a staging auth server given the
	// production key by mistake.
	staging, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithIssuer("https://staging.example.com"))
	require.NoError(t, err)
	// Same key, no issuer at all.
	anonymous, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)

	token := func(a *ginpaseto.Authorizer, opts ...ginpaseto.TokenOption) string {
		tok, err := a.CreateAccessToken(context.Background(), "test", opts...)
		require.NoError(t, err)
		return tok
	}
	const (
		badIssuer   = `{"detail":"Token issuer is not accepted"}`
		badAudience = `{"detail":"Token audience is not accepted"}`
	)
	tests := []struct {
		name   string
		token  string
		status int
		want   string
	}{
		{"from login", login, http.StatusOK,
			`{"user":"test","issuer":"https://auth.example.com","audience":["orders"]}`},
		{"for orders and billing", token(billing, ginpaseto.Audience("orders", "billing")), http.StatusOK,
			`{"user":"test","issuer":"https://auth.example.com","audience":["orders","billing"]}`},
		{"for billing", token(billing, ginpaseto.Audience("billing")), http.StatusUnauthorized, badAudience},
		{"for no audience", token(billing), http.StatusUnauthorized, badAudience},
		{"from another issuer", token(staging, ginpaseto.Audience("orders")), http.StatusUnauthorized, badIssuer},
		{"from no issuer", token(anonymous, ginpaseto.Audience("orders")), http.StatusUnauthorized, badIssuer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := srv.Call(http.MethodGet, "/orders", nil, exampletest.Bearer(tt.token)...)
			assert.Equal(t, tt.status, res.Status)
			assert.JSONEq(t, tt.want, res.Body)
		})
	}

	t.Run("billing refuses orders tokens", func(t *testing.T) {
		_, err := billing.ParseToken(login)
		require.ErrorIs(t, err, ginpaseto.ErrTokenInvalid)
		assert.EqualError(t, err, "Token audience is not accepted")
	})
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
