package redisstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// backend is one Redis deployment the store suite runs against.
type backend struct {
	name  string
	addrs []string
}

// client returns a new rueidis client of the backend, closed when the
// test ends. Each client has its own connections and client-side cache,
// as a separate process would.
func (b backend) client(t *testing.T) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: b.addrs})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

var prefixes atomic.Int64

// store returns a Store on client with a key prefix of its own, so that
// the tests sharing a server never see each other's keys.
func store(t *testing.T, client rueidis.Client, opts ...redisstore.Option) (*redisstore.Store, string) {
	t.Helper()
	prefix := fmt.Sprintf("test%d:", prefixes.Add(1))
	s, err := redisstore.New(client, append([]redisstore.Option{redisstore.KeyPrefix(prefix)}, opts...)...)
	require.NoError(t, err)
	return s, prefix
}

// samePrefix returns a Store on another client that shares prefix: the
// same state, seen from another process.
func samePrefix(t *testing.T, client rueidis.Client, prefix string, opts ...redisstore.Option) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(client, append([]redisstore.Option{redisstore.KeyPrefix(prefix)}, opts...)...)
	require.NoError(t, err)
	return s
}

func newID() string { return rand.Text() }

// token returns the claims of a verified token of subject, in session sid
// when sid is not empty, issued now and valid for an hour.
func token(subject, sid string) *ginpaseto.Claims {
	now := time.Now().Truncate(time.Second)
	return &ginpaseto.Claims{Subject: subject, Type: ginpaseto.TypeAccess, JTI: newID(), SessionID: sid,
		IssuedAt: now, NotBefore: now, Expiration: now.Add(time.Hour)}
}

// session returns a session of subject started now, whose refresh token
// expires in an hour.
func session(subject string) ginpaseto.Session {
	now := time.Now()
	return ginpaseto.Session{ID: newID(), Subject: subject, RefreshJTI: newID(), Started: now, Refreshed: now, Expires: now.Add(time.Hour)}
}

// rotate rotates strictly, with no grace, and keeps the error only.
func rotate(ctx context.Context, s *redisstore.Store, usedJTI string, next ginpaseto.Session) error {
	if next.Refreshed.IsZero() || next.Refreshed.Equal(next.Started) {
		next.Refreshed = time.Now()
	}
	_, err := s.RotateSession(ctx, usedJTI, next, 0)
	return err
}

func revoked(t *testing.T, s *redisstore.Store, c *ginpaseto.Claims) bool {
	t.Helper()
	r, err := s.IsRevoked(context.Background(), c)
	require.NoError(t, err)
	return r
}

// eventuallyRevoked polls s until it refuses c, as another process waits
// for Redis's invalidation, and returns how long that took.
func eventuallyRevoked(t *testing.T, s *redisstore.Store, c *ginpaseto.Claims) time.Duration {
	t.Helper()
	start := time.Now()
	for !revoked(t, s, c) {
		if time.Since(start) > 5*time.Second {
			t.Fatal("the revocation did not reach the other client")
		}
		time.Sleep(100 * time.Microsecond)
	}
	return time.Since(start)
}

