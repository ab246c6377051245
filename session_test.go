package ginpaseto_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// sessionRoutes serves the session handlers of auth: POST /login?user=
// (no password: the tests are about what comes after), POST /refresh,
// POST /logout, POST /logout-all, and GET /user.
func sessionRoutes(auth *ginpaseto.Authorizer, opts ...ginpaseto.HandlerOption) *gin.Engine {
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, c.Query("user"), opts...) })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler(opts...))
	r.POST("/logout", auth.Required(), auth.LogoutHandler())
	r.POST("/logout-all", auth.Required(), func(c *gin.Context) {
		if err := auth.RevokeSubject(c, ginpaseto.Subject(c)); err != nil {
			c.AbortWithStatus(http.StatusServiceUnavailable)
			return
		}
		c.Status(http.StatusNoContent)
	})
	r.GET("/user", auth.Required(), whoami)
	return r
}

// pairFrom decodes a pair answered by a session handler.
func pairFrom(t testing.TB, got reply) ginpaseto.TokenPair {
	t.Helper()
	require.Equal(t, http.StatusOK, got.status, got.body)
	var p ginpaseto.TokenPair
	require.NoError(t, json.Unmarshal([]byte(got.body), &p))
	require.NotEmpty(t, p.AccessToken)
	require.NotEmpty(t, p.RefreshToken)
	return p
}

func loginAs(t testing.TB, srv serverURL, subject string) ginpaseto.TokenPair {
	t.Helper()
	return pairFrom(t, do(t, srv, request{method: http.MethodPost, path: "/login?user=" + subject}))
}

type serverURL = *httptest.Server

func serveSessions(t testing.TB, auth *ginpaseto.Authorizer) serverURL {
	t.Helper()
	return serve(t, sessionRoutes(auth))
}

func refreshWith(t testing.TB, srv serverURL, refresh string) reply {
	t.Helper()
	return do(t, srv, request{method: http.MethodPost, path: "/refresh", token: refresh})
}

func userWith(t testing.TB, srv serverURL, access string) reply {
	t.Helper()
	return do(t, srv, request{path: "/user", token: access})
}

func TestCreateTokenPair(t *testing.T) {
	clk := newClock()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now))
	pair, err := auth.CreateTokenPair(context.Background(), "alice", ginpaseto.ExtraClaims(map[string]any{"role": "admin"}),
		ginpaseto.ForToken(ginpaseto.TypeRefresh, ginpaseto.ExpiresIn(time.Hour)))
	require.NoError(t, err)
	access, err := auth.CheckToken(context.Background(), pair.AccessToken, ginpaseto.TypeAccess)
	require.NoError(t, err)
	refresh, err := auth.CheckToken(context.Background(), pair.RefreshToken, ginpaseto.TypeRefresh)
	require.NoError(t, err)

	assert.NotEmpty(t, pair.SessionID)
	assert.Equal(t, pair.SessionID, access.SessionID)
	assert.Equal(t, pair.SessionID, refresh.SessionID)
	assert.True(t, access.Fresh, "a login's access token is fresh")
	assert.Equal(t, clk.Now().Add(15*time.Minute), pair.AccessExpires)
	assert.Equal(t, clk.Now().Add(time.Hour), pair.RefreshExpires)
	assert.Equal(t, pair.AccessExpires, access.Expiration)
	assert.Equal(t, pair.RefreshExpires, refresh.Expiration)
	for _, c := range []*ginpaseto.Claims{access, refresh} {
		var role string
		require.NoError(t, c.Get("role", &role))
		assert.Equal(t, "admin", role)
	}

	other, err := auth.CreateTokenPair(context.Background(), "alice")
	require.NoError(t, err)
	assert.NotEqual(t, pair.SessionID, other.SessionID, "every login is a session of its own")

	body, err := json.Marshal(pair)
	require.NoError(t, err)
	assert.NotContains(t, string(body), pair.SessionID, "the session ID stays on the server")
	assert.Contains(t, string(body), `"access_token":`)
	assert.Contains(t, string(body), `"refresh_token":`)
}

