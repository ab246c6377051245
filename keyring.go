package ginpaseto

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"errors"
	"fmt"
)

// loadKeys parses the configured keys for the Authorizer's version and
// binds each to the one token header it serves, so a token is only ever
// opened with the key of its own version and purpose.
func (a *Authorizer) loadKeys() error {
	cfg := &a.cfg
	if cfg.secretKey == nil && cfg.privateKey == nil && cfg.publicKey == nil {
		return errors.New("ginpaseto: New: no key configured; pass WithSecretKey for local tokens " +
			"(generate one with: openssl rand -hex 32) or WithPrivateKey / WithPublicKey for public tokens")
	}
	v := cfg.version
	if cfg.secretKey != nil {
		raw, err := cfg.secretKey.load("WithSecretKey")
		if err != nil {
			return err
		}
		key, err := cfg.secretKey.symmetricKey(v, raw)
		if err != nil {
			return err
		}
		if err := a.bindLocal(key); err != nil {
			return err
		}
	}
	var public crypto.PublicKey
	if cfg.publicKey != nil {
		raw, err := cfg.publicKey.load("WithPublicKey")
		if err != nil {
			return err
		}
		if public, err = parsePublicKey(v, raw); err != nil {
			return err
		}
		a.verifyOnly = fmt.Sprintf("this Authorizer was built with WithPublicKey alone and only verifies tokens; add WithPrivateKey to create %s.public tokens", v)
	}
	if cfg.privateKey != nil {
		raw, err := cfg.privateKey.load("WithPrivateKey")
		if err != nil {
			return err
		}
		signer, err := parseSigningKey(v, raw)
		if err != nil {
			return err
		}
		if public != nil && !publicKeysEqual(public, signer.Public()) {
			return errors.New("ginpaseto: New: WithPublicKey is not the public half of WithPrivateKey; pass the matching pair, or only the private key")
		}
		public = signer.Public()
		a.verifyOnly = ""
		if err := a.bindSigner(signer); err != nil {
			return err
		}
	}
	if public != nil {
		if err := a.bindVerifier(public); err != nil {
			return err
		}
	}
	// Only the parsed keys are kept: the configuration should not hold a
	// second, textual copy of the key material for the Authorizer's life.
	cfg.secretKey, cfg.privateKey, cfg.publicKey = nil, nil, nil
	return a.choosePurpose()
}

// choosePurpose settles the purpose of created tokens: the one asked for
// with WithPurpose, or, without it, public when only public keys were
// given.
func (a *Authorizer) choosePurpose() error {
	hasLocal := a.openers[a.header(Local)] != nil
	hasPublic := a.openers[a.header(Public)] != nil
	switch {
	case !a.cfg.purposeSet && !hasLocal:
		a.cfg.purpose = Public
	case a.cfg.purpose == Local && !hasLocal:
		return errors.New("ginpaseto: New: WithPurpose(Local) needs WithSecretKey (generate one with: openssl rand -hex 32)")
	case a.cfg.purpose == Public && !hasPublic:
		return errors.New("ginpaseto: New: WithPurpose(Public) needs WithPrivateKey to create tokens, or WithPublicKey to verify them")
	}
	return nil
}

func (a *Authorizer) header(p Purpose) string { return a.cfg.version.String() + "." + string(p) + "." }

func (a *Authorizer) bindLocal(key []byte) error {
	if a.cfg.version == V4 {
		l := newV4Local(key)
		a.sealers[Local], a.openers[headerV4Local] = l, l
		return nil
	}
	if a.cfg.version == V3 && len(key) != symmetricKeySize {
		// A fastapi-paseto text key, which go-paseto cannot take.
		l := v3TextLocal{hide(key)}
		a.sealers[Local], a.openers[headerV3Local] = l, l
		return nil
	}
	s, err := legacySealer(a.cfg.version, Local, key, nil)
	if err != nil {
		return fmt.Errorf("ginpaseto: WithSecretKey: %w", err)
	}
	a.sealers[Local], a.openers[a.header(Local)] = s, s.(opener)
	return nil
}

func (a *Authorizer) bindSigner(signer crypto.Signer) error {
	if a.cfg.version == V4 {
		a.sealers[Public] = v4Signer{hide(signer.(ed25519.PrivateKey))}
		return nil
	}
	s, err := legacySealer(a.cfg.version, Public, nil, signer)
	if err != nil {
		return fmt.Errorf("ginpaseto: WithPrivateKey: %w", err)
	}
	a.sealers[Public] = s
	return nil
}

func (a *Authorizer) bindVerifier(public crypto.PublicKey) error {
	if a.cfg.version == V4 {
		a.openers[headerV4Public] = v4Verifier{hide(public.(ed25519.PublicKey))}
		return nil
	}
	o, err := legacyOpener(a.cfg.version, Public, nil, public)
	if err != nil {
		return fmt.Errorf("ginpaseto: WithPublicKey: %w", err)
	}
	a.openers[a.header(Public)] = o
	return nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	switch k := a.(type) {
	case ed25519.PublicKey:
		return k.Equal(b)
	case *ecdsa.PublicKey:
		return k.Equal(b)
	}
	return false
}

// load returns the key text, reading it from its file when one was given.
// A key stored encrypted is opened, and returned as a plain PASERK.
func (s *keySource) load(option string) (string, error) {
	var raw string
	if s.path == "" {
		raw = s.value.get()
	} else {
		var err error
		if raw, err = readKeyFile(s.path); err != nil {
			if s.atRest != nil {
				return "", fmt.Errorf("ginpaseto: %s: %w", s.atRest.option, err)
			}
			return "", fmt.Errorf("ginpaseto: %sFile: %w", option, err)
		}
	}
	if s.atRest != nil {
		return s.atRest.open(raw)
	}
	return raw, nil
}