// TestStore runs the store's contract against a standalone Redis and a
// local 3-master Redis Cluster.
func TestStore(t *testing.T) {
	standalone := redistest.Start(t)
	cluster := redistest.StartCluster(t, 3)
	for _, b := range []backend{
		{name: "standalone", addrs: []string{standalone.Addr}},
		{name: "cluster", addrs: cluster.Addrs()},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Run("checks", func(t *testing.T) { testChecks(t, b) })
			t.Run("revoke", func(t *testing.T) { testRevoke(t, b) })
			t.Run("revocations per subject", func(t *testing.T) { testRevocationsPerSubject(t, b) })
			t.Run("sessions", func(t *testing.T) { testSessions(t, b) })
			t.Run("sessions per subject", func(t *testing.T) { testSessionsPerSubject(t, b) })
			t.Run("revoke session", func(t *testing.T) { testRevokeSession(t, b) })
			t.Run("revoke subject", func(t *testing.T) { testRevokeSubject(t, b) })
			t.Run("no expiry", func(t *testing.T) { testNoExpiry(t, b) })
			t.Run("TTLs", func(t *testing.T) { testTTLs(t, b) })
			t.Run("concurrent rotations", func(t *testing.T) { testConcurrentRotations(t, b) })
			t.Run("concurrent revocations", func(t *testing.T) { testConcurrentRevocations(t, b) })
			t.Run("other process", func(t *testing.T) { testOtherProcess(t, b) })
			t.Run("commands per check", func(t *testing.T) { testCommandsPerCheck(t, b) })
			t.Run("bad input", func(t *testing.T) { testBadInput(t, b) })
			t.Run("cutoff at start", func(t *testing.T) { testCutoffAtStart(t, b) })
			t.Run("cutoff in seconds", func(t *testing.T) { testCutoffInSeconds(t, b) })
			t.Run("rotation", func(t *testing.T) { testRotation(t, b) })
			t.Run("rotation of an old value", func(t *testing.T) { testRotationOfOldValue(t, b) })
			t.Run("caller's clock", func(t *testing.T) { testCallerClock(t, b) })
			t.Run("authorizer", func(t *testing.T) { testAuthorizer(t, b) })
			t.Run("round trips", func(t *testing.T) { testRoundTrips(t, b) })
			t.Run("concurrent replays", func(t *testing.T) { testConcurrentReplays(t, b) })
			t.Run("sessions list", func(t *testing.T) { testSessionsList(t, b) })
			t.Run("metadata bounds", func(t *testing.T) { testMetadataBounds(t, b) })
			t.Run("notify", func(t *testing.T) { testNotify(t, b) })
			t.Run("notify stop", func(t *testing.T) { testNotifyStop(t, b) })
			t.Run("notify lost", func(t *testing.T) { testNotifyLost(t, b) })
			t.Run("notify closed client", func(t *testing.T) { testNotifyClosedClient(t, b) })
		})
	}
}

func testChecks(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t))
	live := session("alice")
	require.NoError(t, s.CreateSession(ctx, live))
	ended := session("alice")
	require.NoError(t, s.CreateSession(ctx, ended))
	require.NoError(t, s.RevokeSession(ctx, ended.ID))
	revokedToken := token("alice", "")
	require.NoError(t, s.Revoke(ctx, revokedToken))
	revokedInSession := token("alice", live.ID)
	require.NoError(t, s.Revoke(ctx, revokedInSession))

	for _, c := range []struct {
		name   string
		claims *ginpaseto.Claims
		want   bool
	}{
		{"token of no session", token("alice", ""), false},
		{"token of a live session", token("alice", live.ID), false},
		{"token of an ended session", token("alice", ended.ID), true},
		{"token of a session never recorded", token("alice", newID()), true},
		{"token of a live session, other subject", token("bob", live.ID), true},
		{"revoked token", revokedToken, true},
		{"revoked token of a live session", revokedInSession, true},
		{"token without iat", &ginpaseto.Claims{Subject: "alice", JTI: newID()}, false},
	} {
		assert.Equal(t, c.want, revoked(t, s, c.claims), c.name)
		assert.Equal(t, c.want, revoked(t, s, c.claims), c.name+", from the cache")
	}
}

func testRevoke(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t))
	c := token("alice", "")
	require.False(t, revoked(t, s, c))
	require.NoError(t, s.Revoke(ctx, c))
	assert.True(t, revoked(t, s, c), "a revocation invalidates this client's cache")
	assert.ErrorIs(t, s.Revoke(ctx, c), ginpaseto.ErrTokenRevoked, "a second revocation")

	live := session("alice")
	require.NoError(t, s.CreateSession(ctx, live))
	inSession := token("alice", live.ID)
	require.NoError(t, s.RevokeSession(ctx, live.ID))
	assert.ErrorIs(t, s.Revoke(ctx, inSession), ginpaseto.ErrTokenRevoked, "a token of an ended session is refused already")

	require.NoError(t, s.RevokeSubject(ctx, "carol", time.Now(), time.Now().Add(time.Hour)))
	old := token("carol", "")
	old.IssuedAt = old.IssuedAt.Add(-time.Minute)
	assert.ErrorIs(t, s.Revoke(ctx, old), ginpaseto.ErrTokenRevoked, "a token under the subject's cutoff is refused already")

	expired := token("alice", "")
	expired.Expiration = time.Now().Add(-time.Second)
	assert.NoError(t, s.Revoke(ctx, expired), "a token that just expired")
}

