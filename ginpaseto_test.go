package ginpaseto_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

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

// request is one request to a test server. The zero value is GET /p
// without a token.
type request struct {
	method  string   // GET when empty
	path    string   // "/p" when empty
	token   string   // sent as "Authorization: Bearer <token>" when set
	headers []string // more header name/value pairs, added in order
	body    string   // sent as application/json unless headers set a Content-Type
}

// do sends req to srv and returns the reply: the one helper every HTTP test
// goes through.
func do(t testing.TB, srv *httptest.Server, req request) reply {
	t.Helper()
	method, path := req.method, req.path
	if method == "" {
		method = http.MethodGet
	}
	if path == "" {
		path = "/p"
	}
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r, err := http.NewRequest(method, srv.URL+path, body)
	require.NoError(t, err)
	if req.token != "" {
		r.Header.Set("Authorization", "Bearer "+req.token)
	}
	for i := 0; i+1 < len(req.headers); i += 2 {
		r.Header.Add(req.headers[i], req.headers[i+1])
	}
	if req.body != "" && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{resp.StatusCode, string(got), resp.Header.Get("WWW-Authenticate")}
}

// get requests path on srv with the given header pairs.
func get(t testing.TB, srv *httptest.Server, path string, headers ...string) reply {
	t.Helper()
	return do(t, srv, request{path: path, headers: headers})
}

// expect asserts a reply's status and body.
func expect(t testing.TB, got reply, status int, body string) {
	t.Helper()
	assert.Equal(t, status, got.status, "status; body %s", got.body)
	assert.Equal(t, body, got.body)
}

// detail is the body the default error handler writes for message.
func detail(message string) string {
	return `{"detail":"` + message + `"}`
}

// user is the body whoami writes for subject.
func user(subject string) string {
	return `{"user":"` + subject + `"}`
}

// whoami answers with the subject of the accepted token.
func whoami(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
}

// serve runs h on a test server closed with the test.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// clock is a settable time source for WithClock, safe to read from server
// goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// newClock returns a clock stopped at a whole second, as token times are.
func newClock() *clock {
	return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// set moves the clock to t.
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
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
