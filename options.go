package ginpaseto

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/keyring"
)

// Option configures an Authorizer. Options are applied in order by New,
// which reports the first invalid one.
type Option interface {
	applyOption(*config) error
}

// optionFunc is an Option that is a function of the configuration.
type optionFunc func(*config) error

func (f optionFunc) applyOption(c *config) error { return f(c) }

// config is everything New reads; New validates it once and turns it into
// an Authorizer whose request path parses nothing.
type config struct {
	version          Version
	purpose          Purpose
	purposeSet       bool
	purposeBy        string // "PASETO_PURPOSE" when FromEnv set the purpose
	fromEnv          bool   // FromEnv was applied
	keyNames         string // what gave the keys, set by New for its messages (keyOrigins)
	secretKey        *keySource
	privateKey       *keySource
	publicKey        *keySource
	keys             []keyDesc // WithKeys; nil when not given
	keySet           *keySetConfig
	errorHandler     func(*gin.Context, *Error)
	accessLifetime   time.Duration
	refreshLifetime  time.Duration
	customLifetime   time.Duration            // types WithLifetime does not name
	customLifetimes  map[string]time.Duration // WithLifetime, by custom type
	leeway           time.Duration
	issuer           string
	expectedIssuer   string
	expectedAudience string
	maxTokenSize     int
	check            checkConfig   // the defaults of every check: check options given to New
	tokenDefaults    []TokenOption // shared options given to New, applied first to every created token
	store            Store
	denylist         Denylist
	revocableTypes   []string
	cookies          *CookieConfig // WithCookies; nil: the defaults
	now              func() time.Time
	cacheSize        int // WithVerifiedTokenCache; 0 for none
	refreshGrace     time.Duration
	sessionLifetime  time.Duration
	observers        []Observer
	creationOnly     []string // the options given that only shape created tokens and sessions
}

// keySource is a key as given, parsed in New once the version is known.
type keySource struct {
	value  hidden[string]
	path   string // a file to read value from in New: keyring's File keys, FromEnv's _FILE variables
	origin string // the environment variable it came from, if FromEnv read it
	// atRest is set when the key is stored encrypted (keysatrest.go).
	atRest *atRest
	// fastAPI marks WithFastAPIPasetoKey's text, used as raw key bytes.
	fastAPI bool
}

// Defaults. They are documented on the options that change them.
const (
	defaultAccessLifetime  = 15 * time.Minute
	defaultRefreshLifetime = 30 * 24 * time.Hour
	defaultCustomLifetime  = 30 * 24 * time.Hour
	defaultMaxTokenSize    = 8 << 10
	defaultMaxBodySize     = 64 << 10
	defaultHeaderName      = "Authorization"
	defaultHeaderPrefix    = "Bearer"
	defaultJSONAccessKey   = "access_token"
	defaultJSONRefreshKey  = "refresh_token"
	defaultQueryParam      = "token"
)

func defaultConfig() config {
	return config{
		version:         V4,
		purpose:         Local,
		errorHandler:    DefaultErrorHandler,
		accessLifetime:  defaultAccessLifetime,
		refreshLifetime: defaultRefreshLifetime,
		customLifetime:  defaultCustomLifetime,
		maxTokenSize:    defaultMaxTokenSize,
		check: checkConfig{
			locations:    []Location{InHeader},
			headerName:   defaultHeaderName,
			headerPrefix: defaultHeaderPrefix,
		},
		revocableTypes:  []string{TypeAccess, TypeRefresh},
		now:             time.Now,
		refreshGrace:    defaultRefreshGrace,
		sessionLifetime: defaultSessionLifetime,
	}
}

// WithSecretKey sets the shared key for local (encrypted) tokens: 32 random
// bytes given as 64 hex characters, standard or URL-safe base64, or a PASERK
// "k4.local." key. Generate one with `openssl rand -hex 32`. A value that
// is not random bytes makes New fail: "secret", a placeholder such as 64
// zeros, or text, be it encoded (the hex of a passphrase) or base64 that
// reads as words (docs/configuration.md says how that is judged).
func WithSecretKey(key string) Option {
	return optionFunc(func(c *config) error { c.secretKey = &keySource{value: hide(key)}; return nil })
}

// WithPrivateKey sets the signing key for public tokens: an Ed25519 key as
// PKCS#8 PEM, hex (64-byte key or 32-byte seed) or PASERK "k4.secret.".
// Its public half verifies tokens too, so WithPublicKey is then optional.
func WithPrivateKey(key string) Option {
	return optionFunc(func(c *config) error { c.privateKey = &keySource{value: hide(key)}; return nil })
}

