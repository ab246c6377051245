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
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vectorsDir finds the official PASERK vectors: $PASETO_TEST_VECTORS/PASERK,
// or ../shared/paseto-test-vectors/PASERK relative to the repository root.
// Missing vectors fail in CI or when PASETO_TEST_VECTORS names a directory,
// unless the runner said that only go-paseto's copy (which has no PASERK
// directory) is at hand; elsewhere the test skips saying why.
func vectorsDir(t *testing.T) string {
	t.Helper()
	dir, explicit := os.LookupEnv("PASETO_TEST_VECTORS")
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
	if os.Getenv("PASETO_TEST_VECTORS_WITHOUT_PASERK") != "" {
		t.Skipf("PASERK vectors not available (only go-paseto's PASETO vectors are): %v", err)
	}
	msg := fmt.Sprintf("PASERK vectors not found (%v); set PASETO_TEST_VECTORS to a checkout of github.com/paseto-standard/test-vectors, or place one at ../shared/paseto-test-vectors next to the repository", err)
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
// vectors that were refused, and logs them at the end of the test.
type counts map[string]*[2]int

func (c counts) add(t *testing.T, file string, fail bool) {
	if c[file] == nil {
		c[file] = new([2]int)
	}
	i := 0
	if fail {
		i = 1
	}
	c[file][i]++
}

func (c counts) log(t *testing.T) {
	for _, file := range slices.Sorted(maps.Keys(c)) {
		n := c[file]
		t.Logf("%s: %d passed, %d expected failures refused", strings.TrimSuffix(file, ".json"), n[0], n[1])
	}
}

func TestKeyAndIDVectors(t *testing.T) {
	dir := vectorsDir(t)
	tally := counts{}
	defer tally.log(t)
	for _, v := range []Version{V2, V3, V4} {
		for _, typ := range []Type{Local, Secret, Public} {
			idType, err := IDType(typ)
			require.NoError(t, err)
			for _, file := range []string{fmt.Sprintf("k%d.%s.json", v, typ), fmt.Sprintf("k%d.%s.json", v, idType)} {
				isID := strings.Contains(file, string(idType))
				for _, tc := range readVectors(t, dir, file) {
					ok := t.Run(tc.Name, func(t *testing.T) {
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
					if ok {
						tally.add(t, file, tc.ExpectFail)
					}
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
