package ginpaseto_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// revoke puts tok on auth's denylist.
func revoke(t testing.TB, auth *ginpaseto.Authorizer, tok string) {
	t.Helper()
	claims, err := auth.ParseToken(tok)
	require.NoError(t, err)
	require.NoError(t, auth.Revoke(context.Background(), claims))
}

func TestChecksTokenTypes(t *testing.T) {
	auth := newAuth(t)
	srv := serve(t, routes(auth))

	access := token(t, auth, ginpaseto.TypeAccess)
	fresh := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Fresh())
	refresh := token(t, auth, ginpaseto.TypeRefresh)
	reset := token(t, auth, "reset")
	invite := token(t, auth, "invite")

	const (
		missing       = "PASETO Authorization Token required"
		accessWanted  = "Access token required but "
		refreshWanted = "Refresh token required but "
		resetWanted   = "reset token required but "
	)
	tests := []struct {
		path   string
		token  string
		status int
		body   string
	}{
		{"/required", "", 401, detail(missing)},
		{"/required", access, 200, user("alice")},
		{"/required", fresh, 200, user("alice")},
		{"/required", refresh, 401, detail(accessWanted + "refresh provided")},
		{"/required", reset, 401, detail(accessWanted + "reset provided")},

		{"/optional", "", 200, user("")},
		{"/optional", access, 200, user("alice")},
		{"/optional", fresh, 200, user("alice")},
		{"/optional", refresh, 401, detail(accessWanted + "refresh provided")},
		{"/optional", reset, 401, detail(accessWanted + "reset provided")},

		{"/fresh", "", 401, detail(missing)},
		{"/fresh", fresh, 200, user("alice")},
		{"/fresh", access, 401, detail("PASETO access token is not fresh")},
		{"/fresh", refresh, 401, detail(accessWanted + "refresh provided")},
		{"/fresh", reset, 401, detail(accessWanted + "reset provided")},

		{"/refresh", "", 401, detail(missing)},
		{"/refresh", refresh, 200, user("alice")},
		{"/refresh", access, 401, detail(refreshWanted + "access provided")},
		{"/refresh", fresh, 401, detail(refreshWanted + "access provided")},
		{"/refresh", reset, 401, detail(refreshWanted + "reset provided")},

		{"/reset", "", 401, detail(missing)},
		{"/reset", reset, 200, user("alice")},
		{"/reset", access, 401, detail(resetWanted + "access provided")},
		{"/reset", refresh, 401, detail(resetWanted + "refresh provided")},
		{"/reset", invite, 401, detail(resetWanted + "invite provided")},
	}
	names := map[string]string{"": "none", access: "access", fresh: "fresh", refresh: "refresh", reset: "reset", invite: "invite"}
	for _, tt := range tests {
		t.Run(tt.path[1:]+"/"+names[tt.token], func(t *testing.T) {
			expect(t, do(t, srv, request{path: tt.path, token: tt.token}), tt.status, tt.body)
		})
	}
}

func TestOptional(t *testing.T) {
	clk := newClock()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now))
	access := token(t, auth, ginpaseto.TypeAccess)
	expired := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExpiresAt(clk.Now().Add(-time.Second)))
	revoked := token(t, auth, ginpaseto.TypeAccess)
	revoke(t, auth, revoked)
	other, err := ginpaseto.New(ginpaseto.WithSecretKey("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
	require.NoError(t, err)
	wrongKey := token(t, other, ginpaseto.TypeAccess)

	r := gin.New()
	r.GET("/p", auth.Optional(), func(c *gin.Context) {
		_, ok := ginpaseto.GetClaims(c)
		c.JSON(200, gin.H{"user": ginpaseto.Subject(c), "claims": ok})
	})
	srv := serve(t, r)

	anonymous := `{"claims":false,"user":""}`
	tests := []struct {
		name    string
		headers []string
		status  int
		body    string
	}{
		{"valid", []string{"Authorization", "Bearer " + access}, 200, `{"claims":true,"user":"alice"}`},
		{"no token", nil, 200, anonymous},
		{"malformed header", []string{"Authorization", "Basic " + access}, 200, anonymous},
		{"prefix only", []string{"Authorization", "Bearer"}, 200, anonymous},
		{"garbage", []string{"Authorization", "Bearer v4.local.garbage"}, 200, anonymous},
		{"not a token", []string{"Authorization", "Bearer hello"}, 200, anonymous},
		{"expired", []string{"Authorization", "Bearer " + expired}, 200, anonymous},
		{"wrong key", []string{"Authorization", "Bearer " + wrongKey}, 200, anonymous},
		{"revoked", []string{"Authorization", "Bearer " + revoked}, 401, detail("Token has been revoked")},
		{"refresh", []string{"Authorization", "Bearer " + token(t, auth, ginpaseto.TypeRefresh)}, 401,
			detail("Access token required but refresh provided")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, do(t, srv, request{headers: tt.headers}), tt.status, tt.body)
		})
	}
}

