// Package legacy names the PASETO versions 2 and 3, which ginpaseto
// creates and verifies only to exchange tokens with systems that use
// them. New systems use version 4, the default, and need nothing here.
//
// ginpaseto.WithVersion(legacy.V3) or ginpaseto.WithVersion(legacy.V2)
// switches every key and token of an Authorizer to that version
// (PASETO_VERSION=v3 or v2 with ginpaseto.FromEnv); tokens of any other
// version, v4 included, are then rejected before any cryptography runs.
//
//   - V3 uses NIST curves: local keys are 32 bytes, as for v4; key pairs
//     are P-384 (PEM, a 48-byte scalar, a 49-byte compressed or 97-byte
//     uncompressed point, or k3 PASERKs). fastapi-paseto's text keys are
//     accepted for v3 too.
//   - V2 uses the same key types as v4 (32-byte local keys, Ed25519 pairs,
//     k2 PASERKs) and has no implicit assertions: an Authorizer of V2
//     refuses to create or check a token with ginpaseto.ImplicitAssertion.
//   - Keys at rest (wrapped, password-protected, sealed) exist for k2 keys
//     as for k4; v3's constructions are not implemented, and a k3 key at
//     rest is refused with an error that says so.
//   - Tokens of both versions are sealed and opened through go-paseto,
//     which writes the claims in alphabetical order; claims are checked
//     by the Authorizer exactly as for v4.
//
// The root package never imports this one, and this one holds no code of
// its own: the versions are implemented in ginpaseto.
package legacy

import "github.com/ginpaseto/ginpaseto"

// The legacy PASETO versions, for ginpaseto.WithVersion.
const (
	V2 ginpaseto.Version = 2 // Ed25519 and XChaCha20-Poly1305 (local) without implicit assertions
	V3 ginpaseto.Version = 3 // P-384 and AES-256-CTR with HMAC-SHA384 (local)
)
