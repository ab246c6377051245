package redisstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
)

// testCutoffAtStart: a session that started at or before the subject's
// cutoff is refused and nothing of it is recorded; one that started a
// nanosecond after is live. Tokens of no session compare their iat, in
// whole seconds, with the cutoff.
func testCutoffAtStart(t *testing.T, b backend) {
	ctx := context.Background()
	s, prefix := store(t, b.client(t))
	cutoff := time.Now().Truncate(time.Second).Add(400 * time.Millisecond)
	require.NoError(t, s.RevokeSubject(ctx, "alice", cutoff, cutoff.Add(time.Hour)))

	for _, c := range []struct {
		name    string
		started time.Time
		live    bool
	}{
		{"a second before", cutoff.Add(-time.Second), false},
		{"a nanosecond before", cutoff.Add(-time.Nanosecond), false},
		{"at the cutoff", cutoff, false},
		{"a nanosecond after", cutoff.Add(time.Nanosecond), true},
		{"a millisecond after", cutoff.Add(time.Millisecond), true},
	} {
		se := session("alice")
		se.Started, se.Refreshed = c.started, c.started
		se.Expires = c.started.Add(time.Hour)
		err := s.CreateSession(ctx, se)
		if c.live {
			require.NoError(t, err, c.name)
			assert.False(t, revoked(t, s, token("alice", se.ID)), c.name)
			continue
		}
		require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, c.name)
		assert.True(t, revoked(t, s, token("alice", se.ID)), c.name)
		for key := range keyTTLs(t, b, prefix) {
			assert.NotContains(t, key, se.ID, "%s: nothing of a refused session is kept", c.name)
		}
	}
	list, err := s.Sessions(ctx, "alice")
	require.NoError(t, err)
	assert.Len(t, list, 2, "the refused sessions are not listed")

	sameSecond := token("alice", "")
	sameSecond.IssuedAt = cutoff.Truncate(time.Second)
	assert.True(t, revoked(t, s, sameSecond), "a token of no session issued in the cutoff's second")
	nextSecond := token("alice", "")
	nextSecond.IssuedAt = cutoff.Truncate(time.Second).Add(time.Second)
	assert.False(t, revoked(t, s, nextSecond), "a token of no session issued the next second")

	// A later cutoff moves it; an earlier one does not.
	later := cutoff.Add(300 * time.Millisecond)
	require.NoError(t, s.RevokeSubject(ctx, "alice", later, later.Add(time.Hour)))
	require.NoError(t, s.RevokeSubject(ctx, "alice", cutoff.Add(-time.Minute), later.Add(time.Hour)))
	se := session("alice")
	se.Started = later.Add(-time.Nanosecond)
	assert.ErrorIs(t, s.CreateSession(ctx, se), ginpaseto.ErrTokenRevoked, "before the later cutoff")
	se.Started = later.Add(time.Nanosecond)
	assert.NoError(t, s.CreateSession(ctx, se), "after the later cutoff")
}

// testCutoffInSeconds: a cutoff of whole Unix seconds, as the store first
// wrote them, still refuses what it covers.
func testCutoffInSeconds(t *testing.T, b backend) {
	ctx := context.Background()
	client := b.client(t)
	s, prefix := store(t, client)
	cutoff := time.Now().Truncate(time.Second)
	sum := sha256.Sum256([]byte("alice"))
	key := prefix + "{" + hex.EncodeToString(sum[:8]) + "}c:alice"
	require.NoError(t, client.Do(ctx, client.B().Set().Key(key).Value(strconv.FormatInt(cutoff.Unix(), 10)).ExSeconds(60).Build()).Error())

	old := token("alice", "")
	old.IssuedAt = cutoff
	assert.True(t, revoked(t, s, old))
	newer := token("alice", "")
	newer.IssuedAt = cutoff.Add(time.Second)
	assert.False(t, revoked(t, s, newer))
	se := session("alice")
	se.Started = cutoff.Add(-time.Millisecond)
	assert.ErrorIs(t, s.CreateSession(ctx, se), ginpaseto.ErrTokenRevoked)
	se.Started = cutoff.Add(time.Millisecond)
	assert.NoError(t, s.CreateSession(ctx, se))
}

