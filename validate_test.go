package ginpaseto_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
)

// logLines collects what the default slog logger writes during the test.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// count returns how many lines hold s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), s)
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// captureLog makes the default slog logger write to the returned lines
// until the test ends.
func captureLog(t *testing.T) *logLines {
	t.Helper()
	lines := &logLines{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(lines, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return lines
}

// failures records the errors an Authorizer's checks answer with.
type failures struct {
	mu   sync.Mutex
	errs []*ginpaseto.Error
}

func (f *failures) handler(c *gin.Context, err *ginpaseto.Error) {
	f.mu.Lock()
	f.errs = append(f.errs, err)
	f.mu.Unlock()
	ginpaseto.DefaultErrorHandler(c, err)
}

// last returns the last error answered.
func (f *failures) last(t *testing.T) *ginpaseto.Error {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.errs)
	return f.errs[len(f.errs)-1]
}

// TestRefreshRouteOutsideRefreshPath: a refresh route registered outside
// the refresh cookie's path never receives the cookie; its 401 says why
// in Error.Err and, once, in the log, while the client reads the usual
// message.
func TestRefreshRouteOutsideRefreshPath(t *testing.T) {
	log := captureLog(t)
	var failed failures
	auth := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.WithErrorHandler(failed.handler))
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice", ginpaseto.SessionCookies()) })
	r.POST("/api/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	b := newBrowserClient(t, r)
	login, _ := b.send("POST", "/login")
	require.Equal(t, http.StatusOK, login.status, login.body)

	for range 2 {
		expect(t, first2(b.send("POST", "/api/refresh")), 401, detail("PASETO Authorization Token required"))
		err := failed.last(t)
		assert.ErrorIs(t, err, ginpaseto.ErrTokenMissing)
		assert.Equal(t, "PASETO Authorization Token required", err.Message)
		assert.ErrorContains(t, err.Err, "the refresh cookie __Secure-refresh_token is sent to /refresh only (CookieConfig.RefreshPath), and this route is /api/refresh")
		assert.ErrorContains(t, err.Err, "register the refresh route under /refresh")
	}
	assert.Equal(t, 1, log.count("a refresh route never receives the refresh cookie"), "logged once:\n%s", log)
	assert.Contains(t, log.String(), "this route is /api/refresh")

	refreshed, _ := b.send("POST", "/refresh")
	assert.Equal(t, http.StatusOK, refreshed.status, "under the refresh path: %s", refreshed.body)

	t.Run("no cookie on the refresh path is no token", func(t *testing.T) {
		plain := newBrowserClient(t, r)
		expect(t, first2(plain.send("POST", "/refresh")), 401, detail("PASETO Authorization Token required"))
		assert.Equal(t, ginpaseto.ErrTokenMissing, failed.last(t).Err)
	})
	t.Run("the logout route receives the refresh cookie too", func(t *testing.T) {
		r := gin.New()
		r.POST("/logout", auth.LogoutHandler())
		expect(t, first2(newBrowserClient(t, r).send("POST", "/logout")), 401, detail("PASETO Authorization Token required"))
		assert.Equal(t, ginpaseto.ErrTokenMissing, failed.last(t).Err, "a logout without cookies is no token, not a misplaced route")
	})
	t.Run("a check reading no cookie says nothing of it", func(t *testing.T) {
		r := gin.New()
		r.POST("/api/refresh", auth.RefreshRequired(ginpaseto.WithTokenLocations(ginpaseto.InHeader)), auth.RefreshHandler())
		expect(t, do(t, serve(t, r), request{method: "POST", path: "/api/refresh"}), 401, detail("PASETO Authorization Token required"))
		assert.Equal(t, ginpaseto.ErrTokenMissing, failed.last(t).Err)
	})
	t.Run("a cookie of another name says nothing of the refresh path", func(t *testing.T) {
		r := gin.New()
		r.POST("/api/refresh", auth.RefreshRequired(ginpaseto.WithTokenLocations(ginpaseto.InCookie.Named("rt"))), auth.RefreshHandler())
		expect(t, first2(newBrowserClient(t, r).send("POST", "/api/refresh")), 401, detail("PASETO Authorization Token required"))
		assert.Equal(t, ginpaseto.ErrTokenMissing, failed.last(t).Err)
	})
	t.Run("once per Authorizer", func(t *testing.T) {
		other := cookieAuth(t, ginpaseto.CookieConfig{RefreshPath: "/auth/refresh", LogoutPath: "/auth/logout"}, ginpaseto.WithErrorHandler(failed.handler))
		r := gin.New()
		r.POST("/refresh", other.RefreshRequired(), other.RefreshHandler())
		b := newBrowserClient(t, r)
		expect(t, first2(b.send("POST", "/refresh")), 401, detail("PASETO Authorization Token required"))
		assert.ErrorContains(t, failed.last(t).Err, "is sent to /auth/refresh only")
		assert.Equal(t, 2, log.count("a refresh route never receives the refresh cookie"), "one line per Authorizer:\n%s", log)
	})
}

// plainHTTPClient is a browser-like client (a cookie jar that keeps Secure
// cookies off plain HTTP) of srv, reached under any host name.
func plainHTTPClient(t *testing.T, srv *httptest.Server) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	addr := srv.Listener.Addr().String()
	return &http.Client{Jar: jar, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}

func post(t *testing.T, c *http.Client, url string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{status: resp.StatusCode, body: string(body)}
}

// TestSecureCookiesOverPlainHTTP: session cookies set over plain HTTP to a
// host that is not loopback are dropped by the browser, so the next
// request carries no token; the log says why once, at the login, and the
// 401 says why in Error.Err, while the client reads the usual message.
func TestSecureCookiesOverPlainHTTP(t *testing.T) {
	log := captureLog(t)
	var failed failures
	routes := func(auth *ginpaseto.Authorizer) http.Handler {
		r := gin.New()
		r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice", ginpaseto.SessionCookies()) })
		r.POST("/p", auth.Required(), whoami)
		return r
	}
	auth := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.WithErrorHandler(failed.handler))
	srv := serve(t, routes(auth))
	const warning = "Secure session cookies over plain HTTP"

	client := plainHTTPClient(t, srv)
	login := post(t, client, "http://app.example.com/login")
	require.Equal(t, http.StatusOK, login.status, login.body)
	assert.Equal(t, 1, log.count(warning), "the login logs it:\n%s", log)
	assert.Contains(t, log.String(), "plain HTTP to app.example.com")

	for range 2 {
		expect(t, post(t, client, "http://app.example.com/p"), 401, detail("PASETO Authorization Token required"))
		err := failed.last(t)
		assert.ErrorIs(t, err, ginpaseto.ErrTokenMissing)
		assert.ErrorContains(t, err.Err, "the session cookies are Secure, and this request came over plain HTTP to app.example.com: browsers drop Secure cookies set over plain HTTP and never send them there; serve HTTPS")
		assert.ErrorContains(t, err.Err, "in development only, CookieConfig{Insecure: true}")
	}
	assert.Equal(t, 1, log.count(warning), "once per Authorizer:\n%s", log)

	t.Run("not on loopback hosts", func(t *testing.T) {
		for _, host := range []string{"localhost", "app.localhost", "127.0.0.1", "[::1]"} {
			expect(t, post(t, plainHTTPClient(t, srv), "http://"+host+"/p"), 401, detail("PASETO Authorization Token required"))
			assert.Equal(t, ginpaseto.ErrTokenMissing, failed.last(t).Err, host)
		}
	})
	t.Run("not behind a proxy that terminates TLS", func(t *testing.T) {
		for _, h := range [][]string{{"X-Forwarded-Proto", "https"}, {"Forwarded", `for=192.0.2.60;proto=https;by=203.0.113.43`}} {
			expect(t, post(t, plainHTTPClient(t, srv), "http://app.example.com/p", h...), 401, detail("PASETO Authorization Token required"))
			assert.Equal(t, ginpaseto.ErrTokenMissing, failed.last(t).Err, h[0])
		}
	})
	t.Run("a second Authorizer logs it too", func(t *testing.T) {
		other := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.WithErrorHandler(failed.handler))
		expect(t, post(t, plainHTTPClient(t, serve(t, routes(other))), "http://app.example.com/p"), 401, detail("PASETO Authorization Token required"))
		assert.ErrorContains(t, failed.last(t).Err, "plain HTTP to app.example.com")
		assert.Equal(t, 2, log.count(warning), "the first check logs it when no login did:\n%s", log)
	})
	t.Run("insecure cookies travel", func(t *testing.T) {
		insecure := cookieAuth(t, ginpaseto.CookieConfig{Insecure: true})
		c := plainHTTPClient(t, serve(t, routes(insecure)))
		require.Equal(t, http.StatusOK, post(t, c, "http://app.example.com/login").status)
		csrf := ""
		for _, ck := range c.Jar.(*cookiejar.Jar).Cookies(mustURL(t, "http://app.example.com/")) {
			if ck.Name == "csrf_token" {
				csrf = ck.Value
			}
		}
		expect(t, post(t, c, "http://app.example.com/p", "X-CSRF-Token", csrf), 200, user("alice"))
		assert.Equal(t, 2, log.count(warning), "nothing to say:\n%s", log)
	})
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}

