// Package keyring describes the keys of a ginpaseto Authorizer as values:
// where each key comes from (text or a file), how it is stored (in the
// clear, wrapped, password-protected or sealed with PASERK), and its role
// (active or retired, and whether it accepts tokens that name no key). The
// values go to one option, ginpaseto.WithKeys, and to
// Authorizer.SetKeys, which rotates keys in a running process:
//
//	auth, err := ginpaseto.New(ginpaseto.WithKeys(
//		keyring.SecretKeyFile("/run/secrets/local.key"),
//		keyring.SecretKeyFile("/run/secrets/old.key").Retired(),
//	))
//
// A Key only describes a key: New and SetKeys read its files and parse
// it, and refuse a key that is malformed, weak or misused with a message
// that says how to fix it and never quotes the key. Printing a Key with
// fmt, log/slog or encoding/json shows how it was built, never its key
// material.
//
// KeySet is the configuration of ginpaseto.WithKeySet, which makes an
// Authorizer verify tokens with the public keys a signing service
// publishes.
//
// The single-key options (ginpaseto.WithSecretKey, WithPrivateKey,
// WithPublicKey, WithFastAPIPasetoKey) remain the one-line way to give one
// plain key; WithSecretKey(k) is WithKeys(keyring.SecretKey(k).AcceptWithoutKID()).
package keyring

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ginpaseto/ginpaseto/internal/keyspec"
)

func init() {
	keyspec.Of = func(v any) (keyspec.Spec, bool) {
		k, ok := v.(Key)
		if !ok {
			return keyspec.Spec{}, false
		}
		s := k.spec
		s.Describe = k.describe()
		return s, true
	}
}

// Key describes one key of an Authorizer: its kind, where it comes from,
// how it is stored and its role. Build one with SecretKey, SecretKeyFile,
// PrivateKey, PrivateKeyFile, PublicKey, PublicKeyFile or
// FastAPIPasetoKey; the methods return a changed copy. The zero Key is no
// key, and ginpaseto.New refuses it.
//
// Each purpose (local, public) has at most one active key, which creates
// tokens that name it in their footer (claim kid, the key's PASERK ID);
// every key, active or retired, verifies the tokens that name it.
type Key struct {
	ctor string // the constructor that built the key, for messages
	spec keyspec.Spec
}

func newKey(ctor string, kind keyspec.Kind, src keyspec.Source) Key {
	return Key{ctor: ctor, spec: keyspec.Spec{Kind: kind, Key: src}}
}

// text keeps s in a closure, out of reach of the printers built on
// reflection.
func text(s string) keyspec.Source { return keyspec.Source{Text: func() string { return s }} }

func file(path string) keyspec.Source { return keyspec.Source{Path: path} }

// SecretKey describes a local (symmetric) key, in any form
// ginpaseto.WithSecretKey accepts: 32 random bytes as 64 hex characters,
// standard or URL-safe base64, or a PASERK "k4.local." key. Unless
// Retired, it is the active local key: it creates local tokens.
func SecretKey(key string) Key { return newKey("SecretKey", keyspec.Secret, text(key)) }

// SecretKeyFile is SecretKey with the key read from the file at path, by
// ginpaseto.New and again by every Authorizer.SetKeys. The file is read
// whole, at most 64 KiB; surrounding whitespace is ignored.
func SecretKeyFile(path string) Key { return newKey("SecretKeyFile", keyspec.Secret, file(path)) }

// PrivateKey describes a signing key for public tokens, in any form
// ginpaseto.WithPrivateKey accepts: for v4 an Ed25519 key as PKCS#8 PEM,
// hex (64-byte key or 32-byte seed) or PASERK "k4.secret.". Unless
// Retired, it is the active public key: it signs public tokens. Its public
// half verifies them.
func PrivateKey(key string) Key { return newKey("PrivateKey", keyspec.Private, text(key)) }

// PrivateKeyFile is PrivateKey with the key read from the file at path, by
// ginpaseto.New and again by every Authorizer.SetKeys.
func PrivateKeyFile(path string) Key { return newKey("PrivateKeyFile", keyspec.Private, file(path)) }

// PublicKey describes a verification key for public tokens, in any form
// ginpaseto.WithPublicKey accepts: for v4 an Ed25519 key as PKIX PEM, 64
// hex characters or PASERK "k4.public.". It only verifies.
func PublicKey(key string) Key { return newKey("PublicKey", keyspec.Public, text(key)) }

