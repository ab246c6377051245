// Package accesslog keeps PASETO tokens out of Gin's access logs.
//
// Access logs outlive tokens' secrecy: they are shipped, indexed and read
// by more people than the service's keys. A token that reaches one, even
// because a client put it in a URL where the server never looks, can be
// replayed until it expires. Formatter is Gin's usual log line with every
// token replaced by "[REDACTED]"; Params redacts gin.LogFormatterParams for
// a format of your own.
//
//	r := gin.New()
//	r.Use(gin.LoggerWithFormatter(accesslog.Formatter()), gin.Recovery())
//
// The package imports no other ginpaseto package: it serves any Gin
// engine, with or without an Authorizer.
package accesslog

import (
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/internal/tokenshape"
)

// redacted replaces what is redacted.
const redacted = tokenshape.Redacted

// Query parameters and headers whose values are always redacted, whatever
// they hold: the names ginpaseto reads tokens from by default (the query
// parameter of InQuery, the JSON keys of InJSON), and the headers that
// carry credentials or CSRF tokens.
var (
	redactedQueryParams = []string{"token", "access_token", "refresh_token"}
	redactedHeaders     = []string{"Authorization", "Proxy-Authorization", "Cookie", "Sec-WebSocket-Protocol", "X-CSRF-Token"}
)

// logRedactor holds the names whose values are always redacted, lower-case.
type logRedactor struct {
	queryParams map[string]bool
	headers     map[string]bool
}

func newLogRedactor(names []string) *logRedactor {
	r := &logRedactor{queryParams: map[string]bool{}, headers: map[string]bool{}}
	for _, n := range append(append([]string{}, redactedQueryParams...), names...) {
		r.queryParams[strings.ToLower(n)] = true
	}
	for _, n := range append(append([]string{}, redactedHeaders...), names...) {
		r.headers[textproto.CanonicalMIMEHeaderKey(n)] = true
	}
	return r
}

// path redacts a logged path: tokens in the path itself, and in the query
// the values of the redacted parameters and any value or name holding a
// token, compared once decoded so that percent-encoding hides nothing.
func (r *logRedactor) path(p string) string {
	path, query, hasQuery := strings.Cut(p, "?")
	path = redactPath(path)
	if !hasQuery {
		return path
	}
	return path + "?" + r.query(query)
}

func (r *logRedactor) query(raw string) string {
	if raw == "" {
		return raw
	}
	var b strings.Builder
	first := true
	for pair := range strings.SplitSeq(raw, "&") {
		if !first {
			b.WriteByte('&')
		}
		first = false
		key, value, hasValue := strings.Cut(pair, "=")
		name, value := unescapeQuery(key), unescapeQuery(value)
		switch {
		case tokenshape.Contains(name) || tokenshape.HasLongRun(name):
			b.WriteString(redacted)
		case hasValue && value != "" && (r.queryParams[strings.ToLower(name)] || tokenshape.Contains(value) || tokenshape.HasLongRun(value)):
			b.WriteString(key)
			b.WriteString("=" + redacted)
		default:
			b.WriteString(pair)
		}
	}
	return b.String()
}

// redactPath redacts tokens and token bodies in a path as sent, and the
// segments that hold one once percent-decoded.
func redactPath(p string) string {
	p = tokenshape.RedactSecrets(p)
	if strings.IndexByte(p, '%') < 0 {
		return p
	}
	segments := strings.Split(p, "/")
	for i, seg := range segments {
		if d, err := url.PathUnescape(seg); err == nil && d != seg && (tokenshape.Contains(d) || tokenshape.HasLongRun(d)) {
			segments[i] = redacted
		}
	}
	return strings.Join(segments, "/")
}

// unescapeQuery decodes a query component as net/url does, or returns it
// as is when it is not valid percent-encoding.
func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// request returns a copy of req for a formatter to read, with the URL,
// the request line and the credential headers redacted and the parsed
// forms, which hold the query too, dropped.
func (r *logRedactor) request(req *http.Request) *http.Request {
	if req == nil {
		return nil
	}
	out := req.WithContext(req.Context()) // a shallow copy
	if req.URL != nil {
		u := *req.URL
		u.Path, u.RawPath = tokenshape.RedactSecrets(u.Path), ""
		u.RawQuery = r.query(u.RawQuery)
		u.Fragment, u.RawFragment = tokenshape.RedactSecrets(u.Fragment), ""
		u.User = nil
		out.URL = &u
	}
	out.RequestURI = r.path(req.RequestURI)
	out.Form, out.PostForm, out.MultipartForm = nil, nil, nil
	out.Header = r.header(req.Header)
	return out
}

