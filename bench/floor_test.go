package bench

import (
	"crypto/ed25519"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/chacha20"
)

// The cryptographic floor: what verifying a v4 token costs at the least,
// the primitives called directly on the same tokens as the request
// benchmarks, with no HTTP, no claims and no checks.

// pae is PASETO's pre-authentication encoding of pieces.
func pae(dst []byte, pieces ...[]byte) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, uint64(len(pieces)))
	for _, p := range pieces {
		dst = binary.LittleEndian.AppendUint64(dst, uint64(len(p)))
		dst = append(dst, p...)
	}
	return dst
}

// rawTokens returns the tokens of s without their "Bearer " prefix.
func rawTokens(s *setup) []string {
	toks := make([]string, len(s.headers))
	for i, h := range s.headers {
		toks[i] = strings.TrimPrefix(h[0], "Bearer ")
	}
	return toks
}

// splitFooter returns the header-less body and the footer of tok, both
// still encoded.
func splitFooter(tok, header string) (body64, footer64 string) {
	rest := strings.TrimPrefix(tok, header)
	body64, footer64, _ = strings.Cut(rest, ".")
	return body64, footer64
}

// openLocalFloor decrypts one v4.local token: base64 decoding, the two
// BLAKE2b key derivations, the BLAKE2b MAC over the pre-authentication
// encoding, and XChaCha20. It reports whether the MAC matched.
func openLocalFloor(key []byte, tok string, buf []byte) ([]byte, bool) {
	const header = "v4.local."
	body64, footer64 := splitFooter(tok, header)
	body, err := base64.RawURLEncoding.DecodeString(body64)
	if err != nil || len(body) < 64 {
		return nil, false
	}
	footer, err := base64.RawURLEncoding.DecodeString(footer64)
	if err != nil {
		return nil, false
	}
	n, c, t := body[:32], body[32:len(body)-32], body[len(body)-32:]
	h, _ := blake2b.New(56, key)
	h.Write([]byte("paseto-encryption-key"))
	h.Write(n)
	tmp := h.Sum(nil)
	ek, n2 := tmp[:32], tmp[32:]
	h, _ = blake2b.New(32, key)
	h.Write([]byte("paseto-auth-key-for-aead"))
	h.Write(n)
	ak := h.Sum(nil)
	h, _ = blake2b.New(32, ak)
	h.Write(pae(buf[:0], []byte(header), n, c, footer, nil))
	if subtle.ConstantTimeCompare(h.Sum(nil), t) != 1 {
		return nil, false
	}
	x, _ := chacha20.NewUnauthenticatedCipher(ek, n2)
	x.XORKeyStream(c, c)
	return c, true
}

// verifyPublicFloor checks one v4.public token: one Ed25519 verification
// of its pre-authentication encoding, after base64 decoding.
func verifyPublicFloor(pub ed25519.PublicKey, tok string, buf []byte) bool {
	const header = "v4.public."
	body64, footer64 := splitFooter(tok, header)
	body, err := base64.RawURLEncoding.DecodeString(body64)
	if err != nil || len(body) < ed25519.SignatureSize {
		return false
	}
	footer, err := base64.RawURLEncoding.DecodeString(footer64)
	if err != nil {
		return false
	}
	m, sig := body[:len(body)-ed25519.SignatureSize], body[len(body)-ed25519.SignatureSize:]
	return ed25519.Verify(pub, pae(buf[:0], []byte(header), m, footer, nil), sig)
}

func BenchmarkFloorLocal(b *testing.B) {
	f := newFixture(b)
	toks := rawTokens(f.newGinpasetoLocal(b))
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	defer reportCPUTime(b)()
	for i := 0; b.Loop(); i++ {
		if _, ok := openLocalFloor(f.secret, toks[i%poolSize], buf); !ok {
			b.Fatal("the floor refused a token")
		}
	}
}

func BenchmarkFloorPublic(b *testing.B) {
	f := newFixture(b)
	toks := rawTokens(f.newGinpasetoPublic(b))
	pub := f.privateKey.Public().(ed25519.PublicKey)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	defer reportCPUTime(b)()
	for i := 0; b.Loop(); i++ {
		if !verifyPublicFloor(pub, toks[i%poolSize], buf) {
			b.Fatal("the floor refused a token")
		}
	}
}

// TestFloorsAgree checks that the floors do the real work: they accept
// ginpaseto's tokens, find the payload, and refuse a tampered token.
func TestFloorsAgree(t *testing.T) {
	f := newFixture(t)
	local := rawTokens(f.newGinpasetoLocal(t))
	payload, ok := openLocalFloor(f.secret, local[0], nil)
	if !ok || !strings.Contains(string(payload), `"sub":"user-0"`) {
		t.Fatalf("local floor: ok=%v payload %q", ok, payload)
	}
	if _, ok := openLocalFloor(f.secret, tamperToken(local[1]), nil); ok {
		t.Fatal("local floor accepted a tampered token")
	}
	public := rawTokens(f.newGinpasetoPublic(t))
	pub := f.privateKey.Public().(ed25519.PublicKey)
	if !verifyPublicFloor(pub, public[0], nil) {
		t.Fatal("public floor refused a genuine token")
	}
	if verifyPublicFloor(pub, tamperToken(public[1]), nil) {
		t.Fatal("public floor accepted a tampered token")
	}
}

// tamperToken changes one character of tok's body.
func tamperToken(tok string) string {
	b := []byte(tok)
	i := strings.LastIndexByte(tok, '.') - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