// testRotation covers each branch of RotateSession: a rotation, a replay
// within the grace, a replay after it, an older token, and the absolute
// end, with times of a clock other than the machine's, as an Authorizer
// with WithClock gives.
func testRotation(t *testing.T, b backend) {
	ctx := context.Background()
	s, prefix := store(t, b.client(t))
	start := time.Date(2001, 2, 3, 4, 5, 6, 789, time.UTC) // the caller's clock
	meta := map[string]string{"device": "phone", "agent": "Firefox/140 on Linux"}
	se := ginpaseto.Session{ID: newID(), Subject: "alice", RefreshJTI: newID(), Started: start, Refreshed: start,
		Expires: start.Add(time.Hour), Ends: start.Add(90 * time.Minute), Metadata: meta}
	require.NoError(t, s.CreateSession(ctx, se))
	for key, ttl := range keyTTLs(t, b, prefix) {
		if strings.Contains(key, "}s:") {
			assert.Greater(t, ttl, 59*time.Minute, "the TTL runs on the caller's clock: an hour after the start")
		}
	}

	first := se.RefreshJTI
	next := se
	next.RefreshJTI, next.Refreshed, next.Expires = newID(), start.Add(10*time.Minute), start.Add(70*time.Minute)
	got, err := s.RotateSession(ctx, first, next, 30*time.Second)
	require.NoError(t, err)
	want := se
	want.RefreshJTI, want.Refreshed, want.Expires = next.RefreshJTI, next.Refreshed, next.Expires
	assertSession(t, want, got, "rotated")

	replay := next
	replay.RefreshJTI, replay.Refreshed = newID(), next.Refreshed.Add(29*time.Second)
	got, err = s.RotateSession(ctx, first, replay, 30*time.Second)
	require.NoError(t, err, "the consumed token within the grace")
	assertSession(t, want, got, "a replay changes nothing and returns the usable token")
	got, err = s.RotateSession(ctx, first, replay, 30*time.Second)
	require.NoError(t, err, "and again")
	assert.Equal(t, next.RefreshJTI, got.RefreshJTI)

	second := next
	second.RefreshJTI, second.Refreshed, second.Expires = newID(), start.Add(20*time.Minute), start.Add(80*time.Minute)
	got, err = s.RotateSession(ctx, next.RefreshJTI, second, 30*time.Second)
	require.NoError(t, err, "the usable token, after replays")
	want.RefreshJTI, want.Refreshed, want.Expires = second.RefreshJTI, second.Refreshed, second.Expires
	assertSession(t, want, got, "rotated again")

	third := second
	third.RefreshJTI, third.Refreshed, third.Expires = newID(), start.Add(30*time.Minute), start.Add(90*time.Minute)
	got, err = s.RotateSession(ctx, second.RefreshJTI, third, 30*time.Second)
	require.NoError(t, err)
	assert.True(t, start.Add(90*time.Minute).Equal(got.Expires), "expires at the end")

	fourth := third
	fourth.RefreshJTI, fourth.Refreshed, fourth.Expires = newID(), start.Add(40*time.Minute), start.Add(100*time.Minute)
	got, err = s.RotateSession(ctx, third.RefreshJTI, fourth, 30*time.Second)
	require.NoError(t, err)
	assert.True(t, start.Add(90*time.Minute).Equal(got.Expires), "never after the session's absolute end: %v", got.Expires)

	past := fourth
	past.RefreshJTI, past.Refreshed, past.Expires = newID(), start.Add(91*time.Minute), start.Add(150*time.Minute)
	_, err = s.RotateSession(ctx, fourth.RefreshJTI, past, 30*time.Second)
	assert.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "after the absolute end")
	assert.True(t, revoked(t, s, token("alice", se.ID)), "the session ended at its absolute end")

	for _, c := range []struct {
		name  string
		after time.Duration // from the rotation that consumed the token
		grace time.Duration
		older bool // a token the rotation before the last consumed
	}{
		{"after the grace", 31 * time.Second, 30 * time.Second, false},
		{"at the grace", 30 * time.Second, 30 * time.Second, false},
		{"with no grace", 0, 0, false},
		// Consumed by the first of two rotations a second apart: its own
		// grace has passed, though the second rotation's has not.
		{"an older token at its grace", 29 * time.Second, 30 * time.Second, true},
	} {
		se := session("alice")
		require.NoError(t, s.CreateSession(ctx, se))
		next := se
		next.RefreshJTI, next.Refreshed = newID(), se.Started.Add(time.Minute)
		_, err := s.RotateSession(ctx, se.RefreshJTI, next, c.grace)
		require.NoError(t, err, c.name)
		used := se.RefreshJTI
		at, newest := next.Refreshed, next.RefreshJTI
		if c.older {
			again := next
			again.RefreshJTI, again.Refreshed = newID(), next.Refreshed.Add(time.Second)
			_, err := s.RotateSession(ctx, next.RefreshJTI, again, c.grace)
			require.NoError(t, err, c.name)
			at, newest = again.Refreshed, again.RefreshJTI
		}
		replay := next
		replay.RefreshJTI, replay.Refreshed = newID(), at.Add(c.after)
		_, err = s.RotateSession(ctx, used, replay, c.grace)
		assert.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused, c.name)
		assert.True(t, revoked(t, s, token("alice", se.ID)), "%s: a reuse ends the session", c.name)
		_, err = s.RotateSession(ctx, newest, replay, c.grace)
		assert.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "%s: the newest token of the ended session", c.name)
	}
}

