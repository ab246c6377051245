package ginpaseto

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTime is a settable clock shared by a MemoryDenylist and an Authorizer.
type fakeTime struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeTime) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeTime) set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = t
}

func (f *fakeTime) advance(d time.Duration) { f.set(f.now().Add(d)) }

func newFakeTime() *fakeTime {
	return &fakeTime{t: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)}
}

func memoryDenylistAt(size int, clk *fakeTime) *MemoryDenylist {
	m := NewMemoryDenylist(size)
	m.now = clk.now
	return m
}

func isRevoked(t *testing.T, m *MemoryDenylist, jti string) bool {
	t.Helper()
	revoked, err := m.IsRevoked(context.Background(), &Claims{JTI: jti})
	require.NoError(t, err)
	return revoked
}

func TestMemoryDenylistExpiry(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	start := clk.now()
	m := memoryDenylistAt(0, clk)
	require.NoError(t, m.Revoke(ctx, &Claims{JTI: "short", Expiration: start.Add(time.Minute)}))
	require.NoError(t, m.Revoke(ctx, &Claims{JTI: "long", Expiration: start.Add(time.Hour)}))
	require.NoError(t, m.Revoke(ctx, &Claims{JTI: "forever"}))

	// A revocation is dropped by the first sweep after its end; until
	// then it still answers revoked, which is harmless since checks refuse
	// the expired token before they ask.
	steps := []struct {
		at                   time.Duration
		short, long, forever bool
		held                 int
	}{
		{59 * time.Second, true, true, true, 3},
		{2 * time.Minute, false, true, true, 2},
		{time.Hour + 2*time.Minute, false, false, true, 1},
		{100 * 365 * 24 * time.Hour, false, false, true, 1},
	}
	for _, s := range steps {
		clk.set(start.Add(s.at))
		// Revoke sweeps when the last sweep is over a minute old.
		require.NoError(t, m.Revoke(ctx, &Claims{JTI: "probe", Expiration: clk.now()}))
		assert.Equal(t, s.short, isRevoked(t, m, "short"), "short at %v", s.at)
		assert.Equal(t, s.long, isRevoked(t, m, "long"), "long at %v", s.at)
		assert.Equal(t, s.forever, isRevoked(t, m, "forever"), "forever at %v", s.at)
		assert.Equal(t, s.held+1, m.Len(), "at %v", s.at) // +1: the probe, ended but not yet swept
	}
}

func TestMemoryDenylistCapacityFreedByExpiry(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	m := memoryDenylistAt(3, clk)
	exp := clk.now().Add(time.Minute)
	for _, jti := range []string{"a", "b", "c"} {
		require.NoError(t, m.Revoke(ctx, &Claims{JTI: jti, Expiration: exp}))
	}
	require.ErrorIs(t, m.Revoke(ctx, &Claims{JTI: "d", Expiration: exp}), ErrDenylistFull)

	clk.advance(30 * time.Second)
	require.ErrorIs(t, m.Revoke(ctx, &Claims{JTI: "d", Expiration: exp}), ErrDenylistFull, "nothing has expired yet")
	assert.True(t, isRevoked(t, m, "a"))

	clk.advance(30 * time.Second)
	require.ErrorIs(t, m.Revoke(ctx, &Claims{JTI: "d", Expiration: exp}), ErrDenylistFull, "at exp the tokens are still valid")

	clk.advance(time.Second)
	require.NoError(t, m.Revoke(ctx, &Claims{JTI: "d", Expiration: clk.now().Add(time.Minute)}))
	assert.Equal(t, 1, m.Len())
	assert.True(t, isRevoked(t, m, "d"))
	assert.False(t, isRevoked(t, m, "a"))
}

func TestMemoryDenylistNoExpiryHoldsRoom(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	m := memoryDenylistAt(2, clk)
	require.NoError(t, m.Revoke(ctx, &Claims{JTI: "a"}))
	require.NoError(t, m.Revoke(ctx, &Claims{JTI: "b"}))
	clk.advance(100 * 365 * 24 * time.Hour)
	require.ErrorIs(t, m.Revoke(ctx, &Claims{JTI: "c"}), ErrDenylistFull)
	assert.True(t, isRevoked(t, m, "a"))
	assert.True(t, isRevoked(t, m, "b"))
}

// TestRevokeCoversLeeway: a token stays acceptable for the leeway after
// exp, so its revocation must last that long too.
func TestRevokeCoversLeeway(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	m := memoryDenylistAt(0, clk)
	a, err := New(
		WithSecretKey("707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"),
		WithLeeway(30*time.Second), WithClock(clk.now), WithDenylist(m),
	)
	require.NoError(t, err)
	tok, err := a.CreateAccessToken(ctx, "alice")
	require.NoError(t, err)
	claims, err := a.ParseToken(tok)
	require.NoError(t, err)
	require.NoError(t, a.Revoke(ctx, claims))

	clk.advance(DefaultAccessLifetime + 20*time.Second)
	_, err = a.ParseToken(tok)
	require.NoError(t, err, "still inside the leeway")
	require.NoError(t, m.Revoke(ctx, &Claims{JTI: "probe"})) // sweeps
	assert.ErrorIs(t, a.checkRevoked(ctx, claims), ErrTokenRevoked)

	clk.advance(11 * time.Second)
	_, err = a.ParseToken(tok)
	assert.ErrorIs(t, err, ErrTokenExpired)
}

// TestDefaultDenylistUsesClock: the denylist New creates keeps the
// Authorizer's time, or a sweep would end a revocation made under WithClock
// by the wall clock instead of with its token.
func TestDefaultDenylistUsesClock(t *testing.T) {
	ctx := context.Background()
	clk := &fakeTime{t: time.Now().Add(-24 * time.Hour)}
	a, err := New(WithSecretKey("707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"), WithClock(clk.now))
	require.NoError(t, err)
	tok, err := a.CreateAccessToken(ctx, "alice")
	require.NoError(t, err)
	first, err := a.ParseToken(tok)
	require.NoError(t, err)
	require.NoError(t, a.Revoke(ctx, first))
	m, ok := a.cfg.denylist.(*MemoryDenylist)
	require.True(t, ok)
	assert.Equal(t, clk.now(), m.now())

	clk.advance(2 * time.Minute)
	m.mu.Lock()
	m.sweep(m.now())
	m.mu.Unlock()
	assert.ErrorIs(t, a.checkRevoked(ctx, first), ErrTokenRevoked)
}
