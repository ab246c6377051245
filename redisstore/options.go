package redisstore

import (
	"errors"
	"fmt"
	"time"

	"github.com/ginpaseto/ginpaseto/internal/storelimits"
)

// Defaults of a Store.
const (
	// DefaultKeyPrefix starts every key the Store writes.
	DefaultKeyPrefix = "ginpaseto:"
	// DefaultTimeout bounds each call to Redis.
	DefaultTimeout = 250 * time.Millisecond
	// DefaultCacheTTL is how long a revocation status may stay in the
	// client-side cache when Redis pushes no invalidation.
	DefaultCacheTTL = time.Minute
)

// maxKeyPrefix bounds the prefix: it is part of every key, in every
// command and in every process's cache.
const maxKeyPrefix = 64

// Limits that keep one Lua script call short: a script blocks Redis while
// it runs, and the sessions and revocations of one subject are walked in
// one call when the subject is revoked.
const (
	maxSessionsPerSubject    = 10_000
	maxRevocationsPerSubject = 100_000
)

// config is what the options set.
type config struct {
	prefix                string
	timeout               time.Duration
	cacheTTL              time.Duration
	noCache               bool
	sessionsPerSubject    int
	revocationsPerSubject int
	waitReplicas          int           // WaitReplicas; 0: no wait
	waitTimeout           time.Duration // WaitReplicas
}

func defaultConfig() config {
	return config{
		prefix:                DefaultKeyPrefix,
		timeout:               DefaultTimeout,
		cacheTTL:              DefaultCacheTTL,
		sessionsPerSubject:    storelimits.SessionsPerSubject,
		revocationsPerSubject: storelimits.RevocationsPerSubject,
	}
}

// Option configures a Store. An option with a value that makes no sense
// makes New fail, saying how to fix it.
type Option func(*config) error

// KeyPrefix sets the text every key starts with, so that several
// applications can share one Redis. It must be 1 to 64 printable ASCII
// characters without spaces or braces: braces would change the hash tag
// that keeps a subject's keys on one Redis Cluster slot. Default
// DefaultKeyPrefix.
func KeyPrefix(prefix string) Option {
	return func(c *config) error {
		if prefix == "" {
			return fmt.Errorf("redisstore: KeyPrefix is empty; give each application sharing a Redis its own prefix, such as %q", DefaultKeyPrefix)
		}
		if len(prefix) > maxKeyPrefix {
			return fmt.Errorf("redisstore: KeyPrefix is %d bytes; it starts every key, keep it to %d or fewer, such as %q", len(prefix), maxKeyPrefix, DefaultKeyPrefix)
		}
		for _, r := range prefix {
			if r <= ' ' || r > '~' || r == '{' || r == '}' {
				return fmt.Errorf("redisstore: KeyPrefix %q: use printable ASCII without spaces, '{' or '}' (braces would move keys to other Redis Cluster slots), such as %q", prefix, DefaultKeyPrefix)
			}
		}
		c.prefix = prefix
		return nil
	}
}

// Timeout bounds each call to Redis: a check, or a write, that gets no
// answer in time fails, and the request gets 503 instead of waiting for a
// server that is down. The deadline of the caller's context applies too,
// when it is earlier. Default DefaultTimeout.
func Timeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("redisstore: Timeout %v: use a positive duration, well under a second for a Redis nearby (default %v)", d, DefaultTimeout)
		}
		c.timeout = d
		return nil
	}
}

// CacheTTL sets how long a revocation status read by this process may be
// answered from its client-side cache. Redis pushes an invalidation to
// every process that cached a key as soon as the key changes, so the TTL
// only bounds how long a status can be kept when that push is lost; it is
// capped by the key's own TTL in Redis. It must be at least a
// millisecond. Default DefaultCacheTTL. The cache's size in bytes is the
// client's: rueidis.ClientOption.CacheSizeEachConn.
func CacheTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Millisecond {
			return fmt.Errorf("redisstore: CacheTTL %v: use at least 1ms (default %v); to read Redis on every check, use NoCache", d, DefaultCacheTTL)
		}
		c.cacheTTL = d
		return nil
	}
}

// NoCache makes every check read Redis, one round trip each, instead of
// answering from the client-side cache. For Redis servers without
// client-side caching (RESP3 and CLIENT TRACKING), give the client
// rueidis.ClientOption.DisableCache instead, which does the same for every
// command.
func NoCache() Option {
	return func(c *config) error {
		c.noCache = true
		return nil
	}
}

// SessionsPerSubject sets how many live sessions one subject may have;
// starting one more ends the subject's oldest session, after dropping the
// ones that expired. It bounds the state one account can make
// the store keep, and the work of revoking it. From 1 to 10 000; default
// 100, as ginpaseto.MemoryStore's SessionsPerSubject.
func SessionsPerSubject(n int) Option {
	return func(c *config) error {
		if n < 1 || n > maxSessionsPerSubject {
			return fmt.Errorf("redisstore: SessionsPerSubject %d: use 1 to %d (default %d)", n, maxSessionsPerSubject, storelimits.SessionsPerSubject)
		}
		c.sessionsPerSubject = n
		return nil
	}
}

// RevocationsPerSubject sets how many single-token revocations (Revoke)
// the store keeps for one subject. One more revokes the whole subject
// instead, as RevokeSubject does, since forgetting a revocation would make
// a revoked token valid again. From 1 to 100 000; default
// 1000, as ginpaseto.MemoryStore's RevocationsPerSubject.
func RevocationsPerSubject(n int) Option {
	return func(c *config) error {
		if n < 1 || n > maxRevocationsPerSubject {
			return fmt.Errorf("redisstore: RevocationsPerSubject %d: use 1 to %d (default %d)", n, maxRevocationsPerSubject, storelimits.RevocationsPerSubject)
		}
		c.revocationsPerSubject = n
		return nil
	}
}

func (c *config) apply(opts []Option) error {
	for _, o := range opts {
		if o == nil {
			return errors.New("redisstore: New: nil Option")
		}
		if err := o(c); err != nil {
			return err
		}
	}
	return nil
}
