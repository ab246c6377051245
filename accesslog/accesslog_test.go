package accesslog_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/accesslog"
)

// redacted is what replaces a token in a log line.
const redacted = "[REDACTED]"

func newAuth(t *testing.T) *ginpaseto.Authorizer {
	t.Helper()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey("707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"))
	require.NoError(t, err)
	return auth
}

// token returns a new access token of auth.
func token(t *testing.T, auth *ginpaseto.Authorizer, opts ...ginpaseto.TokenOption) string {
	t.Helper()
	tok, err := auth.CreateAccessToken(context.Background(), "alice", opts...)
	require.NoError(t, err)
	return tok
}

// tokenParts are the pieces of tok a log must not hold either: the token,
// its body and footer, and its base64 wrapping.
func tokenParts(tok string) []string {
	parts := []string{tok, base64.StdEncoding.EncodeToString([]byte(tok))}
	for _, p := range strings.Split(tok, ".")[2:] {
		if len(p) >= 16 {
			parts = append(parts, p)
		}
	}
	return parts
}

func TestFormatter(t *testing.T) {
	auth := newAuth(t)
	tok := token(t, auth, ginpaseto.Footer(map[string]any{"kid": strings.Repeat("k", 20)}))
	wrapped := base64.URLEncoding.EncodeToString([]byte(tok))
	esc := url.QueryEscape
	tests := []struct {
		name, target string
		want         string // what must stay in the line
	}{
		{"token parameter", "/p?token=" + tok, "/p?token=[REDACTED]"},
		{"prefixed", "/p?token=Bearer%20" + esc(tok), "/p?token=[REDACTED]"},
		{"access_token", "/p?a=1&access_token=" + tok + "&b=2", "/p?a=1&access_token=[REDACTED]&b=2"},
		{"refresh_token", "/p?refresh_token=" + tok, "/p?refresh_token=[REDACTED]"},
		{"names in any case", "/p?TOKEN=opaque-secret", "/p?TOKEN=[REDACTED]"},
		{"a name given to the formatter", "/p?key=opaque-secret", "/p?key=[REDACTED]"},
		{"a token under another name", "/p?x=" + tok, "/p?x=[REDACTED]"},
		{"a percent-encoded token", "/p?x=" + strings.ReplaceAll(tok, ".", "%2E"), "/p?x=[REDACTED]"},
		{"a wrapped token", "/p?x=" + esc(wrapped), "/p?x=[REDACTED]"},
		{"a token as a name", "/p?" + tok, "/p?[REDACTED]"},
		{"a token in the path", "/files/" + tok + "/x", "/files/[REDACTED]/x"},
		{"nothing to redact", "/p?page=2&sort=name", "/p?page=2&sort=name"},
		{"empty value kept", "/p?token=", "/p?token="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			r := gin.New()
			r.Use(gin.LoggerWithConfig(gin.LoggerConfig{Formatter: accesslog.Formatter("key"), Output: &logs}))
			r.GET("/*any", func(c *gin.Context) { c.Status(http.StatusNoContent) })
			r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tc.target, nil))
			line := logs.String()
			assert.Contains(t, line, `"`+tc.want+`"`)
			assert.Contains(t, line, "[GIN] ")
			assert.Contains(t, line, " 204 ")
			for _, part := range tokenParts(tok) {
				assert.NotContains(t, line, part)
			}
			assert.NotContains(t, line, "opaque-secret")
		})
	}
}

func TestFormatterMethodAndErrors(t *testing.T) {
	tok := token(t, newAuth(t))
	var logs bytes.Buffer
	r := gin.New()
	r.Use(gin.LoggerWithConfig(gin.LoggerConfig{Formatter: accesslog.Formatter(), Output: &logs}))
	r.Any("/p", func(c *gin.Context) {
		_ = c.Error(&gin.Error{Err: assert.AnError, Type: gin.ErrorTypePrivate, Meta: nil})
		_ = c.Error(errString("could not use " + tok))
		c.Status(http.StatusBadRequest)
	})
	req := httptest.NewRequest(http.MethodGet, "/p", nil)
	req.Method = tok // a method is any HTTP token, and PASETO tokens are
	r.ServeHTTP(httptest.NewRecorder(), req)
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/p", nil))
	for _, part := range tokenParts(tok) {
		assert.NotContains(t, logs.String(), part)
	}
	assert.Contains(t, logs.String(), "could not use [REDACTED]")
}

type errString string

func (e errString) Error() string { return string(e) }

