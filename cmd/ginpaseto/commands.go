package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// output writes the text lines, or with --json the object, to stdout.
func (e *env) output(asJSON bool, obj any, lines ...string) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(obj)
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(e.stdout, l); err != nil {
			return err
		}
	}
	return nil
}

// writeNewFile writes a key to a file that must not exist yet, readable by
// its owner only for secrets.
func writeNewFile(path, content string, secret bool) error {
	mode := os.FileMode(0o644)
	if secret {
		mode = 0o600
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("cannot create the key file: %w", err)
	}
	if _, err := f.WriteString(content + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("cannot write the key file: %w", err)
	}
	return f.Close()
}

func keygen(e *env, args []string) error {
	fs := newFlags(e, "keygen")
	format := fs.String("format", "paserk", "the key format: paserk, hex or pem (pem for key pairs only)")
	version := fs.Int("version", 4, "the PASETO version: 4, 3 (P-384 key pairs) or 2")
	out := fs.String("out", "", "write the local or private key to this new file (mode 0600) instead of standard output")
	publicOut := fs.String("public-out", "", "write the public key to this new file instead of standard output")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args, "local|public")
	if err != nil {
		return err
	}
	v := paserk.Version(*version)
	if v != paserk.V2 && v != paserk.V3 && v != paserk.V4 {
		return usagef("--version must be 4, 3 or 2")
	}
	if *format != "paserk" && *format != "hex" && *format != "pem" {
		return usagef("--format must be paserk, hex or pem")
	}
	var secret, public, kid string
	switch pos[0] {
	case "local":
		if *format == "pem" {
			return usagef("PEM holds key pairs; a local key is paserk or hex")
		}
		if *publicOut != "" {
			return usagef("a local key has no public half; --public-out is for keygen public")
		}
		raw := make([]byte, 32)
		rand.Read(raw)
		secret, _ = paserk.Encode(v, paserk.Local, raw)
		kid, _ = paserk.IDOf(secret)
		if *format == "hex" {
			secret = hex.EncodeToString(raw)
		}
	case "public":
		if secret, public, kid, err = newKeyPair(v, *format); err != nil {
			return err
		}
	default:
		return usagef("keygen makes a local or a public key, not %q", pos[0])
	}
	if *out != "" {
		if err := writeNewFile(*out, secret, true); err != nil {
			return err
		}
		secret = ""
	}
	if *publicOut != "" {
		if err := writeNewFile(*publicOut, public, false); err != nil {
			return err
		}
		public = ""
	}
	var lines []string
	for _, l := range []string{secret, public} {
		if l != "" {
			lines = append(lines, strings.TrimRight(l, "\n"))
		}
	}
	if len(lines) == 0 {
		lines = []string{kid} // both halves went to files: say which key they are
	}
	obj := map[string]any{"version": int(v), "purpose": pos[0], "kid": kid}
	if pos[0] == "local" {
		obj["key"] = nonEmpty(secret)
	} else {
		obj["private_key"], obj["public_key"] = nonEmpty(secret), nonEmpty(public)
	}
	return e.output(*asJSON, obj, lines...)
}

// nonEmpty is s, or nil (JSON null) when s went to a file.
func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return strings.TrimRight(s, "\n")
}

// newKeyPair makes an Ed25519 (v4, v2) or P-384 (v3) key pair and returns
// both halves in format and the key ID tokens carry (the pid).
func newKeyPair(v paserk.Version, format string) (secret, public, kid string, err error) {
	var priv crypto.Signer
	if v == paserk.V3 {
		priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	} else {
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	}
	if err != nil {
		return "", "", "", err
	}
	if public, err = paserk.PublicKey(v, priv.Public()); err != nil {
		return "", "", "", err
	}
	if kid, err = paserk.IDOf(public); err != nil {
		return "", "", "", err
	}
	switch format {
	case "pem":
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return "", "", "", err
		}
		pubDER, err := x509.MarshalPKIXPublicKey(priv.Public())
		if err != nil {
			return "", "", "", err
		}
		secret = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		public = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	case "hex":
		s, _ := paserk.SecretKey(v, priv)
		raw, _ := paserk.Decode(v, paserk.Secret, s)
		pub, _ := paserk.Decode(v, paserk.Public, public)
		secret, public = hex.EncodeToString(raw), hex.EncodeToString(pub)
	default:
		if secret, err = paserk.SecretKey(v, priv); err != nil {
			return "", "", "", err
		}
	}
	return secret, public, kid, nil
}

func id(e *env, args []string) error {
	fs := newFlags(e, "id")
	version := fs.Int("version", 4, "the PASETO version of a key given as hex or PEM: 4, 3 or 2")
	asJSON := fs.Bool("json", false, "print JSON: the key's PASERK ID, and the kid tokens made with it carry")
	pos, err := parse(fs, args, "KEY|-")
	if err != nil {
		return err
	}
	text, err := e.argOrStdin(pos[0], "key")
	if err != nil {
		return err
	}
	k, err := decodeKey(text, "", *version)
	if err != nil {
		return err
	}
	a, err := k.check()
	if err != nil {
		return err
	}
	keyID, err := paserk.IDOf(k.paserk)
	if err != nil {
		return err
	}
	kid := a.Keys().KIDs()[0]
	return e.output(*asJSON, map[string]any{"id": keyID, "kid": kid, "version": int(k.version), "type": string(k.typ)}, keyID)
}

// tokenInfo is what a token says about itself before any key is used.
type tokenInfo struct {
	Version string          `json:"version"`
	Purpose string          `json:"purpose"`
	Footer  json.RawMessage `json:"footer,omitempty"`
	KID     string          `json:"kid,omitempty"`
}

