package ginpaseto_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
	"github.com/ginpaseto/ginpaseto/legacy"
)

// footerOf returns the decoded footer of tok.
func footerOf(t testing.TB, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 4, "a token with a footer")
	f, err := base64.RawURLEncoding.DecodeString(parts[3])
	require.NoError(t, err)
	return string(f)
}

func kidFooter(kid string) string { return `{"kid":"` + kid + `"}` }

// TestRotationRunbook follows the rotation runbook of docs/keys.md over
// real HTTP: a service starts with one key, adds a new active key while
// the old one is retired, then removes the old one.
func TestRotationRunbook(t *testing.T) {
	oldKey, newKey := randomKey(t), randomKey(t)
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(oldKey))
	require.NoError(t, err)
	srv := protected(t, auth.Required())
	oldKID := auth.Keys().ActiveKID(ginpaseto.Local)
	require.True(t, strings.HasPrefix(oldKID, "k4.lid."), oldKID)

	// Before rotation: the single key names itself in new tokens and
	// accepts tokens that name no key, as those made before key IDs.
	withKID := token(t, auth, ginpaseto.TypeAccess)
	assert.Equal(t, kidFooter(oldKID), footerOf(t, withKID))
	withoutKID := ginpaseto.SealV4LocalForTest(mustHex(t, oldKey), claimsJSON(time.Now()), nil, nil)
	for _, tok := range []string{withKID, withoutKID} {
		expect(t, do(t, srv, request{token: tok}), 200, user("alice"))
	}

	// Step 1: the new key becomes active, the old one is retired but still
	// verifies everything it made.
	start := time.Now()
	require.NoError(t, auth.SetKeys(keyring.SecretKey(newKey),
		keyring.SecretKey(oldKey).Retired().AcceptWithoutKID(),
	))
	t.Logf("SetKeys took %v", time.Since(start))
	newKID := auth.Keys().ActiveKID(ginpaseto.Local)
	require.NotEqual(t, oldKID, newKID)
	minted := token(t, auth, ginpaseto.TypeAccess)
	assert.Equal(t, kidFooter(newKID), footerOf(t, minted))
	for _, tok := range []string{withKID, withoutKID, minted} {
		expect(t, do(t, srv, request{token: tok}), 200, user("alice"))
	}

	// Step 2: once the old key's tokens would have expired, it goes.
	require.NoError(t, auth.SetKeys(keyring.SecretKey(newKey)))
	expect(t, do(t, srv, request{token: withKID}), 401, detail("Invalid PASETO token"))
	expect(t, do(t, srv, request{token: withoutKID}), 401, detail("Invalid PASETO token"))
	expect(t, do(t, srv, request{token: minted}), 200, user("alice"))
	_, err = auth.ParseToken(withKID)
	assert.ErrorContains(t, logDetail(err), "names no key")
}

// logDetail returns the cause of a check error, the detail for logs.
func logDetail(err error) error {
	var e *ginpaseto.Error
	if errors.As(err, &e) {
		return e.Err
	}
	return err
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func privateFromPEM(t testing.TB, s string) ed25519.PrivateKey {
	t.Helper()
	block, _ := pem.Decode([]byte(s))
	require.NotNil(t, block)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	return key.(ed25519.PrivateKey)
}

func newGet(url, tok string) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return req, err
}

// claimsJSON is a valid access token payload issued at now.
func claimsJSON(now time.Time) []byte {
	now = now.UTC().Truncate(time.Second)
	return []byte(fmt.Sprintf(`{"sub":"alice","type":"access","fresh":false,"jti":"0b7e2d0c-1f2a-4c3e-9d4b-5a6f7e8d9c0b","iat":%q,"nbf":%q,"exp":%q}`,
		now.Format(time.RFC3339), now.Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339)))
}

