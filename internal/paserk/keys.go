package paserk

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"fmt"
)

// PublicKey serializes a public key of version v as a PASERK: an
// ed25519.PublicKey for v2 and v4, a P-384 *ecdsa.PublicKey for v3
// (compressed, as PASERK requires).
func PublicKey(v Version, pub crypto.PublicKey) (string, error) {
	b, err := publicKeyBytes(v, pub)
	if err != nil {
		return "", err
	}
	return Encode(v, Public, b)
}

// SecretKey serializes a private key of version v as a PASERK: an
// ed25519.PrivateKey for v2 and v4, a P-384 *ecdsa.PrivateKey for v3.
func SecretKey(v Version, priv crypto.Signer) (string, error) {
	switch k := priv.(type) {
	case ed25519.PrivateKey:
		if v == V3 {
			break
		}
		return Encode(v, Secret, k)
	case *ecdsa.PrivateKey:
		if v != V3 || k.Curve != elliptic.P384() {
			break
		}
		b, err := k.Bytes()
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrKeySize, err)
		}
		return Encode(v, Secret, b)
	}
	return "", fmt.Errorf("%w: a k%d secret key must be %s", ErrKeySize, int(v), algorithm(v))
}

func publicKeyBytes(v Version, pub crypto.PublicKey) ([]byte, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if v != V3 {
			return k, nil
		}
	case *ecdsa.PublicKey:
		if v == V3 && k.Curve == elliptic.P384() {
			b, err := k.Bytes()
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrKeySize, err)
			}
			// b is 04 || X || Y; the compressed form is 02 or 03 (the parity
			// of Y) followed by X.
			compressed := make([]byte, 1+len(b)/2)
			compressed[0] = 2 | b[len(b)-1]&1
			copy(compressed[1:], b[1:1+len(b)/2])
			return compressed, nil
		}
	}
	return nil, fmt.Errorf("%w: a k%d public key must be %s", ErrKeySize, int(v), algorithm(v))
}

func algorithm(v Version) string {
	if v == V3 {
		return "a P-384 key"
	}
	return "an Ed25519 key"
}
