package main

import (
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// hangGuard bounds every wait on the programs: a healthy one answers in
// milliseconds, and a hang is what the outage test looks for.
const hangGuard = 30 * time.Second

// noHang is how much longer than the store's timeout a request may take
// while Redis is down before the test calls it a hang: the race detector
// and a busy machine slow everything down, and a hang is a matter of
// seconds.
const noHang = 2 * time.Second

const unavailable = `{"detail":"Token revocation status unavailable"}`

// TestInstances runs the example program twice on one Redis, as two
// replicas of a service, and checks that what one does the other sees.
func TestInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: this test runs the program twice")
	}
	redis := redistest.Start(t)
	// Strict rotation: a refresh token used again through the other
	// instance is a reuse at once, not a replay within the grace.
	env := []string{"REDIS_URL=redis://" + redis.Addr + "/0", "PASETO_SECRET_KEY=" + exampletest.SecretKey, "PASETO_REFRESH_GRACE=0s"}
	a, b := start(t, env...), start(t, env...)

	t.Run("logout through one, refused by the other", func(t *testing.T) {
		var delays []time.Duration
		for range 20 {
			p := login(t, a.srv)
			for range 2 { // the second answer comes from b's client-side cache
				assert.Equal(t, http.StatusOK, b.get(t, "/user", p.access).Status)
			}
			require.Equal(t, http.StatusNoContent, a.post(t, "/logout", p.access).Status)
			loggedOut := time.Now()
			for {
				resp := b.get(t, "/user", p.access)
				if resp.Status == http.StatusUnauthorized {
					assert.Equal(t, revoked, resp.Body)
					break
				}
				require.Equal(t, http.StatusOK, resp.Status, resp.Body)
				require.Less(t, time.Since(loggedOut), hangGuard, "the other instance never refused the token")
			}
			delays = append(delays, time.Since(loggedOut))
		}
		slices.Sort(delays)
		t.Logf("logout through one instance refused by the other after: median %v, max %v (of %d, each including one request to it)",
			delays[len(delays)/2], delays[len(delays)-1], len(delays))
	})

	t.Run("logout everywhere through one", func(t *testing.T) {
		one, two := login(t, a.srv), login(t, b.srv)
		assert.Equal(t, http.StatusOK, a.get(t, "/user", two.access).Status)
		require.Equal(t, http.StatusNoContent, b.post(t, "/logout-all", two.access).Status)
		for _, inst := range []*instance{a, b} {
			assert.Equal(t, http.StatusUnauthorized, inst.get(t, "/user", one.access).Status)
			assert.Equal(t, http.StatusUnauthorized, inst.get(t, "/user", two.access).Status)
		}
	})

	t.Run("refresh through one, reuse through the other", func(t *testing.T) {
		first := login(t, a.srv)
		second := refresh(t, a.srv, first.refresh)
		third := refresh(t, a.srv, second.refresh)
		resp := b.post(t, "/refresh", first.refresh) // older than the last rotation: no grace
		assert.Equal(t, http.StatusUnauthorized, resp.Status)
		assert.Equal(t, reused, resp.Body)
		assert.Equal(t, http.StatusUnauthorized, a.get(t, "/user", third.access).Status, "the reuse ended the session")
	})

	t.Run("outage", func(t *testing.T) {
		live := login(t, a.srv)
		ended := login(t, b.srv)
		require.Equal(t, http.StatusNoContent, b.post(t, "/logout", ended.access).Status)
		for _, inst := range []*instance{a, b} {
			for range 2 {
				require.Equal(t, http.StatusOK, inst.get(t, "/user", live.access).Status)
			}
		}

		redis.Stop()
		var slowest time.Duration
		for range 5 {
			for _, inst := range []*instance{a, b} {
				start := time.Now()
				resp := inst.get(t, "/user", live.access)
				slowest = max(slowest, time.Since(start))
				assert.Equal(t, http.StatusServiceUnavailable, resp.Status, "no answer from a cache that can no longer be invalidated")
				assert.Equal(t, unavailable, resp.Body)
			}
		}
		assert.Equal(t, http.StatusServiceUnavailable, a.srv.Call(http.MethodPost, "/login",
			map[string]string{"username": "test", "password": "test"}).Status, "a login needs the store")
		t.Logf("with Redis down, requests answered 503 within %v (store timeout %v)", slowest, redisstore.DefaultTimeout)
		assert.Less(t, slowest, redisstore.DefaultTimeout+noHang)

		redis.Start()
		restarted := time.Now()
		for _, inst := range []*instance{a, b} {
			for inst.get(t, "/user", live.access).Status != http.StatusOK {
				require.Less(t, time.Since(restarted), hangGuard, "the instance did not recover")
				time.Sleep(10 * time.Millisecond)
			}
		}
		t.Logf("both instances answered 200 again %v after Redis restarted", time.Since(restarted))
		for _, inst := range []*instance{a, b} {
			resp := inst.get(t, "/user", ended.access)
			assert.Equal(t, http.StatusUnauthorized, resp.Status, "a session ended before the outage")
			assert.Equal(t, revoked, resp.Body)
		}
		assert.Equal(t, http.StatusOK, b.get(t, "/user", login(t, a.srv).access).Status, "a login after the outage")
	})
}

// instance is the example program running in the background: the test
// binary started again as the program (exampletest.Main), so built with
// the test's own flags, the race detector included.
type instance struct {
	srv *exampletest.Server
}

// client bounds every request, so that a hanging program fails the test
// instead of stopping it.
var client = &http.Client{Timeout: hangGuard}

// start runs the program on a free port with env and returns once it
// accepts connections.
func start(t *testing.T, env ...string) *instance {
	t.Helper()
	_, srv := exampletest.StartProgram(t, append(env, "GIN_MODE=release")...)
	return &instance{srv: srv}
}

// get and post send a request with a Bearer token and return the answer.
func (inst *instance) get(t *testing.T, path, token string) exampletest.Response {
	return inst.do(t, http.MethodGet, path, token)
}

func (inst *instance) post(t *testing.T, path, token string) exampletest.Response {
	return inst.do(t, http.MethodPost, path, token)
}

func (inst *instance) do(t *testing.T, method, path, token string) exampletest.Response {
	t.Helper()
	req, err := http.NewRequest(method, inst.srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return exampletest.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
}
