package ginpaseto

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Access logs outlive tokens' secrecy: they are shipped, indexed and read
// by more people than the service's keys. A token that reaches one, even
// because a client put it in a URL where the server never looks, can be
// replayed until it expires. RedactedLogFormatter and RedactLogParams keep
// tokens out of what Gin's logger writes.

// Redacted replaces every token, and every value that may hold one, in
// what RedactLogParams returns; key material prints as Redacted too, under
// every fmt verb, slog and the text and JSON encoders.
const Redacted = "[REDACTED]"

// Query parameters and headers whose values RedactLogParams always
// redacts, whatever they hold: the default names of InQuery, InJSON and
// WithJSONKeys, and the headers that carry credentials or CSRF tokens.
var (
	redactedQueryParams = []string{DefaultQueryParam, DefaultJSONAccessKey, DefaultJSONRefreshKey}
	redactedHeaders     = []string{DefaultHeaderName, "Proxy-Authorization", "Cookie", "Sec-WebSocket-Protocol", DefaultCSRFHeader}
)

// tokenMarker starts every PASETO token: bare ("v4.local."), or wrapped
// in base64 by the Base64 option ("djQubG9jYWwu", the first nine bytes
// encoded, which both alphabets spell alike).
type tokenMarker struct {
	text    string
	wrapped bool
}

var tokenMarkers = func() []tokenMarker {
	var markers []tokenMarker
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		for _, purpose := range []string{"local.", "public."} {
			header := v + "." + purpose
			markers = append(markers,
				tokenMarker{header, false},
				tokenMarker{base64.StdEncoding.EncodeToString([]byte(header[:9])), true})
		}
	}
	return markers
}()

// containsToken reports whether s holds something shaped like a PASETO
// token.
func containsToken(s string) bool {
	for _, m := range tokenMarkers {
		if strings.Contains(s, m.text) {
			return true
		}
	}
	return false
}

// redactTokens replaces every token-shaped run in s, from its marker to
// the end of the characters a token (base64url and dots) or its base64
// wrapping (either alphabet, padded) can hold.
func redactTokens(s string) string {
	if !containsToken(s) {
		return s
	}
	var b strings.Builder
	for {
		start, marker := -1, tokenMarker{}
		for _, m := range tokenMarkers {
			if i := strings.Index(s, m.text); i >= 0 && (start < 0 || i < start) {
				start, marker = i, m
			}
		}
		if start < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := start + len(marker.text)
		for end < len(s) && isTokenByte(s[end], marker.wrapped) {
			end++
		}
		b.WriteString(s[:start])
		b.WriteString(Redacted)
		s = s[end:]
	}
}

// isTokenByte reports whether c can appear in a token (base64url and
// dots) or, when wrapped, in its base64 encoding.
func isTokenByte(c byte, wrapped bool) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' {
		return true
	}
	if wrapped {
		return c == '+' || c == '/' || c == '='
	}
	return c == '.'
}

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
	path = redactTokens(path)
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
		case containsToken(name):
			b.WriteString(Redacted)
		case hasValue && value != "" && (r.queryParams[strings.ToLower(name)] || containsToken(value)):
			b.WriteString(key)
			b.WriteString("=" + Redacted)
		default:
			b.WriteString(pair)
		}
	}
	return b.String()
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
		u.Path, u.RawPath = redactTokens(u.Path), ""
		u.RawQuery = r.query(u.RawQuery)
		u.Fragment, u.RawFragment = redactTokens(u.Fragment), ""
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
			redacted := Redacted
			if !always {
				redacted = redactTokens(v)
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
	p.Method = redactTokens(p.Method)
	p.Path = r.path(p.Path)
	p.ErrorMessage = redactTokens(p.ErrorMessage)
	return p
}

// RedactLogParams returns p with every part that can carry a token
// redacted, for a gin.LogFormatter of your own to print:
//
//   - in Path, the values of the query parameters "token", "access_token",
//     "refresh_token" and of names, and any query value, query name or path
//     segment shaped like a PASETO token (bare, or wrapped by Base64), all
//     compared after percent-decoding;
//   - token-shaped text in Method and ErrorMessage;
//   - Request, replaced by a copy with the same redactions in its URL and
//     RequestURI, its parsed forms dropped, and the values of the headers
//     Authorization, Proxy-Authorization, Cookie, Sec-WebSocket-Protocol,
//     X-CSRF-Token and names replaced by Redacted (token-shaped text in
//     other headers too).
//
// Names are matched case-insensitively; Keys are passed on as they are.
// RedactedLogFormatter is RedactLogParams with Gin's usual layout.
func RedactLogParams(p gin.LogFormatterParams, names ...string) gin.LogFormatterParams {
	r := newLogRedactor(names)
	p = r.params(p)
	p.Request = r.request(p.Request)
	return p
}

// RedactedLogFormatter returns a gin.LogFormatter that writes the line
// Gin's default logger writes, in colour on a terminal, with tokens
// redacted as RedactLogParams describes; names are more query parameters
// (and headers) whose values are always redacted, such as the one a route
// reads with QueryParam. Use it in place of gin.Logger(), which gin.Default
// installs:
//
//	r := gin.New()
//	r.Use(gin.LoggerWithFormatter(ginpaseto.RedactedLogFormatter()), gin.Recovery())
func RedactedLogFormatter(names ...string) gin.LogFormatter {
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
