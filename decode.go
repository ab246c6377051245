package ginpaseto

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"
)

// This file reads the registered claims out of a payload. It runs on every
// request. encoding/json, which Claims.Decode uses, matches a key to a
// struct field regardless of case, under Unicode case folding ("SUB", "Sub"
// and "ſub" all fill a field tagged "sub"), and the last match wins. So a
// payload holding a key that folds to a registered claim name without
// being that name is refused: otherwise the fields here and a struct
// decoded by the application could read two different subjects. The
// scanner below accepts exactly the payloads json.Valid accepts: it checks
// the object, the keys and the registered claims as it reads them, and
// hands the other claims, which it skips, to json.Valid; they are read
// later with Claims.Get or Decode.

var (
	errNotObject      = errors.New("claims are not a JSON object")
	errDuplicateClaim = errors.New("a registered claim appears twice")
	errClaimType      = errors.New("a registered claim has the wrong JSON type")
	errFoldedClaim    = errors.New("a claim name differs from a registered one only in letter case")
)

// claimField is what a registered claim decodes into.
type claimField int

const (
	fieldNone claimField = iota
	fieldSub
	fieldType
	fieldFresh
	fieldJTI
	fieldSid
	fieldIss
	fieldAud
	fieldIat
	fieldNbf
	fieldExp
	fieldScope
	fieldCSRF
	numFields // not a field: the number of them
)

func fieldOf(name []byte) claimField {
	switch string(name) { // no allocation: the compiler compares in place
	case "sub":
		return fieldSub
	case "type":
		return fieldType
	case "fresh":
		return fieldFresh
	case "jti":
		return fieldJTI
	case "sid":
		return fieldSid
	case "iss":
		return fieldIss
	case "aud":
		return fieldAud
	case "iat":
		return fieldIat
	case "nbf":
		return fieldNbf
	case "exp":
		return fieldExp
	case "scope":
		return fieldScope
	case "csrf":
		return fieldCSRF
	}
	return fieldNone
}

// parseClaims decodes a payload: a JSON object whose registered claims,
// when present and not null, have their registered types, each at most
// once.
func parseClaims(payload []byte, footer []byte) (*Claims, error) {
	s := scanner{buf: payload}
	s.space()
	if !s.consume('{') {
		if !json.Valid(payload) {
			return nil, errNotJSON
		}
		return nil, errNotObject
	}
	c := &Claims{payload: payload}
	var seen [numFields]bool
	s.space()
	if s.consume('}') {
		return s.end(c, footer)
	}
	for {
		s.space()
		if s.peek() != '"' {
			return nil, errNotJSON
		}
		name := s.rawString()
		if !validString(name) {
			return nil, errNotJSON
		}
		s.space()
		if !s.consume(':') {
			return nil, errNotJSON
		}
		s.space()
		key := unquoteRawKey(name)
		field := fieldOf(key)
		if field == fieldNone {
			if foldsToClaim(key) {
				return nil, errFoldedClaim
			}
			// Other claims are read later, by Get or Decode: they need
			// only be valid JSON.
			if !json.Valid(s.skipValue()) {
				return nil, errNotJSON
			}
		} else {
			if seen[field] {
				return nil, errDuplicateClaim
			}
			seen[field] = true
			if err := s.claim(c, field); err != nil {
				return nil, err
			}
		}
		s.space()
		if s.consume('}') {
			return s.end(c, footer)
		}
		if !s.consume(',') {
			return nil, errNotJSON
		}
	}
}

var errNotJSON = errors.New("claims are not valid JSON")

// end completes the claims once the object is closed: nothing but space
// may follow.
func (s *scanner) end(c *Claims, footer []byte) (*Claims, error) {
	s.space()
	if s.pos != len(s.buf) {
		return nil, errNotJSON
	}
	return finishClaims(c, footer), nil
}

