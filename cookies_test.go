package ginpaseto_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// cookieAuth is an Authorizer reading the header, then the cookies.
func cookieAuth(t testing.TB, cfg ginpaseto.CookieConfig, opts ...ginpaseto.Option) *ginpaseto.Authorizer {
	t.Helper()
	return newAuth(t, append([]ginpaseto.Option{
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InCookie),
		ginpaseto.WithCookies(cfg),
	}, opts...)...)
}

func TestCookieConfiguration(t *testing.T) {
	tests := []struct {
		name string
		opts []ginpaseto.Option
		err  string // "" when New must succeed
	}{
		{"defaults", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{})}, ""},
		{"insecure defaults", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{Insecure: true})}, ""},
		{"SameSite=None, Secure", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{SameSite: http.SameSiteNoneMode})}, ""},
		{"SameSite=None without Secure", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{SameSite: http.SameSiteNoneMode, Insecure: true})},
			"SameSite=None cookies must be Secure"},
		{"SameSite default mode", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{SameSite: http.SameSiteDefaultMode})},
			"is not one of http.SameSiteLaxMode"},
		{"__Host- access cookie with a Domain", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{Domain: "example.com"})},
			`cookie "__Host-access_token": browsers accept a __Host- cookie only without a Domain and on Path /`},
		{"Domain with renamed cookies", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{Domain: "example.com", AccessName: "__Secure-access", CSRFName: "csrf"})}, ""},
		{"__Host- cookie on another path", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{AccessPath: "/api"})},
			`cookie "__Host-access_token": browsers accept a __Host- cookie only without a Domain and on Path /`},
		{"__host- in any case", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{RefreshName: "__host-refresh"})},
			`cookie "__host-refresh": browsers accept a __Host- cookie only`},
		{"__Host- name without Secure", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{AccessName: "__Host-a", Insecure: true})},
			"a __Host- cookie must be Secure"},
		{"__Secure- name without Secure", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{RefreshName: "__Secure-r", Insecure: true})},
			"a __Secure- cookie must be Secure"},
		{"same name twice", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{AccessName: "t", RefreshName: "t"})},
			"three different names"},
		{"invalid name", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{CSRFName: "csrf token"})},
			`cookie "csrf token"`},
		{"relative path", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{RefreshPath: "refresh"})},
			`path "refresh" must start with /`},
		{"logout path containing the refresh path", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{LogoutPath: "/"})},
			`LogoutPath "/" contains RefreshPath "/refresh"`},
		{"logout path above the refresh path", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{RefreshPath: "/auth/refresh", LogoutPath: "/auth"})},
			`such as "/auth/logout"`},
		{"relative logout path", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{LogoutPath: "logout"})},
			`LogoutPath "logout" must start with /`},
		{"logout path inside the refresh path", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{RefreshPath: "/auth", LogoutPath: "/auth/logout"})}, ""},
		{"logout path sharing a prefix only", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{RefreshPath: "/session", LogoutPath: "/session-end"})}, ""},
		{"invalid CSRF header", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{CSRFHeader: "X CSRF"})},
			`"X CSRF" is not a valid header name`},
		{"invalid trusted origin", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{TrustedOrigins: []string{"app.example.com"}})},
			"TrustedOrigins"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ginpaseto.New(append([]ginpaseto.Option{ginpaseto.WithSecretKey(testKey)}, tc.opts...)...)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

func TestInCookieNeedsCookies(t *testing.T) {
	auth := newAuth(t)
	assert.PanicsWithValue(t, "ginpaseto: InCookie needs an Authorizer built with WithCookies (or listing InCookie in WithTokenLocations), whose token pairs carry the csrf claim", func() {
		auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InCookie))
	})
	assert.Panics(t, func() { auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InCookie)) })
	// Listing it in the Authorizer's locations is enough.
	listed := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InCookie))
	assert.NotPanics(t, func() { listed.Required() })
}

// setCookies returns the Set-Cookie lines that handler writes.
func setCookies(t *testing.T, handler gin.HandlerFunc) []string {
	t.Helper()
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodPost, "/", nil)
	handler(c)
	return w.Result().Header.Values("Set-Cookie")
}

