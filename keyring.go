package ginpaseto

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ginpaseto/ginpaseto/internal/keyspec"
	"github.com/ginpaseto/ginpaseto/internal/paserk"
	"github.com/ginpaseto/ginpaseto/keyring"
	"github.com/ginpaseto/ginpaseto/observe"
)

// A Keyring is the set of keys an Authorizer creates and checks tokens
// with: for each purpose at most one active key, which creates tokens, and
// any number of retired keys, which only verify them. Every token created
// names its key in the footer claim kid, the key's PASERK ID (k4.lid.… for
// local keys, k4.pid.… for public keys), and is verified with that key
// alone.
//
// The keys are given as keyring.Key values to WithKeys, or by the
// single-key options, and Authorizer.Keys returns the Keyring in use. A
// Keyring is immutable and safe to share; Authorizer.SetKeys rotates keys
// by building a new one. Printing a Keyring, with fmt, slog or
// encoding/json, shows its key IDs, never key material.
type Keyring struct {
	version Version
	listed  bool                   // built from keyring.Key values, not the single-key options
	keys    []*ringKey             // in the order given
	headers map[string]*headerKeys // by token header, such as "v4.local."
	active  map[Purpose]*ringKey   // the keys that create tokens
}

// headerKeys are the keys of a Keyring that open one kind of token.
type headerKeys struct {
	kidPrefix string              // "k4.lid." for v4.local tokens
	byKID     map[string]*ringKey // every key, by its ID
	noKID     *ringKey            // the key for tokens that name none, if any
}

// ringKey is one parsed key.
type ringKey struct {
	kid         string
	header      string
	purpose     Purpose
	active      bool
	acceptNoKID bool
	sealer      sealer                   // nil unless the key can create tokens
	opener      opener                   // every key verifies
	public      hidden[crypto.PublicKey] // the public key of a public-purpose key
}

// keyKind is the kind of key a keyDesc describes.
type keyKind int

const (
	kindSecret keyKind = iota + 1
	kindPrivate
	kindPublic
)

func (k keyKind) option() string {
	switch k {
	case kindSecret:
		return optSecretKey
	case kindPrivate:
		return optPrivateKey
	}
	return optPublicKey
}

// keyDesc is one key as WithKeys or SetKeys received it, as a keyring.Key:
// its kind, where it comes from, and its role. newKeyring parses it.
type keyDesc struct {
	kind        keyKind
	src         keySource
	retired     bool
	acceptNoKID bool
	name        string // how the key was built, without key material
}

// keyDescs reads the descriptions out of keys, refusing the zero Key and
// keys built in a way that cannot work. where is the option or method the
// keys were given to, for messages.
func keyDescs(where string, keys []keyring.Key) ([]keyDesc, error) {
	descs := make([]keyDesc, len(keys))
	for i, k := range keys {
		spec, _ := keyspec.Of(k)
		if spec.Kind == 0 {
			return nil, fmt.Errorf("ginpaseto: %s: key %d is the zero keyring.Key; build keys with keyring.SecretKey, PrivateKey, PublicKey or their File variants", where, i+1)
		}
		if spec.Misuse != "" {
			return nil, fmt.Errorf("ginpaseto: %s: key %d, %s: %s", where, i+1, spec.Describe, spec.Misuse)
		}
		d := keyDesc{retired: spec.Retired, acceptNoKID: spec.AcceptWithoutKID, name: spec.Describe}
		switch spec.Kind {
		case keyspec.Secret:
			d.kind = kindSecret
		case keyspec.Private:
			d.kind = kindPrivate
		default:
			d.kind = kindPublic
		}
		d.src = specSource(spec.Key)
		d.src.fastAPI = spec.FastAPI
		if spec.AtRest != keyspec.Plain {
			plain := paserk.Local
			if d.kind == kindPrivate {
				plain = paserk.Secret
			}
			method := wrapped
			switch spec.AtRest {
			case keyspec.PasswordProtected:
				method = passwordProtected
			case keyspec.Sealed:
				method = sealed
			}
			d.src.atRest = &atRest{method: method, plain: plain, secret: specSource(spec.Secret)}
		}
		descs[i] = d
	}
	return descs, nil
}