// TestFooterKIDRefused sends tokens, correctly encrypted with a key of the
// Authorizer, whose footers are hostile or name the wrong key: each is
// refused before decryption and never reaches the route.
func TestFooterKIDRefused(t *testing.T) {
	key := randomKey(t)
	raw := mustHex(t, key)
	ring := []keyring.Key{keyring.SecretKey(key), keyring.PrivateKey(mustPrivateHex(t))}
	auth, err := ginpaseto.New(ginpaseto.WithKeys(ring...))
	require.NoError(t, err)
	srv := protected(t, auth.Required())
	kid := auth.Keys().ActiveKID(ginpaseto.Local)
	pid := auth.Keys().ActiveKID(ginpaseto.Public)
	payload := claimsJSON(time.Now())

	deep := `{"kid":"` + kid + `","x":` + strings.Repeat("[", 8) + strings.Repeat("]", 8) + `}`
	var wide strings.Builder
	wide.WriteString(`{"kid":"` + kid + `"`)
	for i := range 32 {
		fmt.Fprintf(&wide, `,"m%d":1`, i)
	}
	wide.WriteString("}")
	tests := []struct {
		name   string
		footer string
		cause  string // in the error's log detail
	}{
		{"no footer", "", "names no key"},
		{"string footer", "key-1", "names no key"},
		{"kid of the application's own", `{"kid":"2026-01"}`, "names no key"},
		{"opening and closing quotes overlap", `{"kid":"}`, "names no key"},
		{"huge kid", `{"kid":"k4.lid.` + strings.Repeat("A", 3000) + `"}`, "larger than 2 KiB"},
		{"too deep", deep, "nested more than 8"},
		{"too many members", wide.String(), "more than 32 members"},
		{"kid twice", `{"kid":"` + kid + `","kid":"` + kid + `"}`, "kid twice"},
		{"kid twice, once escaped", `{"kid":"` + kid + `","\u006bid":"` + kid + `"}`, "kid twice"},
		{"kid a number", `{"kid":4}`, "not a string"},
		{"kid an object", `{"kid":{"id":"` + kid + `"}}`, "not a string"},
		{"public key's ID on a local token", kidFooter(pid), "another version or purpose"},
		{"v3 key ID", kidFooter("k3.lid." + strings.Repeat("A", 44)), "another version or purpose"},
		{"key ID too short", kidFooter(kid[:len(kid)-1]), "not a PASERK key ID"},
		{"unknown key ID", kidFooter("k4.lid." + strings.Repeat("A", 44)), "names no key of this Authorizer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var footer []byte
			if tt.footer != "" {
				footer = []byte(tt.footer)
			}
			tok := ginpaseto.SealV4LocalForTest(raw, payload, footer, nil)
			expect(t, do(t, srv, request{token: tok}), 401, detail("Invalid PASETO token"))
			_, err := auth.ParseToken(tok)
			require.ErrorIs(t, err, ginpaseto.ErrTokenInvalid)
			assert.ErrorContains(t, logDetail(err), tt.cause)
		})
	}

	// The same key, named correctly, in the footer ginpaseto writes and in
	// a larger application footer.
	for _, footer := range []string{kidFooter(kid), `{"app":{"region":"eu"},"kid":"` + kid + `"}`} {
		tok := ginpaseto.SealV4LocalForTest(raw, payload, []byte(footer), nil)
		expect(t, do(t, srv, request{token: tok}), 200, user("alice"))
	}
}

func mustPrivateHex(t testing.TB) string {
	t.Helper()
	private, _ := ed25519PEM(t)
	return private
}

