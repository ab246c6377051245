package ginpaseto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha512"
	"errors"
	"math"
	"strings"
)

// Migration from fastapi-paseto. Its authpaseto_secret_key setting is text,
// and pyseto keys local tokens with the text's UTF-8 bytes as they are: for
// v4.local the BLAKE2b key (1 to 64 bytes), for v3.local the HKDF input
// keying material. ginpaseto's WithSecretKey decodes text (hex, base64) to
// 32 bytes, so the same setting would be a different key; this option uses
// the text the way pyseto does.

const optFastAPIKey = "WithFastAPIPasetoKey"

// Bounds on the length of a fastapi-paseto text key: below 32 bytes the
// text cannot hold a random 128-bit secret in any encoding people use, and
// pyseto refuses v4.local keys over 64 bytes (BLAKE2b's longest key).
const (
	minFastAPIKeyText   = 32
	maxFastAPIV4KeyText = 64
	maxFastAPIV3KeyText = 1024
)

// WithFastAPIPasetoKey sets the local-token key from the text of a
// fastapi-paseto deployment's authpaseto_secret_key, used as raw key bytes
// exactly as fastapi-paseto (through pyseto) uses it, so that tokens the
// Python service issued verify here and tokens created here verify there.
// It works for v4 (the default: 32 to 64 bytes of text) and v3 (with
// WithVersion(legacy.V3); 32 bytes of text or more).
//
// The text must read as random characters, as made by `openssl rand -hex
// 32` or Python's secrets.token_urlsafe(32); text that reads as a
// passphrase or a placeholder is refused as weak, since whoever guesses it
// can mint tokens: words, however they are joined (CamelCase, dashes,
// digits, punctuation: "Correct-Horse-Battery-Staple-2024!"), keyboard
// rows, a repeated run, a single letter case, few distinct characters.
// The text is used exactly as given.
//
// This option exists for the migration only. Move to a random key with
// WithSecretKey afterwards, through key rotation (see docs/keys.md).
func WithFastAPIPasetoKey(text string) Option {
	return optionFunc(func(c *config) error { c.secretKey = &keySource{value: hide(text), fastAPI: true}; return nil })
}

// symmetricKey parses the text of a local key: as fastapi-paseto uses it
// for WithFastAPIPasetoKey, as WithSecretKey describes otherwise.
func (s *keySource) symmetricKey(v Version, text string) ([]byte, error) {
	if !s.fastAPI {
		return parseSymmetricKey(v, text)
	}
	return fastAPIKey(v, text)
}

// fastAPIKey checks a fastapi-paseto text key for version v and returns
// its bytes.
func fastAPIKey(v Version, text string) ([]byte, error) {
	fail := func(format string, args ...any) error { return keyError(optFastAPIKey, format, args...) }
	const hint = "replace it with a random key through key rotation (generate one with: ginpaseto keygen local)"
	maxLen := maxFastAPIV4KeyText
	switch v {
	case V4:
	case versionV3:
		maxLen = maxFastAPIV3KeyText
	default:
		return nil, fail("fastapi-paseto keys are used for v4 and v3 tokens, not %s; remove WithVersion or use legacy.V3", v)
	}
	switch n := len(text); {
	case n == 0:
		return nil, fail("the key text is empty; pass the value of the Python service's authpaseto_secret_key")
	case n < minFastAPIKeyText:
		return nil, fail("the key text is %d bytes; fastapi-paseto keys shorter than %d bytes are too weak to keep; %s", n, minFastAPIKeyText, hint)
	case n > maxLen && v == V4:
		return nil, fail("the key text is %d bytes; pyseto takes at most %d for v4.local keys", n, maxLen)
	case n > maxLen:
		return nil, fail("the key text is %d bytes; at most %d are accepted", n, maxLen)
	}
	if strings.ContainsAny(text, "\r\n") {
		return nil, fail("the key text contains a line break; pass the setting's value alone")
	}
	if !looksRandom(text) {
		return nil, fail("the key text does not read as random characters (such as the hex or base64 of random bytes) but as a passphrase or a placeholder, which is too weak to keep; %s", hint)
	}
	return []byte(text), nil
}

// looksRandom reports whether text reads as random characters rather than
// a passphrase or a placeholder. It cannot recognize every passphrase; it
// refuses what weak keys usually look like, while random text of 32
// characters or more passes with overwhelming probability:
//
//   - a run of 48 bits that occurs twice (a phrase said twice,
//     "secretsecret…"): 8 characters, or 12 of hex, whose characters carry
//     4 bits each (8 hex characters, 32 bits, recur in one random hex
//     text of 64 characters in about 3 million);
//   - for hex (dashes allowed, as in UUIDs): fewer than 16 bytes, or bytes
//     repeating too few values, as checked for other keys;
//   - otherwise, text typed by hand: words, split at case changes, digits
//     and punctuation ("MyCompanyPasetoSecretKeyForProd2024",
//     "Correct-Horse-Battery-Staple-2024!"), or keyboard rows
//     ("qwertyuiopasdfghjklzxcvbnm…"), scored by the word and keyboard
//     models of the secret key checks at fastAPIHandTypedBits or more;
//   - text without both upper- and lower-case letters (43 random
//     base64 characters lack either with a probability near 1e-10), or with
//     fewer distinct characters than 60% of what as many random base64
//     characters would show (about 19 of 43; random text falls below that
//     with a probability near 1e-8).
func looksRandom(text string) bool {
	if b, ok := decodeHex(strings.ReplaceAll(text, "-", "")); ok {
		return !repeatsRun(text, 12) && len(b) >= 16 && randomEnough(b)
	}
	if repeatsRun(text, 8) {
		return false
	}
	if typedByHand(strings.TrimRight(text, "=")) {
		return false
	}
	if !strings.ContainsAny(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") || !strings.ContainsAny(text, "abcdefghijklmnopqrstuvwxyz") {
		return false
	}
	seen := map[rune]bool{}
	for _, r := range text {
		seen[r] = true
	}
	expected := 64 * (1 - math.Pow(63.0/64, float64(len(text))))
	return float64(len(seen)) >= 0.6*expected
}