// specSource turns a keyspec.Source into a keySource. The text stays in
// the closure keyring made.
func specSource(s keyspec.Source) keySource {
	if s.Path != "" || s.Text == nil {
		return keySource{path: s.Path}
	}
	return keySource{value: hidden[string]{key: s.Text}}
}

// newKeyring parses keys, all of PASETO version v, into a Keyring. It
// refuses, with an error saying how to fix it, a key that does not parse,
// two active keys of one purpose, a key given twice, and two keys of one
// purpose that accept tokens without a kid. Keys are read from their files
// here. where names the option or method the keys were given to.
func newKeyring(v Version, where string, keys []keyDesc) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("ginpaseto: %s: no key; give at least one, such as keyring.SecretKey(key)", where)
	}
	r := newRing(v)
	r.listed = true
	for i, k := range keys {
		if err := r.addDesc(k); err != nil {
			return nil, labelKeyError(fmt.Sprintf("%s: key %d, %s", where, i+1, k.name), err)
		}
	}
	return r, nil
}

func newRing(v Version) *Keyring {
	return &Keyring{version: v, headers: map[string]*headerKeys{}, active: map[Purpose]*ringKey{}}
}

// addDesc parses k and adds it.
func (r *Keyring) addDesc(k keyDesc) error {
	raw, err := k.src.load(k.kind.option())
	if err != nil {
		return err
	}
	switch k.kind {
	case kindSecret:
		key, err := k.src.symmetricKey(r.version, raw)
		if err != nil {
			return err
		}
		return r.addLocal(key, !k.retired, k.acceptNoKID)
	case kindPrivate:
		signer, err := parseSigningKey(r.version, raw)
		if err != nil {
			return err
		}
		return r.addSigner(signer, !k.retired, k.acceptNoKID)
	default:
		public, err := parsePublicKey(r.version, raw)
		if err != nil {
			return err
		}
		return r.addVerifier(public, k.acceptNoKID)
	}
}

func (r *Keyring) addLocal(key []byte, active, acceptNoKID bool) error {
	rk := &ringKey{
		kid:         localKeyID(r.version, key),
		header:      r.header(Local),
		purpose:     Local,
		active:      active,
		acceptNoKID: acceptNoKID,
	}
	if r.version == V4 {
		l := newV4Local(key)
		rk.sealer, rk.opener = l, l
	} else if r.version == versionV3 && len(key) != symmetricKeySize {
		// A fastapi-paseto text key, which go-paseto cannot take.
		l := v3TextLocal{hide(key)}
		rk.sealer, rk.opener = l, l
	} else {
		s, err := legacySealer(r.version, Local, key, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", optSecretKey, err)
		}
		rk.sealer, rk.opener = s, s.(opener)
	}
	return r.add(rk)
}

func (r *Keyring) addSigner(signer crypto.Signer, active, acceptNoKID bool) error {
	rk, err := r.verifierKey(signer.Public(), acceptNoKID)
	if err != nil {
		return err
	}
	rk.active = active
	if r.version == V4 {
		rk.sealer = v4Signer{hide(signer.(ed25519.PrivateKey))}
	} else if rk.sealer, err = legacySealer(r.version, Public, nil, signer); err != nil {
		return fmt.Errorf("%s: %w", optPrivateKey, err)
	}
	return r.add(rk)
}

func (r *Keyring) addVerifier(public crypto.PublicKey, acceptNoKID bool) error {
	rk, err := r.verifierKey(public, acceptNoKID)
	if err != nil {
		return err
	}
	return r.add(rk)
}

// verifierKey builds the verifying half of a public-purpose key.
func (r *Keyring) verifierKey(public crypto.PublicKey, acceptNoKID bool) (*ringKey, error) {
	rk := &ringKey{
		kid:         publicKeyID(r.version, public),
		header:      r.header(Public),
		purpose:     Public,
		acceptNoKID: acceptNoKID,
		public:      hide(public),
	}
	if r.version == V4 {
		rk.opener = v4Verifier{hide(public.(ed25519.PublicKey))}
		return rk, nil
	}
	o, err := legacyOpener(r.version, Public, nil, public)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", optPublicKey, err)
	}
	rk.opener = o
	return rk, nil
}