func TestParams(t *testing.T) {
	tok := token(t, newAuth(t))
	req := httptest.NewRequest(http.MethodGet, "/p/"+tok+"?token="+tok+"&page=2", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Sec-WebSocket-Protocol", "paseto, "+tok)
	req.Header.Set("Cookie", "session="+tok)
	req.Header.Set("X-Api-Key", "opaque-secret")
	req.Header.Set("X-CSRF-Token", "csrf-secret")
	req.Header.Set("X-Trace", "t="+tok)
	req.Header.Set("Accept", "application/json")
	require.NoError(t, req.ParseForm())
	p := accesslog.Params(gin.LogFormatterParams{
		Request: req,
		Method:  req.Method,
		Path:    req.URL.Path + "?" + req.URL.RawQuery,
	}, "X-Api-Key")

	assert.Equal(t, "/p/[REDACTED]?token=[REDACTED]&page=2", p.Path)
	assert.Equal(t, "/p/[REDACTED]", p.Request.URL.Path)
	assert.Equal(t, "token=[REDACTED]&page=2", p.Request.URL.RawQuery)
	assert.Equal(t, "/p/[REDACTED]?token=[REDACTED]&page=2", p.Request.RequestURI)
	assert.Nil(t, p.Request.Form)
	for _, h := range []string{"Authorization", "Sec-WebSocket-Protocol", "Cookie", "X-Api-Key", "X-CSRF-Token"} {
		assert.Equal(t, redacted, p.Request.Header.Get(h), h)
	}
	assert.Equal(t, "t=[REDACTED]", p.Request.Header.Get("X-Trace"))
	assert.Equal(t, "application/json", p.Request.Header.Get("Accept"))
	// The request being served is untouched.
	assert.Equal(t, "Bearer "+tok, req.Header.Get("Authorization"))
	assert.Contains(t, req.URL.RawQuery, tok)
	assert.Equal(t, tok, req.Form.Get("token"))
}

// TestFormatterMangledTokens: a token whose "v4.local." a client
// mangled is redacted by the shape of its body, wherever it sits in the
// URL; shorter IDs stay readable.
func TestFormatterMangledTokens(t *testing.T) {
	tok := token(t, newAuth(t))
	body := strings.TrimPrefix(tok, "v4.local.") // with the footer, which may stay
	secret := strings.Split(body, ".")[0]
	require.Greater(t, len(secret), 80)
	esc := url.QueryEscape
	encodeAll := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	}
	const sha256Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	tests := []struct {
		name, target string
		want         string // what must stay in the line; "" for any redaction
	}{
		{"a NUL before the dot, in the query", "/p?x=" + esc("v4.local\x00."+body), "/p?x=[REDACTED]"},
		{"HTML entities for the dots, in the query", "/p?x=" + esc("v4&#46;local&#46;"+body), "/p?x=[REDACTED]"},
		{"look-alike dots, in the query", "/p?x=" + esc("v4\u2024local\u2024"+body), "/p?x=[REDACTED]"},
		{"a body as a query name", "/p?" + body, "/p?[REDACTED]"},
		{"a percent-encoded body, in the query", "/p?x=" + encodeAll(body), "/p?x=[REDACTED]"},
		{"a NUL before the dot, in the path", "/files/v4.local%00." + body + "/x", ""},
		{"look-alike dots, in the path", "/files/" + url.PathEscape("v4\u2024local\u2024"+body) + "/x", ""},
		{"a percent-encoded body, in the path", "/files/" + encodeAll(body) + "/x", ""},
		{"a UUID and a SHA-256 stay", "/files/123e4567-e89b-12d3-a456-426614174000/" + sha256Hex + "?v=" + sha256Hex,
			"/files/123e4567-e89b-12d3-a456-426614174000/" + sha256Hex + "?v=" + sha256Hex},
		{"79 characters stay", "/p?id=" + strings.Repeat("a", 79), "/p?id=" + strings.Repeat("a", 79)},
		{"80 do not", "/p?id=" + strings.Repeat("a", 80), "/p?id=[REDACTED]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			r := gin.New()
			r.Use(gin.LoggerWithConfig(gin.LoggerConfig{Formatter: accesslog.Formatter(), Output: &logs}))
			r.GET("/*any", func(c *gin.Context) { c.Status(http.StatusNoContent) })
			r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tc.target, nil))
			line := logs.String()
			if tc.want != "" {
				assert.Contains(t, line, `"`+tc.want+`"`)
			} else {
				assert.Contains(t, line, `"/files/`)
				assert.Contains(t, line, redacted+`/x"`)
			}
			assert.NotContains(t, line, secret)
		})
	}

	t.Run("Params: the request and its headers", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/files/v4.local%00."+body+"?x="+esc("v4&#46;local&#46;"+body), nil)
		req.Header.Set("Referer", "https://app.example.com/#v4\u2024local\u2024"+body)
		p := accesslog.Params(gin.LogFormatterParams{Request: req, Path: req.RequestURI})
		for _, got := range []string{p.Path, p.Request.URL.String(), p.Request.RequestURI, p.Request.Header.Get("Referer")} {
			assert.NotContains(t, got, secret)
			assert.Contains(t, got, redacted)
		}
	})
}
