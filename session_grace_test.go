package ginpaseto_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// concurrentRefreshes sends n refreshes with one refresh token to srv at
// once and returns the answers.
func concurrentRefreshes(t *testing.T, srv serverURL, refresh string, n int) []reply {
	t.Helper()
	out := make([]reply, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range out {
		done.Go(func() {
			start.Wait()
			out[i] = refreshWith(t, srv, refresh)
		})
	}
	start.Done()
	done.Wait()
	return out
}

// TestRefreshGrace: tabs and retries that present one refresh token at
// once all stay logged in, in one session that moves forward once; a
// replay after the grace, or of an older token, is a reuse that ends it.
func TestRefreshGrace(t *testing.T) {
	ctx := context.Background()
	const n = 64
	clk := newClock()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now)) // the default grace, 30 s
	srv := serveSessions(t, auth)
	login := loginAs(t, srv, "alice")
	sessions := func() []ginpaseto.Session {
		list, err := auth.Sessions(ctx, "alice")
		require.NoError(t, err)
		return list
	}

	answers := concurrentRefreshes(t, srv, login.RefreshToken, n)
	jtis := map[string]int{}
	var pairs []ginpaseto.TokenPair
	for _, got := range answers {
		require.Equal(t, http.StatusOK, got.status, "every concurrent refresh succeeds: %s", got.body)
		p := pairFrom(t, got)
		pairs = append(pairs, p)
		claims, err := auth.CheckToken(ctx, p.RefreshToken, ginpaseto.TypeRefresh)
		require.NoError(t, err)
		jtis[claims.JTI]++
	}
	t.Logf("%d concurrent refreshes with one refresh token: %d answered 200, refresh token IDs handed out: %d", n, len(pairs), len(jtis))
	for _, p := range pairs {
		expect(t, userWith(t, srv, p.AccessToken), 200, user("alice"))
	}
	require.Len(t, jtis, 1, "the session moved forward once: every answer carries the one usable refresh token")
	list := sessions()
	require.Len(t, list, 1, "no state per replay")
	for jti := range jtis {
		assert.Equal(t, jti, list[0].RefreshJTI)
	}

	// Any of the answers moves the session forward; the others' copies of
	// that token then are the consumed token, within the grace again.
	next := pairFrom(t, refreshWith(t, srv, pairs[0].RefreshToken))
	expect(t, userWith(t, srv, next.AccessToken), 200, user("alice"))
	again := pairFrom(t, refreshWith(t, srv, pairs[n-1].RefreshToken))
	expect(t, userWith(t, srv, again.AccessToken), 200, user("alice"))

	t.Run("a token whose own grace has passed is a reuse, within a later one's", func(t *testing.T) {
		// The login's token and the next were consumed now; one more
		// rotation 20 s later, then 31 s after the first two.
		clk.Advance(20 * time.Second)
		last := pairFrom(t, refreshWith(t, srv, next.RefreshToken))
		clk.Advance(11 * time.Second)
		expect(t, refreshWith(t, srv, login.RefreshToken), 401, detail("Refresh token reuse detected"))
		for _, tok := range []string{next.AccessToken, again.AccessToken, last.AccessToken, pairs[0].AccessToken} {
			expect(t, userWith(t, srv, tok), 401, detail("Token has been revoked"))
		}
		assert.Empty(t, sessions(), "the session ended")
	})

	t.Run("a replay after the grace is a reuse", func(t *testing.T) {
		first := loginAs(t, srv, "alice")
		second := pairFrom(t, refreshWith(t, srv, first.RefreshToken))
		clk.Advance(29 * time.Second)
		within := pairFrom(t, refreshWith(t, srv, first.RefreshToken))
		expect(t, userWith(t, srv, within.AccessToken), 200, user("alice"))
		clk.Advance(2 * time.Second)
		expect(t, refreshWith(t, srv, first.RefreshToken), 401, detail("Refresh token reuse detected"))
		for _, tok := range []string{second.AccessToken, within.AccessToken} {
			expect(t, userWith(t, srv, tok), 401, detail("Token has been revoked"))
		}
		expect(t, refreshWith(t, srv, second.RefreshToken), 401, detail("Token has been revoked"))
		assert.Empty(t, sessions())
	})
}

