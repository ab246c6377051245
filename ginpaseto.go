// Package ginpaseto is PASETO authentication for Gin: access and refresh
// tokens, freshness, revocation, and tokens in headers, JSON bodies,
// WebSocket handshakes and browser cookies guarded against CSRF, with
// secure defaults (v4.local tokens, 15-minute
// access tokens, keys checked at start-up).
//
// Build one Authorizer with New at start-up; New refuses to build one
// without a key, or with a weak one. Start a session in your login handler
// with StartSession (or CreateTokenPair), serve RefreshHandler behind
// RefreshRequired and LogoutHandler behind Required, and protect routes
// with the middleware Required, Optional, FreshRequired, RefreshRequired
// or TypeRequired. Later handlers read the verified token with Subject and
// GetClaims. RevokeSession, RevokeSubject and Revoke make later checks
// refuse a session, every token of a user, or one token; the Store that
// records them lives in memory unless WithStore gives a shared one.
//
// Every check runs the same steps, in this order: find the token in the
// configured locations, the first one found winning (by default the
// Authorization header alone); reject oversized or malformed tokens and any version or
// purpose the Authorizer has no key for, before any cryptography; decrypt
// or verify; validate exp, nbf, iat, iss and aud; for a token from a
// cookie, the CSRF checks of InCookie; consult the Store (and
// the Denylist, if one is given) for the revocable token types; check the
// token type and freshness; then authorize: the scopes RequireScopes
// names, and the Authorize hooks. A failed check answers {"detail":
// message} with 401, 403 when authorization or a CSRF check refuses a
// genuine token, or 503 when the revocation status cannot be read;
// WithErrorHandler replaces that response.
//
// Vocabularies of their own live in sub-packages: keyring (keys as
// values, for WithKeys and SetKeys, and the key set of WithKeySet),
// observe (what an Observer receives, and SecurityLogger), accesslog
// (Gin access logs without tokens) and legacy (PASETO v3 and v2, for
// interoperability only).
package ginpaseto

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/observe"
)

// Authorizer creates and checks tokens. It is safe for concurrent use and
// holds no global state: several Authorizers with different keys can live
// in one process.
type Authorizer struct {
	cfg     config                  // validated by New; read-only afterwards
	keys    atomic.Pointer[Keyring] // swapped whole by SetKeys or the key set
	keySet  *keySetSource           // set by WithKeySet
	cookies *cookieJar              // session cookies, resolved by New
	cache   *tokenCache             // set by WithVerifiedTokenCache
	obs     Observer                // set by WithObserver; nil for none

	hints cookieHints // the explanations logged so far

	watchOnce sync.Once // creates watches, at the first Watch
	watches   *watchHub
}

// sealer creates tokens of one version and purpose.
type sealer interface {
	seal(payload, footer, implicit []byte) (string, error)
}

// opener decrypts or verifies tokens of one version and purpose and returns
// the payload. v4 works on the decoded body and footer; the other versions
// are handed the whole token.
type opener interface {
	open(tok string, body, footer, implicit []byte) ([]byte, error)
}

