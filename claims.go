package ginpaseto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Token types ginpaseto creates itself. Any other non-empty string is a
// custom type, created with CreateToken and required with TypeRequired.
const (
	TypeAccess  = "access"
	TypeRefresh = "refresh"
)

// reservedClaims are written by ginpaseto; extra claims may not use them.
var reservedClaims = []string{"sub", "type", "fresh", "jti", "iat", "nbf", "exp", "iss", "aud", "scope", "sid", "csrf"}

// Claims is the verified content of a token. The registered claims are
// decoded into fields; any other claim is read with Get, or the whole payload
// with Decode.
type Claims struct {
	Subject  string   // sub
	Type     string   // type: "access", "refresh" or a custom type
	JTI      string   // jti: unique token ID, the key for revocation
	Fresh    bool     // fresh: set on access tokens created with Fresh()
	Issuer   string   // iss, when present
	Audience []string // aud, when present (a string or an array on the wire)
	Scopes   []string // scope, when present (a space-separated string on the wire)

	// SessionID is the sid claim: the session that CreateTokenPair
	// started, shared by its access and refresh tokens and kept by
	// RotateRefreshToken. Empty for tokens created outside a session.
	SessionID string

	// CSRF is the csrf claim of the tokens of a session created by an
	// Authorizer with WithCookies, the same in every pair of the session
	// (a refresh keeps it): the value that unsafe requests
	// authenticated by a cookie must repeat in the CSRF header.
	CSRF string

	IssuedAt   time.Time // iat; zero when absent
	NotBefore  time.Time // nbf; zero when absent
	Expiration time.Time // exp; zero only for tokens created with NoExpiry

	// Footer is the token's footer as sent: authenticated, but never
	// encrypted. Empty when the token has none.
	Footer string

	payload []byte // the decrypted or verified JSON payload
}

// errNilClaims is what the Claims methods return on a nil *Claims, as
// GetClaims gives when no check accepted a token (a handler registered
// before the check, or after Optional let an anonymous request through).
var errNilClaims = errors.New("ginpaseto: no claims: no check accepted a token for this request")

// ErrClaimNotPresent is returned by Claims.Get for a claim the token does
// not have, so callers can tell an optional claim's absence from a claim of
// the wrong JSON type.
var ErrClaimNotPresent = errors.New("ginpaseto: claim not present")

