package ginpaseto

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/keyring"
)

// TestVerifyOnly: an Authorizer can only verify when its keys come from a
// key set or none of them creates tokens, whichever way they were given.
func TestVerifyOnly(t *testing.T) {
	secret := hex.EncodeToString(randomKey(t))
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	private, public := hex.EncodeToString(priv.Seed()), hex.EncodeToString(pub)
	for name, tt := range map[string]struct {
		opts   []Option
		verify bool
	}{
		"secret key":               {[]Option{WithSecretKey(secret)}, false},
		"private key":              {[]Option{WithPrivateKey(private)}, false},
		"public key":               {[]Option{WithPublicKey(public)}, true},
		"listed public key":        {[]Option{WithKeys(keyring.PublicKey(public))}, true},
		"listed, all retired":      {[]Option{WithKeys(keyring.SecretKey(secret).Retired(), keyring.PrivateKey(private).Retired())}, true},
		"listed, one active":       {[]Option{WithKeys(keyring.SecretKey(secret).Retired(), keyring.PrivateKey(private))}, false},
		"key set, not yet fetched": {[]Option{WithKeySet(keyring.KeySet{URL: "http://127.0.0.1:1/keys", OnError: func(error) {}})}, true},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := New(tt.opts...)
			require.NoError(t, err)
			defer a.Close()
			assert.Equal(t, tt.verify, a.verifyOnly())
		})
	}
}