// New builds an Authorizer. It needs at least one key; every key is parsed
// and every option checked here, and a mistake is reported with what to do
// about it, so a running Authorizer never fails on configuration.
func New(opts ...Option) (*Authorizer, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("ginpaseto: New: nil option")
		}
		if err := opt.applyOption(&cfg); err != nil {
			return nil, err
		}
	}
	a := &Authorizer{cfg: cfg, obs: newObserver(cfg.observers)}
	a.cfg.keyNames = cfg.keyOrigins()
	if err := a.checkImplicit(&cfg.check); err != nil {
		return nil, err
	}
	if err := a.loadKeys(); err != nil {
		return nil, err
	}
	jar, err := newCookieJar(cfg.cookies, cfg.cookies != nil || cfg.readsCookie())
	if err != nil {
		return nil, err
	}
	a.cookies = jar
	if cfg.cacheSize > 0 {
		if a.cache, err = newTokenCache(&a.cfg); err != nil {
			return nil, err
		}
	}
	if a.cfg.store == nil {
		// The default store keeps time with the Authorizer, so that an
		// entry lasts exactly as long as what it guards.
		a.cfg.store = &MemoryStore{now: a.cfg.now}
	}
	if m, ok := a.cfg.store.(*MemoryStore); ok {
		if err := m.ready(); err != nil {
			return nil, err
		}
	}
	if a.obs != nil {
		a.cfg.store = observeStore(a.cfg.store, a.obs)
		if a.cfg.denylist != nil {
			a.cfg.denylist = observedDenylist{Denylist: a.cfg.denylist, obs: a.obs}
		}
	}
	// The configuration as a whole, before anything starts.
	if err := a.validate(); err != nil {
		return nil, err
	}
	if a.cfg.keySet != nil {
		if err := a.startKeySet(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Required returns middleware that lets a request through only with a
// valid access token. Inside a group whose check of the same Authorizer
// already accepted the token, found the same way, a check runs only what
// it adds (the type, freshness, RequireScopes, Authorize), on the claims
// that check accepted: the token is verified, and looked up in the store,
// once per request. This holds for every check method.
func (a *Authorizer) Required(opts ...CheckOption) gin.HandlerFunc {
	return a.middleware(a.newCheck(checkRequired, TypeAccess, opts))
}

// Optional returns middleware that authenticates the request when it
// carries a valid access token and otherwise lets it through anonymously,
// so Subject returns "". A token that verifies but is revoked, or is not an
// access token, is still refused: it is not a missing credential but a
// wrong one.
func (a *Authorizer) Optional(opts ...CheckOption) gin.HandlerFunc {
	return a.middleware(a.newCheck(checkOptional, TypeAccess, opts))
}

// FreshRequired returns middleware that requires an access token created
// with the Fresh option, as sensitive operations (changing a password)
// should.
func (a *Authorizer) FreshRequired(opts ...CheckOption) gin.HandlerFunc {
	return a.middleware(a.newCheck(checkFresh, TypeAccess, opts))
}

// RefreshRequired returns middleware that requires a refresh token, for the
// route that issues new access tokens.
func (a *Authorizer) RefreshRequired(opts ...CheckOption) gin.HandlerFunc {
	return a.middleware(a.newCheck(checkRequired, TypeRefresh, opts))
}

// TypeRequired returns middleware that requires a token of the custom type
// tokenType, created with CreateToken. Custom types are not checked against
// the denylist unless WithRevocableTypes lists them, which single-use
// tokens (an invitation, a password reset) want. It panics if tokenType is
// empty, as a route registered that way is a programming error.
func (a *Authorizer) TypeRequired(tokenType string, opts ...CheckOption) gin.HandlerFunc {
	if tokenType == "" {
		panic("ginpaseto: TypeRequired: token type must not be empty")
	}
	return a.middleware(a.newCheck(checkRequired, tokenType, opts))
}

// middleware runs a check: identify the token, authorize it, hand it on.
func (a *Authorizer) middleware(ch *check) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ch.skip != nil && ch.skip(c) {
			c.Next()
			return
		}
		ctx := c.Request.Context()
		var start time.Duration
		if a.obs != nil {
			ctx = a.obs.StartCheck(ctx, observe.CheckStart{TokenType: ch.tokenType})
			start = monotonic()
		}
		v := a.runCheck(ctx, c, ch)
		if a.obs != nil {
			a.endCheck(ctx, ch.tokenType, start, v)
		}
		switch {
		case v.err == nil || v.anonymous:
			c.Next()
		default:
			a.fail(ctx, c, ch, v.err)
		}
	}
}

// verdict is what a check decided.
type verdict struct {
	err       *Error
	anonymous bool   // Optional goes on without a token despite err
	source    string // where the token was found
}