// testCallerClock: what guards a token or a session lasts as long as the
// caller's clock says, not the machine's: a clock years behind, as an
// Authorizer's WithClock may be, forgets nothing early.
func testCallerClock(t *testing.T, b backend) {
	ctx := context.Background()
	s, prefix := store(t, b.client(t))
	then := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	c := &ginpaseto.Claims{Subject: "alice", Type: ginpaseto.TypeAccess, JTI: newID(), IssuedAt: then, Expiration: then.Add(time.Hour)}
	require.NoError(t, s.Revoke(ctx, c))
	cutoff := then.Add(time.Minute)
	require.NoError(t, s.RevokeSubject(ctx, "bob", cutoff, cutoff.Add(time.Hour)))
	time.Sleep(20 * time.Millisecond)
	assert.True(t, revoked(t, s, c), "the revocation is kept")
	old := &ginpaseto.Claims{Subject: "bob", Type: ginpaseto.TypeAccess, JTI: newID(), IssuedAt: cutoff, Expiration: cutoff.Add(time.Hour)}
	assert.True(t, revoked(t, s, old), "the cutoff is kept")
	ttls := keyTTLs(t, b, prefix)
	require.NotEmpty(t, ttls)
	for key, ttl := range ttls {
		assert.Greater(t, ttl, 59*time.Minute, key)
		assert.LessOrEqual(t, ttl, time.Hour, key)
	}
}

// assertSession compares two sessions, their times as instants.
func assertSession(t *testing.T, want, got ginpaseto.Session, msg string) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID, msg)
	assert.Equal(t, want.Subject, got.Subject, msg)
	assert.Equal(t, want.RefreshJTI, got.RefreshJTI, msg)
	for _, c := range []struct {
		name      string
		want, got time.Time
	}{{"Started", want.Started, got.Started}, {"Refreshed", want.Refreshed, got.Refreshed}, {"Expires", want.Expires, got.Expires}, {"Ends", want.Ends, got.Ends}} {
		assert.True(t, c.want.Equal(c.got), "%s: %s is %v, want %v", msg, c.name, c.got, c.want)
	}
	assert.Equal(t, want.Metadata, got.Metadata, msg)
}

