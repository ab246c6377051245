package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// services starts the auth service, then builds the API service from the
// public key the auth service publishes, as a separate deployment would.
func services(t *testing.T) (authSrv, apiSrv *exampletest.Server, verifier *ginpaseto.Authorizer) {
	t.Helper()
	privateKey, publicKey := keyPair("", "")
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(privateKey), ginpaseto.WithPublicKey(publicKey))
	require.NoError(t, err)
	authSrv = exampletest.Serve(t, newAuthService(signer, publicKey))

	res := authSrv.Call(http.MethodGet, "/.well-known/paseto-key", nil)
	require.Equal(t, http.StatusOK, res.Status)
	verifier, err = ginpaseto.New(ginpaseto.WithPublicKey(res.Field(t, "public_key")))
	require.NoError(t, err)
	return authSrv, exampletest.Serve(t, newAPIService(verifier)), verifier
}

func TestPublicTokens(t *testing.T) {
	authSrv, apiSrv, _ := services(t)

	signed := authSrv.Login("/login", "test", "test").Field(t, "access_token")
	require.True(t, strings.HasPrefix(signed, "v4.public."), signed)

	local, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	localToken, err := local.CreateAccessToken(context.Background(), "test")
	require.NoError(t, err)

	otherPrivate, _ := keyPair("", "")
	other, err := ginpaseto.New(ginpaseto.WithPrivateKey(otherPrivate))
	require.NoError(t, err)
	forged, err := other.CreateAccessToken(context.Background(), "test")
	require.NoError(t, err)

	tests := []struct {
		name   string
		token  string
		status int
		body   string
	}{
		{"signed by the auth service", signed, http.StatusOK, `{"user":"test"}`},
		{"no token", "", http.StatusUnauthorized, `{"detail":"PASETO Authorization Token required"}`},
		{"local token", localToken, http.StatusUnauthorized, `{"detail":"PASETO token version or purpose not accepted"}`},
		{"signed by another key", forged, http.StatusUnauthorized, `{"detail":"Invalid PASETO token"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.token != "" {
				headers = exampletest.Bearer(tt.token)
			}
			res := apiSrv.Call(http.MethodGet, "/user", nil, headers...)
			assert.Equal(t, tt.status, res.Status)
			assert.JSONEq(t, tt.body, res.Body)
		})
	}
}

func TestLoginRefusesBadPassword(t *testing.T) {
	authSrv, _, _ := services(t)
	res := authSrv.Call(http.MethodPost, "/login", map[string]string{"username": "test", "password": "nope"})
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	assert.JSONEq(t, `{"detail":"Bad username or password"}`, res.Body)
}

func TestVerifierCannotCreateTokens(t *testing.T) {
	_, _, verifier := services(t)
	_, err := verifier.CreateAccessToken(context.Background(), "test")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WithPrivateKey")
}

func TestKeyPairUsesConfiguredKeys(t *testing.T) {
	priv, pub := keyPair("", "")
	gotPriv, gotPub := keyPair(priv, pub)
	assert.Equal(t, priv, gotPriv)
	assert.Equal(t, pub, gotPub)
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t), "PORT", "API_PORT")
}
