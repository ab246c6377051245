// Package storetest checks that an implementation of ginpaseto.Store keeps
// the Store contract: sessions, refresh rotation with its grace and reuse
// detection, the cutoff of RevokeSubject against a session's start,
// listing, the absolute end of a session, revocations and, for a
// ginpaseto.Notifier, change notifications. The in-memory store and the
// Redis store both pass it; a third store is checked the same way:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) ginpaseto.Store {
//			return newMyStore(t)
//		})
//	}
//
// Every test uses subjects of its own, so newStore may return one shared
// store as well as a new one each time. The suite runs on the real clock:
// the store's own clock must be the wall clock, and a few tests wait for
// entries to end, a fraction of a second each.
package storetest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// Option adjusts the suite to what a store promises beyond the contract.
type Option func(*suite)

// SessionsPerSubject tells the suite that the store keeps at most n live
// sessions per subject, ending the oldest to make room; the suite then
// checks that it does. Without it the suite starts at most a few sessions
// per subject and checks no cap.
func SessionsPerSubject(n int) Option {
	return func(s *suite) { s.cap = n }
}

// NotifyWait bounds how long the suite waits for a Notifier's call after a
// write before it fails the test (default 10 seconds, generous on a loaded
// machine: a healthy store calls within milliseconds).
func NotifyWait(d time.Duration) Option {
	return func(s *suite) { s.notifyWait = d }
}

type suite struct {
	newStore   func(t *testing.T) ginpaseto.Store
	cap        int
	notifyWait time.Duration
}

// Run checks the stores that newStore returns against the Store contract,
// each part in a subtest of t.
func Run(t *testing.T, newStore func(t *testing.T) ginpaseto.Store, opts ...Option) {
	t.Helper()
	s := &suite{newStore: newStore, notifyWait: 10 * time.Second}
	for _, o := range opts {
		o(s)
	}
	for _, tc := range []struct {
		name string
		test func(t *testing.T, s *suite)
	}{
		{"Sessions", testSessions},
		{"Rotation", testRotation},
		{"GraceReplay", testGraceReplay},
		{"StaggeredReplay", testStaggeredReplay},
		{"Reuse", testReuse},
		{"ConcurrentRotation", testConcurrentRotation},
		{"Cutoff", testCutoff},
		{"CutoffRacesStart", testCutoffRace},
		{"Listing", testListing},
		{"Lifetimes", testLifetimes},
		{"Revocations", testRevocations},
		{"RevokeSession", testRevokeSession},
		{"RevokeSubject", testRevokeSubject},
		{"Cap", testCap},
		{"Notify", testNotify},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, s) })
	}
}

// fixture is one test's store and clock start.
type fixture struct {
	t     *testing.T
	store ginpaseto.Store
	ctx   context.Context
	now   time.Time
}

func (s *suite) start(t *testing.T) *fixture {
	store := s.newStore(t)
	require.NotNil(t, store, "newStore returned nil")
	return &fixture{t: t, store: store, ctx: t.Context(), now: time.Now()}
}

// newID returns a random ID, as the Authorizer's jti and sid are.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// subject returns a subject that no other test uses.
func subject() string { return "storetest-" + newID() }

// session returns a session of subject started at started, expiring an
// hour later, with no absolute end.
func (f *fixture) session(subject string, started time.Time) ginpaseto.Session {
	return ginpaseto.Session{
		ID:         newID(),
		Subject:    subject,
		RefreshJTI: newID(),
		Started:    started,
		Refreshed:  started,
		Expires:    started.Add(time.Hour),
	}
}

// create records a new session of subject started now and returns it.
func (f *fixture) create(subject string) ginpaseto.Session {
	f.t.Helper()
	s := f.session(subject, time.Now())
	require.NoError(f.t, f.store.CreateSession(f.ctx, s))
	return s
}

// rotate moves s forward from its usable refresh token, at refreshed.
func (f *fixture) rotate(s ginpaseto.Session, refreshed time.Time, grace time.Duration) (next, got ginpaseto.Session, err error) {
	next = s
	next.RefreshJTI = newID()
	next.Refreshed = refreshed
	next.Expires = refreshed.Add(time.Hour)
	got, err = f.store.RotateSession(f.ctx, s.RefreshJTI, next, grace)
	return next, got, err
}

