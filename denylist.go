package ginpaseto

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Denylist tells whether a token was revoked. Checks consult it for the
// revocable token types (WithRevocableTypes) after the token verified. An
// error fails closed: the request gets 503 "Token revocation status
// unavailable". Implementations must be safe for concurrent use.
type Denylist interface {
	IsRevoked(ctx context.Context, claims *Claims) (bool, error)
}

// Revoker is implemented by denylists that record revocations themselves;
// Authorizer.Revoke uses it. A revocation should last at least until
// claims.Expiration, after which the token is refused as expired anyway.
type Revoker interface {
	Revoke(ctx context.Context, claims *Claims) error
}

// DefaultMemoryDenylistSize is the capacity of a MemoryDenylist created
// with size 0, and of the Authorizer's default denylist.
const DefaultMemoryDenylistSize = 100_000

// ErrDenylistFull is returned by MemoryDenylist.Revoke when it holds its
// maximum of unexpired revocations. Revocations are never dropped early,
// since that would silently make a revoked token valid again.
var ErrDenylistFull = errors.New("ginpaseto: memory denylist is full")

// MemoryDenylist is an in-process denylist keyed by jti. Each revocation
// is kept until the token would expire and dropped after; its size is
// bounded. It suits a single process: when several processes serve the
// same tokens, give WithDenylist a shared store that implements Denylist
// and Revoker.
type MemoryDenylist struct {
	mu        sync.RWMutex
	until     map[string]time.Time // jti → end of the revocation; zero: never ends
	max       int
	lastSweep time.Time
	now       func() time.Time
}

// NewMemoryDenylist returns an empty MemoryDenylist holding at most size
// revocations (DefaultMemoryDenylistSize when size is 0 or less).
func NewMemoryDenylist(size int) *MemoryDenylist {
	if size <= 0 {
		size = DefaultMemoryDenylistSize
	}
	return &MemoryDenylist{until: make(map[string]time.Time), max: size, now: time.Now}
}

// IsRevoked reports whether the token's jti was revoked. It needs no
// clock: an entry outlives its token, which checks refuse as expired before
// they ask the denylist, so an entry not yet swept answers correctly too.
func (m *MemoryDenylist) IsRevoked(_ context.Context, claims *Claims) (bool, error) {
	m.mu.RLock()
	_, ok := m.until[claims.JTI]
	m.mu.RUnlock()
	return ok, nil
}

// Revoke records the token's jti until claims.Expiration, or for good when
// the token has no expiry.
func (m *MemoryDenylist) Revoke(_ context.Context, claims *Claims) error {
	if claims.JTI == "" {
		return errors.New("ginpaseto: MemoryDenylist.Revoke: the token has no jti")
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.until[claims.JTI]; !ok && len(m.until) >= m.max {
		m.sweep(now)
		if len(m.until) >= m.max {
			return fmt.Errorf("%w: %d unexpired revocations", ErrDenylistFull, m.max)
		}
	} else if now.Sub(m.lastSweep) > time.Minute {
		m.sweep(now)
	}
	// A second revocation of the same jti may extend the first, never
	// shorten it: zero, for good, is the longest.
	if old, ok := m.until[claims.JTI]; ok && (old.IsZero() || !claims.Expiration.IsZero() && old.After(claims.Expiration)) {
		return nil
	}
	m.until[claims.JTI] = claims.Expiration
	return nil
}

// Len returns the number of revocations held, expired ones not yet dropped
// included.
func (m *MemoryDenylist) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.until)
}

// sweep drops ended revocations; the caller holds the lock. Revoke sweeps
// at most once a minute, or when full, so the cost stays amortized. A
// revocation ends after its time, not at it: checks still accept a token at
// the very instant of its exp (plus leeway).
func (m *MemoryDenylist) sweep(now time.Time) {
	for jti, until := range m.until {
		if !until.IsZero() && now.After(until) {
			delete(m.until, jti)
		}
	}
	m.lastSweep = now
}
