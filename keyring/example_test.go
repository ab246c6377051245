package keyring_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
)

// Keys for the examples below. The local keys are 32 bytes in hex; the
// signing key is an Ed25519 seed, whose public half is examplePublicKey.
const (
	exampleSecretKey  = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
	exampleNextKey    = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	exampleSigningKey = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	examplePublicKey  = "4fd099ccd47d7893dfe9ec24414ecb0d9b5420232aad30d91c465be33cbe65c4"
)

// Keys at rest. The local key inside is
// 02038eb59cf4e2f6427686a327dd90d440fc217f083489816aec31edb9925096; the
// password-protected ones were made with a very low Argon2id cost so that
// the examples run fast (`ginpaseto wrap` uses 64 MiB and 3 passes).
const (
	exampleLocalHex      = "02038eb59cf4e2f6427686a327dd90d440fc217f083489816aec31edb9925096"
	exampleWrappingKey   = "k4.local.77807VJIOudNrSiyiAfOMuVrDIL5YOik_YnEY1Sgv9I"
	exampleLocalWrapped  = "k4.local-wrap.pie.jiat_2-61JYcO5QYkpJnS4KiFj5x8vS7tQtYKLsjnxzUp9IJKHeN3yuUE0xVVYBlsR6JG2JRrZvgy1iz39vgGP-c_Kk4b7NSjCmDR9d3WTT0789xoxvpZvxQSMIThekH"
	exampleSecretWrapped = "k4.secret-wrap.pie.BUJxQ1T3asUZbU2llnfJ8nfLOSu8cZ9cbIExnUEVOaF5g-aiZxg3bfTkU6TCDaGui6JYH6aIXbOquSpn2G3h8P_6Xa8dR6-qlk5jzfg4veWjstzSYJzALvgwYhmcOzEfOkUi5_p01ciLAotV8emKyrhWLv3ga-lZpH8NRMHZOrk"
	exampleLocalPW       = "k4.local-pw.zdlWJJj1w_c-UMub34rmwAAAAAAAAQAAAAAAAQAAAAGP69dp5bPxRKvURiHYIH5akbKuHWpzFaiXc-mV7TC_kqGx8zJPJSTpWdjKIIK515Z97vLmjzQcl6QSQE-7yt1EGzpNICJIaNRG8gKm1vBSanso_ugxCHRV"
	exampleSecretPW      = "k4.secret-pw.TKFNWVGPwr5GF1drTUG2ugAAAAAAAQAAAAAAAQAAAAFmSPAAcYu6opTRrwRmOh1BC-URfB9XpKbJIikXkIBL5MwmBLTTxYRZFXB70YwZNDVgB4UqWn8l-pS9uk-K58ziqyEoScwI-TzZ69tdkn9Fl_jwp9Kry7FTccOgC3xQvM0PZEKQFNuYmD-wcviDH2t2dUkAvCEkJq0"
	exampleSealer        = "k4.secret.vkO1PaOUmgUG2kxRHRaiKUDefpLNoXVEZzracEszn0-HpJ-HEPwTUfck43OWkO9MKUq-x696yBUNJZSJmWBxaA"
	exampleSealed        = "k4.seal.CyygDIkxuFAvs0wj6acZVUnY6zYIXfULxkmxWK6XJryTjxRpcKAHvTXSXZho-LjsyTw9qpPmn1n2b_gAHcx7QIN0Dv_UhFnMZqsnPcOLEpueEZGhwwY802TAx7zr4_Jl"
	examplePassword      = "correct horse battery staple"
)

// sameLocalKey prints whether auth holds the example's local key at rest:
// a token it creates opens with WithSecretKey(exampleLocalHex).
func sameLocalKey(auth *ginpaseto.Authorizer) {
	plain, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleLocalHex))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateAccessToken(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	claims, err := plain.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("same key, subject", claims.Subject)
}

// exampleFiles writes name/content pairs into a temporary directory, as a
// deployment would mount them, and returns their paths.
func exampleFiles(pairs ...string) (paths []string, cleanup func()) {
	dir, err := os.MkdirTemp("", "ginpaseto-example")
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < len(pairs); i += 2 {
		path := filepath.Join(dir, pairs[i])
		if err := os.WriteFile(path, []byte(pairs[i+1]+"\n"), 0o600); err != nil {
			log.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths, func() { os.RemoveAll(dir) }
}

// A service's keys: the new local key creates tokens, the old one still
// verifies the tokens it created, with or without a kid.
func Example() {
	auth, err := ginpaseto.New(ginpaseto.WithKeys(
		keyring.SecretKey(exampleNextKey),
		keyring.SecretKey(exampleSecretKey).Retired().AcceptWithoutKID(),
	))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(auth.Keys())
	// Output:
	// ginpaseto.Keyring(v4: k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct active, k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk retired)
}

func ExampleSecretKey() {
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey("k4.local.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8")))
	fmt.Println(auth.Keys().ActiveKID(ginpaseto.Local), err)
	// Output:
	// k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk <nil>
}

