package ginpaseto_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// Check options given to New are the defaults of every check; a check's
// own options start from them.

func TestSkipAtNewAddsUp(t *testing.T) {
	auth := newAuth(t, ginpaseto.Skip(func(c *gin.Context) bool { return c.Query("a") == "1" }))
	r := gin.New()
	r.GET("/default", auth.Required(), whoami)
	r.GET("/both", auth.Required(ginpaseto.Skip(func(c *gin.Context) bool { return c.Query("b") == "1" })), whoami)
	srv := serve(t, r)

	expect(t, do(t, srv, request{path: "/default?a=1"}), 200, user(""))
	expect(t, do(t, srv, request{path: "/default?b=1"}), 401, detail(missing))
	expect(t, do(t, srv, request{path: "/both?a=1"}), 200, user(""))
	expect(t, do(t, srv, request{path: "/both?b=1"}), 200, user(""))
	expect(t, do(t, srv, request{path: "/both"}), 401, detail(missing))
}

func TestRequireScopesAtNew(t *testing.T) {
	auth := newAuth(t, ginpaseto.RequireScopes("api"))
	r := gin.New()
	r.GET("/default", auth.Required(), whoami)
	r.GET("/admin", auth.Required(ginpaseto.RequireScopes("admin")), whoami)
	srv := serve(t, r)
	api := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Scopes("api"))
	admin := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Scopes("admin"))
	both := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Scopes("api", "admin"))

	expect(t, do(t, srv, request{path: "/default", token: api}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/default", token: admin}), 403, detail("Insufficient scope"))
	expect(t, do(t, srv, request{path: "/admin", token: api}), 403, detail("Insufficient scope"))
	expect(t, do(t, srv, request{path: "/admin", token: admin}), 403, detail("Insufficient scope"))
	expect(t, do(t, srv, request{path: "/admin", token: both}), 200, user("alice"))

	_, err := auth.CheckToken(t.Context(), admin, ginpaseto.TypeAccess)
	assert.ErrorIs(t, err, ginpaseto.ErrInsufficientScope, "CheckToken starts from the defaults too")
}

func TestAuthorizeAtNewRunsFirst(t *testing.T) {
	var order []string
	hook := func(name string) ginpaseto.CheckOption {
		return ginpaseto.Authorize(func(*gin.Context, *ginpaseto.Claims) error {
			order = append(order, name)
			return nil
		})
	}
	auth := newAuth(t, hook("authorizer"))
	r := gin.New()
	r.GET("/default", auth.Required(), whoami)
	r.GET("/route", auth.Required(hook("route")), whoami)
	srv := serve(t, r)
	access := token(t, auth, ginpaseto.TypeAccess)

	expect(t, do(t, srv, request{path: "/default", token: access}), 200, user("alice"))
	assert.Equal(t, []string{"authorizer"}, order)
	order = nil
	expect(t, do(t, srv, request{path: "/route", token: access}), 200, user("alice"))
	assert.Equal(t, []string{"authorizer", "route"}, order)

	_, err := auth.CheckToken(t.Context(), access, ginpaseto.TypeAccess)
	require.Error(t, err, "a hook given to New cannot be skipped by CheckToken")
	assert.Contains(t, err.Error(), "Authorize needs a request, whether given to New or here")
}

func TestAddTokenLocationsAtNew(t *testing.T) {
	auth := newAuth(t, ginpaseto.AddTokenLocations(ginpaseto.InQuery.Named("t")))
	r := gin.New()
	r.GET("/default", auth.Required(), whoami)
	r.GET("/replaced", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader)), whoami)
	r.GET("/added", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InHeader.Named("X-Token").Prefix(""))), whoami)
	srv := serve(t, r)
	access := token(t, auth, ginpaseto.TypeAccess)

	expect(t, do(t, srv, request{path: "/default", token: access}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/default?t=" + access}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/replaced?t=" + access}), 401, detail(missing))
	expect(t, do(t, srv, request{path: "/added?t=" + access}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/added", headers: []string{"X-Token", access}}), 200, user("alice"))
}

// TestLocationParameters: a location's own parameters win over the
// defaults, which FromEnv's PASETO_HEADER_NAME and PASETO_HEADER_PREFIX set
// for the InHeader that names none.
func TestLocationParameters(t *testing.T) {
	t.Setenv("PASETO_HEADER_NAME", "X-Env-Token")
	t.Setenv("PASETO_HEADER_PREFIX", "")
	auth := newAuth(t, ginpaseto.FromEnv())
	r := gin.New()
	r.GET("/default", auth.Required(), whoami)
	r.GET("/named", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Own"))), whoami)
	r.GET("/prefixed", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader.Prefix("Token"))), whoami)
	srv := serve(t, r)
	access := token(t, auth, ginpaseto.TypeAccess)

	expect(t, do(t, srv, request{path: "/default", headers: []string{"X-Env-Token", access}}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/default", token: access}), 401, detail(missing))
	expect(t, do(t, srv, request{path: "/named", headers: []string{"X-Own", access}}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/prefixed", headers: []string{"X-Env-Token", "Token " + access}}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/prefixed", headers: []string{"X-Env-Token", access}}), 401,
		detail("Bad X-Env-Token header. Expected value 'Token <PASETO>'"))
}

// TestLocationsAreValues: a location is the same value however it was
// spelled, and a check searches it once.
func TestLocationsAreValues(t *testing.T) {
	assert.Equal(t, ginpaseto.InHeader.Prefix("Bearer"), ginpaseto.InHeader.Prefix("a").Prefix("Bearer"), "the last parameter given wins")
	assert.Equal(t, ginpaseto.InQuery.Named("t").Prefix(""), ginpaseto.InQuery.Prefix("").Named("t"))
	assert.NotEqual(t, ginpaseto.InHeader, ginpaseto.InHeader.Named("Authorization"), "a name given is a parameter set")
	f := func(*gin.Context) (string, error) { return "", nil }
	assert.NotEqual(t, ginpaseto.InFunc(f), ginpaseto.InFunc(f), "each InFunc is a location of its own")

	calls := 0
	counted := ginpaseto.InFunc(func(*gin.Context) (string, error) { calls++; return "", nil })
	auth := newAuth(t, ginpaseto.WithTokenLocations(counted, ginpaseto.InHeader))
	r := gin.New()
	r.GET("/", auth.Required(ginpaseto.AddTokenLocations(counted, ginpaseto.InHeader)), whoami)
	expect(t, do(t, serve(t, r), request{path: "/"}), 401, detail(missing))
	assert.Equal(t, 1, calls)
}

// TestInCookieAtNew: a cookie among the locations given to New makes the
// Authorizer's pairs carry the csrf claim, as WithCookies does; on a route
// of an Authorizer without it, the check refuses to be registered.
func TestInCookieAtNew(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InCookie.Named("sid")))
	r := gin.New()
	r.POST("/p", auth.Required(), whoami)
	srv := serve(t, r)
	pair, err := auth.CreateTokenPair(t.Context(), "alice")
	require.NoError(t, err)
	require.NotEmpty(t, pair.CSRFToken)

	cookie := []string{"Cookie", "sid=" + pair.AccessToken}
	expect(t, do(t, srv, request{method: "POST", path: "/p", headers: cookie}), 403, detail("Missing CSRF Token"))
	withCSRF := append(cookie, "X-CSRF-Token", pair.CSRFToken)
	expect(t, do(t, srv, request{method: "POST", path: "/p", headers: withCSRF}), 200, user("alice"))

	assert.PanicsWithValue(t,
		"ginpaseto: InCookie needs an Authorizer built with WithCookies (or listing InCookie in WithTokenLocations), whose token pairs carry the csrf claim",
		func() { newAuth(t).Required(ginpaseto.AddTokenLocations(ginpaseto.InCookie.Named("sid"))) })
}