func TestCreateTokenPairErrors(t *testing.T) {
	auth := newAuth(t)
	tests := []struct {
		name    string
		subject string
		opts    []ginpaseto.TokenOption
		want    string
	}{
		{"empty subject", "", nil, "subject"},
		{"lifetime for both", "alice", []ginpaseto.TokenOption{ginpaseto.ExpiresIn(time.Hour)}, "ForToken(TypeAccess, ...) or ForToken(TypeRefresh, ...)"},
		{"ForToken of another type", "alice", []ginpaseto.TokenOption{ginpaseto.ForToken("invite", ginpaseto.ExpiresIn(time.Hour))}, `ForToken("invite"): a pair has an access token and a refresh token; use TypeAccess or TypeRefresh`},
		{"no expiry", "alice", []ginpaseto.TokenOption{ginpaseto.ForToken(ginpaseto.TypeRefresh, ginpaseto.NoExpiry())}, "a session must end"},
		{"fresh", "alice", []ginpaseto.TokenOption{ginpaseto.Fresh()}, "Fresh"},
		{"fresh for access", "alice", []ginpaseto.TokenOption{ginpaseto.ForToken(ginpaseto.TypeAccess, ginpaseto.Fresh())}, "Fresh"},
		{"nil option", "alice", []ginpaseto.TokenOption{nil}, "nil TokenOption"},
		{"bad option", "alice", []ginpaseto.TokenOption{ginpaseto.ForToken(ginpaseto.TypeAccess, ginpaseto.ExpiresIn(-1))}, "positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := auth.CreateTokenPair(context.Background(), tt.subject, tt.opts...)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	_, err := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.ForToken(ginpaseto.TypeAccess))
	assert.ErrorContains(t, err, "token pairs only")

	t.Run("nil context", func(t *testing.T) {
		var ctx context.Context // a caller's mistake, never a panic
		_, err := auth.CreateTokenPair(ctx, "alice")
		assert.ErrorContains(t, err, "CreateTokenPair: ctx is nil")
		pair, err := auth.CreateTokenPair(context.Background(), "alice")
		require.NoError(t, err)
		claims, err := auth.ParseToken(pair.RefreshToken)
		require.NoError(t, err)
		_, err = auth.RotateRefreshToken(ctx, claims)
		assert.ErrorContains(t, err, "RotateRefreshToken: ctx is nil")
	})
}

// TestSessionFlow drives login, refresh, reuse and logout over HTTP.
func TestSessionFlow(t *testing.T) {
	clk := newClock()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now)) // the default grace, 30 s
	srv := serveSessions(t, auth)

	first := loginAs(t, srv, "alice")
	bob := loginAs(t, srv, "bob")
	expect(t, userWith(t, srv, first.AccessToken), 200, user("alice"))

	// Rotation: a new pair in the same session; the old access token
	// lives on until it expires, the old refresh token is spent.
	second := pairFrom(t, refreshWith(t, srv, first.RefreshToken))
	claims, err := auth.ParseToken(second.AccessToken)
	require.NoError(t, err)
	assert.False(t, claims.Fresh, "a refreshed access token is not fresh")
	third := pairFrom(t, refreshWith(t, srv, second.RefreshToken))
	expect(t, userWith(t, srv, third.AccessToken), 200, user("alice"))

	// Reuse of a spent refresh token, after the grace of the rotation that
	// consumed it: the session ends, the newest tokens of the victim with
	// it; other sessions go on.
	clk.Advance(time.Minute)
	got := refreshWith(t, srv, first.RefreshToken)
	expect(t, got, 401, detail("Refresh token reuse detected"))
	assert.Equal(t, `Bearer error="invalid_token"`, got.challenge)
	expect(t, userWith(t, srv, third.AccessToken), 401, detail("Token has been revoked"))
	expect(t, refreshWith(t, srv, third.RefreshToken), 401, detail("Token has been revoked"))
	expect(t, userWith(t, srv, bob.AccessToken), 200, user("bob"))

	// Logout ends the session: access and refresh token alike.
	expect(t, do(t, srv, request{method: http.MethodPost, path: "/logout", token: bob.AccessToken}), 204, "")
	expect(t, userWith(t, srv, bob.AccessToken), 401, detail("Token has been revoked"))
	expect(t, refreshWith(t, srv, bob.RefreshToken), 401, detail("Token has been revoked"))
	expect(t, do(t, srv, request{method: http.MethodPost, path: "/logout", token: bob.AccessToken}), 401, detail("Token has been revoked"))

	// A token outside sessions is revoked alone.
	loose := token(t, auth, ginpaseto.TypeAccess)
	expect(t, do(t, srv, request{method: http.MethodPost, path: "/logout", token: loose}), 204, "")
	expect(t, userWith(t, srv, loose), 401, detail("Token has been revoked"))
}

