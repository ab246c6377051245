package ginpaseto

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tokenVector is one entry of the official v2.json, v3.json or v4.json.
type tokenVector struct {
	Name          string  `json:"name"`
	ExpectFail    bool    `json:"expect-fail"`
	Key           string  `json:"key"`
	Nonce         string  `json:"nonce"`
	PublicKey     string  `json:"public-key"`
	SecretKey     string  `json:"secret-key"`
	SecretKeySeed string  `json:"secret-key-seed"`
	SecretKeyPEM  string  `json:"secret-key-pem"`
	PublicKeyPEM  string  `json:"public-key-pem"`
	Token         string  `json:"token"`
	Payload       *string `json:"payload"` // null in expect-fail vectors
	Footer        string  `json:"footer"`
	Implicit      string  `json:"implicit-assertion"`
}

// local reports whether the vector is keyed with a shared secret key.
func (tv tokenVector) local() bool { return tv.Key != "" }

// implicitFor returns the implicit assertion to verify tv with. v2 has no
// implicit assertions: its vectors carry one only to show that it is
// ignored, and ginpaseto refuses them for v2 instead of ignoring them, so
// v2 vectors are verified without.
func (tv tokenVector) implicitFor(v Version) []byte {
	if v == versionV2 {
		return nil
	}
	return []byte(tv.Implicit)
}

