package ginpaseto

import (
	"fmt"
	"slices"

	"github.com/gin-gonic/gin"
)

// CheckOption changes one check (Required, Optional, ...) from the
// Authorizer's defaults. Check options are resolved when the middleware is
// built, at route registration, never per request; their constructors
// panic on invalid arguments (an empty name, a nil function), so that the
// mistake stops the program at start-up, as a conflicting Gin route does.
type CheckOption interface {
	applyCheck(*checkConfig)
}

// TokenOption changes one token created by CreateAccessToken,
// CreateRefreshToken or CreateToken.
type TokenOption interface {
	applyToken(*tokenConfig)
}

// SharedOption is an option that means the same when creating a token and
// when checking one, such as ImplicitAssertion and Base64.
type SharedOption interface {
	CheckOption
	TokenOption
}

type checkOptionFunc func(*checkConfig)

func (f checkOptionFunc) applyCheck(c *checkConfig) { f(c) }

// checkConfig is what check options can override.
type checkConfig struct {
	locations    []Location
	headerName   string
	headerPrefix string
	jsonKey      string
	queryParam   string
	source       Extractor
	implicit     []byte
	implicitFrom func(*gin.Context) ([]byte, error)
	base64       bool
	skip         func(*gin.Context) bool
	wsClose      bool
	rules        rules // RequireScopes, Authorize
}

// TokenLocations makes this check look for the token in locs, in order,
// instead of the Authorizer's locations.
func TokenLocations(locs ...Location) CheckOption {
	if err := validLocations("TokenLocations", locs); err != nil {
		panic(err.Error())
	}
	locs = slices.Clone(locs)
	return checkOptionFunc(func(c *checkConfig) { c.locations = locs })
}

// Header makes this check read the token from the header name after the
// prefix ("" for a bare token) instead of the Authorizer's header.
func Header(name, prefix string) CheckOption {
	if err := validHeader("Header", name, prefix); err != nil {
		panic(err.Error())
	}
	return checkOptionFunc(func(c *checkConfig) { c.headerName, c.headerPrefix = name, prefix })
}

// JSONKey makes this check read the token from key of a JSON body when
// InJSON is one of its locations.
func JSONKey(key string) CheckOption {
	if key == "" {
		panic("ginpaseto: JSONKey: key must not be empty")
	}
	return checkOptionFunc(func(c *checkConfig) { c.jsonKey = key })
}

// QueryParam makes this check read the token from the query parameter name
// when InQuery is one of its locations.
func QueryParam(name string) CheckOption {
	if name == "" {
		panic("ginpaseto: QueryParam: name must not be empty")
	}
	return checkOptionFunc(func(c *checkConfig) { c.queryParam = name })
}

// TokenSource makes this check take the token from extract alone,
// ignoring the configured locations.
func TokenSource(extract Extractor) CheckOption {
	if extract == nil {
		panic("ginpaseto: TokenSource: extractor is nil")
	}
	return checkOptionFunc(func(c *checkConfig) { c.source = extract })
}

// Skip lets through, unauthenticated, the requests for which skip returns
// true; it runs after the Authorizer's WithSkipper, if any.
func Skip(skip func(c *gin.Context) bool) CheckOption {
	if skip == nil {
		panic("ginpaseto: Skip: skipper is nil")
	}
	return checkOptionFunc(func(c *checkConfig) { c.skip = skip })
}

// CloseWebSocket makes this check answer a failed WebSocket upgrade by
// closing the connection with code 1008, as WithWebSocketClose does for
// every check.
func CloseWebSocket() CheckOption {
	return checkOptionFunc(func(c *checkConfig) { c.wsClose = true })
}

// sharedOption is an option valid both for checks and for created tokens.
type sharedOption struct {
	check func(*checkConfig)
	token func(*tokenConfig)
}

func (o sharedOption) applyCheck(c *checkConfig) { o.check(c) }
func (o sharedOption) applyToken(t *tokenConfig) { o.token(t) }

