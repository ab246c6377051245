package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// Logouts of a failover test: acknowledged ones first, with replication
// running, then held back ones, with replication frozen.
const (
	replicatedLogouts = 110
	heldBackLogouts   = 20
	logoutWorkers     = 10
)

// failoverWait is WaitReplicas's timeout and the stores' Timeout in the
// failover tests: far above the replication lag and a round trip on
// loopback, even on a loaded machine with the race detector, so that only
// the replication held back makes a logout fail.
const failoverWait = 2 * time.Second

// service is an application with a store, served over real HTTP: GET
// /user behind Required, POST /logout with the LogoutHandler.
type service struct {
	auth *ginpaseto.Authorizer
	url  string
	http *http.Client
}

func newService(t *testing.T, store *redisstore.Store) *service {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(hex.EncodeToString(key)), ginpaseto.WithStore(store))
	require.NoError(t, err)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) { c.Status(http.StatusOK) })
	r.POST("/logout", auth.Required(), auth.LogoutHandler())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &service{auth: auth, url: srv.URL, http: &http.Client{Timeout: 10 * time.Second}}
}

// status sends a request with token and returns the answer's status.
func (s *service) status(t *testing.T, method, path, token string) int {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.http.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// logoutAll logs every pair out, concurrently, and returns the pairs
// whose logout was reported done (204) and those that answered 503.
func (s *service) logoutAll(t *testing.T, pairs []*ginpaseto.TokenPair) (done, failed []*ginpaseto.TokenPair) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan *ginpaseto.TokenPair)
	for range logoutWorkers {
		wg.Go(func() {
			for p := range work {
				code := s.status(t, http.MethodPost, "/logout", p.AccessToken)
				mu.Lock()
				switch code {
				case http.StatusNoContent:
					done = append(done, p)
				case http.StatusServiceUnavailable:
					failed = append(failed, p)
				default:
					t.Errorf("logout answered %d", code)
				}
				mu.Unlock()
			}
		})
	}
	for _, p := range pairs {
		work <- p
	}
	close(work)
	wg.Wait()
	return done, failed
}

// deployment is a Redis with replicas that a failover test drives.
type deployment struct {
	// hold freezes the replication of the master that holds the
	// sessions' keys.
	hold func()
	// crash kills that master and drops what replication held back.
	crash func()
	// failover waits until a replica has taken over.
	failover func()
}

// failoverOutcome is what a failover test measured.
type failoverOutcome struct {
	reported, failed, lost int
	unavailable            time.Duration // from the crash to the first 200
}

// testFailover logs sessions out, the first ones with replication running,
// the last ones with replication held back, then crashes the master and
// lets a replica take over. It counts the logouts reported done whose
// session is live again afterwards: lost.
func testFailover(t *testing.T, svc *service, d deployment, subjects []string) failoverOutcome {
	t.Helper()
	ctx := context.Background()
	var pairs []*ginpaseto.TokenPair
	for i := range replicatedLogouts + heldBackLogouts + 1 {
		p, err := svc.auth.CreateTokenPair(ctx, subjects[i%len(subjects)])
		require.NoError(t, err)
		pairs = append(pairs, p)
	}
	control := pairs[len(pairs)-1] // never logged out
	for _, p := range pairs {
		require.Equal(t, http.StatusOK, svc.status(t, http.MethodGet, "/user", p.AccessToken))
	}

	var out failoverOutcome
	done, failed := svc.logoutAll(t, pairs[:replicatedLogouts])
	require.Empty(t, failed, "logouts with replication running")
	time.Sleep(100 * time.Millisecond) // replicated, with or without WAIT

	d.hold()
	heldDone, heldFailed := svc.logoutAll(t, pairs[replicatedLogouts:len(pairs)-1])
	done = append(done, heldDone...)
	out.reported, out.failed = len(done), len(heldFailed)

	d.crash()
	crashed := time.Now()
	var statuses []int
	for {
		code := svc.status(t, http.MethodGet, "/user", control.AccessToken)
		if len(statuses) == 0 || statuses[len(statuses)-1] != code {
			statuses = append(statuses, code)
		}
		if code == http.StatusOK {
			break
		}
		require.Less(t, time.Since(crashed), 30*time.Second, "the service did not recover")
		time.Sleep(5 * time.Millisecond)
	}
	out.unavailable = time.Since(crashed)
	d.failover()
	for _, code := range statuses[:len(statuses)-1] {
		assert.Equal(t, http.StatusServiceUnavailable, code, "a live session during the failover")
	}

	for _, p := range done {
		if svc.status(t, http.MethodGet, "/user", p.AccessToken) == http.StatusOK {
			out.lost++
		}
	}
	t.Logf("%d logouts reported done, %d answered 503; after the failover %d reported ones were lost; the service answered 503 for %v after the crash (statuses %v)",
		out.reported, out.failed, out.lost, out.unavailable, statuses)
	return out
}

