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
	"github.com/ginpaseto/ginpaseto/keyring"
	"github.com/ginpaseto/ginpaseto/legacy"
)

// exampleNextKey is a second v4.local key, the one a rotation moves to.
const exampleNextKey = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"

// An Authorizer with an active key, which creates tokens, and a retired
// key, which still verifies the tokens it created. Every token names the
// key that created it in its footer.
func ExampleWithKeys() {
	auth, err := ginpaseto.New(ginpaseto.WithKeys(
		keyring.SecretKey(exampleNextKey),
		keyring.SecretKey(exampleSecretKey).Retired(),
	))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(auth.Keys())
	tok, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Footer(map[string]string{"region": "eu"}))
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Footer)
	// Output:
	// ginpaseto.Keyring(v4: k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct active, k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk retired)
	// {"kid":"k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct","region":"eu"}
}

// Two keys may not both be active: the Authorizer could not tell which one
// creates tokens.
func ExampleWithKeys_twoActiveKeys() {
	_, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(exampleNextKey), keyring.SecretKey(exampleSecretKey)))
	fmt.Println(err)
	// Output:
	// ginpaseto: WithKeys: key 2, keyring.SecretKey(redacted): keys k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct and k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk are both active for v4.local tokens; mark all but the newest Retired()
}

// Keys read from files, as mounted secrets are:
//
//	openssl rand -hex 32 > /run/secrets/local.key
//	openssl genpkey -algorithm ed25519 -out /run/secrets/private.pem
//	openssl pkey -in /run/secrets/private.pem -pubout -out public.pem
func ExampleWithKeys_files() {
	dir, err := os.MkdirTemp("", "keys")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	local, private, public := filepath.Join(dir, "local.key"), filepath.Join(dir, "private.key"), filepath.Join(dir, "public.key")
	os.WriteFile(local, []byte(exampleSecretKey+"\n"), 0o600)
	os.WriteFile(private, []byte(exampleSigningKey), 0o600)
	os.WriteFile(public, []byte(examplePublicKey), 0o644)

	// A service that creates local tokens for itself and public ones for
	// others.
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKeyFile(local), keyring.PrivateKeyFile(private)))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	fmt.Println(tok[:len("v4.local.")])
	signed, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.AsPurpose(ginpaseto.Public))

	// A service that only verifies the public ones.
	api, err := ginpaseto.New(ginpaseto.WithKeys(keyring.PublicKeyFile(public)))
	if err != nil {
		log.Fatal(err)
	}
	claims, err := api.ParseToken(signed)
	fmt.Println(claims.Subject, err)
	// Output:
	// v4.local.
	// alice <nil>
}

// SetKeys rotates the keys of a running service: tokens of the retired key
// keep working, new tokens name the new key.
func ExampleAuthorizer_SetKeys() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	before, _ := auth.CreateAccessToken(context.Background(), "alice")

	err = auth.SetKeys(
		keyring.SecretKey(exampleNextKey),
		// The old key made tokens with and without a kid: it accepts both.
		keyring.SecretKey(exampleSecretKey).Retired().AcceptWithoutKID(),
	)
	if err != nil {
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

// SetKeys reads key files again: the operator moves the keys along in their
// files and signals the service, which swaps the keys in.
func ExampleAuthorizer_SetKeys_files() {
	dir, err := os.MkdirTemp("", "keys")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	active, retired := filepath.Join(dir, "active.key"), filepath.Join(dir, "retired.key")
	os.WriteFile(active, []byte(exampleSecretKey), 0o600)
	os.WriteFile(retired, []byte(exampleNextKey), 0o600)

	keys := []keyring.Key{keyring.SecretKeyFile(active), keyring.SecretKeyFile(retired).Retired()}
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keys...))
	if err != nil {
		log.Fatal(err)
	}

	// Later, say on SIGHUP, after the files were swapped:
	os.WriteFile(active, []byte(exampleNextKey), 0o600)
	os.WriteFile(retired, []byte(exampleSecretKey), 0o600)
	if err := auth.SetKeys(keys...); err != nil {
		log.Print(err) // the running keys stay
		return
	}
	fmt.Println(auth.Keys().ActiveKID(ginpaseto.Local))
	// Output:
	// k4.lid.xwlxBGQ7-81YLggILMnCV5RkM-OOiGvrs84fkCp1Nkct
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
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(exampleSecretKey).Retired()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", auth.Keys().ActiveKID(ginpaseto.Local))
	// Output:
	// ""
}

func ExampleKeyring_KIDs() {
	auth, err := ginpaseto.New(ginpaseto.WithKeys(
		keyring.SecretKey(exampleSecretKey),
		keyring.PublicKey(examplePublicKey),
	))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Join(auth.Keys().KIDs(), "\n"))
	// Output:
	// k4.lid.iVtYQDjr5gEijCSjJC3fQaJm7nCeQSeaty0Jixy8dbsk
	// k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W
}

