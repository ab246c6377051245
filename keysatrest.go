package ginpaseto

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// Keys at rest: a key may be stored encrypted with PASERK, so that its file
// can sit in a repository, an image or a config map; the secret that opens
// it (a wrapping key, a password, or the private key a local key was
// sealed to) comes separately, from a secret store. keyring.Key's Wrapped,
// PasswordProtected and Sealed describe such keys; New and SetKeys open
// them and keep only the key itself.

// atRestMethod is how a key at rest was encrypted.
type atRestMethod int

const (
	wrapped           atRestMethod = iota + 1 // PASERK local-wrap.pie / secret-wrap.pie
	passwordProtected                         // PASERK local-pw / secret-pw
	sealed                                    // PASERK seal, to an Ed25519 key pair
)

// atRest says how to open a keySource that holds an encrypted key.
type atRest struct {
	method atRestMethod
	plain  paserk.Type // what the key opens to: Local or Secret
	secret keySource   // the wrapping key, password or private key
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

// name is the keyring.Key method that describes the storage, for errors.
func (r *atRest) name() string {
	switch r.method {
	case wrapped:
		return "Wrapped"
	case passwordProtected:
		return "PasswordProtected"
	}
	return "Sealed"
}

// open decrypts the key text and returns the key as a plain PASERK
// ("k4.local.…" or "k4.secret.…"), which the usual parser then checks as it
// checks any key. Errors never contain key material; the caller names the
// key they are about.
func (r *atRest) open(text string) (string, error) {
	fail := func(format string, args ...any) error { return keyError(r.name(), format, args...) }
	want := strings.TrimSuffix(paserk.Header(paserk.V4, r.paserkType()), ".")
	v, got, _, ok := paserk.Split(text)
	if !ok {
		return "", fail("the key is not a PASERK; expected a %s key (make one with: ginpaseto wrap)", want)
	}
	if got != r.paserkType() {
		hint := ""
		if got.Plain() {
			hint = "; a plain key is not encrypted: give it without " + r.name()
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
			return "", fail("the private key that opens the sealed key: %s", keyErrorReason(skErr))
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
	// refusal says it is about the key inside; it is parsed again as a
	// plain key later.
	if r.plain == paserk.Local {
		_, err = parseSymmetricKey(Version(v), plain)
	} else {
		_, err = parseSigningKey(Version(v), plain)
	}
	if err != nil {
		return "", fail("the key inside is refused: %s", keyErrorReason(err))
	}
	return plain, nil
}

// loadSecret returns the wrapping key, password or private key, reading it
// from its file when one was given.
func (r *atRest) loadSecret() (string, error) {
	if r.secret.path == "" {
		secret := r.secret.value.get()
		if secret == "" {
			return "", keyError(r.name(), "the %s is empty", r.secretName())
		}
		return secret, nil
	}
	if r.method != passwordProtected {
		s, err := readKeyFile(r.secret.path)
		if err != nil {
			return "", &keyConfigError{option: r.name(), msg: err.Error(), err: err}
		}
		return s, nil
	}
	pw, err := readPasswordFile(r.secret.path)
	if err != nil {
		return "", &keyConfigError{option: r.name(), msg: err.Error(), err: err}
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