// WithPublicKey sets the verification key for public tokens: an Ed25519
// key as PKIX PEM, 64 hex characters or PASERK "k4.public.". With a public
// key alone the Authorizer verifies tokens but cannot create them, and New
// refuses the options that only shape the tokens and sessions it would
// create: WithCookies (unless WithTokenLocations lists InCookie, to read
// the cookies another service sets), WithRefreshGrace, WithSessionLifetime
// and WithIssuer.
func WithPublicKey(key string) Option {
	return optionFunc(func(c *config) error { c.publicKey = &keySource{value: hide(key)}; return nil })
}

// WithKeys gives the Authorizer its keys as keyring.Key values: keys
// read from files (keyring.SecretKeyFile), keys stored encrypted
// (keyring.SecretKeyFile(path).Wrapped(wrappingKeyPath)), several keys per
// purpose for rotation (keyring.SecretKey(old).Retired()), and
// fastapi-paseto text keys being retired. Of each purpose, at most one key
// is active: it creates tokens that name it in their footer (claim kid,
// its PASERK ID); every key verifies the tokens that name it, and a key
// marked AcceptWithoutKID also those that name none. Keys are read and
// parsed by New, for the version of WithVersion, whatever the order of the
// options; a bad key makes New fail, saying which key and how to fix it.
// Several WithKeys add up. Rotate keys in a running process with
// Authorizer.SetKeys.
//
// WithKeys is the other way to give keys than the single-key options,
// WithSecretKey, WithPrivateKey, WithPublicKey and WithFastAPIPasetoKey
// (and FromEnv's key variables), which give one plain key each:
// WithSecretKey(k) is WithKeys(keyring.SecretKey(k).AcceptWithoutKID()).
// Giving keys both ways, or with WithKeySet too, makes New fail.
func WithKeys(keys ...keyring.Key) Option {
	return optionFunc(func(c *config) error {
		descs, err := keyDescs("WithKeys", keys)
		if err != nil {
			return err
		}
		if len(descs) == 0 {
			return errors.New("ginpaseto: WithKeys: no key; give at least one, such as keyring.SecretKey(key)")
		}
		c.keys = append(c.keys, descs...)
		return nil
	})
}

// WithVersion selects the PASETO version of the Authorizer's keys and
// tokens. Default V4; legacy.V3 and legacy.V2 exist for interoperability
// with systems that use them. Tokens of any other version are rejected
// before any cryptography runs.
func WithVersion(v Version) Option {
	return optionFunc(func(c *config) error {
		if !v.valid() {
			return fmt.Errorf("ginpaseto: WithVersion: unknown version %d; use ginpaseto.V4 (or legacy.V3, legacy.V2)", int(v))
		}
		c.version = v
		return nil
	})
}

// WithPurpose sets the purpose of created tokens: Local, which needs
// WithSecretKey, or Public, which needs WithPrivateKey to create tokens
// (WithPublicKey alone only verifies them). Default Local, or Public when
// no secret key is given. AsPurpose overrides it for one token.
func WithPurpose(p Purpose) Option {
	return optionFunc(func(c *config) error {
		if !p.valid() {
			return fmt.Errorf("ginpaseto: WithPurpose: unknown purpose %q; use ginpaseto.Local or ginpaseto.Public", string(p))
		}
		c.purpose, c.purposeSet, c.purposeBy = p, true, ""
		return nil
	})
}

// WithErrorHandler replaces DefaultErrorHandler. The handler writes the
// response for a failed check; if it does not abort the context, the
// middleware aborts it anyway so a failed check never reaches the route.
func WithErrorHandler(h func(c *gin.Context, err *Error)) Option {
	return optionFunc(func(c *config) error {
		if h == nil {
			return errors.New("ginpaseto: WithErrorHandler: handler is nil; omit the option to keep DefaultErrorHandler")
		}
		c.errorHandler = h
		return nil
	})
}

// lifetimeOption sets the lifetime field picks out, which must be positive.
func lifetimeOption(name string, d time.Duration, field func(*config) *time.Duration) Option {
	return optionFunc(func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("ginpaseto: %s: lifetime must be positive, got %v; for a token that never expires, pass the NoExpiry() token option when creating it", name, d)
		}
		*field(c) = d
		return nil
	})
}

