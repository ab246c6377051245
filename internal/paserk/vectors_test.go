package paserk

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vectorsDir finds the official PASERK vectors: $GINPASETO_TEST_VECTORS/PASERK,
// or ../shared/paseto-test-vectors/PASERK relative to the repository root.
// Missing vectors fail in CI or when GINPASETO_TEST_VECTORS names a directory,
// unless the runner said that only go-paseto's copy (which has no PASERK
// directory) is at hand; elsewhere the test skips saying why.
func vectorsDir(t *testing.T) string {
	t.Helper()
	dir, explicit := os.LookupEnv("GINPASETO_TEST_VECTORS")
	explicit = explicit && dir != ""
	if !explicit {
		dir = filepath.Join("..", "..", "..", "shared", "paseto-test-vectors")
	}
	dir = filepath.Join(dir, "PASERK")
	info, err := os.Stat(dir)
	if err == nil && info.IsDir() {
		return dir
	}
	if err == nil {
		err = fmt.Errorf("%s is not a directory", dir)
	}
	if os.Getenv("GINPASETO_TEST_VECTORS_WITHOUT_PASERK") != "" {
		t.Skipf("PASERK vectors not available (only go-paseto's PASETO vectors are): %v", err)
	}
	msg := fmt.Sprintf("PASERK vectors not found (%v); set GINPASETO_TEST_VECTORS to a checkout of github.com/paseto-standard/test-vectors, or place one at ../shared/paseto-test-vectors next to the repository", err)
	if explicit || os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// vector is one test of a PASERK vector file; each file uses some of the
// fields.
type vector struct {
	Name        string  `json:"name"`
	ExpectFail  bool    `json:"expect-fail"`
	Key         *string `json:"key"`
	Paserk      *string `json:"paserk"`
	Unwrapped   *string `json:"unwrapped"`
	WrappingKey *string `json:"wrapping-key"`
	Password    *string `json:"password"`
	Options     struct {
		Memlimit uint64 `json:"memlimit"`
		Opslimit uint32 `json:"opslimit"`
	} `json:"options"`
	SealingSecretKey *string `json:"sealing-secret-key"`
	SealingPublicKey *string `json:"sealing-public-key"`
	Unsealed         *string `json:"unsealed"`
}

func readVectors(t *testing.T, dir, file string) []vector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, file))
	require.NoError(t, err)
	var doc struct {
		Tests []vector `json:"tests"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.NotEmpty(t, doc.Tests, "no tests in %s", file)
	return doc.Tests
}

// rawKey decodes a vector's key: hex, except in the vectors that give a
// PEM key as text, which go in as their bytes and must be refused.
func rawKey(t *testing.T, s *string) []byte {
	t.Helper()
	require.NotNil(t, s)
	if b, err := hex.DecodeString(*s); err == nil {
		return b
	}
	require.True(t, strings.HasPrefix(*s, "-----BEGIN "), "key is neither hex nor PEM")
	return []byte(*s)
}

// counts tallies, per vector file, the vectors that passed and the failure
// vectors that were refused, and logs them when the test ends.
type counts struct {
	mu sync.Mutex
	n  map[string]*[2]int
}

func newCounts(t *testing.T) *counts {
	c := &counts{n: map[string]*[2]int{}}
	t.Cleanup(func() {
		for _, file := range slices.Sorted(maps.Keys(c.n)) {
			t.Logf("%s: %d passed, %d expected failures refused", strings.TrimSuffix(file, ".json"), c.n[file][0], c.n[file][1])
		}
	})
	return c
}

// count records a vector of file as passed once its subtest t ends without
// failing.
func (c *counts) count(t *testing.T, file string, fail bool) {
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.n[file] == nil {
			c.n[file] = new([2]int)
		}
		if fail {
			c.n[file][1]++
		} else {
			c.n[file][0]++
		}
	})
}

func TestKeyAndIDVectors(t *testing.T) {
	dir := vectorsDir(t)
	tally := newCounts(t)
	for _, v := range []Version{V2, V3, V4} {
		for _, typ := range []Type{Local, Secret, Public} {
			idType, err := IDType(typ)
			require.NoError(t, err)
			for _, file := range []string{fmt.Sprintf("k%d.%s.json", v, typ), fmt.Sprintf("k%d.%s.json", v, idType)} {
				isID := strings.Contains(file, string(idType))
				for _, tc := range readVectors(t, dir, file) {
					t.Run(tc.Name, func(t *testing.T) {
						tally.count(t, file, tc.ExpectFail)
						switch {
						case !tc.ExpectFail && isID:
							got, err := ID(v, typ, rawKey(t, tc.Key))
							require.NoError(t, err)
							assert.Equal(t, *tc.Paserk, got)
							serialized, err := Encode(v, typ, rawKey(t, tc.Key))
							require.NoError(t, err)
							got, err = IDOf(serialized)
							require.NoError(t, err)
							assert.Equal(t, *tc.Paserk, got)
						case !tc.ExpectFail:
							got, err := Decode(v, typ, *tc.Paserk)
							require.NoError(t, err)
							assert.Equal(t, rawKey(t, tc.Key), got)
							enc, err := Encode(v, typ, got)
							require.NoError(t, err)
							assert.Equal(t, *tc.Paserk, enc)
						case tc.Paserk != nil:
							_, err := Decode(v, typ, *tc.Paserk)
							require.Error(t, err)
							assert.NotContains(t, err.Error(), *tc.Paserk)
						case isID:
							_, err := ID(v, typ, rawKey(t, tc.Key))
							require.Error(t, err)
						default:
							_, err := Encode(v, typ, rawKey(t, tc.Key))
							require.Error(t, err)
						}
					})
				}
			}
		}
	}
}

func TestPublicAndSecretKeyRoundTrip(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	ec, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	for _, tc := range []struct {
		v    Version
		priv crypto.Signer
	}{{V4, priv}, {V2, priv}, {V3, ec}} {
		s, err := SecretKey(tc.v, tc.priv)
		require.NoError(t, err)
		_, err = Decode(tc.v, Secret, s)
		require.NoError(t, err)
		p, err := PublicKey(tc.v, tc.priv.Public())
		require.NoError(t, err)
		raw, err := Decode(tc.v, Public, p)
		require.NoError(t, err)
		if tc.v == V3 {
			x, y := elliptic.UnmarshalCompressed(elliptic.P384(), raw)
			require.NotNil(t, x)
			assert.True(t, ec.PublicKey.X.Cmp(x) == 0 && ec.PublicKey.Y.Cmp(y) == 0)
		} else {
			assert.Equal(t, []byte(pub), raw)
		}
	}
	_, err = SecretKey(V3, priv)
	assert.ErrorIs(t, err, ErrKeySize)
	_, err = PublicKey(V4, ec.Public())
	assert.ErrorIs(t, err, ErrKeySize)
}

func TestWrapPasswordAndSealVectors(t *testing.T) {
	dir := vectorsDir(t)
	tally := newCounts(t)
	for _, v := range []Version{V2, V4} {
		for _, tc := range []struct {
			typ  Type
			open func(t *testing.T, tc vector) ([]byte, error)
			want func(tc vector) *string
		}{
			{LocalWrap, func(t *testing.T, tc vector) ([]byte, error) {
				return Unwrap(v, Local, *tc.Paserk, rawKey(t, tc.WrappingKey))
			}, func(tc vector) *string { return tc.Unwrapped }},
			{SecretWrap, func(t *testing.T, tc vector) ([]byte, error) {
				return Unwrap(v, Secret, *tc.Paserk, rawKey(t, tc.WrappingKey))
			}, func(tc vector) *string { return tc.Unwrapped }},
			{LocalPW, func(t *testing.T, tc vector) ([]byte, error) {
				return PasswordUnwrap(v, Local, *tc.Paserk, []byte(*tc.Password))
			}, func(tc vector) *string { return tc.Unwrapped }},
			{SecretPW, func(t *testing.T, tc vector) ([]byte, error) {
				return PasswordUnwrap(v, Secret, *tc.Paserk, []byte(*tc.Password))
			}, func(tc vector) *string { return tc.Unwrapped }},
			{Seal, func(t *testing.T, tc vector) ([]byte, error) {
				return UnsealKey(v, *tc.Paserk, rawKey(t, tc.SealingSecretKey))
			}, func(tc vector) *string { return tc.Unsealed }},
		} {
			file := strings.TrimSuffix(Header(v, tc.typ), ".") + ".json"
			for _, vec := range readVectors(t, dir, file) {
				t.Run(vec.Name, func(t *testing.T) {
					if tc.typ == LocalPW || tc.typ == SecretPW {
						// Argon2id at up to 256 MiB: run these side by side.
						t.Parallel()
					}
					tally.count(t, file, vec.ExpectFail)
					require.NotNil(t, vec.Paserk)
					got, err := tc.open(t, vec)
					if vec.ExpectFail {
						require.Error(t, err)
						assert.Nil(t, got)
						assert.NotContains(t, err.Error(), *vec.Paserk)
						return
					}
					require.NoError(t, err)
					assert.Equal(t, rawKey(t, tc.want(vec)), got)
				})
			}
		}
	}
}
