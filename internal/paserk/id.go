package paserk

import (
	"crypto/sha512"
	"encoding/base64"
	"fmt"

	"golang.org/x/crypto/blake2b"
)

// idSize is the length of a key ID's hash: 264 bits, 44 base64url
// characters without padding.
const idSize = 33

// IDType returns the ID type naming keys of plain type t: lid, sid or pid.
func IDType(t Type) (Type, error) {
	switch t {
	case Local:
		return LocalID, nil
	case Secret:
		return SecretID, nil
	case Public:
		return PublicID, nil
	}
	return "", fmt.Errorf("%w: only local, secret and public keys have IDs", ErrType)
}

// ID returns the PASERK ID of a raw key of plain type t: "k4.lid.…" for a
// local key, "k4.sid.…" for a secret key, "k4.pid.…" for a public key.
func ID(v Version, t Type, key []byte) (string, error) {
	serialized, err := Encode(v, t, key)
	if err != nil {
		return "", err
	}
	return IDOf(serialized)
}

// IDOf returns the PASERK ID of a serialized plain key, which it checks as
// Decode does.
func IDOf(serialized string) (string, error) {
	v, t, _, ok := Split(serialized)
	if !ok {
		return "", ErrNotPASERK
	}
	if _, err := Decode(v, t, serialized); err != nil {
		return "", err
	}
	idType, err := IDType(t)
	if err != nil {
		return "", err
	}
	return id(v, idType, serialized), nil
}

// id hashes the header of the ID and the whole serialized key: BLAKE2b-264
// for v2 and v4, SHA-384 truncated to 264 bits for v3.
func id(v Version, idType Type, serialized string) string {
	h := Header(v, idType)
	var d []byte
	if v == V3 {
		sum := sha512.Sum384([]byte(h + serialized))
		d = sum[:idSize]
	} else {
		hash, _ := blake2b.New(idSize, nil) // cannot fail: size in range, no key
		hash.Write([]byte(h))
		hash.Write([]byte(serialized))
		d = hash.Sum(nil)
	}
	return h + base64.RawURLEncoding.EncodeToString(d)
}

// TextKeyID returns the lid pyseto gives a local key of any length, such as
// the text key of a fastapi-paseto service: the hash of the lid header and
// "kN.local." followed by the base64url of the key. PASERK defines local
// keys as 32 bytes, for which this is ID(v, Local, key).
func TextKeyID(v Version, key []byte) string {
	return id(v, LocalID, Header(v, Local)+base64.RawURLEncoding.EncodeToString(key))
}