// TestWithCookiesReadsTheCookie: WithCookies alone makes the checks read
// the access cookie after the header, so a login through cookies is
// followed by requests the cookie authenticates.
func TestWithCookiesReadsTheCookie(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithCookies(ginpaseto.CookieConfig{}))
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice", ginpaseto.SessionCookies()) })
	r.POST("/login-json", func(c *gin.Context) { auth.StartSession(c, "bob") })
	r.POST("/p", auth.Required(), whoami)
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	b := newBrowserClient(t, r)
	login, _ := b.send("POST", "/login")
	require.Equal(t, http.StatusOK, login.status, login.body)
	expect(t, first2(b.send("POST", "/p")), 200, user("alice"))
	refreshed, _ := b.send("POST", "/refresh")
	require.Equal(t, http.StatusOK, refreshed.status, refreshed.body)
	expect(t, first2(b.send("POST", "/p")), 200, user("alice"))

	// The header comes first.
	header := newBrowserClient(t, r)
	var pair ginpaseto.TokenPair
	out, _ := header.send("POST", "/login-json")
	require.NoError(t, json.Unmarshal([]byte(out.body), &pair))
	expect(t, first2(b.send("POST", "/p", "Authorization", "Bearer "+pair.AccessToken)), 200, user("bob"))
}