// TestRefreshGraceStaggered: tabs sharing one cookie jar that refresh one
// after the other. Tab A presents T0 (rotation 1: T1 usable); tab B reads
// the new cookie and presents T1 (rotation 2: T2 usable); tab C had sent
// T0, and its request arrives only then. Every tab stays logged in, with
// the one usable token; a token whose own grace has passed is a reuse.
func TestRefreshGraceStaggered(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now)) // the default grace, 30 s
	srv := serveSessions(t, auth)
	login := loginAs(t, srv, "alice")
	refreshJTI := func(p ginpaseto.TokenPair) string {
		t.Helper()
		claims, err := auth.CheckToken(ctx, p.RefreshToken, ginpaseto.TypeRefresh)
		require.NoError(t, err)
		return claims.JTI
	}

	clk.Advance(time.Second)
	tabA := pairFrom(t, refreshWith(t, srv, login.RefreshToken)) // T0 consumed
	clk.Advance(time.Second)
	tabB := pairFrom(t, refreshWith(t, srv, tabA.RefreshToken)) // T1 consumed
	clk.Advance(time.Second)
	tabC := pairFrom(t, refreshWith(t, srv, login.RefreshToken)) // T0 again, two rotations later
	assert.Equal(t, refreshJTI(tabB), refreshJTI(tabC), "the late tab gets the usable refresh token")
	for _, p := range []ginpaseto.TokenPair{tabA, tabB, tabC} {
		expect(t, userWith(t, srv, p.AccessToken), 200, user("alice"))
	}
	list, err := auth.Sessions(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, refreshJTI(tabB), list[0].RefreshJTI, "the session moved forward twice, not three times")

	// The session goes on from the usable token. The grace of each token
	// runs from the rotation that consumed it: 29 s after T1 was consumed
	// it is a replay still; 31 s after T0 was, T0 is a reuse.
	clk.Advance(20 * time.Second)
	next := pairFrom(t, refreshWith(t, srv, tabC.RefreshToken))
	clk.Advance(8 * time.Second)
	replayed := pairFrom(t, refreshWith(t, srv, tabA.RefreshToken))
	assert.Equal(t, refreshJTI(next), refreshJTI(replayed), "T1, within its grace")
	clk.Advance(time.Second)
	expect(t, refreshWith(t, srv, login.RefreshToken), 401, detail("Refresh token reuse detected"))
	expect(t, userWith(t, srv, next.AccessToken), 401, detail("Token has been revoked"))
	list, err = auth.Sessions(ctx, "alice")
	require.NoError(t, err)
	assert.Empty(t, list, "the session ended")
}

// TestRefreshGraceStrict: WithRefreshGrace(0) makes any second use a
// reuse, even at once.
func TestRefreshGraceStrict(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithRefreshGrace(0))
	srv := serveSessions(t, auth)
	login := loginAs(t, srv, "alice")
	next := pairFrom(t, refreshWith(t, srv, login.RefreshToken))
	expect(t, refreshWith(t, srv, login.RefreshToken), 401, detail("Refresh token reuse detected"))
	expect(t, userWith(t, srv, next.AccessToken), 401, detail("Token has been revoked"))

	t.Run("concurrently", func(t *testing.T) {
		login := loginAs(t, srv, "alice")
		ok, reused := 0, 0
		for _, got := range concurrentRefreshes(t, srv, login.RefreshToken, 16) {
			switch got.status {
			case http.StatusOK:
				ok++
			case http.StatusUnauthorized:
				reused++
			default:
				t.Errorf("unexpected answer %d %s", got.status, got.body)
			}
		}
		assert.Equal(t, 1, ok, "exactly one rotation")
		assert.Equal(t, 15, reused)
	})

	assert.ErrorContains(t, func() error {
		_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithRefreshGrace(-time.Second))
		return err
	}(), "out of range")
	assert.ErrorContains(t, func() error {
		_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithRefreshGrace(6*time.Minute))
		return err
	}(), "out of range")
}

