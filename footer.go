package ginpaseto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// This file reads and writes the key ID in token footers. The footer is
// the only part of a token read before it is authenticated, so its parse
// is bounded and strict: it decides which key runs, nothing else.

// Bounds of the footer parse.
const (
	maxFooterJSON  = 2 << 10 // bytes of a JSON footer
	maxFooterDepth = 8       // nesting of objects and arrays, the footer itself being 1
	maxFooterKeys  = 32      // members of the footer object
)

// footerKIDClaim is the footer claim that names the key.
const footerKIDClaim = "kid"

// The reasons a footer is refused; all are 401 "Invalid PASETO token" to
// the client, the detail is for logs.
var (
	errFooterTooLarge = footerError("its JSON footer is larger than 2 KiB")
	errFooterTooDeep  = footerError("its JSON footer is nested more than 8 levels deep")
	errFooterTooWide  = footerError("its JSON footer has more than 32 members")
	errDuplicateKID   = footerError("its footer has kid twice")
	errKIDNotString   = footerError("its footer kid is not a string")
	errForeignKID     = footerError("its footer kid names a key of another version or purpose")
	errMalformedKID   = footerError("its footer kid is not a PASERK key ID")
	errUnknownKID     = footerError("its footer kid names no key of this Authorizer")
	errNoKID          = footerError("its footer names no key, and no key accepts such tokens")
)

func footerError(detail string) *Error {
	return unauthorized(ErrTokenInvalid, msgTokenInvalid).withCause(fmt.Errorf("%w: %s", ErrTokenInvalid, detail))
}

