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
	redactedQueryParams = []string{defaultQueryParam, defaultJSONAccessKey, defaultJSONRefreshKey}
	redactedHeaders     = []string{defaultHeaderName, "Proxy-Authorization", "Cookie", "Sec-WebSocket-Protocol", defaultCSRFHeader}
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

// minSecretRun is the length from which a run of base64url characters in
// a logged URL or header is taken for the secret body of a token whose
// header ("v4.local.") a client mangled beyond recognition: percent-encoded
// bytes in it, HTML entities for its dots, look-alike dots. A token's body
// is at least 86 such characters (the 64 bytes of nonce and tag, or of the
// signature, plus the payload); the IDs people put in URLs are shorter:
// 36 for a UUID, 64 for a SHA-256 in hex.
const minSecretRun = 80

// redactSecrets redacts tokens by their marker, then what is shaped like a
// token's body, whatever stands before it.
func redactSecrets(s string) string {
	return redactRuns(redactTokens(s))
}

// redactRuns replaces each run of minSecretRun base64url characters or
// more in s.
func redactRuns(s string) string {
	if !hasLongRun(s) {
		return s
	}
	var b strings.Builder
	start := 0 // of the current run
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isTokenByte(s[i], false) && s[i] != '.' {
			continue
		}
		if i-start >= minSecretRun {
			b.WriteString(Redacted)
		} else {
			b.WriteString(s[start:i])
		}
		if i < len(s) {
			b.WriteByte(s[i])
		}
		start = i + 1
	}
	return b.String()
}

// hasLongRun reports whether s holds minSecretRun base64url characters in
// a row.
func hasLongRun(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if isTokenByte(s[i], false) && s[i] != '.' {
			if run++; run >= minSecretRun {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
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
		case containsToken(name) || hasLongRun(name):
			b.WriteString(Redacted)
		case hasValue && value != "" && (r.queryParams[strings.ToLower(name)] || containsToken(value) || hasLongRun(value)):
			b.WriteString(key)
			b.WriteString("=" + Redacted)
		default:
			b.WriteString(pair)
		}
	}
	return b.String()
}

// redactPath redacts tokens and token bodies in a path as sent, and the
// segments that hold one once percent-decoded.
func redactPath(p string) string {
	p = redactSecrets(p)
	if strings.IndexByte(p, '%') < 0 {
		return p
	}
	segments := strings.Split(p, "/")
	for i, seg := range segments {
		if d, err := url.PathUnescape(seg); err == nil && d != seg && (containsToken(d) || hasLongRun(d)) {
			segments[i] = Redacted
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
		u.Path, u.RawPath = redactSecrets(u.Path), ""
		u.RawQuery = r.query(u.RawQuery)
		u.Fragment, u.RawFragment = redactSecrets(u.Fragment), ""
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
				redacted = redactSecrets(v)
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
	p.ErrorMessage = redactSecrets(p.ErrorMessage)
	return p
}

// RedactLogParams returns p with every part that can carry a token
// redacted, for a gin.LogFormatter of your own to print:
//
//   - in Path, the values of the query parameters "token", "access_token",
//     "refresh_token" and of names, and any query value, query name or path
//     segment shaped like a PASETO token (bare, or wrapped by Base64) or
//     holding a token's body: 80 base64url characters or more in a row,
//     whatever precedes them, so that a token whose "v4.local." a client
//     mangled (percent-encoded bytes, HTML entities or look-alike
//     characters for its dots) is redacted too; all compared after
//     percent-decoding;
//   - token-shaped text in Method, and in ErrorMessage runs of 80 base64url
//     characters or more too;
//   - Request, replaced by a copy with the same redactions in its URL and
//     RequestURI, its parsed forms dropped, and the values of the headers
//     Authorization, Proxy-Authorization, Cookie, Sec-WebSocket-Protocol,
//     X-CSRF-Token and names replaced by Redacted (token-shaped text, and
//     runs of 80 base64url characters or more, in other headers too).
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
