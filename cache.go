package ginpaseto

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/maypok86/otter/v2"
)

// WithVerifiedTokenCache keeps the outcome of the cryptography for up to
// size tokens: a token seen again is not decrypted or verified, nor its
// payload parsed, a second time. Everything else is still checked on every
// request, cached or not: exp, nbf and iat with the leeway, the issuer and
// audience, the store and denylist, the token type, freshness, scopes and
// Authorize hooks. So a revoked token is refused at once, and an expired
// one when it expires.
//
// An entry holds for the token exactly as it was sent, under the implicit
// assertion and Base64 wrapping it was verified with, and under the keys
// the Authorizer had then: a token verified under one assertion is never
// accepted under another, and SetKeys or a key set that changed empties
// the cache (a fetch that finds the set unchanged keeps it).
// Only tokens that verified are kept, each until its exp at most; the key
// is a SHA-256 digest, so an entry costs about the same whatever the
// token's length. The claims of a cached token are shared by the requests
// that send it: treat them, like GetClaims' result, as read-only.
//
// It pays off when clients send the same token many times, as access
// tokens are; size is the number of tokens kept, say about the number of
// clients active within an access token's lifetime. New refuses a size
// below 1.
func WithVerifiedTokenCache(size int) Option {
	return optionFunc(func(c *config) error {
		if size < 1 {
			return fmt.Errorf("ginpaseto: WithVerifiedTokenCache: size is the number of verified tokens to keep and must be at least 1, got %d; to go without the cache, leave the option out", size)
		}
		c.cacheSize = size
		return nil
	})
}

// cacheKey names a verified token: the SHA-256 digest of the token as
// sent, with its implicit assertion and whether it was base64-wrapped.
type cacheKey [sha256.Size]byte

// cached is what verify found for a token: its claims, and the keys it
// was verified with.
type cached struct {
	ring   *Keyring
	claims *Claims
}

// tokenCache is the verified-token cache of one Authorizer.
type tokenCache struct {
	c *otter.Cache[cacheKey, cached]
}

// foreverish is how long an entry for a token without exp may stay; it
// leaves when the cache needs room, or when the keys change.
const foreverish = 24 * time.Hour

func newTokenCache(cfg *config) (*tokenCache, error) {
	now, leeway := cfg.now, cfg.leeway
	c, err := otter.New(&otter.Options[cacheKey, cached]{
		MaximumSize: cfg.cacheSize,
		ExpiryCalculator: otter.ExpiryCreatingFunc(func(e otter.Entry[cacheKey, cached]) time.Duration {
			exp := e.Value.claims.Expiration
			if exp.IsZero() {
				return foreverish
			}
			return min(exp.Add(leeway).Sub(now()), foreverish)
		}),
	})
	if err != nil {
		return nil, fmt.Errorf("ginpaseto: WithVerifiedTokenCache: %w", err)
	}
	return &tokenCache{c: c}, nil
}

// key hashes the token with what changes its meaning. Tokens of ordinary
// length are hashed from the stack.
func (tc *tokenCache) key(tok string, implicit []byte, wrapped bool) cacheKey {
	var stack [1024]byte
	n := 1 + 8 + len(implicit) + len(tok)
	buf := stack[:0]
	if n > len(stack) {
		buf = make([]byte, 0, n)
	}
	mode := byte(0)
	if wrapped {
		mode = 1
	}
	buf = append(buf, mode)
	buf = binary.BigEndian.AppendUint64(buf, uint64(len(implicit)))
	buf = append(buf, implicit...)
	buf = append(buf, tok...)
	return sha256.Sum256(buf)
}

// lookup returns the claims verified earlier for the token under ring.
// An entry verified under other keys is not an answer.
func (tc *tokenCache) lookup(k cacheKey, ring *Keyring) (*Claims, bool) {
	v, ok := tc.c.GetIfPresent(k)
	if !ok || v.ring != ring {
		return nil, false
	}
	// A copy per request, so that a handler changing a field of its
	// claims changes no other request's.
	claims := *v.claims
	return &claims, true
}

func (tc *tokenCache) store(k cacheKey, ring *Keyring, claims *Claims) {
	c := *claims // the caller's copy stays its own
	tc.c.Set(k, cached{ring: ring, claims: &c})
}

// clear empties the cache when the keys change. An entry a check in
// flight adds afterwards names the old keys and is no answer either.
func (tc *tokenCache) clear() {
	if tc != nil {
		tc.c.InvalidateAll()
	}
}

// stop ends the cache's background clean-up.
func (tc *tokenCache) stop() {
	if tc != nil {
		tc.c.StopAllGoroutines()
	}
}

// setKeys makes ring the Authorizer's keys and forgets what was verified
// with the previous ones.
func (a *Authorizer) setKeys(ring *Keyring) {
	a.keys.Store(ring)
	a.cache.clear()
}