// Get decodes the claim name into v, which must be a pointer, as
// json.Unmarshal would. A claim the token lacks gives ErrClaimNotPresent.
func (c *Claims) Get(name string, v any) error {
	if c == nil {
		return errNilClaims
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(c.payload, &all); err != nil {
		return fmt.Errorf("ginpaseto: decoding claims: %w", err)
	}
	raw, ok := all[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrClaimNotPresent, name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("ginpaseto: decoding claim %q: %w", name, err)
	}
	return nil
}

// Decode decodes the whole payload, registered and extra claims alike, into
// v, which is usually a pointer to a struct with json tags.
func (c *Claims) Decode(v any) error {
	if c == nil {
		return errNilClaims
	}
	if err := json.Unmarshal(c.payload, v); err != nil {
		return fmt.Errorf("ginpaseto: decoding claims: %w", err)
	}
	return nil
}

// DecodeFooter decodes a JSON footer into v. Use Footer for string footers.
func (c *Claims) DecodeFooter(v any) error {
	if c == nil {
		return errNilClaims
	}
	if c.Footer == "" {
		return errors.New("ginpaseto: token has no footer")
	}
	if err := json.Unmarshal([]byte(c.Footer), v); err != nil {
		return fmt.Errorf("ginpaseto: decoding footer: %w", err)
	}
	return nil
}

// HasAudience reports whether aud is one of the token's audiences.
func (c *Claims) HasAudience(aud string) bool {
	return c != nil && slices.Contains(c.Audience, aud)
}

// claimsBuilder writes a payload in the registered layout: sub, type,
// fresh (access tokens only), jti, iat, nbf, exp, iss, aud, scope, sid
// and csrf (session tokens only), then extra claims in key order.
type claimsBuilder struct{ buf []byte }

func (b *claimsBuilder) field(name string) {
	if len(b.buf) == 0 {
		b.buf = append(b.buf, '{')
	} else {
		b.buf = append(b.buf, ',')
	}
	// Extra claim names are the application's and may need escaping.
	b.buf = appendJSONString(b.buf, name)
	b.buf = append(b.buf, ':')
}

func (b *claimsBuilder) str(name, value string) {
	b.field(name)
	b.buf = appendJSONString(b.buf, value)
}

func (b *claimsBuilder) time(name string, t time.Time) {
	b.field(name)
	b.buf = append(b.buf, '"')
	b.buf = t.UTC().AppendFormat(b.buf, time.RFC3339)
	b.buf = append(b.buf, '"')
}

func (b *claimsBuilder) boolean(name string, v bool) {
	b.field(name)
	b.buf = strconv.AppendBool(b.buf, v)
}

func (b *claimsBuilder) raw(name string, v []byte) {
	b.field(name)
	b.buf = append(b.buf, v...)
}

func (b *claimsBuilder) bytes() []byte { return append(b.buf, '}') }

// appendJSONString appends s as a JSON string. Plain printable ASCII, the
// common case for subjects and IDs, is copied as is; anything else goes
// through encoding/json for correct escaping.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s) // a string always marshals
			return append(dst, quoted...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// marshalExtraClaims encodes user claims in key order and refuses reserved
// names, so that a user claim can never shadow one ginpaseto relies on.
func marshalExtraClaims(claims map[string]any) ([]string, [][]byte, error) {
	keys := make([]string, 0, len(claims))
	for k := range claims {
		// Case-insensitively, because encoding/json matches the registered
		// claims that way when the payload is decoded: "SUB" would shadow sub.
		if slices.ContainsFunc(reservedClaims, func(r string) bool { return strings.EqualFold(k, r) }) {
			return nil, nil, fmt.Errorf("ginpaseto: claim %q is reserved; reserved claims are %s, in any letter case", k, strings.Join(reservedClaims, ", "))
		}
		if k == "" || !utf8.ValidString(k) {
			return nil, nil, errors.New("ginpaseto: claim names must be non-empty UTF-8 strings")
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// encoding/json matches object keys to struct fields under Unicode
	// simple case folding, taking the last of several that fold alike,
	// while Claims.Get matches exactly: two such names ("is_admin" and
	// "iſ_admin") would read differently through ClaimsAs and Get.
	folded := make(map[string]string, len(keys))
	for _, k := range keys {
		f := foldName(k)
		if prev, ok := folded[f]; ok {
			return nil, nil, fmt.Errorf("ginpaseto: claims %q and %q differ only in letter case, which JSON decoding does not tell apart; rename one", prev, k)
		}
		folded[f] = k
	}
	values := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := json.Marshal(claims[k])
		if err != nil {
			return nil, nil, fmt.Errorf("ginpaseto: claim %q cannot be encoded as JSON: %w", k, err)
		}
		values[i] = v
	}
	return keys, values, nil
}

// marshalFooter turns a footer value into bytes: a string or []byte is used
// as is, anything else must encode to a JSON object.
func marshalFooter(v any) ([]byte, error) {
	switch f := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []byte(f), nil
	case []byte:
		return bytes.Clone(f), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("ginpaseto: footer cannot be encoded as JSON: %w", err)
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, errors.New("ginpaseto: a footer must be a string or encode to a JSON object")
	}
	return b, nil
}

// foldName maps s to one spelling of the names equal to it under Unicode
// simple case folding, as strings.EqualFold and encoding/json compare
// names: each rune becomes the smallest rune of its folding orbit.
func foldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}