// access returns the claims of an access token of session s issued at iat.
func access(s ginpaseto.Session, iat time.Time) *ginpaseto.Claims {
	return &ginpaseto.Claims{
		Subject:    s.Subject,
		Type:       ginpaseto.TypeAccess,
		JTI:        newID(),
		SessionID:  s.ID,
		IssuedAt:   iat.Truncate(time.Second),
		Expiration: iat.Truncate(time.Second).Add(15 * time.Minute),
	}
}

// lone returns the claims of a token of subject outside any session.
func lone(subject string, iat time.Time) *ginpaseto.Claims {
	return &ginpaseto.Claims{
		Subject:    subject,
		Type:       ginpaseto.TypeAccess,
		JTI:        newID(),
		IssuedAt:   iat.Truncate(time.Second),
		Expiration: iat.Truncate(time.Second).Add(15 * time.Minute),
	}
}

func (f *fixture) revoked(claims *ginpaseto.Claims) bool {
	f.t.Helper()
	revoked, err := f.store.IsRevoked(f.ctx, claims)
	require.NoError(f.t, err)
	return revoked
}

func (f *fixture) list(subject string) []ginpaseto.Session {
	f.t.Helper()
	got, err := f.store.Sessions(f.ctx, subject)
	require.NoError(f.t, err)
	return got
}

func ids(sessions []ginpaseto.Session) []string {
	out := make([]string, 0, len(sessions))
	for _, s := range sessions {
		out = append(out, s.ID)
	}
	return out
}

func testSessions(t *testing.T, s *suite) {
	f := s.start(t)
	sub := subject()
	one := f.create(sub)

	assert.False(t, f.revoked(access(one, time.Now())), "a token of a live session")
	refresh := access(one, time.Now())
	refresh.Type, refresh.JTI = ginpaseto.TypeRefresh, one.RefreshJTI
	assert.False(t, f.revoked(refresh), "the session's refresh token")

	unknown := f.session(sub, time.Now())
	assert.True(t, f.revoked(access(unknown, time.Now())), "a token of a session never recorded")
	assert.True(t, f.revoked(access(f.session(subject(), time.Now()), time.Now())), "a token of a session of a subject the store never saw")
	assert.False(t, f.revoked(lone(sub, time.Now())), "a token outside any session, nothing revoked")
	assert.False(t, f.revoked(lone(subject(), time.Now())), "a token of a subject the store never saw")

	// The same session ID under another subject is not that session.
	other := access(one, time.Now())
	other.Subject = subject()
	assert.True(t, f.revoked(other), "a token naming the session under another subject")
}

func testRotation(t *testing.T, s *suite) {
	f := s.start(t)
	sub := subject()
	sess := f.create(sub)
	at := sess.Started.Add(time.Minute)
	next, got, err := f.rotate(sess, at, 0)
	require.NoError(t, err)
	assert.Equal(t, sess.ID, got.ID)
	assert.Equal(t, sub, got.Subject)
	assert.Equal(t, next.RefreshJTI, got.RefreshJTI, "the new refresh token is the usable one")
	assert.True(t, got.Refreshed.Equal(at), "Refreshed is next.Refreshed: %v, want %v", got.Refreshed, at)
	assert.True(t, got.Started.Equal(sess.Started), "Started stays: %v, want %v", got.Started, sess.Started)
	assert.WithinDuration(t, next.Expires, got.Expires, time.Millisecond, "Expires is next.Expires")

	listed := f.list(sub)
	require.Len(t, listed, 1)
	assert.Equal(t, next.RefreshJTI, listed[0].RefreshJTI)
	assert.True(t, listed[0].Refreshed.Equal(at), "the listing shows the rotation")

	// The new token rotates again; rotations do not start sessions.
	_, _, err = f.rotate(got, at.Add(time.Minute), 0)
	require.NoError(t, err)
	assert.Len(t, f.list(sub), 1)
	assert.False(t, f.revoked(access(sess, time.Now())), "the session is live")
}

