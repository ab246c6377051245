package ginpaseto

import "crypto/ed25519"

// This file exposes internals to the external tests in package
// ginpaseto_test, which need tokens no Authorizer would create: payloads
// that are not claims at all, or claims of the wrong types.

// SealV4LocalForTest seals payload as it is into a v4.local token.
func SealV4LocalForTest(key, payload, footer, implicit []byte) string {
	tok, err := newV4Local(key).seal(payload, footer, implicit)
	if err != nil {
		panic(err)
	}
	return tok
}

// SealV4PublicForTest signs payload as it is into a v4.public token.
func SealV4PublicForTest(key ed25519.PrivateKey, payload, footer, implicit []byte) string {
	tok, err := v4Signer{hide(key)}.seal(payload, footer, implicit)
	if err != nil {
		panic(err)
	}
	return tok
}

// CachedForTest reports whether the verified-token cache answers for tok,
// sent bare and without an implicit assertion, under the current keys.
func CachedForTest(a *Authorizer, tok string) bool {
	_, ok := a.cache.lookup(a.cache.key(tok, nil, false), a.keys.Load())
	return ok
}
