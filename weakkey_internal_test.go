package ginpaseto

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPassphrasesRefused(t *testing.T) {
	text := func(s string) []byte { return []byte(s) }
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"CamelCase words as base64", []Option{WithSecretKey("ThisIsMySuperSecretPasswordForTheProdApp204")}, "reads as words"},
		{"company words as base64", []Option{WithSecretKey("MyCompanyNameProductionSigningSecret2026abc")}, "reads as words"},
		{"words as padded base64", []Option{WithSecretKey("MyCompanyNameProductionSigningSecret2026abc=")}, "reads as words"},
		{"lower-case words", []Option{WithSecretKey("thisismysupersecretpasswordfortheprodapp204")}, "reads as words"},
		{"snake case words", []Option{WithSecretKey("my_super_secret_production_signing_key_2024")}, "reads as words"},
		{"words as a PASERK", []Option{WithSecretKey("k4.local.ThisIsMySuperSecretPasswordForTheProdApp204")}, "reads as words"},
		{"hex of a passphrase", []Option{WithSecretKey(hex.EncodeToString(text("Correct Horse Battery Staple 123")))}, "printable text"},
		{"base64 of a passphrase", []Option{WithSecretKey(base64.StdEncoding.EncodeToString(text("Correct Horse Battery Staple 123")))}, "printable text"},
		{"PASERK of a passphrase", []Option{WithSecretKey(encodePaserk("k4.local", text("Correct Horse Battery Staple 123")))}, "printable text"},
		{"UTF-8 passphrase as hex", []Option{WithSecretKey(hex.EncodeToString(text("Mein Schlüssel für Prod 2026!!")))}, "printable text"},
		{"Ed25519 seed of a passphrase", []Option{WithPrivateKey(hex.EncodeToString(text("Correct Horse Battery Staple 123")))}, "printable text"},
		{"P-384 scalar of a passphrase", []Option{WithVersion(versionV3), WithPrivateKey(hex.EncodeToString(text("Correct Horse Battery Staple 123 and some more 4")))}, "printable text"},
		{"k3.secret of words", []Option{WithVersion(versionV3), WithPrivateKey("k3.secret.ThisIsTheSecretSigningKeyOfTheOrdersServiceInProductionDoNotShar")}, "reads as words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts...)
			require.ErrorContains(t, err, tt.want)
			require.ErrorContains(t, err, "generate one with")
			require.ErrorContains(t, err, "a password is not a key")
		})
	}
}

// TestWordModelIsNormalized checks what the refusal's false-positive bound
// rests on: for every previous character, the word model's probabilities
// of the next one, over both base64 alphabets, add up to 1.
func TestWordModelIsNormalized(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
	m := words()
	for _, prev := range append([]string{""}, strings.Split(alphabet, "")...) {
		var sum float64
		for _, next := range alphabet {
			// wordBits adds log2(p) + 6 for each character.
			sum += math.Exp2(m.wordBits(prev+string(next)) - m.wordBits(prev) - 6)
		}
		assert.InDelta(t, 1, sum, 1e-9, "after %q", prev)
	}
}

// keyForm is one way of writing a random secret that goes through the
// weak-key checks.
type keyForm struct {
	name  string
	size  int // random bytes to generate
	parse func(raw []byte) error
}

func keyForms(t testing.TB) []keyForm {
	local := func(encode func([]byte) string) func([]byte) error {
		return func(raw []byte) error { _, err := parseSymmetricKey(V4, encode(raw)); return err }
	}
	signing := func(v Version, encode func([]byte) string) func([]byte) error {
		return func(raw []byte) error { _, err := parseSigningKey(v, encode(raw)); return err }
	}
	upperHex := func(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }
	seedKey := func(b []byte) []byte { return ed25519.NewKeyFromSeed(b) }
	p384 := func(b []byte) *ecdsa.PrivateKey {
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P384(), b)
		if err != nil {
			panic(err) // the generator keeps scalars in range
		}
		return k
	}
	pkcs8 := func(key any) string {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			panic(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	}
	sec1 := func(key *ecdsa.PrivateKey) string {
		der, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			panic(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	}
	return []keyForm{
		{"local hex", 32, local(hex.EncodeToString)},
		{"local HEX", 32, local(upperHex)},
		{"local base64", 32, local(base64.StdEncoding.EncodeToString)},
		{"local base64 unpadded", 32, local(base64.RawStdEncoding.EncodeToString)},
		{"local base64url", 32, local(base64.URLEncoding.EncodeToString)},
		{"local base64url unpadded", 32, local(base64.RawURLEncoding.EncodeToString)},
		{"local k4.local", 32, local(func(b []byte) string { return encodePaserk("k4.local", b) })},
		{"Ed25519 seed hex", 32, signing(V4, hex.EncodeToString)},
		{"Ed25519 key hex", 32, signing(V4, func(b []byte) string { return hex.EncodeToString(seedKey(b)) })},
		{"Ed25519 k4.secret", 32, signing(V4, func(b []byte) string { return encodePaserk("k4.secret", seedKey(b)) })},
		{"Ed25519 PKCS#8 PEM", 32, signing(V4, func(b []byte) string { return pkcs8(ed25519.NewKeyFromSeed(b)) })},
		{"P-384 scalar hex", 48, signing(versionV3, hex.EncodeToString)},
		{"P-384 k3.secret", 48, signing(versionV3, func(b []byte) string { return encodePaserk("k3.secret", b) })},
		{"P-384 PKCS#8 PEM", 48, signing(versionV3, func(b []byte) string { return pkcs8(p384(b)) })},
		{"P-384 SEC 1 PEM", 48, signing(versionV3, func(b []byte) string { return sec1(p384(b)) })},
	}
}

// TestRandomKeysAccepted measures the false positives of the weak-key
// checks: freshly generated random keys, in every accepted encoding of a
// secret, must all be accepted. It tries 300 keys per encoding; set
// GINPASETO_WEAK_KEY_SAMPLES (say to 1000000) for a larger run, whose
// counts and duration it logs.
func TestRandomKeysAccepted(t *testing.T) {
	samples := 300
	if s := os.Getenv("GINPASETO_WEAK_KEY_SAMPLES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "GINPASETO_WEAK_KEY_SAMPLES")
		samples = n
	}
	order := elliptic.P384().Params().N
	for _, form := range keyForms(t) {
		t.Run(form.name, func(t *testing.T) {
			start := time.Now()
			var (
				mu       sync.Mutex
				refused  int
				firstErr error
				wg       sync.WaitGroup
			)
			workers := 2
			for w := range workers {
				wg.Go(func() {
					raw := make([]byte, form.size)
					for i := w; i < samples; i += workers {
						for {
							_, _ = rand.Read(raw)
							// A P-384 scalar must be below the group order.
							if form.size != p384ScalarSize || new(big.Int).SetBytes(raw).Cmp(order) < 0 {
								break
							}
						}
						if err := form.parse(raw); err != nil {
							mu.Lock()
							refused++
							if firstErr == nil {
								firstErr = err
							}
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			t.Logf("%s: %d of %d random keys refused, in %v", form.name, refused, samples, time.Since(start).Round(time.Millisecond))
			require.Zero(t, refused, "first refusal: %v", firstErr)
		})
	}
}
