package ginpaseto_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"aidanwoods.dev/go-paseto"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
)

// logoutRoutes serves a browser and JSON application the documented way:
// the logout routes without a check before them.
func logoutRoutes(auth *ginpaseto.Authorizer) *gin.Engine {
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		auth.StartSession(c, c.DefaultQuery("user", "alice"), ginpaseto.SessionCookies())
	})
	r.POST("/login-json", func(c *gin.Context) { auth.StartSession(c, c.DefaultQuery("user", "alice")) })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.POST("/logout", auth.LogoutHandler())
	r.POST("/logout-all", auth.LogoutHandler(ginpaseto.Everywhere()))
	r.POST("/p", auth.Required(), whoami)
	r.GET("/user", auth.Required(), whoami)
	return r
}

// TestIdleLogout: in the documented browser set-up, logging out after the
// browser dropped the expired access cookie still ends the session and
// clears the cookies. The client honours Path and Max-Age as a browser
// does, and the access token lives two seconds.
func TestIdleLogout(t *testing.T) {
	auth := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.WithLifetime(ginpaseto.TypeAccess, 2*time.Second)) // iat counts whole seconds: at least one left
	b := newBrowserClient(t, logoutRoutes(auth))

	login, _ := b.send("POST", "/login")
	require.Equal(t, http.StatusOK, login.status, login.body)
	saved := b.cookies("/refresh")["__Secure-refresh_token"]
	require.NotEmpty(t, saved)
	assert.Equal(t, saved, b.cookies("/logout")["__Secure-refresh_token"], "the refresh cookie reaches the logout route")
	assert.NotContains(t, b.cookies("/p"), "__Secure-refresh_token", "and no other")
	expect(t, first2(b.send("POST", "/p")), 200, user("alice"))

	// Idle until the client drops the access cookie at its Max-Age.
	deadline := time.Now().Add(30 * time.Second)
	for b.cookies("/")["__Host-access_token"] != "" {
		require.True(t, time.Now().Before(deadline), "the access cookie was never dropped")
		time.Sleep(100 * time.Millisecond)
	}
	expect(t, first2(b.send("POST", "/p")), 401, detail("PASETO Authorization Token required"))

	out, header := b.send("POST", "/logout")
	expect(t, out, 204, "")
	assert.Len(t, header.Values("Set-Cookie"), 4)
	for _, path := range []string{"/", "/refresh", "/logout"} {
		assert.Empty(t, b.cookies(path), "no cookie left for %s", path)
	}
	// The refresh token saved before the logout is refused: the session
	// ended on the server, not only in the browser.
	srv := serve(t, logoutRoutes(auth))
	expect(t, do(t, srv, request{method: "POST", path: "/refresh", token: saved}), 401, detail("Token has been revoked"))
}