// TestSharedOptionsAtNew: Base64 and ImplicitAssertion given to New apply
// to every created token and every check, ParseToken and CheckToken too.
func TestSharedOptionsAtNew(t *testing.T) {
	ctx := context.Background()
	auth := newAuth(t, ginpaseto.Base64(), ginpaseto.ImplicitAssertion([]byte("tenant:acme")))
	plain := newAuth(t)
	srv := serve(t, routes(auth))

	tok := token(t, auth, ginpaseto.TypeAccess)
	raw, err := base64.StdEncoding.DecodeString(tok)
	require.NoError(t, err, "created tokens are wrapped")
	require.True(t, strings.HasPrefix(string(raw), "v4.local."))
	_, err = plain.ParseToken(string(raw))
	assert.ErrorIs(t, err, ginpaseto.ErrTokenInvalid, "the token is bound to the assertion")
	_, err = plain.ParseToken(string(raw), ginpaseto.ImplicitAssertion([]byte("tenant:acme")))
	require.NoError(t, err)

	expect(t, do(t, srv, request{path: "/required", token: tok}), 200, user("alice"))
	_, err = auth.ParseToken(tok)
	require.NoError(t, err)
	_, err = auth.CheckToken(ctx, tok, ginpaseto.TypeAccess)
	require.NoError(t, err)
	_, err = auth.ParseToken(tok, ginpaseto.ImplicitAssertion([]byte("tenant:globex")))
	assert.ErrorIs(t, err, ginpaseto.ErrTokenInvalid, "an option given to the call replaces New's")

	pair, err := auth.CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	_, err = base64.StdEncoding.DecodeString(pair.RefreshToken)
	require.NoError(t, err, "the tokens of pairs are wrapped too")
	_, err = auth.CheckToken(ctx, pair.RefreshToken, ginpaseto.TypeRefresh)
	require.NoError(t, err)
}

func TestImplicitAssertionFromAtNew(t *testing.T) {
	auth := newAuth(t, ginpaseto.ImplicitAssertionFrom(func(c *gin.Context) ([]byte, error) {
		if c.Param("tenant") == "" {
			return nil, errors.New("no tenant")
		}
		return []byte("tenant:" + c.Param("tenant")), nil
	}))
	r := gin.New()
	r.GET("/t/:tenant", auth.Required(), whoami)
	srv := serve(t, r)
	tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ImplicitAssertion([]byte("tenant:acme")))

	expect(t, do(t, srv, request{path: "/t/acme", token: tok}), 200, user("alice"))
	expect(t, do(t, srv, request{path: "/t/globex", token: tok}), 401, detail("Invalid PASETO token"))

	_, err := auth.ParseToken(tok)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ParseToken: ImplicitAssertionFrom needs a request, whether given to New or here")
	_, err = auth.ParseToken(tok, ginpaseto.ImplicitAssertion([]byte("tenant:acme")))
	require.NoError(t, err, "an assertion given to the call replaces the function")
}

func TestCloseWebSocketAtNewAndPerRoute(t *testing.T) {
	auth := newAuth(t)
	closing := newAuth(t, ginpaseto.CloseWebSocket())
	for _, tc := range []struct {
		name  string
		check gin.HandlerFunc
		close bool
	}{
		{"default", auth.Required(), false},
		{"route", auth.Required(ginpaseto.CloseWebSocket()), true},
		{"authorizer", closing.Required(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, resp, err := wsDial(t, wsServer(t, tc.check), nil, nil)
			if !tc.close {
				require.Error(t, err)
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "PASETO Authorization Token required", wsClosed(t, conn))
		})
	}
	requireCloseGoroutinesGone(t)
}