func testRevocationsPerSubject(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t), redisstore.RevocationsPerSubject(3))
	live := session("alice")
	require.NoError(t, s.CreateSession(ctx, live))
	var tokens []*ginpaseto.Claims
	for range 4 {
		c := token("alice", "")
		tokens = append(tokens, c)
		require.NoError(t, s.Revoke(ctx, c))
	}
	for i, c := range tokens {
		assert.True(t, revoked(t, s, c), "revoked token %d", i)
	}
	assert.True(t, revoked(t, s, token("alice", "")), "one more revocation revoked the whole subject")
	assert.True(t, revoked(t, s, token("alice", live.ID)), "and ended its sessions")
	assert.False(t, revoked(t, s, token("bob", "")), "other subjects")

	later := token("alice", "")
	later.IssuedAt = later.IssuedAt.Add(2 * time.Second)
	assert.False(t, revoked(t, s, later), "tokens issued after the cutoff")
	require.NoError(t, s.Revoke(ctx, later), "the subject can revoke again")
	assert.True(t, revoked(t, s, later))
}

func testSessions(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t))
	first := session("alice")
	require.NoError(t, s.CreateSession(ctx, first))
	access := token("alice", first.ID)
	assert.False(t, revoked(t, s, access))
	assert.Error(t, s.CreateSession(ctx, first), "a session ID in use")

	second := first
	second.RefreshJTI = newID()
	second.Expires = time.Now().Add(2 * time.Hour)
	require.NoError(t, rotate(ctx, s, first.RefreshJTI, second))
	assert.False(t, revoked(t, s, access), "a rotation keeps the session")

	third := second
	third.RefreshJTI = newID()
	err := rotate(ctx, s, first.RefreshJTI, third)
	require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused, "the first refresh token, again")
	assert.True(t, revoked(t, s, access), "a reuse ends the session")
	assert.ErrorIs(t, rotate(ctx, s, second.RefreshJTI, third), ginpaseto.ErrTokenRevoked,
		"the newest refresh token of the ended session")

	other := session("alice")
	require.NoError(t, s.CreateSession(ctx, other))
	require.NoError(t, s.Revoke(ctx, &ginpaseto.Claims{Subject: "alice", Type: ginpaseto.TypeRefresh, JTI: other.RefreshJTI,
		SessionID: other.ID, IssuedAt: time.Now(), Expiration: other.Expires}))
	next := other
	next.RefreshJTI = newID()
	assert.ErrorIs(t, rotate(ctx, s, other.RefreshJTI, next), ginpaseto.ErrTokenRevoked, "a revoked refresh token")
	assert.False(t, revoked(t, s, token("alice", other.ID)), "revoking one token leaves the session")
}

func testSessionsPerSubject(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t), redisstore.SessionsPerSubject(3))
	var sessions []ginpaseto.Session
	for i := range 3 {
		se := session("alice")
		se.Expires = time.Now().Add(time.Duration(3-i) * time.Hour)
		require.NoError(t, s.CreateSession(ctx, se))
		sessions = append(sessions, se)
	}
	// Refreshing the oldest does not make it younger.
	next := sessions[0]
	next.RefreshJTI = newID()
	next.Expires = time.Now().Add(10 * time.Hour)
	require.NoError(t, rotate(ctx, s, sessions[0].RefreshJTI, next))
	fourth := session("alice")
	require.NoError(t, s.CreateSession(ctx, fourth))

	assert.True(t, revoked(t, s, token("alice", sessions[0].ID)), "the oldest session ended")
	assert.False(t, revoked(t, s, token("alice", sessions[1].ID)))
	assert.False(t, revoked(t, s, token("alice", sessions[2].ID)))
	assert.False(t, revoked(t, s, token("alice", fourth.ID)))
	require.NoError(t, s.CreateSession(ctx, session("bob")), "other subjects have their own limit")

	// Sessions that expired make room before any live one ends.
	short := session("carol")
	short.Expires = time.Now().Add(50 * time.Millisecond)
	require.NoError(t, s.CreateSession(ctx, short))
	long := []ginpaseto.Session{session("carol"), session("carol")}
	for _, se := range long {
		require.NoError(t, s.CreateSession(ctx, se))
	}
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, s.CreateSession(ctx, session("carol")))
	for _, se := range long {
		assert.False(t, revoked(t, s, token("carol", se.ID)), "a live session stays while an expired one makes room")
	}
}

