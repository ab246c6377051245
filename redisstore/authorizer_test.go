package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// clock is an Authorizer's clock that a test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testAuthorizer drives an Authorizer on the Redis store, with a clock
// two years behind the machine's: a session refreshed constantly ends at
// its absolute end, a replay within the grace keeps it, a replay after the
// grace ends it, and a login that started before a logout everywhere is
// refused.
func testAuthorizer(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t))
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	clk := &clock{now: time.Now().AddDate(-2, 0, 0)}
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(hex.EncodeToString(key)), ginpaseto.WithStore(s), ginpaseto.WithClock(clk.Now),
		ginpaseto.WithLifetime(ginpaseto.TypeAccess, time.Minute), ginpaseto.WithLifetime(ginpaseto.TypeRefresh, 10*time.Minute),
		ginpaseto.WithSessionLifetime(time.Hour), ginpaseto.WithRefreshGrace(30*time.Second))
	require.NoError(t, err)

	pair, err := auth.CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	started := clk.Now()
	refreshes := 0
	for {
		clk.advance(5 * time.Minute)
		claims, err := auth.CheckToken(ctx, pair.RefreshToken, ginpaseto.TypeRefresh)
		if err != nil {
			assert.ErrorIs(t, err, ginpaseto.ErrTokenExpired, "after %d refreshes", refreshes)
			break
		}
		next, err := auth.RotateRefreshToken(ctx, claims)
		require.NoError(t, err, "refresh %d", refreshes)
		assert.False(t, next.RefreshExpires.After(started.Add(time.Hour)), "no token outlives the session's end")
		assert.False(t, next.AccessExpires.After(started.Add(time.Hour)), "no token outlives the session's end")
		_, err = auth.CheckToken(ctx, next.AccessToken, ginpaseto.TypeAccess)
		require.NoError(t, err, "refresh %d", refreshes)
		pair = next
		refreshes++
		require.Less(t, refreshes, 100, "the session never ended")
	}
	assert.Equal(t, 11, refreshes, "refreshed every 5 minutes until the hour's end")
	assert.False(t, clk.Now().Before(started.Add(time.Hour)), "ended at its absolute end, not before")

	// Two tabs: the same refresh token twice within the grace.
	pair, err = auth.CreateTokenPair(ctx, "bob", ginpaseto.SessionMetadata(map[string]string{"device": "laptop"}))
	require.NoError(t, err)
	clk.advance(time.Minute)
	claims, err := auth.CheckToken(ctx, pair.RefreshToken, ginpaseto.TypeRefresh)
	require.NoError(t, err)
	first, err := auth.RotateRefreshToken(ctx, claims)
	require.NoError(t, err)
	clk.advance(10 * time.Second)
	second, err := auth.RotateRefreshToken(ctx, claims)
	require.NoError(t, err, "a replay within the grace")
	for _, p := range []*ginpaseto.TokenPair{first, second} {
		_, err := auth.CheckToken(ctx, p.AccessToken, ginpaseto.TypeAccess)
		assert.NoError(t, err)
	}
	firstRefresh, err := auth.CheckToken(ctx, first.RefreshToken, ginpaseto.TypeRefresh)
	require.NoError(t, err)
	secondRefresh, err := auth.CheckToken(ctx, second.RefreshToken, ginpaseto.TypeRefresh)
	require.NoError(t, err)
	assert.Equal(t, firstRefresh.JTI, secondRefresh.JTI, "both tabs hold the one usable refresh token")
	list, err := s.Sessions(ctx, "bob")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, firstRefresh.JTI, list[0].RefreshJTI, "the session moved forward once")
	assert.Equal(t, map[string]string{"device": "laptop"}, list[0].Metadata)
	devices, err := auth.Sessions(ctx, "bob")
	require.NoError(t, err)
	require.Len(t, devices, 1)
	assert.Equal(t, pair.SessionID, devices[0].ID)

	clk.advance(21 * time.Second)
	_, err = auth.RotateRefreshToken(ctx, claims)
	assert.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused, "a replay after the grace")
	_, err = auth.CheckToken(ctx, first.AccessToken, ginpaseto.TypeAccess)
	assert.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "the reuse ended the session")

	// A login whose session started before a logout everywhere, in the
	// same second, is refused; one a millisecond after is not.
	require.NoError(t, auth.RevokeSubject(ctx, "carol"))
	clk.advance(-time.Millisecond)
	_, err = auth.CreateTokenPair(ctx, "carol")
	assert.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "a login that started a millisecond before")
	clk.advance(2 * time.Millisecond)
	after, err := auth.CreateTokenPair(ctx, "carol")
	require.NoError(t, err, "a login a millisecond after")
	_, err = auth.CheckToken(ctx, after.AccessToken, ginpaseto.TypeAccess)
	assert.NoError(t, err, "its tokens work, though their iat is the cutoff's second")
}
