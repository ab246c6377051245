package paserk

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/chacha20"
)

// Symmetric key wrapping, protocol pie, for versions 2 and 4: a local or
// secret key encrypted with XChaCha20 under a 32-byte wrapping key and
// authenticated with keyed BLAKE2b. The payload is tag (32 bytes) || nonce
// (32) || wrapped key.

// WrappingKeySize is the length of a wrapping key.
const WrappingKeySize = 32

const (
	pieTagSize   = 32
	pieNonceSize = 32
)

// Wrap encrypts a raw key of type Local or Secret with wrappingKey, giving
// "k4.local-wrap.pie.…" or "k4.secret-wrap.pie.…".
func Wrap(v Version, t Type, key, wrappingKey []byte) (string, error) {
	wrapType, err := wrapTypeOf(v, t)
	if err != nil {
		return "", err
	}
	if err := checkKey(v, t, key); err != nil {
		return "", err
	}
	if len(wrappingKey) != WrappingKeySize {
		return "", fmt.Errorf("%w: a wrapping key is %d bytes, not %d", ErrKeySize, WrappingKeySize, len(wrappingKey))
	}
	h := Header(v, wrapType)
	n := make([]byte, pieNonceSize)
	rand.Read(n)
	c := pieCipher(wrappingKey, n, key)
	out := append(pieTag(h, wrappingKey, n, c), n...)
	return h + base64.RawURLEncoding.EncodeToString(append(out, c...)), nil
}

// Unwrap opens a wrapped key of version v whose plain type is t (Local or
// Secret) with wrappingKey and returns the raw key.
func Unwrap(v Version, t Type, s string, wrappingKey []byte) ([]byte, error) {
	wrapType, err := wrapTypeOf(v, t)
	if err != nil {
		return nil, err
	}
	if len(wrappingKey) != WrappingKeySize {
		return nil, fmt.Errorf("%w: a wrapping key is %d bytes, not %d", ErrKeySize, WrappingKeySize, len(wrappingKey))
	}
	p, err := parseAs(v, wrapType, s)
	if err != nil {
		return nil, err
	}
	size, _ := KeySize(v, t)
	if len(p.Data) != pieTagSize+pieNonceSize+size {
		return nil, fmt.Errorf("%w: a %s payload is %d bytes, not %d", ErrEncoding, strings.TrimSuffix(Header(v, wrapType), "."), pieTagSize+pieNonceSize+size, len(p.Data))
	}
	tag, n, c := p.Data[:pieTagSize], p.Data[pieTagSize:pieTagSize+pieNonceSize], p.Data[pieTagSize+pieNonceSize:]
	if subtle.ConstantTimeCompare(tag, pieTag(Header(v, wrapType), wrappingKey, n, c)) != 1 {
		return nil, ErrDecrypt
	}
	return pieCipher(wrappingKey, n, c), nil
}

// wrapTypeOf returns the wrapped type for plain type t, for the versions
// that implement pie here.
func wrapTypeOf(v Version, t Type) (Type, error) {
	if v != V2 && v != V4 {
		return "", fmt.Errorf("%w: key wrapping is implemented for k2 and k4, not k%d", ErrVersion, int(v))
	}
	switch t {
	case Local:
		return LocalWrap, nil
	case Secret:
		return SecretWrap, nil
	}
	return "", fmt.Errorf("%w: only local and secret keys are wrapped", ErrType)
}

// pieTag is BLAKE2b-256(h || n || c) keyed with Ak = BLAKE2b-256(0x81 || n)
// keyed with the wrapping key.
func pieTag(h string, wk, n, c []byte) []byte {
	ak := keyedHash(32, wk, []byte{0x81}, n)
	return keyedHash(32, ak, []byte(h), n, c)
}

// pieCipher XORs data with XChaCha20 keyed with Ek and nonce n2, the two
// halves of BLAKE2b-448(0x80 || n) keyed with the wrapping key.
func pieCipher(wk, n, data []byte) []byte {
	x := keyedHash(56, wk, []byte{0x80}, n)
	return xchacha20(x[:32], x[32:], data)
}

// keyedHash is BLAKE2b of the concatenated parts with the given output
// size and key (none when key is nil).
func keyedHash(size int, key []byte, parts ...[]byte) []byte {
	h, err := blake2b.New(size, key)
	if err != nil {
		panic(err) // sizes and key lengths are constants of this package
	}
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// xchacha20 XORs data with the XChaCha20 key stream.
func xchacha20(key, nonce, data []byte) []byte {
	c, err := chacha20.NewUnauthenticatedCipher(key, nonce)
	if err != nil {
		panic(err) // key and nonce lengths are constants of this package
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}
