package ginpaseto_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

// exampleNextKey is a second v4.local key, the one a rotation moves to.
const exampleNextKey = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"

// A keyring holds the active key, which creates tokens, and retired keys,
// which still verify the tokens they created.
func ExampleNewKeyring() {
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4,
		ginpaseto.SecretKey(exampleNextKey),
		ginpaseto.SecretKey(exampleSecretKey).Retired(),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ring)
	// Output:
	// ginpaseto.Keyring(v4: k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct active, k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk retired)
}

// Two keys may not both be active: the keyring could not tell which one
// creates tokens.
func ExampleNewKeyring_twoActiveKeys() {
	_, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKey(exampleNextKey), ginpaseto.SecretKey(exampleSecretKey))
	fmt.Println(err)
	// Output:
	// ginpaseto: NewKeyring: key 2, ginpaseto.SecretKey(redacted): keys k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct and k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk are both active for v4.local tokens; mark all but the newest Retired()
}

// Every token names the key that created it in its footer.
func ExampleWithKeyring() {
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	auth, err := ginpaseto.New(ginpaseto.WithKeyring(ring))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Footer(map[string]string{"region": "eu"}))
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Footer)
	// Output:
	// {"kid":"k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk","region":"eu"}
}

// SetKeys rotates the keys of a running service: tokens of the retired key
// keep working, new tokens name the new key.
func ExampleAuthorizer_SetKeys() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	before, _ := auth.CreateAccessToken(context.Background(), "alice")

	ring, err := ginpaseto.NewKeyring(ginpaseto.V4,
		ginpaseto.SecretKey(exampleNextKey),
		// The old key made tokens with and without a kid: it accepts both.
		ginpaseto.SecretKey(exampleSecretKey).Retired().AcceptWithoutKID(),
	)
	if err != nil {
		log.Fatal(err)
	}
	if err := auth.SetKeys(ring); err != nil {
		log.Fatal(err)
	}
	after, _ := auth.CreateAccessToken(context.Background(), "alice")
	_, err = auth.ParseToken(before)
	fmt.Println("old token:", err)
	claims, err := auth.ParseToken(after)
	fmt.Println("new token:", err, claims.Footer)
	// Output:
	// old token: <nil>
	// new token: <nil> {"kid":"k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct"}
}

// Keys returns the keyring in use, for instance to log which key creates
// tokens.
func ExampleAuthorizer_Keys() {
	auth, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(auth.Keys().ActiveKID(ginpaseto.Public))
	// Output:
	// k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W
}

func ExampleKeyring_ActiveKID() {
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKey(exampleSecretKey).Retired())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", ring.ActiveKID(ginpaseto.Local))
	// Output:
	// ""
}

func ExampleKeyring_KIDs() {
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4,
		ginpaseto.SecretKey(exampleSecretKey),
		ginpaseto.PublicKey(examplePublicKey),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Join(ring.KIDs(), "\n"))
	// Output:
	// k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk
	// k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W
}

func ExampleKeyring_Version() {
	ring, err := ginpaseto.NewKeyring(ginpaseto.V3, ginpaseto.SecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ring.Version())
	// Output:
	// v3
}

// Reload reads the key files again: the operator moves the keys along in
// their files and signals the service, which swaps the keys in.
func ExampleKeyring_Reload() {
	dir, err := os.MkdirTemp("", "keys")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	active, retired := filepath.Join(dir, "active.key"), filepath.Join(dir, "retired.key")
	os.WriteFile(active, []byte(exampleSecretKey), 0o600)
	os.WriteFile(retired, []byte(exampleNextKey), 0o600)

	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKeyFile(active), ginpaseto.SecretKeyFile(retired).Retired())
	if err != nil {
		log.Fatal(err)
	}
	auth, err := ginpaseto.New(ginpaseto.WithKeyring(ring))
	if err != nil {
		log.Fatal(err)
	}

	// Later, say on SIGHUP, after the files were swapped:
	os.WriteFile(active, []byte(exampleNextKey), 0o600)
	os.WriteFile(retired, []byte(exampleSecretKey), 0o600)
	next, err := auth.Keys().Reload()
	if err != nil {
		log.Print(err) // keep the running keys
		return
	}
	if err := auth.SetKeys(next); err != nil {
		log.Print(err)
		return
	}
	fmt.Println(auth.Keys().ActiveKID(ginpaseto.Local))
	// Output:
	// k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct
}

