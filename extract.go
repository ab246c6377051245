package ginpaseto

import (
	"bytes"
	"cmp"
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

// Location is a place in a request where checks look for a token, with
// its parameters: which header, query parameter, JSON key or cookie, and
// the scheme before the token. The In... values are the locations with
// their defaults; their methods return a copy with one parameter changed,
// as in InHeader.Named("X-Api-Token").Prefix(""). Locations are given to
// WithTokenLocations and AddTokenLocations, at New or per check. A
// location with an invalid parameter makes the option that takes it fail.
// Locations are comparable: two with the same kind and parameters are the
// same location.
type Location struct {
	kind      locKind
	name      string // header, query parameter, JSON key or cookie; "" for the default
	prefix    string
	prefixSet bool
	maxBody   int64        // InJSON; 0 for the default
	fn        *extractFunc // InFunc; a pointer keeps Location comparable
	bad       string       // why the location is invalid, reported by the option given it
}

// locKind is the kind of a Location: where in the request it looks.
type locKind int

const (
	locHeader locKind = iota + 1
	locQuery
	locJSON
	locWebSocketProtocol
	locCookie
	locFunc
)

// extractFunc is the function of an InFunc location.
type extractFunc struct {
	f func(*gin.Context) (string, error)
}

// Token locations, used with WithTokenLocations and AddTokenLocations. The
// default is InHeader alone.
var (
	// InHeader: a request header, by default "Authorization: Bearer
	// <token>" (PASETO_HEADER_NAME and PASETO_HEADER_PREFIX change the
	// default, see FromEnv); Named sets the header, Prefix the scheme,
	// matched case-insensitively, "" for a bare token. Exactly one token
	// must follow the scheme.
	InHeader = Location{kind: locHeader}
	// InQuery: a query parameter, by default "token", as "?token=<token>";
	// Named sets the parameter, Prefix (or QueryPrefix) the scheme, as in
	// "?token=Bearer%20<token>". It is read in every request of the
	// Authorizers and routes that list it, and in no other: URLs end up in
	// access logs, proxies and browser history, so keep it to the few
	// routes that need it, such as a download link. No request header
	// limits it to WebSocket upgrades, since any client can send such
	// headers: there is no upgrades-only mode. For browser WebSockets
	// prefer InWebSocketProtocol.
	InQuery = Location{kind: locQuery}
	// InJSON: a top-level string in a JSON request body (Content-Type
	// application/json or +json), by default "access_token"
	// ("refresh_token" for RefreshRequired) holding a bare token; Named
	// sets the key, Prefix a scheme before the token, MaxBodySize how
	// much of the body is read (default 64 KiB). A larger or non-JSON
	// body counts as carrying no token, a key holding anything but a
	// string as a malformed one. The body stays readable by the handler.
	InJSON = Location{kind: locJSON}
	// InWebSocketProtocol: the Sec-WebSocket-Protocol header of a
	// WebSocket handshake, where a browser script puts the token with
	// new WebSocket(url, ["paseto", token]): the WebSocketProtocol name,
	// then the token. Other subprotocols in the list, before or after the
	// pair, are the application's; a header that lists WebSocketProtocol
	// twice, or without a valid subprotocol value after it, is malformed.
	// The WebSocket library must select WebSocketProtocol (with
	// coder/websocket, AcceptOptions.Subprotocols), never the token. It
	// has no parameters.
	InWebSocketProtocol = Location{kind: locWebSocketProtocol}
	// InCookie: the access token's cookie ("__Host-access_token" by
	// default, see WithCookies), or the refresh token's for
	// RefreshRequired; Named reads another cookie, holding a bare token.
	// Several cookies of that name are malformed, since a sibling
	// subdomain or an attacker on plain HTTP can add a second one to
	// shadow the real one. A check that reads it needs an Authorizer
	// whose tokens carry the csrf claim: WithCookies, or InCookie among
	// the locations given to New. Browsers send cookies with every
	// request to the site, whichever page asked for it, so unsafe
	// requests (any method but GET, HEAD and OPTIONS) authenticated by a
	// cookie must pass two CSRF checks: they come from the server's own
	// origin or a trusted one (403 "Cross-origin request refused"), and
	// header X-CSRF-Token repeats the token's csrf claim, which the
	// readable CSRF cookie holds (403 "Missing CSRF Token", "CSRF double
	// submit tokens do not match"). A WebSocket upgrade authenticated by
	// a cookie must come from such an origin too; from any other, no
	// cookie is read at all. Tokens found anywhere else skip these
	// checks: pages of other origins cannot make a browser send them.
	InCookie = Location{kind: locCookie}
)

// InFunc is a location of the application's own: f finds the token in the
// request, such as in a header of another format. It returns "" and a nil
// error when the request carries none, and an error when it carries
// something malformed in the token's place; a *Error is passed to the
// error handler as is, any other error becomes a 401 with ErrTokenInvalid.
// An observer sees the token's source as "extractor". InFunc locations
// have no parameters; each call of InFunc is a location of its own. A token
// f reads from a cookie gets no CSRF checks: read cookies with
// InCookie.Named, which applies them.
func InFunc(f func(c *gin.Context) (string, error)) Location {
	l := Location{kind: locFunc, fn: &extractFunc{f}}
	if f == nil {
		l.bad = "InFunc: function is nil"
	}
	return l
}

// Named returns the location reading the header, query parameter, JSON
// key or cookie name instead of the default one. InWebSocketProtocol and
// InFunc locations have no name.
func (l Location) Named(name string) Location {
	switch {
	case l.bad != "":
	case l.kind == locHeader && !isToken(name):
		l.bad = fmt.Sprintf("%s: %q is not a valid header name: use letters, digits and !#$%%&'*+-.^_`|~ only, such as \"Authorization\"", l.with("Named", name), name)
	case l.kind == locCookie && !isToken(name):
		l.bad = fmt.Sprintf("%s: %q is not a valid cookie name: use letters, digits and !#$%%&'*+-.^_`|~ only", l.with("Named", name), name)
	case (l.kind == locQuery || l.kind == locJSON) && name == "":
		l.bad = l.with("Named", name) + ": the name must not be empty"
	case l.kind != locHeader && l.kind != locQuery && l.kind != locJSON && l.kind != locCookie:
		l.bad = l.with("Named", name) + ": " + l.kindName() + " has no name; Named applies to InHeader, InQuery, InJSON and InCookie"
	}
	l.name = name
	return l
}

// Prefix returns the location expecting "<prefix> <token>", the prefix
// (a scheme such as "Bearer") matched case-insensitively, or a bare token
// when prefix is "". It applies to InHeader (default "Bearer"), InQuery
// and InJSON (default "": a bare token).
func (l Location) Prefix(prefix string) Location {
	switch {
	case l.bad != "":
	case l.kind != locHeader && l.kind != locQuery && l.kind != locJSON:
		l.bad = l.with("Prefix", prefix) + ": " + l.kindName() + " has no prefix; Prefix applies to InHeader, InQuery and InJSON"
	case prefix != "" && !isToken(prefix):
		l.bad = l.with("Prefix", prefix) + ": " + badPrefix(prefix)
	}
	l.prefix, l.prefixSet = prefix, true
	return l
}

// MaxBodySize returns the InJSON location reading at most n bytes of the
// body to find the token; a larger body is left unread and counts as
// carrying no token. n must be positive; default 64 KiB.
func (l Location) MaxBodySize(n int64) Location {
	switch {
	case l.bad != "":
	case l.kind != locJSON:
		l.bad = fmt.Sprintf("%s.MaxBodySize(%d): MaxBodySize applies to InJSON only", l, n)
	case n <= 0:
		l.bad = fmt.Sprintf("%s.MaxBodySize(%d): the limit must be positive", l, n)
	}
	l.maxBody = n
	return l
}

// with spells l with one more method call, for messages.
func (l Location) with(method, arg string) string {
	return fmt.Sprintf("%s.%s(%q)", l, method, arg)
}

// badPrefix says why prefix cannot be a scheme.
func badPrefix(prefix string) string {
	return fmt.Sprintf("prefix %q must be a single word such as \"Bearer\" (letters, digits and !#$%%&'*+-.^_`|~ only, no spaces or commas), or empty for bare tokens", prefix)
}

// kindName is the name of l's kind, such as "InHeader".
func (l Location) kindName() string {
	if l.kind <= 0 || int(l.kind) >= len(locationTable) {
		return "Location{}"
	}
	return locationTable[l.kind].name
}

// String spells the location as Go code, such as
// InHeader.Named("X-Api-Token").Prefix("").
func (l Location) String() string {
	var b strings.Builder
	b.WriteString(l.kindName())
	if l.kind == locFunc {
		b.WriteString("(...)")
	}
	if l.name != "" {
		fmt.Fprintf(&b, ".Named(%q)", l.name)
	}
	if l.prefixSet {
		fmt.Fprintf(&b, ".Prefix(%q)", l.prefix)
	}
	if l.maxBody != 0 {
		fmt.Fprintf(&b, ".MaxBodySize(%d)", l.maxBody)
	}
	return b.String()
}

// locationTable describes each kind of Location: its name, for messages;
// how a check fills in the parameters a location leaves to it; and the
// extractor of a location whose parameters are all set. A new kind is one
// constant above and one entry here.
var locationTable = [...]struct {
	name      string
	resolve   func(a *Authorizer, cc *checkConfig, tokenType string, l Location) Location
	extractor func(l Location) extractor
}{
	locHeader: {
		"InHeader",
		func(_ *Authorizer, cc *checkConfig, _ string, l Location) Location {
			return l.orDefaults(cc.headerName, cc.headerPrefix)
		},
		func(l Location) extractor { return fromHeader(l.name, l.prefix) },
	},
	locQuery: {
		"InQuery",
		func(_ *Authorizer, cc *checkConfig, _ string, l Location) Location {
			return l.orDefaults(defaultQueryParam, cc.queryPrefix)
		},
		func(l Location) extractor { return fromQuery(l.name, l.prefix) },
	},
	locJSON: {
		"InJSON",
		func(_ *Authorizer, _ *checkConfig, tokenType string, l Location) Location {
			key := defaultJSONAccessKey
			if tokenType == TypeRefresh {
				key = defaultJSONRefreshKey
			}
			l.maxBody = cmp.Or(l.maxBody, defaultMaxBodySize)
			return l.orDefaults(key, "")
		},
		func(l Location) extractor { return fromJSONBody(l.name, l.prefix, l.maxBody) },
	},
	locWebSocketProtocol: {
		"InWebSocketProtocol",
		func(_ *Authorizer, _ *checkConfig, _ string, l Location) Location { return l },
		func(Location) extractor { return fromWebSocketProtocol() },
	},
	locCookie: {
		"InCookie",
		func(a *Authorizer, _ *checkConfig, tokenType string, l Location) Location {
			name := a.cookies.access.Name
			if tokenType == TypeRefresh {
				name = a.cookies.refresh.Name
			}
			return l.orDefaults(name, "")
		},
		func(l Location) extractor { return fromCookie(l.name) },
	},
	locFunc: {
		"InFunc",
		func(_ *Authorizer, _ *checkConfig, _ string, l Location) Location { return l },
		func(l Location) extractor { return l.fn.f },
	},
}

// orDefaults returns l with name and prefix where it sets none.
func (l Location) orDefaults(name, prefix string) Location {
	l.name = cmp.Or(l.name, name)
	if !l.prefixSet {
		l.prefix, l.prefixSet = prefix, true
	}
	return l
}

// resolve fills in the parameters l leaves to a check of tokenType with
// the resolved defaults cc.
func (l Location) resolve(a *Authorizer, cc *checkConfig, tokenType string) Location {
	return locationTable[l.kind].resolve(a, cc, tokenType, l)
}

// extractor builds the function that finds the token of a resolved
// location.
func (l Location) extractor() extractor {
	return locationTable[l.kind].extractor(l)
}

// writeKey writes what tells the resolved location l from any other, for
// a check's lookupKey.
func (l Location) writeKey(b *strings.Builder) {
	fmt.Fprintf(b, "%d %d:%s %d:%s %d %p;", l.kind, len(l.name), l.name, len(l.prefix), l.prefix, l.maxBody, l.fn)
}

// validLocations reports the first invalid location of an option.
func validLocations(option string, locs []Location) error {
	if len(locs) == 0 {
		return fmt.Errorf("ginpaseto: %s: give at least one location (%s)", option, locationNames())
	}
	for _, l := range locs {
		switch {
		case l.kind <= 0 || int(l.kind) >= len(locationTable):
			return fmt.Errorf("ginpaseto: %s: unknown location %s; use one of %s", option, l, locationNames())
		case l.bad != "":
			return fmt.Errorf("ginpaseto: %s: %s", option, l.bad)
		}
	}
	return nil
}

// locationNames lists every location, for configuration errors.
func locationNames() string {
	names := make([]string, 0, len(locationTable)-1)
	for _, l := range locationTable[1:] {
		names = append(names, l.name)
	}
	return strings.Join(names, ", ")
}

// extractor finds a token in a request, as InFunc's function does.
type extractor = func(c *gin.Context) (string, error)

// fromHeader returns an extractor reading "<prefix> <token>" from the
// header name; the prefix is matched case-insensitively and exactly one
// token must follow it. An empty prefix reads a bare token.
func fromHeader(name, prefix string) extractor {
	key := textproto.CanonicalMIMEHeaderKey(name)
	bad := badHeaderError(name, prefix)
	return func(c *gin.Context) (string, error) {
		return singleToken(c.Request.Header[key], prefix, bad)
	}
}

// fromQuery returns an extractor reading the query parameter name, in any
// request, as "<prefix> <token>" (URL-encoded: "?token=Bearer%20<token>")
// or, when prefix is empty, as a bare token. The prefix is matched
// case-insensitively; a parameter given twice is malformed.
func fromQuery(name, prefix string) extractor {
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

// fromWebSocketProtocol returns an extractor reading a token offered as a
// WebSocket subprotocol: the Sec-WebSocket-Protocol header lists
// WebSocketProtocol and, right after it, the token, as a browser sends
// them for new WebSocket(url, ["paseto", token]). Other subprotocols in
// the list, before or after the pair, are the application's. A header that
// does not list WebSocketProtocol carries no token; one that lists it twice,
// or without a valid subprotocol value after it, is malformed. The token is
// a substring of the header, bounded like any other by WithMaxTokenSize
// before anything decodes it.
func fromWebSocketProtocol() extractor {
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

// fromJSONBody returns an extractor reading the top-level string key of a
// JSON request body (Content-Type application/json or +json), as a bare
// token or, when prefix is not empty, as "<prefix> <token>". It reads at
// most limit (positive) bytes; a larger or non-JSON body counts as
// carrying no token, a key holding anything but such a string as a
// malformed one. The body is restored, so the handler reads it in full
// afterwards.
func fromJSONBody(key, prefix string, limit int64) extractor {
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
func firstToken(c *gin.Context, lookup []extractor) (string, int, *Error) {
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