// runCheck runs the steps of a check on the request.
func (a *Authorizer) runCheck(ctx context.Context, c *gin.Context, ch *check) verdict {
	if claims := a.acceptedBefore(c, ch); claims != nil {
		return recheck(c, ch, claims)
	}
	crossOrigin := a.refuseCookiesOfUpgrade(c)
	claims, src, err := a.identify(ctx, c, ch)
	if err == errMissing && crossOrigin && ch.readsCookie && ch.mode != checkOptional {
		// The cookie was not read, so that the answer cannot depend
		// on it; say why rather than that no token came.
		err = errCrossOrigin
	}
	if err == errMissing && ch.readsCookie {
		err = a.explainMissingCookie(c, ch)
	}
	if err == nil {
		err = a.checkCSRF(c, claims)
	}
	if err != nil {
		// Optional goes on anonymously past a bad token, but not past
		// keys that are unavailable: the token may well be good.
		return verdict{err: err, source: src, anonymous: ch.mode == checkOptional && err.Status == http.StatusUnauthorized}
	}
	if err := a.authorize(ctx, ch, claims); err != nil {
		return verdict{err: err, source: src}
	}
	c.Set(claimsKey{}, claims)
	c.Set(acceptedKey{}, ch) // a pointer: no allocation
	if err := ch.rules.runHooks(c, claims); err != nil {
		return verdict{err: err, source: src}
	}
	return verdict{source: src}
}

// acceptedKey holds, in the gin.Context, the check that accepted the
// claims of claimsKey: a *check.
type acceptedKey struct{}

// acceptedBefore returns the claims an earlier check of this Authorizer
// accepted in this request, when ch would find the same token the same
// way (the same lookupKey): a route inside a group that runs Required.
// nil when there are none, and ch runs in full.
func (a *Authorizer) acceptedBefore(c *gin.Context, ch *check) *Claims {
	v, ok := c.Get(acceptedKey{})
	if !ok {
		return nil
	}
	if prev := v.(*check); prev.owner != a || prev.lookupKey != ch.lookupKey {
		return nil
	}
	claims, _ := GetClaims(c)
	return claims
}

// recheck runs on claims an earlier check accepted what ch adds to it:
// the type, freshness, the scopes and the Authorize hooks, without
// verifying the token or asking the store again. The earlier check read
// the same locations, verified the token with the same keys, assertion
// and wrapping, passed the CSRF checks and asked the store about it, in
// this request.
func recheck(c *gin.Context, ch *check, claims *Claims) verdict {
	if err := ch.accepts(claims); err != nil {
		return verdict{err: err, source: sourcePreviousCheck}
	}
	if err := ch.rules.runHooks(c, claims); err != nil {
		return verdict{err: err, source: sourcePreviousCheck}
	}
	return verdict{source: sourcePreviousCheck}
}

// endCheck reports what a check decided to the observer.
func (a *Authorizer) endCheck(ctx context.Context, tokenType string, start time.Duration, v verdict) {
	reason := observe.ReasonAllowed
	if v.err != nil {
		reason = reasonOf(v.err)
	}
	a.obs.EndCheck(ctx, observe.CheckResult{
		TokenType: tokenType,
		Outcome:   outcomeOf(v.err, v.anonymous),
		Reason:    reason,
		Source:    v.source,
		Duration:  monotonic() - start,
	})
}

// identify finds the token and verifies it: steps 1 to 4. It also returns
// where the token was found.
func (a *Authorizer) identify(ctx context.Context, c *gin.Context, ch *check) (*Claims, string, *Error) {
	tok, i, err := firstToken(c, ch.lookup)
	if err != nil {
		if i >= 0 {
			return nil, ch.sources[i], err
		}
		return nil, sourceNone, err
	}
	src := ch.sources[i]
	implicit := ch.implicit
	if ch.implicitFrom != nil {
		var assertErr error
		if implicit, assertErr = ch.implicitFrom.f(c); assertErr != nil {
			return nil, src, asError(assertErr, errInvalid)
		}
	}
	claims, err := a.verify(ctx, tok, implicit, ch.base64)
	return claims, src, err
}

// authorize decides whether a verified token may pass: steps 5 and 6, and
// the scopes.
func (a *Authorizer) authorize(ctx context.Context, ch *check, claims *Claims) *Error {
	if err := a.checkRevoked(ctx, claims); err != nil {
		return err
	}
	return ch.accepts(claims)
}

// accepts decides whether ch lets an unrevoked token pass: the type,
// freshness and the scopes.
func (ch *check) accepts(claims *Claims) *Error {
	if claims.Type != ch.tokenType {
		return wrongTypeError(ch.tokenType, claims.Type)
	}
	if ch.mode == checkFresh && !claims.Fresh {
		return errNotFresh
	}
	return ch.rules.checkScopes(claims)
}

