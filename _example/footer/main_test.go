package main

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFooter(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))

	acme := srv.Login("/acme/login", "test", "test").Field(t, "access_token")
	globex := srv.Login("/globex/login", "test", "test").Field(t, "access_token")

	// Anyone holding the token can read the footer: the last part, after
	// v4.local.<payload>.
	parts := strings.Split(acme, ".")
	require.Len(t, parts, 4, "v4.local.<payload>.<footer>")
	footer, err := base64.RawURLEncoding.DecodeString(parts[3])
	require.NoError(t, err)
	kid := auth.Keys().ActiveKID(ginpaseto.Local)
	assert.Equal(t, `{"kid":"`+kid+`","region":"eu-west-1"}`, string(footer))

	const invalid = `{"detail":"Invalid PASETO token"}`
	srv.Check([]exampletest.Case{
		{Name: "acme token at acme", Path: "/acme/user", Token: acme,
			Status: http.StatusOK, Want: `{"kid":"` + kid + `","region":"eu-west-1","tenant":"acme","user":"test"}`},
		{Name: "globex token at globex", Path: "/globex/user", Token: globex,
			Status: http.StatusOK, Want: `{"kid":"` + kid + `","region":"eu-west-1","tenant":"globex","user":"test"}`},
		{Name: "acme token at globex", Path: "/globex/user", Token: acme,
			Status: http.StatusUnauthorized, Want: invalid},
		{Name: "globex token at acme", Path: "/acme/user", Token: globex,
			Status: http.StatusUnauthorized, Want: invalid},
		{Name: "footer swapped", Path: "/acme/user", Token: withFooter(acme, `{"kid":"`+kid+`","region":"us-east-1"}`),
			Status: http.StatusUnauthorized, Want: invalid},
		{Name: "footer removed", Path: "/acme/user", Token: strings.Join(parts[:3], "."),
			Status: http.StatusUnauthorized, Want: invalid},
		{Name: "no token", Path: "/acme/user",
			Status: http.StatusUnauthorized, Want: `{"detail":"PASETO Authorization Token required"}`},
	})

	// A footer with a kid of the application's own, as fastapi-paseto
	// documents ({"kid": "k4.lid.primary"}), names none of ginpaseto's
	// keys: the Authorizer's single key, which accepts tokens without a
	// kid, verifies the token, and the footer reaches the handler as sent.
	python, err := auth.CreateAccessToken(t.Context(), "test", ginpaseto.ImplicitAssertion([]byte("acme")),
		ginpaseto.Footer(map[string]string{"kid": "k4.lid.primary", "region": "eu-west-1"}))
	require.NoError(t, err)
	srv.Check([]exampletest.Case{
		{Name: "a kid of the application's own", Path: "/acme/user", Token: python,
			Status: http.StatusOK, Want: `{"kid":"k4.lid.primary","region":"eu-west-1","tenant":"acme","user":"test"}`},
	})

	// A token can be checked outside the middleware too, with the same
	// assertion.
	claims, err := auth.ParseToken(acme, ginpaseto.ImplicitAssertion([]byte("acme")))
	require.NoError(t, err)
	assert.Equal(t, string(footer), claims.Footer)
	_, err = auth.ParseToken(acme, ginpaseto.ImplicitAssertion([]byte("globex")))
	assert.ErrorIs(t, err, ginpaseto.ErrTokenInvalid)
}

// withFooter replaces the footer of tok, as an attacker could.
func withFooter(tok, footer string) string {
	parts := strings.Split(tok, ".")
	return strings.Join(append(parts[:3], base64.RawURLEncoding.EncodeToString([]byte(footer))), ".")
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
