package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// key is a plain key as the tool handles it: its canonical PASERK, from
// which its version and type follow.
type key struct {
	paserk  string
	version paserk.Version
	typ     paserk.Type // Local, Secret or Public
}

// option returns the ginpaseto options that give an Authorizer this key;
// New checks it as it checks any key (placeholders, curve points).
func (k key) options() []ginpaseto.Option {
	opts := []ginpaseto.Option{ginpaseto.WithVersion(ginpaseto.Version(k.version))}
	switch k.typ {
	case paserk.Local:
		return append(opts, ginpaseto.WithSecretKey(k.paserk))
	case paserk.Secret:
		return append(opts, ginpaseto.WithPrivateKey(k.paserk), ginpaseto.WithPurpose(ginpaseto.Public))
	}
	return append(opts, ginpaseto.WithPublicKey(k.paserk))
}

// check builds an Authorizer with the key, so that the tool refuses what a
// service would refuse, with the library's message.
func (k key) check() (*ginpaseto.Authorizer, error) {
	a, err := ginpaseto.New(k.options()...)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "ginpaseto: "))
	}
	return a, nil
}

// keyFlags are the flags that say where a key comes from and, for a key
// stored encrypted, what opens it.
type keyFlags struct {
	keyFile         string
	wrappingKeyFile string
	passwordFile    string
	privateKeyFile  string // opens a sealed key
	version         int
}

func (f *keyFlags) register(fs *flag.FlagSet, withOpeners bool) {
	fs.StringVar(&f.keyFile, "key-file", "", "the key: a file, or - for standard input")
	fs.StringVar(&f.keyFile, "key", "", "the same as --key-file")
	fs.IntVar(&f.version, "version", 4, "the PASETO version of a key given as hex or PEM: 4, 3 or 2")
	if withOpeners {
		fs.StringVar(&f.wrappingKeyFile, "wrapping-key-file", "", "the wrapping key that opens a wrapped key file")
		fs.StringVar(&f.passwordFile, "password-file", "", "the password that opens a password-protected key file (- for standard input)")
		fs.StringVar(&f.privateKeyFile, "private-key-file", "", "the private key that opens a sealed key file")
	}
}

// load reads and opens the key file. hint says what a 32-byte hex key is
// when the caller knows (the purpose of the token to verify).
func (f *keyFlags) load(e *env, hint paserk.Type) (key, error) {
	if f.keyFile == "" {
		return key{}, usagef("--key-file is required")
	}
	text, in, err := e.readText(f.keyFile, "key")
	if err != nil {
		return key{}, err
	}
	if v, t, _, ok := paserk.Split(text); ok && !t.Plain() {
		return f.open(e, text, v, t)
	}
	k, err := decodeKey(text, hint, f.version)
	if err != nil {
		return key{}, err
	}
	if k.typ != paserk.Public {
		e.warnIfReadable(in, "key")
	}
	return k, nil
}

// open decrypts a wrapped, password-protected or sealed key with the secret
// given by its flag.
func (f *keyFlags) open(e *env, text string, v paserk.Version, t paserk.Type) (key, error) {
	var raw []byte
	var plain paserk.Type
	var err error
	switch t {
	case paserk.LocalWrap, paserk.SecretWrap:
		plain = map[paserk.Type]paserk.Type{paserk.LocalWrap: paserk.Local, paserk.SecretWrap: paserk.Secret}[t]
		if f.wrappingKeyFile == "" {
			return key{}, usagef("the key file holds a wrapped key; give --wrapping-key-file")
		}
		var wk []byte
		if wk, err = f.wrappingKey(e); err != nil {
			return key{}, err
		}
		raw, err = paserk.Unwrap(v, plain, text, wk)
	case paserk.LocalPW, paserk.SecretPW:
		plain = map[paserk.Type]paserk.Type{paserk.LocalPW: paserk.Local, paserk.SecretPW: paserk.Secret}[t]
		if f.passwordFile == "" {
			return key{}, usagef("the key file holds a password-protected key; give --password-file")
		}
		var pw []byte
		if pw, err = e.readPassword(f.passwordFile); err != nil {
			return key{}, err
		}
		raw, err = paserk.PasswordUnwrap(v, plain, text, pw)
	case paserk.Seal:
		plain = paserk.Local
		if f.privateKeyFile == "" {
			return key{}, usagef("the key file holds a sealed key; give --private-key-file with the private key it was sealed to")
		}
		var sk key
		if sk, err = f.privateKey(e); err != nil {
			return key{}, err
		}
		priv, _ := paserk.Decode(sk.version, paserk.Secret, sk.paserk)
		raw, err = paserk.UnsealKey(v, text, ed25519.PrivateKey(priv))
	default:
		return key{}, fmt.Errorf("a k%d.%s PASERK is a key ID, not a key", int(v), t)
	}
	if errors.Is(err, paserk.ErrDecrypt) {
		return key{}, errors.New("the key does not open: wrong wrapping key, password or private key, or the key file was altered")
	}
	if err != nil {
		return key{}, err
	}
	s, err := paserk.Encode(v, plain, raw)
	if err != nil {
		return key{}, err
	}
	return key{paserk: s, version: v, typ: plain}, nil
}

