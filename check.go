package ginpaseto

import (
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
	queryPrefix  string
	cookieName   string
	source       Extractor
	added        []addedSource
	implicit     []byte
	implicitFrom func(*gin.Context) ([]byte, error)
	base64       bool
	skip         func(*gin.Context) bool
	wsClose      bool
	rules        rules // RequireScopes, Authorize
}

// TokenLocations makes this check look for the token in locs, in order,
// instead of the Authorizer's locations. To keep those and look in one
// more place, use AddTokenLocations.
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

// QueryPrefix makes this check expect "<prefix> <token>" in the query
// parameter, as in "?token=Bearer%20<token>", matched case-insensitively,
// instead of the Authorizer's WithQueryPrefix; "" expects a bare token.
func QueryPrefix(prefix string) CheckOption {
	if err := validHeader("QueryPrefix", defaultQueryParam, prefix); err != nil {
		panic(err.Error())
	}
	return checkOptionFunc(func(c *checkConfig) { c.queryPrefix = prefix })
}

// TokenSource makes this check take the token from extract alone,
// ignoring the configured locations. To keep them and try extract after
// them, use AddTokenSource.
func TokenSource(extract Extractor) CheckOption {
	if extract == nil {
		panic("ginpaseto: TokenSource: extractor is nil")
	}
	return checkOptionFunc(func(c *checkConfig) { c.source = extract })
}

// addedSource is a place AddTokenLocations or AddTokenSource adds to a
// check's lookup: a location, or an extractor when loc is zero.
type addedSource struct {
	loc     Location
	extract Extractor
}

// AddTokenLocations makes this check look in locs too, in order, after the
// locations it already has (the Authorizer's, or those of TokenLocations),
// such as AddTokenLocations(InWebSocketProtocol) on a WebSocket route of
// a header-only Authorizer. A location it already has is not searched
// twice.
func AddTokenLocations(locs ...Location) CheckOption {
	if err := validLocations("AddTokenLocations", locs); err != nil {
		panic(err.Error())
	}
	added := make([]addedSource, len(locs))
	for i, l := range locs {
		added[i].loc = l
	}
	return checkOptionFunc(func(c *checkConfig) { c.added = append(slices.Clip(c.added), added...) })
}

// AddTokenSource makes this check try extract too, after the locations it
// already has, where TokenSource would replace them: a route that accepts
// a session cookie keeps accepting the Authorization header.
func AddTokenSource(extract Extractor) CheckOption {
	if extract == nil {
		panic("ginpaseto: AddTokenSource: extractor is nil")
	}
	return checkOptionFunc(func(c *checkConfig) {
		c.added = append(slices.Clip(c.added), addedSource{extract: extract})
	})
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
	sources        []string // where each extractor of lookup looks, for the observer
	implicit       []byte
	implicitFrom   func(*gin.Context) ([]byte, error)
	base64         bool
	skip           func(*gin.Context) bool
	webSocketClose bool
	readsCookie    bool // InCookie is one of its locations
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
		queryPrefix:  cfg.queryPrefix,
		cookieName:   a.cookies.access.Name,
		wsClose:      cfg.webSocketCloseOnFail,
	}
	if tokenType == TypeRefresh {
		cc.jsonKey = cfg.jsonRefreshKey
		cc.cookieName = a.cookies.refresh.Name
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
	ch.lookup, ch.sources = a.compileLookup(&cc)
	ch.readsCookie = cc.source == nil && slices.Contains(cc.locations, InCookie) ||
		slices.ContainsFunc(cc.added, func(s addedSource) bool { return s.loc == InCookie })
	return ch
}

// compileLookup turns the resolved sources into extractors, in lookup
// order: the token source or the locations, then what was added. It also
// names where each extractor looks.
func (a *Authorizer) compileLookup(cc *checkConfig) ([]Extractor, []string) {
	var lookup []Extractor
	var sources []string
	var locs []Location
	if cc.source != nil {
		lookup = append(lookup, cc.source)
		sources = append(sources, sourceExtractor)
	} else {
		locs = slices.Clone(cc.locations)
	}
	for _, loc := range locs {
		lookup = append(lookup, locationTable[loc].extractor(a, cc))
		sources = append(sources, locationSources[loc])
	}
	a.mustHaveCookies(cc)
	for _, s := range cc.added {
		switch {
		case s.extract != nil:
			lookup = append(lookup, s.extract)
			sources = append(sources, sourceExtractor)
		case !slices.Contains(locs, s.loc):
			locs = append(locs, s.loc)
			lookup = append(lookup, locationTable[s.loc].extractor(a, cc))
			sources = append(sources, locationSources[s.loc])
		}
	}
	return lookup, sources
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