// TestVerificationOrder pins the order of SPEC §5: claims (4) before the
// denylist (5) before the type (6).
func TestVerificationOrder(t *testing.T) {
	clk := newClock()
	start := clk.Now()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now))
	srv := serve(t, routes(auth))

	revokedRefresh := token(t, auth, ginpaseto.TypeRefresh)
	revoke(t, auth, revokedRefresh)
	revokedAccess := token(t, auth, ginpaseto.TypeAccess)
	revoke(t, auth, revokedAccess)
	revokedStale := token(t, auth, ginpaseto.TypeAccess)
	revoke(t, auth, revokedStale)

	tests := []struct {
		name  string
		path  string
		token string
		at    time.Duration
		body  string
	}{
		{"revoked refresh to Required", "/required", revokedRefresh, 0, detail("Token has been revoked")},
		{"revoked access to RefreshRequired", "/refresh", revokedAccess, 0, detail("Token has been revoked")},
		{"revoked access to FreshRequired", "/fresh", revokedAccess, 0, detail("Token has been revoked")},
		{"revoked and expired", "/required", revokedStale, 16 * time.Minute, detail("Token has expired")},
		{"revoked and expired to RefreshRequired", "/refresh", revokedStale, 16 * time.Minute, detail("Token has expired")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.set(start.Add(tt.at))
			defer clk.set(start)
			expect(t, do(t, srv, request{path: tt.path, token: tt.token}), 401, tt.body)
		})
	}
}

// routes serves the checks of auth on /required, /optional, /fresh,
// /refresh and /reset (TypeRequired("reset")).
func routes(auth *ginpaseto.Authorizer) *gin.Engine {
	r := gin.New()
	r.GET("/required", auth.Required(), whoami)
	r.GET("/optional", auth.Optional(), whoami)
	r.GET("/fresh", auth.FreshRequired(), whoami)
	r.GET("/refresh", auth.RefreshRequired(), whoami)
	r.GET("/reset", auth.TypeRequired("reset"), whoami)
	return r
}

func TestTypeRequiredEmptyPanics(t *testing.T) {
	auth := newAuth(t)
	require.Panics(t, func() { auth.TypeRequired("") })
}

// lookupCounter is a MemoryStore that counts its IsRevoked calls.
type lookupCounter struct {
	ginpaseto.Store
	isRevoked atomic.Int64
}

func (s *lookupCounter) IsRevoked(ctx context.Context, c *ginpaseto.Claims) (bool, error) {
	s.isRevoked.Add(1)
	return s.Store.IsRevoked(ctx, c)
}

func newLookupCounter() *lookupCounter {
	return &lookupCounter{Store: &ginpaseto.MemoryStore{}}
}