func testGraceReplay(t *testing.T, s *suite) {
	const grace = 30 * time.Second
	f := s.start(t)
	sub := subject()
	sess := f.create(sub)
	at := sess.Started.Add(time.Minute)
	first, _, err := f.rotate(sess, at, grace)
	require.NoError(t, err)

	// The consumed token again, within the grace: nothing changes, and the
	// answer carries the usable token, not the new one offered.
	replay, got, err := f.rotate(sess, at.Add(grace/2), grace)
	require.NoError(t, err, "a replay within the grace")
	assert.Equal(t, first.RefreshJTI, got.RefreshJTI, "the replay gets the usable refresh token")
	assert.NotEqual(t, replay.RefreshJTI, got.RefreshJTI)
	assert.True(t, got.Refreshed.Equal(at), "a replay does not move the session: Refreshed %v, want %v", got.Refreshed, at)
	listed := f.list(sub)
	require.Len(t, listed, 1)
	assert.Equal(t, first.RefreshJTI, listed[0].RefreshJTI, "the session did not move")

	// The usable token moves the session forward once.
	second, _, err := f.rotate(got, at.Add(grace/2), grace)
	require.NoError(t, err)
	assert.Equal(t, second.RefreshJTI, f.list(sub)[0].RefreshJTI)

	// The first token, once its own grace has passed: reuse, though the
	// token the second rotation consumed is still within its grace.
	_, _, err = f.rotate(sess, at.Add(grace), grace)
	require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused, "a token consumed a grace ago")
	assert.Empty(t, f.list(sub), "reuse ends the session")
}

// testStaggeredReplay: tabs that refresh one after the other. Each refresh
// token a rotation consumed is a replay within the grace of that rotation,
// not only the one the latest rotation consumed.
func testStaggeredReplay(t *testing.T, s *suite) {
	const grace = 30 * time.Second
	f := s.start(t)
	sub := subject()
	sess := f.create(sub)
	at := sess.Started.Add(time.Minute)
	first, _, err := f.rotate(sess, at, grace) // T0 consumed, T1 usable
	require.NoError(t, err)
	second, _, err := f.rotate(first, at.Add(time.Second), grace) // T1 consumed, T2 usable
	require.NoError(t, err)

	for _, used := range []ginpaseto.Session{sess, first} {
		replay, got, err := f.rotate(used, at.Add(2*time.Second), grace)
		require.NoError(t, err, "a token an earlier rotation consumed, within its grace, is a replay")
		assert.Equal(t, second.RefreshJTI, got.RefreshJTI, "the replay gets the usable refresh token")
		assert.NotEqual(t, replay.RefreshJTI, got.RefreshJTI)
		assert.True(t, got.Refreshed.Equal(at.Add(time.Second)), "a replay does not move the session: Refreshed %v", got.Refreshed)
		assert.False(t, f.revoked(access(sess, time.Now())), "the session is live")
		listed := f.list(sub)
		require.Len(t, listed, 1)
		assert.Equal(t, second.RefreshJTI, listed[0].RefreshJTI, "the session did not move")
	}

	// The grace of each token runs from the rotation that consumed it: T0's
	// has passed at at+grace, while T1's has not.
	_, _, err = f.rotate(sess, at.Add(grace), grace)
	require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused, "a token consumed a grace ago")
	assert.True(t, f.revoked(access(sess, time.Now())), "reuse ends the session")
	assert.Empty(t, f.list(sub))

	t.Run("the last 8 consumed tokens", func(t *testing.T) {
		f := s.start(t)
		sub := subject()
		tokens := []ginpaseto.Session{f.create(sub)}
		at := tokens[0].Started.Add(time.Minute)
		for i := range 9 {
			next, _, err := f.rotate(tokens[i], at.Add(time.Duration(i)*time.Second), grace)
			require.NoError(t, err)
			tokens = append(tokens, next)
		}
		usable := tokens[9].RefreshJTI
		later := at.Add(10 * time.Second)
		for i := 1; i <= 8; i++ {
			_, got, err := f.rotate(tokens[i], later, grace)
			require.NoError(t, err, "the token consumed by rotation %d of 9 is a replay", i+1)
			assert.Equal(t, usable, got.RefreshJTI)
		}
		_, _, err := f.rotate(tokens[0], later, grace)
		require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused, "the token consumed 9 rotations ago is forgotten: a reuse")
		assert.Empty(t, f.list(sub))
	})

	t.Run("strict", func(t *testing.T) {
		f := s.start(t)
		sub := subject()
		sess := f.create(sub)
		at := sess.Started.Add(time.Minute)
		first, _, err := f.rotate(sess, at, 0)
		require.NoError(t, err)
		_, _, err = f.rotate(first, at.Add(time.Second), 0)
		require.NoError(t, err)
		_, _, err = f.rotate(sess, at.Add(2*time.Second), 0)
		require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused, "a grace of zero: every consumed token is a reuse")
		assert.Empty(t, f.list(sub))
	})
}

