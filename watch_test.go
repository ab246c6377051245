package ginpaseto_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
)

// watchGuard bounds every wait for a watch to end: a healthy one ends
// within milliseconds of the write (a second with the poller).
const watchGuard = 10 * time.Second

// ended waits for ctx to be done and returns its cause.
func ended(t *testing.T, ctx context.Context) error {
	t.Helper()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-time.After(watchGuard):
		t.Fatalf("the watch did not end within %v", watchGuard)
		return nil
	}
}

// requireLive asserts that ctx is not done. A watch that wrongly ends does
// so when the store calls, which happens before the write that triggered
// it returns, plus a goroutine's hop: the callers wait for a sibling watch
// to end first.
func requireLive(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case <-ctx.Done():
		t.Fatalf("the watch ended: %v", context.Cause(ctx))
	default:
	}
}

// session starts a session for subject and returns the claims of its
// access and refresh tokens.
func startSession(t *testing.T, auth *ginpaseto.Authorizer, subject string) (access, refresh *ginpaseto.Claims) {
	t.Helper()
	pair, err := auth.CreateTokenPair(context.Background(), subject)
	require.NoError(t, err)
	access, err = auth.CheckToken(context.Background(), pair.AccessToken, ginpaseto.TypeAccess)
	require.NoError(t, err)
	refresh, err = auth.CheckToken(context.Background(), pair.RefreshToken, ginpaseto.TypeRefresh)
	require.NoError(t, err)
	return access, refresh
}

func requireCause(t *testing.T, err error, status int, message string, sentinel error) {
	t.Helper()
	var e *ginpaseto.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, status, e.Status)
	assert.Equal(t, message, e.Message)
	assert.ErrorIs(t, err, sentinel)
}

func TestWatchEndsWithTheSession(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(t *testing.T, auth *ginpaseto.Authorizer, access, refresh *ginpaseto.Claims)
	}{
		{"logout", func(t *testing.T, auth *ginpaseto.Authorizer, access, _ *ginpaseto.Claims) {
			require.NoError(t, auth.RevokeSession(context.Background(), access.SessionID))
		}},
		{"Revoke", func(t *testing.T, auth *ginpaseto.Authorizer, access, _ *ginpaseto.Claims) {
			require.NoError(t, auth.Revoke(context.Background(), access))
		}},
		{"reuse", func(t *testing.T, auth *ginpaseto.Authorizer, _, refresh *ginpaseto.Claims) {
			_, err := auth.RotateRefreshToken(context.Background(), refresh)
			require.NoError(t, err)
			_, err = auth.RotateRefreshToken(context.Background(), refresh)
			require.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth := newAuth(t, ginpaseto.WithRefreshGrace(0))
			access, refresh := startSession(t, auth, "test")
			sibling, _ := startSession(t, auth, "test")
			stranger, _ := startSession(t, auth, "alice")
			w, cancel := auth.Watch(context.Background(), access)
			defer cancel()
			ws, cancelSibling := auth.Watch(context.Background(), sibling)
			defer cancelSibling()
			wa, cancelStranger := auth.Watch(context.Background(), stranger)
			defer cancelStranger()

			tc.end(t, auth, access, refresh)
			requireCause(t, ended(t, w), http.StatusUnauthorized, "Token has been revoked", ginpaseto.ErrTokenRevoked)
			requireLive(t, ws)
			requireLive(t, wa)
		})
	}
	t.Run("log out everywhere", func(t *testing.T) {
		auth := newAuth(t)
		one, _ := startSession(t, auth, "test")
		two, _ := startSession(t, auth, "test")
		stranger, _ := startSession(t, auth, "alice")
		w1, c1 := auth.Watch(context.Background(), one)
		defer c1()
		w2, c2 := auth.Watch(context.Background(), two)
		defer c2()
		wa, ca := auth.Watch(context.Background(), stranger)
		defer ca()
		require.NoError(t, auth.RevokeSubject(context.Background(), "test"))
		requireCause(t, ended(t, w1), http.StatusUnauthorized, "Token has been revoked", ginpaseto.ErrTokenRevoked)
		requireCause(t, ended(t, w2), http.StatusUnauthorized, "Token has been revoked", ginpaseto.ErrTokenRevoked)
		requireLive(t, wa)
	})
	t.Run("revoked before the watch began", func(t *testing.T) {
		auth := newAuth(t)
		access, _ := startSession(t, auth, "test")
		require.NoError(t, auth.RevokeSession(context.Background(), access.SessionID))
		w, cancel := auth.Watch(context.Background(), access)
		defer cancel()
		requireCause(t, ended(t, w), http.StatusUnauthorized, "Token has been revoked", ginpaseto.ErrTokenRevoked)
	})
}

