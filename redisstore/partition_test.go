package redisstore_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// trustBound is the longest a cached answer may be served after the node
// holding its key last answered (a second, as docs/redis.md promises),
// with room for a loaded machine; rueidis's own detection of a silent
// connection takes ConnWriteTimeout, 10 s by default.
const trustBound = 2 * time.Second

// hashTag returns the hash tag the store gives subject's keys, a key of
// its own that Redis Cluster places on the same slot.
func hashTag(subject string) string {
	sum := sha256.Sum256([]byte(subject))
	return fmt.Sprintf("{%x}", sum[:8])
}

// subjectsOn returns n subjects whose keys the cluster keeps on node,
// named after prefix.
func subjectsOn(t *testing.T, c *redistest.Cluster, node *redistest.Server, prefix string, n int) []string {
	t.Helper()
	var subjects []string
	for i := 0; len(subjects) < n; i++ {
		s := fmt.Sprintf("%s%d", prefix, i)
		if c.NodeOf(t, hashTag(s)) == node {
			subjects = append(subjects, s)
		}
	}
	return subjects
}

// TestClusterPartition cuts one process off one node of a 3-master
// cluster: every byte between them held, the sockets open, while other
// users' traffic keeps the other two nodes answering it. A session of a
// user on the cut-off node is logged out through another process that
// still reaches it: the first process must stop accepting the session's
// cached answer within a second of the node's last answer, whatever
// rueidis's ConnWriteTimeout (left at its default, 10 s, here).
func TestClusterPartition(t *testing.T) {
	ctx := context.Background()
	cluster := redistest.StartCluster(t, 3)
	proxies := map[string]*redistest.Proxy{}
	for _, n := range cluster.Nodes {
		proxies[n.Addr] = redistest.NewProxy(t, n.Addr)
	}
	behind, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress: cluster.Addrs(),
		DialCtxFn: func(ctx context.Context, dst string, d *net.Dialer, _ *tls.Config) (net.Conn, error) {
			p, ok := proxies[dst]
			if !ok {
				return nil, fmt.Errorf("no proxy to %s", dst)
			}
			return d.DialContext(ctx, "tcp", p.Addr)
		},
	})
	require.NoError(t, err)
	t.Cleanup(behind.Close)
	cut, prefix := store(t, behind)
	direct := samePrefix(t, backend{addrs: cluster.Addrs()}.client(t), prefix)

	for start := time.Now(); redisstore.NodesKnown(cut) < len(cluster.Nodes) && time.Since(start) < 5*time.Second; {
		_, err := cut.IsRevoked(ctx, token("warm-up", "")) // the store reads the slot map
		require.NoError(t, err)
		time.Sleep(10 * time.Millisecond)
	}

	frozen := cluster.Nodes[0]
	const rounds = 5
	victims := subjectsOn(t, cluster, frozen, "victim", rounds)
	others := append(subjectsOn(t, cluster, cluster.Nodes[1], "other", 4), subjectsOn(t, cluster, cluster.Nodes[2], "other", 4)...)

	// Other users' traffic through the cut-off process: checks of tokens
	// never seen before, which the other nodes answer.
	var answered, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			if _, err := cut.IsRevoked(ctx, token(others[i%len(others)], "")); err != nil {
				failed.Add(1)
			} else {
				answered.Add(1)
			}
		}
	})
	defer func() { close(stop); wg.Wait() }()

	var windows []time.Duration
	for _, victim := range victims {
		se := session(victim)
		require.NoError(t, direct.CreateSession(ctx, se))
		tok := token(victim, se.ID)
		for range 3 {
			require.False(t, revoked(t, cut, tok)) // cached now
		}
		require.False(t, revoked(t, cut, token(victim, se.ID))) // the node answers just before the cut

		proxies[frozen.Addr].Freeze()
		answeredBefore, failedBefore := answered.Load(), failed.Load()
		require.NoError(t, direct.RevokeSession(ctx, se.ID))
		loggedOut := time.Now()
		var lastAccepted time.Time
		for time.Since(loggedOut) < 15*time.Second {
			r, err := cut.IsRevoked(ctx, tok)
			if err != nil || r {
				break
			}
			lastAccepted = time.Now()
			time.Sleep(time.Millisecond)
		}
		window := time.Duration(0)
		if !lastAccepted.IsZero() {
			window = lastAccepted.Sub(loggedOut)
		}
		windows = append(windows, window)
		t.Logf("logged-out session accepted for %v after the logout; meanwhile the other nodes answered %d checks, %d failed",
			window, answered.Load()-answeredBefore, failed.Load()-failedBefore)
		assert.Greater(t, answered.Load()-answeredBefore, int64(0), "the other nodes kept answering")

		proxies[frozen.Addr].Thaw()
		untilAnswered(t, cut, tok)
		assert.True(t, revoked(t, cut, tok), "the logout, once the node answers again")
	}
	slices.Sort(windows)
	t.Logf("accepted after the logout, %d rounds: min %v, median %v, max %v", len(windows), windows[0], windows[len(windows)/2], windows[len(windows)-1])
	assert.Less(t, windows[len(windows)-1], trustBound, "a cached answer outlived the silence of its node")
}