func testReuse(t *testing.T, s *suite) {
	const grace = 30 * time.Second
	for _, tc := range []struct {
		name  string
		grace time.Duration
		after time.Duration // from the rotation to the second use (negative: before it)
	}{
		{"after the grace", grace, grace},
		{"long after the grace", grace, time.Hour},
		{"strict, at once", 0, 0},
		{"strict, a nanosecond later", 0, time.Nanosecond},
		// A concurrent rotation that read its clock before the winner did.
		{"strict, a second use whose clock read earlier", 0, -time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := s.start(t)
			sub := subject()
			sess := f.create(sub)
			keep := f.create(sub)
			at := sess.Started.Add(time.Minute)
			next, _, err := f.rotate(sess, at, tc.grace)
			require.NoError(t, err)
			_, _, err = f.rotate(sess, at.Add(tc.after), tc.grace)
			require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused)
			assert.False(t, errors.Is(err, ginpaseto.ErrTokenRevoked), "reuse is not reported as a plain revocation")

			assert.True(t, f.revoked(access(sess, time.Now())), "reuse ends the session")
			assert.Equal(t, []string{keep.ID}, ids(f.list(sub)), "only that session")
			_, _, err = f.rotate(next, at.Add(tc.after), tc.grace)
			require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "the newest refresh token of an ended session")
		})
	}

	t.Run("a token the session never had", func(t *testing.T) {
		f := s.start(t)
		sess := f.create(subject())
		forged := sess
		forged.RefreshJTI = newID()
		_, _, err := f.rotate(forged, sess.Started.Add(time.Second), 30*time.Second)
		require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused)
		assert.True(t, f.revoked(access(sess, time.Now())))
	})
	t.Run("a session that is not live", func(t *testing.T) {
		f := s.start(t)
		_, _, err := f.rotate(f.session(subject(), time.Now()), time.Now(), 30*time.Second)
		require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
	})
	t.Run("a revoked refresh token", func(t *testing.T) {
		f := s.start(t)
		sess := f.create(subject())
		refresh := access(sess, sess.Started)
		refresh.Type, refresh.JTI = ginpaseto.TypeRefresh, sess.RefreshJTI
		require.NoError(t, f.store.Revoke(f.ctx, refresh))
		_, _, err := f.rotate(sess, sess.Started.Add(time.Second), 30*time.Second)
		require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
	})
}

func testConcurrentRotation(t *testing.T, s *suite) {
	const n = 16
	for _, grace := range []time.Duration{0, 30 * time.Second} {
		t.Run(fmt.Sprintf("grace %v", grace), func(t *testing.T) {
			f := s.start(t)
			sub := subject()
			sess := f.create(sub)
			at := sess.Started.Add(time.Minute)
			var wg sync.WaitGroup
			results := make([]struct {
				next, got ginpaseto.Session
				err       error
			}, n)
			for i := range n {
				wg.Go(func() {
					r := &results[i]
					r.next, r.got, r.err = f.rotate(sess, at, grace)
				})
			}
			wg.Wait()
			moved, replays := 0, 0
			for _, r := range results {
				switch {
				case r.err == nil && r.got.RefreshJTI == r.next.RefreshJTI:
					moved++
				case r.err == nil:
					replays++
				case grace == 0:
					assert.True(t, errors.Is(r.err, ginpaseto.ErrRefreshTokenReused) || errors.Is(r.err, ginpaseto.ErrTokenRevoked), "%v", r.err)
				default:
					t.Errorf("rotation within the grace failed: %v", r.err)
				}
			}
			assert.Equal(t, 1, moved, "exactly one rotation moves the session")
			if grace == 0 {
				assert.Zero(t, replays)
				assert.Empty(t, f.list(sub), "strict: the second use ended the session")
				return
			}
			assert.Equal(t, n-1, replays)
			listed := f.list(sub)
			require.Len(t, listed, 1)
			for _, r := range results {
				assert.Equal(t, listed[0].RefreshJTI, r.got.RefreshJTI, "every answer carries the one usable token")
			}
		})
	}
}

