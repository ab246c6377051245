package ginpaseto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// A key set is how a signing service tells verify-only services which
// public keys check its tokens: {"keys":[{"kid":"k4.pid.…","key":"k4.public.…"}]},
// every public key of its keyring, active and retired, each with its PASERK
// ID. The signing service serves it with KeySetHandler; the others read it
// with WithKeySet.

// keySetDocument is the JSON of a key set.
type keySetDocument struct {
	Keys []keySetEntry `json:"keys"`
}

type keySetEntry struct {
	KID string `json:"kid"`
	Key string `json:"key"`
}

// KeySetHandler returns a handler that serves the public keys of the
// Authorizer's current keyring as a key set, with Cache-Control
// "public, max-age" of maxAge (rounded down to seconds; 0 or less sends
// "no-cache"). Retired keys stay in the set, since their tokens are still
// valid; local keys never appear. Mount it where the verifying services
// can reach it, such as GET /.well-known/paseto-keys. Keep maxAge well
// below the time between adding a key and making it active, so that every
// verifier has fetched it first.
func (a *Authorizer) KeySetHandler(maxAge time.Duration) gin.HandlerFunc {
	cacheControl := "no-cache"
	if s := int64(maxAge / time.Second); s > 0 {
		cacheControl = "public, max-age=" + strconv.FormatInt(s, 10)
	}
	type cached struct {
		ring *Keyring
		body []byte
	}
	var last atomic.Pointer[cached]
	return func(c *gin.Context) {
		ring := a.keys.Load()
		if ring == nil {
			a.cfg.errorHandler(c, errKeysUnavailable.copy())
			c.Abort()
			return
		}
		// Keyrings are immutable: the body is built once per keyring.
		cur := last.Load()
		if cur == nil || cur.ring != ring {
			cur = &cached{ring: ring, body: encodeKeySet(ring)}
			last.Store(cur)
		}
		c.Header("Cache-Control", cacheControl)
		c.Data(http.StatusOK, "application/json; charset=utf-8", cur.body)
	}
}

// encodeKeySet writes the key set of ring's public keys.
func encodeKeySet(ring *Keyring) []byte {
	doc := keySetDocument{Keys: []keySetEntry{}}
	for _, k := range ring.publicKeys() {
		doc.Keys = append(doc.Keys, keySetEntry{KID: k.kid, Key: publicPaserk(ring.version, k.public.get())})
	}
	b, _ := json.Marshal(doc) // strings only: cannot fail
	return b
}

// parseKeySet reads a key set into a Keyring of version v that only
// verifies. The whole set is refused, with an error that quotes no key, if
// it is not a key set, is empty, holds anything but public keys of v, or
// holds a kid that is not its key's ID or two keys with one kid.
func parseKeySet(v Version, body []byte) (*Keyring, error) {
	var doc keySetDocument
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return nil, errors.New(`the response is not a key set: want JSON {"keys":[{"kid":"…","key":"…"}]}`)
	}
	if len(doc.Keys) == 0 {
		return nil, errors.New("the key set holds no key")
	}
	want := paserkHeader(v, paserkPublic) + "."
	r := newRing(v)
	for i, e := range doc.Keys {
		n := i + 1
		if !strings.HasPrefix(e.Key, want) {
			if isSecretPaserk(e.Key) {
				return nil, fmt.Errorf("key %d of the key set is a secret key, which must never be published: the signing service exposes it and must replace it", n)
			}
			return nil, fmt.Errorf("key %d of the key set is not a %s key", n, strings.TrimSuffix(want, "."))
		}
		public, err := parsePublicKey(v, e.Key)
		if err != nil {
			return nil, fmt.Errorf("key %d of the key set: %s", n, strings.TrimPrefix(err.Error(), "ginpaseto: "+optPublicKey+": "))
		}
		rk, err := r.verifierKey(public, false)
		if err != nil {
			return nil, fmt.Errorf("key %d of the key set: %w", n, err)
		}
		if e.KID != rk.kid {
			return nil, fmt.Errorf("key %d of the key set has a kid that is not its key's ID (%s)", n, rk.kid)
		}
		if err := r.add(rk); err != nil {
			return nil, fmt.Errorf("key %d of the key set has the kid of an earlier key: the set holds two keys with one kid", n)
		}
	}
	return r, nil
}

// isSecretPaserk reports whether s is a PASERK of a key that must stay
// secret: a local or secret key, plain or wrapped.
func isSecretPaserk(s string) bool {
	_, t, _, ok := paserk.Split(s)
	if !ok {
		return strings.Contains(s, "PRIVATE KEY")
	}
	switch t {
	case paserk.Local, paserk.Secret, paserk.LocalWrap, paserk.SecretWrap, paserk.LocalPW, paserk.SecretPW:
		return true
	}
	return false
}