func TestSessionCookieAttributes(t *testing.T) {
	clk := newClock()
	tests := []struct {
		name       string
		cfg        ginpaseto.CookieConfig
		opts       []ginpaseto.Option
		set, clear []string // with ACCESS, REFRESH, CSRF for the values
	}{
		{"secure defaults", ginpaseto.CookieConfig{}, nil,
			[]string{
				"__Host-access_token=ACCESS; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Lax",
				"__Secure-refresh_token=REFRESH; Path=/refresh; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax",
				"__Secure-refresh_token=REFRESH; Path=/logout; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax",
				"__Host-csrf_token=CSRF; Path=/; Max-Age=2592000; Secure; SameSite=Lax",
			}, []string{
				"__Host-access_token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
				"__Secure-refresh_token=; Path=/refresh; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
				"__Secure-refresh_token=; Path=/logout; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
				"__Host-csrf_token=; Path=/; Max-Age=0; Secure; SameSite=Lax",
			}},
		{"plain HTTP development", ginpaseto.CookieConfig{Insecure: true}, nil,
			[]string{
				"access_token=ACCESS; Path=/; Max-Age=900; HttpOnly; SameSite=Lax",
				"refresh_token=REFRESH; Path=/refresh; Max-Age=2592000; HttpOnly; SameSite=Lax",
				"refresh_token=REFRESH; Path=/logout; Max-Age=2592000; HttpOnly; SameSite=Lax",
				"csrf_token=CSRF; Path=/; Max-Age=2592000; SameSite=Lax",
			}, []string{
				"access_token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
				"refresh_token=; Path=/refresh; Max-Age=0; HttpOnly; SameSite=Lax",
				"refresh_token=; Path=/logout; Max-Age=0; HttpOnly; SameSite=Lax",
				"csrf_token=; Path=/; Max-Age=0; SameSite=Lax",
			}},
		{"every name, path, domain and SameSite", ginpaseto.CookieConfig{
			AccessName: "__Secure-a", AccessPath: "/api", RefreshName: "r", RefreshPath: "/auth/refresh",
			CSRFName: "c", CSRFPath: "/app", Domain: "example.com", SameSite: http.SameSiteStrictMode,
		}, nil,
			[]string{
				"__Secure-a=ACCESS; Path=/api; Domain=example.com; Max-Age=900; HttpOnly; Secure; SameSite=Strict",
				"r=REFRESH; Path=/auth/refresh; Domain=example.com; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict",
				"r=REFRESH; Path=/logout; Domain=example.com; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict",
				"c=CSRF; Path=/app; Domain=example.com; Max-Age=2592000; Secure; SameSite=Strict",
			}, []string{
				"__Secure-a=; Path=/api; Domain=example.com; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
				"r=; Path=/auth/refresh; Domain=example.com; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
				"r=; Path=/logout; Domain=example.com; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
				"c=; Path=/app; Domain=example.com; Max-Age=0; Secure; SameSite=Strict",
			}},
		{"logout inside the refresh path: one refresh cookie", ginpaseto.CookieConfig{RefreshPath: "/auth", LogoutPath: "/auth/logout"}, nil,
			[]string{
				"__Host-access_token=ACCESS; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Lax",
				"__Secure-refresh_token=REFRESH; Path=/auth; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax",
				"__Host-csrf_token=CSRF; Path=/; Max-Age=2592000; Secure; SameSite=Lax",
			}, []string{
				"__Host-access_token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
				"__Secure-refresh_token=; Path=/auth; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
				"__Host-csrf_token=; Path=/; Max-Age=0; Secure; SameSite=Lax",
			}},
		{"SameSite=None", ginpaseto.CookieConfig{SameSite: http.SameSiteNoneMode}, nil,
			[]string{
				"__Host-access_token=ACCESS; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=None",
				"__Secure-refresh_token=REFRESH; Path=/refresh; Max-Age=2592000; HttpOnly; Secure; SameSite=None",
				"__Secure-refresh_token=REFRESH; Path=/logout; Max-Age=2592000; HttpOnly; Secure; SameSite=None",
				"__Host-csrf_token=CSRF; Path=/; Max-Age=2592000; Secure; SameSite=None",
			}, []string{
				"__Host-access_token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=None",
				"__Secure-refresh_token=; Path=/refresh; Max-Age=0; HttpOnly; Secure; SameSite=None",
				"__Secure-refresh_token=; Path=/logout; Max-Age=0; HttpOnly; Secure; SameSite=None",
				"__Host-csrf_token=; Path=/; Max-Age=0; Secure; SameSite=None",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auth := newAuth(t, append([]ginpaseto.Option{ginpaseto.WithClock(clk.Now), ginpaseto.WithCookies(tc.cfg)}, tc.opts...)...)
			pair, err := auth.CreateTokenPair(context.Background(), "alice")
			require.NoError(t, err)
			require.NotEmpty(t, pair.CSRFToken)
			got := setCookies(t, func(c *gin.Context) { require.NoError(t, auth.SetSessionCookies(c, pair)) })
			values := strings.NewReplacer("ACCESS", pair.AccessToken, "REFRESH", pair.RefreshToken, "CSRF", pair.CSRFToken)
			want := make([]string, len(tc.set))
			for i, s := range tc.set {
				want[i] = values.Replace(s)
			}
			assert.Equal(t, want, got)
			assert.Equal(t, tc.clear, setCookies(t, auth.ClearSessionCookies))
		})
	}
}