// TestFooterWithKID covers what an application footer becomes in tokens of
// a keyring, whose keys do not accept tokens without a kid.
func TestFooterWithKID(t *testing.T) {
	ring := []keyring.Key{keyring.SecretKey(randomKey(t))}
	auth, err := ginpaseto.New(ginpaseto.WithKeys(ring...))
	require.NoError(t, err)
	kid := auth.Keys().ActiveKID(ginpaseto.Local)
	ctx := context.Background()

	tok, err := auth.CreateAccessToken(ctx, "alice", ginpaseto.Footer(map[string]any{"region": "eu"}))
	require.NoError(t, err)
	assert.Equal(t, `{"kid":"`+kid+`","region":"eu"}`, footerOf(t, tok), "kid first, then the application's claims")
	tok, err = auth.CreateAccessToken(ctx, "alice", ginpaseto.Footer(struct{}{}))
	require.NoError(t, err)
	assert.Equal(t, kidFooter(kid), footerOf(t, tok))

	for name, tt := range map[string]struct {
		footer any
		want   string
	}{
		"string":                 {"key-1", "a string footer cannot carry the key ID"},
		"bytes":                  {[]byte(`{"a":1}`), "a string footer cannot carry the key ID"},
		"own kid":                {map[string]string{"kid": "2026-01"}, "kid is written by ginpaseto"},
		"another key's ID":       {map[string]string{"kid": "k4.lid." + strings.Repeat("A", 44)}, "kid is written by ginpaseto"},
		"too large for a check":  {map[string]string{"bio": strings.Repeat("x", 3000)}, "larger than 2 KiB"},
		"too deep for a check":   {map[string]any{"a": nested(8)}, "nested more than 8"},
		"not an object":          {[]string{"a"}, "must be a string or encode to a JSON object"},
		"member count too large": {wideFooter(40), "more than 32 members"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := auth.CreateAccessToken(ctx, "alice", ginpaseto.Footer(tt.footer))
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// nested returns n arrays, one inside the other.
func nested(n int) any {
	var v any = 1
	for range n {
		v = []any{v}
	}
	return v
}

func wideFooter(n int) map[string]int {
	m := make(map[string]int, n)
	for i := range n {
		m[fmt.Sprintf("m%d", i)] = i
	}
	return m
}

// TestWithKeysErrors: New and SetKeys refuse keys that cannot work, with
// a message that names the key by its place and how it was built, and
// never quotes it; a refused SetKeys leaves the running keys.
func TestWithKeysErrors(t *testing.T) {
	a, b := randomKey(t), randomKey(t)
	tests := []struct {
		name string
		keys []keyring.Key
		want string
	}{
		{"no key", nil, "no key; give at least one"},
		{"zero key", []keyring.Key{keyring.SecretKey(a), {}}, "key 2 is the zero keyring.Key"},
		{"two active", []keyring.Key{keyring.SecretKey(a), keyring.SecretKey(b)}, "key 2, keyring.SecretKey(redacted): keys k4.lid."},
		{"given twice", []keyring.Key{keyring.SecretKey(a), keyring.SecretKey(a).Retired()}, "given twice"},
		{"two without kid", []keyring.Key{keyring.SecretKey(a).AcceptWithoutKID(), keyring.SecretKey(b).Retired().AcceptWithoutKID()}, "only one key per purpose"},
		{"weak key", []keyring.Key{keyring.SecretKey("secret")}, "key 1, keyring.SecretKey(redacted): the key is not 32 bytes"},
		{"missing file", []keyring.Key{keyring.SecretKey(a), keyring.SecretKeyFile("/nonexistent/key")}, "key 2, keyring.SecretKeyFile(redacted): cannot read key file"},
		{"private key as public", []keyring.Key{keyring.PublicKey(mustPrivateHex(t))}, "got a private key"},
		{"public key wrapped", []keyring.Key{keyring.SecretKey(a), keyring.PublicKey(a).Wrapped(b)}, "key 2, keyring.PublicKey(redacted).Wrapped(redacted): a public key is not secret"},
		{"private key sealed", []keyring.Key{keyring.PrivateKey(a).Sealed(b)}, "only local keys are sealed"},
		{"stored two ways", []keyring.Key{keyring.SecretKey(a).Wrapped(b).PasswordProtected(b)}, "marked both Wrapped and PasswordProtected"},
		{"fastapi key wrapped", []keyring.Key{keyring.FastAPIPasetoKey(a).Wrapped(b)}, "fastapi-paseto key"},
	}
	running := newAuthWith(t, ginpaseto.WithKeys(keyring.SecretKey(a)))
	kid := running.Keys().ActiveKID(ginpaseto.Local)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ginpaseto.New(ginpaseto.WithKeys(tt.keys...))
			require.Error(t, err)
			assert.ErrorContains(t, err, "ginpaseto: WithKeys: ")
			assert.ErrorContains(t, err, tt.want)
			err = running.SetKeys(tt.keys...)
			require.Error(t, err)
			assert.ErrorContains(t, err, "ginpaseto: SetKeys: ")
			assert.ErrorContains(t, err, tt.want)
			assert.Equal(t, kid, running.Keys().ActiveKID(ginpaseto.Local), "a refused SetKeys keeps the running keys")
			for _, key := range []string{a, b} {
				assert.NotContains(t, err.Error(), key)
				assert.NotContains(t, err.Error(), key[:16])
			}
		})
	}

	keys := []keyring.Key{keyring.SecretKey(a)}
	for name, tt := range map[string]struct {
		opts []ginpaseto.Option
		want string
	}{
		"keys and key":    {[]ginpaseto.Option{ginpaseto.WithKeys(keys...), ginpaseto.WithSecretKey(b)}, "more than one way"},
		"keys and set":    {[]ginpaseto.Option{ginpaseto.WithKeys(keys...), ginpaseto.WithKeySet(keyring.KeySet{URL: "https://auth.example.com/keys"})}, "more than one way"},
		"other version":   {[]ginpaseto.Option{ginpaseto.WithKeys(keyring.SecretKey("k4.local.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8")), ginpaseto.WithVersion(legacy.V3)}, "WithKeys: key 1, keyring.SecretKey(redacted): got a k4.local key but the authorizer uses v3 tokens"},
		"wrong purpose":   {[]ginpaseto.Option{ginpaseto.WithKeys(keys...), ginpaseto.WithPurpose(ginpaseto.Public)}, "needs WithPrivateKey"},
		"zero in a later": {[]ginpaseto.Option{ginpaseto.WithKeys(keys...), ginpaseto.WithKeys()}, "WithKeys: no key"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ginpaseto.New(tt.opts...)
			assert.ErrorContains(t, err, tt.want)
		})
	}

	auth := newAuthWith(t, ginpaseto.WithKeys(keys...))
	ring := auth.Keys()
	assert.ErrorContains(t, auth.SetKeys(keyring.PrivateKey(mustPrivateHex(t))), "needs a secret key")
	assert.ErrorContains(t, auth.SetKeys(), "SetKeys: no key")
	assert.Same(t, ring, auth.Keys(), "a refused SetKeys changes nothing")

	// Several WithKeys add up.
	both := newAuthWith(t, ginpaseto.WithKeys(keyring.SecretKey(a)), ginpaseto.WithKeys(keyring.SecretKey(b).Retired()))
	assert.Len(t, both.Keys().KIDs(), 2)

	retired, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(a).Retired()))
	require.NoError(t, err)
	_, err = retired.CreateAccessToken(context.Background(), "alice")
	assert.ErrorContains(t, err, "secret keys are all retired")
}