func ExampleSecretKey() {
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKey("k4.local.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8"))
	fmt.Println(ring.ActiveKID(ginpaseto.Local), err)
	// Output:
	// k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk <nil>
}

func ExampleSecretKeyFile() {
	dir, err := os.MkdirTemp("", "keys")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "local.key")
	os.WriteFile(path, []byte(exampleSecretKey+"\n"), 0o600)
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKeyFile(path))
	fmt.Println(ring.ActiveKID(ginpaseto.Local), err)
	// Output:
	// k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk <nil>
}

// A signing service's keyring: the new private key signs, the old one only
// verifies until its tokens have expired.
func ExamplePrivateKey() {
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4,
		ginpaseto.PrivateKey(exampleSigningKey),
		ginpaseto.PrivateKey("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").Retired(), // the old seed
	)
	if err != nil {
		log.Fatal(err)
	}
	auth, err := ginpaseto.New(ginpaseto.WithKeyring(ring))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	fmt.Println(tok[:len("v4.public.")], len(ring.KIDs()))
	// Output:
	// v4.public. 2
}

func ExamplePrivateKeyFile() {
	dir, err := os.MkdirTemp("", "keys")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "private.key")
	os.WriteFile(path, []byte(exampleSigningKey), 0o600)
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.PrivateKeyFile(path))
	fmt.Println(ring.ActiveKID(ginpaseto.Public), err)
	// Output:
	// k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W <nil>
}

// A verify-only keyring checks the tokens of each key by their kid.
func ExamplePublicKey() {
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.PublicKey(examplePublicKey))
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := ginpaseto.New(ginpaseto.WithKeyring(ring))
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
	dir, err := os.MkdirTemp("", "keys")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "public.key")
	os.WriteFile(path, []byte(examplePublicKey), 0o600)
	ring, err := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.PublicKeyFile(path))
	fmt.Println(ring.KIDs(), err)
	// Output:
	// [k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W] <nil>
}

// Once the last token of a retired key has expired, remove the key: its
// tokens are refused from then on.
func ExampleKey_Retired() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	old, _ := auth.CreateAccessToken(context.Background(), "alice")
	retiring, _ := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKey(exampleNextKey), ginpaseto.SecretKey(exampleSecretKey).Retired())
	auth.SetKeys(retiring)
	_, err = auth.ParseToken(old)
	fmt.Println("retired:", err)
	removed, _ := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKey(exampleNextKey))
	auth.SetKeys(removed)
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

	for _, key := range []ginpaseto.Key{
		ginpaseto.SecretKey(exampleSecretKey).Retired(),
		ginpaseto.SecretKey(exampleSecretKey).Retired().AcceptWithoutKID(),
	} {
		ring, _ := ginpaseto.NewKeyring(ginpaseto.V4, ginpaseto.SecretKey(exampleNextKey), key)
		auth, _ := ginpaseto.New(ginpaseto.WithKeyring(ring))
		_, err := auth.ParseToken(old)
		fmt.Printf("%v: %v\n", key, err)
	}
	// Output:
	// ginpaseto.SecretKey(redacted).Retired(): Invalid PASETO token: ginpaseto: token invalid: its footer names no key, and no key accepts such tokens
	// ginpaseto.SecretKey(redacted).Retired().AcceptWithoutKID(): <nil>
}

// Printing a key shows its role, never the key.
func ExampleKey_Format() {
	fmt.Println(ginpaseto.SecretKeyFile("/run/secrets/paseto").Retired())
	// Output:
	// ginpaseto.SecretKeyFile(redacted).Retired()
}

