package ginpaseto

import (
	"github.com/ginpaseto/ginpaseto/keyring"

	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	mathrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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
		{"a repeated run", "Q3v7Yb1Jk0mX9Zr2Q3v7Yb1Jk0mX9Zr2Q3v7Yb1Jk0mX9Zr2", versionV3, "too weak"},
		{"hex of one byte value", strings.Repeat("ab", 32), V4, "too weak"},
		{"hex said twice", hex32[:20] + hex32[40:] + hex32[:20], V4, "too weak"},
		{"CamelCase words", "MyCompanyPasetoSecretKeyForProd2024", V4, "too weak"},
		{"words between dashes", "Correct-Horse-Battery-Staple-2024!", V4, "too weak"},
		{"a CamelCase sentence", "SuperSecretKeyDoNotShareWithAnyone1", V4, "too weak"},
		{"words and a version", "Kubernetes-Secret-Paseto-Key-v4-Prod", V4, "too weak"},
		{"keyboard rows", "qwertyuiopasdfghjklzxcvbnmQWERTYUIOP", V4, "too weak"},
		{"a pangram", "TheQuickBrownFoxJumpsOverTheLazyDog123", V4, "too weak"},
		{"a placeholder sentence", "PleaseReplaceThisWithARealSecretKey!!", versionV3, "too weak"},
		{"seasons and years", "Summer2024!Winter2025!Spring2026!Autumn", V4, "too weak"},
		{"keyboard rows backwards", "POIUYTREWQLKJHGFDSAMNBVCXZpoiuytrewq", V4, "too weak"},
		{"keyboard rows and digits", "1234567890qwertyuiopASDFGHJKLzxcvbnm", V4, "too weak"},
		{"a line break", hex32[:40] + "\n", V4, "line break"},
		{"v2", hex32, versionV2, "v4 and v3"},
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
		// Random hex in which 8 characters recur, as they do about once
		// in 3 million such texts: 32 bits are no phrase said twice.
		"ef7b731a0eace842c3075d3c1a0eace87e746c9d87b81f9977",               // secrets.token_hex(25)
		"0f4d95f53b6a4fb2bd6000b02b9615a6c520a2fa26c941ccbcb077bf6c941ccb", // uuid4().hex twice
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

	assert.Equal(t, "keyring.FastAPIPasetoKey(redacted).Retired().AcceptWithoutKID()", fmt.Sprint(keyring.FastAPIPasetoKey(vec.KeyText).Retired().AcceptWithoutKID()))
	a, err := New(WithKeys(keyring.SecretKey(newKey), keyring.FastAPIPasetoKey(vec.KeyText).Retired().AcceptWithoutKID()))
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

	require.NoError(t, a.SetKeys(keyring.SecretKey(newKey)))
	_, err = a.ParseToken(vec.Token)
	assert.ErrorIs(t, err, ErrTokenInvalid, "the text key removed, its tokens stop verifying")
	_, err = a.ParseToken(tok)
	assert.NoError(t, err)
}

// fastAPITextShape is one way fastapi-paseto users make a text key, written
// as Python makes it.
type fastAPITextShape struct {
	name string
	make func(random func(n int) []byte, pick func(lo, hi int) int) string
}

func fastAPITextShapes() []fastAPITextShape {
	uuid4 := func(random func(int) []byte) []byte {
		b := random(16)
		b[6] = b[6]&0x0f | 0x40 // version 4
		b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
		return b
	}
	return []fastAPITextShape{
		{"secrets.token_urlsafe(32..48)", func(random func(int) []byte, pick func(int, int) int) string {
			return base64.RawURLEncoding.EncodeToString(random(pick(32, 48)))
		}},
		{"secrets.token_hex(16..32)", func(random func(int) []byte, pick func(int, int) int) string {
			return hex.EncodeToString(random(pick(16, 32)))
		}},
		{"base64.b64encode(os.urandom(32..48))", func(random func(int) []byte, pick func(int, int) int) string {
			return base64.StdEncoding.EncodeToString(random(pick(32, 48)))
		}},
		{"base64.urlsafe_b64encode(os.urandom(32..48))", func(random func(int) []byte, pick func(int, int) int) string {
			return base64.URLEncoding.EncodeToString(random(pick(32, 48)))
		}},
		{"uuid4().hex + uuid4().hex", func(random func(int) []byte, _ func(int, int) int) string {
			return hex.EncodeToString(uuid4(random)) + hex.EncodeToString(uuid4(random))
		}},
		{"str(uuid4())", func(random func(int) []byte, _ func(int, int) int) string {
			h := hex.EncodeToString(uuid4(random))
			return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
		}},
	}
}

