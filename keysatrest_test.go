package ginpaseto

import (
	"github.com/ginpaseto/ginpaseto/keyring"

	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// cheapArgon2 keeps these tests fast; real keys use paserk.DefaultArgon2.
var cheapArgon2 = paserk.Argon2{Memory: 64 << 10, Time: 1, Parallelism: 1}

func randomKey(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// sameKey checks that a and b hold the same key: a token one creates, the
// other accepts.
func sameKey(t *testing.T, a, b *Authorizer) {
	t.Helper()
	tok, err := a.CreateAccessToken(t.Context(), "alice")
	require.NoError(t, err)
	claims, err := b.ParseToken(tok)
	require.NoError(t, err)
	assert.Equal(t, "alice", claims.Subject)
}

func TestKeysAtRestOpen(t *testing.T) {
	local := randomKey(t)
	wk := randomKey(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	_, sealer, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	const pw = "correct horse battery staple"

	localWrapped, err := paserk.Wrap(paserk.V4, paserk.Local, local, wk)
	require.NoError(t, err)
	secretWrapped, err := paserk.Wrap(paserk.V4, paserk.Secret, priv, wk)
	require.NoError(t, err)
	localPW, err := paserk.PasswordWrap(paserk.V4, paserk.Local, local, []byte(pw), cheapArgon2)
	require.NoError(t, err)
	secretPW, err := paserk.PasswordWrap(paserk.V4, paserk.Secret, priv, []byte(pw), cheapArgon2)
	require.NoError(t, err)
	localSealed, err := paserk.SealKey(paserk.V4, local, sealer.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	wkPaserk, err := paserk.Encode(paserk.V4, paserk.Local, wk)
	require.NoError(t, err)

	plainLocal, err := New(WithSecretKey(hex.EncodeToString(local)))
	require.NoError(t, err)
	plainPublic, err := New(WithPrivateKey(hex.EncodeToString(priv)))
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		opt   Option
		plain *Authorizer
	}{
		{"wrapped local, hex wrapping key", WithKeys(keyring.SecretKey(localWrapped).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()), plainLocal},
		{"wrapped local, PASERK wrapping key", WithKeys(keyring.SecretKey(localWrapped).Wrapped(wkPaserk).AcceptWithoutKID()), plainLocal},
		{"wrapped local, base64 wrapping key", WithKeys(keyring.SecretKey(localWrapped).Wrapped(base64.StdEncoding.EncodeToString(wk)).AcceptWithoutKID()), plainLocal},
		{"wrapped local, files", WithKeys(keyring.SecretKeyFile(writeFile(t, "key", localWrapped+"\n")).Wrapped(writeFile(t, "wk", wkPaserk+"\n")).AcceptWithoutKID()), plainLocal},
		{"wrapped private", WithKeys(keyring.PrivateKey(secretWrapped).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()), plainPublic},
		{"wrapped private, files", WithKeys(keyring.PrivateKeyFile(writeFile(t, "key", secretWrapped)).Wrapped(writeFile(t, "wk", wkPaserk)).AcceptWithoutKID()), plainPublic},
		{"password local", WithKeys(keyring.SecretKey(localPW).PasswordProtected(pw).AcceptWithoutKID()), plainLocal},
		{"password local, files", WithKeys(keyring.SecretKeyFile(writeFile(t, "key", localPW)).PasswordProtected(writeFile(t, "pw", pw+"\n")).AcceptWithoutKID()), plainLocal},
		{"password private", WithKeys(keyring.PrivateKey(secretPW).PasswordProtected(pw).AcceptWithoutKID()), plainPublic},
		{"password private, files", WithKeys(keyring.PrivateKeyFile(writeFile(t, "key", secretPW)).PasswordProtected(writeFile(t, "pw", pw+"\r\n")).AcceptWithoutKID()), plainPublic},
		{"sealed local", WithKeys(keyring.SecretKey(localSealed).Sealed(hex.EncodeToString(sealer)).AcceptWithoutKID()), plainLocal},
		{"sealed local, files", WithKeys(keyring.SecretKeyFile(writeFile(t, "key", localSealed)).Sealed(writeFile(t, "sealer", hex.EncodeToString(sealer)))), plainLocal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(tc.opt)
			require.NoError(t, err)
			sameKey(t, a, tc.plain)
			sameKey(t, tc.plain, a)
		})
	}
}

func TestKeysAtRestErrors(t *testing.T) {
	local := randomKey(t)
	wk := randomKey(t)
	const pw = "correct horse battery staple"
	localWrapped, err := paserk.Wrap(paserk.V4, paserk.Local, local, wk)
	require.NoError(t, err)
	localPW, err := paserk.PasswordWrap(paserk.V4, paserk.Local, local, []byte(pw), cheapArgon2)
	require.NoError(t, err)
	_, sealer, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	_, other, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	localSealed, err := paserk.SealKey(paserk.V4, local, sealer.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	placeholder, err := paserk.Wrap(paserk.V4, paserk.Local, make([]byte, 32), wk)
	require.NoError(t, err)

	// A key file asking Argon2id for 64 GiB: refused before hashing.
	p, err := paserk.Parse(localPW)
	require.NoError(t, err)
	binary.BigEndian.PutUint64(p.Data[16:], 64<<30)
	hostile := "k4.local-pw." + base64.RawURLEncoding.EncodeToString(p.Data)

	for _, tc := range []struct {
		name    string
		opt     Option
		want    string
		secrets []string
	}{
		{"wrong wrapping key", WithKeys(keyring.SecretKey(localWrapped).Wrapped(hex.EncodeToString(randomKey(t))).AcceptWithoutKID()), "does not open with this wrapping key", nil},
		{"wrong password", WithKeys(keyring.SecretKey(localPW).PasswordProtected(pw + "!").AcceptWithoutKID()), "does not open with this password", []string{pw}},
		{"wrong private key", WithKeys(keyring.SecretKey(localSealed).Sealed(hex.EncodeToString(other)).AcceptWithoutKID()), "does not open with this private key", nil},
		{"a password as wrapping key", WithKeys(keyring.SecretKey(localWrapped).Wrapped("hunter2").AcceptWithoutKID()), "a password is not a wrapping key", []string{"hunter2"}},
		{"a placeholder wrapping key", WithKeys(keyring.SecretKey(localWrapped).Wrapped(hex.EncodeToString(make([]byte, 32))).AcceptWithoutKID()), "placeholder", nil},
		{"empty password", WithKeys(keyring.SecretKey(localPW).PasswordProtected("").AcceptWithoutKID()), "password is empty", nil},
		{"a plain key", WithKeys(keyring.SecretKey(hex.EncodeToString(local)).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()), "not a PASERK", nil},
		{"a plain PASERK", WithKeys(keyring.SecretKey(mustEncode(t, local)).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()), "a plain key is not encrypted: give it without Wrapped", nil},
		{"a password-protected key to the wrapped option", WithKeys(keyring.SecretKey(localPW).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()), "expected a k4.local-wrap.pie key", nil},
		{"a local key to the private-key option", WithKeys(keyring.PrivateKey(localWrapped).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()), "expected a k4.secret-wrap.pie key", nil},
		{"hostile Argon2 cost", WithKeys(keyring.SecretKey(hostile).PasswordProtected(pw).AcceptWithoutKID()), "out of bounds", nil},
		{"a wrapped placeholder", WithKeys(keyring.SecretKey(placeholder).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()), "placeholder", nil},
		{"missing file", WithKeys(keyring.SecretKeyFile(filepath.Join(t.TempDir(), "nope")).Wrapped(writeFile(t, "wk", hex.EncodeToString(wk))).AcceptWithoutKID()), "key 1, keyring.SecretKeyFile(redacted).Wrapped(redacted).AcceptWithoutKID(): cannot read key file", nil},
		{"missing password file", WithKeys(keyring.SecretKeyFile(writeFile(t, "k", localPW)).PasswordProtected(filepath.Join(t.TempDir(), "nope")).AcceptWithoutKID()), "cannot read password file", nil},
		{"empty password file", WithKeys(keyring.SecretKeyFile(writeFile(t, "k", localPW)).PasswordProtected(writeFile(t, "pw", "\n")).AcceptWithoutKID()), "is empty", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opt)
			require.Error(t, err)
			msg := err.Error()
			t.Log(msg)
			assert.Contains(t, msg, tc.want)
			for _, s := range append(tc.secrets, localWrapped, localPW, localSealed, hex.EncodeToString(wk), hex.EncodeToString(local)) {
				assertNoLeak(t, msg, s)
			}
		})
	}
}

func mustEncode(t *testing.T, key []byte) string {
	t.Helper()
	s, err := paserk.Encode(paserk.V4, paserk.Local, key)
	require.NoError(t, err)
	return s
}

// TestKeysAtRestV2: a v2 Authorizer opens k2 keys at rest, a sealed one
// with its k2 private key.
func TestKeysAtRestV2(t *testing.T) {
	local := randomKey(t)
	_, sealer, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	sealed, err := paserk.SealKey(paserk.V2, local, sealer.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	sealerPaserk, err := paserk.Encode(paserk.V2, paserk.Secret, sealer)
	require.NoError(t, err)
	a, err := New(WithKeys(keyring.SecretKey(sealed).Sealed(sealerPaserk).AcceptWithoutKID()), WithVersion(versionV2))
	require.NoError(t, err)
	plain, err := New(WithSecretKey(hex.EncodeToString(local)), WithVersion(versionV2))
	require.NoError(t, err)
	sameKey(t, a, plain)

	wk := randomKey(t)
	wrapped, err := paserk.Wrap(paserk.V2, paserk.Local, local, wk)
	require.NoError(t, err)
	a, err = New(WithKeys(keyring.SecretKey(wrapped).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()), WithVersion(versionV2))
	require.NoError(t, err)
	sameKey(t, a, plain)
	_, err = New(WithKeys(keyring.SecretKey(wrapped).Wrapped(hex.EncodeToString(wk)).AcceptWithoutKID()))
	require.Error(t, err, "a k2 key for a v4 Authorizer")
	assert.Contains(t, err.Error(), "WithVersion(legacy.V2)")
}

// TestKeysAtRestInKeyrings: keys stored encrypted in files are read by
// New, and read again by SetKeys, so a new encrypted key file takes effect
// without a restart.
func TestKeysAtRestInKeyrings(t *testing.T) {
	const pw = "correct horse battery staple"
	oldKey, newKey := randomKey(t), randomKey(t)
	wk := randomKey(t)
	wkFile := writeFile(t, "wk", hex.EncodeToString(wk))
	pwFile := writeFile(t, "pw", pw+"\n")
	oldWrapped, err := paserk.Wrap(paserk.V4, paserk.Local, oldKey, wk)
	require.NoError(t, err)
	keyFile := writeFile(t, "local.key", oldWrapped)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	privPW, err := paserk.PasswordWrap(paserk.V4, paserk.Secret, priv, []byte(pw), cheapArgon2)
	require.NoError(t, err)

	keys := []keyring.Key{
		keyring.SecretKeyFile(keyFile).Wrapped(wkFile),
		keyring.PrivateKeyFile(writeFile(t, "private.key", privPW)).PasswordProtected(pwFile),
	}
	a, err := New(WithKeys(keys...))
	require.NoError(t, err)
	oldAuth, err := New(WithSecretKey(hex.EncodeToString(oldKey)))
	require.NoError(t, err)
	sameKey(t, a, oldAuth)
	signer, err := New(WithPrivateKey(hex.EncodeToString(priv)))
	require.NoError(t, err)
	tok, err := signer.CreateAccessToken(t.Context(), "alice", AsPurpose(Public))
	require.NoError(t, err)
	_, err = a.ParseToken(tok)
	require.NoError(t, err)
	assert.Equal(t, "keyring.SecretKeyFile(redacted).Wrapped(redacted).Retired()", fmt.Sprint(keyring.SecretKeyFile(keyFile).Wrapped(wkFile).Retired()))

	newWrapped, err := paserk.Wrap(paserk.V4, paserk.Local, newKey, wk)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(keyFile, []byte(newWrapped), 0o600))
	require.NoError(t, a.SetKeys(keys...))
	newAuth, err := New(WithSecretKey(hex.EncodeToString(newKey)))
	require.NoError(t, err)
	sameKey(t, a, newAuth)

	require.NoError(t, os.WriteFile(pwFile, []byte("wrong\n"), 0o600))
	err = a.SetKeys(keys...)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SetKeys: key 2, keyring.PrivateKeyFile(redacted).PasswordProtected(redacted): ")
	assert.Contains(t, err.Error(), "does not open with this password")
	sameKey(t, a, newAuth) // the running keys stay
}