// TestLogoutHandler: which credential ends which session, and when the
// cookies are cleared.
func TestLogoutHandler(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	auth := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.WithClock(clk.Now))
	srv := serve(t, logoutRoutes(auth))
	pairOf := func(t *testing.T) *ginpaseto.TokenPair {
		t.Helper()
		pair, err := auth.CreateTokenPair(ctx, "alice")
		require.NoError(t, err)
		return pair
	}
	live := func(t *testing.T, pair *ginpaseto.TokenPair) bool {
		t.Helper()
		_, err := auth.CheckToken(ctx, pair.RefreshToken, ginpaseto.TypeRefresh)
		if err != nil {
			require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
		}
		return err == nil
	}
	send := func(t *testing.T, path string, headers ...string) (reply, []string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, srv.URL+path, nil)
		require.NoError(t, err)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Add(headers[i], headers[i+1])
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return reply{status: resp.StatusCode, body: string(body)}, resp.Header.Values("Set-Cookie")
	}
	cookies := func(pair *ginpaseto.TokenPair, access bool) []string {
		h := []string{"Cookie", "__Secure-refresh_token=" + pair.RefreshToken + "; __Host-csrf_token=" + pair.CSRFToken}
		if access {
			h[1] += "; __Host-access_token=" + pair.AccessToken
		}
		return h
	}

	t.Run("bearer access token: no cookie sent back", func(t *testing.T) {
		pair := pairOf(t)
		out, set := send(t, "/logout", "Authorization", "Bearer "+pair.AccessToken)
		expect(t, out, 204, "")
		assert.Empty(t, set, "a JSON client has no cookie to clear")
		assert.False(t, live(t, pair))
	})
	t.Run("bearer refresh token", func(t *testing.T) {
		pair := pairOf(t)
		out, set := send(t, "/logout", "Authorization", "Bearer "+pair.RefreshToken)
		expect(t, out, 204, "")
		assert.Empty(t, set)
		assert.False(t, live(t, pair))
	})
	t.Run("access cookie", func(t *testing.T) {
		pair := pairOf(t)
		out, set := send(t, "/logout", append(cookies(pair, true), "X-CSRF-Token", pair.CSRFToken)...)
		expect(t, out, 204, "")
		assert.Len(t, set, 4)
		assert.False(t, live(t, pair))
	})
	t.Run("refresh cookie alone", func(t *testing.T) {
		pair := pairOf(t)
		out, set := send(t, "/logout", append(cookies(pair, false), "X-CSRF-Token", pair.CSRFToken)...)
		expect(t, out, 204, "")
		assert.Len(t, set, 4)
		assert.False(t, live(t, pair))
	})
	t.Run("expired access cookie, refresh cookie", func(t *testing.T) {
		pair := pairOf(t)
		clk.Advance(15*time.Minute + time.Second)
		out, set := send(t, "/logout", append(cookies(pair, true), "X-CSRF-Token", pair.CSRFToken)...)
		expect(t, out, 204, "")
		assert.Len(t, set, 4)
		assert.False(t, live(t, pair))
	})
	t.Run("expired access cookie alone: refused, cookies cleared anyway", func(t *testing.T) {
		pair := pairOf(t)
		clk.Advance(15*time.Minute + time.Second)
		out, set := send(t, "/logout", "Cookie", "__Host-access_token="+pair.AccessToken+"; __Host-csrf_token="+pair.CSRFToken, "X-CSRF-Token", pair.CSRFToken)
		expect(t, out, 401, detail("Token has expired"))
		assert.Len(t, set, 4)
		for _, line := range set {
			assert.Contains(t, line, "Max-Age=0")
		}
		assert.True(t, live(t, pair), "nothing proved the session, so it goes on")
	})
	t.Run("no credential", func(t *testing.T) {
		out, set := send(t, "/logout")
		expect(t, out, 401, detail("PASETO Authorization Token required"))
		assert.Empty(t, set)
	})
	t.Run("without the CSRF header: refused, cookies kept", func(t *testing.T) {
		pair := pairOf(t)
		out, set := send(t, "/logout", cookies(pair, true)...)
		expect(t, out, 403, detail("Missing CSRF Token"))
		assert.Empty(t, set, "a request that may come from another page changes nothing")
		assert.True(t, live(t, pair))
	})
	t.Run("from another origin: refused, cookies kept", func(t *testing.T) {
		pair := pairOf(t)
		clk.Advance(15*time.Minute + time.Second) // even with the access token expired
		out, set := send(t, "/logout", append(cookies(pair, true), "X-CSRF-Token", pair.CSRFToken, "Sec-Fetch-Site", "cross-site")...)
		expect(t, out, 403, detail("Cross-origin request refused"))
		assert.Empty(t, set)
		assert.True(t, live(t, pair))
	})
	t.Run("everywhere", func(t *testing.T) {
		one, two, three := pairOf(t), pairOf(t), pairOf(t)
		bob, err := auth.CreateTokenPair(ctx, "bob")
		require.NoError(t, err)
		out, set := send(t, "/logout-all", "Authorization", "Bearer "+two.AccessToken)
		expect(t, out, 204, "")
		assert.Empty(t, set)
		for _, p := range []*ginpaseto.TokenPair{one, two, three} {
			assert.False(t, live(t, p))
		}
		assert.True(t, live(t, bob), "another user's session goes on")
		clk.Advance(time.Second)
		after := pairOf(t)
		assert.True(t, live(t, after), "a login afterwards works")
	})
	t.Run("everywhere with the refresh cookie", func(t *testing.T) {
		one, two := pairOf(t), pairOf(t)
		out, set := send(t, "/logout-all", append(cookies(two, false), "X-CSRF-Token", two.CSRFToken)...)
		expect(t, out, 204, "")
		assert.Len(t, set, 4)
		assert.False(t, live(t, one))
		assert.False(t, live(t, two))
	})
}