// ImplicitAssertion binds a token to data that is authenticated but not
// stored in the token, such as a user or tenant ID the server already
// knows. A token created with an assertion verifies only when the check
// supplies the same bytes. v4 and v3 only.
func ImplicitAssertion(assertion []byte) SharedOption {
	assertion = slices.Clone(assertion)
	return sharedOption{
		check: func(c *checkConfig) { c.implicit, c.implicitFrom = assertion, nil },
		token: func(t *tokenConfig) { t.implicit = assertion },
	}
}

// ImplicitAssertionFrom makes this check compute the implicit assertion
// for each request, for assertions that depend on the request, such as a
// tenant named in the URL. An error from assertion refuses the request as
// an extractor error would: a *Error as is, anything else as a 401 invalid
// token. It replaces ImplicitAssertion.
func ImplicitAssertionFrom(assertion func(c *gin.Context) ([]byte, error)) CheckOption {
	if assertion == nil {
		panic("ginpaseto: ImplicitAssertionFrom: function is nil")
	}
	return checkOptionFunc(func(c *checkConfig) { c.implicitFrom, c.implicit = assertion, nil })
}

// Base64 wraps created tokens in standard base64, and makes checks expect
// tokens wrapped that way (standard or URL-safe alphabet).
func Base64() SharedOption {
	return sharedOption{
		check: func(c *checkConfig) { c.base64 = true },
		token: func(t *tokenConfig) { t.base64 = true },
	}
}

type checkMode int

const (
	checkRequired checkMode = iota
	checkOptional
	checkFresh
)

// check is one compiled check: everything the middleware needs per
// request, resolved once.
type check struct {
	mode           checkMode
	tokenType      string
	lookup         []Extractor
	implicit       []byte
	implicitFrom   func(*gin.Context) ([]byte, error)
	base64         bool
	skip           func(*gin.Context) bool
	webSocketClose bool
	rules          compiledRules
}

// newCheck resolves the Authorizer's configuration and the check options
// into a check and compiles its token lookup.
func (a *Authorizer) newCheck(mode checkMode, tokenType string, opts []CheckOption) *check {
	cfg := &a.cfg
	cc := checkConfig{
		locations:    cfg.locations,
		headerName:   cfg.headerName,
		headerPrefix: cfg.headerPrefix,
		jsonKey:      cfg.jsonAccessKey,
		queryParam:   cfg.queryParam,
		wsClose:      cfg.webSocketCloseOnFail,
	}
	if tokenType == TypeRefresh {
		cc.jsonKey = cfg.jsonRefreshKey
	}
	for _, o := range opts {
		if o == nil {
			panic("ginpaseto: nil CheckOption")
		}
		o.applyCheck(&cc)
	}
	if (len(cc.implicit) > 0 || cc.implicitFrom != nil) && a.cfg.version == V2 {
		panic("ginpaseto: ImplicitAssertion: v2 tokens do not support implicit assertions; use v4")
	}
	ch := &check{
		mode:           mode,
		tokenType:      tokenType,
		implicit:       cc.implicit,
		implicitFrom:   cc.implicitFrom,
		base64:         cc.base64,
		skip:           combineSkippers(cfg.skipper, cc.skip),
		webSocketClose: cc.wsClose,
		rules:          cc.rules.compile(),
	}
	if cc.source != nil {
		ch.lookup = []Extractor{cc.source}
		return ch
	}
	for _, loc := range cc.locations {
		ch.lookup = append(ch.lookup, a.extractorFor(loc, &cc))
	}
	return ch
}

func (a *Authorizer) extractorFor(loc Location, cc *checkConfig) Extractor {
	switch loc {
	case InHeader:
		return FromHeader(cc.headerName, cc.headerPrefix)
	case InQuery:
		if a.cfg.queryOnAllRequests {
			return FromQuery(cc.queryParam)
		}
		return fromWebSocketQuery(cc.queryParam)
	case InJSON:
		return FromJSONBody(cc.jsonKey, a.cfg.jsonPrefix, a.cfg.maxBodySize)
	}
	panic(fmt.Sprintf("ginpaseto: unknown location %d", int(loc)))
}

func combineSkippers(a, b func(*gin.Context) bool) func(*gin.Context) bool {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func(c *gin.Context) bool { return a(c) || b(c) }
}
