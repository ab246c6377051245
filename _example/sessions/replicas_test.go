package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// TestSocketsAcrossInstances runs the program twice on one Redis: sockets
// opened on one instance close when their session is logged out through
// the other, and only theirs. The time from the logout's answer to the
// close frame is logged, not asserted: it depends on the machine.
func TestSocketsAcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: this test runs the program twice")
	}
	const rounds = 20
	redis := redistest.Start(t)
	env := []string{"REDIS_URL=redis://" + redis.Addr + "/0", "PASETO_SECRET_KEY=" + exampletest.SecretKey}
	a, b := start(t, env...), start(t, env...)

	// Bystanders: another session of the same user, and another user, each
	// with a socket on a, which must stay open throughout.
	sibling := loginUser(t, a.srv, "test", "test")
	siblingSocket := dialSocket(t, a.srv.URL, sibling.access, true)
	alice := loginUser(t, b.srv, "alice", "alice-password")
	aliceSocket := dialSocket(t, a.srv.URL, alice.access, false)

	var sinceAnswer, sinceRequest []time.Duration
	for range rounds {
		p := loginUser(t, a.srv, "test", "test")
		socket := dialSocket(t, a.srv.URL, p.access, true)
		sent := time.Now()
		require.Equal(t, http.StatusNoContent, b.post(t, "/logout", p.access).Status)
		answered := time.Now()
		code, reason := closedWith(t, socket)
		closed := time.Now()
		assert.Equal(t, websocket.StatusPolicyViolation, code)
		assert.Equal(t, "Token has been revoked", reason)
		sinceAnswer = append(sinceAnswer, closed.Sub(answered))
		sinceRequest = append(sinceRequest, closed.Sub(sent))
	}
	stillOpen(t, siblingSocket)
	stillOpen(t, aliceSocket)
	assert.Equal(t, http.StatusOK, a.get(t, "/user", sibling.access).Status)

	t.Logf("a logout through one instance closed the socket on the other, after the logout's answer: %s", distribution(sinceAnswer))
	t.Logf("the same, from the logout request: %s", distribution(sinceRequest))

	t.Run("log out everywhere through the other", func(t *testing.T) {
		one := loginUser(t, a.srv, "test", "test")
		oneSocket := dialSocket(t, a.srv.URL, one.access, false)
		require.Equal(t, http.StatusNoContent, b.post(t, "/logout-all", one.access).Status)
		for _, s := range []*testSocket{oneSocket, siblingSocket} {
			code, reason := closedWith(t, s)
			assert.Equal(t, websocket.StatusPolicyViolation, code)
			assert.Equal(t, "Token has been revoked", reason)
		}
		stillOpen(t, aliceSocket)
	})
}

// distribution describes durations: min, median, 90th percentile, max.
func distribution(d []time.Duration) string {
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1))] }
	return fmt.Sprintf("n=%d", len(s)) + " min " + s[0].String() + ", median " + at(0.5).String() +
		", p90 " + at(0.9).String() + ", max " + s[len(s)-1].String()
}
