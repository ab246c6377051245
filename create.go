package ginpaseto

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

type tokenOptionFunc func(*tokenConfig)

func (f tokenOptionFunc) applyToken(t *tokenConfig) { f(t) }

// tokenConfig is what token options can set for one token.
type tokenConfig struct {
	lifetime  time.Duration
	expiresAt time.Time
	noExpiry  bool
	fresh     bool
	audience  []string
	issuer    *string
	extra     map[string]any
	footer    any
	implicit  []byte
	purpose   Purpose
	base64    bool
	scope     string // space-separated, validated by Scopes
	csrf      string // the csrf claim of a pair's tokens (WithCookies)

	// Set for the tokens of a session: the jti to use instead of a new
	// one, when the token was issued (zero: now), and the latest expiry
	// the token may have (zero: none).
	jti      string
	issued   time.Time
	notAfter time.Time
	err      error // the first invalid option, reported by Create*

	// SessionMetadata: what the session a pair starts records; never a
	// claim.
	metadata    map[string]string
	metadataSet bool

	// For token pairs: whether a lifetime option was given, and the
	// options of one token of the pair.
	lifetimeSet bool
	pairOnly    bool // ForToken was given
	forAccess   []TokenOption
	forRefresh  []TokenOption
}

// expiry returns the exp of a token of this configuration issued at now
// (whole seconds), zero for none.
func (t *tokenConfig) expiry(now time.Time) time.Time {
	var exp time.Time
	switch {
	case t.noExpiry:
	case !t.expiresAt.IsZero():
		exp = t.expiresAt.UTC().Truncate(time.Second)
	default:
		exp = now.Add(t.lifetime)
	}
	if !t.notAfter.IsZero() && (exp.IsZero() || exp.After(t.notAfter)) {
		exp = t.notAfter.UTC().Truncate(time.Second)
	}
	return exp
}

func (t *tokenConfig) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// Fresh marks an access token as fresh: created from a login with
// credentials rather than from a refresh token. FreshRequired accepts only
// fresh tokens. Only access tokens can be fresh; on other types the
// Create methods report an error.
func Fresh() TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) { t.fresh = true })
}

// ExpiresIn sets the token's lifetime, which must be positive, instead of
// the Authorizer's default for its type.
func ExpiresIn(d time.Duration) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) {
		if d <= 0 {
			t.fail(fmt.Errorf("ginpaseto: ExpiresIn: lifetime must be positive, got %v; use NoExpiry for a token that never expires", d))
			return
		}
		t.lifetime, t.expiresAt, t.noExpiry, t.lifetimeSet = d, time.Time{}, false, true
	})
}

// ExpiresAt sets the token's absolute expiry time.
func ExpiresAt(at time.Time) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) {
		if at.IsZero() {
			t.fail(errors.New("ginpaseto: ExpiresAt: time is zero; use NoExpiry for a token that never expires"))
			return
		}
		t.expiresAt, t.noExpiry, t.lifetimeSet = at, false, true
	})
}

// NoExpiry creates a token without exp, valid until it is revoked or the
// key changes. Use it only where that is the intent, such as long-lived
// machine credentials kept in a denylist-checked type.
func NoExpiry() TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) { t.noExpiry, t.expiresAt, t.lifetimeSet = true, time.Time{}, true })
}

// Audience sets aud: a string for one audience, an array for several.
func Audience(aud ...string) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) {
		for _, a := range aud {
			if a == "" {
				t.fail(errors.New("ginpaseto: Audience: audiences must not be empty"))
				return
			}
		}
		t.audience = aud
	})
}

// Issuer sets iss on this token, overriding WithIssuer.
func Issuer(iss string) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) { t.issuer = &iss })
}

// ExtraClaims adds claims to the payload, after the registered ones, in key
// order. Each value must encode to JSON; the registered names (sub, type,
// fresh, jti, sid, csrf, iat, nbf, exp, iss, aud, scope, in any letter case) are
// refused (use Scopes for scope), and so are two names that differ only in
// letter case ("role" and "Role", or "is_admin" and "iſ_admin", whose long
// s folds to s), which JSON decoding would not tell apart. The payload is
// encrypted in local tokens
// but only signed, readable by anyone, in public tokens.
func ExtraClaims(claims map[string]any) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) {
		if t.extra == nil {
			t.extra = make(map[string]any, len(claims))
		}
		for k, v := range claims {
			t.extra[k] = v
		}
	})
}

// Footer sets the token footer: a value that encodes to a JSON object, to
// which ginpaseto adds first the claim kid naming the key, or a string,
// which cannot carry a kid and is refused unless the key creating the
// token accepts tokens without one (as the single-key options' key does).
// A JSON footer with a kid of the application's own, such as
// fastapi-paseto's {"kid": "k4.lid.primary"}, is kept as given on the same
// condition: that key verifies it, as any token whose kid names none of
// the Authorizer's keys.
// The footer is authenticated but never encrypted, so it must not hold
// secrets; it suits routing data.
func Footer(footer any) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) { t.footer = footer })
}