// The signing service publishes its public keys; verify-only services
// fetch them with WithKeySetURL.
func ExampleAuthorizer_KeySetHandler() {
	auth, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/.well-known/paseto-keys", auth.KeySetHandler(5*time.Minute))

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/.well-known/paseto-keys", nil))
	fmt.Println(w.Header().Get("Cache-Control"))
	fmt.Println(w.Body.String())
	// Output:
	// public, max-age=300
	// {"keys":[{"kid":"k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W","key":"k4.public.T9CZzNR9eJPf6ewkQU7LDZtUICMqrTDZHEZb4zy-ZcQ"}]}
}

// A verify-only service configured with the key set URL of the signing
// service, instead of a key.
func ExampleWithKeySetURL() {
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/.well-known/paseto-keys", signer.KeySetHandler(5*time.Minute))
	auth := httptest.NewServer(r) // the signing service, on loopback here
	defer auth.Close()

	verifier, err := ginpaseto.New(ginpaseto.WithKeySetURL(auth.URL + "/.well-known/paseto-keys"))
	if err != nil {
		log.Fatal(err)
	}
	defer verifier.Close() // stops the background refresh

	tok, _ := signer.CreateAccessToken(context.Background(), "alice")
	claims, err := verifier.ParseToken(tok)
	fmt.Println(claims.Subject, err)
	// Output:
	// alice <nil>
}

// Plain HTTP is refused beyond loopback: anyone on the path could answer
// with their own keys.
func ExampleWithKeySetURL_plainHTTP() {
	_, err := ginpaseto.New(ginpaseto.WithKeySetURL("http://auth.internal/.well-known/paseto-keys"))
	fmt.Println(err)
	// Output:
	// ginpaseto: WithKeySetURL: http://auth.internal/.well-known/paseto-keys is plain HTTP, which anyone on the path could answer with their own keys; use https://, or http:// on a loopback address only
}

// Until the key set was fetched once, checks answer 503.
func ExampleErrKeysUnavailable() {
	verifier, err := ginpaseto.New(ginpaseto.WithKeySetURL("http://127.0.0.1:1/keys", // nothing listens there
		ginpaseto.KeySetOnError(func(error) {})))
	if err != nil {
		log.Fatal(err)
	}
	defer verifier.Close()
	_, err = verifier.ParseToken("v4.public.eyJzdWIiOiJhbGljZSJ9")
	var e *ginpaseto.Error
	fmt.Println(errors.Is(err, ginpaseto.ErrKeysUnavailable), errors.As(err, &e) && e.Status == http.StatusServiceUnavailable, err)
	// Output:
	// true true Token verification keys unavailable
}

// A fetch that fails is reported, and changes nothing: the last good set
// stays.
func ExampleKeySetOnError() {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	verifier, err := ginpaseto.New(ginpaseto.WithKeySetURL(down.URL, ginpaseto.KeySetOnError(func(err error) {
		fmt.Println(strings.Replace(err.Error(), down.URL, "URL", 1))
	})))
	if err != nil {
		log.Fatal(err)
	}
	verifier.Close()
	// Output:
	// ginpaseto: key set URL: the server answered 503 Service Unavailable
}

// Everything about fetching can be tuned; the defaults suit most services.
func ExampleKeySetOption() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop() // stops the background refresh, as Close does
	// In production, an https:// URL such as
	// https://auth.example.com/.well-known/paseto-keys.
	verifier, err := ginpaseto.New(ginpaseto.WithKeySetURL("http://127.0.0.1:1/keys",
		ginpaseto.KeySetClient(&http.Client{}),          // proxies, private CAs, mutual TLS
		ginpaseto.KeySetTimeout(2*time.Second),          // each fetch, and New's wait for the first
		ginpaseto.KeySetMaxSize(16<<10),                 // a larger answer is refused unread
		ginpaseto.KeySetRefresh(time.Minute, time.Hour), // bounds on the set's Cache-Control
		ginpaseto.KeySetRefetchInterval(30*time.Second), // unknown kids re-fetch at most this often
		ginpaseto.KeySetContext(ctx),                    // stop with this context
		ginpaseto.KeySetOnError(func(err error) {}),     // where failed fetches go
	))
	fmt.Println(verifier.Keys() == nil, err) // nothing listens there
	verifier.Close()
	// Output:
	// true <nil>
}

