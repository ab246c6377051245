package ginpaseto

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTime is a settable clock shared by a MemoryStore and an Authorizer.
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

const internalKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

func memoryStoreAt(clk *fakeTime) *MemoryStore { return &MemoryStore{now: clk.now} }

// storeCounts is everything a MemoryStore holds.
type storeCounts struct{ subjects, sessions, revoked, cutoffs, scheduled, indexed int }

func (m *MemoryStore) counts() storeCounts {
	var c storeCounts
	for i := range m.subjects {
		sh := &m.subjects[i]
		sh.mu.RLock()
		c.subjects += len(sh.subjects)
		for _, st := range sh.subjects {
			c.sessions += len(st.sessions)
			c.revoked += len(st.revoked)
			if st.cutoff != nil {
				c.cutoffs++
			}
		}
		c.scheduled += len(sh.expiry)
		sh.mu.RUnlock()
		ix := &m.index[i]
		ix.mu.RLock()
		c.indexed += len(ix.subjects)
		ix.mu.RUnlock()
	}
	return c
}

func isRevoked(t *testing.T, m *MemoryStore, c Claims) bool {
	t.Helper()
	revoked, err := m.IsRevoked(context.Background(), &c)
	require.NoError(t, err)
	return revoked
}

// TestMemoryStoreExpiry: every kind of entry is dropped after what it
// guards has expired, by later writes, and the store ends up empty.
func TestMemoryStoreExpiry(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	start := clk.now()
	m := memoryStoreAt(clk)
	require.NoError(t, m.Revoke(ctx, &Claims{Subject: "alice", JTI: "short", Expiration: start.Add(time.Minute)}))
	require.NoError(t, m.Revoke(ctx, &Claims{Subject: "alice", JTI: "long", Expiration: start.Add(time.Hour)}))
	require.NoError(t, m.CreateSession(ctx, Session{ID: "s1", Subject: "bob", RefreshJTI: "r1", Expires: start.Add(2 * time.Minute)}))
	require.NoError(t, m.RevokeSubject(ctx, "carol", start, start.Add(3*time.Minute)))

	probe := func() { drop(t, m, "alice", "bob", "carol") }
	steps := []struct {
		at                      time.Duration
		short, long, bob, carol bool
	}{
		{time.Minute, true, true, true, true}, // at the end itself: still held
		{time.Minute + time.Second, false, true, true, true},
		{2*time.Minute + time.Second, false, true, false, true},
		{3*time.Minute + time.Second, false, true, false, false},
		{time.Hour + time.Second, false, false, false, false},
	}
	for _, s := range steps {
		clk.set(start.Add(s.at))
		probe()
		probe()
		c := m.counts()
		assert.Equal(t, s.short, m.heldToken("alice", "short"), "short at %v", s.at)
		assert.Equal(t, s.long, m.heldToken("alice", "long"), "long at %v", s.at)
		assert.Equal(t, s.bob, c.sessions == 1 && c.indexed == 1, "bob's session at %v", s.at)
		assert.Equal(t, s.bob, !isRevoked(t, m, Claims{Subject: "bob", SessionID: "s1"}), "bob's session at %v", s.at)
		assert.Equal(t, s.carol, isRevoked(t, m, Claims{Subject: "carol", IssuedAt: start}), "carol at %v", s.at)
	}
	clk.advance(time.Hour)
	probe()
	probe()
	assert.Equal(t, storeCounts{}, m.counts(), "everything ended")
}

// drop makes a write that leaves nothing behind in each subject's shard,
// which drops ended entries there.
func drop(t *testing.T, m *MemoryStore, subjects ...string) {
	t.Helper()
	for _, s := range subjects {
		err := m.Revoke(context.Background(), &Claims{Subject: s, JTI: "probe", SessionID: "none"})
		require.ErrorIs(t, err, ErrTokenRevoked)
	}
}

func (m *MemoryStore) heldToken(subject, jti string) bool {
	sh := m.shard(subject)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	st := sh.subjects[subject]
	return st != nil && st.revoked[jti] != nil
}

