package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// claimFlags collects repeated --claim NAME=VALUE flags. A VALUE that is
// JSON (a number, true, an array, a quoted string) is taken as JSON, any
// other as a string.
type claimFlags map[string]any

func (c claimFlags) String() string { return "" }

func (c claimFlags) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return errors.New("a claim is NAME=VALUE")
	}
	var v any
	if json.Unmarshal([]byte(value), &v) != nil {
		v = value
	}
	c[name] = v
	return nil
}

func mint(e *env, args []string) error {
	fs := newFlags(e, "mint")
	var kf keyFlags
	kf.register(fs, true)
	sub := fs.String("sub", "", "the subject (required)")
	typ := fs.String("type", ginpaseto.TypeAccess, "the token type: access, refresh or a custom type")
	ttl := fs.Duration("ttl", 0, "the lifetime, such as 15m or 720h (default: the library's default for the type)")
	fresh := fs.Bool("fresh", false, "mark an access token fresh")
	aud := fs.String("aud", "", "the audience")
	iss := fs.String("iss", "", "the issuer")
	footer := fs.String("footer", "", "a JSON object to put in the footer, next to kid")
	claims := claimFlags{}
	fs.Var(claims, "claim", "an extra claim NAME=VALUE (repeatable; VALUE is JSON or a string)")
	out := fs.String("out", "", "write the token to this new file (mode 0600) instead of standard output")
	asJSON := fs.Bool("json", false, "print JSON: token, kid, expires")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *sub == "" {
		return usagef("--sub is required")
	}
	k, err := kf.load(e, paserk.Local)
	if err != nil {
		return err
	}
	if k.typ == paserk.Public {
		return errors.New("a public key only verifies tokens; mint needs the private key")
	}
	a, err := k.check()
	if err != nil {
		return err
	}
	var opts []ginpaseto.TokenOption
	if *ttl != 0 {
		opts = append(opts, ginpaseto.ExpiresIn(*ttl))
	}
	if *fresh {
		opts = append(opts, ginpaseto.Fresh())
	}
	if *aud != "" {
		opts = append(opts, ginpaseto.Audience(*aud))
	}
	if *iss != "" {
		opts = append(opts, ginpaseto.Issuer(*iss))
	}
	if len(claims) > 0 {
		opts = append(opts, ginpaseto.ExtraClaims(claims))
	}
	if *footer != "" {
		var obj map[string]any
		if err := json.Unmarshal([]byte(*footer), &obj); err != nil {
			return usagef("--footer must be a JSON object")
		}
		opts = append(opts, ginpaseto.Footer(obj))
	}
	tok, err := a.CreateToken(context.Background(), *sub, *typ, opts...)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "ginpaseto: "))
	}
	c, err := a.ParseToken(tok)
	if err != nil {
		return fmt.Errorf("the new token does not verify: %w", err)
	}
	obj := map[string]any{"token": tok, "kid": a.Keys().ActiveKID(purposeOf(k))}
	if !c.Expiration.IsZero() {
		obj["expires"] = c.Expiration.UTC().Format(time.RFC3339)
	}
	if *out != "" {
		if err := writeNewFile(*out, tok, true); err != nil {
			return err
		}
		obj["token"] = nil
		if !*asJSON {
			return nil
		}
	}
	return e.output(*asJSON, obj, tok)
}

func purposeOf(k key) ginpaseto.Purpose {
	if k.typ == paserk.Local {
		return ginpaseto.Local
	}
	return ginpaseto.Public
}