func TestRotateRefreshTokenErrors(t *testing.T) {
	ctx := context.Background()
	auth := newAuth(t)
	pair, err := auth.CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	access, err := auth.ParseToken(pair.AccessToken)
	require.NoError(t, err)
	loose, err := auth.ParseToken(token(t, auth, ginpaseto.TypeRefresh))
	require.NoError(t, err)

	tests := []struct {
		name    string
		claims  *ginpaseto.Claims
		status  int // 0: not an *Error
		message string
		is      error
	}{
		{"nil claims", nil, 0, "claims are nil", nil},
		{"access token", access, 401, "Refresh token required but access provided", ginpaseto.ErrWrongTokenType},
		{"no session", loose, 401, "Refresh token belongs to no session", ginpaseto.ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := auth.RotateRefreshToken(ctx, tt.claims)
			require.Error(t, err)
			var e *ginpaseto.Error
			if tt.status == 0 {
				assert.False(t, errors.As(err, &e))
				assert.ErrorContains(t, err, tt.message)
				return
			}
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.status, e.Status)
			assert.Equal(t, tt.message, e.Message)
			assert.ErrorIs(t, err, tt.is)
		})
	}
	assert.ErrorContains(t, func() error { _, err := auth.RotateRefreshToken(ctx, loose); return errors.Unwrap(err) }(), "sid")
}

// TestRotateConcurrently: of many concurrent rotations with one refresh
// token exactly one succeeds; the others are reuse, which ends the
// session, so even the winner's new pair is refused afterwards.
func TestRotateConcurrently(t *testing.T) {
	ctx := context.Background()
	auth := newAuth(t, ginpaseto.WithRefreshGrace(0))
	pair, err := auth.CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	claims, err := auth.ParseToken(pair.RefreshToken)
	require.NoError(t, err)

	const n = 32
	var ok, reused atomic.Int32
	var winner atomic.Pointer[ginpaseto.TokenPair]
	var start sync.WaitGroup
	start.Add(1)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			start.Wait()
			next, err := auth.RotateRefreshToken(ctx, claims)
			switch {
			case err == nil:
				ok.Add(1)
				winner.Store(next)
			case errors.Is(err, ginpaseto.ErrRefreshTokenReused), errors.Is(err, ginpaseto.ErrTokenRevoked):
				reused.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	start.Done()
	wg.Wait()
	assert.Equal(t, int32(1), ok.Load(), "exactly one rotation succeeds")
	assert.Equal(t, int32(n-1), reused.Load())
	_, err = auth.CheckToken(ctx, winner.Load().AccessToken, ginpaseto.TypeAccess)
	assert.ErrorIs(t, err, ginpaseto.ErrTokenRevoked, "reuse ended the session")
}

// TestRevokeSubject: logging out everywhere ends every session and every
// earlier token of the subject; a login right after, in the same second,
// works; a token outside sessions in that second is refused too.
func TestRevokeSubject(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now))
	srv := serveSessions(t, auth)
	laptop, phone, bob := loginAs(t, srv, "alice"), loginAs(t, srv, "alice"), loginAs(t, srv, "bob")
	loose := token(t, auth, ginpaseto.TypeAccess)

	expect(t, do(t, srv, request{method: http.MethodPost, path: "/logout-all", token: laptop.AccessToken}), 204, "")
	clk.Advance(time.Millisecond)
	afterwards := loginAs(t, srv, "alice")
	sameSecond := token(t, auth, ginpaseto.TypeAccess)
	for _, tok := range []string{laptop.AccessToken, phone.AccessToken, loose, sameSecond} {
		expect(t, userWith(t, srv, tok), 401, detail("Token has been revoked"))
	}
	expect(t, refreshWith(t, srv, phone.RefreshToken), 401, detail("Token has been revoked"))
	expect(t, userWith(t, srv, afterwards.AccessToken), 200, user("alice"))
	expect(t, userWith(t, srv, bob.AccessToken), 200, user("bob"))

	clk.Advance(time.Second)
	expect(t, userWith(t, srv, token(t, auth, ginpaseto.TypeAccess)), 200, user("alice"))

	assert.ErrorContains(t, auth.RevokeSubject(ctx, ""), "subject is empty")
	assert.ErrorContains(t, auth.RevokeSession(ctx, ""), "session ID is empty")
}

func TestSessionsNeedRevocableTypes(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithRevocableTypes(ginpaseto.TypeRefresh))
	for _, err := range []error{
		auth.RevokeSession(context.Background(), "s"),
		auth.RevokeSubject(context.Background(), "alice"),
	} {
		assert.ErrorContains(t, err, "WithRevocableTypes")
	}
}