func testRevokeSession(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t))
	live, other := session("alice"), session("alice")
	require.NoError(t, s.CreateSession(ctx, live))
	require.NoError(t, s.CreateSession(ctx, other))
	access := token("alice", live.ID)
	require.False(t, revoked(t, s, access))

	require.NoError(t, s.RevokeSession(ctx, live.ID))
	assert.True(t, revoked(t, s, access))
	next := live
	next.RefreshJTI = newID()
	assert.ErrorIs(t, rotate(ctx, s, live.RefreshJTI, next), ginpaseto.ErrTokenRevoked, "an ended session cannot be rotated")
	assert.False(t, revoked(t, s, token("alice", other.ID)), "the subject's other session")

	assert.NoError(t, s.RevokeSession(ctx, live.ID), "again")
	assert.NoError(t, s.RevokeSession(ctx, newID()), "a session never recorded")
	assert.NoError(t, s.RevokeSession(ctx, ""), "no session ID")
}

func testRevokeSubject(t *testing.T, b backend) {
	ctx := context.Background()
	s, prefix := store(t, b.client(t))
	one, two := session("alice"), session("alice")
	require.NoError(t, s.CreateSession(ctx, one))
	require.NoError(t, s.CreateSession(ctx, two))
	before := token("alice", "")
	bobs := session("bob")
	require.NoError(t, s.CreateSession(ctx, bobs))

	cutoff := time.Now()
	require.NoError(t, s.RevokeSubject(ctx, "alice", cutoff, cutoff.Add(time.Hour)))
	assert.True(t, revoked(t, s, before), "a token issued before")
	assert.True(t, revoked(t, s, token("alice", one.ID)), "a session")
	assert.True(t, revoked(t, s, token("alice", two.ID)), "another session")
	assert.False(t, revoked(t, s, token("bob", bobs.ID)), "another subject")

	after := token("alice", "")
	after.IssuedAt = cutoff.Truncate(time.Second).Add(time.Second)
	assert.False(t, revoked(t, s, after), "a token issued in the next second")
	fresh := session("alice")
	require.NoError(t, s.CreateSession(ctx, fresh))
	assert.False(t, revoked(t, s, token("alice", fresh.ID)), "a session started after, even within the same second")

	// An earlier cutoff kept for less time moves neither.
	require.NoError(t, s.RevokeSubject(ctx, "alice", cutoff.Add(-time.Hour), cutoff.Add(time.Minute)))
	assert.True(t, revoked(t, s, before))
	ttls := keyTTLs(t, b, prefix)
	for key, ttl := range ttls {
		if strings.Contains(key, "}c:") {
			assert.Greater(t, ttl, 59*time.Minute, "the cutoff is kept until the later until")
		}
	}

	require.NoError(t, s.RevokeSubject(ctx, "dave", time.Now(), time.Now().Add(-time.Second)))
	for key := range keyTTLs(t, b, prefix) {
		assert.NotContains(t, key, "dave", "a cutoff whose tokens have all expired is not kept")
	}
}