// TestLogoutBehindCheck: registered behind Required, as before, the
// handler ends the session of the token the check accepted, and sends no
// cookie to a client that sent none.
func TestLogoutBehindCheck(t *testing.T) {
	auth := cookieAuth(t, ginpaseto.CookieConfig{})
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice") })
	r.POST("/logout", auth.Required(), auth.LogoutHandler())
	r.POST("/logout-all", auth.Required(), auth.LogoutHandler(ginpaseto.Everywhere()))
	srv := serve(t, r)
	login := func() ginpaseto.TokenPair {
		got := do(t, srv, request{method: "POST", path: "/login"})
		var p ginpaseto.TokenPair
		require.NoError(t, json.Unmarshal([]byte(got.body), &p))
		return p
	}
	one, two := login(), login()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/logout", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+one.AccessToken)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Empty(t, resp.Header.Values("Set-Cookie"), "a bearer-token logout sends no cookie deletion")
	_, err = auth.CheckToken(context.Background(), one.AccessToken, ginpaseto.TypeAccess)
	assert.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
	_, err = auth.CheckToken(context.Background(), two.AccessToken, ginpaseto.TypeAccess)
	assert.NoError(t, err, "the other session goes on")

	expect(t, do(t, srv, request{method: "POST", path: "/logout-all", token: two.AccessToken}), 204, "")
	_, err = auth.CheckToken(context.Background(), two.AccessToken, ginpaseto.TypeAccess)
	assert.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
}

// TestLogoutStoreDown: a logout that cannot reach the store answers 503,
// and still clears the browser's cookies.
func TestLogoutStoreDown(t *testing.T) {
	up := cookieAuth(t, ginpaseto.CookieConfig{})
	pair, err := up.CreateTokenPair(context.Background(), "alice")
	require.NoError(t, err)
	down := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.WithStore(failingStore{}))
	srv := serve(t, logoutRoutes(down))
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/logout", nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", "__Host-access_token="+pair.AccessToken+"; __Host-csrf_token="+pair.CSRFToken)
	req.Header.Set("X-CSRF-Token", pair.CSRFToken)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Len(t, resp.Header.Values("Set-Cookie"), 4)
}

// TestLogoutObserved: an observer sees one check per logout, of the token
// that decided, and the session ending.
func TestLogoutObserved(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	rec := &recorder{}
	auth := newAuth(t, ginpaseto.WithClock(clk.Now), ginpaseto.WithObserver(rec))
	srv := serve(t, logoutRoutes(auth))
	tests := []struct {
		name    string
		token   func(p *ginpaseto.TokenPair) string
		expired bool
		want    observe.CheckResult
		ended   bool
	}{
		{"access token", func(p *ginpaseto.TokenPair) string { return p.AccessToken }, false,
			observe.CheckResult{TokenType: ginpaseto.TypeAccess, Outcome: observe.OutcomeAllowed, Reason: observe.ReasonAllowed}, true},
		{"refresh token", func(p *ginpaseto.TokenPair) string { return p.RefreshToken }, false,
			observe.CheckResult{TokenType: ginpaseto.TypeRefresh, Outcome: observe.OutcomeAllowed, Reason: observe.ReasonAllowed}, true},
		{"expired access token", func(p *ginpaseto.TokenPair) string { return p.AccessToken }, true,
			observe.CheckResult{TokenType: ginpaseto.TypeAccess, Outcome: observe.OutcomeRefused, Reason: observe.ReasonExpired}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pair, err := auth.CreateTokenPair(ctx, "alice")
			require.NoError(t, err)
			if tt.expired {
				clk.Advance(15*time.Minute + time.Second)
			}
			rec.take()
			do(t, srv, request{method: http.MethodPost, path: "/logout", token: tt.token(pair)})
			events := rec.take()
			checks := results(events)
			require.Len(t, checks, 1, "one check per logout")
			got := checks[0]
			got.Source, got.Duration = "", 0
			assert.Equal(t, tt.want, got)
			ended := false
			for _, e := range sessionEvents(events) {
				ended = ended || e.Kind == observe.SessionEnded
			}
			assert.Equal(t, tt.ended, ended)
		})
	}
}

// TestLogoutTokenWithoutJTI: a valid token of another issuer that has
// neither sid nor jti cannot be revoked; its logout is refused as 401,
// never answered as a server fault.
func TestLogoutTokenWithoutJTI(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	r.POST("/logout", auth.LogoutHandler())
	r.POST("/logout-behind", auth.Required(), auth.LogoutHandler())
	r.GET("/p", auth.Required(), whoami)
	srv := serve(t, r)
	key, err := hex.DecodeString(testKey)
	require.NoError(t, err)
	k, err := paseto.V4SymmetricKeyFromBytes(key)
	require.NoError(t, err)
	tok := paseto.NewToken()
	tok.SetSubject("alice")
	tok.SetString("type", ginpaseto.TypeAccess)
	tok.SetIssuedAt(time.Now())
	tok.SetExpiration(time.Now().Add(time.Minute))
	foreign := tok.V4Encrypt(k, nil)
	expect(t, do(t, srv, request{token: foreign}), 200, user("alice"))
	for _, path := range []string{"/logout", "/logout-behind"} {
		expect(t, do(t, srv, request{method: http.MethodPost, path: path, token: foreign}), 401, detail("Invalid PASETO token"))
	}
}