// TestWithCookiesWithoutCookieLocation: locations given without InCookie
// next to WithCookies fail New, saying which list to write.
func TestWithCookiesWithoutCookieLocation(t *testing.T) {
	tests := []struct {
		name string
		opts []ginpaseto.Option
		env  []string
		want string
	}{
		{"header alone", []ginpaseto.Option{ginpaseto.WithTokenLocations(ginpaseto.InHeader), ginpaseto.WithCookies(ginpaseto.CookieConfig{})}, nil,
			"ginpaseto: New: WithCookies sets the session cookies at login, but no check reads them: WithTokenLocations lists InHeader without InCookie; add it: WithTokenLocations(InHeader, InCookie)"},
		{"in either order", []ginpaseto.Option{ginpaseto.WithCookies(ginpaseto.CookieConfig{}), ginpaseto.WithTokenLocations(ginpaseto.InQuery, ginpaseto.InHeader)}, nil,
			"WithTokenLocations lists InQuery, InHeader without InCookie; add it: WithTokenLocations(InQuery, InHeader, InCookie)"},
		{"from the environment", []ginpaseto.Option{ginpaseto.FromEnv(), ginpaseto.WithCookies(ginpaseto.CookieConfig{})}, []string{"PASETO_TOKEN_LOCATIONS", "header,json"},
			"PASETO_TOKEN_LOCATIONS lists InHeader, InJSON without InCookie; add it: PASETO_TOKEN_LOCATIONS=header,json,cookie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			setEnv(t, tt.env...)
			_, err := ginpaseto.New(append([]ginpaseto.Option{ginpaseto.WithSecretKey(testKey)}, tt.opts...)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	t.Run("the suggested list works", func(t *testing.T) {
		clearEnv(t)
		setEnv(t, "PASETO_TOKEN_LOCATIONS", "header,json,cookie")
		_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.FromEnv(), ginpaseto.WithCookies(ginpaseto.CookieConfig{}))
		require.NoError(t, err)
	})
}

// TestVerifyOnlyRefusesSessionOptions: an Authorizer that can only verify
// tokens refuses the options that only shape the tokens and sessions it
// would create, whose logins would all fail, and keeps those a verifier
// uses.
func TestVerifyOnlyRefusesSessionOptions(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	pubHex, privHex := hex.EncodeToString(pub), hex.EncodeToString(priv.Seed())
	verifier := ginpaseto.WithPublicKey(pubHex)
	tests := []struct {
		name string
		opts []ginpaseto.Option
		env  []string
		want []string // parts of the message; none when New must succeed
	}{
		{"cookies", []ginpaseto.Option{verifier, ginpaseto.WithCookies(ginpaseto.CookieConfig{})}, nil, []string{
			"ginpaseto: New: WithCookies sets up browser sessions, whose cookies an Authorizer sets at login with tokens it creates, and this Authorizer only verifies tokens, with WithPublicKey alone: give it a key that creates tokens (WithPrivateKey, or WithSecretKey for local tokens); or, to read the cookies another service sets, list the cookie location: WithTokenLocations(InHeader, InCookie)"}},
		{"refresh grace", []ginpaseto.Option{verifier, ginpaseto.WithRefreshGrace(0)}, nil, []string{
			"ginpaseto: New: WithRefreshGrace only applies to the tokens and sessions an Authorizer creates, and this Authorizer only verifies tokens, with WithPublicKey alone: give it a key that creates tokens", "drop it: the Authorizer that rotates the refresh tokens applies the grace"}},
		{"session lifetime", []ginpaseto.Option{ginpaseto.WithSessionLifetime(time.Hour), verifier}, nil, []string{
			"WithSessionLifetime only applies to the tokens and sessions an Authorizer creates", "drop it: the Authorizer that starts the sessions sets their lifetime"}},
		{"issuer", []ginpaseto.Option{verifier, ginpaseto.WithIssuer("auth.example")}, nil, []string{
			"WithIssuer only applies", "use WithExpectedIssuer instead"}},
		{"public keys", []ginpaseto.Option{ginpaseto.WithKeys(keyring.PublicKey(pubHex)), ginpaseto.WithRefreshGrace(time.Second)}, nil, []string{
			"WithRefreshGrace only applies", "has no active key in WithKeys (public keys, or retired keys only), so it only verifies tokens"}},
		{"retired keys", []ginpaseto.Option{ginpaseto.WithKeys(keyring.SecretKey(testKey).Retired()), ginpaseto.WithSessionLifetime(time.Hour)}, nil, []string{
			"WithSessionLifetime only applies", "has no active key in WithKeys"}},
		{"a key set", []ginpaseto.Option{ginpaseto.WithKeySet(keyring.KeySet{URL: "https://auth.example.com/.well-known/paseto-keys"}), ginpaseto.WithCookies(ginpaseto.CookieConfig{})}, nil, []string{
			"WithCookies sets up browser sessions", "takes its keys from a key set (WithKeySet), which only verify tokens"}},
		{"variables", []ginpaseto.Option{ginpaseto.FromEnv()}, []string{"PASETO_PUBLIC_KEY", pubHex, "PASETO_SESSION_LIFETIME", "1h"}, []string{
			"ginpaseto: New: PASETO_SESSION_LIFETIME only applies to the tokens and sessions an Authorizer creates, and this Authorizer only verifies tokens, with PASETO_PUBLIC_KEY alone: give it a key that creates tokens (PASETO_PRIVATE_KEY, or PASETO_SECRET_KEY for local tokens); or unset it: the Authorizer that starts the sessions sets their lifetime"}},
		{"issuer variable", []ginpaseto.Option{ginpaseto.FromEnv()}, []string{"PASETO_PUBLIC_KEY", pubHex, "PASETO_ISSUER", "auth.example"}, []string{
			"PASETO_ISSUER only applies", "use PASETO_EXPECTED_ISSUER instead"}},
		{"refresh grace variable", []ginpaseto.Option{ginpaseto.FromEnv()}, []string{"PASETO_PUBLIC_KEY", pubHex, "PASETO_REFRESH_GRACE", "10s"}, []string{
			"PASETO_REFRESH_GRACE only applies"}},

		{"what a verifier uses", []ginpaseto.Option{verifier, ginpaseto.WithStore(&ginpaseto.MemoryStore{}), ginpaseto.WithLifetime(ginpaseto.TypeAccess, time.Minute),
			ginpaseto.WithLifetime(ginpaseto.TypeRefresh, time.Hour), ginpaseto.WithExpectedIssuer("auth.example"), ginpaseto.WithLeeway(time.Second)}, nil, nil},
		{"a verifier reading the cookies of another service", []ginpaseto.Option{verifier, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InCookie),
			ginpaseto.WithCookies(ginpaseto.CookieConfig{CSRFHeader: "X-XSRF-Token"})}, nil, nil},
		{"a private key", []ginpaseto.Option{ginpaseto.WithPrivateKey(privHex), ginpaseto.WithCookies(ginpaseto.CookieConfig{}), ginpaseto.WithRefreshGrace(0),
			ginpaseto.WithSessionLifetime(time.Hour), ginpaseto.WithIssuer("auth.example")}, nil, nil},
		{"the matching pair", []ginpaseto.Option{ginpaseto.WithPrivateKey(privHex), verifier, ginpaseto.WithCookies(ginpaseto.CookieConfig{})}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			setEnv(t, tt.env...)
			auth, err := ginpaseto.New(tt.opts...)
			if tt.want == nil {
				require.NoError(t, err)
				auth.Close()
				return
			}
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.NotContains(t, err.Error(), pubHex)
		})
	}
}

// TestWithCookiesNamedCookieLocation: a cookie location with a name of its
// own is a cookie location.
func TestWithCookiesNamedCookieLocation(t *testing.T) {
	_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{}),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InCookie.Named("session")))
	require.NoError(t, err)
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	_, err = ginpaseto.New(ginpaseto.WithPublicKey(hex.EncodeToString(pub)), ginpaseto.WithCookies(ginpaseto.CookieConfig{}),
		ginpaseto.WithTokenLocations(ginpaseto.InCookie.Named("session")))
	require.NoError(t, err, "a verifier reading the cookie another service sets")
}
