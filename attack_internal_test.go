package ginpaseto

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/internal/storelimits"
)

// TestFillAttack replays an attack on the store: one account rotates its
// refresh tokens 100 000 times, from several sessions at once, and logs
// in again and again, while another user goes about their business over
// HTTP. The other user's every request must succeed, their logout must
// work, and the store must hold no more than what is live. How much the
// attack slows the other user is measured in the bench module
// (BenchmarkFillAttack*), not here.
//
// Most rotations go to the store directly, since what the attack fills is
// the store; the cryptography of the refresh route would only make the
// test slow, and starve the tests running next to it. Some go through
// RotateRefreshToken all the way.
func TestFillAttack(t *testing.T) {
	const rotations = 100_000
	const fullRotations = 2_000 // of them, through RotateRefreshToken
	const attackers = 8
	ctx := context.Background()
	a, err := New(WithSecretKey(internalKey))
	require.NoError(t, err)
	store := a.cfg.store.(*MemoryStore)

	// Each attacker rotates its session's refresh token; when the logins
	// below push its session out (the cap ends the oldest), it logs in
	// again, as a real attacker would.
	var rotated atomic.Int64
	var attack sync.WaitGroup
	for range attackers {
		attack.Go(func() {
			var pair *TokenPair
			var claims *Claims
			var err error
			for n := rotated.Add(1); n <= rotations; n = rotated.Add(1) {
				if pair == nil {
					if pair, err = a.CreateTokenPair(ctx, "mallory"); !assert.NoError(t, err) {
						return
					}
					if claims, err = a.ParseToken(pair.RefreshToken); !assert.NoError(t, err) {
						return
					}
				}
				if n <= fullRotations {
					pair, err = a.RotateRefreshToken(ctx, claims)
					if err == nil {
						if claims, err = a.ParseToken(pair.RefreshToken); !assert.NoError(t, err) {
							return
						}
					}
				} else {
					next := Session{ID: claims.SessionID, Subject: "mallory", RefreshJTI: fmt.Sprint("r", n), Expires: claims.Expiration}
					if _, err = store.RotateSession(ctx, claims.JTI, next, 0); err == nil {
						claims.JTI = next.RefreshJTI
					}
				}
				if err != nil {
					if !assert.ErrorIs(t, err, ErrTokenRevoked, "only the cap ends a session") {
						return
					}
					pair = nil
				}
			}
		})
	}
	attack.Go(func() { // ten times as many logins as the session cap
		for range 10 * storelimits.SessionsPerSubject {
			if _, err := a.CreateTokenPair(ctx, "mallory"); !assert.NoError(t, err) {
				return
			}
		}
	})
	attacking := make(chan struct{})
	go func() { attack.Wait(); close(attacking) }()

	r := gin.New()
	r.POST("/refresh", a.RefreshRequired(), a.RefreshHandler())
	r.POST("/logout", a.Required(), a.LogoutHandler())
	r.GET("/user", a.Required(), func(c *gin.Context) { c.String(http.StatusOK, Subject(c)) })
	srv := httptest.NewServer(r)
	defer srv.Close()
	call := func(method, path, tok string) int {
		req, err := http.NewRequest(method, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}

	rounds := 0
	for over := false; !over; {
		select {
		case <-attacking:
			over = true // one more round after the attack
		default:
		}
		rounds++
		pair, err := a.CreateTokenPair(ctx, "alice")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, call(http.MethodGet, "/user", pair.AccessToken))
		claims, err := a.ParseToken(pair.RefreshToken)
		require.NoError(t, err)
		next, err := a.RotateRefreshToken(ctx, claims)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, call(http.MethodGet, "/user", next.AccessToken))
		require.Equal(t, http.StatusNoContent, call(http.MethodPost, "/logout", next.AccessToken))
		require.Equal(t, http.StatusUnauthorized, call(http.MethodGet, "/user", next.AccessToken), "logged out")
		require.Equal(t, http.StatusUnauthorized, call(http.MethodPost, "/refresh", next.RefreshToken), "logged out")
	}
	t.Logf("%d rounds of the other user's login, refresh and logout during the attack", rounds)

	c := store.counts()
	assert.LessOrEqual(t, c.sessions, storelimits.SessionsPerSubject, "mallory's sessions are capped, alice's ended")
	assert.Zero(t, c.revoked, "rotations add no entries")
	assert.Equal(t, c.sessions, c.scheduled, "one expiry per live entry")
	assert.Equal(t, c.sessions, c.indexed)
}
