// Package tokenshape finds text shaped like a PASETO token, bare
// ("v4.local.…") or wrapped in base64, and what is shaped like a token's
// body whatever stands before it, and replaces it with Redacted. The
// access log formatter, the WebSocket subprotocol echo, the session
// metadata checks and the observer's user agents share it.
package tokenshape

import (
	"encoding/base64"
	"strings"
)

// Redacted replaces every token, and every value that may hold one, in
// what is logged; key material prints as Redacted too.
const Redacted = "[REDACTED]"

// marker starts every PASETO token: bare ("v4.local."), or wrapped in
// base64 by the Base64 option ("djQubG9jYWwu", the first nine bytes
// encoded, which both alphabets spell alike).
type marker struct {
	text    string
	wrapped bool
}

var markers = func() []marker {
	var list []marker
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		for _, purpose := range []string{"local.", "public."} {
			header := v + "." + purpose
			list = append(list,
				marker{header, false},
				marker{base64.StdEncoding.EncodeToString([]byte(header[:9])), true})
		}
	}
	return list
}()

// Contains reports whether s holds something shaped like a PASETO token.
func Contains(s string) bool {
	for _, m := range markers {
		if strings.Contains(s, m.text) {
			return true
		}
	}
	return false
}

// Redact replaces every token-shaped run in s with Redacted, from its
// marker to the end of the characters a token (base64url and dots) or its
// base64 wrapping (either alphabet, padded) can hold.
func Redact(s string) string {
	if !Contains(s) {
		return s
	}
	var b strings.Builder
	for {
		start, found := -1, marker{}
		for _, m := range markers {
			if i := strings.Index(s, m.text); i >= 0 && (start < 0 || i < start) {
				start, found = i, m
			}
		}
		if start < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := start + len(found.text)
		for end < len(s) && isTokenByte(s[end], found.wrapped) {
			end++
		}
		b.WriteString(s[:start])
		b.WriteString(Redacted)
		s = s[end:]
	}
}

// MinSecretRun is the length from which a run of base64url characters in
// a logged URL or header is taken for the secret body of a token whose
// header ("v4.local.") a client mangled beyond recognition: percent-encoded
// bytes in it, HTML entities for its dots, look-alike dots. A token's body
// is at least 86 such characters (the 64 bytes of nonce and tag, or of the
// signature, plus the payload); the IDs people put in URLs are shorter:
// 36 for a UUID, 64 for a SHA-256 in hex.
const MinSecretRun = 80

// RedactSecrets redacts tokens by their marker, then what is shaped like a
// token's body (MinSecretRun base64url characters or more in a row),
// whatever stands before it.
func RedactSecrets(s string) string {
	return redactRuns(Redact(s))
}

// redactRuns replaces each run of MinSecretRun base64url characters or
// more in s.
func redactRuns(s string) string {
	if !HasLongRun(s) {
		return s
	}
	var b strings.Builder
	start := 0 // of the current run
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isTokenByte(s[i], false) && s[i] != '.' {
			continue
		}
		if i-start >= MinSecretRun {
			b.WriteString(Redacted)
		} else {
			b.WriteString(s[start:i])
		}
		if i < len(s) {
			b.WriteByte(s[i])
		}
		start = i + 1
	}
	return b.String()
}

// HasLongRun reports whether s holds MinSecretRun base64url characters in
// a row.
func HasLongRun(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if isTokenByte(s[i], false) && s[i] != '.' {
			if run++; run >= MinSecretRun {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// isTokenByte reports whether c can appear in a token (base64url and
// dots) or, when wrapped, in its base64 encoding.
func isTokenByte(c byte, wrapped bool) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' {
		return true
	}
	if wrapped {
		return c == '+' || c == '/' || c == '='
	}
	return c == '.'
}