func testCutoff(t *testing.T, s *suite) {
	f := s.start(t)
	sub := subject()
	cutoff := time.Now()
	require.NoError(t, f.store.RevokeSubject(f.ctx, sub, cutoff, cutoff.Add(time.Hour)))

	for _, tc := range []struct {
		name    string
		started time.Time
		refused bool
	}{
		{"before the cutoff", cutoff.Add(-time.Millisecond), true},
		{"at the cutoff", cutoff, true},
		{"a nanosecond after", cutoff.Add(time.Nanosecond), false},
		{"a second after", cutoff.Add(time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sess := f.session(sub, tc.started)
			err := f.store.CreateSession(f.ctx, sess)
			if tc.refused {
				require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
				assert.NotContains(t, ids(f.list(sub)), sess.ID, "a refused session is not recorded")
				assert.True(t, f.revoked(access(sess, tc.started)))
				return
			}
			require.NoError(t, err)
			assert.Contains(t, ids(f.list(sub)), sess.ID)
			// Same second as the cutoff (iat cannot tell), yet live.
			assert.False(t, f.revoked(access(sess, cutoff)), "a live session started after the cutoff")
		})
	}

	t.Run("tokens outside sessions", func(t *testing.T) {
		assert.True(t, f.revoked(lone(sub, cutoff.Add(-time.Hour))))
		assert.True(t, f.revoked(lone(sub, cutoff)), "iat in the cutoff's second")
		assert.False(t, f.revoked(lone(sub, cutoff.Truncate(time.Second).Add(time.Second))), "iat the second after")
		assert.False(t, f.revoked(lone(subject(), cutoff.Add(-time.Hour))), "another subject")
	})
}

func testCutoffRace(t *testing.T, s *suite) {
	// A login that races "log out everywhere" never survives it: whatever
	// the interleaving, a session that is live afterwards started after
	// the cutoff.
	const rounds = 20
	f := s.start(t)
	for range rounds {
		sub := subject()
		var wg sync.WaitGroup
		var cutoff time.Time
		sessions := make([]ginpaseto.Session, 4)
		for i := range sessions {
			wg.Go(func() {
				sessions[i] = f.session(sub, time.Now())
				_ = f.store.CreateSession(f.ctx, sessions[i]) // refused or not, checked below
			})
		}
		wg.Go(func() {
			cutoff = time.Now()
			assert.NoError(t, f.store.RevokeSubject(f.ctx, sub, cutoff, cutoff.Add(time.Hour)))
		})
		wg.Wait()
		for _, live := range f.list(sub) {
			assert.True(t, live.Started.After(cutoff), "session started %v is live after a cutoff at %v", live.Started, cutoff)
		}
		for _, sess := range sessions {
			// One that started after the cutoff may still have been
			// recorded before RevokeSubject ran, and ended by it.
			if !sess.Started.After(cutoff) {
				assert.True(t, f.revoked(access(sess, time.Now())), "a session started %v, at or before the cutoff %v", sess.Started, cutoff)
			}
		}
	}
}

func testListing(t *testing.T, s *suite) {
	f := s.start(t)
	sub := subject()
	assert.Empty(t, f.list(sub), "a subject the store never saw")

	base := time.Now()
	want := make([]ginpaseto.Session, 3)
	for i := range want {
		want[i] = f.session(sub, base.Add(time.Duration(i)*time.Millisecond))
		want[i].Ends = base.Add(24 * time.Hour)
		want[i].Metadata = map[string]string{"device": fmt.Sprintf("device %d", i), "agent": "Firefox on Linux"}
	}
	want[2].Metadata = nil
	for _, sess := range want {
		require.NoError(t, f.store.CreateSession(f.ctx, sess))
	}
	f.create(subject()) // another subject's session is not listed

	got := f.list(sub)
	require.Equal(t, ids(want), ids(got), "the live sessions, oldest first")
	for i := range got {
		w, g := want[i], got[i]
		assert.Equal(t, sub, g.Subject)
		assert.Equal(t, w.RefreshJTI, g.RefreshJTI)
		assert.True(t, g.Started.Equal(w.Started), "Started at full precision: %v, want %v", g.Started, w.Started)
		assert.True(t, g.Refreshed.Equal(w.Started), "Refreshed is Started before any rotation: %v, want %v", g.Refreshed, w.Started)
		assert.WithinDuration(t, w.Expires, g.Expires, time.Millisecond)
		assert.WithinDuration(t, w.Ends, g.Ends, time.Millisecond)
		if len(w.Metadata) == 0 {
			assert.Empty(t, g.Metadata)
		} else {
			assert.Equal(t, w.Metadata, g.Metadata)
		}
	}

	// What the caller holds is a copy.
	if got[0].Metadata != nil {
		got[0].Metadata["device"] = "changed"
		assert.Equal(t, "device 0", f.list(sub)[0].Metadata["device"])
	}
	want[0].Metadata["device"] = "changed after CreateSession"
	assert.Equal(t, "device 0", f.list(sub)[0].Metadata["device"])

	// A rotation keeps the metadata and the order.
	_, _, err := f.rotate(want[0], time.Now(), 0)
	require.NoError(t, err)
	got = f.list(sub)
	require.Equal(t, ids(want), ids(got), "a rotation does not change the order")
	assert.Equal(t, "device 0", got[0].Metadata["device"])

	// Ended sessions are not listed.
	require.NoError(t, f.store.RevokeSession(f.ctx, want[1].ID))
	assert.Equal(t, []string{want[0].ID, want[2].ID}, ids(f.list(sub)))
}