// add files rk under its header and ID, refusing what would make the
// choice of key ambiguous.
func (r *Keyring) add(rk *ringKey) error {
	h := r.headers[rk.header]
	if h == nil {
		idType := "lid"
		if rk.purpose == Public {
			idType = "pid"
		}
		h = &headerKeys{kidPrefix: paserkHeader(r.version, idType) + ".", byKID: map[string]*ringKey{}}
		r.headers[rk.header] = h
	}
	if _, dup := h.byKID[rk.kid]; dup {
		return fmt.Errorf("the key %s is given twice; give each key once (a private key includes its public key)", rk.kid)
	}
	if rk.acceptNoKID {
		if h.noKID != nil {
			return fmt.Errorf("keys %s and %s both accept %s tokens without a kid; only one key per purpose may (AcceptWithoutKID)", h.noKID.kid, rk.kid, strings.TrimSuffix(rk.header, "."))
		}
		h.noKID = rk
	}
	if rk.active {
		if cur := r.active[rk.purpose]; cur != nil {
			return fmt.Errorf("keys %s and %s are both active for %s tokens; mark all but the newest Retired()", cur.kid, rk.kid, strings.TrimSuffix(rk.header, "."))
		}
		r.active[rk.purpose] = rk
	}
	h.byKID[rk.kid] = rk
	r.keys = append(r.keys, rk)
	return nil
}

func (r *Keyring) header(p Purpose) string { return r.version.String() + "." + string(p) + "." }

// Version returns the PASETO version of the keys in r.
func (r *Keyring) Version() Version { return r.version }

// ActiveKID returns the key ID that tokens of purpose p created with r
// carry, or "" when r has no active key for p.
func (r *Keyring) ActiveKID(p Purpose) string {
	if k := r.active[p]; k != nil {
		return k.kid
	}
	return ""
}

// KIDs returns the IDs of every key in r, active and retired, in the order
// they were given.
func (r *Keyring) KIDs() []string {
	ids := make([]string, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.kid
	}
	return ids
}

// Format prints r's version and key IDs, never key material.
func (r *Keyring) Format(f fmt.State, _ rune) { fmt.Fprint(f, r.describe()) }

// LogValue describes r for log/slog by its key IDs.
func (r *Keyring) LogValue() slog.Value { return slog.StringValue(r.describe()) }

// MarshalJSON describes r as a JSON string of its key IDs.
func (r *Keyring) MarshalJSON() ([]byte, error) { return []byte(`"` + r.describe() + `"`), nil }

func (r *Keyring) describe() string {
	if r == nil {
		return "ginpaseto.Keyring(nil)"
	}
	parts := make([]string, len(r.keys))
	for i, k := range r.keys {
		role := "retired"
		switch {
		case k.active:
			role = "active"
		case k.sealer == nil:
			role = "verify"
		}
		parts[i] = k.kid + " " + role
	}
	return fmt.Sprintf("ginpaseto.Keyring(%s: %s)", r.version, strings.Join(parts, ", "))
}

// publicKeys returns the public-purpose keys of r.
func (r *Keyring) publicKeys() []*ringKey {
	var out []*ringKey
	for _, k := range r.keys {
		if k.purpose == Public {
			out = append(out, k)
		}
	}
	return out
}

// loadKeys builds the Authorizer's first Keyring from its options: the
// single-key options, WithKeys, or WithKeySet.
func (a *Authorizer) loadKeys() error {
	cfg := &a.cfg
	sources := 0
	for _, set := range []bool{cfg.singleKey(), cfg.keys != nil, cfg.keySet != nil} {
		if set {
			sources++
		}
	}
	switch {
	case sources == 0 && cfg.fromEnv:
		return errors.New("ginpaseto: New: no key configured, and FromEnv found no key variable; set PASETO_SECRET_KEY (or PASETO_SECRET_KEY_FILE) for local tokens " +
			"(generate one with: openssl rand -hex 32), or PASETO_PRIVATE_KEY / PASETO_PUBLIC_KEY for public tokens")
	case sources == 0:
		return errors.New("ginpaseto: New: no key configured; pass WithSecretKey for local tokens " +
			"(generate one with: openssl rand -hex 32) or WithPrivateKey / WithPublicKey for public tokens")
	case sources > 1:
		return errors.New("ginpaseto: New: keys are given in more than one way; use the single-key options (WithSecretKey, WithPrivateKey, WithPublicKey), WithKeys, or WithKeySet, not several (WithSecretKey(k) is WithKeys(keyring.SecretKey(k).AcceptWithoutKID()))")
	}
	var ring *Keyring
	switch {
	case cfg.keys != nil:
		var err error
		if ring, err = newKeyring(cfg.version, "WithKeys", cfg.keys); err != nil {
			return err
		}
		cfg.keys = nil // only the parsed keys are kept
	case cfg.keySet != nil:
		// Keys arrive from the key set; until then checks answer 503.
		cfg.purpose = Public
		return nil
	default:
		var err error
		if ring, err = a.singleKeyRing(); err != nil {
			return err
		}
	}
	if err := a.checkPurpose(ring, true); err != nil {
		return err
	}
	a.keys.Store(ring)
	return nil
}

