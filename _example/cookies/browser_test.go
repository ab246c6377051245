package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/browsertest"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
)

// otherOriginPage is a page on another origin of the same site (another
// port of 127.0.0.1): the browser sends it the session cookies, which
// SameSite=Lax does not stop. Its script tries what a hostile page would.
const otherOriginPage = `<!doctype html>
<meta charset="utf-8">
<title>another origin</title>
<script>
// forge sends POST /notes to the application with the cookies: no-cors,
// as a form post would, so that no preflight stops it first.
async function forge(target) {
  await fetch(target + "/notes", {method: "POST", mode: "no-cors", credentials: "include"});
  return "sent";
}
// forgeWithCSRFHeader copies the CSRF cookie, which this page can read since
// cookies ignore ports, into the header: that needs a CORS preflight,
// which the application does not answer, so the POST is never sent.
async function forgeWithCSRFHeader(target, cookieName, header) {
  const value = document.cookie.split("; ").find((c) => c.startsWith(cookieName + "="))?.slice(cookieName.length + 1) || "";
  try {
    await fetch(target + "/notes", {method: "POST", credentials: "include", headers: {[header]: value}});
    return {sent: true, readCookie: value !== ""};
  } catch (e) {
    return {sent: false, readCookie: value !== ""};
  }
}
// socket opens the application's WebSocket with the cookies.
function socket(target) {
  return new Promise((resolve) => {
    const ws = new WebSocket(target.replace("http", "ws") + "/ws");
    ws.onmessage = (e) => { resolve("message " + e.data); ws.close(); };
    ws.onclose = (e) => resolve("closed " + e.code);
  });
}
</script>
`

// request is one request the application answered, as the recorder saw it.
type request struct {
	Method, Path string
	Status       int
	Body         string
}

// recorder keeps every answer of the application to the browser.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	seen []request
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	rw := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
	r.h.ServeHTTP(rw, req)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, request{req.Method, req.URL.Path, rw.status, rw.body.String()})
}

// requests returns what was answered for method and path, in order.
func (r *recorder) requests(method, path string) []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []request
	for _, s := range r.seen {
		if s.Method == method && s.Path == path {
			out = append(out, s)
		}
	}
	return out
}

type recordingWriter struct {
	http.ResponseWriter
	status int
	body   strings.Builder
}