// fail hands err to the error handler, or closes a WebSocket with 1008
// when the check asks for that.
func (a *Authorizer) fail(ctx context.Context, c *gin.Context, ch *check, err *Error) {
	if ch.webSocketClose && isWebSocketUpgrade(c.Request) && closeWebSocket(c, err) {
		if a.obs != nil {
			a.obs.WebSocketClosed(ctx, observe.WebSocketClose{Code: wsClosePolicy, Reason: reasonOf(err)})
		}
		c.Abort()
		return
	}
	// The common errors are shared by every request: hand the handler its
	// own copy, which it may change (to reword a message, say) without
	// racing with other requests or changing what they report.
	a.cfg.errorHandler(c, err.copy())
	c.Abort()
}

// verify checks a token string and returns its claims: steps 2 to 4,
// the cryptography and parse answered by the verified-token cache when
// there is one.
func (a *Authorizer) verify(ctx context.Context, tok string, implicit []byte, wrapped bool) (*Claims, *Error) {
	ring := a.keys.Load() // one keyring for the whole check, whatever SetKeys does meanwhile
	if a.cache == nil {
		return a.verifyWith(ctx, ring, tok, implicit, wrapped)
	}
	k := a.cache.key(tok, implicit, wrapped)
	claims, hit := a.cache.lookup(k, ring)
	if a.obs != nil {
		a.obs.CacheLookup(ctx, hit)
	}
	if hit {
		if err := a.validateClaims(claims); err != nil {
			return nil, err
		}
		return claims, nil
	}
	claims, err := a.verifyWith(ctx, ring, tok, implicit, wrapped)
	if err == nil {
		a.cache.store(k, ring, claims)
	}
	return claims, err
}