// AsPurpose creates this token with purpose p instead of the Authorizer's
// WithPurpose; the Authorizer needs the key for it.
func AsPurpose(p Purpose) TokenOption {
	return tokenOptionFunc(func(t *tokenConfig) {
		if !p.valid() {
			t.fail(fmt.Errorf("ginpaseto: AsPurpose: unknown purpose %q; use ginpaseto.Local or ginpaseto.Public", string(p)))
			return
		}
		t.purpose = p
	})
}

// CreateAccessToken creates an access token for subject, valid for the
// access lifetime (WithLifetime(TypeAccess, d); 15 minutes by default).
func (a *Authorizer) CreateAccessToken(ctx context.Context, subject string, opts ...TokenOption) (string, error) {
	return a.CreateToken(ctx, subject, TypeAccess, opts...)
}

// CreateRefreshToken creates a refresh token for subject, valid for the
// refresh lifetime (WithLifetime(TypeRefresh, d); 30 days by default).
func (a *Authorizer) CreateRefreshToken(ctx context.Context, subject string, opts ...TokenOption) (string, error) {
	return a.CreateToken(ctx, subject, TypeRefresh, opts...)
}

// CreateToken creates a token of any type for subject; neither may be
// empty. Types other than access and refresh live for their lifetime
// (WithLifetime(tokenType, d); 30 days by default) and are required with
// TypeRequired. ctx may be the
// *gin.Context; a done context stops the creation.
func (a *Authorizer) CreateToken(ctx context.Context, subject, tokenType string, opts ...TokenOption) (string, error) {
	t, err := a.tokenConfig(ctx, subject, tokenType, opts)
	if err != nil {
		return "", err
	}
	m, err := a.mint(subject, tokenType, "", t)
	if err != nil {
		return "", err
	}
	return m.token, nil
}

// tokenConfig checks the arguments of a Create method and applies its
// options.
func (a *Authorizer) tokenConfig(ctx context.Context, subject, tokenType string, opts []TokenOption) (*tokenConfig, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if subject == "" {
		return nil, errors.New("ginpaseto: subject must not be empty: Subject returns \"\" for anonymous requests")
	}
	if tokenType == "" {
		return nil, errors.New("ginpaseto: token type must not be empty")
	}
	if !utf8.ValidString(subject) || !utf8.ValidString(tokenType) {
		return nil, errors.New("ginpaseto: subject and token type must be valid UTF-8")
	}
	t := &tokenConfig{purpose: a.cfg.purpose, lifetime: a.lifetime(tokenType)}
	if len(a.cfg.tokenDefaults) > 0 {
		opts = slices.Concat(a.cfg.tokenDefaults, opts) // Base64, ImplicitAssertion given to New
	}
	if err := t.apply(opts); err != nil {
		return nil, err
	}
	if t.fresh && tokenType != TypeAccess {
		return nil, errors.New("ginpaseto: Fresh applies to access tokens only")
	}
	if t.pairOnly {
		return nil, errors.New("ginpaseto: ForToken applies to token pairs only; pass its options directly")
	}
	if t.metadataSet {
		return nil, errors.New("ginpaseto: SessionMetadata applies to the start of a session only (CreateTokenPair, StartSession)")
	}
	return t, nil
}

// apply applies opts in order and reports the first invalid one.
func (t *tokenConfig) apply(opts []TokenOption) error {
	for _, o := range opts {
		if o == nil {
			return errors.New("ginpaseto: nil TokenOption")
		}
		o.applyToken(t)
	}
	return t.err
}

// minted is a created token and what the store needs to know of it.
type minted struct {
	token   string
	jti     string
	expires time.Time // zero: no expiry
}

// mint creates a token of a checked configuration, in session sid when
// sid is not empty.
func (a *Authorizer) mint(subject, tokenType, sid string, t *tokenConfig) (minted, error) {
	ring := a.keys.Load() // one keyring for the whole token, whatever SetKeys does meanwhile
	var key *ringKey
	if ring != nil {
		key = ring.active[t.purpose]
	}
	if key == nil {
		return minted{}, a.noSealerError(ring, t.purpose)
	}
	jti := t.jti
	if jti == "" {
		var err error
		if jti, err = newJTI(); err != nil {
			return minted{}, fmt.Errorf("ginpaseto: generating jti: %w", err)
		}
	}
	m := minted{jti: jti}
	payload, err := a.payload(subject, tokenType, sid, &m, t)
	if err != nil {
		return minted{}, err
	}
	footer, err := footerFor(ring.headers[key.header], key, t.footer)
	if err != nil {
		return minted{}, err
	}
	tok, err := key.sealer.seal(payload, footer, t.implicit)
	if err != nil {
		return minted{}, fmt.Errorf("ginpaseto: creating token: %w", err)
	}
	if len(tok) > a.cfg.maxTokenSize {
		// Checks refuse it unread; better to say so now than at every request.
		return minted{}, fmt.Errorf("ginpaseto: the token would be %d bytes, over the %d that checks accept; put less in its claims or footer, or raise WithMaxTokenSize", len(tok), a.cfg.maxTokenSize)
	}
	if t.base64 {
		tok = base64.StdEncoding.EncodeToString([]byte(tok))
	}
	m.token = tok
	return m, nil
}

