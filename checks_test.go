package ginpaseto_test

import (
	"context"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
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
