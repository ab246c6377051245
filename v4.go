package ginpaseto

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"hash"
	"sync"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/chacha20"
)

// This file implements the two v4 constructions of the PASETO specification
// directly over BLAKE2b, XChaCha20 and Ed25519. They run on every request,
// so they avoid the generic token machinery: the payload is decoded once,
// decrypted in place, and the BLAKE2b states keyed with the long-term key
// are reused from a pool.

const (
	headerV4Local  = "v4.local."
	headerV4Public = "v4.public."

	v4NonceSize = 32
	v4TagSize   = 32
)

var (
	errAuthFailed = errors.New("token authentication failed")
	errTooShort   = errors.New("token payload too short")
)

// The constant inputs of the v4.local hashes, as byte slices made once:
// converting a string at each call would allocate, because the compiler
// cannot tell that hash.Hash.Write does not keep its argument.
var (
	v4LocalHeader = []byte(headerV4Local)
	v4EncKeyInfo  = []byte("paseto-encryption-key")
	v4AuthKeyInfo = []byte("paseto-auth-key-for-aead")
)

// v4Local seals and opens v4.local tokens with one 32-byte key.
type v4Local struct {
	key   hidden[[]byte]
	state sync.Pool // *v4LocalState
}

// v4LocalState holds the BLAKE2b states keyed with the long-term key and the
// scratch space for one operation.
type v4LocalState struct {
	encKDF  hash.Hash // BLAKE2b-448 keyed with K: Ek || n2
	authKDF hash.Hash // BLAKE2b-256 keyed with K: Ak
	tmp     [56]byte
	ak      [32]byte
	tag     [32]byte
	le      [8]byte // a PAE length, written through writePAE
}

func newV4Local(key []byte) *v4Local {
	l := &v4Local{key: hide(key)}
	l.state.New = func() any {
		enc, _ := blake2b.New(56, key) // sizes and key length are valid by construction
		auth, _ := blake2b.New(32, key)
		return &v4LocalState{encKDF: enc, authKDF: auth}
	}
	return l
}

// keys derives the encryption key, the XChaCha20 nonce and the
// authentication key from the token nonce n.
func (s *v4LocalState) keys(n []byte) (ek, n2, ak []byte) {
	s.encKDF.Reset()
	s.encKDF.Write(v4EncKeyInfo)
	s.encKDF.Write(n)
	s.encKDF.Sum(s.tmp[:0])
	s.authKDF.Reset()
	s.authKDF.Write(v4AuthKeyInfo)
	s.authKDF.Write(n)
	s.authKDF.Sum(s.ak[:0])
	return s.tmp[:32], s.tmp[32:], s.ak[:]
}

// mac computes the tag over PAE(h, n, c, f, i) with the derived key ak.
func (s *v4LocalState) mac(ak, n, c, f, i []byte) []byte {
	m, _ := blake2b.New(32, ak)
	writePAE(m, &s.le, v4LocalHeader, n, c, f, i)
	return m.Sum(s.tag[:0])
}

func (l *v4Local) seal(payload, footer, implicit []byte) (string, error) {
	body := make([]byte, v4NonceSize+len(payload)+v4TagSize)
	n := body[:v4NonceSize]
	if _, err := rand.Read(n); err != nil {
		return "", err
	}
	return l.sealWithNonce(body, payload, footer, implicit), nil
}

// sealWithNonce encrypts into body, whose first 32 bytes hold the nonce.
// It is separate from seal so the official vectors can fix the nonce.
func (l *v4Local) sealWithNonce(body, payload, footer, implicit []byte) string {
	s := l.state.Get().(*v4LocalState)
	defer l.state.Put(s)
	n := body[:v4NonceSize]
	c := body[v4NonceSize : v4NonceSize+len(payload)]
	ek, n2, ak := s.keys(n)
	stream, _ := chacha20.NewUnauthenticatedCipher(ek, n2)
	stream.XORKeyStream(c, payload)
	copy(body[v4NonceSize+len(payload):], s.mac(ak, n, c, footer, implicit))
	return encodeToken(headerV4Local, body, footer)
}

// open authenticates and decrypts body (nonce || ciphertext || tag) in place
// and returns the plaintext, which aliases body.
func (l *v4Local) open(_ string, body, footer, implicit []byte) ([]byte, error) {
	if len(body) < v4NonceSize+v4TagSize {
		return nil, errTooShort
	}
	s := l.state.Get().(*v4LocalState)
	defer l.state.Put(s)
	n := body[:v4NonceSize]
	c := body[v4NonceSize : len(body)-v4TagSize]
	t := body[len(body)-v4TagSize:]
	ek, n2, ak := s.keys(n)
	if subtle.ConstantTimeCompare(t, s.mac(ak, n, c, footer, implicit)) != 1 {
		return nil, errAuthFailed
	}
	stream, _ := chacha20.NewUnauthenticatedCipher(ek, n2)
	stream.XORKeyStream(c, c)
	return c, nil
}

// v4Signer signs v4.public tokens.
type v4Signer struct{ key hidden[ed25519.PrivateKey] }

func (s v4Signer) seal(payload, footer, implicit []byte) (string, error) {
	body := make([]byte, len(payload), len(payload)+ed25519.SignatureSize)
	copy(body, payload)
	body = append(body, ed25519.Sign(s.key.get(), pae([]byte(headerV4Public), payload, footer, implicit))...)
	return encodeToken(headerV4Public, body, footer), nil
}

// v4Verifier verifies v4.public tokens.
type v4Verifier struct{ key hidden[ed25519.PublicKey] }

func (v v4Verifier) open(_ string, body, footer, implicit []byte) ([]byte, error) {
	if len(body) < ed25519.SignatureSize {
		return nil, errTooShort
	}
	m := body[:len(body)-ed25519.SignatureSize]
	sig := body[len(body)-ed25519.SignatureSize:]
	if !ed25519.Verify(v.key.get(), pae([]byte(headerV4Public), m, footer, implicit), sig) {
		return nil, errAuthFailed
	}
	return m, nil
}

// pae is the PASETO pre-authentication encoding of pieces.
func pae(pieces ...[]byte) []byte {
	size := 8
	for _, p := range pieces {
		size += 8 + len(p)
	}
	out := make([]byte, 0, size)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(pieces)))
	for _, p := range pieces {
		out = binary.LittleEndian.AppendUint64(out, uint64(len(p)))
		out = append(out, p...)
	}
	return out
}

// writePAE streams the pre-authentication encoding of pieces into h, which
// avoids building the encoding in memory. le is scratch space for the
// lengths, kept by the caller because a local array would escape through
// h.Write.
func writePAE(h hash.Hash, le *[8]byte, pieces ...[]byte) {
	binary.LittleEndian.PutUint64(le[:], uint64(len(pieces)))
	h.Write(le[:])
	for _, p := range pieces {
		binary.LittleEndian.PutUint64(le[:], uint64(len(p)))
		h.Write(le[:])
		h.Write(p)
	}
}