func readTokenVectors(t *testing.T, v Version) []tokenVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testVectorsDir(t), v.String()+".json"))
	require.NoError(t, err)
	var doc struct {
		Tests []tokenVector `json:"tests"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	return doc.Tests
}

// vectorClock returns a time before the expiry of every success vector of
// v, so exp is checked and passes: the v2 vectors expire in 2019, the v3
// and v4 ones in 2022.
func vectorClock(v Version) func() time.Time {
	at := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	if v == versionV2 {
		at = time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return func() time.Time { return at }
}

// afterExpiry is later than the expiry of every vector.
func afterExpiry() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

// vectorKeyOptions returns one key configuration per way the vector's keys
// can be given to New, by name. Each must verify the vector's token.
func vectorKeyOptions(tv tokenVector) map[string]Option {
	forms := []struct {
		name string
		key  string
		with func(string) Option
	}{
		{"key", tv.Key, WithSecretKey},
		{"public-key", tv.PublicKey, WithPublicKey},
		{"public-key-pem", tv.PublicKeyPEM, WithPublicKey},
		{"secret-key", tv.SecretKey, WithPrivateKey},
		{"secret-key-seed", tv.SecretKeySeed, WithPrivateKey},
		{"secret-key-pem", tv.SecretKeyPEM, WithPrivateKey},
	}
	opts := map[string]Option{}
	for _, f := range forms {
		if f.key != "" {
			opts[f.name] = f.with(f.key)
		}
	}
	return opts
}

// TestTokenVectors runs every official v2, v3 and v4 vector through the
// verification the middleware runs, once per form in which the vector
// gives its key.
func TestTokenVectors(t *testing.T) {
	// Fewer vectors than this means the files were truncated or their
	// layout changed, and the test would pass without testing much.
	minimum := map[Version]int{versionV2: 15, versionV3: 17, V4: 17}
	for _, v := range []Version{versionV2, versionV3, V4} {
		t.Run(v.String(), func(t *testing.T) {
			vectors := readTokenVectors(t, v)
			ran := 0
			for _, tv := range vectors {
				t.Run(tv.Name, func(t *testing.T) {
					keys := vectorKeyOptions(tv)
					require.NotEmpty(t, keys, "vector has no key")
					for form, key := range keys {
						t.Run(form, func(t *testing.T) {
							a, err := New(WithVersion(v), key, WithClock(vectorClock(v)))
							require.NoError(t, err)
							if tv.ExpectFail {
								checkVectorFails(t, a, v, tv)
							} else {
								checkVectorVerifies(t, a, v, tv)
							}
						})
					}
				})
				ran++
			}
			assert.Equal(t, len(vectors), ran)
			assert.GreaterOrEqual(t, ran, minimum[v], "too few %s vectors", v)
		})
	}
}

func checkVectorVerifies(t *testing.T, a *Authorizer, v Version, tv tokenVector) {
	t.Helper()
	require.NotNil(t, tv.Payload, "success vector without payload")
	claims, verr := a.verify(t.Context(), tv.Token, tv.implicitFor(v), false)
	require.Nil(t, verr, "vector rejected: %v", verr)
	assert.JSONEq(t, *tv.Payload, string(claims.payload))
	assert.Equal(t, tv.Footer, claims.Footer)
	wantExp, err := time.Parse(time.RFC3339, "2022-01-01T00:00:00Z")
	if v == versionV2 {
		wantExp, err = time.Parse(time.RFC3339, "2019-01-01T00:00:00Z")
	}
	require.NoError(t, err)
	assert.True(t, wantExp.Equal(claims.Expiration), "exp decoded as %v", claims.Expiration)

	// The same token, once past its exp, must be refused as expired.
	a.cfg.now = afterExpiry
	_, verr = a.verify(t.Context(), tv.Token, tv.implicitFor(v), false)
	require.NotNil(t, verr)
	assert.ErrorIs(t, verr, ErrTokenExpired)

	if v == versionV2 && tv.Implicit != "" {
		_, verr = a.verify(t.Context(), tv.Token, []byte(tv.Implicit), false)
		assert.NotNil(t, verr, "v2 token accepted with an implicit assertion")
	}
	if v != versionV2 && tv.Implicit != "" {
		a.cfg.now = vectorClock(v)
		_, verr = a.verify(t.Context(), tv.Token, nil, false)
		assert.NotNil(t, verr, "token accepted without its implicit assertion")
	}
}

func checkVectorFails(t *testing.T, a *Authorizer, v Version, tv tokenVector) {
	t.Helper()
	claims, verr := a.verify(t.Context(), tv.Token, tv.implicitFor(v), false)
	require.NotNil(t, verr, "expect-fail vector accepted with claims %+v", claims)
	assert.Nil(t, claims)
	assert.ErrorIs(t, verr, ErrTokenInvalid)
	var e *Error
	require.True(t, errors.As(error(verr), &e))
	assert.Equal(t, 401, e.Status)
}

// TestTokenVectorsSealV4 checks the v4 sealers reproduce the official tokens
// byte for byte: v4.local with the vector's nonce, v4.public because
// Ed25519 signatures are deterministic.
func TestTokenVectorsSealV4(t *testing.T) {
	local, public := 0, 0
	for _, tv := range readTokenVectors(t, V4) {
		if tv.ExpectFail {
			continue
		}
		t.Run(tv.Name, func(t *testing.T) {
			payload := []byte(*tv.Payload)
			if tv.local() {
				key := mustHex(t, tv.Key)
				nonce := mustHex(t, tv.Nonce)
				require.Len(t, nonce, v4NonceSize)
				body := make([]byte, v4NonceSize+len(payload)+v4TagSize)
				copy(body, nonce)
				got := newV4Local(key).sealWithNonce(body, payload, []byte(tv.Footer), []byte(tv.Implicit))
				assert.Equal(t, tv.Token, got)
				local++
				return
			}
			key := ed25519.PrivateKey(mustHex(t, tv.SecretKey))
			require.Len(t, key, ed25519.PrivateKeySize)
			got, err := v4Signer{hide(key)}.seal(payload, []byte(tv.Footer), []byte(tv.Implicit))
			require.NoError(t, err)
			assert.Equal(t, tv.Token, got)
			public++
		})
	}
	assert.GreaterOrEqual(t, local, 9, "too few v4.local vectors")
	assert.GreaterOrEqual(t, public, 3, "too few v4.public vectors")
}

// TestTokenVectorsSealV2Public checks the v2.public sealer, which goes
// through go-paseto, reproduces the official tokens: Ed25519 is
// deterministic, and the vector payloads are already in the compact,
// key-sorted form go-paseto writes.
func TestTokenVectorsSealV2Public(t *testing.T) {
	n := 0
	for _, tv := range readTokenVectors(t, versionV2) {
		if tv.ExpectFail || tv.local() {
			continue
		}
		t.Run(tv.Name, func(t *testing.T) {
			a, err := New(WithVersion(versionV2), WithPrivateKey(tv.SecretKey))
			require.NoError(t, err)
			got, err := a.Keys().active[Public].sealer.seal([]byte(*tv.Payload), []byte(tv.Footer), nil)
			require.NoError(t, err)
			assert.Equal(t, tv.Token, got)
			n++
		})
	}
	assert.GreaterOrEqual(t, n, 3, "too few v2.public vectors")
}

// TestTokenVectorsRoundTrip seals the vector payloads with every sealer
// bound by New from the vector keys, and verifies the result with an
// Authorizer that holds only the verification key: v2, v3 and the
// randomized constructions cannot be compared byte for byte.
func TestTokenVectorsRoundTrip(t *testing.T) {
	for _, v := range []Version{versionV2, versionV3, V4} {
		n := 0
		for _, tv := range readTokenVectors(t, v) {
			if tv.ExpectFail {
				continue
			}
			t.Run(v.String()+"/"+tv.Name, func(t *testing.T) {
				var sealOpt, openOpt Option
				if tv.local() {
					sealOpt, openOpt = WithSecretKey(tv.Key), WithSecretKey(tv.Key)
				} else {
					sealOpt, openOpt = WithPrivateKey(tv.SecretKey), WithPublicKey(tv.PublicKey)
				}
				signer, err := New(WithVersion(v), sealOpt)
				require.NoError(t, err)
				checker, err := New(WithVersion(v), openOpt, WithClock(vectorClock(v)))
				require.NoError(t, err)
				s := signer.Keys().active[signer.cfg.purpose].sealer
				require.NotNil(t, s)
				tok, err := s.seal([]byte(*tv.Payload), []byte(tv.Footer), tv.implicitFor(v))
				require.NoError(t, err)
				claims, verr := checker.verify(t.Context(), tok, tv.implicitFor(v), false)
				require.Nil(t, verr, "round trip rejected: %v", verr)
				assert.JSONEq(t, *tv.Payload, string(claims.payload))
				assert.Equal(t, tv.Footer, claims.Footer)
				n++
			})
		}
		assert.GreaterOrEqual(t, n, 12, "too few %s round trips", v)
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
