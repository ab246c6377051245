package ginpaseto

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// migrationVector is one token of fastapi-paseto-text-keys.json: minted by
// pyseto through fastapi-paseto's own code with a text key.
type migrationVector struct {
	Name        string  `json:"name"`
	Version     Version `json:"version"`
	KeyText     string  `json:"key_text"`
	KeyBytesHex string  `json:"key_bytes_hex"`
	Token       string  `json:"token"`
	Expect      string  `json:"expect"`
	Claims      struct {
		Sub   string `json:"sub"`
		Type  string `json:"type"`
		Fresh bool   `json:"fresh"`
	} `json:"claims"`
}

// readMigrationVectors reads ../shared/migration-vectors relative to the
// repository root. They are data kept outside the repository: the test
// skips without them, except in CI next to a ../shared directory.
func readMigrationVectors(t *testing.T) []migrationVector {
	t.Helper()
	path := filepath.Join("..", "shared", "migration-vectors", "fastapi-paseto-text-keys.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, sharedErr := os.Stat(filepath.Join("..", "shared")); sharedErr == nil && os.Getenv("CI") != "" {
			t.Fatalf("migration vectors missing: %v", err)
		}
		t.Skipf("migration vectors not found (%v); place them at ../shared/migration-vectors", err)
	}
	require.NoError(t, err)
	var doc struct {
		Tests []migrationVector `json:"tests"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.NotEmpty(t, doc.Tests)
	return doc.Tests
}

func TestFastAPIPasetoMigrationVectors(t *testing.T) {
	accepted, refused := 0, 0
	for _, tc := range readMigrationVectors(t) {
		t.Run(tc.Name, func(t *testing.T) {
			assert.Equal(t, tc.KeyBytesHex, hex.EncodeToString([]byte(tc.KeyText)), "the key is the text's bytes")
			a, err := New(WithFastAPIPasetoKey(tc.KeyText), WithVersion(tc.Version))
			if tc.Expect == "refused-as-weak" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "too weak")
				assertNoLeak(t, err.Error(), tc.KeyText)
				refused++
				return
			}
			require.Equal(t, "accepted", tc.Expect)
			require.NoError(t, err)
			claims, err := a.ParseToken(tc.Token)
			require.NoError(t, err)
			assert.Equal(t, tc.Claims.Sub, claims.Subject)
			assert.Equal(t, tc.Claims.Type, claims.Type)
			assert.Equal(t, tc.Claims.Fresh, claims.Fresh)

			// Tokens created here verify with the same text key, which is
			// what the Python service does with them.
			tok, err := a.CreateAccessToken(t.Context(), "bob")
			require.NoError(t, err)
			b, err := New(WithFastAPIPasetoKey(tc.KeyText), WithVersion(tc.Version))
			require.NoError(t, err)
			claims, err = b.ParseToken(tok)
			require.NoError(t, err)
			assert.Equal(t, "bob", claims.Subject)

			// WithSecretKey decodes the same text to other bytes (or
			// refuses it): the reason this option exists.
			if c, err := New(WithSecretKey(tc.KeyText), WithVersion(tc.Version)); err == nil {
				_, err = c.ParseToken(tc.Token)
				assert.Error(t, err)
			}
			accepted++
		})
	}
	t.Logf("fastapi-paseto text keys: %d verified, %d refused as weak", accepted, refused)
	assert.Positive(t, accepted)
	assert.Positive(t, refused)
}

func TestFastAPIPasetoKeyRefusals(t *testing.T) {
	const hex32 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	for _, tc := range []struct {
		name, text string
		v          Version
		want       string
	}{
		{"empty", "", V4, "empty"},
		{"a password", "secret", V4, "shorter than 32"},
		{"31 bytes", hex32[:31], V4, "shorter than 32"},
		{"65 bytes for v4", hex32 + "a", V4, "at most 64"},
		{"a sentence", "this is the secret key of our production service", V4, "too weak"},
		{"words without capitals", "correct-horse-battery-staple-correct-horse-battery-staple-0123", V4, "too weak"},
		{"a repeated run", "Q3v7Yb1Jk0mX9Zr2Q3v7Yb1Jk0mX9Zr2Q3v7Yb1Jk0mX9Zr2", V3, "too weak"},
		{"hex of one byte value", strings.Repeat("ab", 32), V4, "too weak"},
		{"a line break", hex32[:40] + "\n", V4, "line break"},
		{"v2", hex32, V2, "v4 and v3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(WithFastAPIPasetoKey(tc.text), WithVersion(tc.v))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "WithFastAPIPasetoKey")
			assertNoLeak(t, err.Error(), tc.text)
		})
	}
}

func TestFastAPIPasetoKeyAcceptsRandomText(t *testing.T) {
	for _, text := range []string{
		"q3v7Yb1Jk0mX9Zr2Tt8u4Wn6Pp5Ll1Hh0Gg2Ff3Ee4=",                      // fastapi-paseto's key-management guide
		"N2x4Q8kZp0Vb7Rt1Yw5Ue3Io9Pa6Sd4Fg2Hj8Kl0Zx",                       // like secrets.token_urlsafe(32)
		"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", // upper-case hex
	} {
		_, err := New(WithFastAPIPasetoKey(text))
		assert.NoError(t, err, text)
	}
}

// TestFastAPIPasetoKeyRotation is the way off a fastapi-paseto text key:
// a keyring whose new random key creates tokens while the text key,
// retired, still verifies the Python service's tokens (which name no key);
// once the text key is removed, they stop verifying.
func TestFastAPIPasetoKeyRotation(t *testing.T) {
	var vec migrationVector
	for _, tc := range readMigrationVectors(t) {
		if tc.Version == V4 && tc.Expect == "accepted" {
			vec = tc
			break
		}
	}
	require.NotEmpty(t, vec.Token)
	const newKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

	ring, err := NewKeyring(V4, SecretKey(newKey), FastAPIPasetoKey(vec.KeyText).Retired().AcceptWithoutKID())
	require.NoError(t, err)
	assert.Equal(t, "ginpaseto.FastAPIPasetoKey(redacted).Retired().AcceptWithoutKID()", fmt.Sprint(FastAPIPasetoKey(vec.KeyText).Retired().AcceptWithoutKID()))
	a, err := New(WithKeyring(ring))
	require.NoError(t, err)
	claims, err := a.ParseToken(vec.Token)
	require.NoError(t, err, "the Python service's token, with the retired text key")
	assert.Equal(t, vec.Claims.Sub, claims.Subject)

	tok, err := a.CreateAccessToken(t.Context(), "bob")
	require.NoError(t, err)
	fresh, err := New(WithSecretKey(newKey))
	require.NoError(t, err)
	_, err = fresh.ParseToken(tok)
	require.NoError(t, err, "new tokens use the new key")

	require.NoError(t, a.SetKeys(mustRing(t, V4, SecretKey(newKey))))
	_, err = a.ParseToken(vec.Token)
	assert.ErrorIs(t, err, ErrTokenInvalid, "the text key removed, its tokens stop verifying")
	_, err = a.ParseToken(tok)
	assert.NoError(t, err)
}

func mustRing(t *testing.T, v Version, keys ...Key) *Keyring {
	t.Helper()
	r, err := NewKeyring(v, keys...)
	require.NoError(t, err)
	return r
}