// PublicKeyFile is PublicKey with the key read from the file at path, by
// ginpaseto.New and again by every Authorizer.SetKeys.
func PublicKeyFile(path string) Key { return newKey("PublicKeyFile", keyspec.Public, file(path)) }

// FastAPIPasetoKey describes a local key given as the text of a
// fastapi-paseto deployment's authpaseto_secret_key, used as raw key
// bytes the way fastapi-paseto uses it, as ginpaseto.WithFastAPIPasetoKey
// takes it. Its use in a list of keys is the way off that key: keep it
// retired and accepting tokens without a kid while a new random key
// creates tokens, then remove it:
//
//	auth.SetKeys(
//		keyring.SecretKey(newKey),
//		keyring.FastAPIPasetoKey(oldText).Retired().AcceptWithoutKID())
func FastAPIPasetoKey(text string) Key {
	k := SecretKey(text)
	k.ctor, k.spec.FastAPI = "FastAPIPasetoKey", true
	return k
}

// Retired returns k as a retired key: it verifies the tokens that name it
// but creates none. Keep a retired key until the last token it created has
// expired (the longest lifetime you issue, 30 days for refresh tokens by
// default), then remove it.
func (k Key) Retired() Key { k.spec.Retired = true; return k }

// AcceptWithoutKID returns k as a key that also verifies tokens whose
// footer names no key: tokens made before key IDs existed, whose footer is
// empty, a string, or JSON with no kid or a kid of the application's own.
// The single-key options (ginpaseto.WithSecretKey, WithPrivateKey,
// WithPublicKey) give their key this role, so that keys replacing them
// can keep accepting their old tokens. At most one key per purpose may
// have it.
func (k Key) AcceptWithoutKID() Key { k.spec.AcceptWithoutKID = true; return k }

// Wrapped returns k as a key stored wrapped with PASERK: a local key as
// "k4.local-wrap.pie.", a private key as "k4.secret-wrap.pie.", as made by
// `ginpaseto wrap`. wrappingKey opens it: 32 random bytes as 64 hex
// characters, base64 or a PASERK "k4.local." key. It is given the way the
// key is: for SecretKey and PrivateKey, the wrapping key itself; for
// SecretKeyFile and PrivateKeyFile, the path of the file that holds it.
// A wrong wrapping key makes New (or SetKeys) fail. Public keys are not
// secret and are never stored encrypted.
func (k Key) Wrapped(wrappingKey string) Key {
	return k.atRest(keyspec.Wrapped, "Wrapped", wrappingKey)
}

// PasswordProtected returns k as a key stored password-protected with
// PASERK: a local key as "k4.local-pw.", a private key as "k4.secret-pw.",
// as made by `ginpaseto wrap --password-file`. password opens it, used
// exactly as given; it is given the way the key is: for SecretKey and
// PrivateKey, the password itself; for SecretKeyFile and PrivateKeyFile,
// the path of a file that holds it (one line break at the end of the file
// is not part of the password). Opening runs Argon2id with the cost
// recorded in the key, once per New or SetKeys; a key asking for more than
// 512 MiB or 16 passes is refused. A wrong password makes New (or SetKeys)
// fail.
func (k Key) PasswordProtected(password string) Key {
	return k.atRest(keyspec.PasswordProtected, "PasswordProtected", password)
}

// Sealed returns k, a local key, as a key stored sealed with PASERK
// ("k4.seal."): encrypted to an Ed25519 key pair, as made by
// `ginpaseto wrap --seal-to public.key`. privateKey, that pair's private
// key in any form PrivateKey accepts, opens it; it is given the way the
// key is: for SecretKey, the private key itself; for SecretKeyFile, the
// path of the file that holds it. The private key only opens the sealed
// key; it signs nothing unless also given as a PrivateKey. Only local keys
// are sealed.
func (k Key) Sealed(privateKey string) Key {
	return k.atRest(keyspec.Sealed, "Sealed", privateKey)
}