// TestKeyringPublicKeys: a verify-only keyring of public keys checks the
// tokens of each signer by their kid.
func TestKeyringPublicKeys(t *testing.T) {
	ctx := context.Background()
	privA, pubA := ed25519PEM(t)
	privB, pubB := ed25519PEM(t)
	signerA := newAuthWith(t, ginpaseto.WithPrivateKey(privA))
	signerB := newAuthWith(t, ginpaseto.WithKeys(keyring.PrivateKey(privB)))
	_, pubC := ed25519PEM(t)
	verifier := newAuthWith(t, ginpaseto.WithKeys(keyring.PublicKey(pubA), keyring.PublicKey(pubB)))
	srv := protected(t, verifier.Required())

	tokA, err := signerA.CreateAccessToken(ctx, "alice")
	require.NoError(t, err)
	tokB, err := signerB.CreateAccessToken(ctx, "alice")
	require.NoError(t, err)
	expect(t, do(t, srv, request{token: tokA}), 200, user("alice"))
	expect(t, do(t, srv, request{token: tokB}), 200, user("alice"))
	_, err = verifier.CreateAccessToken(ctx, "alice")
	assert.ErrorContains(t, err, "no active private key")

	// A token signed by A but whose footer names B goes to B, and fails.
	forged := ginpaseto.SealV4PublicForTest(privateFromPEM(t, privA), claimsJSON(time.Now()), []byte(kidFooter(signerB.Keys().ActiveKID(ginpaseto.Public))), nil)
	expect(t, do(t, srv, request{token: forged}), 401, detail("Invalid PASETO token"))

	require.NoError(t, verifier.SetKeys(keyring.PublicKey(pubC)))
	expect(t, do(t, srv, request{token: tokA}), 401, detail("Invalid PASETO token"))
}

func newAuthWith(t testing.TB, opts ...ginpaseto.Option) *ginpaseto.Authorizer {
	t.Helper()
	auth, err := ginpaseto.New(opts...)
	require.NoError(t, err)
	return auth
}

