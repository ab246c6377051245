package ginpaseto

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Browser sessions keep the tokens of a session in cookies that scripts
// cannot read: an access cookie sent with every request, a refresh cookie
// sent only to the refresh route, and a readable CSRF cookie whose value the
// page copies into a header on unsafe requests (csrf.go).

// Default cookie names and paths. The __Host- prefix makes the browser
// refuse the cookie unless it is Secure, host-only (no Domain) and on
// Path=/, so that no other site, not even a sibling subdomain, can set or
// shadow it; __Secure- asks for Secure alone, which a cookie on a narrower
// path than / can have. CookieConfig.Insecure drops both prefixes, which
// browsers refuse without Secure.
const (
	defaultAccessCookie  = "__Host-access_token"
	defaultRefreshCookie = "__Secure-refresh_token"
	defaultCSRFCookie    = "__Host-csrf_token"
	defaultRefreshPath   = "/refresh"
	defaultLogoutPath    = "/logout"
	defaultCSRFHeader    = "X-CSRF-Token"
)

// CookieConfig names and scopes the session cookies, for WithCookies. Its
// zero value is the secure default; set only the fields to change.
type CookieConfig struct {
	// AccessName is the cookie of the access token. Default
	// "__Host-access_token" ("access_token" with Insecure).
	AccessName string
	// AccessPath is the path of the access cookie. Default "/".
	AccessPath string
	// RefreshName is the cookie of the refresh token. Default
	// "__Secure-refresh_token" ("refresh_token" with Insecure).
	RefreshName string
	// RefreshPath is the path of the refresh cookie: the browser sends it
	// to this path and those below it only, so that the long-lived token
	// travels with refresh requests alone. Default "/refresh"; register the
	// refresh route there.
	RefreshPath string
	// LogoutPath is the path of the logout route (LogoutHandler). The
	// refresh cookie is sent there too, as a second cookie of the same name
	// and value on that path, so that logging out works once the access
	// cookie has expired: the refresh token proves that the request holds
	// the session. Default "/logout"; register the logout route there. A
	// LogoutPath inside RefreshPath needs no second cookie; one that
	// contains RefreshPath (such as "/") is refused, since refresh requests
	// would then carry two refresh cookies.
	LogoutPath string
	// CSRFName is the readable cookie holding the CSRF token that the page
	// sends back in CSRFHeader. Default "__Host-csrf_token" ("csrf_token"
	// with Insecure).
	CSRFName string
	// CSRFPath is the path of the CSRF cookie. Default "/".
	CSRFPath string
	// Domain, when set, sends the cookies to that domain and all its
	// subdomains instead of this host alone. Default "": host-only, which
	// the __Host- names require; any subdomain can then not read them.
	Domain string
	// SameSite is the SameSite attribute of all three cookies:
	// http.SameSiteLaxMode (the default), http.SameSiteStrictMode or
	// http.SameSiteNoneMode, which needs Secure and so refuses
	// Insecure.
	SameSite http.SameSite
	// CSRFHeader is the request header that must repeat the CSRF token on
	// unsafe requests authenticated by a cookie. Default "X-CSRF-Token".
	CSRFHeader string
	// TrustedOrigins are other origins, such as "https://app.example.com",
	// from which unsafe requests with the cookies are accepted; requests
	// from any origin but the server's own and these are refused. Default:
	// none.
	TrustedOrigins []string
	// Insecure lets the session cookies travel over plain HTTP, for local
	// development only: they lose the Secure attribute and the default
	// names their __Host- and __Secure- prefixes, so that a browser keeps
	// them on http://localhost. Anyone on the network path can then read
	// and replay them. Never set it on a server reachable over HTTP from
	// elsewhere. Default false: every cookie is Secure.
	Insecure bool
}

// WithCookies sets up browser sessions: checks that list InCookie read the
// access token from its cookie (the refresh token for RefreshRequired),
// token pairs carry a csrf claim, and SetSessionCookies and
// ClearSessionCookies, and the session handlers, write the cookies as cfg
// describes. Unsafe requests authenticated by a cookie must pass the CSRF
// checks (see InCookie). A configuration that browsers would refuse, such
// as a __Host- cookie with a Domain, fails New.
//
// Without WithTokenLocations, checks read the header, then the access
// cookie; locations given without InCookie fail New, since no check would
// read the cookies. An Authorizer that only verifies tokens (WithPublicKey
// alone) refuses WithCookies unless its locations list InCookie, to read
// the cookies another service sets.
func WithCookies(cfg CookieConfig) Option {
	return optionFunc(func(c *config) error {
		cfg.TrustedOrigins = append([]string(nil), cfg.TrustedOrigins...)
		c.cookies = &cfg
		return nil
	})
}