func testLifetimes(t *testing.T, s *suite) {
	t.Run("Expires never after Ends", func(t *testing.T) {
		f := s.start(t)
		sub := subject()
		sess := f.session(sub, time.Now())
		sess.Ends = sess.Started.Add(30 * time.Minute) // before Expires, an hour after Started
		require.NoError(t, f.store.CreateSession(f.ctx, sess))
		listed := f.list(sub)
		require.Len(t, listed, 1)
		assert.WithinDuration(t, sess.Ends, listed[0].Expires, time.Millisecond, "Expires is capped at Ends")
		assert.WithinDuration(t, sess.Ends, listed[0].Ends, time.Millisecond)

		next := sess
		next.RefreshJTI, next.Refreshed, next.Expires, next.Ends = newID(), sess.Started.Add(time.Minute), sess.Started.Add(2*time.Hour), time.Time{}
		got, err := f.store.RotateSession(f.ctx, sess.RefreshJTI, next, 0)
		require.NoError(t, err)
		assert.WithinDuration(t, sess.Ends, got.Expires, time.Millisecond, "a rotation cannot extend the session past Ends")
		assert.WithinDuration(t, sess.Ends, got.Ends, time.Millisecond, "Ends is the session's, not the rotation's")
	})
	t.Run("no Ends", func(t *testing.T) {
		f := s.start(t)
		sess := f.create(subject())
		listed := f.list(sess.Subject)
		require.Len(t, listed, 1)
		assert.True(t, listed[0].Ends.IsZero(), "Ends: %v", listed[0].Ends)
	})
	t.Run("a session ends at Ends however often it is refreshed", func(t *testing.T) {
		const life = 300 * time.Millisecond
		f := s.start(t)
		sub := subject()
		sess := f.session(sub, time.Now())
		sess.Ends = sess.Started.Add(life)
		require.NoError(t, f.store.CreateSession(f.ctx, sess))
		cur := sess
		for time.Now().Before(sess.Ends) {
			_, got, err := f.rotate(cur, time.Now(), 0)
			if err != nil {
				require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "only the end of the session stops rotations")
				break
			}
			cur = got
			time.Sleep(life / 10)
		}
		waitUntil(sess.Ends.Add(50 * time.Millisecond))
		assert.Empty(t, f.list(sub), "the session ended at Ends")
		_, _, err := f.rotate(cur, time.Now(), 30*time.Second)
		require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "no rotation after Ends")
	})
	t.Run("sessions that ended together", func(t *testing.T) {
		// However many sessions ended at once, and however a store drops
		// ended entries, none of them can be rotated or listed.
		const n = 12
		f := s.start(t)
		sub := subject()
		var ended []ginpaseto.Session
		for i := range n {
			sess := f.session(sub, time.Now())
			sess.Expires = sess.Started.Add(200*time.Millisecond + time.Duration(i)*time.Millisecond)
			require.NoError(t, f.store.CreateSession(f.ctx, sess))
			ended = append(ended, sess)
		}
		waitUntil(ended[n-1].Expires.Add(50 * time.Millisecond))
		assert.Empty(t, f.list(sub))
		for i := n - 1; i >= 0; i-- {
			_, _, err := f.rotate(ended[i], time.Now(), 30*time.Second)
			require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "session %d of %d, ended", i+1, n)
		}
	})
	t.Run("a session ends at Expires without a rotation", func(t *testing.T) {
		f := s.start(t)
		sub := subject()
		sess := f.session(sub, time.Now())
		sess.Expires = sess.Started.Add(200 * time.Millisecond)
		require.NoError(t, f.store.CreateSession(f.ctx, sess))
		waitUntil(sess.Expires.Add(50 * time.Millisecond))
		assert.Empty(t, f.list(sub))
		_, _, err := f.rotate(sess, time.Now(), 30*time.Second)
		require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
	})
}