func TestWatchExpiry(t *testing.T) {
	auth := newAuth(t)
	tok, err := auth.CreateAccessToken(context.Background(), "test", ginpaseto.ExpiresIn(time.Second))
	require.NoError(t, err)
	claims, err := auth.CheckToken(context.Background(), tok, ginpaseto.TypeAccess)
	require.NoError(t, err)
	w, cancel := auth.Watch(context.Background(), claims)
	defer cancel()
	requireCause(t, ended(t, w), http.StatusUnauthorized, "Token has expired", ginpaseto.ErrTokenExpired)
	assert.False(t, time.Now().Before(claims.Expiration), "not before exp")

	t.Run("with the leeway and the Authorizer's clock", func(t *testing.T) {
		// The clock is an hour behind: the token is valid for an hour and a
		// second of real time, less the leeway.
		behind := func() time.Time { return time.Now().Add(-time.Hour) }
		auth := newAuth(t, ginpaseto.WithClock(behind), ginpaseto.WithLeeway(0))
		claims := &ginpaseto.Claims{Subject: "test", Type: "custom", JTI: "j", Expiration: time.Now().Add(-time.Hour).Add(time.Second)}
		w, cancel := auth.Watch(context.Background(), claims)
		defer cancel()
		requireCause(t, ended(t, w), http.StatusUnauthorized, "Token has expired", ginpaseto.ErrTokenExpired)
	})
	t.Run("expired already", func(t *testing.T) {
		claims := &ginpaseto.Claims{Subject: "test", Type: ginpaseto.TypeAccess, JTI: "j", Expiration: time.Now().Add(-time.Hour)}
		w, cancel := auth.Watch(context.Background(), claims)
		defer cancel()
		requireCause(t, ended(t, w), http.StatusUnauthorized, "Token has expired", ginpaseto.ErrTokenExpired)
	})
}

func TestWatchStops(t *testing.T) {
	auth := newAuth(t)
	access, _ := startSession(t, auth, "test")
	parent, cancelParent := context.WithCancel(context.Background())
	w, cancel := auth.Watch(parent, access)
	defer cancel()
	cancelParent()
	assert.ErrorIs(t, ended(t, w), context.Canceled, "the parent's end is no refusal")
	code, reason := auth.WebSocketCloseStatus(context.Cause(w))
	assert.Equal(t, 1000, code)
	assert.Empty(t, reason)

	w, cancel = auth.Watch(context.Background(), access)
	cancel()
	cancel()
	assert.ErrorIs(t, ended(t, w), context.Canceled)

	//nolint:staticcheck // nil claims are what the check is about
	w, cancel = auth.Watch(context.Background(), nil)
	defer cancel()
	assert.ErrorContains(t, ended(t, w), "claims are nil")
}

// countingStore is a MemoryStore that counts its live Notify registrations.
type countingStore struct {
	*ginpaseto.MemoryStore
	live atomic.Int64
}

func (s *countingStore) Notify(subject string, fn func()) func() {
	s.live.Add(1)
	stop := s.MemoryStore.Notify(subject, fn)
	var once sync.Once
	return func() { once.Do(func() { s.live.Add(-1); stop() }) }
}

func TestWatchSharesOneRegistrationPerSubject(t *testing.T) {
	t.Run("plain", func(t *testing.T) { testWatchRegistrations(t) })
	t.Run("observed", func(t *testing.T) { testWatchRegistrations(t, ginpaseto.WithObserver(observe.Nop{})) })
}

func testWatchRegistrations(t *testing.T, opts ...ginpaseto.Option) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	mem := &ginpaseto.MemoryStore{}
	store := &countingStore{MemoryStore: mem}
	auth := newAuth(t, append(opts, ginpaseto.WithStore(store))...)
	var cancels []context.CancelFunc
	var watches []context.Context
	for _, subject := range []string{"test", "alice"} {
		access, _ := startSession(t, auth, subject)
		for range 50 {
			w, cancel := auth.Watch(context.Background(), access)
			watches, cancels = append(watches, w), append(cancels, cancel)
		}
	}
	assert.EqualValues(t, 2, store.live.Load(), "one registration per subject")
	for _, cancel := range cancels[:99] {
		cancel()
	}
	assert.EqualValues(t, 1, store.live.Load(), "the last watch of a subject keeps its registration")
	cancels[99]()
	assert.EqualValues(t, 0, store.live.Load(), "none once nothing is watched")
	for _, w := range watches {
		assert.ErrorIs(t, ended(t, w), context.Canceled)
	}
}

// quietStore is a Store that tells of no change (no Notify), so that
// watching polls; its IsRevoked fails while down is set.
type quietStore struct {
	mem  *ginpaseto.MemoryStore
	down atomic.Bool
	ginpaseto.Store
}