func (a *Authorizer) lifetime(tokenType string) time.Duration {
	switch tokenType {
	case TypeAccess:
		return a.cfg.accessLifetime
	case TypeRefresh:
		return a.cfg.refreshLifetime
	}
	if d, ok := a.cfg.customLifetimes[tokenType]; ok {
		return d
	}
	return a.cfg.customLifetime
}

// payload writes the claims in the registered order, with m's jti, and
// records the expiry in m.
func (a *Authorizer) payload(subject, tokenType, sid string, m *minted, t *tokenConfig) ([]byte, error) {
	var keys []string
	var values [][]byte
	if len(t.extra) > 0 {
		var err error
		if keys, values, err = marshalExtraClaims(t.extra); err != nil {
			return nil, err
		}
	}
	now := t.issued
	if now.IsZero() {
		now = a.cfg.now()
	}
	now = now.Truncate(time.Second)
	b := claimsBuilder{buf: make([]byte, 0, 256)}
	b.str("sub", subject)
	b.str("type", tokenType)
	if tokenType == TypeAccess {
		b.boolean("fresh", t.fresh)
	}
	b.str("jti", m.jti)
	b.time("iat", now)
	b.time("nbf", now)
	m.expires = t.expiry(now)
	if !m.expires.IsZero() {
		b.time("exp", m.expires)
	}
	iss := a.cfg.issuer
	if t.issuer != nil {
		iss = *t.issuer
	}
	if iss != "" {
		b.str("iss", iss)
	}
	switch len(t.audience) {
	case 0:
	case 1:
		b.str("aud", t.audience[0])
	default:
		list, _ := json.Marshal(t.audience) // strings always encode
		b.raw("aud", list)
	}
	if t.scope != "" {
		b.str("scope", t.scope)
	}
	if sid != "" {
		b.str("sid", sid)
	}
	if t.csrf != "" {
		b.str("csrf", t.csrf)
	}
	for i, k := range keys {
		b.raw(k, values[i])
	}
	return b.bytes(), nil
}

// newJTI returns a random UUID version 4.
func newJTI() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], u[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], u[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], u[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], u[8:10])
	out[23] = '-'
	hex.Encode(out[24:], u[10:])
	return string(out[:]), nil
}

// noSealerError says why ring has no key to create tokens of purpose p.
func (a *Authorizer) noSealerError(ring *Keyring, p Purpose) error {
	v := a.cfg.version
	verifyOnly := ""
	switch {
	case a.keySet != nil:
		verifyOnly = "this Authorizer verifies tokens with the keys of its key set (WithKeySet) and cannot create them"
	case ring != nil && !ring.listed && ring.headers[ring.header(Public)] != nil && ring.active[Public] == nil:
		verifyOnly = fmt.Sprintf("this Authorizer was built with WithPublicKey alone and only verifies tokens; add WithPrivateKey to create %s.public tokens", v)
	}
	if p == Public {
		if verifyOnly != "" {
			return fmt.Errorf("ginpaseto: cannot create %s.public tokens: %s", v, verifyOnly)
		}
		if ring != nil && ring.headers[ring.header(Public)] != nil {
			return fmt.Errorf("ginpaseto: cannot create %s.public tokens: the keyring has no active private key, only keys that verify; add an active keyring.PrivateKey", v)
		}
		return fmt.Errorf("ginpaseto: cannot create %s.public tokens without a signing key; add WithPrivateKey", v)
	}
	if verifyOnly != "" {
		return fmt.Errorf("ginpaseto: cannot create %s.local tokens: %s; add WithSecretKey for local tokens", v, verifyOnly)
	}
	if ring != nil && ring.headers[ring.header(Local)] != nil {
		return fmt.Errorf("ginpaseto: cannot create %s.local tokens: the keyring's secret keys are all retired; add an active keyring.SecretKey", v)
	}
	return fmt.Errorf("ginpaseto: cannot create %s.local tokens without a secret key; add WithSecretKey, or create public tokens with WithPurpose(ginpaseto.Public)", v)
}