// waitUntil sleeps until the wall clock passes t.
func waitUntil(t time.Time) { time.Sleep(time.Until(t)) }

func testRevocations(t *testing.T, s *suite) {
	f := s.start(t)
	sub := subject()
	sess := f.create(sub)
	tok := access(sess, time.Now())
	sibling := access(sess, time.Now())
	outside := lone(sub, time.Now())

	require.NoError(t, f.store.Revoke(f.ctx, tok))
	assert.True(t, f.revoked(tok))
	assert.False(t, f.revoked(sibling), "another token of the session")
	assert.Len(t, f.list(sub), 1, "revoking a token does not end its session")
	require.ErrorIs(t, f.store.Revoke(f.ctx, tok), ginpaseto.ErrTokenRevoked, "a token revoked already")

	require.NoError(t, f.store.Revoke(f.ctx, outside))
	assert.True(t, f.revoked(outside))
	assert.False(t, f.revoked(lone(sub, time.Now())), "another token outside a session")

	ended := f.create(sub)
	require.NoError(t, f.store.RevokeSession(f.ctx, ended.ID))
	require.ErrorIs(t, f.store.Revoke(f.ctx, access(ended, time.Now())), ginpaseto.ErrTokenRevoked, "a token of an ended session is refused already")

	t.Run("concurrent revocations of one token: exactly one succeeds", func(t *testing.T) {
		const n = 16
		tok := lone(sub, time.Now())
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { errs[i] = f.store.Revoke(f.ctx, tok) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				assert.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
			}
		}
		assert.Equal(t, 1, ok)
	})
	t.Run("a revocation ends with its token", func(t *testing.T) {
		tok := lone(sub, time.Now())
		tok.Expiration = time.Now().Add(200 * time.Millisecond)
		require.NoError(t, f.store.Revoke(f.ctx, tok))
		assert.True(t, f.revoked(tok))
		// The store may forget it after Expiration; the token is expired
		// by then, which checks refuse before they ask the store.
	})
}

func testRevokeSession(t *testing.T, s *suite) {
	f := s.start(t)
	sub := subject()
	one, two := f.create(sub), f.create(sub)
	require.NoError(t, f.store.RevokeSession(f.ctx, one.ID))
	assert.True(t, f.revoked(access(one, time.Now())), "a token of the ended session")
	assert.False(t, f.revoked(access(two, time.Now())), "a token of the other session")
	assert.Equal(t, []string{two.ID}, ids(f.list(sub)))
	_, _, err := f.rotate(one, time.Now(), 30*time.Second)
	require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "an ended session cannot be rotated")

	require.NoError(t, f.store.RevokeSession(f.ctx, one.ID), "ending an ended session")
	require.NoError(t, f.store.RevokeSession(f.ctx, newID()), "ending a session never recorded")
	assert.Equal(t, []string{two.ID}, ids(f.list(sub)))
}

func testRevokeSubject(t *testing.T, s *suite) {
	f := s.start(t)
	sub, other := subject(), subject()
	one, two := f.create(sub), f.create(sub)
	keep := f.create(other)
	before := lone(sub, time.Now())
	time.Sleep(time.Millisecond)
	cutoff := time.Now()
	require.NoError(t, f.store.RevokeSubject(f.ctx, sub, cutoff, cutoff.Add(time.Hour)))

	assert.Empty(t, f.list(sub), "every session ends")
	assert.True(t, f.revoked(access(one, time.Now())))
	assert.True(t, f.revoked(access(two, time.Now())))
	assert.True(t, f.revoked(before), "a token outside a session issued before")
	assert.False(t, f.revoked(access(keep, time.Now())), "another subject's session")
	assert.Equal(t, []string{keep.ID}, ids(f.list(other)))
	_, _, err := f.rotate(one, time.Now(), 30*time.Second)
	require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)

	// A later, earlier cutoff does not move it back.
	require.NoError(t, f.store.RevokeSubject(f.ctx, sub, cutoff.Add(-time.Hour), cutoff.Add(time.Minute)))
	require.ErrorIs(t, f.store.CreateSession(f.ctx, f.session(sub, cutoff)), ginpaseto.ErrTokenRevoked)

	after := f.session(sub, time.Now().Add(time.Millisecond))
	require.NoError(t, f.store.CreateSession(f.ctx, after), "a login after the cutoff")
	assert.False(t, f.revoked(access(after, cutoff)))
}

