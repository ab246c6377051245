package ginpaseto_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ginpaseto/ginpaseto"
)

// Keys at rest for the examples below. The local key is
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

// sameLocalKey prints whether auth holds the example's local key: a token it
// creates opens with WithSecretKey(exampleLocalHex).
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

func ExampleWithWrappedSecretKey() {
	// The wrapped key may sit in configuration; the wrapping key comes from
	// a secret store, such as an environment variable.
	auth, err := ginpaseto.New(ginpaseto.WithWrappedSecretKey(exampleLocalWrapped, exampleWrappingKey))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)

	_, err = ginpaseto.New(ginpaseto.WithWrappedSecretKey(exampleLocalWrapped, "k4.local.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"))
	fmt.Println(err)
	// Output:
	// same key, subject alice
	// ginpaseto: WithWrappedSecretKey: the key does not open with this wrapping key: it is the wrong one, or the key was altered
}

func ExampleWithWrappedSecretKeyFile() {
	paths, cleanup := exampleFiles("local.key", exampleLocalWrapped, "wrapping.key", exampleWrappingKey)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithWrappedSecretKeyFile(paths[0], paths[1]))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)
	// Output: same key, subject alice
}

func ExampleWithWrappedPrivateKey() {
	auth, err := ginpaseto.New(ginpaseto.WithWrappedPrivateKey(exampleSecretWrapped, exampleWrappingKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateAccessToken(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok[:10])
	// Output: v4.public.
}

func ExampleWithWrappedPrivateKeyFile() {
	paths, cleanup := exampleFiles("private.key", exampleSecretWrapped, "wrapping.key", exampleWrappingKey)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithWrappedPrivateKeyFile(paths[0], paths[1]))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateAccessToken(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Subject)
	// Output: alice
}

func ExampleWithPasswordProtectedSecretKey() {
	auth, err := ginpaseto.New(ginpaseto.WithPasswordProtectedSecretKey(exampleLocalPW, examplePassword))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)

	_, err = ginpaseto.New(ginpaseto.WithPasswordProtectedSecretKey(exampleLocalPW, "Tr0ub4dor&3"))
	fmt.Println(err)
	// Output:
	// same key, subject alice
	// ginpaseto: WithPasswordProtectedSecretKey: the key does not open with this password: it is the wrong one, or the key was altered
}

func ExampleWithPasswordProtectedSecretKeyFile() {
	// A password file may end with a line break; it is not part of the
	// password.
	paths, cleanup := exampleFiles("local.key", exampleLocalPW, "password", examplePassword)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithPasswordProtectedSecretKeyFile(paths[0], paths[1]))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)
	// Output: same key, subject alice
}

func ExampleWithPasswordProtectedPrivateKey() {
	auth, err := ginpaseto.New(ginpaseto.WithPasswordProtectedPrivateKey(exampleSecretPW, examplePassword))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateAccessToken(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok[:10])
	// Output: v4.public.
}

func ExampleWithPasswordProtectedPrivateKeyFile() {
	paths, cleanup := exampleFiles("private.key", exampleSecretPW, "password", examplePassword)
	defer cleanup()
	auth, err := ginpaseto.New(ginpaseto.WithPasswordProtectedPrivateKeyFile(paths[0], paths[1]))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateAccessToken(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Subject)
	// Output: alice
}

func ExampleWithSealedSecretKey() {
	// The local key was sealed to the service's Ed25519 key pair with
	// `ginpaseto wrap --seal-to public.key`; only its private key opens it.
	auth, err := ginpaseto.New(ginpaseto.WithSealedSecretKey(exampleSealed, exampleSealer))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)
	// Output: same key, subject alice
}

