package ginpaseto

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// Keys at rest: a key file may hold a key encrypted with PASERK, so that the
// file can sit in a repository, an image or a config map; the secret that
// opens it (a wrapping key, a password, or the private key a local key was
// sealed to) comes separately, from a secret store. New opens the key once
// and keeps only the key itself.

// atRestMethod is how a key at rest was encrypted.
type atRestMethod int

const (
	wrapped           atRestMethod = iota + 1 // PASERK local-wrap.pie / secret-wrap.pie
	passwordProtected                         // PASERK local-pw / secret-pw
	sealed                                    // PASERK seal, to an Ed25519 key pair
)

// atRest says how to open a keySource that holds an encrypted key.
type atRest struct {
	option string // the option used, for errors: "WithWrappedSecretKey"
	method atRestMethod
	plain  paserk.Type // what the key opens to: Local or Secret
	secret keySource   // the wrapping key, password or private key
}

// WithWrappedSecretKey sets the local-token key from a PASERK
// "k4.local-wrap.pie." key, opened with wrappingKey: 32 bytes given as 64
// hex characters, base64 or a PASERK "k4.local." key. A wrong wrapping key
// makes New fail. Make one with `ginpaseto wrap`.
func WithWrappedSecretKey(wrappedKey, wrappingKey string) Option {
	return atRestOption("WithWrappedSecretKey", wrapped, paserk.Local, keySource{value: hide(wrappedKey)}, keySource{value: hide(wrappingKey)})
}

// WithWrappedSecretKeyFile is WithWrappedSecretKey with the wrapped key and
// the wrapping key read from two files.
func WithWrappedSecretKeyFile(wrappedKeyPath, wrappingKeyPath string) Option {
	return atRestOption("WithWrappedSecretKeyFile", wrapped, paserk.Local, keySource{path: wrappedKeyPath}, keySource{path: wrappingKeyPath})
}

// WithWrappedPrivateKey sets the signing key for public tokens from a PASERK
// "k4.secret-wrap.pie." key, opened with wrappingKey as in
// WithWrappedSecretKey.
func WithWrappedPrivateKey(wrappedKey, wrappingKey string) Option {
	return atRestOption("WithWrappedPrivateKey", wrapped, paserk.Secret, keySource{value: hide(wrappedKey)}, keySource{value: hide(wrappingKey)})
}

// WithWrappedPrivateKeyFile is WithWrappedPrivateKey with the wrapped key
// and the wrapping key read from two files.
func WithWrappedPrivateKeyFile(wrappedKeyPath, wrappingKeyPath string) Option {
	return atRestOption("WithWrappedPrivateKeyFile", wrapped, paserk.Secret, keySource{path: wrappedKeyPath}, keySource{path: wrappingKeyPath})
}

// WithPasswordProtectedSecretKey sets the local-token key from a PASERK
// "k4.local-pw." key, opened with password (used exactly as given). Opening
// runs Argon2id with the cost recorded in the key, once, in New; a key
// asking for more than 512 MiB or 16 passes is refused. A wrong password
// makes New fail. Make one with `ginpaseto wrap --password-file`.
func WithPasswordProtectedSecretKey(protectedKey, password string) Option {
	return atRestOption("WithPasswordProtectedSecretKey", passwordProtected, paserk.Local, keySource{value: hide(protectedKey)}, keySource{value: hide(password)})
}

// WithPasswordProtectedSecretKeyFile is WithPasswordProtectedSecretKey with
// the key and the password read from two files. One line break at the end
// of the password file is not part of the password.
func WithPasswordProtectedSecretKeyFile(protectedKeyPath, passwordPath string) Option {
	return atRestOption("WithPasswordProtectedSecretKeyFile", passwordProtected, paserk.Local, keySource{path: protectedKeyPath}, keySource{path: passwordPath})
}

// WithPasswordProtectedPrivateKey sets the signing key for public tokens
// from a PASERK "k4.secret-pw." key, opened with password as in
// WithPasswordProtectedSecretKey.
func WithPasswordProtectedPrivateKey(protectedKey, password string) Option {
	return atRestOption("WithPasswordProtectedPrivateKey", passwordProtected, paserk.Secret, keySource{value: hide(protectedKey)}, keySource{value: hide(password)})
}

// WithPasswordProtectedPrivateKeyFile is WithPasswordProtectedPrivateKey
// with the key and the password read from two files, as in
// WithPasswordProtectedSecretKeyFile.
func WithPasswordProtectedPrivateKeyFile(protectedKeyPath, passwordPath string) Option {
	return atRestOption("WithPasswordProtectedPrivateKeyFile", passwordProtected, paserk.Secret, keySource{path: protectedKeyPath}, keySource{path: passwordPath})
}