// testConcurrentReplays: many rotations with one refresh token within the
// grace, through two clients: one moves the session, every other gets the
// same usable token, and the session stays live.
func testConcurrentReplays(t *testing.T, b backend) {
	ctx := context.Background()
	a, prefix := store(t, b.client(t))
	other := samePrefix(t, b.client(t), prefix)
	se := session("alice")
	require.NoError(t, a.CreateSession(ctx, se))
	const n = 32
	results := make([]ginpaseto.Session, n)
	var wg sync.WaitGroup
	for i := range n {
		s := a
		if i%2 == 1 {
			s = other
		}
		wg.Go(func() {
			next := se
			next.RefreshJTI, next.Refreshed = newID(), time.Now()
			got, err := s.RotateSession(ctx, se.RefreshJTI, next, 30*time.Second)
			if assert.NoError(t, err) {
				results[i] = got
			}
		})
	}
	wg.Wait()
	for _, got := range results {
		assert.Equal(t, results[0].RefreshJTI, got.RefreshJTI, "every tab gets the same usable token")
	}
	assert.NotEqual(t, se.RefreshJTI, results[0].RefreshJTI)
	assert.False(t, revoked(t, a, token("alice", se.ID)), "the session is live")
	list, err := a.Sessions(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, results[0].RefreshJTI, list[0].RefreshJTI, "the session moved forward once")
}

// testSessionsList: a subject's live sessions, the oldest first, with
// what they were created with, in one script; other subjects' and ended
// sessions are not listed.
func testSessionsList(t *testing.T, b backend) {
	ctx := context.Background()
	client := b.client(t)
	s, _ := store(t, client, redisstore.SessionsPerSubject(4))
	base := time.Now()
	var created []ginpaseto.Session
	for _, offset := range []time.Duration{3, 1, 4, 2} { // started out of order
		se := session("alice")
		se.Started = base.Add(offset * time.Millisecond)
		se.Refreshed, se.Expires, se.Ends = se.Started, se.Started.Add(time.Hour), se.Started.Add(24*time.Hour)
		se.Metadata = map[string]string{"device": se.ID[:4]}
		require.NoError(t, s.CreateSession(ctx, se))
		created = append(created, se)
	}
	require.NoError(t, s.CreateSession(ctx, session("bob")))
	require.NoError(t, s.RevokeSession(ctx, created[3].ID))

	stats := b.client(t)
	resetStats(t, stats)
	list, err := s.Sessions(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"evalsha": 1, "zrange": 1, "get": 3}, commandCalls(t, stats),
		"one script, which reads the set and each live session's key")
	require.Len(t, list, 3)
	for i, want := range []ginpaseto.Session{created[1], created[0], created[2]} {
		assertSession(t, want, list[i], "listed")
	}

	none, err := s.Sessions(ctx, "carol")
	require.NoError(t, err)
	assert.Empty(t, none)

	short := session("dave")
	short.Expires = time.Now().Add(30 * time.Millisecond)
	require.NoError(t, s.CreateSession(ctx, short))
	time.Sleep(60 * time.Millisecond)
	gone, err := s.Sessions(ctx, "dave")
	require.NoError(t, err)
	assert.Empty(t, gone, "an expired session")

	_, err = s.Sessions(ctx, "")
	assert.Error(t, err)
}