// header returns h, or a copy of it when a value needs redacting.
func (r *logRedactor) header(h http.Header) http.Header {
	var out http.Header
	for name, values := range h {
		always := r.headers[textproto.CanonicalMIMEHeaderKey(name)]
		for i, v := range values {
			redacted := redacted
			if !always {
				redacted = tokenshape.RedactSecrets(v)
			}
			if redacted == v {
				continue
			}
			if out == nil {
				out = h.Clone()
			}
			out[name][i] = redacted
		}
	}
	if out == nil {
		return h
	}
	return out
}

// params redacts what the default layout prints.
func (r *logRedactor) params(p gin.LogFormatterParams) gin.LogFormatterParams {
	p.Method = tokenshape.Redact(p.Method)
	p.Path = r.path(p.Path)
	p.ErrorMessage = tokenshape.RedactSecrets(p.ErrorMessage)
	return p
}

// Params returns p with every part that can carry a token redacted, for
// a gin.LogFormatter of your own to print:
//
//   - in Path, the values of the query parameters "token", "access_token",
//     "refresh_token" and of names, and any query value, query name or path
//     segment shaped like a PASETO token (bare, or wrapped by
//     ginpaseto.Base64) or holding a token's body: 80 base64url characters
//     or more in a row, whatever precedes them, so that a token whose
//     "v4.local." a client mangled (percent-encoded bytes, HTML entities or
//     look-alike characters for its dots) is redacted too; all compared
//     after percent-decoding;
//   - token-shaped text in Method, and in ErrorMessage runs of 80 base64url
//     characters or more too;
//   - Request, replaced by a copy with the same redactions in its URL and
//     RequestURI, its parsed forms dropped, and the values of the headers
//     Authorization, Proxy-Authorization, Cookie, Sec-WebSocket-Protocol,
//     X-CSRF-Token and names replaced by "[REDACTED]" (token-shaped text,
//     and runs of 80 base64url characters or more, in other headers too).
//
// Names are matched case-insensitively; Keys are passed on as they are.
// The request being served is not changed. Formatter is Params with Gin's
// usual layout.
func Params(p gin.LogFormatterParams, names ...string) gin.LogFormatterParams {
	r := newLogRedactor(names)
	p = r.params(p)
	p.Request = r.request(p.Request)
	return p
}

// Formatter returns a gin.LogFormatter that writes the line Gin's default
// logger writes, in colour on a terminal, with tokens redacted as Params
// describes; names are more query parameters (and headers) whose values
// are always redacted, such as a query parameter a route reads tokens
// from under another name. Use it in place of gin.Logger(), which
// gin.Default installs:
//
//	r := gin.New()
//	r.Use(gin.LoggerWithFormatter(accesslog.Formatter()), gin.Recovery())
func Formatter(names ...string) gin.LogFormatter {
	r := newLogRedactor(names)
	return func(p gin.LogFormatterParams) string {
		p = r.params(p)
		var status, method, latency, reset string
		if p.IsOutputColor() {
			status, method, latency, reset = p.StatusCodeColor(), p.MethodColor(), p.LatencyColor(), p.ResetColor()
		}
		return fmt.Sprintf("[GIN] %v |%s %3d %s|%s %8v %s| %15s |%s %-7s %s %#v\n%s",
			p.TimeStamp.Format("2006/01/02 - 15:04:05"),
			status, p.StatusCode, reset,
			latency, roundLatency(p.Latency), reset,
			p.ClientIP,
			method, p.Method, reset,
			p.Path,
			p.ErrorMessage,
		)
	}
}

// roundLatency keeps three or four significant digits, as Gin's own line
// does.
func roundLatency(d time.Duration) time.Duration {
	switch {
	case d > time.Minute:
		return d.Truncate(10 * time.Second)
	case d > time.Second:
		return d.Truncate(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Truncate(10 * time.Microsecond)
	}
	return d
}