// TestNestedChecksVerifyOnce: a route inside a group that runs Required
// requires scopes or runs an Authorize hook on the token the group's
// check accepted: one store lookup per request, and the route's own
// refusals still apply.
func TestNestedChecksVerifyOnce(t *testing.T) {
	store := newLookupCounter()
	rec := &recorder{}
	auth := newAuth(t, ginpaseto.WithStore(store), ginpaseto.WithObserver(rec))
	other := newAuth(t, ginpaseto.WithStore(store))
	var hookSaw []string
	r := gin.New()
	g := r.Group("/admin", auth.Required())
	g.GET("/scoped", auth.Required(ginpaseto.RequireScopes("admin")), whoami)
	g.GET("/hooked", auth.Required(ginpaseto.Authorize(func(c *gin.Context, claims *ginpaseto.Claims) error {
		got, _ := ginpaseto.GetClaims(c)
		hookSaw = append(hookSaw, claims.Subject+"/"+got.Subject)
		if claims.Subject != "alice" {
			return errors.New("not alice")
		}
		return nil
	})), whoami)
	g.GET("/query", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InQuery)), whoami)
	g.GET("/other", other.Required(), whoami)
	g.GET("/fresh", auth.FreshRequired(), whoami)
	g.GET("/refresh", auth.RefreshRequired(), whoami)
	g.GET("/optional", auth.Optional(), whoami)
	srv := serve(t, r)

	admin := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Scopes("admin"))
	plain := token(t, auth, ginpaseto.TypeAccess)
	fresh := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Fresh())
	bob, err := auth.CreateAccessToken(t.Context(), "bob")
	require.NoError(t, err)
	tests := []struct {
		name    string
		path    string
		token   string
		status  int
		body    string
		lookups int64 // IsRevoked calls
		sources []string
	}{
		{"scope held", "/admin/scoped", admin, 200, user("alice"), 1, []string{"header", "previous_check"}},
		{"scope lacking", "/admin/scoped", plain, 403, detail("Insufficient scope"), 1, []string{"header", "previous_check"}},
		{"hook allows", "/admin/hooked", plain, 200, user("alice"), 1, []string{"header", "previous_check"}},
		{"hook refuses", "/admin/hooked", bob, 403, detail("Forbidden"), 1, []string{"header", "previous_check"}},
		{"Optional inside Required", "/admin/optional", plain, 200, user("alice"), 1, []string{"header", "previous_check"}},
		{"FreshRequired refuses a token that is not fresh", "/admin/fresh", plain, 401, detail("PASETO access token is not fresh"), 1, []string{"header", "previous_check"}},
		{"FreshRequired lets a fresh token through", "/admin/fresh", fresh, 200, user("alice"), 1, []string{"header", "previous_check"}},
		{"RefreshRequired refuses the access token", "/admin/refresh", plain, 401, detail("Refresh token required but access provided"), 1, []string{"header", "previous_check"}},
		{"other locations verify again", "/admin/query", plain, 200, user("alice"), 2, []string{"header", "header"}},
		{"another Authorizer verifies again", "/admin/other", plain, 200, user("alice"), 2, []string{"header"}},
		{"no token: the group refuses", "/admin/scoped", "", 401, detail(missing), 0, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store.isRevoked.Store(0)
			rec.take()
			hookSaw = nil
			expect(t, do(t, srv, request{path: tt.path, token: tt.token}), tt.status, tt.body)
			assert.Equal(t, tt.lookups, store.isRevoked.Load(), "IsRevoked calls")
			var sources []string
			for _, r := range results(rec.take()) {
				sources = append(sources, r.Source)
			}
			assert.Equal(t, tt.sources, sources)
		})
	}
	store.isRevoked.Store(0)
	expect(t, do(t, srv, request{path: "/admin/hooked", token: plain}), 200, user("alice"))
	assert.Equal(t, []string{"alice/alice"}, hookSaw, "the hook sees the accepted claims, also through GetClaims")
}

// TestNestedCheckAfterRevocation: the reuse lasts one request; the next
// request asks the store again and finds the token revoked.
func TestNestedCheckAfterRevocation(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	g := r.Group("/admin", auth.Required())
	g.GET("/scoped", auth.Required(ginpaseto.RequireScopes("admin")), whoami)
	srv := serve(t, r)
	admin := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Scopes("admin"))

	expect(t, do(t, srv, request{path: "/admin/scoped", token: admin}), 200, user("alice"))
	revoke(t, auth, admin)
	expect(t, do(t, srv, request{path: "/admin/scoped", token: admin}), 401, detail("Token has been revoked"))
}

// TestNestedCheckOtherAssertion: a nested check that binds the token to
// another implicit assertion, or unwraps base64, verifies again.
func TestNestedCheckOtherAssertion(t *testing.T) {
	auth := newAuth(t)
	tenant := ginpaseto.ImplicitAssertion([]byte("tenant:acme"))
	r := gin.New()
	g := r.Group("/t", auth.Required(tenant))
	g.GET("/same", auth.Required(tenant), whoami)
	g.GET("/other", auth.Required(ginpaseto.ImplicitAssertion([]byte("tenant:globex"))), whoami)
	srv := serve(t, r)
	tok := token(t, auth, ginpaseto.TypeAccess, tenant)

	expect(t, do(t, srv, request{path: "/t/same", token: tok}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/t/other", token: tok}), 401, detail("Invalid PASETO token"))
}