// singleKey reports whether a single-key option (or FromEnv) gave a key.
func (c *config) singleKey() bool {
	return c.secretKey != nil || c.privateKey != nil || c.publicKey != nil
}

// singleKeyRing parses the single-key options into a Keyring whose keys
// create tokens that name them and also accept tokens that name no key, as
// every token created before key IDs.
func (a *Authorizer) singleKeyRing() (*Keyring, error) {
	cfg := &a.cfg
	v := cfg.version
	r := newRing(v)
	if cfg.secretKey != nil {
		raw, err := cfg.secretKey.load(optSecretKey)
		if err != nil {
			return nil, err
		}
		key, err := cfg.secretKey.symmetricKey(v, raw)
		if err != nil {
			return nil, cfg.secretKey.relabel(err)
		}
		if err := r.addLocal(key, true, true); err != nil {
			return nil, fmt.Errorf("ginpaseto: %w", err)
		}
	}
	var public crypto.PublicKey
	if cfg.publicKey != nil {
		raw, err := cfg.publicKey.load(optPublicKey)
		if err != nil {
			return nil, err
		}
		if public, err = parsePublicKey(v, raw); err != nil {
			return nil, cfg.publicKey.relabel(err)
		}
	}
	switch {
	case cfg.privateKey != nil:
		raw, err := cfg.privateKey.load(optPrivateKey)
		if err != nil {
			return nil, err
		}
		signer, err := parseSigningKey(v, raw)
		if err != nil {
			return nil, cfg.privateKey.relabel(err)
		}
		if public != nil && !publicKeysEqual(public, signer.Public()) {
			return nil, fmt.Errorf("ginpaseto: New: %s is not the public half of %s; pass the matching pair, or only the private key",
				cfg.publicKey.name(optPublicKey), cfg.privateKey.name(optPrivateKey))
		}
		if err := r.addSigner(signer, true, true); err != nil {
			return nil, fmt.Errorf("ginpaseto: %w", err)
		}
	case public != nil:
		if err := r.addVerifier(public, true); err != nil {
			return nil, fmt.Errorf("ginpaseto: %w", err)
		}
	}
	// Only the parsed keys are kept: the configuration should not hold a
	// second, textual copy of the key material for the Authorizer's life.
	cfg.secretKey, cfg.privateKey, cfg.publicKey = nil, nil, nil
	return r, nil
}

// checkPurpose checks that ring serves the purpose of created tokens. At
// New, without WithPurpose, it settles that purpose: public when ring has
// public keys only.
func (a *Authorizer) checkPurpose(ring *Keyring, atNew bool) error {
	hasLocal := ring.headers[ring.header(Local)] != nil
	hasPublic := ring.headers[ring.header(Public)] != nil
	where := "SetKeys"
	if atNew {
		where = "New"
		if !a.cfg.purposeSet && !hasLocal {
			a.cfg.purpose = Public
			return nil
		}
	}
	fromEnv := atNew && strings.HasPrefix(a.cfg.keyNames, envPrefix)
	switch {
	case a.cfg.purpose == Local && !hasLocal && fromEnv:
		return fmt.Errorf("ginpaseto: New: the Authorizer creates local tokens (%s), so it needs a secret key: set PASETO_SECRET_KEY (generate one with: openssl rand -hex 32), or PASETO_PURPOSE=public to create public tokens with %s", a.cfg.purposeName(), a.cfg.keyNames)
	case a.cfg.purpose == Public && !hasPublic && fromEnv:
		return fmt.Errorf("ginpaseto: New: the Authorizer creates public tokens (%s), so it needs PASETO_PRIVATE_KEY to create them, or PASETO_PUBLIC_KEY to verify them; or unset PASETO_PURPOSE to create local tokens with %s", a.cfg.purposeName(), a.cfg.keyNames)
	case a.cfg.purpose == Local && !hasLocal:
		return fmt.Errorf("ginpaseto: %s: the Authorizer creates local tokens, so it needs a secret key (WithSecretKey, or SecretKey in its keyring; generate one with: openssl rand -hex 32)", where)
	case a.cfg.purpose == Public && !hasPublic:
		return fmt.Errorf("ginpaseto: %s: the Authorizer creates public tokens, so it needs WithPrivateKey to create them, or WithPublicKey to verify them (PrivateKey or PublicKey in its keyring)", where)
	}
	return nil
}

