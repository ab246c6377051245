package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// The fill attack: one ordinary account rotates its refresh token as fast
// as the review of the old denylist did (100 000 rotations in 15 s) while
// another user goes on working. The store must not let the attacker slow
// that user down. Each benchmark first lets the attacker make 100 000
// rotations, then cycles through three phases of attackPhase while it
// measures the other user's requests, so that all three are measured in
// one run, on the same machine state:
//
//   - quiet: the attacker idles;
//   - load: the attacker calls, at the same rate, a route that does what
//     the refresh route does but for the store (the same check, two new
//     tokens, the same JSON): the share of the machine any client at that
//     rate takes;
//   - attack: the attacker rotates at that rate through the refresh route.
//
// It reports the mean latency of each phase, attack/quiet, and
// attack/load, which is what the store adds to the attacker's share of
// the machine.
const (
	attackRotations = 100_000
	attackRate      = attackRotations / 15 // rotations per second
	attackPhase     = 50 * time.Millisecond
)

// attackSetup is the sessions app under attack.
type attackSetup struct {
	auth   *ginpaseto.Authorizer
	engine *gin.Engine
}

func newAttackSetup(b *testing.B) *attackSetup {
	opts := newFixture(b).ginpasetoLocalOptions()
	auth, err := ginpaseto.New(opts...)
	require.NoError(b, err)
	storeless, err := ginpaseto.New(append(opts, ginpaseto.WithRevocableTypes())...)
	require.NoError(b, err)
	r := gin.New()
	r.POST("/load", storeless.RefreshRequired(), func(c *gin.Context) {
		var p ginpaseto.TokenPair
		var err error
		if p.AccessToken, err = storeless.CreateAccessToken(c, ginpaseto.Subject(c)); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		if p.RefreshToken, err = storeless.CreateRefreshToken(c, ginpaseto.Subject(c)); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		c.JSON(http.StatusOK, &p)
	})
	r.GET(route, auth.Required(), func(c *gin.Context) { c.JSON(http.StatusOK, reply{Sub: ginpaseto.Subject(c)}) })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.POST("/logout", auth.Required(), auth.LogoutHandler())
	return &attackSetup{auth: auth, engine: r}
}

// call serves one request with tok and returns the recorder.
func (s *attackSetup) call(method, path, tok string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	s.engine.ServeHTTP(rec, req)
	return rec
}

// refresh rotates a refresh token over HTTP and returns the new pair.
func (s *attackSetup) refresh(tb testing.TB, tok string) ginpaseto.TokenPair {
	rec := s.call(http.MethodPost, "/refresh", tok)
	if rec.Code != http.StatusOK {
		tb.Fatalf("refresh: status %d: %s", rec.Code, rec.Body)
	}
	var p ginpaseto.TokenPair
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		tb.Fatal(err)
	}
	return p
}

// The attacker's modes, one per phase.
const (
	idle int32 = iota
	load
	attack
)

// attacker rotates mallory's refresh token: n times at once, then at
// attackRate in the mode it is set to, until stop is closed.
type attacker struct {
	s       *attackSetup
	mode    atomic.Int32
	stop    chan struct{}
	done    sync.WaitGroup
	rotated atomic.Int64
}

func startAttacker(b *testing.B, s *attackSetup, n int) *attacker {
	pair, err := s.auth.CreateTokenPair(context.Background(), "mallory")
	require.NoError(b, err)
	tok := pair.RefreshToken
	for range n {
		tok = s.refresh(b, tok).RefreshToken
	}
	a := &attacker{s: s, stop: make(chan struct{})}
	a.rotated.Store(int64(n))
	a.done.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		perTick := attackRate / 1000
		for {
			select {
			case <-a.stop:
				return
			case <-tick.C:
			}
			mode := a.mode.Load()
			for i := 0; i < perTick && mode != idle; i++ {
				path := "/refresh"
				if mode == load {
					path = "/load"
				}
				rec := s.call(http.MethodPost, path, tok)
				var p ginpaseto.TokenPair
				if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
					b.Errorf("attacker's %s: status %d: %s", path, rec.Code, rec.Body)
					return
				}
				if mode == attack {
					tok = p.RefreshToken
					a.rotated.Add(1)
				}
			}
		}
	})
	return a
}

func (a *attacker) close() {
	close(a.stop)
	a.done.Wait()
}

// measurePhases runs op b.N times, moving the attacker to the next mode
// every attackPhase, and reports the mean latency of op in each phase.
func measurePhases(b *testing.B, a *attacker, op func()) {
	var total [3]time.Duration // by mode
	var count [3]int
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		mode := int32(time.Since(start)/attackPhase) % 3
		a.mode.Store(mode)
		t0 := time.Now()
		op()
		total[mode] += time.Since(t0)
		count[mode]++
	}
	a.mode.Store(idle)
	if count[idle] == 0 || count[load] == 0 || count[attack] == 0 {
		return // too short a run to have every phase
	}
	mean := func(m int32) float64 { return float64(total[m]) / float64(count[m]) }
	b.ReportMetric(mean(idle), "quiet-ns/req")
	b.ReportMetric(mean(load), "load-ns/req")
	b.ReportMetric(mean(attack), "attack-ns/req")
	b.ReportMetric(mean(attack)/mean(idle), "attack/quiet")
	b.ReportMetric(mean(attack)/mean(load), "attack/load")
	b.ReportMetric(float64(a.rotated.Load()), "attacker-rotations")
}

// BenchmarkFillAttackRequest: the other user's protected request.
func BenchmarkFillAttackRequest(b *testing.B) {
	s := newAttackSetup(b)
	pair, err := s.auth.CreateTokenPair(context.Background(), "alice")
	require.NoError(b, err)
	a := startAttacker(b, s, attackRotations)
	defer a.close()
	measurePhases(b, a, func() {
		if rec := s.call(http.MethodGet, route, pair.AccessToken); rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}

// BenchmarkFillAttackRefresh: the other user's refresh, a store write.
func BenchmarkFillAttackRefresh(b *testing.B) {
	s := newAttackSetup(b)
	pair, err := s.auth.CreateTokenPair(context.Background(), "alice")
	require.NoError(b, err)
	tok := pair.RefreshToken
	a := startAttacker(b, s, attackRotations)
	defer a.close()
	measurePhases(b, a, func() { tok = s.refresh(b, tok).RefreshToken })
}

// BenchmarkFillAttackLogout: the other user's login and logout, which
// start and end a session.
func BenchmarkFillAttackLogout(b *testing.B) {
	s := newAttackSetup(b)
	a := startAttacker(b, s, attackRotations)
	defer a.close()
	measurePhases(b, a, func() {
		pair, err := s.auth.CreateTokenPair(context.Background(), "alice")
		if err != nil {
			b.Fatal(err)
		}
		if rec := s.call(http.MethodPost, "/logout", pair.AccessToken); rec.Code != http.StatusNoContent {
			b.Fatalf("logout: status %d: %s", rec.Code, rec.Body)
		}
	})
}
