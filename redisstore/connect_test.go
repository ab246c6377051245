package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// TestStartBeforeRedis starts a service before its Redis, standalone and
// a cluster: Connect returns a Store at once, requests that need it answer
// 503, and once Redis is up the same Store serves them, without a
// restart.
func TestStartBeforeRedis(t *testing.T) {
	t.Run("standalone", func(t *testing.T) {
		srv := redistest.Unstarted(t)
		_, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr}})
		require.ErrorContains(t, err, "connection refused", "why Connect: a client cannot be made before Redis is up")
		testStartBeforeRedis(t, []string{srv.Addr}, srv.Start)
	})
	t.Run("cluster", func(t *testing.T) {
		cluster := redistest.StartCluster(t, 3)
		cluster.Stop()
		testStartBeforeRedis(t, cluster.Addrs(), cluster.Start)
	})
}

func testStartBeforeRedis(t *testing.T, addrs []string, start func()) {
	ctx := context.Background()
	begun := time.Now()
	s, err := redisstore.Connect(rueidis.ClientOption{InitAddress: addrs, ConnWriteTimeout: time.Second}, redisstore.Timeout(outageTimeout))
	require.NoError(t, err, "Redis is not up yet")
	t.Cleanup(s.Close)
	t.Logf("Connect returned after %v", time.Since(begun))
	svc := newService(t, s)

	access, err := svc.auth.CreateAccessToken(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, svc.status(t, http.MethodGet, "/user", access))
	_, err = svc.auth.CreateTokenPair(ctx, "alice")
	assert.ErrorIs(t, err, redisstore.ErrNotConnected, "a login")
	_, err = s.IsRevoked(ctx, token("alice", ""))
	assert.ErrorIs(t, err, redisstore.ErrNotConnected)
	assert.ErrorContains(t, err, "redisstore: reading the revocation status: not connected to Redis yet: ", "the cause on one line")

	start()
	started := time.Now()
	for svc.status(t, http.MethodGet, "/user", access) != http.StatusOK {
		require.Less(t, time.Since(started), 20*time.Second, "the service did not connect")
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("answered 200 %v after Redis started", time.Since(started))
	pair, err := svc.auth.CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, svc.status(t, http.MethodGet, "/user", pair.AccessToken))
	assert.Equal(t, http.StatusNoContent, svc.status(t, http.MethodPost, "/logout", pair.AccessToken))
	assert.Equal(t, http.StatusUnauthorized, svc.status(t, http.MethodGet, "/user", pair.AccessToken))
}

func TestConnectRefusesNonsense(t *testing.T) {
	_, err := redisstore.Connect(rueidis.ClientOption{})
	assert.ErrorContains(t, err, "no address; set rueidis.ClientOption.InitAddress")
	_, err = redisstore.Connect(rueidis.ClientOption{InitAddress: []string{"127.0.0.1:1"}}, redisstore.Timeout(0))
	assert.ErrorContains(t, err, "redisstore: Timeout 0s")
	_, err = redisstore.Connect(rueidis.ClientOption{InitAddress: []string{"127.0.0.1:1"}, PipelineMultiplex: 99})
	assert.ErrorIs(t, err, rueidis.ErrWrongPipelineMultiplex, "an option rueidis refuses")
}

// TestConnectClose: Close stops the attempts of a Store that never
// connected, and its calls fail from then on.
func TestConnectClose(t *testing.T) {
	srv := redistest.Unstarted(t)
	s, err := redisstore.Connect(rueidis.ClientOption{InitAddress: []string{srv.Addr}})
	require.NoError(t, err)
	s.Close()
	_, err = s.IsRevoked(context.Background(), token("alice", ""))
	assert.True(t, errors.Is(err, rueidis.ErrClosing), "%v", err)
}
