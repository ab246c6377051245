package ginpaseto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"math"
	"mime"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/gin-gonic/gin"
)

// Location is a place in a request where checks look for a token.
type Location int

// Token locations, used with WithTokenLocations, TokenLocations and
// AddTokenLocations. The default is InHeader alone.
const (
	// InHeader: a request header, by default "Authorization: Bearer <token>".
	InHeader Location = iota + 1
	// InQuery: a query parameter, by default "token", as "?token=<token>"
	// or, with WithQueryPrefix("Bearer"), "?token=Bearer%20<token>". It is
	// read in every request of the Authorizers and routes that list it, and
	// in no other: URLs end up in access logs, proxies and browser history,
	// so keep it to the few routes that need it, such as a download link.
	// No request header limits it to WebSocket upgrades, since any client
	// can send such headers: there is no upgrades-only mode, and so no
	// longer a WithQueryOnAllRequests option to leave it. For browser
	// WebSockets prefer InWebSocketProtocol.
	InQuery
	// InJSON: a top-level string in a JSON request body, by default
	// "access_token" ("refresh_token" for RefreshRequired). The body stays
	// readable by the handler.
	InJSON
	// InWebSocketProtocol: the Sec-WebSocket-Protocol header of a
	// WebSocket handshake, where a browser script puts the token with
	// new WebSocket(url, ["paseto", token]): the WebSocketProtocol name,
	// then the token. The WebSocket library must select WebSocketProtocol
	// (with coder/websocket, AcceptOptions.Subprotocols), never the token;
	// see FromWebSocketProtocol.
	InWebSocketProtocol
	// InCookie: the access token's cookie ("__Host-access_token" by
	// default, see WithCookies), or the refresh token's for
	// RefreshRequired. Browsers send cookies with every request to the
	// site, whichever page asked for it, so unsafe requests (any method but
	// GET, HEAD and OPTIONS) authenticated by a cookie must pass two CSRF
	// checks: they come from the server's own origin or a trusted one (403
	// "Cross-origin request refused"), and header X-CSRF-Token repeats the
	// token's csrf claim, which the readable CSRF cookie holds (403
	// "Missing CSRF Token", "CSRF double submit tokens do not match"). A
	// WebSocket upgrade authenticated by a cookie must come from such an
	// origin too. Tokens found anywhere else skip these checks: pages of
	// other origins cannot make a browser send them.
	InCookie
)

// locationTable describes each Location: its name, for messages, and the
// extractor a check builds for it from its resolved configuration. A new
// location is one constant above and one entry here.
var locationTable = [...]struct {
	name      string
	extractor func(a *Authorizer, cc *checkConfig) Extractor
}{
	InHeader: {"InHeader", func(_ *Authorizer, cc *checkConfig) Extractor {
		return FromHeader(cc.headerName, cc.headerPrefix)
	}},
	InQuery: {"InQuery", func(_ *Authorizer, cc *checkConfig) Extractor {
		return FromQuery(cc.queryParam, cc.queryPrefix)
	}},
	InJSON: {"InJSON", func(a *Authorizer, cc *checkConfig) Extractor {
		return FromJSONBody(cc.jsonKey, a.cfg.jsonPrefix, a.cfg.maxBodySize)
	}},
	InWebSocketProtocol: {"InWebSocketProtocol", func(*Authorizer, *checkConfig) Extractor {
		return FromWebSocketProtocol()
	}},
	InCookie: {"InCookie", func(_ *Authorizer, cc *checkConfig) Extractor {
		return FromCookie(cc.cookieName)
	}},
}

func (l Location) valid() bool { return l > 0 && int(l) < len(locationTable) }

// String returns the constant's name, such as "InHeader".
func (l Location) String() string {
	if !l.valid() {
		return fmt.Sprintf("Location(%d)", int(l))
	}
	return locationTable[l].name
}

// locationNames lists every location, for configuration errors.
func locationNames() string {
	names := make([]string, 0, len(locationTable)-1)
	for l := Location(1); l.valid(); l++ {
		names = append(names, l.String())
	}
	return strings.Join(names, ", ")
}

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
		return singleToken(c.Request.Header[key], prefix, bad)
	}
}