func ExampleSecretKeyFile() {
	paths, cleanup := exampleFiles("local.key", exampleSecretKey)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKeyFile(paths[0])))
	fmt.Println(auth.Keys().ActiveKID(ginpaseto.Local), err)
	// Output:
	// k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk <nil>
}

// A signing service's keys: the new private key signs, the old one only
// verifies until its tokens have expired.
func ExamplePrivateKey() {
	auth, err := ginpaseto.New(ginpaseto.WithKeys(
		keyring.PrivateKey(exampleSigningKey),
		keyring.PrivateKey("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").Retired(), // the old seed
	))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	fmt.Println(tok[:len("v4.public.")], len(auth.Keys().KIDs()))
	// Output:
	// v4.public. 2
}

func ExamplePrivateKeyFile() {
	paths, cleanup := exampleFiles("private.key", exampleSigningKey)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.PrivateKeyFile(paths[0])))
	fmt.Println(auth.Keys().ActiveKID(ginpaseto.Public), err)
	// Output:
	// k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W <nil>
}

// A verify-only service checks the tokens of each key by their kid.
func ExamplePublicKey() {
	verifier, err := ginpaseto.New(ginpaseto.WithKeys(keyring.PublicKey(examplePublicKey)))
	if err != nil {
		log.Fatal(err)
	}
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := signer.CreateAccessToken(context.Background(), "alice")
	claims, err := verifier.ParseToken(tok)
	fmt.Println(claims.Subject, err)
	// Output:
	// alice <nil>
}

func ExamplePublicKeyFile() {
	paths, cleanup := exampleFiles("public.key", examplePublicKey)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.PublicKeyFile(paths[0])))
	fmt.Println(auth.Keys().KIDs(), err)
	// Output:
	// [k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W] <nil>
}

func ExampleFastAPIPasetoKey() {
	// Moving off a fastapi-paseto text key: a new random key creates
	// tokens; the text key, retired, still verifies the Python service's
	// tokens, which name no key. Remove it once the last of them has
	// expired.
	oldText := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	auth, err := ginpaseto.New(ginpaseto.WithKeys(
		keyring.SecretKey(exampleLocalHex),
		keyring.FastAPIPasetoKey(oldText).Retired().AcceptWithoutKID(),
	))
	if err != nil {
		log.Fatal(err)
	}
	python := "v4.local.BuE1uRCpHxWQ1FWPB8lDS7QXW1gdm4Hlx4OC-Mu3w_z1Gv0dKYi-ZwY2L8Veon6-O2VzE_BEckUG-G47vPa08pP1hTHZ--QPbSpb7TzXGmFaDScCt2j4w5GKLmVqWr_9QKuj66JrTY8zJUyI2D05BdkiIl8legGhk3FhxFIvPwTTpNauNhQ5lD57ECtB7r9WcPsPaNrgUo302THmN2xekWtTlXsRNA_4lXCgzqULKzaP1ienHuQLnmKYTc9ccQ4E6LK1ivCvW_Aqq-99hYytEtvZLTfYLO7oTnmyprfeuV-a9ZP2epZLSOqIWSzqKsblwWjS9cIJwqNtxROc4g_FTPCgbHGly925yPrapQ"
	claims, err := auth.ParseToken(python)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("old token of", claims.Subject)
	sameLocalKey(auth)
	// Output:
	// old token of alice
	// same key, subject alice
}

// Once the last token of a retired key has expired, remove the key: its
// tokens are refused from then on.
func ExampleKey_Retired() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	old, _ := auth.CreateAccessToken(context.Background(), "alice")
	auth.SetKeys(keyring.SecretKey(exampleNextKey), keyring.SecretKey(exampleSecretKey).Retired())
	_, err = auth.ParseToken(old)
	fmt.Println("retired:", err)
	auth.SetKeys(keyring.SecretKey(exampleNextKey))
	_, err = auth.ParseToken(old)
	fmt.Println("removed:", err)
	// Output:
	// retired: <nil>
	// removed: Invalid PASETO token: ginpaseto: token invalid: its footer kid names no key of this Authorizer
}

// Tokens made before key IDs name no key; the key that made them must say
// it accepts them.
func ExampleKey_AcceptWithoutKID() {
	legacy, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	// A string footer cannot carry a kid, so this token names no key.
	old, _ := legacy.CreateAccessToken(context.Background(), "alice", ginpaseto.Footer("v1"))

	for _, key := range []keyring.Key{
		keyring.SecretKey(exampleSecretKey).Retired(),
		keyring.SecretKey(exampleSecretKey).Retired().AcceptWithoutKID(),
	} {
		auth, _ := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(exampleNextKey), key))
		_, err := auth.ParseToken(old)
		fmt.Printf("%v: %v\n", key, err)
	}
	// Output:
	// keyring.SecretKey(redacted).Retired(): Invalid PASETO token: ginpaseto: token invalid: its footer names no key, and no key accepts such tokens
	// keyring.SecretKey(redacted).Retired().AcceptWithoutKID(): <nil>
}