// WithLifetime sets how long the tokens of tokenType live; d must be
// positive. Defaults: 15 minutes for TypeAccess, 30 days for TypeRefresh
// (a session's idle timeout: see WithSessionLifetime for its absolute
// end), and 30 days for each custom type (CreateToken's tokenType), which
// PASETO_CUSTOM_LIFETIME changes for every custom type WithLifetime does
// not name. Give it once per type; a later one for the same type wins.
// The ExpiresIn and ExpiresAt token options override it for one token.
func WithLifetime(tokenType string, d time.Duration) Option {
	switch tokenType {
	case TypeAccess:
		return lifetimeOption("WithLifetime(TypeAccess)", d, func(c *config) *time.Duration { return &c.accessLifetime })
	case TypeRefresh:
		return lifetimeOption("WithLifetime(TypeRefresh)", d, func(c *config) *time.Duration { return &c.refreshLifetime })
	case "":
		return optionFunc(func(*config) error {
			return errors.New("ginpaseto: WithLifetime: the token type is empty; use TypeAccess, TypeRefresh or the custom type given to CreateToken")
		})
	}
	return optionFunc(func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("ginpaseto: WithLifetime(%q): lifetime must be positive, got %v; for a token that never expires, pass the NoExpiry() token option when creating it", tokenType, d)
		}
		if c.customLifetimes == nil {
			c.customLifetimes = make(map[string]time.Duration)
		}
		c.customLifetimes[tokenType] = d
		return nil
	})
}

// defaultRefreshGrace and defaultSessionLifetime are documented on
// WithRefreshGrace and WithSessionLifetime.
const (
	defaultRefreshGrace    = 30 * time.Second
	defaultSessionLifetime = 30 * 24 * time.Hour
)

// maxRefreshGrace bounds WithRefreshGrace: a grace is for requests in
// flight, and a longer one would let a stolen refresh token go unnoticed
// for longer.
const maxRefreshGrace = 5 * time.Minute

// WithRefreshGrace sets how long after a rotation the refresh token that
// the rotation consumed may be presented again without counting as a
// reuse. Browser tabs sharing one cookie jar refresh at the same moment,
// and a mobile client retries a refresh whose response it lost: within the
// grace, such a replay answers with a pair that works in the same session,
// whose refresh token is the one the first rotation issued, so the session
// still moves forward once. After the grace, or with any older refresh
// token, it is a reuse: the session ends (ErrRefreshTokenReused).
//
// Default 30 seconds: long enough for a slow mobile network's retry, short
// enough that a thief's replay of a consumed token is soon a reuse. A
// thief who replays within the grace gets tokens of the session, as the
// victim does; the next rotation by either turns the other's refresh token
// into a reuse once the grace has passed, which ends the session for both.
// 0 is strict rotation: every second use is a reuse. At most 5 minutes.
func WithRefreshGrace(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		if d < 0 || d > maxRefreshGrace {
			return fmt.Errorf("ginpaseto: WithRefreshGrace: %v is out of range; use 0 (strict rotation) to %v (default %v)", d, maxRefreshGrace, defaultRefreshGrace)
		}
		c.refreshGrace = d
		c.createsWith("WithRefreshGrace")
		return nil
	})
}

// WithSessionLifetime sets the absolute lifetime of a session: it ends d
// after CreateTokenPair started it, however often its refresh token is
// rotated, and no token of it expires later. The refresh lifetime
// (WithLifetime(TypeRefresh, d)) is the idle timeout: a session whose client stops
// refreshing ends when its refresh token expires. Default 30 days, the
// longest interval between re-authentications that common verification
// standards allow for a "remember me" login; shorten it for sensitive
// applications.
func WithSessionLifetime(d time.Duration) Option {
	return sessionLifetimeOption("WithSessionLifetime", d)
}

// sessionLifetimeOption is WithSessionLifetime, named name.
func sessionLifetimeOption(name string, d time.Duration) Option {
	set := lifetimeOption(name, d, func(c *config) *time.Duration { return &c.sessionLifetime })
	return optionFunc(func(c *config) error {
		if err := set.applyOption(c); err != nil {
			return err
		}
		c.createsWith(name)
		return nil
	})
}

// WithLeeway allows for clock skew between the servers that create and
// check tokens: exp, nbf and iat are checked with this much tolerance.
// Default 0; keep it to seconds. At most 5 minutes: a longer leeway would
// keep expired and revoked tokens working long after their time.
func WithLeeway(d time.Duration) Option {
	return optionFunc(func(c *config) error {
		if err := checkLeeway(d); err != nil {
			return fmt.Errorf("ginpaseto: WithLeeway: %w", err)
		}
		c.leeway = d
		return nil
	})
}

// maxLeeway is the longest leeway WithLeeway and PASETO_LEEWAY accept.
// Clock skew between servers kept in time by NTP is far below a second;
// minutes of skew are a clock to fix, not to tolerate.
const maxLeeway = 5 * time.Minute

// checkLeeway refuses a negative leeway or one above maxLeeway.
func checkLeeway(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("the leeway must not be negative, got %v", d)
	}
	if d > maxLeeway {
		return fmt.Errorf("the leeway is at most %v, got %v: it allows for clock skew, and a longer one keeps expired tokens working", maxLeeway, d)
	}
	return nil
}