// wrappingKey reads a 32-byte wrapping key: a PASERK k4.local key (what
// `keygen local` prints) or 64 hex characters.
func (f *keyFlags) wrappingKey(e *env) ([]byte, error) {
	text, in, err := e.readText(f.wrappingKeyFile, "wrapping key")
	if err != nil {
		return nil, err
	}
	e.warnIfReadable(in, "wrapping key")
	k, err := decodeKey(text, paserk.Local, 4)
	if err != nil || k.typ != paserk.Local {
		return nil, errors.New("the wrapping key must be a local key: a PASERK k4.local key or 64 hex characters (make one with: ginpaseto keygen local)")
	}
	if _, err := k.check(); err != nil {
		return nil, fmt.Errorf("the wrapping key: %w", err)
	}
	return paserk.Decode(k.version, paserk.Local, k.paserk)
}

// privateKey reads the Ed25519 private key that opens a sealed key.
func (f *keyFlags) privateKey(e *env) (key, error) {
	text, in, err := e.readText(f.privateKeyFile, "private key")
	if err != nil {
		return key{}, err
	}
	e.warnIfReadable(in, "private key")
	k, err := decodeKey(text, paserk.Secret, 4)
	if err != nil {
		return key{}, err
	}
	if k.typ != paserk.Secret || k.version == paserk.V3 {
		return key{}, errors.New("a sealed key opens with the Ed25519 private key it was sealed to (k4.secret or PEM)")
	}
	if _, err := k.check(); err != nil {
		return key{}, err
	}
	return k, nil
}

// decodeKey reads a plain key in any format the tool accepts and returns
// its canonical PASERK: a PASERK as is; PEM (PKCS#8 or SEC 1 private keys,
// PKIX public keys); hex, which is a local key of 32 bytes (a public key
// when hint says so) or a 64-byte Ed25519 private key. version applies to
// hex and Ed25519 PEM keys; P-384 PEM keys are v3.
func decodeKey(text string, hint paserk.Type, version int) (key, error) {
	if v, t, _, ok := paserk.Split(text); ok {
		if !t.Plain() {
			return key{}, fmt.Errorf("a k%d.%s PASERK is not a plain key", int(v), t)
		}
		if _, err := paserk.Decode(v, t, text); err != nil {
			return key{}, err
		}
		return key{paserk: text, version: v, typ: t}, nil
	}
	v := paserk.Version(version)
	if v != paserk.V2 && v != paserk.V3 && v != paserk.V4 {
		return key{}, usagef("--version must be 4, 3 or 2")
	}
	if strings.HasPrefix(text, "-----BEGIN ") {
		return decodePEM(text, v)
	}
	b, err := hex.DecodeString(text)
	if err != nil {
		return key{}, errors.New("the key is not a PASERK, PEM or hex")
	}
	t := paserk.Local
	switch {
	case len(b) == 32 && hint == paserk.Public:
		t = paserk.Public
	case len(b) == 64 && v != paserk.V3, len(b) == 48 && v == paserk.V3:
		t = paserk.Secret
	case len(b) == 49 && v == paserk.V3:
		t = paserk.Public
	}
	s, err := paserk.Encode(v, t, b)
	if err != nil {
		return key{}, fmt.Errorf("the key holds %d bytes of hex, which is no %s key; give key pairs as PASERK or PEM", len(b), typeName(v, t))
	}
	return key{paserk: s, version: v, typ: t}, nil
}

// typeName names a key type for messages: "k4.local".
func typeName(v paserk.Version, t paserk.Type) string {
	return strings.TrimSuffix(paserk.Header(v, t), ".")
}

func decodePEM(text string, v paserk.Version) (key, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return key{}, errors.New("the PEM key is malformed")
	}
	var parsed any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		parsed, err = x509.ParseECPrivateKey(block.Bytes)
	case "PUBLIC KEY":
		parsed, err = x509.ParsePKIXPublicKey(block.Bytes)
	default:
		return key{}, errors.New("the PEM block is not a PRIVATE KEY or PUBLIC KEY")
	}
	if err != nil {
		return key{}, errors.New("the PEM block does not hold a valid key")
	}
	if _, ok := parsed.(*ecdsa.PrivateKey); ok {
		v = paserk.V3
	}
	if _, ok := parsed.(*ecdsa.PublicKey); ok {
		v = paserk.V3
	}
	if signer, ok := parsed.(crypto.Signer); ok {
		s, err := paserk.SecretKey(v, signer)
		if err != nil {
			return key{}, err
		}
		return key{paserk: s, version: v, typ: paserk.Secret}, nil
	}
	s, err := paserk.PublicKey(v, parsed)
	if err != nil {
		return key{}, err
	}
	return key{paserk: s, version: v, typ: paserk.Public}, nil
}