// cookieJar is the resolved cookie configuration: the three cookie
// templates, and the CSRF checks that guard them.
type cookieJar struct {
	enabled bool // token pairs carry a csrf claim
	access  http.Cookie
	refresh http.Cookie
	csrf    http.Cookie
	// logout is the refresh cookie on the logout path, when the refresh
	// cookie does not reach it by itself; its Name is "" otherwise.
	logout         http.Cookie
	csrfHdr        string // canonical header key
	csrfHeaderName string // as configured, for CSRFHeaderName
	origins        *http.CrossOriginProtection
}

// newCookieJar resolves and validates the cookie configuration.
func newCookieJar(cfg *CookieConfig, enabled bool) (*cookieJar, error) {
	var c CookieConfig
	if cfg != nil {
		c = *cfg
	}
	insecure := c.Insecure
	secure := !insecure
	name := func(n, def string) string {
		if n != "" {
			return n
		}
		if insecure {
			def = strings.TrimPrefix(strings.TrimPrefix(def, "__Host-"), "__Secure-")
		}
		return def
	}
	orDefault := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	switch c.SameSite {
	case 0:
		c.SameSite = http.SameSiteLaxMode
	case http.SameSiteLaxMode, http.SameSiteStrictMode:
	case http.SameSiteNoneMode:
		if !secure {
			return nil, errors.New("ginpaseto: WithCookies: SameSite=None cookies must be Secure, and browsers drop them otherwise; use http.SameSiteLaxMode for development over plain HTTP, or set CookieConfig.Insecure to false")
		}
	default:
		return nil, fmt.Errorf("ginpaseto: WithCookies: SameSite %d is not one of http.SameSiteLaxMode, http.SameSiteStrictMode and http.SameSiteNoneMode", int(c.SameSite))
	}
	template := func(n, path string, httpOnly bool) http.Cookie {
		return http.Cookie{Name: n, Path: path, Domain: c.Domain, Secure: secure, HttpOnly: httpOnly, SameSite: c.SameSite}
	}
	j := &cookieJar{
		enabled: enabled,
		access:  template(name(c.AccessName, defaultAccessCookie), orDefault(c.AccessPath, "/"), true),
		refresh: template(name(c.RefreshName, defaultRefreshCookie), orDefault(c.RefreshPath, defaultRefreshPath), true),
		// Readable by the page's script, which sends its value back.
		csrf: template(name(c.CSRFName, defaultCSRFCookie), orDefault(c.CSRFPath, "/"), false),
	}
	for _, ck := range []*http.Cookie{&j.access, &j.refresh, &j.csrf} {
		if err := validCookie(ck); err != nil {
			return nil, err
		}
	}
	logoutPath := orDefault(c.LogoutPath, defaultLogoutPath)
	switch {
	case !strings.HasPrefix(logoutPath, "/"):
		return nil, fmt.Errorf("ginpaseto: WithCookies: LogoutPath %q must start with /", logoutPath)
	case pathMatch(logoutPath, j.refresh.Path):
		// The refresh cookie reaches the logout route already.
	case pathMatch(j.refresh.Path, logoutPath):
		return nil, fmt.Errorf("ginpaseto: WithCookies: LogoutPath %q contains RefreshPath %q, so refresh requests would carry the refresh cookie twice; give the logout route a path of its own, such as %q", logoutPath, j.refresh.Path, strings.TrimSuffix(logoutPath, "/")+"/logout")
	default:
		j.logout = j.refresh
		j.logout.Path = logoutPath
		if err := validCookie(&j.logout); err != nil {
			return nil, fmt.Errorf("%w (LogoutPath)", err)
		}
	}
	if j.access.Name == j.refresh.Name || j.access.Name == j.csrf.Name || j.refresh.Name == j.csrf.Name {
		return nil, errors.New("ginpaseto: WithCookies: the access, refresh and CSRF cookies need three different names")
	}
	header := orDefault(c.CSRFHeader, defaultCSRFHeader)
	if err := validHeader("WithCookies: CSRFHeader", header, ""); err != nil {
		return nil, err
	}
	j.csrfHdr = http.CanonicalHeaderKey(header)
	j.csrfHeaderName = header
	j.origins = http.NewCrossOriginProtection()
	for _, o := range c.TrustedOrigins {
		if err := j.origins.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("ginpaseto: WithCookies: TrustedOrigins: %w; write an origin as scheme://host[:port], such as https://app.example.com", err)
		}
	}
	return j, nil
}