// TestSessionLifetime: a session refreshed all the time still ends at its
// absolute end: no token of it expires later, and then it is refused.
func TestSessionLifetime(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	const lifetime = 2 * time.Hour
	auth := newAuth(t, ginpaseto.WithClock(clk.Now), ginpaseto.WithSessionLifetime(lifetime))
	srv := serveSessions(t, auth)
	started := clk.Now()
	ends := started.Add(lifetime)
	pair := loginAs(t, srv, "alice")
	assert.Equal(t, ends, pair.RefreshExpires, "the refresh token ends with the session")

	refreshes := 0
	for clk.Now().Before(ends.Add(-10 * time.Minute)) {
		clk.Advance(10 * time.Minute)
		pair = pairFrom(t, refreshWith(t, srv, pair.RefreshToken))
		refreshes++
		assert.False(t, pair.AccessExpires.After(ends), "access token capped at %v, got %v", ends, pair.AccessExpires)
		assert.Equal(t, ends, pair.RefreshExpires)
		list, err := auth.Sessions(ctx, "alice")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, ends, list[0].Ends)
		assert.False(t, list[0].Expires.After(ends))
	}
	assert.Equal(t, 11, refreshes)
	assert.Equal(t, ends, pair.AccessExpires, "the last access token expires with the session, 5 minutes after its refresh")
	expect(t, userWith(t, srv, pair.AccessToken), 200, user("alice"))

	clk.set(ends.Add(time.Second))
	expect(t, refreshWith(t, srv, pair.RefreshToken), 401, detail("Token has expired"))
	expect(t, userWith(t, srv, pair.AccessToken), 401, detail("Token has expired"))
	list, err := auth.Sessions(ctx, "alice")
	require.NoError(t, err)
	assert.Empty(t, list, "the session ended at Started+lifetime")
}

// TestLogoutEverywhereRace: logins racing RevokeSubject, over many rounds.
// No session that started before the cutoff is live afterwards, whatever
// the interleaving: a login that returned before RevokeSubject was called
// is refused, and every live session started after the call began.
func TestLogoutEverywhereRace(t *testing.T) {
	ctx := context.Background()
	rounds := 200
	if testing.Short() {
		rounds = 20
	}
	const loginsPerRound = 8
	auth := newAuth(t) // the real clock: the cutoff and the sessions' starts to the nanosecond
	var survived, refused, accepted int
	for round := range rounds {
		subject := "racer"
		type login struct {
			pair     *ginpaseto.TokenPair
			returned time.Time
		}
		logins := make(chan login, loginsPerRound)
		var wg sync.WaitGroup
		for range loginsPerRound {
			wg.Go(func() {
				pair, err := auth.CreateTokenPair(ctx, subject)
				switch {
				case err == nil:
					logins <- login{pair, time.Now()}
				case errors.Is(err, ginpaseto.ErrTokenRevoked):
					// the cutoff came first: refused, recording nothing
				default:
					t.Error(err)
				}
			})
		}
		if round%2 == 1 {
			time.Sleep(time.Duration(round%7) * 10 * time.Microsecond)
		}
		called := time.Now()
		require.NoError(t, auth.RevokeSubject(ctx, subject))
		wg.Wait()
		close(logins)

		list, err := auth.Sessions(ctx, subject)
		require.NoError(t, err)
		for _, s := range list {
			if !s.Started.After(called) {
				t.Errorf("round %d: session started at %v, before the logout everywhere called at %v, is live", round, s.Started, called)
			}
		}
		for l := range logins {
			_, err := auth.CheckToken(ctx, l.pair.AccessToken, ginpaseto.TypeAccess)
			switch {
			case err == nil:
				accepted++
				assert.True(t, l.returned.After(called), "round %d: a login that returned before RevokeSubject was called is still accepted", round)
			case errors.Is(err, ginpaseto.ErrTokenRevoked):
				refused++
			default:
				t.Error(err)
			}
			if err == nil && !l.returned.After(called) {
				survived++
			}
		}
		// Clean up for the next round, after the cutoff's second.
		for _, s := range list {
			require.NoError(t, auth.RevokeSession(ctx, s.ID))
		}
	}
	t.Logf("%d rounds of %d logins racing RevokeSubject: %d logins accepted afterwards (all started after the call), %d refused, %d survived the cutoff",
		rounds, loginsPerRound, accepted, refused, survived)
	assert.Zero(t, survived)
}