func (w *recordingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.body.Len() < 1<<10 {
		w.body.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// Hijack lets the WebSocket library take over the connection.
func (w *recordingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.status == http.StatusOK {
		w.status = http.StatusSwitchingProtocols
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// artifactsDir is where the test leaves its screenshot: $ARTIFACTS_DIR
// when set, else a directory removed after the test.
func artifactsDir(t *testing.T) string {
	if dir := os.Getenv("ARTIFACTS_DIR"); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		return dir
	}
	return t.TempDir()
}

// result is what the page's call() and show() resolve with.
type result struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// TestBrowser drives the example's page in headless Chromium, as a user
// and as a page of another origin would.
func TestBrowser(t *testing.T) {
	var clock exampletest.Clock
	auth, err := newAuthorizer(ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithClock(clock.Now))
	require.NoError(t, err)
	app := &recorder{h: newRouter(auth)}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(otherOriginPage))
	}))
	t.Cleanup(other.Close)

	tab := browsertest.New(t, chromedp.WindowSize(900, 700))
	eval := func(t *testing.T, tab context.Context, expr string) result {
		t.Helper()
		r, err := chromedp.Run(tab, chromedp.Evaluate[result](expr, chromedp.EvalAwaitPromise))
		require.NoError(t, err, expr)
		return r
	}
	// call sends a request through the page's api(), which adds the CSRF
	// header and refreshes on a 401; callWithoutCSRF, with the cookies
	// alone.
	call := func(t *testing.T, method, path string) result {
		t.Helper()
		args, _ := json.Marshal([]any{method, path})
		return eval(t, tab, "show(call(..."+string(args)+"))")
	}
	callWithoutCSRF := func(t *testing.T, method, path string) result {
		t.Helper()
		args, _ := json.Marshal([]any{method, path})
		return eval(t, tab, "show(callWithoutCSRF(..."+string(args)+"))")
	}
	documentCookie := func(t *testing.T) string {
		t.Helper()
		v, err := chromedp.Run(tab, chromedp.Evaluate[string]("document.cookie"))
		require.NoError(t, err)
		return v
	}
	cookies := func(t *testing.T) map[string]*network.Cookie {
		t.Helper()
		res, err := chromedp.Call(tab, network.GetCookies, network.GetCookiesParams{URLs: []string{srv.URL + "/", srv.URL + "/refresh"}})
		require.NoError(t, err)
		out := map[string]*network.Cookie{}
		for _, c := range res.Cookies {
			out[c.Name] = c
		}
		return out
	}

	// Log in through the form, as a user would.
	require.NoError(t, chromedp.Do(tab,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.SendKeys("#username", "test"),
		chromedp.SendKeys("#password", "test"),
		chromedp.Click("#login-button"),
	))
	_, err = chromedp.Run(tab, chromedp.Poll[bool](`document.getElementById("out").textContent.startsWith("200 ")`))
	require.NoError(t, err, "the login answer appears on the page")
	logins := app.requests(http.MethodPost, "/login")
	require.Len(t, logins, 1)
	assert.Equal(t, http.StatusOK, logins[0].Status, logins[0].Body)
	shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	shotPath := filepath.Join(artifactsDir(t), "cookies-after-login.png")
	require.NoError(t, os.WriteFile(shotPath, shot, 0o644))
	t.Logf("screenshot of the page after login: %s", shotPath)

	var csrf string
	t.Run("the script sees the CSRF cookie only", func(t *testing.T) {
		jar := cookies(t)
		names := make([]string, 0, len(jar))
		for n := range jar {
			names = append(names, n)
		}
		sort.Strings(names)
		assert.Equal(t, []string{"__Host-access_token", "__Host-csrf_token", "__Secure-refresh_token"}, names)
		csrf = jar["__Host-csrf_token"].Value
		require.NotEmpty(t, csrf)
		assert.Equal(t, "__Host-csrf_token="+csrf, documentCookie(t))
		for name, c := range jar {
			assert.True(t, c.Secure, name)
			assert.Equal(t, network.CookieSameSiteLax, c.SameSite, name)
			assert.Equal(t, name != "__Host-csrf_token", c.HTTPOnly, name)
		}
		assert.Equal(t, "/refresh", jar["__Secure-refresh_token"].Path)
		assert.Equal(t, "/", jar["__Host-access_token"].Path)
	})
	t.Run("GET /user", func(t *testing.T) {
		assert.Equal(t, result{200, `{"user":"test"}`}, call(t, "GET", "/user"))
	})
	t.Run("POST /notes needs the CSRF header", func(t *testing.T) {
		assert.Equal(t, result{403, `{"detail":"Missing CSRF Token"}`}, callWithoutCSRF(t, "POST", "/notes"))
		assert.Equal(t, result{201, `{"note":1,"user":"test"}`}, call(t, "POST", "/notes"))
	})
	t.Run("the WebSocket greets the user", func(t *testing.T) {
		assert.Equal(t, result{101, "Hello, test!"}, eval(t, tab, "show(greeting())"))
	})
	t.Run("another origin is refused", func(t *testing.T) {
		otherTab, cancelOther := chromedp.NewContext(tab)
		t.Cleanup(func() {
			chromedp.Cancel(otherTab)
			cancelOther()
		})
		require.NoError(t, chromedp.Do(otherTab, chromedp.Navigate(other.URL+"/")))
		target, _ := json.Marshal(srv.URL)
		before := len(app.requests(http.MethodPost, "/notes"))

		_, err := chromedp.Run(otherTab, chromedp.Evaluate[string]("forge("+string(target)+")", chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		notes := app.requests(http.MethodPost, "/notes")
		require.Len(t, notes, before+1, "the forged POST reached the server, with the cookies")
		assert.Equal(t, request{"POST", "/notes", 403, `{"detail":"Cross-origin request refused"}`}, notes[before])

		type forged struct {
			Sent       bool `json:"sent"`
			ReadCookie bool `json:"readCookie"`
		}
		args, _ := json.Marshal([]string{srv.URL, auth.CSRFCookieName(), auth.CSRFHeaderName()})
		got, err := chromedp.Run(otherTab, chromedp.Evaluate[forged]("forgeWithCSRFHeader(..."+string(args)+")", chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		// The page of the other port reads the CSRF cookie, but cannot
		// send it: the browser asks first (OPTIONS) and gets no CORS
		// answer.
		assert.Equal(t, forged{Sent: false, ReadCookie: true}, got)
		assert.Len(t, app.requests(http.MethodPost, "/notes"), before+1, "no second POST arrived")

		closed, err := chromedp.Run(otherTab, chromedp.Evaluate[string]("socket("+string(target)+")", chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		assert.Equal(t, "closed 1006", closed)
		ws := app.requests(http.MethodGet, "/ws")
		require.NotEmpty(t, ws)
		assert.Equal(t, request{"GET", "/ws", 403, `{"detail":"Cross-origin request refused"}`}, ws[len(ws)-1])
	})
	t.Run("refresh rotates the token cookies", func(t *testing.T) {
		before := cookies(t)
		r := call(t, "POST", "/refresh")
		require.Equal(t, 200, r.Status, r.Body)
		assert.NotContains(t, r.Body, "token", "no token in the body")
		after := cookies(t)
		require.Len(t, after, 3)
		for name, c := range after {
			if name == "__Host-csrf_token" {
				assert.Equal(t, before[name].Value, c.Value, "the session keeps its CSRF token")
				continue
			}
			assert.NotEqual(t, before[name].Value, c.Value, "%s rotated", name)
		}
		assert.Equal(t, "__Host-csrf_token="+after["__Host-csrf_token"].Value, documentCookie(t))
		assert.Equal(t, result{200, `{"user":"test"}`}, call(t, "GET", "/user"))
		assert.Equal(t, result{201, `{"note":2,"user":"test"}`}, call(t, "POST", "/notes"))
	})
	t.Run("an expired access token is refreshed once and the request sent again", func(t *testing.T) {
		// The access token expires on the server's clock while the browser
		// still sends its cookie: the first answer is 401, the page's
		// script refreshes and repeats the request, and the user sees the
		// second answer.
		for _, route := range []struct {
			method, path string
			answer       result
		}{
			{"GET", "/user", result{200, `{"user":"test"}`}},
			{"POST", "/notes", result{201, `{"note":3,"user":"test"}`}},
		} {
			clock.Advance(16 * time.Minute)
			before := cookies(t)
			refreshes := len(app.requests(http.MethodPost, "/refresh"))
			requests := len(app.requests(route.method, route.path))

			assert.Equal(t, route.answer, call(t, route.method, route.path), route.path)

			sent := app.requests(route.method, route.path)[requests:]
			require.Len(t, sent, 2, "%s sent twice", route.path)
			assert.Equal(t, request{route.method, route.path, 401, `{"detail":"Token has expired"}`}, sent[0])
			assert.Equal(t, route.answer.Status, sent[1].Status, sent[1].Body)
			refreshed := app.requests(http.MethodPost, "/refresh")[refreshes:]
			require.Len(t, refreshed, 1, "one refresh")
			assert.Equal(t, 200, refreshed[0].Status, refreshed[0].Body)
			assert.NotEqual(t, before["__Host-access_token"].Value, cookies(t)["__Host-access_token"].Value, "the access cookie rotated")
		}
	})
	t.Run("logout clears the cookies", func(t *testing.T) {
		assert.Equal(t, result{204, ""}, call(t, "POST", "/logout"))
		assert.Empty(t, cookies(t))
		assert.Empty(t, documentCookie(t))
	})
	t.Run("a failed refresh sends the user to the login form", func(t *testing.T) {
		users := len(app.requests(http.MethodGet, "/user"))
		refreshes := len(app.requests(http.MethodPost, "/refresh"))
		// The page navigates away while the call ends, so the test waits
		// for the login form rather than for the call's answer.
		_, err := chromedp.Run(tab, chromedp.Evaluate[bool](`call("GET", "/user"), true`))
		require.NoError(t, err)
		wait, cancel := context.WithTimeout(tab, 30*time.Second) // a bound, so that a page that stays fails the test
		defer cancel()
		require.NoError(t, chromedp.Do(wait, chromedp.WaitVisible("#ended")), "the page says that the session ended")
		at, err := chromedp.Run(tab, chromedp.Evaluate[string](`location.pathname + location.search`))
		require.NoError(t, err)
		assert.Equal(t, "/?session=ended", at)
		visible, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.getElementById("login-button").checkVisibility()`))
		require.NoError(t, err)
		assert.True(t, visible, "the login form")
		assert.Equal(t, []request{{"GET", "/user", 401, `{"detail":"PASETO Authorization Token required"}`}}, app.requests(http.MethodGet, "/user")[users:], "sent once")
		assert.Equal(t, []request{{"POST", "/refresh", 401, `{"detail":"PASETO Authorization Token required"}`}}, app.requests(http.MethodPost, "/refresh")[refreshes:], "one refresh, refused")
	})
}

// TestPageRefusesFrames: no page can show the example's page in a frame,
// where it could be clicked through while logged in, not even one of its
// own origin; a page that allows framing does render, so the check sees a
// rendered frame.
func TestPageRefusesFrames(t *testing.T) {
	auth, err := newAuthorizer(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	r := newRouter(auth)
	exampletest.FramingPages(r)
	srv := exampletest.Serve(t, r)
	tab := browsertest.New(t)

	rendered := func(src, id string) bool {
		t.Helper()
		return browsertest.FrameShows(t, tab, srv.URL+"/test/frame?src="+src, exampletest.RendersInFrame(id))
	}
	require.True(t, rendered("/test/frameable", "content"), "a page that allows it renders in the frame")
	assert.False(t, rendered("/", "login"), "the example's page must not render in a frame")
}