// WithIssuer stamps iss on every token the Authorizer creates, access
// tokens and the others alike, so that WithExpectedIssuer accepts the
// Authorizer's own refresh and custom tokens too. The Issuer token option
// overrides it for one token. Default: none.
func WithIssuer(iss string) Option {
	return optionFunc(func(c *config) error { c.issuer = iss; c.createsWith("WithIssuer"); return nil })
}

// WithExpectedIssuer makes every check, and ParseToken, require the
// token's iss claim to equal iss. Default: the issuer is not checked.
func WithExpectedIssuer(iss string) Option {
	return optionFunc(func(c *config) error {
		if strings.TrimSpace(iss) == "" {
			return errors.New("ginpaseto: WithExpectedIssuer: issuer is empty or blank; omit the option to accept any issuer")
		}
		c.expectedIssuer = iss
		return nil
	})
}

// WithExpectedAudience makes every check, and ParseToken, require the
// token's aud claim to contain aud. Default: the audience is not checked.
func WithExpectedAudience(aud string) Option {
	return optionFunc(func(c *config) error {
		if strings.TrimSpace(aud) == "" {
			return errors.New("ginpaseto: WithExpectedAudience: audience is empty or blank; omit the option to accept any audience")
		}
		c.expectedAudience = aud
		return nil
	})
}

// WithMaxTokenSize sets the largest token, in bytes, that a check will look
// at; larger ones are rejected before any decoding. At least 64; default
// 8 KiB.
func WithMaxTokenSize(n int) Option {
	return optionFunc(func(c *config) error {
		if n < 64 {
			return fmt.Errorf("ginpaseto: WithMaxTokenSize: %d bytes cannot hold a PASETO token; use at least 64 (default %d)", n, defaultMaxTokenSize)
		}
		c.maxTokenSize = n
		return nil
	})
}

// WithStore sets the Store that records sessions and revocations: the one
// checks consult, and CreateTokenPair, RotateRefreshToken and the Revoke
// methods write to. Default: a MemoryStore with its default bounds, which
// suits a single process; when several processes serve the same tokens,
// give them one shared store, such as the redisstore module's.
func WithStore(s Store) Option {
	return optionFunc(func(c *config) error {
		if isNil(s) {
			// A nil pointer would pass here and panic on every request.
			return errors.New("ginpaseto: WithStore: store is nil; omit the option to keep the in-memory store")
		}
		c.store = s
		return nil
	})
}

// WithDenylist adds a read-only check to the store's: a Denylist consulted
// after the Store, for the same token types, such as a look-up of disabled
// accounts. Revocations are still recorded in the Store. Default: none.
func WithDenylist(d Denylist) Option {
	return optionFunc(func(c *config) error {
		if isNil(d) {
			return errors.New("ginpaseto: WithDenylist: denylist is nil; omit the option to use the store alone")
		}
		c.denylist = d
		return nil
	})
}

// isNil reports whether v is nil or a nil pointer in an interface.
func isNil(v any) bool {
	r := reflect.ValueOf(v)
	return v == nil || r.Kind() == reflect.Pointer && r.IsNil()
}

// WithRevocableTypes sets the token types that checks look up in the
// store (and the denylist, if any): revoked tokens, ended sessions and
// revoked subjects of these types are refused. Default "access" and
// "refresh", which sessions need; list a custom type to make its tokens
// revocable, such as a single-use invitation. No arguments turns revocation
// checks off. Revoke refuses tokens of the types not listed.
func WithRevocableTypes(types ...string) Option {
	return optionFunc(func(c *config) error {
		if slices.Contains(types, "") {
			return errors.New("ginpaseto: WithRevocableTypes: token types must not be empty")
		}
		c.revocableTypes = slices.Clone(types)
		return nil
	})
}

// WithClock sets the source of the current time for creating and checking
// tokens. Default time.Now; tests use it to move time.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *config) error {
		if now == nil {
			return errors.New("ginpaseto: WithClock: clock is nil")
		}
		c.now = now
		return nil
	})
}

func validHeader(option, name, prefix string) error {
	// A header name is an RFC 9110 token, and so is an authentication
	// scheme: a name or prefix with any other character never matches
	// what a client sends, so every request would go unauthenticated.
	if !isToken(name) {
		return fmt.Errorf("ginpaseto: %s: %q is not a valid header name: use letters, digits and !#$%%&'*+-.^_`|~ only, such as \"Authorization\"", option, name)
	}
	if prefix != "" && !isToken(prefix) {
		return fmt.Errorf("ginpaseto: %s: prefix %q must be a single word such as \"Bearer\" (letters, digits and !#$%%&'*+-.^_`|~ only, no spaces or commas), or empty for bare tokens", option, prefix)
	}
	return nil
}

// isToken reports whether s is an RFC 9110 token (section 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
