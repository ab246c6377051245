// Package exampletest drives the example programs over real HTTP in their
// tests: one server per test, one call per request, JSON in and out.
package exampletest

import (
	"bytes"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SecretKey is a fixed v4.local key for tests. Never use it elsewhere.
const SecretKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

// Gin runs in test mode in the tests; a program that Program started keeps
// the mode that Gin and the program itself chose.
func init() {
	if os.Getenv(programVariable) == "" {
		gin.SetMode(gin.TestMode)
	}
}

// Server is an example's router behind a real HTTP listener.
type Server struct {
	t   testing.TB
	URL string
}

// Serve starts h on a loopback port for the duration of the test.
func Serve(t testing.TB, h http.Handler) *Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Server{t: t, URL: srv.URL}
}

// At drives a server that is already listening at url, such as an example
// program started as a separate process.
func At(t testing.TB, url string) *Server { return &Server{t: t, URL: url} }

// Response is what a call returned.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body as a JSON object.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body), &out), "body: %s", r.Body)
	return out
}

// Field returns one string field of a JSON object body.
func (r Response) Field(t testing.TB, name string) string {
	t.Helper()
	v, ok := r.JSON(t)[name].(string)
	require.True(t, ok, "no string %q in %s", name, r.Body)
	return v
}

// Call sends a request. body, when not nil, is sent as JSON; headers are
// name, value pairs.
func (s *Server) Call(method, path string, body any, headers ...string) Response {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(s.t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	require.NoError(s.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Login posts a username and password as JSON to path, as every example's
// login route expects, requires 200 and returns the response that holds
// the tokens.
func (s *Server) Login(path, username, password string) Response {
	s.t.Helper()
	resp := s.Call(http.MethodPost, path, map[string]string{"username": username, "password": password})
	require.Equal(s.t, http.StatusOK, resp.Status, "login: %s", resp.Body)
	return resp
}

// Case is one request of a table-driven example test and the reply it must
// get.
type Case struct {
	Name    string
	Method  string // GET when empty
	Path    string
	Token   string   // sent as a Bearer token when not empty
	Headers []string // more name, value pairs
	Body    any      // sent as JSON when not nil
	Status  int
	Want    string // the exact response body; "" leaves it unchecked
}

// Check sends each case in order and asserts its status and body, naming
// the case in any failure.
func (s *Server) Check(cases []Case) {
	s.t.Helper()
	for _, c := range cases {
		headers := c.Headers
		if c.Token != "" {
			headers = append(Bearer(c.Token), headers...)
		}
		method := c.Method
		if method == "" {
			method = http.MethodGet
		}
		resp := s.Call(method, c.Path, c.Body, headers...)
		assert.Equal(s.t, c.Status, resp.Status, "%s: %s", c.Name, resp.Body)
		if c.Want != "" {
			assert.Equal(s.t, c.Want, resp.Body, c.Name)
		}
	}
}

// Bearer returns the Authorization header pair for a token.
func Bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// PageHeaders asserts the headers that every HTML page of the examples
// carries: a Content-Security-Policy that no origin may frame the page
// under, X-Frame-Options for older browsers, and no Referer leaving it.
func PageHeaders(t testing.TB, h http.Header) {
	t.Helper()
	assert.Contains(t, h.Get("Content-Type"), "text/html")
	assert.Contains(t, h.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Contains(t, h.Get("Content-Security-Policy"), "default-src 'self'")
	assert.Equal(t, "DENY", h.Get("X-Frame-Options"))
	assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"))
	assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
}

// FramingPages adds to r, for a browser test, the pages that try to frame
// one of r's pages: /test/frame?src=PATH shows PATH in a frame of the same
// origin, the most lenient case (a page that refuses it refuses every
// other origin too); /test/frameable is a page that allows framing by its
// own origin, to show that a frame that renders is seen as such.
func FramingPages(r *gin.Engine) {
	r.GET("/test/frame", func(c *gin.Context) {
		c.Header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'")
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.String(http.StatusOK, `<!doctype html><title>frame</title>`+
			`<iframe id="frame" src="`+template.HTMLEscapeString(c.Query("src"))+`" onload="this.dataset.loaded = 'yes'"></iframe>`)
	})
	r.GET("/test/frameable", func(c *gin.Context) {
		c.Writer.Header().Del("X-Frame-Options")
		c.Header("Content-Security-Policy", "frame-ancestors 'self'")
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.String(http.StatusOK, `<!doctype html><title>frameable</title><p id="content">shown</p>`)
	})
}

// RendersInFrame is the script, for a browser on /test/frame, that tells
// whether the framed page rendered: its document is readable, being of the
// same origin, and holds an element with id. A page that refuses to be
// framed leaves an error page of an opaque origin instead.
func RendersInFrame(id string) string {
	return `(() => { try { const d = document.getElementById("frame").contentDocument; ` +
		`return d !== null && d.getElementById(` + strconv.Quote(id) + `) !== null } catch (e) { return false } })()`
}