func wrap(e *env, args []string) error {
	fs := newFlags(e, "wrap")
	var kf keyFlags
	kf.register(fs, false)
	wrappingKeyFile := fs.String("wrapping-key-file", "", "wrap with this 32-byte wrapping key (k4.local-wrap.pie / k4.secret-wrap.pie)")
	passwordFile := fs.String("password-file", "", "protect with the password in this file, - for standard input (k4.local-pw / k4.secret-pw)")
	sealTo := fs.String("seal-to", "", "seal a local key to the Ed25519 public key in this file (k4.seal)")
	memory := fs.Int("memory", int(paserk.DefaultArgon2.Memory>>20), "Argon2id memory in MiB, for --password-file")
	passes := fs.Int("time", int(paserk.DefaultArgon2.Time), "Argon2id passes, for --password-file")
	lanes := fs.Int("parallelism", int(paserk.DefaultArgon2.Parallelism), "Argon2id lanes, for --password-file")
	outPath := fs.String("out", "", "write the wrapped key to this new file (mode 0600) instead of standard output")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if n := countSet(*wrappingKeyFile, *passwordFile, *sealTo); n != 1 {
		return usagef("give exactly one of --wrapping-key-file, --password-file and --seal-to")
	}
	k, err := kf.load(e, paserk.Local)
	if err != nil {
		return err
	}
	if k.typ == paserk.Public {
		return errors.New("a public key is no secret; store it as it is")
	}
	if _, err := k.check(); err != nil {
		return err
	}
	raw, err := paserk.Decode(k.version, k.typ, k.paserk)
	if err != nil {
		return err
	}
	var out string
	switch {
	case *wrappingKeyFile != "":
		kf.wrappingKeyFile = *wrappingKeyFile
		wk, err := kf.wrappingKey(e)
		if err != nil {
			return err
		}
		out, err = paserk.Wrap(k.version, k.typ, raw, wk)
		if err != nil {
			return err
		}
	case *passwordFile != "":
		pw, err := e.readPassword(*passwordFile)
		if err != nil {
			return err
		}
		// Bounded before the conversions, which would otherwise wrap a
		// huge value around to a small one: 2^32+1 passes to one pass.
		if *memory < 1 || *memory > paserk.MaxArgon2Memory>>20 {
			return usagef("--memory must be at least 1 and at most %d MiB", paserk.MaxArgon2Memory>>20)
		}
		if *passes < 1 || *passes > paserk.MaxArgon2Time {
			return usagef("--time must be at least 1 and at most %d passes", paserk.MaxArgon2Time)
		}
		if *lanes < 1 || *lanes > paserk.MaxArgon2Parallelism {
			return usagef("--parallelism must be at least 1 and at most %d lanes", paserk.MaxArgon2Parallelism)
		}
		params := paserk.Argon2{Memory: uint64(*memory) << 20, Time: uint32(*passes), Parallelism: uint32(*lanes)}
		if err := params.Check(); err != nil {
			return usagef("%v", err)
		}
		out, err = paserk.PasswordWrap(k.version, k.typ, raw, pw, params)
		if err != nil {
			return err
		}
	default:
		if k.typ != paserk.Local {
			return errors.New("only local keys are sealed; wrap a private key with --wrapping-key-file or --password-file")
		}
		text, _, err := e.readText(*sealTo, "public key to seal to")
		if err != nil {
			return err
		}
		pub, err := decodeKey(text, paserk.Public, int(k.version))
		if err != nil {
			return err
		}
		if pub.typ != paserk.Public || pub.version != k.version {
			return fmt.Errorf("--seal-to needs a k%d.public key", int(k.version))
		}
		if _, err := pub.check(); err != nil {
			return err
		}
		pk, _ := paserk.Decode(pub.version, paserk.Public, pub.paserk)
		if out, err = paserk.SealKey(k.version, raw, ed25519.PublicKey(pk)); err != nil {
			return err
		}
	}
	v, t, _, _ := paserk.Split(out)
	obj := map[string]any{"paserk": out, "type": typeName(v, t)}
	if *outPath != "" {
		if err := writeNewFile(*outPath, out, true); err != nil {
			return err
		}
		obj["paserk"] = nil
		if !*asJSON {
			return nil
		}
	}
	return e.output(*asJSON, obj, out)
}

func countSet(values ...string) int {
	n := 0
	for _, v := range values {
		if v != "" {
			n++
		}
	}
	return n
}

func unwrap(e *env, args []string) error {
	fs := newFlags(e, "unwrap")
	var kf keyFlags
	kf.register(fs, true)
	outPath := fs.String("out", "", "write the plain key to this new file (mode 0600) instead of standard output")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if n := countSet(kf.wrappingKeyFile, kf.passwordFile, kf.privateKeyFile); n != 1 {
		return usagef("give exactly one of --wrapping-key-file, --password-file and --private-key-file")
	}
	if kf.keyFile == "" {
		return usagef("--key-file is required")
	}
	text, _, err := e.readText(kf.keyFile, "key")
	if err != nil {
		return err
	}
	v, t, _, ok := paserk.Split(text)
	if !ok || t.Plain() {
		return errors.New("the key file holds no wrapped, password-protected or sealed PASERK")
	}
	k, err := kf.open(e, text, v, t)
	if err != nil {
		return err
	}
	if _, err := k.check(); err != nil {
		return err
	}
	obj := map[string]any{"paserk": k.paserk, "type": typeName(k.version, k.typ)}
	if *outPath != "" {
		if err := writeNewFile(*outPath, k.paserk, true); err != nil {
			return err
		}
		// Say which key the file holds, as keygen --out does.
		keyID, _ := paserk.IDOf(k.paserk)
		obj["paserk"], obj["id"] = nil, keyID
		return e.output(*asJSON, obj, keyID)
	}
	return e.output(*asJSON, obj, k.paserk)
}

var _ flag.Value = claimFlags{}
