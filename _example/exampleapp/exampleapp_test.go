package exampleapp

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// server answers /login with the username Login accepted, and /token with
// whatever TokenFailed makes of a failure, or 200 when there is none.
func server(t *testing.T) *exampletest.Server {
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		username, ok := Login(c)
		if !ok {
			return
		}
		c.JSON(http.StatusOK, gin.H{"user": username})
	})
	r.GET("/token", func(c *gin.Context) {
		var err error
		if c.Query("fail") != "" {
			err = errors.New("no signing key")
		}
		if TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": "v4.local.x"})
	})
	return exampletest.Serve(t, r)
}

func TestLoginAndTokenFailed(t *testing.T) {
	const bad = `{"detail":"Bad username or password"}`
	const notJSON = `{"detail":"Content-Type must be application/json"}`
	login := func(name string, body any, status int, want string) exampletest.Case {
		return exampletest.Case{Name: name, Method: http.MethodPost, Path: "/login", Body: body, Status: status, Want: want}
	}
	server(t).Check([]exampletest.Case{
		login("demo account", map[string]string{"username": "test", "password": "test"}, http.StatusOK, `{"user":"test"}`),
		login("wrong password", map[string]string{"username": "test", "password": "nope"}, http.StatusUnauthorized, bad),
		login("unknown user", map[string]string{"username": "root", "password": "test"}, http.StatusUnauthorized, bad),
		login("no body", nil, http.StatusUnsupportedMediaType, notJSON),
		login("not an object", []string{"test", "test"}, http.StatusUnauthorized, bad),
		{Name: "token created", Path: "/token", Status: http.StatusOK, Want: `{"access_token":"v4.local.x"}`},
		{Name: "token failed", Path: "/token?fail=1", Status: http.StatusInternalServerError, Want: `{"detail":"Could not create token"}`},
	})
}

// TestLoginRefusesWhatAnotherSiteCanPost: a page of another site can post
// a text/plain, form or typeless body without a CORS preflight, but not
// JSON; only JSON logs in, so that no other site can log the visitor in
// to an account of its choosing.
func TestLoginRefusesWhatAnotherSiteCanPost(t *testing.T) {
	srv := server(t)
	const creds = `{"username":"test","password":"test"}`
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
	}{
		{"text/plain", "text/plain", creds, http.StatusUnsupportedMediaType},
		{"form", "application/x-www-form-urlencoded", "username=test&password=test", http.StatusUnsupportedMediaType},
		{"multipart", "multipart/form-data; boundary=x", "--x--", http.StatusUnsupportedMediaType},
		{"no Content-Type", "", creds, http.StatusUnsupportedMediaType},
		{"JSON", "application/json", creds, http.StatusOK},
		{"JSON with a charset", "application/json; charset=utf-8", creds, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(tc.body))
			require.NoError(t, err)
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode, string(body))
			if tc.status == http.StatusUnsupportedMediaType {
				assert.JSONEq(t, `{"detail":"Content-Type must be application/json"}`, string(body))
			}
		})
	}
}

// TestSecurityHeaders: every answer of an example engine carries the
// headers, and a page its own policy, still refusing every frame.
func TestSecurityHeaders(t *testing.T) {
	r := NewEngine()
	r.GET("/api", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"access_token": "v4.local.x"}) })
	r.GET("/page", func(c *gin.Context) {
		Page(c, "default-src 'self'")
		c.String(http.StatusOK, "<p>hi</p>")
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	for path, csp := range map[string]string{
		"/api":     "default-src 'none'; frame-ancestors 'none'",
		"/page":    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
		"/missing": "default-src 'none'; frame-ancestors 'none'",
	} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, csp, resp.Header.Get("Content-Security-Policy"), path)
		for name, want := range map[string]string{
			"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
			"Cache-Control": "no-store", "Pragma": "no-cache",
		} {
			assert.Equal(t, want, resp.Header.Get(name), "%s %s", path, name)
		}
	}
}

func TestAddr(t *testing.T) {
	t.Setenv("PORT", "")
	t.Setenv("HOST", "")
	assert.Equal(t, "127.0.0.1:8000", Addr(), "loopback unless told otherwise")
	t.Setenv("PORT", "9123")
	assert.Equal(t, "127.0.0.1:9123", Addr())
	t.Setenv("HOST", "0.0.0.0")
	assert.Equal(t, "0.0.0.0:9123", Addr())
	t.Setenv("HOST", "::")
	assert.Equal(t, "[::]:9123", Addr())
	assert.Equal(t, "[::]:8001", HostPort("8001"))
}
