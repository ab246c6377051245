package ginpaseto

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/gin-gonic/gin"
)

// Location is a place in a request where checks look for a token.
type Location int

// Token locations, used with WithTokenLocations and the TokenLocations
// check option.
const (
	// InHeader: a request header, by default "Authorization: Bearer <token>".
	InHeader Location = iota + 1
	// InQuery: a query parameter, by default "token". Only WebSocket
	// upgrades are searched unless WithQueryOnAllRequests.
	InQuery
	// InJSON: a top-level string in a JSON request body, by default
	// "access_token" ("refresh_token" for RefreshRequired). The body stays
	// readable by the handler.
	InJSON
)

func (l Location) valid() bool { return l >= InHeader && l <= InJSON }

// Extractor finds a token in a request. It returns "" and a nil error when
// the request carries none, and an error when it carries something
// malformed in the token's place; a *Error is passed to the error handler as
// is, any other error becomes a 401 with ErrTokenInvalid.
type Extractor func(c *gin.Context) (string, error)

// FromHeader returns an Extractor reading "<prefix> <token>" from the header
// name; the prefix is matched case-insensitively and exactly one token must
// follow it. An empty prefix reads a bare token.
func FromHeader(name, prefix string) Extractor {
	key := textproto.CanonicalMIMEHeaderKey(name)
	bad := badHeaderError(name, prefix)
	return func(c *gin.Context) (string, error) {
		values := c.Request.Header[key]
		switch {
		case len(values) > 1:
			return "", bad // which one would be the credential is ambiguous
		case len(values) == 0 || values[0] == "":
			return "", nil
		}
		tok, ok := cutScheme(values[0], prefix)
		if !ok {
			return "", bad
		}
		return tok, nil
	}
}

// cutScheme returns the single token after prefix in v.
func cutScheme(v, prefix string) (string, bool) {
	if prefix != "" {
		if len(v) <= len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) || v[len(prefix)] != ' ' {
			return "", false
		}
		v = strings.TrimLeft(v[len(prefix):], " ")
	}
	// Two byte searches, which are vectorized, instead of ContainsAny, which
	// tests the token byte by byte on every request.
	if v == "" || strings.IndexByte(v, ' ') >= 0 || strings.IndexByte(v, '\t') >= 0 {
		return "", false
	}
	return v, true
}

// FromQuery returns an Extractor reading the query parameter name, in any
// request. Prefer headers: URLs end up in logs.
func FromQuery(name string) Extractor {
	return func(c *gin.Context) (string, error) {
		return c.Query(name), nil
	}
}

// fromWebSocketQuery reads the query parameter name in WebSocket upgrades
// only, where browsers cannot set headers.
func fromWebSocketQuery(name string) Extractor {
	query := FromQuery(name)
	return func(c *gin.Context) (string, error) {
		if !isWebSocketUpgrade(c.Request) {
			return "", nil
		}
		return query(c)
	}
}

// FromJSONBody returns an Extractor reading the top-level string key of a
// JSON request body (Content-Type application/json or +json), as a bare
// token or, when prefix is not empty, as "<prefix> <token>". It reads at
// most limit bytes (DefaultMaxBodySize when limit is 0 or less); a larger
// or non-JSON body counts as carrying no token, a key holding anything but
// such a string as a malformed one. The body is restored, so the handler
// reads it in full afterwards.
func FromJSONBody(key, prefix string, limit int64) Extractor {
	if limit <= 0 {
		limit = DefaultMaxBodySize
	}
	// One byte past the limit tells a body at the limit from a larger one;
	// at math.MaxInt64 no body can be larger, and limit+1 would overflow
	// into a negative bound that reads nothing.
	probe := limit
	if probe < math.MaxInt64 {
		probe++
	}
	bad := badJSONError(key, prefix)
	return func(c *gin.Context) (string, error) {
		r := c.Request
		if r.Body == nil || r.Body == http.NoBody || !isJSON(r.Header.Get("Content-Type")) {
			return "", nil
		}
		head, err := io.ReadAll(io.LimitReader(r.Body, probe))
		r.Body = replayBody{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
		if err != nil || int64(len(head)) > limit {
			return "", nil
		}
		var doc map[string]json.RawMessage
		if json.Unmarshal(head, &doc) != nil {
			return "", nil // the handler reports malformed JSON as it sees fit
		}
		raw, ok := doc[key]
		if !ok || string(raw) == "null" {
			return "", nil
		}
		var value string
		if json.Unmarshal(raw, &value) != nil {
			return "", bad
		}
		if value == "" {
			return "", nil
		}
		tok, ok := cutScheme(value, prefix)
		if !ok {
			return "", bad
		}
		return tok, nil
	}
}

// replayBody serves the bytes already read, then the rest of the body, and
// closes the original body.
type replayBody struct {
	io.Reader
	io.Closer
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// isWebSocketUpgrade reports whether r asks to become a WebSocket (RFC 6455
// section 4.1: Upgrade: websocket and a Connection header listing upgrade).
func isWebSocketUpgrade(r *http.Request) bool {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return false
	}
	for _, v := range r.Header["Connection"] {
		for _, token := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(token), "upgrade") {
				return true
			}
		}
	}
	return false
}

// firstToken runs the extractors in order and returns the first token found.
func firstToken(c *gin.Context, lookup []Extractor) (string, *Error) {
	for _, extract := range lookup {
		tok, err := extract(c)
		if err != nil {
			return "", asError(err)
		}
		if tok != "" {
			return tok, nil
		}
	}
	return "", errMissing
}

// asError turns an error from application code (an Extractor, an assertion
// function) into the *Error a check reports: a *Error as is (with 401 if
// its status is not an error status), anything else as a 401 invalid token
// that keeps the cause for logs.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e == nil {
			// A nil *Error returned as an error is not nil: refuse, without
			// keeping a cause whose methods would dereference nil.
			return errInvalid
		}
		if e.Status < 400 || e.Status > 599 {
			// A refusal must not read as success: a zero or 2xx status
			// becomes 401.
			fixed := e.copy()
			fixed.Status = http.StatusUnauthorized
			return fixed
		}
		return e
	}
	return &Error{Status: errInvalid.Status, Message: errInvalid.Message, Err: errors.Join(ErrTokenInvalid, err)}
}
