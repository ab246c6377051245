package redisstore_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
)

// countingClient counts the round trips a Store makes: each Do and each
// DoMulti (one pipelined batch) is one, a DoCache only when Redis answered
// it rather than the client-side cache.
type countingClient struct {
	rueidis.Client
	trips atomic.Int32
}

func (c *countingClient) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	c.trips.Add(1)
	return c.Client.Do(ctx, cmd)
}

func (c *countingClient) DoMulti(ctx context.Context, cmds ...rueidis.Completed) []rueidis.RedisResult {
	c.trips.Add(1)
	return c.Client.DoMulti(ctx, cmds...)
}

func (c *countingClient) DoCache(ctx context.Context, cmd rueidis.Cacheable, ttl time.Duration) rueidis.RedisResult {
	resp := c.Client.DoCache(ctx, cmd, ttl)
	if !resp.IsCacheHit() {
		c.trips.Add(1)
	}
	return resp
}

// testRoundTrips counts the round trips of each store operation, as
// docs/redis.md gives them.
func testRoundTrips(t *testing.T, b backend) {
	ctx := context.Background()
	client := &countingClient{Client: b.client(t)}
	s, _ := store(t, client, redisstore.SessionsPerSubject(2))
	redisstore.TrustCacheFor(s, time.Hour)
	trips := func(op func()) int {
		client.trips.Store(0)
		op()
		return int(client.trips.Load())
	}
	withEnd := func(subject string) ginpaseto.Session {
		se := session(subject)
		se.Ends = se.Started.Add(24 * time.Hour)
		return se
	}
	rotation := func(se ginpaseto.Session) ginpaseto.Session {
		next := se
		next.RefreshJTI, next.Refreshed = newID(), time.Now()
		return next
	}
	// Load every script once: the first run of a script on a server sends
	// its text after Redis answered NOSCRIPT.
	// On a cluster, each node loads them: subjects enough to reach every
	// node of three but by a chance of 3·(2/3)^48.
	for range 48 {
		subject := newID()
		warm := withEnd(subject)
		require.NoError(t, s.CreateSession(ctx, warm))
		_, err := s.RotateSession(ctx, warm.RefreshJTI, rotation(warm), 0)
		require.NoError(t, err)
		_, err = s.Sessions(ctx, subject)
		require.NoError(t, err)
		require.NoError(t, s.Revoke(ctx, token(subject, "")))
		require.NoError(t, s.RevokeSession(ctx, warm.ID))
		require.NoError(t, s.RevokeSubject(ctx, subject, time.Now(), time.Now().Add(time.Hour)))
	}

	alice := withEnd("alice")
	assert.Equal(t, 2, trips(func() { require.NoError(t, s.CreateSession(ctx, alice)) }), "login")
	require.NoError(t, s.CreateSession(ctx, withEnd("alice")))
	assert.Equal(t, 3, trips(func() { require.NoError(t, s.CreateSession(ctx, withEnd("alice"))) }), "login ending the oldest session")
	se := withEnd("bob")
	require.NoError(t, s.CreateSession(ctx, se))
	next := rotation(se)
	assert.Equal(t, 1, trips(func() {
		_, err := s.RotateSession(ctx, se.RefreshJTI, next, time.Minute)
		require.NoError(t, err)
	}), "refresh")
	assert.Equal(t, 1, trips(func() {
		_, err := s.RotateSession(ctx, se.RefreshJTI, rotation(next), time.Minute)
		require.NoError(t, err)
	}), "a replay within the grace")
	endless := session("bob")
	require.NoError(t, s.CreateSession(ctx, endless))
	assert.Equal(t, 2, trips(func() {
		_, err := s.RotateSession(ctx, endless.RefreshJTI, rotation(endless), time.Minute)
		require.NoError(t, err)
	}), "refresh of a session without an absolute end")
	assert.Equal(t, 1, trips(func() {
		list, err := s.Sessions(ctx, "bob")
		require.NoError(t, err)
		require.Len(t, list, 2)
	}), "list")
	// A Store reads Redis for a while after it wrote a subject's keys: a
	// subject it did not write.
	c := token("erin", "")
	assert.Equal(t, 1, trips(func() { revoked(t, s, c) }), "check, first")
	assert.Equal(t, 0, trips(func() { revoked(t, s, c) }), "check, cached")
	assert.Equal(t, 1, trips(func() { require.NoError(t, s.Revoke(ctx, token("bob", ""))) }), "Revoke")
	assert.Equal(t, 3, trips(func() { require.NoError(t, s.RevokeSession(ctx, se.ID)) }), "logout")
	assert.Equal(t, 2, trips(func() {
		_, err := s.RotateSession(ctx, endless.RefreshJTI, rotation(endless), 0)
		require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused)
	}), "a reuse")
	require.NoError(t, s.CreateSession(ctx, withEnd("carol")))
	assert.Equal(t, 2, trips(func() { require.NoError(t, s.RevokeSubject(ctx, "carol", time.Now(), time.Now().Add(time.Hour))) }),
		"logout everywhere")
	assert.Equal(t, 1, trips(func() { require.NoError(t, s.RevokeSubject(ctx, "dave", time.Now(), time.Now().Add(time.Hour))) }),
		"logout everywhere of a subject without sessions")
	refused := withEnd("carol")
	refused.Started = time.Now().Add(-time.Hour)
	assert.Equal(t, 3, trips(func() { require.ErrorIs(t, s.CreateSession(ctx, refused), ginpaseto.ErrTokenRevoked) }),
		"a login refused by the cutoff")
}