// verifyWith checks a token string with the keys of ring.
func (a *Authorizer) verifyWith(ctx context.Context, ring *Keyring, tok string, implicit []byte, wrapped bool) (*Claims, *Error) {
	if wrapped {
		var err *Error
		if tok, err = a.unwrapBase64(tok); err != nil {
			return nil, err
		}
	}
	if len(tok) > a.cfg.maxTokenSize {
		return nil, errTooLarge
	}
	header, body64, footer64, ok := splitToken(tok)
	if !ok {
		return nil, errInvalid
	}
	if ring == nil {
		return nil, errKeysUnavailable
	}
	keys := ring.headers[header]
	if keys == nil {
		return nil, errUnsupported
	}
	// Body and footer share one allocation.
	buf := make([]byte, 0, b64.DecodedLen(len(body64))+b64.DecodedLen(len(footer64)))
	buf, err := b64.AppendDecode(buf, []byte(body64))
	if err != nil {
		return nil, errInvalid
	}
	body := buf[:len(buf):len(buf)]
	var footer []byte
	if footer64 != "" {
		if buf, err = b64.AppendDecode(buf, []byte(footer64)); err != nil {
			return nil, errInvalid
		}
		footer = buf[len(body):]
	}
	key, kerr := keys.keyFor(footer)
	if kerr == errUnknownKID && a.keySet != nil {
		// The key set may have gained the key since it was last fetched.
		key, kerr = a.keySet.lookupAfterRefetch(ctx, header, footer)
	}
	if kerr != nil {
		return nil, kerr
	}
	payload, err := key.opener.open(tok, body, footer, implicit)
	if err != nil {
		return nil, errInvalid
	}
	claims, err := parseClaims(payload, footer)
	if err != nil {
		return nil, errBadClaims
	}
	if err := a.validateClaims(claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// unwrapBase64 undoes the Base64 option's wrapping (standard or URL-safe
// alphabet, padded), bounded like a plain token.
func (a *Authorizer) unwrapBase64(tok string) (string, *Error) {
	if len(tok) > base64.StdEncoding.EncodedLen(a.cfg.maxTokenSize) {
		return "", errTooLarge
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(tok)
	if err != nil {
		if raw, err = base64.URLEncoding.Strict().DecodeString(tok); err != nil {
			return "", errInvalid
		}
	}
	return string(raw), nil
}

// validateClaims checks the time claims with the leeway, then issuer and
// audience when they are configured.
func (a *Authorizer) validateClaims(c *Claims) *Error {
	now := a.cfg.now()
	if !c.Expiration.IsZero() && now.After(c.Expiration.Add(a.cfg.leeway)) {
		return errExpired
	}
	if !c.NotBefore.IsZero() && now.Add(a.cfg.leeway).Before(c.NotBefore) {
		return errNotYetValid
	}
	if !c.IssuedAt.IsZero() && now.Add(a.cfg.leeway).Before(c.IssuedAt) {
		return errFutureIssued
	}
	if a.cfg.expectedIssuer != "" && c.Issuer != a.cfg.expectedIssuer {
		return errWrongIssuer
	}
	if a.cfg.expectedAudience != "" && !c.HasAudience(a.cfg.expectedAudience) {
		return errWrongAud
	}
	return nil
}

// ParseToken verifies a token given as a string, as a check would before
// consulting the denylist (decryption or signature, exp, nbf, iat, issuer,
// audience), and returns its claims. Use it to revoke a token the client
// hands in, or to read one whatever its type; to authenticate with a token
// string, use CheckToken, which also consults the denylist and checks the
// type. The ImplicitAssertion and Base64 options apply, those given to New
// and those given here; ImplicitAssertionFrom, which needs a request, is
// refused; other check options are ignored. Errors are *Error values.
func (a *Authorizer) ParseToken(tok string, opts ...CheckOption) (*Claims, error) {
	cc, err := a.parseCheckOptions("ParseToken", opts)
	if err != nil {
		return nil, err
	}
	claims, e := a.parseToken(context.Background(), tok, cc)
	if e != nil {
		return nil, e.copy()
	}
	return claims, nil
}

// parseCheckOptions applies the check options of ParseToken and
// CheckToken, which have no request, to the Authorizer's defaults.
func (a *Authorizer) parseCheckOptions(method string, opts []CheckOption) (*checkConfig, error) {
	cc := a.cfg.check.clone()
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("ginpaseto: " + method + ": nil CheckOption")
		}
		if err := o.applyCheck(&cc); err != nil {
			return nil, err
		}
	}
	if cc.implicitFrom != nil {
		// Ignoring it would verify the token against no assertion at all.
		return nil, errors.New("ginpaseto: " + method + ": ImplicitAssertionFrom needs a request, whether given to New or here; pass the assertion with ImplicitAssertion")
	}
	return &cc, nil
}

func (a *Authorizer) parseToken(ctx context.Context, tok string, cc *checkConfig) (*Claims, *Error) {
	if tok == "" {
		return nil, errMissing
	}
	return a.verify(ctx, tok, cc.implicit, cc.base64)
}

// CheckToken runs on a token string every step a check runs after finding
// the token: verification, claims, the denylist, and the type, which must
// be tokenType. Use it for tokens that arrive outside the request's
// headers, such as the first message on a WebSocket. The ImplicitAssertion
// and Base64 options apply, as in ParseToken; options about token locations
// are ignored. Freshness is not checked: read Claims.Fresh. RequireScopes
// applies; Authorize, whose hook needs a request, is refused, also when
// given to New. Errors are *Error values, as the middleware would report
// them. An Observer sees it as a check.
func (a *Authorizer) CheckToken(ctx context.Context, tok, tokenType string, opts ...CheckOption) (*Claims, error) {
	if tokenType == "" {
		return nil, errors.New("ginpaseto: CheckToken: token type must not be empty; use ginpaseto.TypeAccess for access tokens")
	}
	cc, err := a.parseCheckOptions("CheckToken", opts)
	if err != nil {
		return nil, err
	}
	if len(cc.rules.hooks) > 0 {
		return nil, errors.New("ginpaseto: CheckToken: Authorize needs a request, whether given to New or here; call the function yourself on the claims CheckToken returns")
	}
	var start time.Duration
	if a.obs != nil {
		ctx = a.obs.StartCheck(requestContext(ctx), observe.CheckStart{TokenType: tokenType})
		start = monotonic()
	}
	claims, e := a.parseToken(ctx, tok, cc)
	if e == nil {
		e = a.authorize(ctx, &check{tokenType: tokenType, rules: cc.rules.compile()}, claims)
	}
	if a.obs != nil {
		a.endCheck(ctx, tokenType, start, verdict{err: e})
	}
	if e != nil {
		return nil, e.copy()
	}
	return claims, nil
}