func testNoExpiry(t *testing.T, b backend) {
	ctx := context.Background()
	s, prefix := store(t, b.client(t))
	forever := token("alice", "")
	forever.Expiration = time.Time{}
	require.NoError(t, s.Revoke(ctx, forever))
	assert.True(t, revoked(t, s, forever))
	for key, ttl := range keyTTLs(t, b, prefix) {
		assert.Equal(t, time.Duration(-1), ttl, "%s: kept for as long as the token, which never expires", key)
	}
	require.NoError(t, s.Revoke(ctx, token("alice", "")))
	for key, ttl := range keyTTLs(t, b, prefix) {
		if strings.Contains(key, "}r:") {
			assert.Equal(t, time.Duration(-1), ttl, "%s: the set counts a token without expiry", key)
		}
	}
}

// testTTLs drives every write and checks that every key it left has a
// TTL, no longer than what it guards.
func testTTLs(t *testing.T, b backend) {
	ctx := context.Background()
	s, prefix := store(t, b.client(t), redisstore.SessionsPerSubject(2), redisstore.RevocationsPerSubject(2))
	hour := time.Now().Add(time.Hour)
	sessions := []ginpaseto.Session{session("alice"), session("alice"), session("alice"), session("bob")}
	for _, se := range sessions {
		require.NoError(t, s.CreateSession(ctx, se))
	}
	next := sessions[2]
	next.RefreshJTI = newID()
	require.NoError(t, rotate(ctx, s, sessions[2].RefreshJTI, next))
	require.NoError(t, s.RevokeSession(ctx, sessions[3].ID))
	for range 3 {
		require.NoError(t, s.Revoke(ctx, token("carol", "")))
	}
	require.NoError(t, s.Revoke(ctx, token("alice", sessions[2].ID)))
	require.NoError(t, s.RevokeSubject(ctx, "dave", time.Now(), hour))

	ttls := keyTTLs(t, b, prefix)
	require.NotEmpty(t, ttls)
	kinds := map[string]bool{}
	for key, ttl := range ttls {
		assert.Positive(t, ttl, "%s has no TTL", key)
		assert.LessOrEqual(t, ttl, time.Hour+time.Second, "%s outlives what it guards", key)
		kinds[key[strings.Index(key, "}")+1:][:2]] = true
	}
	assert.Equal(t, map[string]bool{"j:": true, "s:": true, "c:": true, "l:": true, "r:": true, "i:": true}, kinds,
		"every kind of key was checked")
}

// resetStats clears the command statistics of every node.
func resetStats(t *testing.T, c rueidis.Client) {
	t.Helper()
	for _, node := range c.Nodes() {
		require.NoError(t, node.Do(context.Background(), node.B().ConfigResetstat().Build()).Error())
	}
}

// commandCalls returns how many times each command that reads or writes
// data ran on all nodes since resetStats: connection set-up (HELLO,
// CLIENT, PING, CLUSTER) and the statistics' own INFO and CONFIG are left
// out.
func commandCalls(t *testing.T, c rueidis.Client) map[string]int {
	t.Helper()
	calls := map[string]int{}
	for _, node := range c.Nodes() {
		info, err := node.Do(context.Background(), node.B().Info().Section("commandstats").Build()).ToString()
		require.NoError(t, err)
		for _, line := range strings.Split(info, "\n") {
			name, stats, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
			if !ok {
				continue
			}
			name = strings.TrimPrefix(name, "cmdstat_")
			n, _, _ := strings.Cut(stats, ",")
			var count int
			_, err := fmt.Sscan(n, &count)
			require.NoError(t, err)
			switch strings.Split(name, "|")[0] {
			case "info", "config", "hello", "client", "ping", "cluster", "command":
			default:
				calls[name] += count
			}
		}
	}
	return calls
}

// keyTTLs scans every node for the keys starting with prefix and returns
// their TTLs (-1 for none).
func keyTTLs(t *testing.T, b backend, prefix string) map[string]time.Duration {
	t.Helper()
	ctx := context.Background()
	ttls := map[string]time.Duration{}
	for _, node := range b.client(t).Nodes() {
		var cursor uint64
		for {
			entry, err := node.Do(ctx, node.B().Scan().Cursor(cursor).Match(prefix+"*").Count(1000).Build()).AsScanEntry()
			require.NoError(t, err)
			for _, key := range entry.Elements {
				ms, err := node.Do(ctx, node.B().Pttl().Key(key).Build()).AsInt64()
				require.NoError(t, err)
				if ms > 0 {
					ttls[key] = time.Duration(ms) * time.Millisecond
				} else {
					ttls[key] = time.Duration(ms)
				}
			}
			if cursor = entry.Cursor; cursor == 0 {
				break
			}
		}
	}
	return ttls
}