// FromQuery returns an Extractor reading the query parameter name, in any
// request, as "<prefix> <token>" (URL-encoded: "?token=Bearer%20<token>")
// or, when prefix is empty, as a bare token. The prefix is matched
// case-insensitively; a parameter given twice is malformed. Prefer headers:
// URLs end up in logs.
func FromQuery(name, prefix string) Extractor {
	bad := badQueryError(name, prefix)
	return func(c *gin.Context) (string, error) {
		return singleToken(c.QueryArray(name), prefix, bad)
	}
}

// singleToken reads "<prefix> <token>" from the values of a header or a
// query parameter. No value, or an empty one, is no token; two values are
// malformed, since which one would be the credential is ambiguous.
func singleToken(values []string, prefix string, bad *Error) (string, error) {
	switch {
	case len(values) > 1:
		return "", bad
	case len(values) == 0 || values[0] == "":
		return "", nil
	}
	tok, ok := cutScheme(values[0], prefix)
	if !ok {
		return "", bad
	}
	return tok, nil
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

// WebSocketProtocol is the subprotocol name a browser offers before its
// token, as in new WebSocket(url, ["paseto", token]), for
// InWebSocketProtocol. The server must select this name, never the token:
// list it in the WebSocket library's accepted subprotocols, as in
// websocket.AcceptOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol}}
// with coder/websocket.
const WebSocketProtocol = "paseto"

// FromWebSocketProtocol returns an Extractor reading a token offered as a
// WebSocket subprotocol: the Sec-WebSocket-Protocol header lists
// WebSocketProtocol and, right after it, the token, as a browser sends
// them for new WebSocket(url, ["paseto", token]). Other subprotocols in
// the list, before or after the pair, are the application's. A header that
// does not list WebSocketProtocol carries no token; one that lists it twice,
// or without a valid subprotocol value after it, is malformed. The token is
// a substring of the header, bounded like any other by WithMaxTokenSize
// before anything decodes it.
func FromWebSocketProtocol() Extractor {
	bad := badProtocolError()
	return func(c *gin.Context) (string, error) {
		if len(c.Request.Header[protocolHeader]) == 0 {
			return "", nil
		}
		marked, next, tok := false, false, ""
		for p := range offeredSubprotocols(c.Request) {
			switch {
			case next:
				tok, next = p, false
			case p == WebSocketProtocol:
				if marked {
					return "", bad
				}
				marked, next = true, true
			}
		}
		if !marked {
			return "", nil
		}
		if next || !isHTTPToken(tok) {
			return "", bad
		}
		return tok, nil
	}
}

// protocolHeader is Sec-WebSocket-Protocol as net/http stores it.
var protocolHeader = textproto.CanonicalMIMEHeaderKey("Sec-WebSocket-Protocol")

// offeredSubprotocols yields each subprotocol a WebSocket handshake offers,
// in order, over every Sec-WebSocket-Protocol line, without copying them.
func offeredSubprotocols(r *http.Request) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, line := range r.Header[protocolHeader] {
			for p := range strings.SplitSeq(line, ",") {
				if !yield(strings.Trim(p, " \t")) {
					return
				}
			}
		}
	}
}

// isHTTPToken reports whether s is a non-empty token of RFC 9110 section
// 5.6.2, which a subprotocol name must be (RFC 6455 section 4.1). PASETO
// tokens are: base64url and dots.
func isHTTPToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// FromJSONBody returns an Extractor reading the top-level string key of a
// JSON request body (Content-Type application/json or +json), as a bare
// token or, when prefix is not empty, as "<prefix> <token>". It reads at
// most limit bytes (defaultMaxBodySize when limit is 0 or less); a larger
// or non-JSON body counts as carrying no token, a key holding anything but
// such a string as a malformed one. The body is restored, so the handler
// reads it in full afterwards.
func FromJSONBody(key, prefix string, limit int64) Extractor {
	if limit <= 0 {
		limit = defaultMaxBodySize
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

// firstToken runs the extractors in order and returns the first token
// found, with the index of the extractor that found it or failed; -1 when
// none found a token.
func firstToken(c *gin.Context, lookup []Extractor) (string, int, *Error) {
	for i, extract := range lookup {
		tok, err := extract(c)
		if err != nil {
			return "", i, asError(err, errInvalid)
		}
		if tok != "" {
			return tok, i, nil
		}
	}
	return "", -1, errMissing
}