// SetKeys replaces the Authorizer's keys with keys, atomically: every
// request is checked, and every token created, with either the old keys
// or the new ones, never a mix, and none fails because of the swap. Key
// files are read again, so that rotating keys on disk and calling SetKeys,
// say on SIGHUP, moves a running service to them. The keys must hold one
// for the purpose of the tokens the Authorizer creates. On any error,
// which says how to fix it and never quotes a key, the running keys stay.
// An Authorizer built with WithKeySet takes its keys from the key set and
// refuses SetKeys.
func (a *Authorizer) SetKeys(keys ...keyring.Key) error {
	if a.keySet != nil {
		return errors.New("ginpaseto: SetKeys: this Authorizer takes its keys from the key set of WithKeySet")
	}
	descs, err := keyDescs("SetKeys", keys)
	if err != nil {
		return err
	}
	ring, err := newKeyring(a.cfg.version, "SetKeys", descs)
	if err != nil {
		return err
	}
	if err := a.checkPurpose(ring, false); err != nil {
		return err
	}
	old := a.keys.Load()
	a.setKeys(ring)
	a.keysChanged(context.Background(), observe.KeysFromSetKeys, old, ring)
	return nil
}

// Keys returns the Authorizer's current keys, nil while an Authorizer
// built with WithKeySet has not fetched its key set yet.
func (a *Authorizer) Keys() *Keyring { return a.keys.Load() }

func publicKeysEqual(a, b crypto.PublicKey) bool {
	switch k := a.(type) {
	case ed25519.PublicKey:
		return k.Equal(b)
	case *ecdsa.PublicKey:
		return k.Equal(b)
	}
	return false
}

// load returns the key text, reading it from its file when one was given.
// A key stored encrypted is opened, and returned as a plain PASERK.
// option names where the key was given, for errors.
func (s *keySource) load(option string) (string, error) {
	var raw string
	if s.path == "" {
		raw = s.value.get()
	} else {
		var err error
		if raw, err = readKeyFile(s.path); err != nil {
			if s.origin != "" {
				option = s.origin
			}
			return "", &keyConfigError{option: option, msg: err.Error(), err: err}
		}
	}
	if s.atRest != nil {
		return s.atRest.open(raw)
	}
	return raw, nil
}

// relabel makes a key's configuration error name the environment variable
// the key came from, rather than the option, when FromEnv read it.
func (s *keySource) relabel(err error) error {
	if s.origin == "" {
		return err
	}
	var ke *keyConfigError
	if errors.As(err, &ke) {
		return &keyConfigError{option: s.origin, msg: envSpelling.Replace(ke.msg), err: ke.err}
	}
	return labelKeyError(s.origin, err)
}

// name is the option or variable that gave the key: option, or the
// environment variable FromEnv read it from.
func (s *keySource) name(option string) string {
	if s.origin != "" {
		return s.origin
	}
	return option
}

// labelKeyError names label as where the key of err was given, in place
// of the option the key parsers name.
func labelKeyError(label string, err error) error {
	var ke *keyConfigError
	if errors.As(err, &ke) {
		return &keyConfigError{option: label, msg: ke.msg, err: ke.err}
	}
	return &keyConfigError{option: label, msg: strings.TrimPrefix(err.Error(), "ginpaseto: "), err: err}
}
