// Package paserk implements the PASERK key formats for the PASETO versions
// ginpaseto supports: plain keys (local, secret, public), key IDs (lid, sid,
// pid), and for versions 2 and 4 the formats for keys at rest: symmetric
// wrapping (local-wrap.pie, secret-wrap.pie), password protection
// (local-pw, secret-pw) and public-key sealing (seal).
//
// The package works on raw key bytes and checks only what the encodings
// define: headers, base64url, lengths and authentication tags. Whether a key
// is usable (a point on the curve, not a placeholder) is the caller's
// decision.
//
// Errors never contain the input: a PASERK may hold a key, and errors end
// up in logs. They are built from fixed text, lengths and headers that were
// recognized as such.
package paserk

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Version is a PASERK version, the digit after "k": 4 for "k4.local.…".
type Version int

// The versions whose key types this package encodes.
const (
	V2 Version = 2
	V3 Version = 3
	V4 Version = 4
)

// Type is a PASERK type, the part of the header after the version.
type Type string

// PASERK types.
const (
	Local      Type = "local"       // symmetric key for local tokens
	Secret     Type = "secret"      // private key for public tokens
	Public     Type = "public"      // public key for public tokens
	LocalID    Type = "lid"         // ID of a local key
	SecretID   Type = "sid"         // ID of a secret key
	PublicID   Type = "pid"         // ID of a public key
	LocalWrap  Type = "local-wrap"  // local key wrapped with a symmetric key
	SecretWrap Type = "secret-wrap" // secret key wrapped with a symmetric key
	LocalPW    Type = "local-pw"    // local key protected by a password
	SecretPW   Type = "secret-pw"   // secret key protected by a password
	Seal       Type = "seal"        // local key encrypted to a public key
)

// pie is the only wrapping protocol defined by PASERK itself; it follows
// the type in the header: "k4.local-wrap.pie.".
const pie = "pie"

// Errors, for errors.Is. The errors returned wrap one of these with a
// message that says what was expected.
var (
	// ErrNotPASERK: the text does not start with a PASERK header.
	ErrNotPASERK = errors.New("not a PASERK")
	// ErrVersion: the PASERK is of another version than required, or of a
	// version this package does not implement for its type.
	ErrVersion = errors.New("wrong PASERK version")
	// ErrType: the PASERK is of another type than required.
	ErrType = errors.New("wrong PASERK type")
	// ErrEncoding: the payload is not canonical unpadded base64url, or has
	// the wrong length.
	ErrEncoding = errors.New("malformed PASERK")
	// ErrKeySize: a raw key given for encoding has the wrong length.
	ErrKeySize = errors.New("wrong key size")
	// ErrDecrypt: a wrapped, password-protected or sealed key does not
	// open: wrong wrapping key, password or secret key, or altered data.
	ErrDecrypt = errors.New("the key does not open: wrong wrapping key, password or secret key, or altered data")
	// ErrParams: password-hashing parameters outside the accepted bounds.
	ErrParams = errors.New("password-hashing parameters out of bounds")
)

// Header returns the header of type t for version v, with its trailing
// period: "k4.local.". Wrapped types include the protocol:
// "k4.local-wrap.pie.".
func Header(v Version, t Type) string {
	if t == LocalWrap || t == SecretWrap {
		return fmt.Sprintf("k%d.%s.%s.", int(v), t, pie)
	}
	return fmt.Sprintf("k%d.%s.", int(v), t)
}

// Known reports whether t is a type defined by PASERK.
func (t Type) Known() bool {
	switch t {
	case Local, Secret, Public, LocalID, SecretID, PublicID, LocalWrap, SecretWrap, LocalPW, SecretPW, Seal:
		return true
	}
	return false
}

// Plain reports whether t holds a key as is: local, secret or public.
func (t Type) Plain() bool { return t == Local || t == Secret || t == Public }

// Parsed is a PASERK split into its parts.
type Parsed struct {
	Version Version
	Type    Type
	// Data is the decoded payload (after "pie." for wrapped types).
	Data []byte
}

// Header returns the PASERK's header, as Header does.
func (p Parsed) Header() string { return Header(p.Version, p.Type) }

// Split reads the header of s: a version k1 to k9 and a known type. ok is
// false when s does not start like a PASERK, so that a caller can try other
// formats; the payload is not looked at.
func Split(s string) (v Version, t Type, payload string, ok bool) {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) != 3 || len(parts[0]) != 2 || parts[0][0] != 'k' || parts[0][1] < '1' || parts[0][1] > '9' {
		return 0, "", "", false
	}
	v, t, payload = Version(parts[0][1]-'0'), Type(parts[1]), parts[2]
	if !t.Known() {
		return 0, "", "", false
	}
	if t == LocalWrap || t == SecretWrap {
		// The protocol is part of the header; one other than pie is still a
		// PASERK, just not one this package opens.
		proto, rest, found := strings.Cut(payload, ".")
		if !found || proto != pie {
			return v, t, "", true
		}
		payload = rest
	}
	return v, t, payload, true
}