// TestMemoryStoreSessionCap: the subject's oldest session ends to make
// room; other subjects keep theirs.
func TestMemoryStoreSessionCap(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	m := &MemoryStore{SessionsPerSubject: 3, now: clk.now}
	exp := clk.now().Add(time.Hour)
	require.NoError(t, m.CreateSession(ctx, Session{ID: "bob-1", Subject: "bob", RefreshJTI: "r", Expires: exp}))
	for i := range 10 {
		require.NoError(t, m.CreateSession(ctx, Session{ID: fmt.Sprint("alice-", i), Subject: "alice", RefreshJTI: "r", Expires: exp}))
	}
	for i := range 10 {
		live := !isRevoked(t, m, Claims{Subject: "alice", SessionID: fmt.Sprint("alice-", i)})
		assert.Equal(t, i >= 7, live, "alice-%d", i)
	}
	assert.False(t, isRevoked(t, m, Claims{Subject: "bob", SessionID: "bob-1"}))
	assert.Equal(t, storeCounts{subjects: 2, sessions: 4, scheduled: 4, indexed: 4}, m.counts())
	_, err := m.RotateSession(ctx, "r", Session{ID: "alice-0", Subject: "alice", RefreshJTI: "r2", Expires: exp}, 0)
	require.ErrorIs(t, err, ErrTokenRevoked)
}

// TestMemoryStoreRevocationBound: one revocation beyond the bound revokes
// the subject instead: every revoked token stays refused, none is kept.
func TestMemoryStoreRevocationBound(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	start := clk.now()
	m := &MemoryStore{RevocationsPerSubject: 5, now: clk.now}
	require.NoError(t, m.CreateSession(ctx, Session{ID: "s", Subject: "alice", RefreshJTI: "r", Expires: start.Add(time.Hour)}))
	var tokens []Claims
	for i := range 6 {
		c := Claims{Subject: "alice", JTI: fmt.Sprint(i), IssuedAt: start.Add(-time.Duration(i) * time.Second), Expiration: start.Add(time.Duration(i+1) * time.Hour)}
		tokens = append(tokens, c)
		require.NoError(t, m.Revoke(ctx, &c))
	}
	for _, c := range tokens {
		assert.True(t, isRevoked(t, m, c), c.JTI)
	}
	assert.True(t, isRevoked(t, m, Claims{Subject: "alice", JTI: "other", IssuedAt: start}), "the subject is revoked")
	assert.True(t, isRevoked(t, m, Claims{Subject: "alice", SessionID: "s"}), "its sessions ended")
	assert.False(t, isRevoked(t, m, Claims{Subject: "alice", JTI: "later", IssuedAt: start.Add(time.Second)}))
	assert.Equal(t, storeCounts{subjects: 1, cutoffs: 1, scheduled: 1}, m.counts())

	// The cutoff lasts as long as the longest-lived revoked token.
	clk.set(start.Add(6*time.Hour - time.Second))
	drop(t, m, "alice")
	assert.True(t, isRevoked(t, m, tokens[5]))
	clk.set(start.Add(6*time.Hour + time.Second))
	drop(t, m, "alice")
	assert.Equal(t, storeCounts{}, m.counts())

	// A token without expiry makes it last for good.
	m = &MemoryStore{RevocationsPerSubject: 1, now: clk.now}
	require.NoError(t, m.Revoke(ctx, &Claims{Subject: "alice", JTI: "forever", IssuedAt: start}))
	require.NoError(t, m.Revoke(ctx, &Claims{Subject: "alice", JTI: "b", IssuedAt: start, Expiration: start.Add(time.Hour)}))
	clk.advance(100 * 365 * 24 * time.Hour)
	drop(t, m, "alice")
	assert.True(t, isRevoked(t, m, Claims{Subject: "alice", JTI: "forever", IssuedAt: start}))
}

// TestMemoryStoreRevokeOnce: revoking a token again, or one of an ended
// session, reports ErrTokenRevoked and keeps the longer revocation.
func TestMemoryStoreRevokeOnce(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	start := clk.now()
	m := memoryStoreAt(clk)
	long := Claims{Subject: "alice", JTI: "long", Expiration: start.Add(time.Hour)}
	require.NoError(t, m.Revoke(ctx, &long))
	shorter := long
	shorter.Expiration = start.Add(time.Minute)
	require.ErrorIs(t, m.Revoke(ctx, &shorter), ErrTokenRevoked)
	require.ErrorIs(t, m.Revoke(ctx, &Claims{Subject: "alice", JTI: "x", SessionID: "ended"}), ErrTokenRevoked)
	require.ErrorIs(t, m.Revoke(ctx, &Claims{Subject: "nobody", JTI: "y", SessionID: "never"}), ErrTokenRevoked)
	clk.advance(2 * time.Minute)
	drop(t, m, "alice")
	assert.True(t, isRevoked(t, m, long))
	assert.Equal(t, 1, m.counts().revoked, "nothing kept for the refused revocations")
}