// WithSealedSecretKey sets the local-token key from a PASERK "k4.seal." key:
// a local key encrypted to an Ed25519 key pair, opened with that pair's
// private key (in any form WithPrivateKey accepts). The private key only
// opens the sealed key; it signs nothing unless also given to
// WithPrivateKey. Make one with `ginpaseto wrap --seal-to public.key`.
func WithSealedSecretKey(sealedKey, privateKey string) Option {
	return atRestOption("WithSealedSecretKey", sealed, paserk.Local, keySource{value: hide(sealedKey)}, keySource{value: hide(privateKey)})
}

// Keys at rest in a keyring. NewKeyring opens them, and Keyring.Reload
// reads both files again, so a rotated key can be deployed as a new
// encrypted file next to the old one.

// WrappedSecretKeyFile describes, for NewKeyring, a local key stored
// wrapped ("k4.local-wrap.pie.") in a file, opened with the wrapping key in
// another file, as WithWrappedSecretKeyFile does.
func WrappedSecretKeyFile(wrappedKeyPath, wrappingKeyPath string) Key {
	return atRestKey("WrappedSecretKeyFile", wrapped, paserk.Local, wrappedKeyPath, wrappingKeyPath)
}

// WrappedPrivateKeyFile describes, for NewKeyring, a signing key stored
// wrapped ("k4.secret-wrap.pie.") in a file, as WithWrappedPrivateKeyFile
// does.
func WrappedPrivateKeyFile(wrappedKeyPath, wrappingKeyPath string) Key {
	return atRestKey("WrappedPrivateKeyFile", wrapped, paserk.Secret, wrappedKeyPath, wrappingKeyPath)
}

// PasswordProtectedSecretKeyFile describes, for NewKeyring, a local key
// stored password-protected ("k4.local-pw.") in a file, opened with the
// password in another file, as WithPasswordProtectedSecretKeyFile does.
func PasswordProtectedSecretKeyFile(protectedKeyPath, passwordPath string) Key {
	return atRestKey("PasswordProtectedSecretKeyFile", passwordProtected, paserk.Local, protectedKeyPath, passwordPath)
}

// PasswordProtectedPrivateKeyFile describes, for NewKeyring, a signing key
// stored password-protected ("k4.secret-pw.") in a file, as
// WithPasswordProtectedPrivateKeyFile does.
func PasswordProtectedPrivateKeyFile(protectedKeyPath, passwordPath string) Key {
	return atRestKey("PasswordProtectedPrivateKeyFile", passwordProtected, paserk.Secret, protectedKeyPath, passwordPath)
}

func atRestKey(name string, m atRestMethod, plain paserk.Type, keyPath, secretPath string) Key {
	kind := kindSecret
	if plain == paserk.Secret {
		kind = kindPrivate
	}
	src := keySource{path: keyPath}
	src.atRest = &atRest{option: name, method: m, plain: plain, secret: keySource{path: secretPath}}
	return Key{kind: kind, src: src}
}

func atRestOption(option string, m atRestMethod, plain paserk.Type, key, secret keySource) Option {
	return optionFunc(func(c *config) error {
		key.atRest = &atRest{option: option, method: m, plain: plain, secret: secret}
		if plain == paserk.Local {
			c.secretKey = &key
		} else {
			c.privateKey = &key
		}
		return nil
	})
}

// paserkType returns the PASERK type the key must have.
func (r *atRest) paserkType() paserk.Type {
	switch {
	case r.method == sealed:
		return paserk.Seal
	case r.method == wrapped && r.plain == paserk.Local:
		return paserk.LocalWrap
	case r.method == wrapped:
		return paserk.SecretWrap
	case r.plain == paserk.Local:
		return paserk.LocalPW
	}
	return paserk.SecretPW
}

// secretName names what opens the key, for messages.
func (r *atRest) secretName() string {
	switch r.method {
	case wrapped:
		return "wrapping key"
	case passwordProtected:
		return "password"
	}
	return "private key"
}

