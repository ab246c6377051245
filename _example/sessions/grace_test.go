package main

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// TestInstancesRefreshGrace runs the program twice on one Redis, as two
// replicas configured through PASETO_* variables: 64 concurrent refreshes
// with one refresh token, split across both, all succeed in one session
// that moves forward once; a replay after the grace (PASETO_REFRESH_GRACE
// of a second in a second pair of instances) is a reuse that ends the
// session on both.
func TestInstancesRefreshGrace(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: this test runs the program four times")
	}
	redis := redistest.Start(t)
	env := []string{"REDIS_URL=redis://" + redis.Addr + "/0", "PASETO_SECRET_KEY=" + exampletest.SecretKey, "PASETO_ACCESS_LIFETIME=5m"}
	a, b := start(t, env...), start(t, env...)
	parser, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	jtiOf := func(t *testing.T, refreshToken string) string {
		t.Helper()
		claims, err := parser.ParseToken(refreshToken)
		require.NoError(t, err)
		return claims.JTI
	}

	t.Run("64 concurrent refreshes across both", func(t *testing.T) {
		const n = 64
		first := login(t, a.srv)
		answers := make([]exampletest.Response, n)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range answers {
			inst := []*instance{a, b}[i%2]
			done.Go(func() {
				start.Wait()
				answers[i] = inst.post(t, "/refresh", first.refresh)
			})
		}
		start.Done()
		done.Wait()

		ok, accepted := 0, 0
		jtis := map[string]int{}
		var last pair
		for i, resp := range answers {
			if !assert.Equal(t, http.StatusOK, resp.Status, "refresh %d: %s", i, resp.Body) {
				continue
			}
			ok++
			p := pair{resp.Field(t, "access_token"), resp.Field(t, "refresh_token")}
			jtis[jtiOf(t, p.refresh)]++
			expires, err := time.Parse(time.RFC3339, resp.Field(t, "access_expires"))
			require.NoError(t, err)
			assert.WithinDuration(t, time.Now().Add(5*time.Minute), expires, time.Minute, "PASETO_ACCESS_LIFETIME applies")
			if got := []*instance{b, a}[i%2].get(t, "/user", p.access); assert.Equal(t, http.StatusOK, got.Status, got.Body) {
				accepted++
			}
			last = p
		}
		t.Logf("%d concurrent refreshes with one refresh token across two instances: %d answered 200, %d access tokens accepted by the other instance, %d refresh token ID(s) handed out",
			n, ok, accepted, len(jtis))
		assert.Equal(t, n, ok)
		assert.Equal(t, n, accepted)
		assert.Len(t, jtis, 1, "the session moved forward once")
		assert.Equal(t, http.StatusOK, a.get(t, "/user", first.access).Status, "the session is live")

		// It goes on: one more rotation; a tab that sent the login's token
		// before, arriving only now, is within that token's grace still and
		// gets the usable refresh token, from the other instance.
		next := refresh(t, b.srv, last.refresh)
		assert.Equal(t, http.StatusOK, a.get(t, "/user", next.access).Status)
		resp := a.post(t, "/refresh", first.refresh)
		require.Equal(t, http.StatusOK, resp.Status, resp.Body)
		assert.Equal(t, jtiOf(t, next.refresh), jtiOf(t, resp.Field(t, "refresh_token")), "the replay of a token two rotations old gets the usable one")
		assert.Equal(t, http.StatusOK, b.get(t, "/user", resp.Field(t, "access_token")).Status, "the session is live")
	})

	t.Run("a replay after a grace of one second", func(t *testing.T) {
		short := append(env, "PASETO_REFRESH_GRACE=1s")
		c, d := start(t, short...), start(t, short...)
		first := login(t, c.srv)
		second := refresh(t, c.srv, first.refresh)
		rotated := time.Now()
		time.Sleep(time.Second + 100*time.Millisecond - time.Since(rotated))
		resp := d.post(t, "/refresh", first.refresh)
		assert.Equal(t, http.StatusUnauthorized, resp.Status)
		assert.Equal(t, reused, resp.Body)
		for _, inst := range []*instance{c, d} {
			got := inst.get(t, "/user", second.access)
			assert.Equal(t, http.StatusUnauthorized, got.Status, "the session ended")
			assert.Equal(t, revoked, got.Body)
		}
		got := c.post(t, "/refresh", second.refresh)
		assert.Equal(t, http.StatusUnauthorized, got.Status)
		assert.Equal(t, revoked, got.Body)
	})
}