func ExampleWithFastAPIPasetoKey() {
	// The Python service's setting, as text: fastapi-paseto keys its tokens
	// with these 64 bytes, not with the 32 bytes they spell in hex.
	text := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	auth, err := ginpaseto.New(ginpaseto.WithFastAPIPasetoKey(text))
	if err != nil {
		log.Fatal(err)
	}
	// A token minted by the Python service (pyseto through fastapi-paseto).
	tok := "v4.local.BuE1uRCpHxWQ1FWPB8lDS7QXW1gdm4Hlx4OC-Mu3w_z1Gv0dKYi-ZwY2L8Veon6-O2VzE_BEckUG-G47vPa08pP1hTHZ--QPbSpb7TzXGmFaDScCt2j4w5GKLmVqWr_9QKuj66JrTY8zJUyI2D05BdkiIl8legGhk3FhxFIvPwTTpNauNhQ5lD57ECtB7r9WcPsPaNrgUo302THmN2xekWtTlXsRNA_4lXCgzqULKzaP1ienHuQLnmKYTc9ccQ4E6LK1ivCvW_Aqq-99hYytEtvZLTfYLO7oTnmyprfeuV-a9ZP2epZLSOqIWSzqKsblwWjS9cIJwqNtxROc4g_FTPCgbHGly925yPrapQ"
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Subject, claims.Type, claims.Fresh)

	_, err = ginpaseto.New(ginpaseto.WithFastAPIPasetoKey("correct-horse-battery-staple-correct-horse-battery-staple-012345"))
	fmt.Println(err != nil)
	// Output:
	// alice access true
	// true
}

func ExampleFastAPIPasetoKey() {
	// Moving off a fastapi-paseto text key: a new random key creates
	// tokens; the text key, retired, still verifies the Python service's
	// tokens, which name no key. Remove it once the last of them has
	// expired.
	oldText := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4,
		ginpaseto.SecretKey(exampleLocalHex),
		ginpaseto.FastAPIPasetoKey(oldText).Retired().AcceptWithoutKID())
	if err != nil {
		log.Fatal(err)
	}
	auth, err := ginpaseto.New(ginpaseto.WithKeyring(ring))
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

func ExampleWrappedSecretKeyFile() {
	// The wrapped key ships with the service; the wrapping key is a mounted
	// secret. Reload reads both files again.
	paths, cleanup := exampleFiles("local.key", exampleLocalWrapped, "wrapping.key", exampleWrappingKey)
	defer cleanup()
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.WrappedSecretKeyFile(paths[0], paths[1]))
	if err != nil {
		log.Fatal(err)
	}
	auth, err := ginpaseto.New(ginpaseto.WithKeyring(ring))
	if err != nil {
		log.Fatal(err)
	}
	sameLocalKey(auth)
	fmt.Println(ring.ActiveKID(ginpaseto.Local))
	// Output:
	// same key, subject alice
	// k4.lid.Qi4B5ObpJgc8pAfGkCkdTHBbXcP2N7PZPFuoEjaCUW5U
}

func ExampleWrappedPrivateKeyFile() {
	paths, cleanup := exampleFiles("private.key", exampleSecretWrapped, "wrapping.key", exampleWrappingKey)
	defer cleanup()
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.WrappedPrivateKeyFile(paths[0], paths[1]))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ring.ActiveKID(ginpaseto.Public))
	// Output: k4.pid.Ycil7Gh9JCdXfTY_0n3Oe7uF_VA5DwHVrx49mCIz7hDJ
}

func ExamplePasswordProtectedSecretKeyFile() {
	paths, cleanup := exampleFiles("local.key", exampleLocalPW, "password", examplePassword)
	defer cleanup()
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.PasswordProtectedSecretKeyFile(paths[0], paths[1]))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ring.ActiveKID(ginpaseto.Local))
	// Output: k4.lid.Qi4B5ObpJgc8pAfGkCkdTHBbXcP2N7PZPFuoEjaCUW5U
}

func ExamplePasswordProtectedPrivateKeyFile() {
	paths, cleanup := exampleFiles("private.key", exampleSecretPW, "password", examplePassword)
	defer cleanup()
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.PasswordProtectedPrivateKeyFile(paths[0], paths[1]))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ring.ActiveKID(ginpaseto.Public))
	// Output: k4.pid.Ycil7Gh9JCdXfTY_0n3Oe7uF_VA5DwHVrx49mCIz7hDJ
}