// readToken reads a token argument and its unverified header and footer.
func readToken(e *env, arg string) (string, tokenInfo, error) {
	tok, err := e.argOrStdin(arg, "token")
	if err != nil {
		return "", tokenInfo{}, err
	}
	if len(tok) > maxInput {
		return "", tokenInfo{}, errors.New("the token is larger than 64 KiB")
	}
	parts := strings.Split(tok, ".")
	if len(parts) < 3 || len(parts) > 4 || (parts[0] != "v2" && parts[0] != "v3" && parts[0] != "v4") || (parts[1] != "local" && parts[1] != "public") {
		return "", tokenInfo{}, errors.New("not a PASETO token of version v4, v3 or v2 (expected v4.local.… or v4.public.…)")
	}
	info := tokenInfo{Version: parts[0], Purpose: parts[1]}
	if len(parts) == 4 {
		footer, err := base64.RawURLEncoding.Strict().DecodeString(parts[3])
		if err != nil {
			return "", tokenInfo{}, errors.New("the token's footer is not base64url")
		}
		var obj map[string]any
		if json.Unmarshal(footer, &obj) == nil {
			info.Footer = footer
			if kid, ok := obj["kid"].(string); ok {
				info.KID = kid
			}
		} else {
			quoted, _ := json.Marshal(string(footer))
			info.Footer = quoted
		}
	}
	return tok, info, nil
}

// verifyResult is a token checked with a key.
type verifyResult struct {
	Valid     bool           `json:"valid"`
	Error     string         `json:"error,omitempty"`
	Claims    map[string]any `json:"claims,omitempty"`
	ExpiresIn string         `json:"expires_in,omitempty"`
}

// verifyWith checks tok with the key of flags kf, and for tokenType a type.
func verifyWith(e *env, kf *keyFlags, tok string, info tokenInfo, tokenType string) (verifyResult, error) {
	hint := paserk.Local
	if info.Purpose == "public" {
		hint = paserk.Public
	}
	k, err := kf.load(e, hint)
	if err != nil {
		return verifyResult{}, err
	}
	if want := "v" + fmt.Sprint(int(k.version)); want != info.Version {
		return verifyResult{}, fmt.Errorf("the key is a k%d key but the token is %s", int(k.version), info.Version)
	}
	if (k.typ == paserk.Local) != (info.Purpose == "local") {
		return verifyResult{}, fmt.Errorf("the key is a %s key but the token is %s.%s", typeName(k.version, k.typ), info.Version, info.Purpose)
	}
	a, err := k.check()
	if err != nil {
		return verifyResult{}, err
	}
	var claims *ginpaseto.Claims
	if tokenType == "" {
		claims, err = a.ParseToken(tok)
	} else {
		claims, err = a.CheckToken(context.Background(), tok, tokenType)
	}
	if err != nil {
		var pe *ginpaseto.Error
		if errors.As(err, &pe) {
			return verifyResult{Error: pe.Message}, nil
		}
		return verifyResult{Error: err.Error()}, nil
	}
	r := verifyResult{Valid: true}
	if err := claims.Decode(&r.Claims); err != nil {
		return verifyResult{}, err
	}
	if !claims.Expiration.IsZero() {
		r.ExpiresIn = time.Until(claims.Expiration).Round(time.Second).String()
	}
	return r, nil
}

func inspect(e *env, args []string) error {
	fs := newFlags(e, "inspect")
	var kf keyFlags
	kf.register(fs, true)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args, "TOKEN|-")
	if err != nil {
		return err
	}
	tok, info, err := readToken(e, pos[0])
	if err != nil {
		return err
	}
	lines := []string{"version: " + info.Version, "purpose: " + info.Purpose}
	if info.Footer != nil {
		lines = append(lines, "footer:  "+string(info.Footer))
	}
	if info.KID != "" {
		lines = append(lines, "kid:     "+info.KID)
	}
	obj := map[string]any{"token": info}
	if kf.keyFile == "" {
		lines = append(lines, "claims:  not shown without --key-file (a token's claims count only once verified)")
		return e.output(*asJSON, obj, lines...)
	}
	r, err := verifyWith(e, &kf, tok, info, "")
	if err != nil {
		return err
	}
	obj["verification"] = r
	if r.Valid {
		claims, _ := json.Marshal(r.Claims)
		lines = append(lines, "valid:   yes", "claims:  "+string(claims))
		if r.ExpiresIn != "" {
			lines = append(lines, "expires: in "+r.ExpiresIn)
		} else {
			lines = append(lines, "expires: never (created without exp)")
		}
	} else {
		lines = append(lines, "valid:   no: "+r.Error)
	}
	if err := e.output(*asJSON, obj, lines...); err != nil {
		return err
	}
	if !r.Valid {
		return errSilent
	}
	return nil
}

// errSilent fails a command whose output already said why.
var errSilent = errors.New("")

func verify(e *env, args []string) error {
	fs := newFlags(e, "verify")
	var kf keyFlags
	kf.register(fs, true)
	tokenType := fs.String("type", "", "require this token type (access, refresh, …), and check it as a service would")
	asJSON := fs.Bool("json", false, "print JSON: valid, claims, expires_in, or error")
	pos, err := parse(fs, args, "TOKEN|-")
	if err != nil {
		return err
	}
	tok, info, err := readToken(e, pos[0])
	if err != nil {
		return err
	}
	r, err := verifyWith(e, &kf, tok, info, *tokenType)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := e.output(true, r); err != nil {
			return err
		}
		if !r.Valid {
			return errSilent
		}
		return nil
	}
	if !r.Valid {
		return fmt.Errorf("the token is not valid: %s", r.Error)
	}
	out, _ := json.MarshalIndent(r.Claims, "", "  ")
	return e.output(false, nil, string(out))
}