// The wrapped key may sit in configuration; the wrapping key comes from a
// secret store, such as an environment variable.
func ExampleKey_Wrapped() {
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(exampleLocalWrapped).Wrapped(exampleWrappingKey)))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)

	_, err = ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(exampleLocalWrapped).Wrapped("k4.local.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")))
	fmt.Println(err)
	// Output:
	// same key, subject alice
	// ginpaseto: WithKeys: key 1, keyring.SecretKey(redacted).Wrapped(redacted): the key does not open with this wrapping key: it is the wrong one, or the key was altered
}

// For a key read from a file, the wrapping key is read from a file too:
// the wrapped key ships with the service, the wrapping key is a mounted
// secret. SetKeys reads both files again.
func ExampleKey_Wrapped_files() {
	paths, cleanup := exampleFiles("local.key", exampleLocalWrapped, "wrapping.key", exampleWrappingKey)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKeyFile(paths[0]).Wrapped(paths[1])))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)
	fmt.Println(auth.Keys().ActiveKID(ginpaseto.Local))
	// Output:
	// same key, subject alice
	// k4.lid.Qi4B5ObpJgc8pAfGkCkdTHBbXcP2N7PZPFuoEjaCUW5U
}

// A signing key wrapped the same way.
func ExampleKey_Wrapped_privateKey() {
	paths, cleanup := exampleFiles("private.key", exampleSecretWrapped, "wrapping.key", exampleWrappingKey)
	defer cleanup()
	for _, key := range []keyring.Key{
		keyring.PrivateKey(exampleSecretWrapped).Wrapped(exampleWrappingKey),
		keyring.PrivateKeyFile(paths[0]).Wrapped(paths[1]),
	} {
		auth, err := ginpaseto.New(ginpaseto.WithKeys(key))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(auth.Keys().ActiveKID(ginpaseto.Public))
	}
	// Output:
	// k4.pid.Ycil7Gh9JCdXfTY_0n3Oe7uF_VA5DwHVrx49mCIz7hDJ
	// k4.pid.Ycil7Gh9JCdXfTY_0n3Oe7uF_VA5DwHVrx49mCIz7hDJ
}

func ExampleKey_PasswordProtected() {
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(exampleLocalPW).PasswordProtected(examplePassword)))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)

	_, err = ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(exampleLocalPW).PasswordProtected("Tr0ub4dor&3")))
	fmt.Println(err)
	// Output:
	// same key, subject alice
	// ginpaseto: WithKeys: key 1, keyring.SecretKey(redacted).PasswordProtected(redacted): the key does not open with this password: it is the wrong one, or the key was altered
}

// For a key read from a file, the password is read from a file too; one
// line break at its end is not part of the password.
func ExampleKey_PasswordProtected_files() {
	paths, cleanup := exampleFiles("local.key", exampleLocalPW, "private.key", exampleSecretPW, "password", examplePassword)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithKeys(
		keyring.SecretKeyFile(paths[0]).PasswordProtected(paths[2]),
		keyring.PrivateKeyFile(paths[1]).PasswordProtected(paths[2]),
	))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)
	fmt.Println(auth.Keys().ActiveKID(ginpaseto.Public))
	// Output:
	// same key, subject alice
	// k4.pid.Ycil7Gh9JCdXfTY_0n3Oe7uF_VA5DwHVrx49mCIz7hDJ
}

func ExampleKey_Sealed() {
	// The local key was sealed to the service's Ed25519 key pair with
	// `ginpaseto wrap --seal-to public.key`; only its private key opens it.
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(exampleSealed).Sealed(exampleSealer)))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)
	// Output: same key, subject alice
}

// Printing a key shows how it was built, never the key nor what opens it.
func ExampleKey_Format() {
	fmt.Println(keyring.SecretKeyFile("/run/secrets/paseto").Wrapped("/run/secrets/wrapping").Retired())
	// Output:
	// keyring.SecretKeyFile(redacted).Wrapped(redacted).Retired()
}

// A verify-only service takes its keys from the signing service's key set;
// the zero values of the other fields are the defaults.
func ExampleKeySet() {
	_, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{
		URL:     "https://auth.example.com/.well-known/paseto-keys",
		MaxSize: 100, // too small for any key set
	}))
	fmt.Println(err)
	// Output:
	// ginpaseto: WithKeySet: MaxSize of 100 bytes cannot hold a key set; use at least 256, or 0 for the default, 65536
}