// withCause returns a copy of e whose Err is cause, which must wrap e's
// sentinel.
func (e *Error) withCause(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// footerKID returns the kid of a JSON footer. found is false for a footer
// that is empty, not a JSON object (a string footer), or an object without
// kid; err is set when the footer breaks a bound, holds kid twice, or a kid
// that is not a string.
func footerKID(footer []byte) (kid []byte, found bool, err *Error) {
	if len(footer) == 0 || footer[0] != '{' {
		return nil, false, nil
	}
	if len(footer) > maxFooterJSON {
		return nil, false, errFooterTooLarge
	}
	// The footer ginpaseto writes, {"kid":"…"}, read without a general parse.
	const open = `{"kid":"`
	if len(footer) >= len(open)+2 && bytes.HasPrefix(footer, []byte(open)) && bytes.HasSuffix(footer, []byte(`"}`)) {
		kid := footer[len(open) : len(footer)-2]
		if bytes.IndexByte(kid, '"') < 0 && bytes.IndexByte(kid, '\\') < 0 && validStringBytes(kid) {
			return kid, true, nil
		}
	}
	if !json.Valid(footer) {
		return nil, false, nil // a string footer that happens to start with {
	}
	if err := checkFooterShape(footer); err != nil {
		return nil, false, err
	}
	s := scanner{buf: footer}
	s.space()
	s.consume('{')
	for {
		s.space()
		if s.consume('}') {
			return kid, found, nil
		}
		name := s.rawString()
		s.space()
		s.consume(':')
		s.space()
		if string(unquoteRawKey(name)) == footerKIDClaim {
			if found {
				return nil, false, errDuplicateKID
			}
			if s.peek() != '"' {
				return nil, false, errKIDNotString
			}
			raw := s.rawString()
			if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 && validStringBytes(inner) {
				kid = inner // as sent: no copy
			} else {
				kid = []byte(unquote(raw))
			}
			found = true
		} else {
			s.skipValue()
		}
		s.space()
		s.consume(',')
	}
}

// checkFooterShape bounds the depth and the member count of a valid JSON
// object in one pass.
func checkFooterShape(footer []byte) *Error {
	depth, members := 0, 0
	inString := false
	for i := 0; i < len(footer); i++ {
		c := footer[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			if depth == 1 && expectsKey(footer, i) {
				members++
				if members > maxFooterKeys {
					return errFooterTooWide
				}
			}
		case '{', '[':
			depth++
			if depth > maxFooterDepth {
				return errFooterTooDeep
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// expectsKey reports whether the string opening at i is a member name of
// the object around it: the previous significant byte is { or ,.
func expectsKey(b []byte, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch b[j] {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', ',':
			return true
		}
		return false
	}
	return false
}

// validStringBytes reports whether b may sit between the quotes of a JSON
// string unescaped: no control characters. PASERK IDs are base64url, so
// anything else is for the general parse to judge.
func validStringBytes(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x80 {
			return false
		}
	}
	return true
}

// isPaserkID reports whether kid is meant as a PASERK ("k4.…"): such a kid
// is ginpaseto's and must name a key; any other string is an
// application's own claim.
func isPaserkID(kid []byte) bool {
	return len(kid) >= 3 && kid[0] == 'k' && kid[1] >= '0' && kid[1] <= '9' && kid[2] == '.'
}

// paserkIDLength is the length of a PASERK ID after its header: the
// base64url of 33 bytes.
const paserkIDLength = 44

// keyFor picks the one key that may open a token with this footer.
//
// A kid shaped as a key ID of these keys ("k4.lid." and 44 characters for
// v4.local tokens) must name one of them. Any other kid names none of
// them: it is the application's, such as fastapi-paseto's documented
// {"kid":"k4.lid.primary"}, and the token goes to the key that accepts
// tokens without a kid, if any, as a token without kid would; the footer
// stays the application's data, authenticated with the token.
func (h *headerKeys) keyFor(footer []byte) (*ringKey, *Error) {
	kid, found, err := footerKID(footer)
	if err != nil {
		return nil, err
	}
	if !found || !isPaserkID(kid) {
		if h.noKID == nil {
			return nil, errNoKID
		}
		return h.noKID, nil
	}
	if !bytes.HasPrefix(kid, []byte(h.kidPrefix)) || len(kid) != len(h.kidPrefix)+paserkIDLength {
		switch {
		case h.noKID != nil:
			return h.noKID, nil
		case !bytes.HasPrefix(kid, []byte(h.kidPrefix)):
			return nil, errForeignKID
		}
		return nil, errMalformedKID
	}
	k := h.byKID[string(kid)]
	if k == nil {
		return nil, errUnknownKID
	}
	return k, nil
}

// footerFor builds the footer of a token created with key k: the
// application's JSON footer with kid added first, or {"kid":"…"} alone.
// A footer that cannot name the key (a string, or JSON with a kid of the
// application's own) is kept as given when k accepts tokens without a kid,
// and refused otherwise. Whatever the outcome, the footer must lead a check
// back to k, or the token is not created.
func footerFor(h *headerKeys, k *ringKey, footer any) ([]byte, error) {
	raw, err := marshalFooter(footer)
	if err != nil {
		return nil, err
	}
	_, asText := footer.(string)
	if _, isBytes := footer.([]byte); isBytes {
		asText = true
	}
	switch {
	case len(raw) == 0:
		raw = append(append([]byte(`{"kid":"`), k.kid...), `"}`...)
	case asText:
		if !k.acceptNoKID {
			return nil, fmt.Errorf("ginpaseto: a string footer cannot carry the key ID (kid) that checks need to pick the key %s; pass the footer as a map or struct, which gets kid added", k.kid)
		}
	default:
		_, found, ferr := footerKID(raw)
		switch {
		case ferr != nil && ferr != errDuplicateKID && ferr != errKIDNotString:
			return nil, fmt.Errorf("ginpaseto: the footer is refused by checks: %s; keep footers small and flat", causeDetail(ferr))
		case found || ferr != nil:
			if !k.acceptNoKID {
				return nil, errors.New("ginpaseto: the footer claim kid is written by ginpaseto to name the key; rename the application's own claim")
			}
		default:
			raw = insertKID(raw, k.kid)
		}
	}
	got, kerr := h.keyFor(raw)
	if kerr != nil {
		return nil, fmt.Errorf("ginpaseto: the token would not verify: %s", causeDetail(kerr))
	}
	if got != k {
		return nil, errors.New("ginpaseto: the footer's kid names another key than the one creating the token; remove kid from the footer")
	}
	return raw, nil
}

// insertKID adds "kid":kid as the first member of the JSON object obj.
func insertKID(obj []byte, kid string) []byte {
	rest := bytes.TrimLeft(obj[1:], " \t\r\n")
	out := make([]byte, 0, len(obj)+len(kid)+10)
	out = append(out, `{"kid":"`...)
	out = append(out, kid...)
	out = append(out, '"')
	if len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...)
}

// causeDetail is the log detail of a footer error, without the sentinel's
// prefix.
func causeDetail(e *Error) string {
	msg := e.Err.Error()
	if p := ErrTokenInvalid.Error() + ": "; len(msg) > len(p) && msg[:len(p)] == p {
		return msg[len(p):]
	}
	return msg
}
