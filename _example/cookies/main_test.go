package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
)

// client is a cookie-keeping client of the example over TLS, as a browser
// on https would be; csrf makes it send the CSRF header.
type client struct {
	t   *testing.T
	url string
	c   *http.Client
}

func newClient(t *testing.T) *client {
	return newClientWith(t, ginpaseto.WithSecretKey(exampletest.SecretKey))
}

func newClientWith(t *testing.T, opts ...ginpaseto.Option) *client {
	auth, err := newAuthorizer(opts...)
	require.NoError(t, err)
	srv := httptest.NewTLSServer(newRouter(auth))
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &client{t, srv.URL, &http.Client{Transport: srv.Client().Transport, Jar: jar}}
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.url + "/")
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// do sends a request and returns the status and body.
func (c *client) do(method, path, contentType, body string, csrf bool) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if csrf {
		req.Header.Set("X-CSRF-Token", c.cookie("__Host-csrf_token"))
	}
	resp, err := c.c.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, string(b)
}

func TestPage(t *testing.T) {
	c := newClient(t)
	status, body := c.do("GET", "/", "", "", false)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `data-csrf-cookie="__Host-csrf_token"`)
	assert.Contains(t, body, `<form id="login" method="post" action="/login">`)
	resp, err := c.c.Get(c.url + "/")
	require.NoError(t, err)
	resp.Body.Close()
	exampletest.PageHeaders(t, resp.Header)
}

func TestBadLogin(t *testing.T) {
	c := newClient(t)
	status, body := c.do("POST", "/login", "application/x-www-form-urlencoded", "username=test&password=nope", false)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, `{"detail":"Bad username or password"}`, body)
	assert.Empty(t, c.cookie("__Host-access_token"))
}

func TestLoginFromAnotherOrigin(t *testing.T) {
	c := newClient(t)
	req, err := http.NewRequest("POST", c.url+"/login", strings.NewReader("username=test&password=test"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.c.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, `{"detail":"Cross-origin request refused"}`, string(body))
	assert.Empty(t, c.cookie("__Host-access_token"))
}

func TestFlow(t *testing.T) {
	for _, login := range []struct{ name, contentType, body string }{
		{"form", "application/x-www-form-urlencoded", "username=test&password=test"},
		{"JSON", "application/json", `{"username":"test","password":"test"}`},
	} {
		t.Run(login.name, func(t *testing.T) {
			c := newClient(t)
			status, body := c.do("POST", "/login", login.contentType, login.body, false)
			require.Equal(t, http.StatusOK, status, body)
			assert.NotContains(t, body, "v4.local.")
			status, body = c.do("GET", "/user", "", "", false)
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, `{"user":"test"}`, body)
			status, body = c.do("POST", "/notes", "", "", false)
			assert.Equal(t, http.StatusForbidden, status)
			assert.Equal(t, `{"detail":"Missing CSRF Token"}`, body)
			status, body = c.do("POST", "/notes", "", "", true)
			assert.Equal(t, http.StatusCreated, status)
			assert.Equal(t, `{"note":1,"user":"test"}`, body)

			before := c.cookie("__Host-access_token")
			status, body = c.do("POST", "/refresh", "", "", true)
			require.Equal(t, http.StatusOK, status, body)
			assert.NotEqual(t, before, c.cookie("__Host-access_token"))
			status, _ = c.do("POST", "/notes", "", "", true)
			assert.Equal(t, http.StatusCreated, status)

			status, body = c.do("POST", "/logout", "", "", true)
			assert.Equal(t, http.StatusNoContent, status, body)
			assert.Empty(t, c.cookie("__Host-access_token"))
			status, body = c.do("GET", "/user", "", "", false)
			assert.Equal(t, http.StatusUnauthorized, status)
			assert.Equal(t, `{"detail":"PASETO Authorization Token required"}`, body)
		})
	}
}

// TestHeaderClients: a client that is not a browser sends the token in
// the Authorization header and needs no CSRF header.
func TestHeaderClients(t *testing.T) {
	auth, err := newAuthorizer(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	tok, err := auth.CreateAccessToken(t.Context(), "test")
	require.NoError(t, err)
	resp := srv.Call("POST", "/notes", nil, exampletest.Bearer(tok)...)
	assert.Equal(t, http.StatusCreated, resp.Status, resp.Body)
}

// TestIdleLogout configures the example from the environment as main
// does, with an access token of one second, and logs out once the client,
// which honours Path and Max-Age as a browser does, has dropped the access
// cookie: the refresh cookie, sent to /logout too, ends the session, and
// every cookie is cleared.
func TestIdleLogout(t *testing.T) {
	t.Setenv("PASETO_SECRET_KEY", exampletest.SecretKey)
	t.Setenv("PASETO_ACCESS_LIFETIME", "1s")
	t.Setenv("INSECURE_COOKIES", "")
	c := newClientWith(t, envOptions()...)
	status, body := c.do("POST", "/login", "application/json", `{"username":"test","password":"test"}`, false)
	require.Equal(t, http.StatusOK, status, body)
	saved := c.cookieAt("/refresh", "__Secure-refresh_token")
	require.NotEmpty(t, saved)
	assert.Equal(t, saved, c.cookieAt("/logout", "__Secure-refresh_token"))

	deadline := time.Now().Add(30 * time.Second)
	for c.cookie("__Host-access_token") != "" {
		require.True(t, time.Now().Before(deadline), "the access cookie was never dropped")
		time.Sleep(100 * time.Millisecond)
	}
	status, _ = c.do("GET", "/user", "", "", false)
	assert.Equal(t, http.StatusUnauthorized, status, "PASETO_ACCESS_LIFETIME applies")

	status, body = c.do("POST", "/logout", "", "", true)
	assert.Equal(t, http.StatusNoContent, status, body)
	for _, path := range []string{"/", "/refresh", "/logout"} {
		assert.Empty(t, c.cookieAt(path, "__Secure-refresh_token"), path)
		assert.Empty(t, c.cookieAt(path, "__Host-csrf_token"), path)
	}
	// The refresh token saved before the logout, as a thief would have it.
	req, err := http.NewRequest("POST", c.url+"/refresh", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+saved)
	resp, err := c.c.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, `{"detail":"Token has been revoked"}`, string(b))
}

// cookieAt returns the value of the cookie name the client sends to path.
func (c *client) cookieAt(path, name string) string {
	u, _ := url.Parse(c.url + path)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
