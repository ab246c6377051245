package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// hangGuard bounds every wait on the programs; a healthy one answers in
// milliseconds.
const hangGuard = 30 * time.Second

// TestProgram runs the program twice on one Redis, as two
// replicas, with the configuration in the environment as FromEnv reads
// it. A browser's session then goes through both: login, the user, a
// refresh, a logout, each answered by one replica and seen by the other.
func TestProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: this test runs the program twice")
	}
	redis := redistest.Start(t)
	env := []string{"REDIS_URL=redis://" + redis.Addr + "/0", "PASETO_SECRET_KEY=" + exampletest.SecretKey, "PASETO_ACCESS_LIFETIME=5m"}
	a, b := start(t, env...), start(t, env...)
	user := newBrowser(t)

	assert.Equal(t, answer{401, `{"detail":"Bad username or password"}`}, user.send(a, "POST", "/login", `{"username":"test","password":"nope"}`))
	loggedIn := time.Now()
	login := user.send(a, "POST", "/login", `{"username":"test","password":"test"}`)
	require.Equal(t, 200, login.Status, login.Body)
	assert.NotContains(t, login.Body, "v4.local.", "the tokens are in the cookies, not in the body")
	var expiry struct {
		Access  time.Time `json:"access_expires"`
		Refresh time.Time `json:"refresh_expires"`
	}
	require.NoError(t, json.Unmarshal([]byte(login.Body), &expiry))
	assert.WithinDuration(t, loggedIn.Add(5*time.Minute), expiry.Access, time.Minute, "PASETO_ACCESS_LIFETIME, read by FromEnv")
	assert.WithinDuration(t, loggedIn.Add(30*24*time.Hour), expiry.Refresh, time.Minute)
	for _, name := range []string{"__Host-access_token", "__Secure-refresh_token", "__Host-csrf_token"} {
		assert.NotEmpty(t, user.cookie(name, "/refresh"), name)
	}

	want := answer{200, `{"user":"test"}`}
	assert.Equal(t, want, user.send(a, "GET", "/user", ""))
	assert.Equal(t, want, user.send(b, "GET", "/user", ""), "the other replica knows the session")
	assert.Equal(t, answer{401, `{"detail":"PASETO Authorization Token required"}`}, newBrowser(t).send(a, "GET", "/user", ""))

	spent := user.cookie("__Secure-refresh_token", "/refresh")
	refreshed := user.send(b, "POST", "/refresh", "")
	require.Equal(t, 200, refreshed.Status, refreshed.Body)
	assert.NotEqual(t, spent, user.cookie("__Secure-refresh_token", "/refresh"), "the refresh token rotated")
	assert.Equal(t, want, user.send(a, "GET", "/user", ""))

	withoutCSRF := user.send(a, "POST", "/logout", "", "no CSRF header")
	assert.Equal(t, answer{403, `{"detail":"Missing CSRF Token"}`}, withoutCSRF, "a page of another site cannot log the user out")
	access := user.cookie("__Host-access_token", "/")
	assert.Equal(t, answer{204, ""}, user.send(b, "POST", "/logout", ""))
	assert.Empty(t, user.cookie("__Host-access_token", "/"), "the cookies are cleared")
	user.set("__Host-access_token", access)
	assert.Equal(t, answer{401, `{"detail":"Token has been revoked"}`}, user.send(a, "GET", "/user", ""), "the other replica refuses the ended session")
}

// answer is a status and a body.
type answer struct {
	Status int
	Body   string
}

// browser keeps cookies as a browser on this machine does: the program
// serves plain HTTP on a loopback address, which browsers treat as secure,
// so Secure cookies are kept and sent, by path. It sends the CSRF cookie
// back in X-CSRF-Token, as the page's script does.
type browser struct {
	t   *testing.T
	jar *cookiejar.Jar
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t, jar}
}

// secure is the URL the jar keeps the cookies under: both instances'
// cookies, as a browser's, since cookies ignore ports.
func secure(path string) *url.URL {
	return &url.URL{Scheme: "https", Host: "127.0.0.1", Path: path}
}

func (b *browser) cookie(name, path string) string {
	for _, c := range b.jar.Cookies(secure(path)) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// set puts a cookie back, as one saved before it was cleared.
func (b *browser) set(name, value string) {
	b.jar.SetCookies(secure("/"), []*http.Cookie{{Name: name, Value: value, Path: "/", Secure: true}})
}

// send sends a request with the cookies for its path and, unless told
// otherwise, the CSRF header, and keeps the cookies of the answer.
func (b *browser) send(inst *instance, method, path, body string, noCSRF ...string) answer {
	b.t.Helper()
	req, err := http.NewRequest(method, inst.url+path, strings.NewReader(body))
	require.NoError(b.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, c := range b.jar.Cookies(secure(path)) {
		req.AddCookie(c)
	}
	if len(noCSRF) == 0 {
		req.Header.Set("X-CSRF-Token", b.cookie("__Host-csrf_token", "/"))
	}
	resp, err := (&http.Client{Timeout: hangGuard}).Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	b.jar.SetCookies(secure(path), resp.Cookies())
	got, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return answer{resp.StatusCode, string(got)}
}

// instance is the program running in the background.
type instance struct{ url string }

// start runs the program (the test binary, see exampletest.Main) on a
// free port with env, and returns once it accepts connections.
func start(t *testing.T, env ...string) *instance {
	t.Helper()
	_, srv := exampletest.StartProgram(t, append(env, "GIN_MODE=release")...)
	return &instance{srv.URL}
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