// TestSessionStoreDown: every session operation fails closed with 503 and
// keeps the cause.
func TestSessionStoreDown(t *testing.T) {
	ctx := context.Background()
	up := newAuth(t)
	pair, err := up.CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	refresh, err := up.ParseToken(pair.RefreshToken)
	require.NoError(t, err)

	down := newAuth(t, ginpaseto.WithStore(failingStore{}))
	_, createErr := down.CreateTokenPair(ctx, "alice")
	_, rotateErr := down.RotateRefreshToken(ctx, refresh)
	for _, err := range []error{createErr, rotateErr, down.RevokeSession(ctx, "s"), down.RevokeSubject(ctx, "alice")} {
		var e *ginpaseto.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, http.StatusServiceUnavailable, e.Status)
		assert.Equal(t, "Session store unavailable", e.Message)
		assert.ErrorIs(t, err, errStoreDown)
	}
	srv := serveSessions(t, down)
	expect(t, do(t, srv, request{method: http.MethodPost, path: "/login?user=alice"}), 503, detail("Session store unavailable"))
	expect(t, refreshWith(t, srv, pair.RefreshToken), 503, detail("Token revocation status unavailable"))
}

// TestPairOptions: the handlers ask for token options per request and
// refuse when the function does.
func TestPairOptions(t *testing.T) {
	auth := newAuth(t)
	roles := map[string]string{"alice": "admin"}
	opts := ginpaseto.PairOptions(func(c *gin.Context, subject string) ([]ginpaseto.TokenOption, error) {
		role, ok := roles[subject]
		if !ok {
			return nil, &ginpaseto.Error{Status: http.StatusUnauthorized, Message: "Unknown user", Err: ginpaseto.ErrTokenRevoked}
		}
		return []ginpaseto.TokenOption{ginpaseto.ForToken(ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"role": role}))}, nil
	})
	srv := serve(t, sessionRoutes(auth, opts))
	pair := loginAs(t, srv, "alice")
	roles["alice"] = "member" // read again at the refresh
	next := pairFrom(t, refreshWith(t, srv, pair.RefreshToken))
	claims, err := auth.ParseToken(next.AccessToken)
	require.NoError(t, err)
	var role string
	require.NoError(t, claims.Get("role", &role))
	assert.Equal(t, "member", role)

	delete(roles, "alice")
	expect(t, refreshWith(t, srv, next.RefreshToken), 401, detail("Unknown user"))
	expect(t, do(t, srv, request{method: http.MethodPost, path: "/login?user=carol"}), 401, detail("Unknown user"))
	assert.Panics(t, func() { ginpaseto.PairOptions(nil) })
}

// TestHandlersWithoutCheck: the refresh handler registered without its
// check fails closed with 500 instead of acting on no token; the logout
// handler checks the request itself.
func TestHandlersWithoutCheck(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	r.POST("/refresh", auth.RefreshHandler())
	r.POST("/logout", auth.LogoutHandler())
	srv := serve(t, r)
	expect(t, do(t, srv, request{method: http.MethodPost, path: "/refresh"}), 500, detail("Internal server error"))
	expect(t, do(t, srv, request{method: http.MethodPost, path: "/logout"}), 401, detail("PASETO Authorization Token required"))
	expect(t, do(t, serveSessions(t, auth), request{method: http.MethodPost, path: "/login?user="}), 500, detail("Internal server error"))
}

// TestSessionHandlersAreNotCached: the answers that carry tokens, in the
// body or in cookies, tell caches not to keep them.
func TestSessionHandlersAreNotCached(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []ginpaseto.HandlerOption
	}{{"JSON", nil}, {"cookies", []ginpaseto.HandlerOption{ginpaseto.SessionCookies()}}} {
		t.Run(tc.name, func(t *testing.T) {
			auth := newAuth(t, ginpaseto.WithCookies(ginpaseto.CookieConfig{Insecure: true}))
			srv := serve(t, sessionRoutes(auth, tc.opts...))
			post := func(path, token string) *http.Response {
				req, err := http.NewRequest(http.MethodPost, srv.URL+path, nil)
				require.NoError(t, err)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := srv.Client().Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode)
				return resp
			}
			login := post("/login?user=alice", "")
			pair, err := auth.CreateTokenPair(t.Context(), "bob")
			require.NoError(t, err)
			refresh := post("/refresh", pair.RefreshToken)
			for name, resp := range map[string]*http.Response{"login": login, "refresh": refresh} {
				assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), name)
				assert.Equal(t, "no-cache", resp.Header.Get("Pragma"), name)
			}
		})
	}
}
