package ginpaseto

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"errors"

	paseto "aidanwoods.dev/go-paseto"
)

// This file adapts go-paseto for the v2 and v3 protocols, which exist for
// interoperability and are only enabled by WithVersion. v4, the default, has
// its own hot path in v4.go.

// noRules: claims are validated by the Authorizer, after decoding, in one
// place for every version.
var noRules = paseto.NewParserWithoutExpiryCheck()

var errNoImplicitV2 = errors.New("v2 tokens do not support implicit assertions")

// sealWith rebuilds a go-paseto token from payload and footer and seals it
// with seal.
func sealWith(payload, footer []byte, seal func(paseto.Token) string) (string, error) {
	t, err := paseto.NewTokenFromClaimsJSON(payload, footer)
	if err != nil {
		return "", err
	}
	return seal(*t), nil
}

// openWith runs a go-paseto parsing function and returns the payload.
func openWith(parse func() (*paseto.Token, error)) ([]byte, error) {
	t, err := parse()
	if err != nil {
		return nil, errAuthFailed
	}
	return t.ClaimsJSON(), nil
}

type v3Local struct{ key hidden[paseto.V3SymmetricKey] }

func (k v3Local) seal(payload, footer, implicit []byte) (string, error) {
	return sealWith(payload, footer, func(t paseto.Token) string { return t.V3Encrypt(k.key.get(), implicit) })
}

func (k v3Local) open(tok string, _, _, implicit []byte) ([]byte, error) {
	return openWith(func() (*paseto.Token, error) { return noRules.ParseV3Local(k.key.get(), tok, implicit) })
}

type v3Signer struct {
	key hidden[paseto.V3AsymmetricSecretKey]
}

func (k v3Signer) seal(payload, footer, implicit []byte) (string, error) {
	return sealWith(payload, footer, func(t paseto.Token) string { return t.V3Sign(k.key.get(), implicit) })
}

type v3Verifier struct {
	key hidden[paseto.V3AsymmetricPublicKey]
}

func (k v3Verifier) open(tok string, _, _, implicit []byte) ([]byte, error) {
	return openWith(func() (*paseto.Token, error) { return noRules.ParseV3Public(k.key.get(), tok, implicit) })
}

type v2Local struct{ key hidden[paseto.V2SymmetricKey] }

func (k v2Local) seal(payload, footer, implicit []byte) (string, error) {
	if len(implicit) > 0 {
		return "", errNoImplicitV2
	}
	return sealWith(payload, footer, func(t paseto.Token) string { return t.V2Encrypt(k.key.get()) })
}

func (k v2Local) open(tok string, _, _, implicit []byte) ([]byte, error) {
	if len(implicit) > 0 {
		return nil, errNoImplicitV2
	}
	return openWith(func() (*paseto.Token, error) { return noRules.ParseV2Local(k.key.get(), tok) })
}

type v2Signer struct {
	key hidden[paseto.V2AsymmetricSecretKey]
}

func (k v2Signer) seal(payload, footer, implicit []byte) (string, error) {
	if len(implicit) > 0 {
		return "", errNoImplicitV2
	}
	return sealWith(payload, footer, func(t paseto.Token) string { return t.V2Sign(k.key.get()) })
}

type v2Verifier struct {
	key hidden[paseto.V2AsymmetricPublicKey]
}

func (k v2Verifier) open(tok string, _, _, implicit []byte) ([]byte, error) {
	if len(implicit) > 0 {
		return nil, errNoImplicitV2
	}
	return openWith(func() (*paseto.Token, error) { return noRules.ParseV2Public(k.key.get(), tok) })
}

// legacySealer and legacyOpener build the go-paseto adapters from parsed keys.
func legacySealer(v Version, p Purpose, local []byte, signing any) (sealer, error) {
	switch {
	case v == versionV3 && p == Local:
		k, err := paseto.V3SymmetricKeyFromBytes(local)
		return v3Local{hide(k)}, err
	case v == versionV3 && p == Public:
		k, err := paseto.NewV3AsymmetricSecretKeyFromEcdsa(*signing.(*ecdsa.PrivateKey))
		return v3Signer{hide(k)}, err
	case v == versionV2 && p == Local:
		k, err := paseto.V2SymmetricKeyFromBytes(local)
		return v2Local{hide(k)}, err
	default:
		k, err := paseto.NewV2AsymmetricSecretKeyFromEd25519(signing.(ed25519.PrivateKey))
		return v2Signer{hide(k)}, err
	}
}

func legacyOpener(v Version, p Purpose, local []byte, public any) (opener, error) {
	switch {
	case v == versionV3 && p == Local:
		k, err := paseto.V3SymmetricKeyFromBytes(local)
		return v3Local{hide(k)}, err
	case v == versionV3 && p == Public:
		k, err := paseto.NewV3AsymmetricPublicKeyFromEcdsa(*public.(*ecdsa.PublicKey))
		return v3Verifier{hide(k)}, err
	case v == versionV2 && p == Local:
		k, err := paseto.V2SymmetricKeyFromBytes(local)
		return v2Local{hide(k)}, err
	default:
		k, err := paseto.NewV2AsymmetricPublicKeyFromEd25519(public.(ed25519.PublicKey))
		return v2Verifier{hide(k)}, err
	}
}