// fastAPIHandTypedBits is the score, in bits, from which a fastapi-paseto
// text key is taken for typed by hand. It is lower than the threshold of
// secret keys, wordBitsThreshold, since such text is the key itself and
// people type it. Random base64 text reaches it under either model with a
// probability of at most 2^-20 (Markov's inequality, as for the secret
// keys), and in practice far less: of a million random base64 texts of 32
// to 48 bytes, standard or URL-safe, the highest score was 4.4 bits under
// the word model and -17 under the keyboard model (measured by
// TestFastAPIRandomTextsAccepted), while words typed as keys score 30 and
// more.
const fastAPIHandTypedBits = 20

// typedByHand reports whether text reads as words or keyboard rows.
func typedByHand(text string) bool {
	return words().wordBits(text) >= fastAPIHandTypedBits || keyboardBits(text) >= fastAPIHandTypedBits
}

// repeatsRun reports whether some run of n characters occurs twice in s.
func repeatsRun(s string, n int) bool {
	seen := make(map[string]bool, len(s))
	for i := 0; i+n <= len(s); i++ {
		if seen[s[i:i+n]] {
			return true
		}
		seen[s[i:i+n]] = true
	}
	return false
}

// randomEnough reports whether b repeats byte values no more than random
// bytes would: at least half of them distinct, and 16 from 32 bytes on, as
// randomLooking requires of keys.
func randomEnough(b []byte) bool {
	return distinctBytes(b) >= min(len(b)/2, minDistinctKeyBytes)
}

// v3TextLocal seals and opens v3.local tokens keyed, as pyseto keys them,
// with input keying material of any length; go-paseto takes exactly 32
// bytes. Key derivation: HKDF-SHA384 without salt, as the PASETO v3
// specification describes.
type v3TextLocal struct{ ikm hidden[[]byte] }

const (
	headerV3Local = "v3.local."
	v3NonceSize   = 32
	v3TagSize     = 48
)

var errV3Local = errors.New("v3.local: key derivation failed")

func (k v3TextLocal) keys(n []byte) (ek, n2, ak []byte, err error) {
	tmp, err := hkdf.Key(sha512.New384, k.ikm.get(), nil, "paseto-encryption-key"+string(n), 48)
	if err != nil {
		return nil, nil, nil, errV3Local
	}
	ak, err = hkdf.Key(sha512.New384, k.ikm.get(), nil, "paseto-auth-key-for-aead"+string(n), 48)
	if err != nil {
		return nil, nil, nil, errV3Local
	}
	return tmp[:32], tmp[32:], ak, nil
}

func (k v3TextLocal) seal(payload, footer, implicit []byte) (string, error) {
	body := make([]byte, v3NonceSize+len(payload)+v3TagSize)
	n, c := body[:v3NonceSize], body[v3NonceSize:v3NonceSize+len(payload)]
	if _, err := rand.Read(n); err != nil {
		return "", err
	}
	ek, n2, ak, err := k.keys(n)
	if err != nil {
		return "", err
	}
	block, _ := aes.NewCipher(ek) // 32 bytes by construction
	cipher.NewCTR(block, n2).XORKeyStream(c, payload)
	mac := hmac.New(sha512.New384, ak)
	mac.Write(pae([]byte(headerV3Local), n, c, footer, implicit))
	copy(body[v3NonceSize+len(payload):], mac.Sum(nil))
	return encodeToken(headerV3Local, body, footer), nil
}

func (k v3TextLocal) open(_ string, body, footer, implicit []byte) ([]byte, error) {
	if len(body) < v3NonceSize+v3TagSize {
		return nil, errTooShort
	}
	n, c, t := body[:v3NonceSize], body[v3NonceSize:len(body)-v3TagSize], body[len(body)-v3TagSize:]
	ek, n2, ak, err := k.keys(n)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha512.New384, ak)
	mac.Write(pae([]byte(headerV3Local), n, c, footer, implicit))
	if !hmac.Equal(t, mac.Sum(nil)) {
		return nil, errAuthFailed
	}
	block, _ := aes.NewCipher(ek)
	out := make([]byte, len(c))
	cipher.NewCTR(block, n2).XORKeyStream(out, c)
	return out, nil
}