// refreshSentTo reports whether a browser sends the refresh cookie with a
// request for path: under RefreshPath, or under LogoutPath when that has
// a cookie of its own.
func (j *cookieJar) refreshSentTo(path string) bool {
	return pathMatch(path, j.refresh.Path) || (j.logout.Name != "" && pathMatch(path, j.logout.Path))
}

// pathMatch reports whether a browser sends a cookie of cookiePath with a
// request for path (RFC 6265, section 5.1.4).
func pathMatch(path, cookiePath string) bool {
	if !strings.HasPrefix(path, cookiePath) {
		return false
	}
	return len(path) == len(cookiePath) || strings.HasSuffix(cookiePath, "/") || path[len(cookiePath)] == '/'
}

// validCookie refuses a cookie that browsers would drop or mangle.
func validCookie(ck *http.Cookie) error {
	if err := (&http.Cookie{Name: ck.Name, Value: "v", Path: ck.Path, Domain: ck.Domain}).Valid(); err != nil {
		return fmt.Errorf("ginpaseto: WithCookies: cookie %q: %w", ck.Name, err)
	}
	if !strings.HasPrefix(ck.Path, "/") {
		return fmt.Errorf("ginpaseto: WithCookies: cookie %q: path %q must start with /", ck.Name, ck.Path)
	}
	lower := strings.ToLower(ck.Name)
	switch {
	case strings.HasPrefix(lower, "__host-"):
		if ck.Domain != "" || ck.Path != "/" {
			return fmt.Errorf("ginpaseto: WithCookies: cookie %q: browsers accept a __Host- cookie only without a Domain and on Path /; drop the Domain and path, or rename it with __Secure-", ck.Name)
		}
		if !ck.Secure {
			return fmt.Errorf("ginpaseto: WithCookies: cookie %q: a __Host- cookie must be Secure, which CookieConfig.Insecure drops; name it without the prefix for development over plain HTTP", ck.Name)
		}
	case strings.HasPrefix(lower, "__secure-"):
		if !ck.Secure {
			return fmt.Errorf("ginpaseto: WithCookies: cookie %q: a __Secure- cookie must be Secure, which CookieConfig.Insecure drops; name it without the prefix for development over plain HTTP", ck.Name)
		}
	}
	return nil
}

// cookieAuthKey marks, in the gin.Context, a request whose token came from
// a cookie.
type cookieAuthKey struct{}

// CookieAuthenticated reports whether the token of this request came from
// a cookie (InCookie), after a check found one.
func CookieAuthenticated(c *gin.Context) bool {
	_, ok := c.Get(cookieAuthKey{})
	return ok
}

// fromCookie returns an extractor reading a bare token from the cookie
// name. No cookie, or an empty one, is no token; several cookies of that
// name are malformed, since a sibling subdomain or an attacker on plain
// HTTP can add a second one to shadow the real one. A token found marks
// the request as cookie-authenticated, so that the CSRF checks apply
// whichever cookie it came from. In a WebSocket handshake from an origin
// the Authorizer does not trust, it reads no cookie at all: the check then
// refuses the origin, whatever the cookie.
func fromCookie(name string) extractor {
	bad := badCookieError(name)
	return func(c *gin.Context) (string, error) {
		if len(c.Request.Header["Cookie"]) == 0 {
			return "", nil
		}
		if _, crossOrigin := c.Get(crossOriginUpgradeKey{}); crossOrigin {
			return "", nil
		}
		found := c.Request.CookiesNamed(name)
		switch {
		case len(found) > 1:
			return "", bad
		case len(found) == 0 || found[0].Value == "":
			return "", nil
		}
		c.Set(cookieAuthKey{}, true)
		return found[0].Value, nil
	}
}

// badCookieError is the message for a token cookie given twice or holding
// something that cannot be a token.
func badCookieError(name string) *Error {
	return unauthorized(ErrTokenInvalid, "Bad "+name+" cookie. Expected one cookie holding '<PASETO>'")
}