// testMetadataBounds: metadata beyond its bounds is refused; what is
// kept survives a rotation's rewrite byte for byte.
func testMetadataBounds(t *testing.T, b backend) {
	ctx := context.Background()
	s, _ := store(t, b.client(t))
	many := session("alice")
	many.Metadata = map[string]string{}
	for i := range 33 {
		many.Metadata[strconv.Itoa(i)] = "x"
	}
	assert.ErrorContains(t, s.CreateSession(ctx, many), "33 entries")
	big := session("alice")
	big.Metadata = map[string]string{"agent": strings.Repeat("x", 5000)}
	assert.ErrorContains(t, s.CreateSession(ctx, big), "bytes")
	odd := session("alice")
	odd.Metadata = map[string]string{"agent": "\"/<>&\u2028\x01 ☃ \\u0041", "": "", "1": "one"}
	require.NoError(t, s.CreateSession(ctx, odd))
	next := odd
	next.RefreshJTI, next.Refreshed = newID(), time.Now()
	got, err := s.RotateSession(ctx, odd.RefreshJTI, next, 0)
	require.NoError(t, err)
	assert.Equal(t, odd.Metadata, got.Metadata, "kept through a rotation's rewrite")
	list, err := s.Sessions(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, odd.Metadata, list[0].Metadata)
}

// watch registers a watcher of subject on s and returns a channel that
// receives a value per call.
func watch(t *testing.T, s *redisstore.Store, subject string) (<-chan struct{}, func()) {
	t.Helper()
	calls := make(chan struct{}, 1000)
	stop := s.Notify(subject, func() { calls <- struct{}{} })
	t.Cleanup(stop)
	return calls, stop
}

// settle waits for the call made when the subscription is set up, and
// drops it and any that follow closely.
func settle(t *testing.T, calls <-chan struct{}) {
	t.Helper()
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("no call when the subscription was made")
	}
	drain(calls)
}

// drain drops the calls that arrive until none has for 100ms.
func drain(calls <-chan struct{}) {
	for {
		select {
		case <-calls:
		case <-time.After(100 * time.Millisecond):
			return
		}
	}
}

// notified waits for a call, and returns how long it took.
func notified(t *testing.T, calls <-chan struct{}, what string) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-calls:
		d := time.Since(start)
		drain(calls)
		return d
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: the watcher was not called", what)
		return 0
	}
}

// quiet reports whether no call arrives for a while.
func quiet(calls <-chan struct{}) bool {
	select {
	case <-calls:
		return false
	case <-time.After(200 * time.Millisecond):
		return true
	}
}

// testNotify: every write that revokes or ends through one Store (one
// client, as another process) calls the watchers of that subject on
// another Store, and only theirs.
func testNotify(t *testing.T, b backend) {
	ctx := context.Background()
	a, prefix := store(t, b.client(t), redisstore.RevocationsPerSubject(2), redisstore.SessionsPerSubject(2))
	other := samePrefix(t, b.client(t), prefix)
	calls, _ := watch(t, other, "alice")
	bobs, _ := watch(t, other, "bob")
	settle(t, calls)
	drain(bobs)

	live := session("alice")
	require.NoError(t, a.CreateSession(ctx, live))
	access := token("alice", live.ID)
	require.False(t, revoked(t, other, access))
	assert.True(t, quiet(calls), "a login ends nothing")
	next := live
	next.RefreshJTI, next.Refreshed = newID(), time.Now()
	_, err := a.RotateSession(ctx, live.RefreshJTI, next, time.Minute)
	require.NoError(t, err)
	_, err = a.RotateSession(ctx, live.RefreshJTI, next, time.Minute)
	require.NoError(t, err)
	assert.True(t, quiet(calls), "a rotation and a replay end nothing")

	require.NoError(t, a.RevokeSession(ctx, live.ID))
	notified(t, calls, "RevokeSession")
	assert.True(t, revoked(t, other, access), "the watcher's check sees the logout")

	// How long from the start of a logout to the other client's watcher.
	var took []time.Duration
	for range 20 {
		se := session("alice")
		require.NoError(t, a.CreateSession(ctx, se))
		start := time.Now()
		require.NoError(t, a.RevokeSession(ctx, se.ID))
		select {
		case <-calls:
			took = append(took, time.Since(start))
		case <-time.After(5 * time.Second):
			t.Fatal("a logout was not notified")
		}
		assert.True(t, revoked(t, other, token("alice", se.ID)), "the watcher's check sees the logout")
	}
	slices.Sort(took)
	t.Logf("20 logouts, from their start to the other client's watcher: min %v, median %v, max %v", took[0], took[len(took)/2], took[len(took)-1])

	reused := session("alice")
	require.NoError(t, a.CreateSession(ctx, reused))
	require.NoError(t, rotate(ctx, a, reused.RefreshJTI, ginpaseto.Session{ID: reused.ID, Subject: "alice", RefreshJTI: newID()}))
	require.ErrorIs(t, rotate(ctx, a, reused.RefreshJTI, ginpaseto.Session{ID: reused.ID, Subject: "alice", RefreshJTI: newID()}), ginpaseto.ErrRefreshTokenReused)
	notified(t, calls, "a reuse")

	require.NoError(t, a.Revoke(ctx, token("alice", "")))
	notified(t, calls, "Revoke")

	for range 3 {
		require.NoError(t, a.CreateSession(ctx, session("alice")))
	}
	notified(t, calls, "a session ended to make room")

	require.NoError(t, a.RevokeSubject(ctx, "alice", time.Now(), time.Now().Add(time.Hour)))
	notified(t, calls, "RevokeSubject")
	assert.True(t, quiet(bobs), "another subject's watcher")

	require.NoError(t, a.RevokeSubject(ctx, "bob", time.Now(), time.Now().Add(time.Hour)))
	notified(t, bobs, "RevokeSubject of the other subject")
	assert.True(t, quiet(calls), "a watcher of alice")
}