// checkFailover states what WaitReplicas promises, and what happens
// without it.
func checkFailover(t *testing.T, waited bool, out failoverOutcome) {
	t.Helper()
	if !waited {
		assert.Greater(t, out.lost, 0, "without WaitReplicas a failover loses logouts held back from the replica")
		return
	}
	assert.Zero(t, out.lost, "with WaitReplicas no reported logout is lost")
	assert.GreaterOrEqual(t, out.reported, 100)
	assert.Equal(t, heldBackLogouts, out.failed, "the logouts no replica acknowledged answered 503")
}

// TestSentinelFailover: a master, a replica replicating through a proxy,
// three sentinels, and the service on the rueidis Sentinel client. The
// replica is the one the sentinels can promote, and the one WaitReplicas
// waits for.
func TestSentinelFailover(t *testing.T) {
	for _, waited := range []bool{false, true} {
		t.Run(fmt.Sprintf("WaitReplicas %v", waited), func(t *testing.T) {
			sentinels := redistest.StartSentinel(t, 1)
			client, err := rueidis.NewClient(rueidis.ClientOption{
				InitAddress:      sentinels.Addrs(),
				Sentinel:         rueidis.SentinelOption{MasterSet: redistest.MasterSet},
				ConnWriteTimeout: time.Second,
			})
			require.NoError(t, err)
			t.Cleanup(client.Close)
			opts := []redisstore.Option{redisstore.Timeout(failoverWait)}
			if waited {
				opts = append(opts, redisstore.WaitReplicas(1, failoverWait))
			}
			s, _ := store(t, client, opts...)
			out := testFailover(t, newService(t, s), deployment{
				hold: sentinels.MasterLink.FreezeReplication,
				crash: func() {
					sentinels.Master.Kill()
					sentinels.MasterLink.Cut()
				},
				failover: func() { sentinels.WaitFailover(t) },
			}, []string{"alice", "bob", "carol"})
			checkFailover(t, waited, out)
		})
	}
}

// TestClusterFailover: a 3-master cluster with a replica each, replication
// through proxies; the sessions are on one master, which crashes.
func TestClusterFailover(t *testing.T) {
	for _, waited := range []bool{false, true} {
		t.Run(fmt.Sprintf("WaitReplicas %v", waited), func(t *testing.T) {
			cluster := redistest.StartClusterWith(t, redistest.ClusterConfig{
				Masters: 3, ReplicasPerMaster: 1, NodeTimeout: time.Second, ReplicationProxies: true,
			})
			client, err := rueidis.NewClient(rueidis.ClientOption{
				InitAddress:      cluster.Addrs(),
				DialCtxFn:        cluster.Dial,
				ConnWriteTimeout: time.Second,
			})
			require.NoError(t, err)
			t.Cleanup(client.Close)
			opts := []redisstore.Option{redisstore.Timeout(failoverWait)}
			if waited {
				opts = append(opts, redisstore.WaitReplicas(1, failoverWait))
			}
			s, _ := store(t, client, opts...)
			master := cluster.Masters()[0]
			replica := cluster.ReplicaOf(t, master)
			subjects := subjectsOn(t, cluster, master, "user", 3)
			out := testFailover(t, newService(t, s), deployment{
				hold: master.Link.Freeze,
				crash: func() {
					master.Kill()
					master.Link.Cut()
				},
				failover: func() {
					deadline := time.Now().Add(30 * time.Second)
					for replica.Role() != "master" || !strings.Contains(must(replica.Do("CLUSTER", "INFO")), "cluster_state:ok") {
						require.True(t, time.Now().Before(deadline), "no failover to %s", replica.Addr)
						time.Sleep(20 * time.Millisecond)
					}
				},
			}, subjects)
			checkFailover(t, waited, out)
		})
	}
}

func must(s string, _ error) string { return s }
