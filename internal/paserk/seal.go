package paserk

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// Sealing, for versions 2 and 4: a local key encrypted to the holder of an
// Ed25519 key pair. Both halves are converted to X25519; an ephemeral X25519
// key agreement gives the keys for XChaCha20 and keyed BLAKE2b. The payload
// is tag (32 bytes) || ephemeral public key (32) || encrypted key (32).

const (
	sealTagSize = 32
	sealEPKSize = 32
)

// SealKey encrypts a raw local key to the Ed25519 public key pub, giving
// "k4.seal.…".
func SealKey(v Version, key []byte, pub ed25519.PublicKey) (string, error) {
	if err := sealVersion(v); err != nil {
		return "", err
	}
	if err := checkKey(v, Local, key); err != nil {
		return "", err
	}
	xpk, err := x25519Public(pub)
	if err != nil {
		return "", err
	}
	esk, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	xk, err := esk.ECDH(xpk)
	if err != nil {
		return "", fmt.Errorf("%w: the public key is of small order", ErrKeySize)
	}
	h := Header(v, Seal)
	epk := esk.PublicKey().Bytes()
	edk, ak := sealCipher(h, xk, epk, xpk.Bytes(), key)
	out := append(keyedHash(sealTagSize, ak, []byte(h), epk, edk), epk...)
	return h + base64.RawURLEncoding.EncodeToString(append(out, edk...)), nil
}

// UnsealKey opens a sealed local key of version v with the Ed25519 private
// key priv and returns the raw key.
func UnsealKey(v Version, s string, priv ed25519.PrivateKey) ([]byte, error) {
	if err := sealVersion(v); err != nil {
		return nil, err
	}
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: an Ed25519 private key is %d bytes, not %d", ErrKeySize, ed25519.PrivateKeySize, len(priv))
	}
	p, err := parseAs(v, Seal, s)
	if err != nil {
		return nil, err
	}
	if want := sealTagSize + sealEPKSize + 32; len(p.Data) != want {
		return nil, fmt.Errorf("%w: a %s payload is %d bytes, not %d", ErrEncoding, strings.TrimSuffix(Header(v, Seal), "."), want, len(p.Data))
	}
	tag, epk, edk := p.Data[:sealTagSize], p.Data[sealTagSize:sealTagSize+sealEPKSize], p.Data[sealTagSize+sealEPKSize:]
	xpk, err := x25519Public(priv.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	xsk, err := ecdh.X25519().NewPrivateKey(x25519Secret(priv))
	if err != nil {
		return nil, err
	}
	ephemeral, err := ecdh.X25519().NewPublicKey(epk)
	if err != nil {
		return nil, ErrDecrypt
	}
	xk, err := xsk.ECDH(ephemeral)
	if err != nil {
		return nil, ErrDecrypt
	}
	h := Header(v, Seal)
	// The authentication key comes from the same derivation as the
	// encryption key; the tag is checked before the key is used.
	_, ak := sealCipher(h, xk, epk, xpk.Bytes(), nil)
	if subtle.ConstantTimeCompare(tag, keyedHash(sealTagSize, ak, []byte(h), epk, edk)) != 1 {
		return nil, ErrDecrypt
	}
	key, _ := sealCipher(h, xk, epk, xpk.Bytes(), edk)
	return key, nil
}

// sealCipher XORs data with XChaCha20 under Ek = BLAKE2b-256(0x01 || h || xk
// || epk || xpk) and nonce BLAKE2b-192(epk || xpk), and returns the
// authentication key Ak = BLAKE2b-256(0x02 || h || xk || epk || xpk).
func sealCipher(h string, xk, epk, xpk, data []byte) (out, ak []byte) {
	ek := keyedHash(32, nil, []byte{0x01}, []byte(h), xk, epk, xpk)
	ak = keyedHash(32, nil, []byte{0x02}, []byte(h), xk, epk, xpk)
	nonce := keyedHash(24, nil, epk, xpk)
	return xchacha20(ek, nonce, data), ak
}

func sealVersion(v Version) error {
	if v != V2 && v != V4 {
		return fmt.Errorf("%w: sealing is implemented for k2 and k4, not k%d", ErrVersion, int(v))
	}
	return nil
}

// fieldPrime is 2^255 - 19, the prime of Curve25519's field.
var fieldPrime = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// x25519Public converts an Ed25519 public key to its birationally
// equivalent X25519 public key, u = (1 + y) / (1 - y). The key is public,
// so the variable-time arithmetic of math/big reveals nothing.
func x25519Public(pub ed25519.PublicKey) (*ecdh.PublicKey, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: an Ed25519 public key is %d bytes, not %d", ErrKeySize, ed25519.PublicKeySize, len(pub))
	}
	le := bytes.Clone(pub)
	le[31] &= 0x7f // the sign of x
	slices.Reverse(le)
	y := new(big.Int).SetBytes(le)
	if y.Cmp(fieldPrime) >= 0 {
		return nil, fmt.Errorf("%w: the Ed25519 public key is not canonical", ErrKeySize)
	}
	den := new(big.Int).Sub(big.NewInt(1), y)
	den.Mod(den, fieldPrime)
	if den.Sign() == 0 {
		return nil, fmt.Errorf("%w: the Ed25519 public key is the identity point", ErrKeySize)
	}
	u := new(big.Int).Add(big.NewInt(1), y)
	u.Mul(u, den.ModInverse(den, fieldPrime)).Mod(u, fieldPrime)
	b := u.FillBytes(make([]byte, 32))
	slices.Reverse(b)
	return ecdh.X25519().NewPublicKey(b)
}

// x25519Secret converts an Ed25519 private key to its X25519 scalar: the
// first half of SHA-512 of the seed, clamped, as Ed25519 itself uses it.
func x25519Secret(priv ed25519.PrivateKey) []byte {
	h := sha512.Sum512(priv.Seed())
	s := h[:32]
	s[0] &= 248
	s[31] &= 127
	s[31] |= 64
	return s
}