// TestSetKeysUnderLoad swaps keyrings while clients send requests with
// tokens of both keys and new tokens are created: every request succeeds.
func TestSetKeysUnderLoad(t *testing.T) {
	a, b := randomKey(t), randomKey(t)
	aActive := []keyring.Key{keyring.SecretKey(a), keyring.SecretKey(b).Retired()}
	bActive := []keyring.Key{keyring.SecretKey(b), keyring.SecretKey(a).Retired()}
	auth := newAuthWith(t, ginpaseto.WithKeys(aActive...))
	r := gin.New()
	r.GET("/p", auth.Required(), whoami)
	srv := serve(t, r)
	tokA := token(t, auth, ginpaseto.TypeAccess)
	require.NoError(t, auth.SetKeys(bActive...))
	tokB := token(t, auth, ginpaseto.TypeAccess)

	const clients, perClient = 4, 150
	var failures, requests, created, swaps atomic.Int64
	stop := make(chan struct{})
	var swapper sync.WaitGroup
	swapper.Add(1)
	go func() {
		defer swapper.Done()
		rings := [][]keyring.Key{aActive, bActive}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := auth.SetKeys(rings[i%2]...); err != nil {
				failures.Add(1)
			}
			swaps.Add(1)
			time.Sleep(100 * time.Microsecond)
		}
	}()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := srv.Client()
			for i := range perClient {
				tok := tokA
				switch (c + i) % 3 {
				case 1:
					tok = tokB
				case 2:
					// A token created during the swaps, checked at once.
					fresh, err := auth.CreateAccessToken(context.Background(), "alice")
					if err != nil {
						failures.Add(1)
						continue
					}
					created.Add(1)
					tok = fresh
				}
				req, _ := newGet(srv.URL+"/p", tok)
				resp, err := client.Do(req)
				requests.Add(1)
				if err != nil || resp.StatusCode != 200 {
					failures.Add(1)
				}
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	swapper.Wait()
	t.Logf("%d requests and %d tokens created during %d keyring swaps: %d failures", requests.Load(), created.Load(), swaps.Load(), failures.Load())
	assert.Zero(t, failures.Load())
	assert.Positive(t, swaps.Load())
}

// TestKeyringRedacted: neither a keyring.Key nor a Keyring shows key
// material, whichever way it is printed, and a Key at rest shows neither
// its key nor the secret that opens it.
func TestKeyringRedacted(t *testing.T) {
	secret, wrapping := randomKey(t), randomKey(t)
	private, _ := ed25519PEM(t)
	key := keyring.SecretKey(secret).Retired()
	atRest := keyring.PrivateKey(private).Wrapped(wrapping)
	keys := []keyring.Key{keyring.SecretKey(secret), keyring.PrivateKey(private), atRest}
	auth := newAuthWith(t, ginpaseto.WithKeys(keys[:2]...))
	ring := auth.Keys()
	raw := mustHex(t, secret)
	var logged bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	logger.Info("keys", "key", key, "ring", ring, "keys", keys, "at rest", atRest)
	jsonKey, err := json.Marshal(key)
	require.NoError(t, err)
	jsonRing, err := json.Marshal(ring)
	require.NoError(t, err)
	jsonKeys, err := json.Marshal(keys)
	require.NoError(t, err)
	// An unexported field holding a Key: fmt prints it without calling
	// its methods.
	type holder struct{ k keyring.Key }
	outputs := []string{
		fmt.Sprintf("%v %+v %#v %s %q %x", key, key, key, key, key, key),
		fmt.Sprintf("%v %+v %#v %s %q %x", atRest, atRest, atRest, atRest, atRest, atRest),
		fmt.Sprintf("%v %+v %#v %s %q %x", ring, ring, ring, ring, ring, ring),
		fmt.Sprintf("%v %+v %#v", keys, keys, keys),
		fmt.Sprintf("%v %+v %#v", holder{key}, holder{atRest}, &holder{key}),
		fmt.Sprintf("%v %+v", []keyring.Key{key}, struct{ K keyring.Key }{key}),
		fmt.Sprintf("%+v", auth.Keys()),
		logged.String(), string(jsonKey), string(jsonRing), string(jsonKeys),
	}
	for _, out := range outputs {
		for _, leak := range []string{secret, strings.ToUpper(secret), base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw), hex.EncodeToString(raw[:8]), "PRIVATE KEY", wrapping, wrapping[:16]} {
			assert.NotContains(t, out, leak)
		}
	}
	assert.Equal(t, "keyring.SecretKey(redacted).Retired()", fmt.Sprint(key))
	assert.Equal(t, "keyring.PrivateKey(redacted).Wrapped(redacted)", fmt.Sprint(atRest))
	assert.Equal(t, "keyring.Key(none)", fmt.Sprint(keyring.Key{}))
	assert.Contains(t, fmt.Sprint(ring), ring.ActiveKID(ginpaseto.Local)+" active")
}