func TestSessionCookiesNeedCSRF(t *testing.T) {
	auth := newAuth(t)
	pair, err := auth.CreateTokenPair(context.Background(), "alice")
	require.NoError(t, err)
	assert.Empty(t, pair.CSRFToken, "no csrf claim without cookies")
	got := setCookies(t, func(c *gin.Context) {
		assert.EqualError(t, auth.SetSessionCookies(c, pair), "ginpaseto: SetSessionCookies: the pair has no CSRF token; create it with an Authorizer built with WithCookies")
	})
	assert.Empty(t, got)
}

// cookie is a Cookie header pair for request.headers.
func cookie(name, value string) []string { return []string{"Cookie", name + "=" + value} }

func TestCookieCSRF(t *testing.T) {
	auth := cookieAuth(t, ginpaseto.CookieConfig{TrustedOrigins: []string{"https://app.example.com"}})
	r := gin.New()
	r.Any("/p", auth.Required(), whoami)
	r.Any("/optional", auth.Optional(), whoami)
	srv := serve(t, r)

	pair, err := auth.CreateTokenPair(context.Background(), "alice")
	require.NoError(t, err)
	plain, err := auth.CreateAccessToken(context.Background(), "alice") // no csrf claim
	require.NoError(t, err)
	access := cookie("__Host-access_token", pair.AccessToken)
	csrf := []string{"X-CSRF-Token", pair.CSRFToken}
	// otherCSRF differs from the claim in its first character only.
	otherCSRF := "x" + pair.CSRFToken[1:]
	if pair.CSRFToken[0] == 'x' {
		otherCSRF = "y" + pair.CSRFToken[1:]
	}
	with := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	const (
		missing    = "Missing CSRF Token"
		mismatch   = "CSRF double submit tokens do not match"
		crossOrig  = "Cross-origin request refused"
		noToken    = "PASETO Authorization Token required"
		badCookie  = "Bad __Host-access_token cookie. Expected one cookie holding '<PASETO>'"
		wrongType  = "Access token required but refresh provided"
		wsUpgrade  = "Upgrade"
		connection = "Connection"
	)
	upgrade := []string{wsUpgrade, "websocket", connection, "Upgrade", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}
	tests := []struct {
		name    string
		method  string
		path    string
		token   string // in the Authorization header
		headers []string
		status  int
		body    string
	}{
		{"GET with the cookie", "GET", "", "", access, 200, user("alice")},
		{"HEAD with the cookie", "HEAD", "", "", access, 200, ""},
		{"OPTIONS with the cookie", "OPTIONS", "", "", access, 200, user("alice")},
		{"POST without the header", "POST", "", "", access, 403, detail(missing)},
		{"POST with the header", "POST", "", "", with(access, csrf), 200, user("alice")},
		{"PUT with the header", "PUT", "", "", with(access, csrf), 200, user("alice")},
		{"DELETE without the header", "DELETE", "", "", access, 403, detail(missing)},
		{"PATCH with another token", "PATCH", "", "", with(access, []string{"X-CSRF-Token", otherCSRF}), 403, detail(mismatch)},
		{"header longer than the claim", "POST", "", "", with(access, []string{"X-CSRF-Token", pair.CSRFToken + "x"}), 403, detail(mismatch)},
		{"header shorter than the claim", "POST", "", "", with(access, []string{"X-CSRF-Token", pair.CSRFToken[:10]}), 403, detail(mismatch)},
		{"header twice", "POST", "", "", with(access, csrf, csrf), 403, detail(mismatch)},
		{"empty header", "POST", "", "", with(access, []string{"X-CSRF-Token", ""}), 403, detail(missing)},
		{"the CSRF cookie is not the header", "POST", "", "", with(access, cookie("__Host-csrf_token", pair.CSRFToken)), 403, detail(missing)},
		{"a token without csrf claim", "POST", "", "", with(cookie("__Host-access_token", plain), csrf), 403, detail(mismatch)},
		{"cross-site, by Sec-Fetch-Site", "POST", "", "", with(access, csrf, []string{"Sec-Fetch-Site", "cross-site"}), 403, detail(crossOrig)},
		{"same-site, another origin", "POST", "", "", with(access, csrf, []string{"Sec-Fetch-Site", "same-site"}), 403, detail(crossOrig)},
		{"same-origin, by Sec-Fetch-Site", "POST", "", "", with(access, csrf, []string{"Sec-Fetch-Site", "same-origin"}), 200, user("alice")},
		{"cross-origin, by Origin", "POST", "", "", with(access, csrf, []string{"Origin", "https://evil.example"}), 403, detail(crossOrig)},
		{"cross-origin without CSRF header", "POST", "", "", with(access, []string{"Origin", "https://evil.example"}), 403, detail(crossOrig)},
		{"trusted origin", "POST", "", "", with(access, csrf, []string{"Origin", "https://app.example.com", "Sec-Fetch-Site", "same-site"}), 200, user("alice")},
		{"trusted origin still needs the header", "POST", "", "", with(access, []string{"Origin", "https://app.example.com"}), 403, detail(missing)},
		{"cross-origin GET", "GET", "", "", with(access, []string{"Sec-Fetch-Site", "cross-site"}), 200, user("alice")},
		{"header token: no CSRF checks", "POST", "", pair.AccessToken, []string{"Sec-Fetch-Site", "cross-site"}, 200, user("alice")},
		{"header token before the cookie", "POST", "", pair.AccessToken, with(cookie("__Host-access_token", "v4.local.bad"), []string{"Origin", "https://evil.example"}), 200, user("alice")},
		{"empty cookie", "GET", "", "", cookie("__Host-access_token", ""), 401, detail(noToken)},
		{"empty cookie, POST", "POST", "", "", cookie("__Host-access_token", ""), 401, detail(noToken)},
		{"two cookies of the name", "GET", "", "", []string{"Cookie", "__Host-access_token=" + pair.AccessToken + "; __Host-access_token=" + plain}, 401, detail(badCookie)},
		{"two Cookie headers with the name", "POST", "", "", with(access, cookie("__Host-access_token", pair.AccessToken), csrf), 401, detail(badCookie)},
		{"other cookies are ignored", "GET", "", "", []string{"Cookie", "theme=dark; __Host-access_token=" + pair.AccessToken + "; x=1"}, 200, user("alice")},
		{"a refresh token in the access cookie", "GET", "", "", cookie("__Host-access_token", pair.RefreshToken), 401, detail(wrongType)},
		{"a refresh token in the access cookie, POST", "POST", "", "", with(cookie("__Host-access_token", pair.RefreshToken), csrf), 401, detail(wrongType)},
		{"an oversized cookie", "GET", "", "", cookie("__Host-access_token", "v4.local."+strings.Repeat("A", 9000)), 401, detail("PASETO token is too large")},
		{"an oversized CSRF header", "POST", "", "", with(access, []string{"X-CSRF-Token", strings.Repeat(pair.CSRFToken, 200)}), 403, detail(mismatch)},
		{"garbage in the cookie", "GET", "", "", cookie("__Host-access_token", "v4.local.bad"), 401, detail("Invalid PASETO token")},
		{"Optional: forged POST refused", "POST", "/optional", "", with(access, []string{"Sec-Fetch-Site", "cross-site"}), 403, detail(crossOrig)},
		{"Optional: bad cookie is anonymous", "POST", "/optional", "", cookie("__Host-access_token", "v4.local.bad"), 200, user("")},
		{"WebSocket from another origin", "GET", "", "", with(access, upgrade, []string{"Origin", "https://evil.example"}), 403, detail(crossOrig)},
		{"WebSocket from another site", "GET", "", "", with(access, upgrade, []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}), 403, detail(crossOrig)},
		{"WebSocket from a trusted origin", "GET", "", "", with(access, upgrade, []string{"Origin", "https://app.example.com"}), 200, user("alice")},
		{"WebSocket without Origin", "GET", "", "", with(access, upgrade), 200, user("alice")},
		{"WebSocket, token in the header", "GET", "", pair.AccessToken, with(upgrade, []string{"Origin", "https://evil.example"}), 200, user("alice")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := do(t, srv, request{method: tc.method, path: tc.path, token: tc.token, headers: tc.headers})
			expect(t, got, tc.status, tc.body)
		})
	}
	t.Run("WebSocket from the same origin", func(t *testing.T) {
		host := strings.TrimPrefix(srv.URL, "http://")
		got := do(t, srv, request{headers: with(access, upgrade, []string{"Origin", "http://" + host})})
		expect(t, got, 200, user("alice"))
	})
}

