package ginpaseto

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// CheckOption changes how checks (Required, Optional, ...) find, verify
// and authorize a token. Every check option is also an Option: given to
// New, it is the default of every check of the Authorizer; given to a
// check, it changes that check alone, starting from those defaults.
// Options apply in order: WithTokenLocations replaces the locations found
// so far, AddTokenLocations, Skip, RequireScopes and Authorize add to what
// is there. A check option with an invalid argument (an empty name, a nil
// function) makes New fail, and makes the check panic when the route is
// registered, so that the mistake stops the program at start-up, as a
// conflicting Gin route does.
type CheckOption interface {
	Option
	applyCheck(*checkConfig) error
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

// checkOption is a CheckOption: apply changes a checkConfig, that of one
// check or, given to New, the defaults of every check; err is the invalid
// argument it was built with.
type checkOption struct {
	apply func(*checkConfig)
	err   error
}

// newCheckOption returns a check option that reports err, when not nil,
// instead of applying.
func newCheckOption(err error, apply func(*checkConfig)) CheckOption {
	return checkOption{apply: apply, err: err}
}

func (o checkOption) applyOption(c *config) error { return o.applyCheck(&c.check) }

func (o checkOption) applyCheck(c *checkConfig) error {
	if o.err != nil {
		return o.err
	}
	o.apply(c)
	return nil
}

// checkConfig is what check options set: config.check holds the defaults
// of every check, which each check copies and changes with its own.
type checkConfig struct {
	locations    []Location
	locationsBy  string // the option or variable that chose the locations at New; "" for the default
	headerName   string // the InHeader that names no header (PASETO_HEADER_NAME)
	headerPrefix string // the InHeader that sets no prefix (PASETO_HEADER_PREFIX)
	queryPrefix  string // the InQuery that sets no prefix (QueryPrefix)
	implicit     []byte
	implicitFrom *assertionFunc
	base64       bool
	skip         func(*gin.Context) bool
	wsClose      bool
	rules        rules // RequireScopes, Authorize
}

// assertionFunc is the function of an ImplicitAssertionFrom option; its
// address tells two checks given the same option from checks given two
// options.
type assertionFunc struct {
	f func(*gin.Context) ([]byte, error)
}

// clone returns a copy of cc whose lists grow without changing cc's.
func (cc checkConfig) clone() checkConfig {
	cc.locations = slices.Clip(cc.locations)
	cc.rules.scopes = slices.Clip(cc.rules.scopes)
	cc.rules.hooks = slices.Clip(cc.rules.hooks)
	return cc
}

// readsCookie reports whether one of the locations is a cookie.
func (cc *checkConfig) readsCookie() bool {
	return slices.ContainsFunc(cc.locations, func(l Location) bool { return l.kind == locCookie })
}

// readsCookie reports whether the checks of the Authorizer read a cookie
// unless a route says otherwise.
func (c *config) readsCookie() bool { return c.check.readsCookie() }

// WithTokenLocations sets where checks look for a token, in this order;
// the first location that holds one wins. Given to New, it sets the
// locations of every check (default: InHeader alone); given to a check, it
// replaces them for that check. InQuery, InJSON, InWebSocketProtocol and
// InCookie are read only where they are listed. A location carries its
// parameters:
//
//	WithTokenLocations(InHeader.Named("X-Api-Token").Prefix(""), InQuery)
//
// To keep the locations and look in one more place, use AddTokenLocations.
func WithTokenLocations(locs ...Location) CheckOption {
	err := validLocations("WithTokenLocations", locs)
	locs = slices.Clone(locs)
	return newCheckOption(err, func(c *checkConfig) {
		c.locations = slices.Clip(locs)
		c.locationsBy = "WithTokenLocations"
	})
}

// QueryPrefix makes InQuery expect "<prefix> <token>" in the query
// parameter, as in "?token=Bearer%20<token>", matched case-insensitively;
// "" expects a bare token, the default. It applies to the InQuery
// locations that set no prefix of their own (InQuery.Prefix does the same
// for one location): given to New, in every check; given to a check, in
// that one.
func QueryPrefix(prefix string) CheckOption {
	var err error
	if prefix != "" && !isToken(prefix) {
		err = fmt.Errorf("ginpaseto: QueryPrefix: %s", badPrefix(prefix))
	}
	return newCheckOption(err, func(c *checkConfig) { c.queryPrefix = prefix })
}

// AddTokenLocations makes checks look in locs too, in order, after the
// locations they already have (the Authorizer's, or those of
// WithTokenLocations), such as AddTokenLocations(InWebSocketProtocol) on a
// WebSocket route of a header-only Authorizer, or
// AddTokenLocations(InFunc(f)) for a source of the application's. A
// location already listed, with the same parameters, is not searched
// twice.
func AddTokenLocations(locs ...Location) CheckOption {
	err := validLocations("AddTokenLocations", locs)
	locs = slices.Clone(locs)
	return newCheckOption(err, func(c *checkConfig) {
		for _, l := range locs {
			if !slices.Contains(c.locations, l) {
				c.locations = append(c.locations, l)
			}
		}
	})
}

// Skip lets through, unauthenticated, the requests for which skip returns
// true. It lets router.Use(auth.Required()) sit on a router that also
// serves /login. Several Skip options add up: a request that any of them
// skips goes through, so a check's Skip adds to the one given to New.
// Default: no request is skipped.
func Skip(skip func(c *gin.Context) bool) CheckOption {
	var err error
	if skip == nil {
		err = errors.New("ginpaseto: Skip: skipper is nil")
	}
	return newCheckOption(err, func(c *checkConfig) { c.skip = combineSkippers(c.skip, skip) })
}

// CloseWebSocket makes checks answer a failed WebSocket upgrade by
// accepting it and closing at once with code 1008 (policy violation) and
// the error message as reason, because browsers hide the status of a
// refused handshake from scripts. Given to New, every check does so;
// given to a check, that one. Off by default.
func CloseWebSocket() CheckOption {
	return newCheckOption(nil, func(c *checkConfig) { c.wsClose = true })
}

// sharedOption is an option valid both for checks and for created tokens.
type sharedOption struct {
	check func(*checkConfig)
	token func(*tokenConfig)
}

func (o sharedOption) applyCheck(c *checkConfig) error { o.check(c); return nil }
func (o sharedOption) applyToken(t *tokenConfig)       { o.token(t) }

// applyOption makes the option the default of every check and every
// created token.
func (o sharedOption) applyOption(c *config) error {
	o.check(&c.check)
	c.tokenDefaults = append(slices.Clip(c.tokenDefaults), o)
	return nil
}

// ImplicitAssertion binds a token to data that is authenticated but not
// stored in the token, such as a user or tenant ID the server already
// knows. A token created with an assertion verifies only when the check
// supplies the same bytes. v4 and v3 only. Given to New, every check and
// every created token use it. Default: none.
func ImplicitAssertion(assertion []byte) SharedOption {
	assertion = slices.Clone(assertion)
	return sharedOption{
		check: func(c *checkConfig) { c.implicit, c.implicitFrom = assertion, nil },
		token: func(t *tokenConfig) { t.implicit = assertion },
	}
}

// ImplicitAssertionFrom makes checks compute the implicit assertion for
// each request, for assertions that depend on the request, such as a
// tenant named in the URL. An error from assertion refuses the request as
// a location's error would: a *Error as is, anything else as a 401
// invalid token. It replaces ImplicitAssertion. Given to New, it is the
// default of every check; ParseToken and CheckToken, which have no
// request, then need an ImplicitAssertion.
func ImplicitAssertionFrom(assertion func(c *gin.Context) ([]byte, error)) CheckOption {
	var err error
	if assertion == nil {
		err = errors.New("ginpaseto: ImplicitAssertionFrom: function is nil")
	}
	from := &assertionFunc{assertion}
	return newCheckOption(err, func(c *checkConfig) { c.implicitFrom, c.implicit = from, nil })
}

// Base64 wraps created tokens in standard base64, and makes checks expect
// tokens wrapped that way (standard or URL-safe alphabet). Given to New,
// every check and every created token do so. Off by default.
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
	owner          *Authorizer
	mode           checkMode
	tokenType      string
	lookup         []extractor
	sources        []string // where each extractor of lookup looks, for the observer
	implicit       []byte
	implicitFrom   *assertionFunc
	base64         bool
	skip           func(*gin.Context) bool
	webSocketClose bool
	readsCookie    bool // InCookie is one of its locations
	// readsSessionCookie: InCookie itself is, which reads the session
	// cookie of WithCookies, not a cookie named by the location.
	readsSessionCookie bool
	rules              compiledRules
	// lookupKey is equal for two checks that find the same token in a
	// request and verify it the same way: the same locations with the same
	// parameters, in the same order, the same implicit assertion (or the
	// same ImplicitAssertionFrom option) and the same wrapping.
	lookupKey string
}

