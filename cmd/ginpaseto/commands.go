package main

import (
	"bytes"
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
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// output writes the text lines, or with --json the object, to stdout.
// Either way, text that is not printable (control characters, escape
// sequences, invalid UTF-8) goes out escaped: a token's footer and claims
// are chosen by whoever made the token, and must not drive the terminal.
func (e *env) output(asJSON bool, obj any, lines ...string) error {
	if asJSON {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(obj); err != nil {
			return err
		}
		_, err := io.WriteString(e.stdout, escapeJSONText(buf.String()))
		return err
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(e.stdout, l); err != nil {
			return err
		}
	}
	return nil
}

// printable returns s as it is when every rune of it is printable, and
// otherwise as a Go string literal whose escapes show the rest (\n, \x1b,
// \u202e): untrusted text cannot end a line, move the cursor or change
// colors.
func printable(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsGraphic(r) {
			return strconv.QuoteToGraphic(s)
		}
	}
	return s
}

// escapeJSONText escapes, as \uXXXX, the runes of JSON text that
// encoding/json leaves as they are though a terminal does not print them
// (C1 controls, bidirectional overrides and other format characters), and
// replaces invalid UTF-8 with U+FFFD. Line breaks outside strings (the
// end of the text, indentation) stay; inside strings JSON has already
// escaped them.
func escapeJSONText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\ufffd`)
		case r == '\n' || unicode.IsGraphic(r):
			b.WriteString(s[i : i+size])
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// createNew creates a file that must not exist yet (nor be a symbolic
// link), readable by its owner only for secrets.
func createNew(path string, secret bool) (*os.File, error) {
	mode := os.FileMode(0o644)
	if secret {
		mode = 0o600
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return nil, fmt.Errorf("cannot create the output file: %w", err)
	}
	return f, nil
}

// writeNew writes content and a line break to f, made by createNew, and
// removes the file when that fails.
func writeNew(f *os.File, content string) error {
	_, err := f.WriteString(strings.TrimRight(content, "\n") + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cannot write the output file: %w", err)
	}
	return nil
}

// writeNewFile writes a key or token to a file that must not exist yet,
// readable by its owner only for secrets.
func writeNewFile(path, content string, secret bool) error {
	f, err := createNew(path, secret)
	if err != nil {
		return err
	}
	return writeNew(f, content)
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
	// Both files are created before either is written: a public half
	// that cannot be written must not leave its private key behind alone.
	var outFile, publicFile *os.File
	if *out != "" {
		if outFile, err = createNew(*out, true); err != nil {
			return err
		}
	}
	if *publicOut != "" {
		if publicFile, err = createNew(*publicOut, false); err != nil {
			if outFile != nil {
				outFile.Close()
				os.Remove(outFile.Name())
			}
			return err
		}
	}
	if outFile != nil {
		if err := writeNew(outFile, secret); err != nil {
			if publicFile != nil {
				publicFile.Close()
				os.Remove(publicFile.Name())
			}
			return err
		}
		secret = ""
	}
	if publicFile != nil {
		if err := writeNew(publicFile, public); err != nil {
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
	keyFile := fs.String("key-file", "", "the key: a file, or - for standard input (the default)")
	fs.StringVar(keyFile, "key", "", "the same as --key-file")
	version := fs.Int("version", 4, "the PASETO version of a key given as hex or PEM: 4, 3 or 2")
	asJSON := fs.Bool("json", false, "print JSON: the key's PASERK ID, and the kid tokens made with it carry")
	pos, err := parse(fs, args, "[PUBLIC-KEY|-]")
	if err != nil {
		return err
	}
	var text string
	var in input
	switch {
	case len(pos) == 1 && *keyFile != "":
		return usagef("give the key as --key-file or on standard input, not both")
	case len(pos) == 1 && pos[0] != "-":
		// A public key is no secret; any other key must not be an argument.
		text = strings.TrimSpace(pos[0])
		if !isPublicKeyText(text) {
			return usagef("a secret key is never an argument, which shell history and process listings show; " +
				"give it in a file, ginpaseto id --key-file local.key, or on standard input, ginpaseto id < local.key")
		}
	default:
		path := *keyFile
		if path == "" {
			path = "-"
		}
		if text, in, err = e.readText(path, "key"); err != nil {
			return err
		}
	}
	k, err := decodeKey(text, "", *version)
	if err != nil {
		return err
	}
	if k.typ != paserk.Public {
		e.warnIfReadable(in, "key")
	}
	keyID, err := paserk.IDOf(k.paserk)
	if err != nil {
		return err
	}
	// Naming a key is not using it: a key a service would refuse, such as
	// the all-zero keys of the PASERK test vectors, still has an ID.
	kid := ""
	if a, err := k.check(); err == nil {
		kid = a.Keys().KIDs()[0]
	} else {
		e.warnf("services refuse this key: %v", err)
		kid = tokenKID(k)
	}
	obj := map[string]any{"id": keyID, "version": int(k.version), "type": string(k.typ)}
	if kid != "" {
		obj["kid"] = kid
	}
	return e.output(*asJSON, obj, keyID)
}

// isPublicKeyText reports whether text is a public key, in PASERK or PEM.
func isPublicKeyText(text string) bool {
	if _, t, _, ok := paserk.Split(text); ok {
		return t == paserk.Public
	}
	return strings.HasPrefix(text, "-----BEGIN PUBLIC KEY-----")
}

// tokenKID is the kid of the tokens a key makes or checks, for a key that
// New refuses: its own ID for a local or public key, its public half's
// for a private key, or "" when that half cannot be computed.
func tokenKID(k key) string {
	if k.typ != paserk.Secret {
		id, _ := paserk.IDOf(k.paserk)
		return id
	}
	raw, err := paserk.Decode(k.version, paserk.Secret, k.paserk)
	if err != nil {
		return ""
	}
	var pub string
	if k.version == paserk.V3 {
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P384(), raw)
		if err != nil {
			return ""
		}
		pub, err = paserk.PublicKey(k.version, &priv.PublicKey)
		if err != nil {
			return ""
		}
	} else {
		// An Ed25519 secret key is the seed and then the public key.
		pub, err = paserk.PublicKey(k.version, ed25519.PublicKey(raw[32:]))
		if err != nil {
			return ""
		}
	}
	id, _ := paserk.IDOf(pub)
	return id
}

// tokenInfo is what a token says about itself before any key is used.
type tokenInfo struct {
	Version string          `json:"version"`
	Purpose string          `json:"purpose"`
	Footer  json.RawMessage `json:"footer,omitempty"`
	KID     string          `json:"kid,omitempty"`
}

// readToken reads the token and its unverified header and footer.
func readToken(e *env, pos []string, tokenFile string) (string, tokenInfo, error) {
	tok, err := e.tokenArg(pos, tokenFile)
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
		var compact bytes.Buffer
		if json.Unmarshal(footer, &obj) == nil && json.Compact(&compact, footer) == nil {
			info.Footer = compact.Bytes()
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
	tokenFile := fs.String("token-file", "", "the token: a file, or - for standard input (the default)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args, "[TOKEN|-]")
	if err != nil {
		return err
	}
	tok, info, err := readToken(e, pos, *tokenFile)
	if err != nil {
		return err
	}
	// The footer and kid are whatever the token's maker wrote, unverified:
	// they are printed escaped, so that they can neither add lines (a
	// forged "valid: yes") nor send escape sequences to the terminal.
	lines := []string{"version: " + info.Version, "purpose: " + info.Purpose}
	if info.Footer != nil {
		lines = append(lines, "footer:  "+escapeJSONText(string(info.Footer)))
	}
	if info.KID != "" {
		lines = append(lines, "kid:     "+printable(info.KID))
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
		lines = append(lines, "valid:   yes", "claims:  "+escapeJSONText(string(claims)))
		if r.ExpiresIn != "" {
			lines = append(lines, "expires: in "+r.ExpiresIn)
		} else {
			lines = append(lines, "expires: never (created without exp)")
		}
	} else {
		lines = append(lines, "valid:   no: "+printable(r.Error))
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
	tokenFile := fs.String("token-file", "", "the token: a file, or - for standard input (the default)")
	asJSON := fs.Bool("json", false, "print JSON: valid, claims, expires_in, or error")
	pos, err := parse(fs, args, "[TOKEN|-]")
	if err != nil {
		return err
	}
	tok, info, err := readToken(e, pos, *tokenFile)
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
		return fmt.Errorf("the token is not valid: %s", printable(r.Error))
	}
	out, _ := json.MarshalIndent(r.Claims, "", "  ")
	return e.output(false, nil, escapeJSONText(string(out)))
}
