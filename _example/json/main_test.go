package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func serve(t *testing.T) (srv *exampletest.Server, access, refresh string) {
	t.Helper()
	auth, err := newAuthorizer(exampletest.SecretKey)
	require.NoError(t, err)
	srv = exampletest.Serve(t, newRouter(auth))
	login := srv.Login("/login", "test", "test")
	return srv, login.Field(t, "access_token"), login.Field(t, "refresh_token")
}

func TestTokenInJSONBody(t *testing.T) {
	srv, access, refresh := serve(t)
	const missing = `{"detail":"PASETO Authorization Token required"}`

	tests := []struct {
		name    string
		path    string
		body    map[string]any
		headers []string
		status  int
		want    string
	}{
		{"access token in body, handler binds the rest", "/orders",
			map[string]any{"access_token": access, "item": "tea", "quantity": 2}, nil,
			http.StatusCreated, `{"user":"test","order":{"item":"tea","quantity":2}}`},
		{"access token in header", "/orders",
			map[string]any{"item": "tea", "quantity": 1}, exampletest.Bearer(access),
			http.StatusCreated, `{"user":"test","order":{"item":"tea","quantity":1}}`},
		{"no token", "/orders",
			map[string]any{"item": "tea", "quantity": 1}, nil,
			http.StatusUnauthorized, missing},
		{"refresh key does not count for Required", "/orders",
			map[string]any{"refresh_token": refresh, "item": "tea", "quantity": 1}, nil,
			http.StatusUnauthorized, missing},
		{"token that is not a string", "/orders",
			map[string]any{"access_token": 42, "item": "tea", "quantity": 1}, nil,
			http.StatusUnauthorized, `{"detail":"Bad JSON token in 'access_token'. Expected a string '<PASETO>'"}`},
		{"refresh token in body", "/refresh",
			map[string]any{"refresh_token": refresh}, nil,
			http.StatusOK, ""},
		{"refresh token in header", "/refresh",
			nil, exampletest.Bearer(refresh),
			http.StatusOK, ""},
		{"access token where refresh is required", "/refresh",
			map[string]any{"refresh_token": access}, nil,
			http.StatusUnauthorized, `{"detail":"Refresh token required but access provided"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any // stays nil for no body: a nil map would be sent as null
			if tt.body != nil {
				body = tt.body
			}
			res := srv.Call(http.MethodPost, tt.path, body, tt.headers...)
			require.Equal(t, tt.status, res.Status, res.Body)
			if tt.want != "" {
				assert.JSONEq(t, tt.want, res.Body)
			}
			if tt.path == "/refresh" && tt.status == http.StatusOK {
				assert.True(t, strings.HasPrefix(res.Field(t, "access_token"), "v4.local."))
			}
		})
	}
}

// A body that is not JSON is never searched: the token in it goes unseen.
func TestNonJSONBodyCarriesNoToken(t *testing.T) {
	srv, access, _ := serve(t)
	body := `{"access_token":"` + access + `","item":"tea","quantity":1}`
	for _, contentType := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
		t.Run(contentType, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/orders", strings.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", contentType)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			got, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
			assert.JSONEq(t, `{"detail":"PASETO Authorization Token required"}`, string(got))
		})
	}
}

func TestOrderNeedsItsFields(t *testing.T) {
	srv, access, _ := serve(t)
	res := srv.Call(http.MethodPost, "/orders", map[string]any{"access_token": access, "quantity": 1})
	assert.Equal(t, http.StatusBadRequest, res.Status)
	assert.JSONEq(t, `{"detail":"An order needs an item and a quantity of at least 1"}`, res.Body)
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
