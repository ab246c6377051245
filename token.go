package ginpaseto

import (
	"encoding/base64"
	"strings"
)

// b64 is the encoding PASETO uses for payloads and footers. Strict mode
// refuses non-zero padding bits, so every token has exactly one spelling.
var b64 = base64.RawURLEncoding.Strict()

// tokenChars marks the bytes a token may hold. Every request scans the
// whole token, so the scan is a table lookup rather than a chain of range
// comparisons: on random base64 those comparisons branch unpredictably.
var tokenChars = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") {
		t[c] = true
	}
	return t
}()

// splitToken splits a token into its header ("v4.local."), encoded payload
// and encoded footer without decoding anything. It accepts only the
// characters of unpadded base64url and the dots between parts, because the
// standard decoder skips line breaks and would accept a second spelling.
func splitToken(tok string) (header, body, footer string, ok bool) {
	for i := 0; i < len(tok); i++ {
		if !tokenChars[tok[i]] {
			return "", "", "", false
		}
	}
	version, rest, ok := strings.Cut(tok, ".")
	if !ok || version == "" {
		return "", "", "", false
	}
	purpose, rest, ok := strings.Cut(rest, ".")
	if !ok || purpose == "" {
		return "", "", "", false
	}
	header = tok[:len(version)+len(purpose)+2]
	body, footer, hasFooter := strings.Cut(rest, ".")
	if body == "" || hasFooter && (footer == "" || strings.Contains(footer, ".")) {
		return "", "", "", false
	}
	return header, body, footer, true
}

// encodeToken assembles header, payload and optional footer.
func encodeToken(header string, body, footer []byte) string {
	n := len(header) + b64.EncodedLen(len(body))
	if len(footer) > 0 {
		n += 1 + b64.EncodedLen(len(footer))
	}
	out := make([]byte, n)
	copy(out, header)
	b64.Encode(out[len(header):], body)
	if len(footer) > 0 {
		i := len(header) + b64.EncodedLen(len(body))
		out[i] = '.'
		b64.Encode(out[i+1:], footer)
	}
	return string(out)
}