// SetSessionCookies sends the tokens of pair as cookies, as WithCookies
// describes them: the access token in the access cookie, the refresh token
// in the refresh cookie (on the refresh path, and on the logout path too),
// both HttpOnly, and the pair's CSRF token in the readable CSRF cookie. Each cookie lives as long as its token (Max-Age);
// the CSRF cookie as long as the refresh token, which needs it too. The
// session handlers call it; call it from a login handler of your own after
// CreateTokenPair. It returns an error, having sent nothing, for a pair
// without a CSRF token, created by an Authorizer without WithCookies.
func (a *Authorizer) SetSessionCookies(c *gin.Context, pair *TokenPair) error {
	if pair == nil || pair.CSRFToken == "" {
		return errors.New("ginpaseto: SetSessionCookies: the pair has no CSRF token; create it with an Authorizer built with WithCookies")
	}
	a.warnPlainHTTPCookies(c.Request)
	now := a.cfg.now()
	a.setCookie(c, a.cookies.access, pair.AccessToken, pair.AccessExpires.Sub(now))
	a.setCookie(c, a.cookies.refresh, pair.RefreshToken, pair.RefreshExpires.Sub(now))
	if a.cookies.logout.Name != "" {
		a.setCookie(c, a.cookies.logout, pair.RefreshToken, pair.RefreshExpires.Sub(now))
	}
	a.setCookie(c, a.cookies.csrf, pair.CSRFToken, pair.RefreshExpires.Sub(now))
	return nil
}

// ClearSessionCookies tells the browser to delete the session cookies:
// access, refresh (on both its paths) and CSRF. Each deletion repeats
// every attribute the cookie was set with, since a browser only replaces a
// cookie of the same name, path and domain, and refuses a __Host- or
// SameSite=None one without Secure.
func (a *Authorizer) ClearSessionCookies(c *gin.Context) {
	for _, tmpl := range []http.Cookie{a.cookies.access, a.cookies.refresh, a.cookies.logout, a.cookies.csrf} {
		if tmpl.Name == "" {
			continue
		}
		tmpl.MaxAge = -1 // sent as Max-Age=0: delete now
		http.SetCookie(c.Writer, &tmpl)
	}
}

// sentSessionCookies reports whether the request carries any of the
// session cookies, which a logout then clears.
func (a *Authorizer) sentSessionCookies(r *http.Request) bool {
	if len(r.Header["Cookie"]) == 0 {
		return false
	}
	for _, ck := range r.Cookies() {
		if ck.Name == a.cookies.access.Name || ck.Name == a.cookies.refresh.Name || ck.Name == a.cookies.csrf.Name {
			return true
		}
	}
	return false
}

// setCookie sends tmpl with value, living for ttl rounded up to a whole
// second (at least one, so that a token about to expire is not sent as a
// deletion): exp has whole seconds, now does not.
func (a *Authorizer) setCookie(c *gin.Context, tmpl http.Cookie, value string, ttl time.Duration) {
	tmpl.Value = value
	tmpl.MaxAge = max(int((ttl+time.Second-1)/time.Second), 1)
	http.SetCookie(c.Writer, &tmpl)
}

// SessionCookies makes StartSession and RefreshHandler send the new pair
// as cookies (SetSessionCookies) instead of in the JSON body, which then
// holds only the expiry times, {"access_expires": ..., "refresh_expires":
// ...}, for the page to schedule its next refresh: a token in a body that
// the page's script reads is no longer out of reach of an injected script.
// RefreshHandler does so anyway when the refresh token came from a cookie,
// and LogoutHandler clears the cookies whenever the request carries them.
func SessionCookies() HandlerOption {
	return handlerOptionFunc(func(h *handlerConfig) { h.cookies = true })
}

// cookiePairBody is what a handler answers with the cookies of a pair.
type cookiePairBody struct {
	AccessExpires  time.Time `json:"access_expires"`
	RefreshExpires time.Time `json:"refresh_expires"`
}

// writeCookiePair sends pair as cookies and answers 200 with its expiry
// times.
func (a *Authorizer) writeCookiePair(c *gin.Context, pair *TokenPair) {
	if err := a.SetSessionCookies(c, pair); err != nil {
		a.Abort(c, err)
		return
	}
	c.JSON(http.StatusOK, cookiePairBody{pair.AccessExpires, pair.RefreshExpires})
}

// mustHaveCookies panics when a check reads InCookie on an Authorizer
// whose pairs carry no csrf claim, whose unsafe requests would all be
// refused.
func (a *Authorizer) mustHaveCookies(cc *checkConfig) {
	if a.cookies.enabled {
		return
	}
	if cc.readsCookie() {
		panic("ginpaseto: InCookie needs an Authorizer built with WithCookies (or listing InCookie in WithTokenLocations), whose token pairs carry the csrf claim")
	}
}

// CSRFCookieName returns the name of the readable CSRF cookie, for the
// page's script that copies its value into the CSRF header.
func (a *Authorizer) CSRFCookieName() string { return a.cookies.csrf.Name }

// CSRFHeaderName returns the name of the request header that must repeat
// the CSRF cookie's value on unsafe requests authenticated by a cookie,
// for the page's script that sends it: CookieConfig.CSRFHeader, by
// default "X-CSRF-Token".
func (a *Authorizer) CSRFHeaderName() string { return a.cookies.csrfHeaderName }