// testConcurrentRotations rotates one refresh token from many goroutines
// through two clients, as two processes would: exactly one wins.
func testConcurrentRotations(t *testing.T, b backend) {
	ctx := context.Background()
	a, prefix := store(t, b.client(t))
	other := samePrefix(t, b.client(t), prefix)
	for round := range 5 {
		se := session("alice")
		require.NoError(t, a.CreateSession(ctx, se))
		const n = 32
		var wins, reused, ended atomic.Int32
		var wg sync.WaitGroup
		for i := range n {
			s := a
			if i%2 == 1 {
				s = other
			}
			wg.Go(func() {
				next := se
				next.RefreshJTI = newID()
				err := rotate(ctx, s, se.RefreshJTI, next)
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, ginpaseto.ErrRefreshTokenReused):
					reused.Add(1)
				case errors.Is(err, ginpaseto.ErrTokenRevoked):
					ended.Add(1)
				default:
					t.Errorf("rotation: %v", err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load(), "round %d: rotations that succeeded", round)
		assert.Equal(t, int32(n-1), reused.Load()+ended.Load(), "round %d: the others were refused", round)
		assert.Positive(t, reused.Load(), "round %d: the first loser saw a reuse", round)
		assert.True(t, revoked(t, a, token("alice", se.ID)), "round %d: the reuse ended the session", round)
	}
}

// testConcurrentRevocations revokes one token from many goroutines through
// two clients: exactly one succeeds, which makes a token single-use.
func testConcurrentRevocations(t *testing.T, b backend) {
	ctx := context.Background()
	a, prefix := store(t, b.client(t))
	other := samePrefix(t, b.client(t), prefix)
	c := token("alice", "")
	var wins, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range 32 {
		s := a
		if i%2 == 1 {
			s = other
		}
		wg.Go(func() {
			switch err := s.Revoke(ctx, c); {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, ginpaseto.ErrTokenRevoked):
				refused.Add(1)
			default:
				t.Errorf("revocation: %v", err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
	assert.Equal(t, int32(31), refused.Load())
}

// testOtherProcess checks that what one client writes reaches another
// client's cached answers, through Redis's invalidation: the other client
// trusts its cache for an hour, so nothing else would refresh it.
func testOtherProcess(t *testing.T, b backend) {
	ctx := context.Background()
	a, prefix := store(t, b.client(t))
	other := samePrefix(t, b.client(t), prefix)
	redisstore.TrustCacheFor(other, time.Hour)

	c := token("alice", "")
	for range 3 {
		require.False(t, revoked(t, other, c)) // cached now
	}
	require.NoError(t, a.Revoke(ctx, c))
	t.Logf("revocation seen by the other client after %v", eventuallyRevoked(t, other, c))

	se := session("alice")
	require.NoError(t, a.CreateSession(ctx, se))
	access := token("alice", se.ID)
	for range 3 {
		require.False(t, revoked(t, other, access))
	}
	require.NoError(t, a.RevokeSession(ctx, se.ID))
	t.Logf("session end seen by the other client after %v", eventuallyRevoked(t, other, access))

	before := token("bob", "")
	for range 3 {
		require.False(t, revoked(t, other, before))
	}
	require.NoError(t, a.RevokeSubject(ctx, "bob", time.Now(), time.Now().Add(time.Hour)))
	t.Logf("subject revocation seen by the other client after %v", eventuallyRevoked(t, other, before))
}

// testCommandsPerCheck counts what Redis executes: one MGET per check
// without the cache, and nothing at all once the cache holds the answer.
func testCommandsPerCheck(t *testing.T, b backend) {
	ctx := context.Background()
	live := session("alice")
	tokens := []*ginpaseto.Claims{token("alice", ""), token("alice", live.ID)}

	stats := b.client(t)
	uncached, prefix := store(t, b.client(t), redisstore.NoCache())
	require.NoError(t, uncached.CreateSession(ctx, live))
	resetStats(t, stats)
	for range 5 {
		for _, c := range tokens {
			require.False(t, revoked(t, uncached, c))
		}
	}
	assert.Equal(t, map[string]int{"mget": 10}, commandCalls(t, stats), "without the cache")

	cached := samePrefix(t, b.client(t), prefix)
	redisstore.TrustCacheFor(cached, time.Hour)
	for range 2 { // a new Store's first check reads Redis, the next fill the cache
		for _, c := range tokens {
			require.False(t, revoked(t, cached, c))
		}
	}
	resetStats(t, stats)
	for range 5 {
		for _, c := range tokens {
			require.False(t, revoked(t, cached, c))
		}
	}
	assert.Empty(t, commandCalls(t, stats), "from the cache")
}

func testBadInput(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t))
	_, err := s.IsRevoked(ctx, nil)
	assert.Error(t, err, "IsRevoked(nil)")
	assert.Error(t, s.Revoke(ctx, nil), "Revoke(nil)")
	assert.Error(t, s.Revoke(ctx, &ginpaseto.Claims{Subject: "alice"}), "Revoke without jti")
	assert.Error(t, s.CreateSession(ctx, ginpaseto.Session{Subject: "alice", RefreshJTI: "r"}), "CreateSession without ID")
	assert.Error(t, s.CreateSession(ctx, ginpaseto.Session{ID: "s", RefreshJTI: "r"}), "CreateSession without subject")
	assert.Error(t, s.CreateSession(ctx, ginpaseto.Session{ID: "s", Subject: "alice"}), "CreateSession without refresh jti")
	assert.Error(t, rotate(ctx, s, "", session("alice")), "RotateSession without used jti")
	assert.Error(t, s.RevokeSubject(ctx, "", time.Now(), time.Now()), "RevokeSubject without subject")

	// Subjects and IDs are data, never key syntax.
	odd := "}{ \x00\r\n*1\r\n$4\r\nPING\r\n☃"
	se := session(odd)
	se.ID = odd
	require.NoError(t, s.CreateSession(ctx, se))
	c := token(odd, odd)
	c.JTI = odd
	assert.False(t, revoked(t, s, c))
	require.NoError(t, s.Revoke(ctx, c))
	assert.True(t, revoked(t, s, c))
	require.NoError(t, s.RevokeSession(ctx, odd))
	require.NoError(t, s.RevokeSubject(ctx, odd, time.Now(), time.Now().Add(time.Minute)))
}

func TestNewRefusesNonsense(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  redisstore.Option
		want string
	}{
		{"empty prefix", redisstore.KeyPrefix(""), "KeyPrefix is empty"},
		{"prefix with a brace", redisstore.KeyPrefix("app{1}:"), "'{' or '}'"},
		{"prefix with a space", redisstore.KeyPrefix("my app:"), "without spaces"},
		{"long prefix", redisstore.KeyPrefix(strings.Repeat("a", 65)), "keep it to 64"},
		{"zero timeout", redisstore.Timeout(0), "positive duration"},
		{"negative timeout", redisstore.Timeout(-time.Second), "positive duration"},
		{"zero cache TTL", redisstore.CacheTTL(0), "at least 1ms"},
		{"tiny cache TTL", redisstore.CacheTTL(time.Microsecond), "use NoCache"},
		{"no sessions", redisstore.SessionsPerSubject(0), "use 1 to"},
		{"too many sessions", redisstore.SessionsPerSubject(1_000_000), "use 1 to"},
		{"no revocations", redisstore.RevocationsPerSubject(0), "use 1 to"},
		{"nil option", nil, "nil Option"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := redisstore.New(unusedClient{}, c.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, err := redisstore.New(nil)
	assert.ErrorContains(t, err, "client is nil")
}

// unusedClient stands in for a client: New does not contact Redis.
type unusedClient struct{ rueidis.Client }
