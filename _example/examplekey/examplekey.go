// Package examplekey gives the example programs their v4.local key, so
// that each of them starts with no setup at all.
package examplekey

import (
	"crypto/rand"
	"encoding/hex"
	"log"
	"os"
)

// SecretKey returns PASETO_SECRET_KEY or, when it is unset, a random key
// for this run only, logging one line that says so: tokens then stop
// working when the program restarts. A real service loads its key from its
// configuration and refuses to start without one.
func SecretKey() string {
	if key := os.Getenv("PASETO_SECRET_KEY"); key != "" {
		return key
	}
	key := make([]byte, 32)
	rand.Read(key) // never fails since Go 1.24
	log.Print("PASETO_SECRET_KEY is not set: using an ephemeral key, tokens will not survive a restart")
	return hex.EncodeToString(key)
}
