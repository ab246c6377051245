package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPerRouteOverrides(t *testing.T) {
	auth, err := newAuthorizer(exampletest.SecretKey)
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))

	login := srv.Login("/login", "test", "test")
	access := login.Field(t, "access_token")
	cookie := login.Header.Get("Set-Cookie")
	assert.Contains(t, cookie, "session="+access)
	assert.Contains(t, cookie, "HttpOnly")
	assert.Contains(t, cookie, "Secure")
	assert.Contains(t, cookie, "SameSite=Strict")

	res := srv.Call(http.MethodPost, "/api-keys", nil, exampletest.Bearer(access)...)
	require.Equal(t, http.StatusCreated, res.Status, res.Body)
	apiKey := res.Field(t, "api_key")

	res = srv.Call(http.MethodGet, "/reports/link", nil, exampletest.Bearer(access)...)
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), "a GET that returns a token is not cached")
	assert.Equal(t, "no-store", login.Header.Get("Cache-Control"))
	link := res.Field(t, "url")
	u, err := url.Parse(link)
	require.NoError(t, err)
	download := u.Query().Get("t")
	require.NotEmpty(t, download)

	const (
		user    = `{"user":"test"}`
		missing = `{"detail":"PASETO Authorization Token required"}`
	)
	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
		want    string
	}{
		{"session cookie", "/dashboard", []string{"Cookie", "session=" + access}, http.StatusOK, user},
		{"dashboard reads only the cookie", "/dashboard", exampletest.Bearer(access), http.StatusUnauthorized, missing},
		{"dashboard without cookie", "/dashboard", nil, http.StatusUnauthorized, missing},
		{"profile with the cookie", "/profile", []string{"Cookie", "session=" + access}, http.StatusOK, user},
		{"profile with the header", "/profile", exampletest.Bearer(access), http.StatusOK, user},
		{"profile: the header first", "/profile", append(exampletest.Bearer(access), "Cookie", "session=v4.local.bad"), http.StatusOK, user},
		{"profile with neither", "/profile", nil, http.StatusUnauthorized, missing},

		{"bare API key", "/machine/jobs", []string{"X-API-Key", apiKey}, http.StatusOK, user},
		{"access token as API key", "/machine/jobs", []string{"X-API-Key", access}, http.StatusUnauthorized,
			`{"detail":"api token required but access provided"}`},
		{"API key with a prefix", "/machine/jobs", []string{"X-API-Key", "Bearer " + apiKey}, http.StatusUnauthorized,
			`{"detail":"Bad X-API-Key header. Expected value '<PASETO>'"}`},
		{"API key in Authorization", "/machine/jobs", exampletest.Bearer(apiKey), http.StatusUnauthorized, missing},
		{"API key where access is required", "/ops/stats", exampletest.Bearer(apiKey), http.StatusUnauthorized,
			`{"detail":"Access token required but api provided"}`},

		{"download link", link, nil, http.StatusOK, ""},
		{"access token in a link", "/reports/download?t=" + url.QueryEscape(access), nil, http.StatusUnauthorized,
			`{"detail":"download token required but access provided"}`},
		{"download token in a header", "/reports/download", exampletest.Bearer(download), http.StatusUnauthorized, missing},
		{"other routes ignore the query", "/ops/stats?token=" + url.QueryEscape(access), nil, http.StatusUnauthorized, missing},

		{"health check without token", "/ops/health", nil, http.StatusOK, `{"status":"ok"}`},
		{"stats without token", "/ops/stats", nil, http.StatusUnauthorized, missing},
		{"stats with token", "/ops/stats", exampletest.Bearer(access), http.StatusOK, user},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := srv.Call(http.MethodGet, tt.path, nil, tt.headers...)
			require.Equal(t, tt.status, res.Status, res.Body)
			if tt.want != "" {
				assert.JSONEq(t, tt.want, res.Body)
			} else {
				assert.Equal(t, "report for test\n", res.Body)
			}
		})
	}
}

// TestLoginCSRF: the login sets a cookie, so a page of another site must
// not be able to post it for the visitor: a text/plain form (no CORS
// preflight) is refused, and so is any post a browser marks as coming
// from another origin.
func TestLoginCSRF(t *testing.T) {
	auth, err := newAuthorizer(exampletest.SecretKey)
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	const creds = `{"username":"test","password":"test"}`
	for _, tc := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"a text/plain form of another site", []string{"Content-Type", "text/plain", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"text/plain from an old browser", []string{"Content-Type", "text/plain"}, http.StatusUnsupportedMediaType},
		{"JSON from another origin", []string{"Content-Type", "application/json", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"JSON from this origin", []string{"Content-Type", "application/json", "Sec-Fetch-Site", "same-origin"}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(creds))
			require.NoError(t, err)
			for i := 0; i+1 < len(tc.headers); i += 2 {
				req.Header.Set(tc.headers[i], tc.headers[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			if tc.status != http.StatusOK {
				assert.Empty(t, resp.Header.Values("Set-Cookie"), "no session cookie")
			}
		})
	}
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