// TestFastAPIRandomTextsAccepted measures the false positives of the
// checks of WithFastAPIPasetoKey: random text of the shapes fastapi-paseto
// users generate must all be accepted. It tries 300 texts per shape; set
// GINPASETO_FASTAPI_KEY_SAMPLES (say to 1000000) for a larger run, whose
// counts, highest scores and duration it logs.
func TestFastAPIRandomTextsAccepted(t *testing.T) {
	samples := 300
	if s := os.Getenv("GINPASETO_FASTAPI_KEY_SAMPLES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "GINPASETO_FASTAPI_KEY_SAMPLES")
		samples = n
	}
	for _, shape := range fastAPITextShapes() {
		t.Run(shape.name, func(t *testing.T) {
			start := time.Now()
			var (
				mu                sync.Mutex
				refused           int
				firstRefused      string
				maxWords, maxKeys = math.Inf(-1), math.Inf(-1)
				wg                sync.WaitGroup
			)
			workers := 2
			for w := range workers {
				wg.Go(func() {
					buf := make([]byte, 64)
					random := func(n int) []byte { b := buf[:n]; _, _ = rand.Read(b); return b }
					pick := func(lo, hi int) int { return lo + mathrand.IntN(hi-lo+1) }
					localRefused, localFirst := 0, ""
					localWords, localKeys := math.Inf(-1), math.Inf(-1)
					for i := w; i < samples; i += workers {
						text := shape.make(random, pick)
						if _, err := fastAPIKey(V4, text); err != nil {
							if localRefused++; localFirst == "" {
								localFirst = text
							}
						}
						if _, isHex := decodeHex(strings.ReplaceAll(text, "-", "")); !isHex {
							// Hex is checked as bytes; the rest is scored.
							plain := strings.TrimRight(text, "=")
							localWords = max(localWords, words().wordBits(plain))
							localKeys = max(localKeys, keyboardBits(plain))
						}
					}
					mu.Lock()
					defer mu.Unlock()
					refused += localRefused
					if firstRefused == "" {
						firstRefused = localFirst
					}
					maxWords, maxKeys = max(maxWords, localWords), max(maxKeys, localKeys)
				})
			}
			wg.Wait()
			scores := "hex, checked as bytes"
			if !math.IsInf(maxWords, -1) {
				scores = fmt.Sprintf("highest scores %.1f bits (words), %.1f bits (keyboard), refused from %d", maxWords, maxKeys, fastAPIHandTypedBits)
			}
			t.Logf("%s: %d of %d random texts refused (%s), in %v", shape.name, refused, samples, scores, time.Since(start).Round(time.Millisecond))
			require.Zero(t, refused, "first refused: %q", firstRefused)
		})
	}
}

// TestKeyboardModelIsNormalized: for every previous character, the
// keyboard model's probabilities of the next one, over both base64
// alphabets, add up to at most 1, which the false-positive bound needs.
func TestKeyboardModelIsNormalized(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
	for _, prev := range alphabet {
		var sum float64
		for _, next := range alphabet {
			sum += math.Exp2(keyboardBits(string(prev)+string(next)) - 6)
		}
		assert.LessOrEqual(t, sum, 1+1e-9, "after %q", prev)
	}
}