// validString reports whether raw, as rawString returned it, is a whole
// JSON string as encoding/json accepts one: closed, without control
// characters, every escape one of JSON's. Like encoding/json, it does not
// ask for valid UTF-8.
func validString(raw []byte) bool {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return false
	}
	inner := raw[1 : len(raw)-1]
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case c < 0x20:
			return false
		case c == '"':
			return false // an unescaped quote ends the string earlier
		case c == '\\':
			i++
			if i == len(inner) {
				return false
			}
			switch inner[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+5 > len(inner) {
					return false
				}
				for _, h := range inner[i+1 : i+5] {
					if !isHex(h) {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// maxFoldedClaimSize is the longest spelling, in bytes, of a registered
// name under case folding: five letters, each at most three bytes long
// (the Kelvin sign K, U+212A, folds to k).
const maxFoldedClaimSize = 5 * 3

// foldsToClaim reports whether key, which is not exactly a registered
// name, equals one under Unicode simple case folding, as encoding/json
// compares a key with a field's name.
func foldsToClaim(key []byte) bool {
	if len(key) < 3 || len(key) > maxFoldedClaimSize {
		return false
	}
	for _, name := range reservedClaims {
		if bytes.EqualFold(key, []byte(name)) {
			return true
		}
	}
	return false
}

func finishClaims(c *Claims, footer []byte) *Claims {
	if len(footer) > 0 {
		c.Footer = string(footer)
	}
	return c
}

// unquoteRawKey returns the name of a key given with its quotes. A key
// written with escapes ("\u0073ub") is decoded, so it cannot pass for an
// unknown claim.
func unquoteRawKey(raw []byte) []byte {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	var name string
	if json.Unmarshal(raw, &name) != nil {
		return nil
	}
	return []byte(name)
}

// claim decodes the value at the cursor into the registered field.
func (s *scanner) claim(c *Claims, field claimField) error {
	switch s.peek() {
	case 'n': // null: as if absent
		if !s.literal("null") {
			return errNotJSON
		}
		return nil
	case 't', 'f':
		if field != fieldFresh {
			return errClaimType
		}
		switch {
		case s.literal("true"):
			c.Fresh = true
		case s.literal("false"):
		default:
			return errNotJSON
		}
		return nil
	case '[':
		if field != fieldAud {
			return errClaimType
		}
		if json.Unmarshal(s.skipValue(), &c.Audience) != nil {
			return errClaimType
		}
		return nil
	case '"':
	default:
		return errClaimType
	}
	if field == fieldFresh {
		return errClaimType
	}
	start := s.pos
	raw := s.rawString()
	if !validString(raw) {
		return errNotJSON
	}
	switch field {
	case fieldIat, fieldNbf, fieldExp:
		t, err := parseTime(raw)
		if err != nil {
			return err
		}
		switch field {
		case fieldIat:
			c.IssuedAt = t
		case fieldNbf:
			c.NotBefore = t
		default:
			c.Expiration = t
		}
		return nil
	case fieldType:
		c.Type = tokenType(raw)
		return nil
	case fieldScope:
		c.Scopes = splitScopes(s.unquote(start, raw))
		return nil
	}
	str := s.unquote(start, raw)
	switch field {
	case fieldSub:
		c.Subject = str
	case fieldJTI:
		c.JTI = str
	case fieldSid:
		c.SessionID = str
	case fieldCSRF:
		c.CSRF = str
	case fieldIss:
		c.Issuer = str
	case fieldAud:
		c.Audience = []string{str}
	}
	return nil
}

// unquote decodes the JSON string raw, found at start. A string without
// escapes, the usual case, is a substring of the payload converted once,
// so that the claims of a token cost one allocation rather than one each.
func (s *scanner) unquote(start int, raw []byte) string {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') >= 0 || !utf8.Valid(inner) {
		return unquote(raw)
	}
	if s.str == "" {
		s.str = string(s.buf)
	}
	return s.str[start+1 : start+len(raw)-1]
}

// tokenType returns the type claim, sharing the constants for the two
// types every request carries.
func tokenType(raw []byte) string {
	switch string(raw) {
	case `"` + TypeAccess + `"`:
		return TypeAccess
	case `"` + TypeRefresh + `"`:
		return TypeRefresh
	}
	return unquote(raw)
}

var errTimeClaim = errors.New("a time claim is not an RFC 3339 string")

// parseTime reads an RFC 3339 time claim given with its quotes. The form
// ginpaseto writes, "2006-01-02T15:04:05Z", is read straight from the
// bytes; any other goes through time.Parse.
func parseTime(raw []byte) (time.Time, error) {
	if t, ok := parseUTCSeconds(raw); ok {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, unquote(raw))
	if err != nil {
		return time.Time{}, errTimeClaim
	}
	return t.UTC(), nil
}

// parseUTCSeconds reads "YYYY-MM-DDTHH:MM:SSZ" with quotes, and reports
// false for anything else, including dates that do not exist.
func parseUTCSeconds(raw []byte) (time.Time, bool) {
	const layout = `"dddd-dd-ddTdd:dd:ddZ"`
	if len(raw) != len(layout) {
		return time.Time{}, false
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == 'd' {
			if raw[i] < '0' || raw[i] > '9' {
				return time.Time{}, false
			}
		} else if raw[i] != layout[i] {
			return time.Time{}, false
		}
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range raw[i : i+n] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(1, 4), time.Month(num(6, 2)), num(9, 2)
	hour, minute, sec := num(12, 2), num(15, 2), num(18, 2)
	if hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	if t.Month() != month || t.Day() != day { // time.Date normalizes Feb 30 to March
		return time.Time{}, false
	}
	return t, true
}

// scanner walks a payload. parseClaims checks as it goes that the JSON is
// well formed, as json.Valid would, and hands skipped values to
// json.Valid.
type scanner struct {
	buf []byte
	pos int
	str string // buf as a string, made by the first unquote that needs it
}

func (s *scanner) peek() byte {
	if s.pos < len(s.buf) {
		return s.buf[s.pos]
	}
	return 0
}

func (s *scanner) space() {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.pos++
		return true
	}
	return false
}

func (s *scanner) literal(lit string) bool {
	if bytes.HasPrefix(s.buf[s.pos:], []byte(lit)) {
		s.pos += len(lit)
		return true
	}
	return false
}

// rawString returns the string at the cursor, quotes included.
func (s *scanner) rawString() []byte {
	start := s.pos
	s.pos++ // opening quote
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case '\\':
			s.pos += 2
		case '"':
			s.pos++
			return s.buf[start:s.pos]
		default:
			s.pos++
		}
	}
	return s.buf[start:]
}

// unquote decodes a JSON string given with its quotes.
func unquote(raw []byte) string {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	// Escapes, or bytes that are not UTF-8, which encoding/json turns into
	// U+FFFD: decode as Claims.Get would, so both read the same string.
	var str string
	json.Unmarshal(raw, &str) // a valid JSON string: cannot fail
	return str
}

// skipValue moves past the value at the cursor and returns it.
func (s *scanner) skipValue() []byte {
	start := s.pos
	depth := 0
	for s.pos < len(s.buf) {
		switch c := s.buf[s.pos]; c {
		case '"':
			s.rawString()
			if depth == 0 {
				return s.buf[start:s.pos]
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return s.buf[start:s.pos]
			}
			depth--
			if depth == 0 {
				s.pos++
				return s.buf[start:s.pos]
			}
		case ',':
			if depth == 0 {
				return s.buf[start:s.pos]
			}
		}
		s.pos++
	}
	return s.buf[start:]
}