// newCheck resolves the Authorizer's defaults and the check options into
// a check and compiles its token lookup. An invalid option panics: the
// route is being registered.
func (a *Authorizer) newCheck(mode checkMode, tokenType string, opts []CheckOption) *check {
	cc := a.cfg.check.clone()
	for _, o := range opts {
		if o == nil {
			panic("ginpaseto: nil CheckOption")
		}
		if err := o.applyCheck(&cc); err != nil {
			panic(err.Error())
		}
	}
	if err := a.checkImplicit(&cc); err != nil {
		panic(err.Error())
	}
	a.mustHaveCookies(&cc)
	ch := &check{
		owner:              a,
		mode:               mode,
		tokenType:          tokenType,
		implicit:           cc.implicit,
		implicitFrom:       cc.implicitFrom,
		base64:             cc.base64,
		skip:               cc.skip,
		webSocketClose:     cc.wsClose,
		readsCookie:        cc.readsCookie(),
		readsSessionCookie: slices.Contains(cc.locations, InCookie),
		rules:              cc.rules.compile(),
	}
	ch.lookup, ch.sources, ch.lookupKey = a.compileLookup(&cc, tokenType)
	return ch
}

// checkImplicit refuses an implicit assertion with v2, which has none.
func (a *Authorizer) checkImplicit(cc *checkConfig) error {
	if (len(cc.implicit) > 0 || cc.implicitFrom != nil) && a.cfg.version == versionV2 {
		return errors.New("ginpaseto: ImplicitAssertion: v2 tokens do not support implicit assertions; use v4")
	}
	return nil
}

// compileLookup turns the check's locations into extractors, in lookup
// order, each location once. It also names where each extractor looks, and
// returns the check's lookupKey.
func (a *Authorizer) compileLookup(cc *checkConfig, tokenType string) ([]extractor, []string, string) {
	var lookup []extractor
	var sources []string
	var key strings.Builder
	for i, l := range cc.locations {
		if slices.Contains(cc.locations[:i], l) {
			continue
		}
		l = l.resolve(a, cc, tokenType)
		lookup = append(lookup, l.extractor())
		sources = append(sources, locationSources[l.kind])
		l.writeKey(&key)
	}
	fmt.Fprintf(&key, "base64=%t implicit=%d:%s from=%p", cc.base64, len(cc.implicit), cc.implicit, cc.implicitFrom)
	return lookup, sources, key.String()
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