func testCap(t *testing.T, s *suite) {
	if s.cap == 0 {
		t.Skip("the store's per-subject cap is not known: pass storetest.SessionsPerSubject")
	}
	f := s.start(t)
	sub := subject()
	base := time.Now()
	var all []ginpaseto.Session
	for i := range s.cap + 2 {
		sess := f.session(sub, base.Add(time.Duration(i)*time.Microsecond))
		require.NoError(t, f.store.CreateSession(f.ctx, sess))
		all = append(all, sess)
	}
	got := f.list(sub)
	assert.Equal(t, ids(all[2:]), ids(got), "the oldest sessions ended to make room")
	assert.True(t, f.revoked(access(all[0], time.Now())))
	assert.True(t, f.revoked(access(all[1], time.Now())))
	assert.False(t, f.revoked(access(all[2], time.Now())))
}

func testNotify(t *testing.T, s *suite) {
	store := s.newStore(t)
	if _, ok := store.(ginpaseto.Notifier); !ok {
		t.Skip("the store is not a ginpaseto.Notifier")
	}
	writes := []struct {
		name  string
		write func(f *fixture, sub string, sess ginpaseto.Session) error
	}{
		{"RevokeSession", func(f *fixture, _ string, sess ginpaseto.Session) error {
			return f.store.RevokeSession(f.ctx, sess.ID)
		}},
		{"RevokeSubject", func(f *fixture, sub string, _ ginpaseto.Session) error {
			return f.store.RevokeSubject(f.ctx, sub, time.Now(), time.Now().Add(time.Hour))
		}},
		{"Revoke", func(f *fixture, _ string, sess ginpaseto.Session) error {
			return f.store.Revoke(f.ctx, access(sess, time.Now()))
		}},
		{"reuse", func(f *fixture, _ string, sess ginpaseto.Session) error {
			forged := sess
			forged.RefreshJTI = newID()
			_, _, err := f.rotate(forged, time.Now(), 0)
			if errors.Is(err, ginpaseto.ErrRefreshTokenReused) {
				return nil
			}
			return fmt.Errorf("want reuse, got %v", err)
		}},
		{"a newer session pushes the oldest out", nil},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			if w.write == nil {
				if s.cap == 0 {
					t.Skip("the store's per-subject cap is not known: pass storetest.SessionsPerSubject")
				}
				w.write = func(f *fixture, sub string, _ ginpaseto.Session) error {
					for range s.cap {
						if err := f.store.CreateSession(f.ctx, f.session(sub, time.Now())); err != nil {
							return err
						}
					}
					return nil
				}
			}
			f := s.start(t)
			n := f.store.(ginpaseto.Notifier)
			sub := subject()
			sess := f.create(sub)
			called := make(chan struct{}, 1)
			otherCalled := make(chan struct{}, 1)
			stop := n.Notify(sub, func() {
				select {
				case called <- struct{}{}:
				default:
				}
			})
			defer stop()
			stopOther := n.Notify(sub, func() {
				select {
				case otherCalled <- struct{}{}:
				default:
				}
			})
			defer stopOther()
			// A store may call at registration (it cannot know what it
			// missed before); only calls after the write count.
			drain(called, otherCalled)
			require.NoError(t, w.write(f, sub, sess))
			for _, ch := range []chan struct{}{called, otherCalled} {
				select {
				case <-ch:
				case <-time.After(s.notifyWait):
					t.Fatalf("no call within %v of the write", s.notifyWait)
				}
			}
		})
	}
	t.Run("stop", func(t *testing.T) {
		f := s.start(t)
		n := f.store.(ginpaseto.Notifier)
		sub := subject()
		sess := f.create(sub)
		stop := n.Notify(sub, func() {})
		stop()
		stop() // stopping twice is harmless
		still := make(chan struct{}, 1)
		defer n.Notify(sub, func() {
			select {
			case still <- struct{}{}:
			default:
			}
		})()
		drain(still)
		require.NoError(t, f.store.RevokeSession(f.ctx, sess.ID))
		select {
		case <-still:
		case <-time.After(s.notifyWait):
			t.Fatalf("stopping one registration stopped another")
		}
	})
}

func drain(chs ...chan struct{}) {
	for _, ch := range chs {
		select {
		case <-ch:
		default:
		}
	}
}
