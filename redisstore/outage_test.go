package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// outageTimeout is the Timeout of the stores in the outage tests.
const outageTimeout = 200 * time.Millisecond

// noHang is how much longer than its timeout a failing call may take
// before the test calls it a hang: the race detector and a busy machine
// slow everything down, and a hang is a matter of seconds.
const noHang = 2 * time.Second

// everyCall makes each kind of store call once, in an order in which they
// all succeed when Redis answers, and returns their errors and how long
// the slowest took.
func everyCall(s *redisstore.Store) (errs map[string]error, slowest time.Duration) {
	ctx := context.Background()
	se := session("alice")
	next := se
	next.RefreshJTI = newID()
	calls := []struct {
		name string
		call func() error
	}{
		{"IsRevoked", func() error {
			_, err := s.IsRevoked(ctx, token("alice", ""))
			return err
		}},
		{"Revoke", func() error { return s.Revoke(ctx, token("alice", "")) }},
		{"CreateSession", func() error { return s.CreateSession(ctx, se) }},
		{"RotateSession", func() error { return rotate(ctx, s, se.RefreshJTI, next) }},
		{"RevokeSession", func() error { return s.RevokeSession(ctx, se.ID) }},
		{"RevokeSubject", func() error { return s.RevokeSubject(ctx, "bob", time.Now(), time.Now().Add(time.Minute)) }},
		{"Sessions", func() error {
			_, err := s.Sessions(ctx, "alice")
			return err
		}},
	}
	errs = map[string]error{}
	for _, c := range calls {
		start := time.Now()
		errs[c.name] = c.call()
		slowest = max(slowest, time.Since(start))
	}
	return errs, slowest
}

