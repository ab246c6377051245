package ginpaseto

import (
	"crypto"
	"fmt"

	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// The key IDs that tokens carry and the public keys of key sets are
// PASERKs, built by internal/paserk from keys already parsed and checked.

// localKeyID is the PASERK ID (kN.lid.…) of a local key.
func localKeyID(v Version, key []byte) string {
	if len(key) != symmetricKeySize {
		// A fastapi-paseto text key: named as pyseto names it.
		return paserk.TextKeyID(paserk.Version(v), key)
	}
	id, err := paserk.ID(paserk.Version(v), paserk.Local, key)
	if err != nil {
		panic(fmt.Sprintf("ginpaseto: a parsed local key has no PASERK ID: %v", err))
	}
	return id
}

// publicPaserk is the PASERK (kN.public.…) of a public key.
func publicPaserk(v Version, pub crypto.PublicKey) string {
	s, err := paserk.PublicKey(paserk.Version(v), pub)
	if err != nil {
		panic(fmt.Sprintf("ginpaseto: a parsed public key has no PASERK: %v", err))
	}
	return s
}

// publicKeyID is the PASERK ID (kN.pid.…) of a public key.
func publicKeyID(v Version, pub crypto.PublicKey) string {
	id, err := paserk.IDOf(publicPaserk(v, pub))
	if err != nil {
		panic(fmt.Sprintf("ginpaseto: a parsed public key has no PASERK ID: %v", err))
	}
	return id
}
