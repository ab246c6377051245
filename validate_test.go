package ginpaseto_test

import (
	"bytes"
	"context"
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

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
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
	t.Run("a check reading no cookie says nothing of it", func(t *testing.T) {
		headerOnly := newAuth(t, ginpaseto.WithCookies(ginpaseto.CookieConfig{}), ginpaseto.WithTokenLocations(ginpaseto.InHeader), ginpaseto.WithErrorHandler(failed.handler))
		r := gin.New()
		r.POST("/api/refresh", headerOnly.RefreshRequired(), headerOnly.RefreshHandler())
		expect(t, do(t, serve(t, r), request{method: "POST", path: "/api/refresh"}), 401, detail("PASETO Authorization Token required"))
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