// untilAnswered polls a check until Redis answers again, as requests do
// after an outage, and returns how long that took.
func untilAnswered(t *testing.T, s *redisstore.Store, c *ginpaseto.Claims) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if _, err := s.IsRevoked(context.Background(), c); err == nil {
			return time.Since(start)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("the store did not recover")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOutage stops Redis under a store, a standalone server and a whole
// cluster: every call fails within the timeout; once Redis is back, with
// its data, the same store and client work again and every revocation made
// before still holds.
func TestOutage(t *testing.T) {
	t.Run("standalone", func(t *testing.T) {
		srv := redistest.Start(t)
		testOutage(t, backend{name: "standalone", addrs: []string{srv.Addr}}, srv.Stop, srv.Start)
	})
	t.Run("cluster", func(t *testing.T) {
		cluster := redistest.StartCluster(t, 3)
		testOutage(t, backend{name: "cluster", addrs: cluster.Addrs()}, cluster.Stop, cluster.Start)
	})
}

func testOutage(t *testing.T, b backend, stop, start func()) {
	ctx := context.Background()
	s, _ := store(t, b.client(t), redisstore.Timeout(outageTimeout))

	revokedToken := token("alice", "")
	require.NoError(t, s.Revoke(ctx, revokedToken))
	ended := session("alice")
	require.NoError(t, s.CreateSession(ctx, ended))
	require.NoError(t, s.RevokeSession(ctx, ended.ID))
	require.NoError(t, s.RevokeSubject(ctx, "carol", time.Now(), time.Now().Add(time.Hour)))
	carols := token("carol", "")
	live := session("alice")
	require.NoError(t, s.CreateSession(ctx, live))
	valid := token("alice", live.ID)
	for range 3 {
		require.False(t, revoked(t, s, valid)) // in the client-side cache now
	}
	calls, _ := watch(t, s, "alice")
	settle(t, calls)

	stop()
	notified(t, calls, "the subscription was lost")
	errs, slowest := everyCall(s)
	for name, err := range errs {
		assert.Error(t, err, "%s with Redis down", name)
	}
	_, err := s.IsRevoked(ctx, valid)
	assert.Error(t, err, "a status cached before the outage is not served")
	t.Logf("with Redis down, the slowest call failed after %v (timeout %v)", slowest, outageTimeout)
	assert.Less(t, slowest, outageTimeout+noHang, "calls fail within the timeout")

	start()
	t.Logf("answered again %v after the restart", untilAnswered(t, s, valid))
	// While it is lost, the subscription calls every watcher at each
	// attempt, a second apart at most; made again, it falls quiet.
	for waited := time.Now(); ; {
		select {
		case <-calls:
			require.Less(t, time.Since(waited), 10*time.Second, "the subscription was not made again")
			continue
		case <-time.After(1500 * time.Millisecond):
		}
		break
	}
	require.NoError(t, s.Revoke(ctx, token("alice", "")))
	notified(t, calls, "a revocation after the subscription was made again")
	assert.True(t, revoked(t, s, revokedToken), "a token revoked before the outage")
	assert.True(t, revoked(t, s, token("alice", ended.ID)), "a session ended before the outage")
	assert.True(t, revoked(t, s, carols), "a subject revoked before the outage")
	assert.False(t, revoked(t, s, valid), "a live session")
	errs, _ = everyCall(s)
	for name, err := range errs {
		assert.NoError(t, err, "%s after the restart", name)
	}
}

// TestHungRedis pauses Redis without closing its connections, as a hung
// server or a cut network does: once the cache can no longer be trusted,
// checks fail within the timeout instead of answering from it, and they
// recover when Redis does.
func TestHungRedis(t *testing.T) {
	srv := redistest.Start(t)
	b := backend{name: "standalone", addrs: []string{srv.Addr}}
	s, _ := store(t, b.client(t), redisstore.Timeout(outageTimeout))
	c := token("alice", "")
	for range 3 {
		require.False(t, revoked(t, s, c))
	}

	srv.Pause()
	resumed := false
	t.Cleanup(func() {
		if !resumed {
			srv.Resume()
		}
	})
	time.Sleep(1100 * time.Millisecond) // longer than Redis may stay silent for a cached answer
	start := time.Now()
	_, err := s.IsRevoked(context.Background(), c)
	elapsed := time.Since(start)
	assert.Error(t, err, "a cached status is not served while Redis does not answer")
	t.Logf("with Redis hung, a check failed after %v (timeout %v)", elapsed, outageTimeout)
	assert.Less(t, elapsed, outageTimeout+noHang)
	errs, slowest := everyCall(s)
	for name, err := range errs {
		assert.Error(t, err, "%s with Redis hung", name)
	}
	assert.Less(t, slowest, outageTimeout+noHang)

	srv.Resume()
	resumed = true
	t.Logf("answered again %v after resuming", untilAnswered(t, s, c))
	assert.False(t, revoked(t, s, c))
}

// TestNoStaleCacheAfterReconnect: a process whose connection dropped must
// not answer from what it cached before, since it missed the
// invalidations of the writes made meanwhile.
func TestNoStaleCacheAfterReconnect(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	b := backend{name: "standalone", addrs: []string{srv.Addr}}
	a, prefix := store(t, b.client(t), redisstore.Timeout(outageTimeout))
	c := token("alice", "")
	se := session("alice")
	require.NoError(t, a.CreateSession(ctx, se))
	inSession := token("alice", se.ID)
	for range 3 {
		require.False(t, revoked(t, a, c))
		require.False(t, revoked(t, a, inSession))
	}

	srv.Stop()
	srv.Start()
	// Another process, connected after the restart, revokes while the
	// first has not yet reconnected.
	other := samePrefix(t, b.client(t), prefix)
	require.NoError(t, other.Revoke(ctx, c))
	require.NoError(t, other.RevokeSession(ctx, se.ID))

	untilAnswered(t, a, token("bob", ""))
	assert.True(t, revoked(t, a, c), "a revocation made while disconnected")
	assert.True(t, revoked(t, a, inSession), "a session ended while disconnected")
}

// TestHungRedisNotify pauses Redis under a Store with a watcher: the
// subscription's connection falls silent, rueidis notices within the
// client's ConnWriteTimeout, and the watcher is called, so that its check
// fails closed; once Redis resumes, the subscription is made again and
// revocations reach the watcher.
func TestHungRedisNotify(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr}, ConnWriteTimeout: 500 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(client.Close)
	s, _ := store(t, client, redisstore.Timeout(outageTimeout))
	calls, _ := watch(t, s, "alice")
	settle(t, calls)

	srv.Pause()
	resumed := false
	t.Cleanup(func() {
		if !resumed {
			srv.Resume()
		}
	})
	paused := time.Now()
	select {
	case <-calls:
		t.Logf("with Redis hung, the watcher was called after %v (ConnWriteTimeout 500ms)", time.Since(paused))
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher was not called while Redis was hung")
	}
	_, err = s.IsRevoked(ctx, token("alice", ""))
	assert.Error(t, err, "its check fails closed")

	srv.Resume()
	resumed = true
	untilAnswered(t, s, token("alice", ""))
	for waited := time.Now(); ; {
		select {
		case <-calls:
			require.Less(t, time.Since(waited), 10*time.Second, "the subscription was not made again")
			continue
		case <-time.After(1500 * time.Millisecond):
		}
		break
	}
	require.NoError(t, s.Revoke(ctx, token("alice", "")))
	notified(t, calls, "a revocation after Redis resumed")
}