// TestCookieCSRFErrors: each refusal wraps its sentinel error.
func TestCookieCSRFErrors(t *testing.T) {
	var got []error
	auth := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
		got = append(got, err)
		c.AbortWithStatus(err.Status)
	}))
	pair, err := auth.CreateTokenPair(context.Background(), "alice")
	require.NoError(t, err)
	r := gin.New()
	r.POST("/p", auth.Required(), whoami)
	srv := serve(t, r)
	access := cookie("__Host-access_token", pair.AccessToken)
	do(t, srv, request{method: "POST", headers: append(access, "Origin", "https://evil.example")})
	do(t, srv, request{method: "POST", headers: access})
	do(t, srv, request{method: "POST", headers: append(access, "X-CSRF-Token", "no")})
	require.Len(t, got, 3)
	assert.ErrorIs(t, got[0], ginpaseto.ErrCrossOrigin)
	assert.ErrorIs(t, got[1], ginpaseto.ErrCSRFTokenMissing)
	assert.ErrorIs(t, got[2], ginpaseto.ErrCSRFTokenMismatch)
}

// browserClient is a client of a TLS test server that keeps cookies as a
// browser does, Secure ones included.
type browserClient struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
}

func newBrowserClient(t *testing.T, h http.Handler) *browserClient {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	c := &http.Client{Transport: srv.Client().Transport}
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c.Jar = jar
	return &browserClient{t, srv, c}
}