func (s *quietStore) IsRevoked(ctx context.Context, c *ginpaseto.Claims) (bool, error) {
	if s.down.Load() {
		return false, errors.New("connection refused")
	}
	return s.mem.IsRevoked(ctx, c)
}

func newQuietStore(t *testing.T) *quietStore {
	mem := &ginpaseto.MemoryStore{}
	return &quietStore{mem: mem, Store: mem}
}

func TestWatchPollsAStoreWithoutNotify(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent()) // the poller stops once nothing is watched
	store := newQuietStore(t)
	_, isNotifier := any(store).(ginpaseto.Notifier)
	require.False(t, isNotifier)
	auth := newAuth(t, ginpaseto.WithStore(store))
	access, _ := startSession(t, auth, "test")
	other, _ := startSession(t, auth, "test")
	w, cancel := auth.Watch(context.Background(), access)
	defer cancel()
	wo, cancelOther := auth.Watch(context.Background(), other)
	defer cancelOther()
	require.NoError(t, auth.RevokeSession(context.Background(), access.SessionID))
	requireCause(t, ended(t, w), http.StatusUnauthorized, "Token has been revoked", ginpaseto.ErrTokenRevoked)
	requireLive(t, wo)

	t.Run("the store is down: fail closed", func(t *testing.T) {
		store.down.Store(true)
		err := ended(t, wo)
		requireCause(t, err, http.StatusServiceUnavailable, "Token revocation status unavailable", ginpaseto.ErrRevocationUnavailable)
		assert.NotContains(t, err.Error(), "v4.")
		code, reason := auth.WebSocketCloseStatus(err)
		assert.Equal(t, 1008, code)
		assert.Equal(t, "Token revocation status unavailable", reason)
	})
}

// denyAfter is a Denylist that refuses a subject once told to.
type denyAfter struct{ denied sync.Map }

func (d *denyAfter) IsRevoked(_ context.Context, c *ginpaseto.Claims) (bool, error) {
	_, ok := d.denied.Load(c.Subject)
	return ok, nil
}

func TestWatchPollsTheDenylist(t *testing.T) {
	deny := &denyAfter{}
	auth := newAuth(t, ginpaseto.WithDenylist(deny))
	access, _ := startSession(t, auth, "test")
	w, cancel := auth.Watch(context.Background(), access)
	defer cancel()
	deny.denied.Store("test", true)
	requireCause(t, ended(t, w), http.StatusUnauthorized, "Token has been revoked", ginpaseto.ErrTokenRevoked)
}

func TestWebSocketCloseStatus(t *testing.T) {
	auth := newAuth(t)
	code, reason := auth.WebSocketCloseStatus(&ginpaseto.Error{Status: 401, Message: "Token has been revoked"})
	assert.Equal(t, 1008, code)
	assert.Equal(t, "Token has been revoked", reason)

	long := strings.Repeat("é", 100) // 200 bytes
	code, reason = auth.WebSocketCloseStatus(&ginpaseto.Error{Status: 401, Message: long})
	assert.Equal(t, 1008, code)
	assert.LessOrEqual(t, len(reason), 123, "a close frame holds 125 bytes, 2 for the code")
	assert.True(t, strings.HasPrefix(long, reason))

	code, reason = auth.WebSocketCloseStatus(nil)
	assert.Equal(t, 1000, code)
	assert.Empty(t, reason)
	var nilErr *ginpaseto.Error
	code, _ = auth.WebSocketCloseStatus(nilErr)
	assert.Equal(t, 1000, code)
}

// TestWatchTokensWithoutJTI: tokens of another issuer without jti, one
// issued before a logout everywhere and one after, are answered each for
// itself: the older one's watch ends, the newer one's goes on.
func TestWatchTokensWithoutJTI(t *testing.T) {
	for range 20 {
		auth := newAuth(t)
		now := time.Now()
		older := &ginpaseto.Claims{Subject: "test", Type: ginpaseto.TypeAccess, IssuedAt: now.Add(-time.Hour), Expiration: now.Add(time.Hour)}
		newer := &ginpaseto.Claims{Subject: "test", Type: ginpaseto.TypeAccess, IssuedAt: now.Add(time.Minute), Expiration: now.Add(time.Hour)}
		wo, co := auth.Watch(context.Background(), older)
		wn, cn := auth.Watch(context.Background(), newer)
		require.NoError(t, auth.RevokeSubject(context.Background(), "test"))
		requireCause(t, ended(t, wo), http.StatusUnauthorized, "Token has been revoked", ginpaseto.ErrTokenRevoked)
		requireLive(t, wn)
		co()
		cn()
	}
}