// Parse splits s and decodes its payload. It refuses text that is not a
// PASERK (ErrNotPASERK), a wrapping protocol other than pie, and payloads
// that are not canonical unpadded base64url (ErrEncoding); lengths are
// checked by the functions that use the data.
func Parse(s string) (Parsed, error) {
	v, t, payload, ok := Split(s)
	if !ok {
		return Parsed{}, ErrNotPASERK
	}
	h := fmt.Sprintf("k%d.%s", int(v), t)
	if (t == LocalWrap || t == SecretWrap) && payload == "" {
		return Parsed{}, fmt.Errorf("%w: %s uses a wrapping protocol other than pie", ErrEncoding, h)
	}
	data, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil || payload == "" {
		return Parsed{}, fmt.Errorf("%w: the %s payload is not unpadded base64url; copy the whole PASERK", ErrEncoding, h)
	}
	return Parsed{Version: v, Type: t, Data: data}, nil
}

// KeySize returns the length of a raw key of plain type t for version v:
// 32 bytes for local keys; for v2 and v4 a 64-byte Ed25519 secret key
// (seed and public key) and a 32-byte public key; for v3 a 48-byte P-384
// scalar and a 49-byte compressed point.
func KeySize(v Version, t Type) (int, error) {
	switch {
	case v == 1:
		return 0, fmt.Errorf("%w: k1 keys (PASETO v1) are not supported; use k4", ErrVersion)
	case v != V2 && v != V3 && v != V4:
		return 0, fmt.Errorf("%w: k%d is an unknown PASETO version (there are v1 to v4); use a k4 key", ErrVersion, int(v))
	}
	switch t {
	case Local:
		return 32, nil
	case Secret:
		if v == V3 {
			return 48, nil
		}
		return 64, nil
	case Public:
		if v == V3 {
			return 49, nil
		}
		return 32, nil
	}
	return 0, fmt.Errorf("%w: %s does not hold a plain key", ErrType, t)
}

// Encode serializes a raw key of plain type t as a PASERK.
func Encode(v Version, t Type, key []byte) (string, error) {
	if err := checkKey(v, t, key); err != nil {
		return "", err
	}
	return Header(v, t) + base64.RawURLEncoding.EncodeToString(key), nil
}

// Decode parses s as a PASERK of exactly version v and plain type t and
// returns the raw key.
func Decode(v Version, t Type, s string) ([]byte, error) {
	p, err := parseAs(v, t, s)
	if err != nil {
		return nil, err
	}
	if err := checkKey(v, t, p.Data); err != nil {
		if errors.Is(err, ErrVersion) || errors.Is(err, ErrType) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: the %s key holds %d bytes", ErrEncoding, strings.TrimSuffix(Header(v, t), "."), len(p.Data))
	}
	return p.Data, nil
}

// checkKey checks the length of a raw key, and for v3 public keys the
// compressed-point prefix that PASERK requires.
func checkKey(v Version, t Type, key []byte) error {
	n, err := KeySize(v, t)
	if err != nil {
		return err
	}
	if len(key) != n {
		return fmt.Errorf("%w: a %s key is %d bytes, not %d", ErrKeySize, strings.TrimSuffix(Header(v, t), "."), n, len(key))
	}
	if v == V3 && t == Public && key[0] != 2 && key[0] != 3 {
		return fmt.Errorf("%w: a k3.public key is a compressed P-384 point, starting with 02 or 03", ErrKeySize)
	}
	return nil
}

// parseAs parses s and requires version v and type t.
func parseAs(v Version, t Type, s string) (Parsed, error) {
	gotV, gotT, _, ok := Split(s)
	want := strings.TrimSuffix(Header(v, t), ".")
	if !ok {
		return Parsed{}, fmt.Errorf("%w: expected a %s PASERK", ErrNotPASERK, want)
	}
	got := fmt.Sprintf("k%d.%s", int(gotV), gotT)
	if gotT != t {
		return Parsed{}, fmt.Errorf("%w: got %s, expected %s", ErrType, got, want)
	}
	if gotV != v {
		return Parsed{}, fmt.Errorf("%w: got %s, expected %s", ErrVersion, got, want)
	}
	return Parse(s)
}