// cookies returns the values of the cookies the client would send to path.
func (b *browserClient) cookies(path string) map[string]string {
	u, _ := url.Parse(b.srv.URL + path)
	out := map[string]string{}
	for _, c := range b.c.Jar.Cookies(u) {
		out[c.Name] = c.Value
	}
	return out
}

// send sends method path with the CSRF header from the CSRF cookie, and
// the extra headers.
func (b *browserClient) send(method, path string, headers ...string) (reply, http.Header) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, nil)
	require.NoError(b.t, err)
	if v := b.cookies("/")["__Host-csrf_token"]; v != "" {
		req.Header.Set("X-CSRF-Token", v)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return reply{status: resp.StatusCode, body: string(body)}, resp.Header
}

func TestCookieSessionHandlers(t *testing.T) {
	auth := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.WithRefreshGrace(0))
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice", ginpaseto.SessionCookies()) })
	r.POST("/login-json", func(c *gin.Context) { auth.StartSession(c, "alice") })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.POST("/logout", auth.Required(), auth.LogoutHandler())
	r.POST("/p", auth.Required(), whoami)
	b := newBrowserClient(t, r)
	tokenNames := []string{"__Host-access_token", "__Host-csrf_token"}

	login, _ := b.send("POST", "/login")
	require.Equal(t, http.StatusOK, login.status, login.body)
	assert.Regexp(t, `^\{"access_expires":"[^"]+","refresh_expires":"[^"]+"\}$`, login.body, "expiry times, no token")
	first := b.cookies("/refresh")
	assert.Len(t, first, 3)
	assert.ElementsMatch(t, tokenNames, keys(b.cookies("/")), "the refresh cookie is sent to /refresh only")
	expect(t, first2(b.send("POST", "/p")), 200, user("alice"))

	refreshed, _ := b.send("POST", "/refresh")
	require.Equal(t, http.StatusOK, refreshed.status, refreshed.body)
	assert.NotContains(t, refreshed.body, "token")
	second := b.cookies("/refresh")
	for name, v := range second {
		if name == "__Host-csrf_token" {
			assert.Equal(t, first[name], v, "the session keeps its CSRF token")
			continue
		}
		assert.NotEqual(t, first[name], v, "%s rotated", name)
	}
	expect(t, first2(b.send("POST", "/p")), 200, user("alice"))

	// The first refresh cookie again, as a thief who copied it would send
	// it: the session ends, for the thief and the user.
	replay, err := http.NewRequest("POST", b.srv.URL+"/refresh", nil)
	require.NoError(t, err)
	replay.Header.Set("Cookie", "__Secure-refresh_token="+first["__Secure-refresh_token"])
	replay.Header.Set("X-CSRF-Token", first["__Host-csrf_token"])
	thief := &http.Client{Transport: b.c.Transport} // no cookie jar
	resp, err := thief.Do(replay)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	expect(t, reply{status: resp.StatusCode, body: string(body)}, 401, detail("Refresh token reuse detected"))
	expect(t, first2(b.send("POST", "/p")), 401, detail("Token has been revoked"))

	t.Run("logout clears the cookies", func(t *testing.T) {
		_, _ = b.send("POST", "/login")
		require.Len(t, b.cookies("/refresh"), 3)
		out, header := b.send("POST", "/logout")
		expect(t, out, 204, "")
		assert.Len(t, header.Values("Set-Cookie"), 4, "access, refresh on /refresh and /logout, CSRF")
		for _, line := range header.Values("Set-Cookie") {
			assert.Contains(t, line, "Max-Age=0")
		}
		assert.Empty(t, b.cookies("/refresh"))
		expect(t, first2(b.send("POST", "/p")), 401, detail("PASETO Authorization Token required"))
	})
	t.Run("JSON clients get JSON", func(t *testing.T) {
		plain := newBrowserClient(t, r)
		login, header := plain.send("POST", "/login-json")
		require.Equal(t, http.StatusOK, login.status)
		assert.Empty(t, header.Values("Set-Cookie"))
		var pair ginpaseto.TokenPair
		require.NoError(t, json.Unmarshal([]byte(login.body), &pair))
		out, header := plain.send("POST", "/refresh", "Authorization", "Bearer "+pair.RefreshToken)
		require.Equal(t, http.StatusOK, out.status)
		assert.Empty(t, header.Values("Set-Cookie"))
		assert.Contains(t, out.body, `"refresh_token":"v4.local.`)
	})
}