func ExampleKeyring_Version() {
	auth, err := ginpaseto.New(ginpaseto.WithVersion(legacy.V3), ginpaseto.WithKeys(keyring.SecretKey(exampleSecretKey)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(auth.Keys().Version())
	// Output:
	// v3
}

// The signing service publishes its public keys; verify-only services
// fetch them with WithKeySet.
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
func ExampleWithKeySet() {
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/.well-known/paseto-keys", signer.KeySetHandler(5*time.Minute))
	auth := httptest.NewServer(r) // the signing service, on loopback here
	defer auth.Close()

	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: auth.URL + "/.well-known/paseto-keys"}))
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
func ExampleWithKeySet_plainHTTP() {
	_, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: "http://auth.internal/.well-known/paseto-keys"}))
	fmt.Println(err)
	// Output:
	// ginpaseto: WithKeySet: http://auth.internal/.well-known/paseto-keys is plain HTTP, which anyone on the path could answer with their own keys; use https://, or http:// on a loopback address only
}

// Until the key set was fetched once, checks answer 503.
func ExampleErrKeysUnavailable() {
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{
		URL:     "http://127.0.0.1:1/keys", // nothing listens there
		OnError: func(error) {},
	}))
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
func ExampleWithKeySet_onError() {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{
		URL: down.URL,
		OnError: func(err error) {
			fmt.Println(strings.Replace(err.Error(), down.URL, "URL", 1))
		},
	}))
	if err != nil {
		log.Fatal(err)
	}
	verifier.Close()
	// Output:
	// ginpaseto: key set URL: the server answered 503 Service Unavailable
}

// Everything about fetching can be tuned; the defaults suit most services.
func ExampleWithKeySet_fields() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop() // stops the background refresh, as Close does
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{
		// In production, an https:// URL such as
		// https://auth.example.com/.well-known/paseto-keys.
		URL:             "http://127.0.0.1:1/keys",
		Client:          &http.Client{},   // proxies, private CAs, mutual TLS
		Timeout:         2 * time.Second,  // each fetch, and New's wait for the first
		MaxSize:         16 << 10,         // a larger answer is refused unread
		MinRefresh:      time.Minute,      // bounds on the set's Cache-Control
		MaxRefresh:      time.Hour,        //
		RefetchInterval: 30 * time.Second, // unknown kids re-fetch at most this often
		Context:         ctx,              // stop with this context
		OnError:         func(error) {},   // where failed fetches go
	}))
	fmt.Println(verifier.Keys() == nil, err) // nothing listens there
	verifier.Close()
	// Output:
	// true <nil>
}

// A client of the application's own, for proxies, private CAs or mutual
// TLS.
func ExampleWithKeySet_client() {
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment}}
	signer, _ := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	r := gin.New()
	r.GET("/keys", signer.KeySetHandler(time.Minute))
	srv := httptest.NewServer(r)
	defer srv.Close()

	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: srv.URL + "/keys", Client: client}))
	if err != nil {
		log.Fatal(err)
	}
	defer verifier.Close()
	fmt.Println(verifier.Keys().KIDs())
	// Output:
	// [k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W]
}

// Timeout bounds each fetch, and so how long New waits for the first.
func ExampleWithKeySet_timeout() {
	// A signing service that accepts connections but never answers.
	stuck := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer stuck.Close()
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{
		URL:     stuck.URL,
		Timeout: 100 * time.Millisecond,
		OnError: func(err error) { fmt.Println(strings.Replace(err.Error(), stuck.URL, "URL", 1)) },
	}))
	if err != nil {
		log.Fatal(err)
	}
	verifier.Close()
	fmt.Println(verifier.Keys() == nil) // New returned after 100ms: checks answer 503
	// Output:
	// ginpaseto: key set URL: context deadline exceeded
	// true
}

// MaxSize bounds the answer, which is refused unread beyond it.
func ExampleWithKeySet_maxSize() {
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"keys":[`+strings.Repeat(" ", 4096)+`]}`)
	}))
	defer huge.Close()
	verifier, _ := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{
		URL:     huge.URL,
		MaxSize: 1024,
		OnError: func(err error) { fmt.Println(strings.Replace(err.Error(), huge.URL, "URL", 1)) },
	}))
	verifier.Close()
	// Output:
	// ginpaseto: key set URL: the response is larger than 1024 bytes (KeySet.MaxSize)
}

// A field out of range makes New fail, naming the field.
func ExampleWithKeySet_refresh() {
	_, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{
		URL:        "https://auth.example.com/keys",
		MinRefresh: time.Hour,
		MaxRefresh: time.Minute,
	}))
	fmt.Println(err)
	// Output:
	// ginpaseto: WithKeySet: MaxRefresh (1m0s) is shorter than MinRefresh (1h0m0s); want MinRefresh <= MaxRefresh
}

// Context stops the background fetching when the service shuts down.
func ExampleWithKeySet_context() {
	signer, _ := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	r := gin.New()
	r.GET("/keys", signer.KeySetHandler(time.Minute))
	srv := httptest.NewServer(r)
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: srv.URL + "/keys", Context: ctx}))
	if err != nil {
		log.Fatal(err)
	}
	cancel()         // the service shuts down
	verifier.Close() // returns once the fetching has stopped
	fmt.Println(len(verifier.Keys().KIDs()))
	// Output:
	// 1
}

// Close stops the background refresh of WithKeySet; checks go on with the
// keys fetched last.
func ExampleAuthorizer_Close() {
	signer, _ := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	r := gin.New()
	r.GET("/keys", signer.KeySetHandler(time.Minute))
	srv := httptest.NewServer(r)
	defer srv.Close()

	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: srv.URL + "/keys"}))
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
