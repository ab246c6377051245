package paserk

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cheap keeps the password tests fast; it is far below what anyone should
// use for a real key.
var cheap = Argon2{Memory: 64 << 10, Time: 1, Parallelism: 1}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestWrapRoundTrip(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	for _, v := range []Version{V2, V4} {
		for _, tc := range []struct {
			typ Type
			key []byte
		}{{Local, randomBytes(32)}, {Secret, priv}} {
			wk := randomBytes(WrappingKeySize)
			s, err := Wrap(v, tc.typ, tc.key, wk)
			require.NoError(t, err)
			wrapType, _ := wrapTypeOf(v, tc.typ)
			assert.True(t, strings.HasPrefix(s, Header(v, wrapType)), s)

			got, err := Unwrap(v, tc.typ, s, wk)
			require.NoError(t, err)
			assert.Equal(t, tc.key, got)

			_, err = Unwrap(v, tc.typ, s, randomBytes(WrappingKeySize))
			assert.ErrorIs(t, err, ErrDecrypt, "another wrapping key")
			_, err = Unwrap(v, tc.typ, s[:len(s)-4], wk)
			assert.ErrorIs(t, err, ErrEncoding, "truncated")
			_, err = Unwrap(v, tc.typ, s, wk[:31])
			assert.ErrorIs(t, err, ErrKeySize, "short wrapping key")
			again, err := Wrap(v, tc.typ, tc.key, wk)
			require.NoError(t, err)
			assert.NotEqual(t, s, again, "a fresh nonce every time")
		}
	}
	_, err = Wrap(V3, Local, randomBytes(32), randomBytes(32))
	assert.ErrorIs(t, err, ErrVersion)
	_, err = Wrap(V4, Public, randomBytes(32), randomBytes(32))
	assert.ErrorIs(t, err, ErrType)
	_, err = Wrap(V4, Local, randomBytes(31), randomBytes(32))
	assert.ErrorIs(t, err, ErrKeySize)
}

func TestPasswordRoundTrip(t *testing.T) {
	key := randomBytes(32)
	s, err := PasswordWrap(V4, Local, key, []byte("correct horse battery staple"), cheap)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(s, "k4.local-pw."))
	p, err := Parse(s)
	require.NoError(t, err)
	params, err := PasswordParams(p)
	require.NoError(t, err)
	assert.Equal(t, cheap, params)

	got, err := PasswordUnwrap(V4, Local, s, []byte("correct horse battery staple"))
	require.NoError(t, err)
	assert.Equal(t, key, got)
	_, err = PasswordUnwrap(V4, Local, s, []byte("correct horse battery stapler"))
	assert.ErrorIs(t, err, ErrDecrypt)
	_, err = PasswordUnwrap(V4, Local, s, nil)
	assert.ErrorIs(t, err, ErrParams)
	_, err = PasswordUnwrap(V4, Secret, s, []byte("x"))
	assert.ErrorIs(t, err, ErrType)
	_, err = PasswordWrap(V4, Local, key, nil, cheap)
	assert.ErrorIs(t, err, ErrParams, "empty password")
}

// TestPasswordCostIsBounded: the cost parameters travel inside the key, so
// a hostile key file must be refused before any hashing, not after
// allocating its memory.
func TestPasswordCostIsBounded(t *testing.T) {
	valid, err := PasswordWrap(V4, Local, randomBytes(32), []byte("pw"), cheap)
	require.NoError(t, err)
	p, err := Parse(valid)
	require.NoError(t, err)
	for name, params := range map[string]Argon2{
		"64 GiB":           {Memory: 64 << 30, Time: 1, Parallelism: 1},
		"2^64-1 bytes":     {Memory: ^uint64(0), Time: 1, Parallelism: 1},
		"a million passes": {Memory: 64 << 10, Time: 1 << 20, Parallelism: 1},
		"512 MiB × 16":     {Memory: 512 << 20, Time: 16, Parallelism: 1},
		"zero passes":      {Memory: 64 << 10, Time: 0, Parallelism: 1},
		"255 lanes":        {Memory: 64 << 20, Time: 1, Parallelism: 255},
		"zero lanes":       {Memory: 64 << 10, Time: 1, Parallelism: 0},
		"1 KiB":            {Memory: 1 << 10, Time: 1, Parallelism: 1},
	} {
		t.Run(name, func(t *testing.T) {
			data := append([]byte(nil), p.Data...)
			binary.BigEndian.PutUint64(data[16:], params.Memory)
			binary.BigEndian.PutUint32(data[24:], params.Time)
			binary.BigEndian.PutUint32(data[28:], params.Parallelism)
			hostile := "k4.local-pw." + base64.RawURLEncoding.EncodeToString(data)
			// ErrParams, not ErrDecrypt: refused before any hashing (64 GiB
			// would not even be allocatable here).
			_, err := PasswordUnwrap(V4, Local, hostile, []byte("pw"))
			assert.ErrorIs(t, err, ErrParams)
			_, err = PasswordWrap(V4, Local, randomBytes(32), []byte("pw"), params)
			assert.ErrorIs(t, err, ErrParams)
		})
	}
	require.NoError(t, DefaultArgon2.Check())
}

func TestSealRoundTrip(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	_, other, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	key := randomBytes(32)
	for _, v := range []Version{V2, V4} {
		s, err := SealKey(v, key, pub)
		require.NoError(t, err)
		got, err := UnsealKey(v, s, priv)
		require.NoError(t, err)
		assert.Equal(t, key, got)
		_, err = UnsealKey(v, s, other)
		assert.ErrorIs(t, err, ErrDecrypt)
	}
	_, err = SealKey(V4, key, make(ed25519.PublicKey, 32))
	assert.ErrorIs(t, err, ErrKeySize, "a small-order public key")
	_, err = SealKey(V3, key, pub)
	assert.ErrorIs(t, err, ErrVersion)
}

func TestParseRefusesMalformedText(t *testing.T) {
	for _, s := range []string{
		"", "k4", "k4.local", "k4.nope.AAAA", "x4.local.AAAA", "k4.local.AAAA=", "k4.local.AA+A",
		"k4.local-wrap.aws.AAAA", "k4.local-wrap.pie.", "k0.local.AAAA",
	} {
		_, err := Parse(s)
		assert.Error(t, err, "%q", s)
	}
}

func TestTextKeyIDMatchesIDFor32Bytes(t *testing.T) {
	key := randomBytes(32)
	for _, v := range []Version{V3, V4} {
		want, err := ID(v, Local, key)
		require.NoError(t, err)
		assert.Equal(t, want, TextKeyID(v, key))
		assert.True(t, strings.HasPrefix(TextKeyID(v, []byte("a 43-byte text key, as fastapi-paseto has...")), Header(v, LocalID)))
	}
}

// TestDecodeNamesAnUnknownVersion: a key of a version that does not exist
// is refused for its version, not for a length that would be right.
func TestDecodeNamesAnUnknownVersion(t *testing.T) {
	body := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		v    Version
		t    Type
		want string
	}{
		{9, Local, "k9 is an unknown PASETO version"},
		{5, Public, "k5 is an unknown PASETO version"},
		{1, Local, "k1 keys (PASETO v1) are not supported"},
	} {
		_, err := Decode(tc.v, tc.t, Header(tc.v, tc.t)+body)
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrVersion)
		assert.Contains(t, err.Error(), tc.want)
		assert.NotContains(t, err.Error(), "holds")
	}
}