func (k Key) atRest(how keyspec.AtRest, name, secret string) Key {
	switch {
	case k.spec.Misuse != "":
	case k.spec.Kind == 0:
		k.spec.Misuse = "the zero Key has no key to open; build the key with SecretKey, SecretKeyFile, PrivateKey or PrivateKeyFile first"
	case k.spec.AtRest != keyspec.Plain:
		k.spec.Misuse = fmt.Sprintf("the key is marked both %s and %s; a key is stored one way: keep the one `ginpaseto wrap` used", atRestName(k.spec.AtRest), name)
	case k.spec.Kind == keyspec.Public:
		k.spec.Misuse = "a public key is not secret and is never stored encrypted; give it as it is"
	case k.spec.FastAPI:
		k.spec.Misuse = "a fastapi-paseto key is the text the Python service uses and is not stored encrypted; give it as it is"
	case how == keyspec.Sealed && k.spec.Kind == keyspec.Private:
		k.spec.Misuse = "only local keys are sealed; store a private key Wrapped or PasswordProtected"
	}
	if k.spec.AtRest != keyspec.Plain {
		return k
	}
	k.spec.AtRest = how
	if k.spec.Key.Path != "" {
		k.spec.Secret = file(secret)
	} else {
		k.spec.Secret = text(secret)
	}
	return k
}

func atRestName(a keyspec.AtRest) string {
	switch a {
	case keyspec.Wrapped:
		return "Wrapped"
	case keyspec.PasswordProtected:
		return "PasswordProtected"
	case keyspec.Sealed:
		return "Sealed"
	}
	return ""
}

// Format prints how k was built, never its key text, its secret or its
// path: keyring.SecretKeyFile(redacted).Wrapped(redacted).Retired().
func (k Key) Format(f fmt.State, _ rune) { fmt.Fprint(f, k.describe()) }

// String describes k as Format does.
func (k Key) String() string { return k.describe() }

// LogValue describes k for log/slog as Format does.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.describe()) }

// MarshalJSON describes k as a JSON string, as Format does.
func (k Key) MarshalJSON() ([]byte, error) { return []byte(`"` + k.describe() + `"`), nil }

func (k Key) describe() string {
	if k.ctor == "" {
		return "keyring.Key(none)"
	}
	var b strings.Builder
	b.WriteString("keyring.")
	b.WriteString(k.ctor)
	b.WriteString("(redacted)")
	if k.spec.AtRest != keyspec.Plain {
		b.WriteString(".")
		b.WriteString(atRestName(k.spec.AtRest))
		b.WriteString("(redacted)")
	}
	if k.spec.Retired {
		b.WriteString(".Retired()")
	}
	if k.spec.AcceptWithoutKID {
		b.WriteString(".AcceptWithoutKID()")
	}
	return b.String()
}

// KeySet configures ginpaseto.WithKeySet: the Authorizer verifies public
// tokens with the public keys of the key set published at URL, such as a
// signing service's Authorizer.KeySetHandler, instead of keys of its own.
// Every field but URL is optional; its zero value means the default its
// doc states. A value out of range makes New fail, saying which field.
type KeySet struct {
	// URL is where the key set is published. It must be HTTPS, or HTTP on
	// a loopback address. Required.
	URL string

	// Client fetches the key set, for proxies, custom TLS roots or mutual
	// TLS. Its CheckRedirect, if any, still decides which redirects to
	// follow, and only among those the key set's rules allow: on URL's
	// host, HTTPS or loopback, at most 5. A client that refuses every
	// redirect (http.ErrUseLastResponse) makes a redirect a failed fetch.
	// The client itself is not changed. Default: a client of ginpaseto's
	// own, with a copy of http.DefaultTransport.
	Client *http.Client

	// Timeout bounds each fetch of the key set, and so how long New waits
	// for the first one. Default 5 seconds.
	Timeout time.Duration

	// MaxSize bounds the size of a key set response, in bytes; a larger
	// one is refused unread. At least 256. Default 64 KiB, some 500 keys.
	MaxSize int64

	// MinRefresh and MaxRefresh bound how long a fetched key set is kept
	// before it is fetched again: its Cache-Control max-age, or 5 minutes
	// without one, is raised to MinRefresh and lowered to MaxRefresh.
	// MinRefresh also caps the backoff after failed fetches. Default 1
	// minute and 1 hour; setting only one of them below (or above) the
	// other's default moves that default to it.
	MinRefresh, MaxRefresh time.Duration

	// RefetchInterval is the least time between two fetches caused by
	// tokens that name a key the set does not hold, so that made-up key
	// IDs cannot make the Authorizer hammer the signing service. Default
	// 10 seconds.
	RefetchInterval time.Duration

	// OnError receives every failed fetch of the key set: unreachable, an
	// error status, too large, not a key set, a secret key in the set, a
	// kid that is not its key's ID. The errors quote no key. Default: a
	// warning through log/slog's default logger.
	OnError func(error)

	// Context stops the background fetching when it is done, as
	// Authorizer.Close does. Default: only Close stops it.
	Context context.Context
}
