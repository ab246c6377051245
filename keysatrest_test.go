package ginpaseto

import (
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
		{"wrapped local, hex wrapping key", WithWrappedSecretKey(localWrapped, hex.EncodeToString(wk)), plainLocal},
		{"wrapped local, PASERK wrapping key", WithWrappedSecretKey(localWrapped, wkPaserk), plainLocal},
		{"wrapped local, base64 wrapping key", WithWrappedSecretKey(localWrapped, base64.StdEncoding.EncodeToString(wk)), plainLocal},
		{"wrapped local, files", WithWrappedSecretKeyFile(writeFile(t, "key", localWrapped+"\n"), writeFile(t, "wk", wkPaserk+"\n")), plainLocal},
		{"wrapped private", WithWrappedPrivateKey(secretWrapped, hex.EncodeToString(wk)), plainPublic},
		{"wrapped private, files", WithWrappedPrivateKeyFile(writeFile(t, "key", secretWrapped), writeFile(t, "wk", wkPaserk)), plainPublic},
		{"password local", WithPasswordProtectedSecretKey(localPW, pw), plainLocal},
		{"password local, files", WithPasswordProtectedSecretKeyFile(writeFile(t, "key", localPW), writeFile(t, "pw", pw+"\n")), plainLocal},
		{"password private", WithPasswordProtectedPrivateKey(secretPW, pw), plainPublic},
		{"password private, files", WithPasswordProtectedPrivateKeyFile(writeFile(t, "key", secretPW), writeFile(t, "pw", pw+"\r\n")), plainPublic},
		{"sealed local", WithSealedSecretKey(localSealed, hex.EncodeToString(sealer)), plainLocal},
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
		{"wrong wrapping key", WithWrappedSecretKey(localWrapped, hex.EncodeToString(randomKey(t))), "does not open with this wrapping key", nil},
		{"wrong password", WithPasswordProtectedSecretKey(localPW, pw+"!"), "does not open with this password", []string{pw}},
		{"wrong private key", WithSealedSecretKey(localSealed, hex.EncodeToString(other)), "does not open with this private key", nil},
		{"a password as wrapping key", WithWrappedSecretKey(localWrapped, "hunter2"), "a password is not a wrapping key", []string{"hunter2"}},
		{"a placeholder wrapping key", WithWrappedSecretKey(localWrapped, hex.EncodeToString(make([]byte, 32))), "placeholder", nil},
		{"empty password", WithPasswordProtectedSecretKey(localPW, ""), "password is empty", nil},
		{"a plain key", WithWrappedSecretKey(hex.EncodeToString(local), hex.EncodeToString(wk)), "not a PASERK", nil},
		{"a plain PASERK", WithWrappedSecretKey(mustEncode(t, local), hex.EncodeToString(wk)), "pass it to WithSecretKey", nil},
		{"a password-protected key to the wrapped option", WithWrappedSecretKey(localPW, hex.EncodeToString(wk)), "expected a k4.local-wrap.pie key", nil},
		{"a local key to the private-key option", WithWrappedPrivateKey(localWrapped, hex.EncodeToString(wk)), "expected a k4.secret-wrap.pie key", nil},
		{"hostile Argon2 cost", WithPasswordProtectedSecretKey(hostile, pw), "out of bounds", nil},
		{"a wrapped placeholder", WithWrappedSecretKey(placeholder, hex.EncodeToString(wk)), "placeholder", nil},
		{"missing file", WithWrappedSecretKeyFile(filepath.Join(t.TempDir(), "nope"), writeFile(t, "wk", hex.EncodeToString(wk))), "WithWrappedSecretKeyFile: cannot read key file", nil},
		{"missing password file", WithPasswordProtectedSecretKeyFile(writeFile(t, "k", localPW), filepath.Join(t.TempDir(), "nope")), "cannot read password file", nil},
		{"empty password file", WithPasswordProtectedSecretKeyFile(writeFile(t, "k", localPW), writeFile(t, "pw", "\n")), "is empty", nil},
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
	a, err := New(WithSealedSecretKey(sealed, sealerPaserk), WithVersion(V2))
	require.NoError(t, err)
	plain, err := New(WithSecretKey(hex.EncodeToString(local)), WithVersion(V2))
	require.NoError(t, err)
	sameKey(t, a, plain)

	wk := randomKey(t)
	wrapped, err := paserk.Wrap(paserk.V2, paserk.Local, local, wk)
	require.NoError(t, err)
	a, err = New(WithWrappedSecretKey(wrapped, hex.EncodeToString(wk)), WithVersion(V2))
	require.NoError(t, err)
	sameKey(t, a, plain)
	_, err = New(WithWrappedSecretKey(wrapped, hex.EncodeToString(wk)))
	require.Error(t, err, "a k2 key for a v4 Authorizer")
	assert.Contains(t, err.Error(), "WithVersion(ginpaseto.V2)")
}

// TestKeysAtRestInKeyrings: a keyring reads encrypted key files, and reads
// them again on Reload, so a new encrypted key file takes effect without a
// restart.
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

	ring, err := NewKeyring(V4,
		WrappedSecretKeyFile(keyFile, wkFile),
		PasswordProtectedPrivateKeyFile(writeFile(t, "private.key", privPW), pwFile))
	require.NoError(t, err)
	a, err := New(WithKeyring(ring))
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
	assert.Equal(t, "ginpaseto.WrappedSecretKeyFile(redacted).Retired()", fmt.Sprint(WrappedSecretKeyFile(keyFile, wkFile).Retired()))

	newWrapped, err := paserk.Wrap(paserk.V4, paserk.Local, newKey, wk)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(keyFile, []byte(newWrapped), 0o600))
	reloaded, err := ring.Reload()
	require.NoError(t, err)
	require.NoError(t, a.SetKeys(reloaded))
	newAuth, err := New(WithSecretKey(hex.EncodeToString(newKey)))
	require.NoError(t, err)
	sameKey(t, a, newAuth)

	require.NoError(t, os.WriteFile(pwFile, []byte("wrong\n"), 0o600))
	_, err = ring.Reload()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "PasswordProtectedPrivateKeyFile")
	assert.Contains(t, err.Error(), "does not open with this password")
}