// open decrypts the key text given to the option and returns the key as a
// plain PASERK ("k4.local.…" or "k4.secret.…"), which the usual parser
// then checks as it checks any key. Errors name the option and never
// contain key material.
func (r *atRest) open(text string) (string, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("ginpaseto: %s: %s", r.option, fmt.Sprintf(format, args...))
	}
	want := strings.TrimSuffix(paserk.Header(paserk.V4, r.paserkType()), ".")
	v, got, _, ok := paserk.Split(text)
	if !ok {
		return "", fail("the key is not a PASERK; expected a %s key (make one with: ginpaseto wrap)", want)
	}
	if got != r.paserkType() {
		hint := ""
		if got.Plain() {
			hint = "; a plain key is not encrypted: pass it to " + paserkOption(string(got))
		}
		return "", fail("got a %s PASERK, expected a %s key%s", strings.TrimSuffix(paserk.Header(v, got), "."), want, hint)
	}
	secret, err := r.loadSecret()
	if err != nil {
		return "", err
	}
	pv := paserk.Version(v)
	var key []byte
	switch r.method {
	case wrapped:
		wk, wkErr := parseWrappingKey(secret)
		if wkErr != nil {
			return "", fail("%v", wkErr)
		}
		key, err = paserk.Unwrap(pv, r.plain, text, wk)
	case passwordProtected:
		key, err = paserk.PasswordUnwrap(pv, r.plain, text, []byte(secret))
	case sealed:
		signer, skErr := parseSigningKey(Version(v), secret)
		if skErr != nil {
			return "", fail("the private key that opens the sealed key: %s", strings.TrimPrefix(skErr.Error(), "ginpaseto: "))
		}
		priv, ok := signer.(ed25519.PrivateKey)
		if !ok {
			return "", fail("a sealed key opens with an Ed25519 private key")
		}
		key, err = paserk.UnsealKey(pv, text, priv)
	}
	switch {
	case errors.Is(err, paserk.ErrDecrypt):
		return "", fail("the key does not open with this %s: it is the wrong one, or the key was altered", r.secretName())
	case err != nil:
		return "", fail("%v", err)
	}
	plain, err := paserk.Encode(pv, r.plain, key)
	if err != nil {
		return "", fail("%v", err)
	}
	// The key inside gets the checks of a plain key here, so that a
	// refusal names this option; it is parsed again as a plain key later.
	if r.plain == paserk.Local {
		_, err = parseSymmetricKey(Version(v), plain)
	} else {
		_, err = parseSigningKey(Version(v), plain)
	}
	if err != nil {
		_, reason, _ := strings.Cut(err.Error(), ": "+paserkOption(string(r.plain))+": ")
		return "", fail("the key inside is refused: %s", reason)
	}
	return plain, nil
}

// loadSecret returns the wrapping key, password or private key, reading it
// from its file when one was given.
func (r *atRest) loadSecret() (string, error) {
	if r.secret.path == "" {
		secret := r.secret.value.get()
		if secret == "" {
			return "", fmt.Errorf("ginpaseto: %s: the %s is empty", r.option, r.secretName())
		}
		return secret, nil
	}
	if r.method != passwordProtected {
		s, err := readKeyFile(r.secret.path)
		if err != nil {
			return "", fmt.Errorf("ginpaseto: %s: %w", r.option, err)
		}
		return s, nil
	}
	pw, err := readPasswordFile(r.secret.path)
	if err != nil {
		return "", fmt.Errorf("ginpaseto: %s: %w", r.option, err)
	}
	return pw, nil
}

// maxPasswordFileSize bounds a password file; a password is far shorter.
const maxPasswordFileSize = 4 << 10

// readPasswordFile reads a password file: the whole file but one line
// break at its end, which editors and `echo` add. Other whitespace is part
// of the password.
func readPasswordFile(path string) (string, error) {
	f, err := openRegularFile(path, "password file")
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPasswordFileSize+1))
	if err != nil {
		return "", fmt.Errorf("cannot read password file %q: %w", path, unwrapPathError(err))
	}
	if len(data) > maxPasswordFileSize {
		return "", fmt.Errorf("password file %q is larger than 4 KiB, so it is not a password file", path)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if pw == "" {
		return "", fmt.Errorf("password file %q is empty", path)
	}
	return pw, nil
}

// parseWrappingKey parses a 32-byte wrapping key: 64 hex characters,
// base64, or a PASERK k4.local key. Like a local key, it must be random.
func parseWrappingKey(s string) ([]byte, error) {
	const hint = "a wrapping key is 32 random bytes given as 64 hex characters, base64 or a PASERK k4.local key; generate one with: ginpaseto keygen local"
	s = strings.TrimSpace(s)
	var b []byte
	if v, t, _, ok := paserk.Split(s); ok {
		if t != paserk.Local {
			return nil, fmt.Errorf("the wrapping key is a k%d.%s PASERK, not a plain local key; %s", int(v), t, hint)
		}
		var err error
		if b, err = paserk.Decode(v, paserk.Local, s); err != nil {
			return nil, fmt.Errorf("the wrapping key is a malformed k%d.local PASERK; %s", int(v), hint)
		}
	} else if h, isHex := decodeHex(s); isHex && len(h) == symmetricKeySize {
		b = h
	} else if d, isB64 := decodeBase64(s, symmetricKeySize); isB64 {
		b = d
	} else {
		return nil, errors.New("the wrapping key is not 32 bytes as hex, base64 or PASERK (a password is not a wrapping key); " + hint)
	}
	if _, err := randomLooking("wrapping key", b, hint); err != nil {
		return nil, errors.New(strings.Replace(strings.TrimPrefix(err.Error(), "ginpaseto: wrapping key: "), "the key", "the wrapping key", 1))
	}
	return b, nil
}