// first2 drops the header from send's results.
func first2(r reply, _ http.Header) reply { return r }

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestRefuseCrossOrigin: the cross-origin layer on a route without a
// session yet, a login that sets cookies, over HTTP.
func TestRefuseCrossOrigin(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithCookies(ginpaseto.CookieConfig{TrustedOrigins: []string{"https://app.example.com"}, Insecure: true}))
	r := gin.New()
	r.POST("/login", auth.RefuseCrossOrigin(), func(c *gin.Context) { auth.StartSession(c, "alice", ginpaseto.SessionCookies()) })
	r.GET("/login", auth.RefuseCrossOrigin(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	srv := serve(t, r)

	for _, tc := range []struct {
		name, method string
		headers      []string
		status       int
	}{
		{"a form of another site", http.MethodPost, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"a sibling origin of the same site", http.MethodPost, []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"an old browser, another origin", http.MethodPost, []string{"Origin", "https://evil.example"}, 403},
		{"the site's own page", http.MethodPost, []string{"Sec-Fetch-Site", "same-origin"}, 200},
		{"a trusted origin", http.MethodPost, []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://app.example.com"}, 200},
		{"an API client", http.MethodPost, nil, 200},
		{"a safe method", http.MethodGet, []string{"Sec-Fetch-Site", "cross-site"}, 204},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := do(t, srv, request{method: tc.method, path: "/login", headers: append([]string{"Content-Type", "text/plain"}, tc.headers...), body: "x"})
			assert.Equal(t, tc.status, got.status, got.body)
			if tc.status == 403 {
				assert.JSONEq(t, `{"detail":"Cross-origin request refused"}`, got.body)
			}
		})
	}
}

// TestCSRFTokenSurvivesRefresh: tabs share one cookie jar; a tab that
// read the CSRF cookie just before another tab's refresh replaced the
// cookies sends the value it read with the new cookies, and is not
// refused for it.
func TestCSRFTokenSurvivesRefresh(t *testing.T) {
	auth := cookieAuth(t, ginpaseto.CookieConfig{})
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice", ginpaseto.SessionCookies()) })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.POST("/p", auth.Required(), whoami)
	b := newBrowserClient(t, r)
	login, _ := b.send("POST", "/login")
	require.Equal(t, http.StatusOK, login.status, login.body)
	read := b.cookies("/")["__Host-csrf_token"]
	require.NotEmpty(t, read)

	refreshed, _ := b.send("POST", "/refresh")
	require.Equal(t, http.StatusOK, refreshed.status, refreshed.body)
	req, err := http.NewRequest("POST", b.srv.URL+"/p", nil)
	require.NoError(t, err)
	req.Header.Set("X-CSRF-Token", read)
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	expect(t, reply{status: resp.StatusCode, body: string(body)}, 200, user("alice"))
}