// TestMemoryStoreBounds: the zero value has the default bounds; a
// negative bound fails New, and every method of a store used without New.
func TestMemoryStoreBounds(t *testing.T) {
	var zero MemoryStore
	require.NoError(t, zero.ready())
	assert.Equal(t, 100, zero.sessionsPerSubject)
	assert.Equal(t, 1000, zero.revocationsPerSubject)

	set := &MemoryStore{SessionsPerSubject: 3, RevocationsPerSubject: 5}
	require.NoError(t, set.ready())
	assert.Equal(t, 3, set.sessionsPerSubject)
	assert.Equal(t, 5, set.revocationsPerSubject)
	set.SessionsPerSubject = 7 // after the first use: ignored
	require.NoError(t, set.ready())
	assert.Equal(t, 3, set.sessionsPerSubject)

	for _, tc := range []struct {
		m    *MemoryStore
		want string
	}{
		{&MemoryStore{SessionsPerSubject: -1}, "ginpaseto: MemoryStore.SessionsPerSubject is -1; use at least 1, or 0 for the default 100"},
		{&MemoryStore{RevocationsPerSubject: -2}, "ginpaseto: MemoryStore.RevocationsPerSubject is -2; use at least 1, or 0 for the default 1000"},
	} {
		_, err := New(WithSecretKey(internalKey), WithStore(tc.m))
		require.EqualError(t, err, tc.want)

		ctx := context.Background()
		claims := &Claims{Subject: "alice", JTI: "j"}
		_, err = tc.m.IsRevoked(ctx, claims)
		assert.EqualError(t, err, tc.want)
		assert.EqualError(t, tc.m.Revoke(ctx, claims), tc.want)
		assert.EqualError(t, tc.m.CreateSession(ctx, Session{ID: "s", Subject: "alice", RefreshJTI: "r"}), tc.want)
		_, err = tc.m.RotateSession(ctx, "r", Session{ID: "s", Subject: "alice", RefreshJTI: "r2"}, 0)
		assert.EqualError(t, err, tc.want)
		_, err = tc.m.Sessions(ctx, "alice")
		assert.EqualError(t, err, tc.want)
		assert.EqualError(t, tc.m.RevokeSession(ctx, "s"), tc.want)
		assert.EqualError(t, tc.m.RevokeSubject(ctx, "alice", time.Now(), time.Time{}), tc.want)
	}
}

// TestRevokeCoversLeeway: a token stays acceptable for the leeway after
// exp, so its revocation must last that long too.
func TestRevokeCoversLeeway(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	m := memoryStoreAt(clk)
	a, err := New(WithSecretKey(internalKey), WithLeeway(30*time.Second), WithClock(clk.now), WithStore(m))
	require.NoError(t, err)
	tok, err := a.CreateAccessToken(ctx, "alice")
	require.NoError(t, err)
	claims, err := a.ParseToken(tok)
	require.NoError(t, err)
	require.NoError(t, a.Revoke(ctx, claims))

	clk.advance(defaultAccessLifetime + 20*time.Second)
	_, err = a.ParseToken(tok)
	require.NoError(t, err, "still inside the leeway")
	drop(t, m, "alice")
	assert.ErrorIs(t, a.checkRevoked(ctx, claims), ErrTokenRevoked)

	clk.advance(11 * time.Second)
	_, err = a.ParseToken(tok)
	assert.ErrorIs(t, err, ErrTokenExpired)
}

// TestDefaultStoreUsesClock: the store New creates keeps the Authorizer's
// time, or it would drop an entry made under WithClock by the wall clock
// instead of with its token.
func TestDefaultStoreUsesClock(t *testing.T) {
	clk := &fakeTime{t: time.Now().Add(-24 * time.Hour)}
	a, err := New(WithSecretKey(internalKey), WithClock(clk.now))
	require.NoError(t, err)
	m, ok := a.cfg.store.(*MemoryStore)
	require.True(t, ok)
	assert.Equal(t, clk.now(), m.now())
}