// TestSetKeysReadsFilesAgain: SetKeys reads key files again, so that keys
// moved along in their files take effect; a broken file leaves the running
// keys alone.
func TestSetKeysReadsFilesAgain(t *testing.T) {
	dir := t.TempDir()
	active, retired := filepath.Join(dir, "active.key"), filepath.Join(dir, "retired.key")
	a, b := randomKey(t), randomKey(t)
	require.NoError(t, os.WriteFile(active, []byte(a+"\n"), 0o600))
	require.NoError(t, os.WriteFile(retired, []byte(b+"\n"), 0o600))
	keys := []keyring.Key{keyring.SecretKeyFile(active), keyring.SecretKeyFile(retired).Retired()}
	auth := newAuthWith(t, ginpaseto.WithKeys(keys...))
	srv := protected(t, auth.Required())
	tokA := token(t, auth, ginpaseto.TypeAccess)
	before := auth.Keys()

	// The operator moves the keys along in their files, then asks for a
	// reload (SIGHUP in a real service).
	c := randomKey(t)
	require.NoError(t, os.WriteFile(retired, []byte(a), 0o600))
	require.NoError(t, os.WriteFile(active, []byte(c), 0o600))
	require.NoError(t, auth.SetKeys(keys...))
	after := auth.Keys()
	assert.NotEqual(t, before.ActiveKID(ginpaseto.Local), after.ActiveKID(ginpaseto.Local))
	assert.Equal(t, before.ActiveKID(ginpaseto.Local), after.KIDs()[1], "the old active key is now the retired one")
	expect(t, do(t, srv, request{token: tokA}), 200, user("alice"))
	expect(t, do(t, srv, request{token: token(t, auth, ginpaseto.TypeAccess)}), 200, user("alice"))

	// A broken file leaves the running keys alone.
	require.NoError(t, os.WriteFile(active, []byte("oops"), 0o600))
	err := auth.SetKeys(keys...)
	assert.ErrorContains(t, err, "ginpaseto: SetKeys: key 1, keyring.SecretKeyFile(redacted): ")
	assert.NotContains(t, err.Error(), "oops")
	assert.Same(t, after, auth.Keys())
	expect(t, do(t, srv, request{token: tokA}), 200, user("alice"))
}

// TestKeyringVersions: v3 and v2 keyrings name their keys with k3 and k2
// IDs, and verify by them.
func TestKeyringVersions(t *testing.T) {
	p384Private, _ := p384PEM(t)
	edPrivate, _ := ed25519PEM(t)
	for _, tc := range []struct {
		v       ginpaseto.Version
		private string
	}{{legacy.V3, p384Private}, {legacy.V2, edPrivate}} {
		t.Run(tc.v.String(), func(t *testing.T) {
			oldKey, newKey := randomKey(t), randomKey(t)
			auth := newAuthWith(t, ginpaseto.WithVersion(tc.v), ginpaseto.WithKeys(keyring.SecretKey(newKey), keyring.SecretKey(oldKey).Retired(), keyring.PrivateKey(tc.private)))
			ring := auth.Keys()
			prefix := fmt.Sprintf("k%d.", int(tc.v))
			for _, p := range []ginpaseto.Purpose{ginpaseto.Local, ginpaseto.Public} {
				tok, err := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.AsPurpose(p))
				require.NoError(t, err)
				kid := ring.ActiveKID(p)
				idType := map[ginpaseto.Purpose]string{ginpaseto.Local: "lid.", ginpaseto.Public: "pid."}[p]
				require.True(t, strings.HasPrefix(kid, prefix+idType), kid)
				assert.Equal(t, kidFooter(kid), footerOf(t, tok))
				claims, err := auth.ParseToken(tok)
				require.NoError(t, err)
				assert.Equal(t, "alice", claims.Subject)
			}
			// A token of the retired key verifies; once removed, it does not.
			old := newAuthWith(t, ginpaseto.WithVersion(tc.v), ginpaseto.WithSecretKey(oldKey))
			tok, err := old.CreateAccessToken(context.Background(), "alice")
			require.NoError(t, err)
			_, err = auth.ParseToken(tok)
			require.NoError(t, err)
			require.NoError(t, auth.SetKeys(keyring.SecretKey(newKey)))
			_, err = auth.ParseToken(tok)
			assert.ErrorContains(t, logDetail(err), "names no key of this Authorizer")
		})
	}
}
