package ginpaseto_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// testKey is a fixed v4.local key for tests.
const testKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

func init() { gin.SetMode(gin.TestMode) }

func newAuth(t testing.TB, opts ...ginpaseto.Option) *ginpaseto.Authorizer {
	t.Helper()
	auth, err := ginpaseto.New(append([]ginpaseto.Option{ginpaseto.WithSecretKey(testKey)}, opts...)...)
	require.NoError(t, err)
	return auth
}

// protected serves GET /p behind mw, answering with the subject.
func protected(t testing.TB, mw gin.HandlerFunc) *httptest.Server {
	t.Helper()
	r := gin.New()
	r.GET("/p", mw, func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// reply is what the server answered.
type reply struct {
	status    int
	body      string
	challenge string
}

// get requests path on srv with the given header pairs.
func get(t testing.TB, srv *httptest.Server, path string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{resp.StatusCode, string(body), resp.Header.Get("WWW-Authenticate")}
}

func token(t testing.TB, auth *ginpaseto.Authorizer, tokenType string, opts ...ginpaseto.TokenOption) string {
	t.Helper()
	tok, err := auth.CreateToken(context.Background(), "alice", tokenType, opts...)
	require.NoError(t, err)
	return tok
}

func TestSeedFlow(t *testing.T) {
	auth := newAuth(t)
	srv := protected(t, auth.Required())
	access := token(t, auth, ginpaseto.TypeAccess)
	require.True(t, strings.HasPrefix(access, "v4.local."))

	tests := []struct {
		name      string
		headers   []string
		status    int
		body      string
		challenge string
	}{
		{"no token", nil, 401, `{"detail":"PASETO Authorization Token required"}`, `Bearer`},
		{"access token", []string{"Authorization", "Bearer " + access}, 200, `{"user":"alice"}`, ``},
		{"lower-case scheme", []string{"Authorization", "bearer " + access}, 200, `{"user":"alice"}`, ``},
		{"wrong scheme", []string{"Authorization", "Basic " + access}, 401,
			`{"detail":"Bad Authorization header. Expected value 'Bearer <PASETO>'"}`, `Bearer error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(t, srv, "/p", tt.headers...)
			assert.Equal(t, tt.status, got.status)
			assert.Equal(t, tt.body, got.body)
			assert.Equal(t, tt.challenge, got.challenge)
		})
	}
}