func ExampleKeySetClient() {
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment}}
	signer, _ := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	r := gin.New()
	r.GET("/keys", signer.KeySetHandler(time.Minute))
	srv := httptest.NewServer(r)
	defer srv.Close()

	verifier, err := ginpaseto.New(ginpaseto.WithKeySetURL(srv.URL+"/keys", ginpaseto.KeySetClient(client)))
	if err != nil {
		log.Fatal(err)
	}
	defer verifier.Close()
	fmt.Println(verifier.Keys().KIDs())
	// Output:
	// [k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W]
}

func ExampleKeySetTimeout() {
	// A signing service that accepts connections but never answers.
	stuck := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer stuck.Close()
	verifier, err := ginpaseto.New(ginpaseto.WithKeySetURL(stuck.URL,
		ginpaseto.KeySetTimeout(100*time.Millisecond),
		ginpaseto.KeySetOnError(func(err error) { fmt.Println(strings.Replace(err.Error(), stuck.URL, "URL", 1)) })))
	if err != nil {
		log.Fatal(err)
	}
	verifier.Close()
	fmt.Println(verifier.Keys() == nil) // New returned after 100ms: checks answer 503
	// Output:
	// ginpaseto: key set URL: context deadline exceeded
	// true
}

func ExampleKeySetMaxSize() {
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"keys":[`+strings.Repeat(" ", 4096)+`]}`)
	}))
	defer huge.Close()
	verifier, _ := ginpaseto.New(ginpaseto.WithKeySetURL(huge.URL, ginpaseto.KeySetMaxSize(1024),
		ginpaseto.KeySetOnError(func(err error) { fmt.Println(strings.Replace(err.Error(), huge.URL, "URL", 1)) })))
	verifier.Close()
	// Output:
	// ginpaseto: key set URL: the response is larger than 1024 bytes (KeySetMaxSize)
}

func ExampleKeySetRefresh() {
	_, err := ginpaseto.New(ginpaseto.WithKeySetURL("https://auth.example.com/keys", ginpaseto.KeySetRefresh(time.Hour, time.Minute)))
	fmt.Println(err)
	// Output:
	// ginpaseto: KeySetRefresh: want 0 < min <= max, got 1h0m0s and 1m0s
}

func ExampleKeySetRefetchInterval() {
	_, err := ginpaseto.New(ginpaseto.WithKeySetURL("https://auth.example.com/keys", ginpaseto.KeySetRefetchInterval(0)))
	fmt.Println(err)
	// Output:
	// ginpaseto: KeySetRefetchInterval: interval must be positive, got 0s
}

func ExampleKeySetContext() {
	signer, _ := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	r := gin.New()
	r.GET("/keys", signer.KeySetHandler(time.Minute))
	srv := httptest.NewServer(r)
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	verifier, err := ginpaseto.New(ginpaseto.WithKeySetURL(srv.URL+"/keys", ginpaseto.KeySetContext(ctx)))
	if err != nil {
		log.Fatal(err)
	}
	cancel()         // the service shuts down
	verifier.Close() // returns once the fetching has stopped
	fmt.Println(len(verifier.Keys().KIDs()))
	// Output:
	// 1
}

// Close stops the background refresh of WithKeySetURL; checks go on with
// the keys fetched last.
func ExampleAuthorizer_Close() {
	signer, _ := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	r := gin.New()
	r.GET("/keys", signer.KeySetHandler(time.Minute))
	srv := httptest.NewServer(r)
	defer srv.Close()

	verifier, err := ginpaseto.New(ginpaseto.WithKeySetURL(srv.URL + "/keys"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(verifier.Close())
	tok, _ := signer.CreateAccessToken(context.Background(), "alice")
	_, err = verifier.ParseToken(tok)
	fmt.Println(err)
	// Output:
	// <nil>
	// <nil>
}