// testNotifyStop: stop ends the calls, and the subscription ends with the
// last watcher; a new watcher subscribes again.
func testNotifyStop(t *testing.T, b backend) {
	ctx := context.Background()
	a, prefix := store(t, b.client(t))
	other := samePrefix(t, b.client(t), prefix)
	first, stopFirst := watch(t, other, "alice")
	second, stopSecond := watch(t, other, "alice")
	settle(t, first)
	drain(second)
	stopFirst()
	stopFirst()
	require.NoError(t, a.RevokeSubject(ctx, "alice", time.Now(), time.Now().Add(time.Hour)))
	notified(t, second, "the watcher left")
	assert.True(t, quiet(first), "a stopped watcher")
	stopSecond()
	require.NoError(t, a.RevokeSubject(ctx, "alice", time.Now(), time.Now().Add(time.Hour)))
	assert.True(t, quiet(second), "a stopped watcher")

	again, _ := watch(t, other, "alice")
	settle(t, again)
	require.NoError(t, a.RevokeSubject(ctx, "alice", time.Now(), time.Now().Add(time.Hour)))
	notified(t, again, "a watcher after the others stopped")
}

// testNotifyLost: when the subscription's connection is killed, every
// watcher is called, and again once it is made anew; later writes are
// delivered again.
func testNotifyLost(t *testing.T, b backend) {
	ctx := context.Background()
	a, prefix := store(t, b.client(t))
	other := samePrefix(t, b.client(t), prefix)
	alice, _ := watch(t, other, "alice")
	bob, _ := watch(t, other, "bob")
	settle(t, alice)
	drain(bob)

	killPubSub(t, b)
	notified(t, alice, "alice, on the lost subscription")
	select {
	case <-bob:
	case <-time.After(5 * time.Second):
		t.Fatal("bob, on the lost subscription: the watcher was not called")
	}
	time.Sleep(200 * time.Millisecond)
	drain(alice)
	require.NoError(t, a.RevokeSubject(ctx, "alice", time.Now(), time.Now().Add(time.Hour)))
	notified(t, alice, "after the subscription was made again")
}

// killPubSub closes every connection in Pub/Sub mode, on every node.
func killPubSub(t *testing.T, b backend) {
	t.Helper()
	killed := int64(0)
	for _, node := range b.client(t).Nodes() {
		n, err := node.Do(context.Background(), node.B().ClientKill().TypePubsub().Build()).AsInt64()
		require.NoError(t, err)
		killed += n
	}
	require.Positive(t, killed, "no subscription to kill")
}

