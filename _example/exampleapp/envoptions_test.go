package exampleapp

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
)

// TestEnvOptions: the PASETO_* variables configure the Authorizer, and
// an ephemeral secret key is added only when no key variable is set.
func TestEnvOptions(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(keyFile, []byte(exampletest.SecretKey), 0o600))
	seed := make([]byte, ed25519.SeedSize)
	rand.Read(seed) // never fails since Go 1.24
	tests := []struct {
		name   string
		env    map[string]string
		prefix string // of the access tokens created
		key    bool   // whether exampletest.SecretKey verifies them
	}{
		{"no key variable: an ephemeral key", nil, "v4.local.", false},
		{"secret key", map[string]string{"PASETO_SECRET_KEY": exampletest.SecretKey}, "v4.local.", true},
		{"secret key file", map[string]string{"PASETO_SECRET_KEY_FILE": keyFile}, "v4.local.", true},
		{"private key alone", map[string]string{"PASETO_PRIVATE_KEY": hex.EncodeToString(seed)}, "v4.public.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{"PASETO_SECRET_KEY", "PASETO_PRIVATE_KEY", "PASETO_PUBLIC_KEY"} {
				for _, v := range []string{name, name + "_FILE"} {
					t.Setenv(v, "")
					require.NoError(t, os.Unsetenv(v))
				}
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			t.Setenv("PASETO_ACCESS_LIFETIME", "2m")
			auth, err := ginpaseto.New(EnvOptions()...)
			require.NoError(t, err)
			tok, err := auth.CreateAccessToken(t.Context(), "test")
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(tok, tt.prefix), tok)
			claims, err := auth.ParseToken(tok)
			require.NoError(t, err)
			assert.Equal(t, 2*60.0, claims.Expiration.Sub(claims.IssuedAt).Seconds(), "PASETO_ACCESS_LIFETIME applies")
			if tt.prefix == "v4.local." {
				known, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
				require.NoError(t, err)
				_, err = known.ParseToken(tok)
				assert.Equal(t, tt.key, err == nil, "made with the configured key")
			}
		})
	}
}