// testNotifyClosedClient: closing the client calls the watchers (their
// checks now fail closed) and ends the subscription.
func testNotifyClosedClient(t *testing.T, b backend) {
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: b.addrs})
	require.NoError(t, err)
	s, _ := store(t, client)
	calls, _ := watch(t, s, "alice")
	settle(t, calls)
	client.Close()
	notified(t, calls, "the client was closed")
	_, err = s.IsRevoked(context.Background(), token("alice", ""))
	assert.Error(t, err)
}

// testRotationOfOldValue: a session whose value was written before the
// store remembered several consumed refresh tokens (the one the last
// rotation consumed, p, at its time, f) keeps its grace, and its next
// rotations remember the tokens consumed since alongside.
func testRotationOfOldValue(t *testing.T, b backend) {
	ctx := context.Background()
	client := b.client(t)
	s, prefix := store(t, client)
	start := time.Date(2001, 2, 3, 4, 5, 6, 789, time.UTC)
	const grace = 30 * time.Second
	oldValue := func(se ginpaseto.Session, consumed string, at time.Time) {
		t.Helper()
		require.NoError(t, s.CreateSession(ctx, se))
		sum := sha256.Sum256([]byte(se.Subject))
		key := prefix + "{" + hex.EncodeToString(sum[:8]) + "}s:" + se.ID
		value := `{"r":"` + se.RefreshJTI + `","p":"` + consumed + `","s":"` + strconv.FormatInt(start.Unix(), 10) + `.000000789",` +
			`"f":"` + strconv.FormatInt(at.Unix(), 10) + `.000000789","e":"` + strconv.FormatInt(start.Add(time.Hour).Unix(), 10) + `.000000789"}`
		require.NoError(t, client.Do(ctx, client.B().Set().Key(key).Value(value).ExSeconds(3600).Build()).Error())
	}
	rotate := func(se ginpaseto.Session, used string, at time.Time) (ginpaseto.Session, ginpaseto.Session, error) {
		next := se
		next.RefreshJTI, next.Refreshed, next.Expires = newID(), at, start.Add(time.Hour)
		got, err := s.RotateSession(ctx, used, next, grace)
		return next, got, err
	}

	// T0 consumed at start+1m, in the old value; T1 usable.
	se := ginpaseto.Session{ID: newID(), Subject: "alice", RefreshJTI: newID(), Started: start, Refreshed: start, Expires: start.Add(time.Hour)}
	t0, at := newID(), start.Add(time.Minute)
	oldValue(se, t0, at)
	_, got, err := rotate(se, t0, at.Add(time.Second))
	require.NoError(t, err, "the token an old value holds as consumed, within its grace")
	assert.Equal(t, se.RefreshJTI, got.RefreshJTI)

	// The usable token rotates; T0 and T1 are both replays then.
	second, _, err := rotate(se, se.RefreshJTI, at.Add(2*time.Second))
	require.NoError(t, err)
	for _, used := range []string{t0, se.RefreshJTI} {
		_, got, err := rotate(se, used, at.Add(3*time.Second))
		require.NoError(t, err, "a consumed token within its grace, after the value was rewritten")
		assert.Equal(t, second.RefreshJTI, got.RefreshJTI)
	}
	// T0's grace runs from its own rotation.
	_, _, err = rotate(se, t0, at.Add(grace))
	require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused)
	assert.True(t, revoked(t, s, token("alice", se.ID)))

	// After the grace, the old value's token is a reuse.
	se = ginpaseto.Session{ID: newID(), Subject: "alice", RefreshJTI: newID(), Started: start, Refreshed: start, Expires: start.Add(time.Hour)}
	t0 = newID()
	oldValue(se, t0, at)
	_, _, err = rotate(se, t0, at.Add(grace))
	require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused)
	assert.True(t, revoked(t, s, token("alice", se.ID)))
}
