package ginpaseto_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
	"github.com/ginpaseto/ginpaseto/legacy"
)

// signingService is a signer whose key set is served over real HTTP, with
// a switch to answer something else instead, and a count of fetches.
type signingService struct {
	auth    *ginpaseto.Authorizer
	srv     *httptest.Server
	fetches atomic.Int64

	mu       sync.Mutex
	override func(http.ResponseWriter) // answers instead of the key set when set
}

func newSigningService(t *testing.T, ring []keyring.Key, maxAge time.Duration) *signingService {
	t.Helper()
	s := &signingService{auth: newAuthWith(t, ginpaseto.WithKeys(ring...))}
	r := gin.New()
	keys := s.auth.KeySetHandler(maxAge)
	r.GET("/keys", func(c *gin.Context) {
		s.fetches.Add(1)
		s.mu.Lock()
		override := s.override
		s.mu.Unlock()
		if override != nil {
			override(c.Writer)
			c.Abort()
			return
		}
		keys(c)
	})
	s.srv = httptest.NewServer(r)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *signingService) url() string { return s.srv.URL + "/keys" }

func (s *signingService) answer(f func(http.ResponseWriter)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.override = f
}

func (s *signingService) token(t testing.TB) string {
	t.Helper()
	tok, err := s.auth.CreateAccessToken(context.Background(), "alice")
	require.NoError(t, err)
	return tok
}

// errorLog collects what KeySet.OnError receives.
type errorLog struct {
	mu   sync.Mutex
	errs []string
}

func (l *errorLog) report(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err.Error())
}

func (l *errorLog) last() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) == 0 {
		return ""
	}
	return l.errs[len(l.errs)-1]
}

func jsonBody(status int, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

func TestKeySetHandler(t *testing.T) {
	newPriv, newPub := ed25519PEM(t)
	oldPriv, _ := ed25519PEM(t)
	s := newSigningService(t, []keyring.Key{keyring.PrivateKey(newPriv), keyring.PrivateKey(oldPriv).Retired(), keyring.SecretKey(randomKey(t))}, 5*time.Minute)
	ring := s.auth.Keys()

	resp, err := http.Get(s.url())
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "public, max-age=300", resp.Header.Get("Cache-Control"))
	var set struct {
		Keys []struct{ KID, Key string } `json:"keys"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&set))
	require.Len(t, set.Keys, 2, "the public keys, active and retired; never the local key")
	assert.Equal(t, ring.ActiveKID(ginpaseto.Public), set.Keys[0].KID)
	assert.Equal(t, ring.KIDs()[1], set.Keys[1].KID)
	for _, k := range set.Keys {
		assert.True(t, strings.HasPrefix(k.KID, "k4.pid."), k.KID)
		assert.True(t, strings.HasPrefix(k.Key, "k4.public."), k.Key)
	}
	// The published key is the one a PublicKey option takes.
	verifier := newAuthWith(t, ginpaseto.WithPublicKey(set.Keys[0].Key))
	assert.Equal(t, set.Keys[0].KID, verifier.Keys().KIDs()[0])
	same := newAuthWith(t, ginpaseto.WithPublicKey(newPub))
	assert.Equal(t, set.Keys[0].KID, same.Keys().KIDs()[0])

	// The exact shape, and no-cache for a zero max-age.
	r := gin.New()
	r.GET("/k", newAuthWith(t, ginpaseto.WithKeys(keyring.PublicKey(newPub))).KeySetHandler(0))
	got := do(t, serve(t, r), request{path: "/k"})
	assert.Equal(t, `{"keys":[{"kid":"`+set.Keys[0].KID+`","key":"`+set.Keys[0].Key+`"}]}`, got.body)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/k", nil))
	assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))
}

// TestKeySetRotation: a verify-only service follows the signer's rotation
// without a restart, through the re-fetch a token with a new kid causes.
func TestKeySetRotation(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	oldPriv, _ := ed25519PEM(t)
	newPriv, _ := ed25519PEM(t)
	s := newSigningService(t, []keyring.Key{keyring.PrivateKey(oldPriv)}, time.Hour)
	var log errorLog
	start := time.Now()
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: s.url(), OnError: log.report}))
	require.NoError(t, err)
	t.Logf("New with the key set took %v", time.Since(start))
	require.NotNil(t, verifier.Keys(), "New waits for the first fetch")
	api := protected(t, verifier.Required())
	oldTok := s.token(t)
	expect(t, do(t, api, request{token: oldTok}), 200, user("alice"))
	_, err = verifier.CreateAccessToken(context.Background(), "alice")
	assert.ErrorContains(t, err, "keys of its key set")
	assert.ErrorContains(t, verifier.SetKeys(keyring.PrivateKey(newPriv)), "key set")

	require.NoError(t, s.auth.SetKeys(keyring.PrivateKey(newPriv), keyring.PrivateKey(oldPriv).Retired()))
	newTok := s.token(t)
	start = time.Now()
	expect(t, do(t, api, request{token: newTok}), 200, user("alice"))
	t.Logf("first request with the new key, re-fetch included: %v", time.Since(start))
	expect(t, do(t, api, request{token: oldTok}), 200, user("alice"))
	assert.EqualValues(t, 2, s.fetches.Load(), "start-up, then the unknown kid")

	// Made-up key IDs do not make the verifier hammer the signer.
	unknown := ginpaseto.SealV4PublicForTest(privateFromPEM(t, newPriv), claimsJSON(time.Now()), []byte(kidFooter("k4.pid."+strings.Repeat("A", 44))), nil)
	for range 20 {
		expect(t, do(t, api, request{token: unknown}), 401, detail("Invalid PASETO token"))
	}
	assert.EqualValues(t, 2, s.fetches.Load(), "re-fetches are rate-limited")
	assert.Empty(t, log.last())

	// Removing the old key at the signer stops its tokens at the verifier
	// once the set is fetched again.
	require.NoError(t, s.auth.SetKeys(keyring.PrivateKey(newPriv)))
	require.NoError(t, verifier.Close())
	s.srv.Close()
	api.Close()
}

// TestKeySetUnavailable: until a first good fetch, checks answer 503, even
// Optional ones; the verifier recovers by itself once the signer answers.
func TestKeySetUnavailable(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	priv, _ := ed25519PEM(t)
	s := newSigningService(t, []keyring.Key{keyring.PrivateKey(priv)}, time.Hour)
	s.answer(jsonBody(http.StatusServiceUnavailable, `{"detail":"starting"}`))
	var log errorLog
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: s.url(), OnError: log.report, MinRefresh: 20 * time.Millisecond, MaxRefresh: time.Second}))
	require.NoError(t, err)
	defer verifier.Close()
	assert.Nil(t, verifier.Keys())
	assert.Contains(t, log.last(), "the server answered 503 Service Unavailable")

	r := gin.New()
	r.GET("/p", verifier.Required(), whoami)
	r.GET("/o", verifier.Optional(), whoami)
	api := serve(t, r)
	tok := s.token(t)
	unavailable := detail("Token verification keys unavailable")
	expect(t, do(t, api, request{token: tok}), 503, unavailable)
	expect(t, do(t, api, request{path: "/o", token: tok}), 503, unavailable)
	expect(t, do(t, api, request{path: "/o"}), 200, user(""))
	_, err = verifier.ParseToken(tok)
	assert.ErrorIs(t, err, ginpaseto.ErrKeysUnavailable)

	s.answer(nil)
	require.Eventually(t, func() bool { return verifier.Keys() != nil }, 5*time.Second, 10*time.Millisecond)
	expect(t, do(t, api, request{token: tok}), 200, user("alice"))
	require.NoError(t, verifier.Close())
	require.NoError(t, verifier.Close(), "Close twice")
	s.srv.Close()
	api.Close()
}

// TestKeySetBadResponses: whatever the key set URL answers, the verifier
// keeps its last good set, reports a clear error quoting no key, and
// accepts no token it should not.
func TestKeySetBadResponses(t *testing.T) {
	goodPriv, _ := ed25519PEM(t)
	badPriv, badPub := ed25519PEM(t)
	goodRing := []keyring.Key{keyring.PrivateKey(goodPriv)}
	badRing := []keyring.Key{keyring.PrivateKey(badPriv)}
	badKID := newAuthWith(t, ginpaseto.WithKeys(badRing...)).Keys().ActiveKID(ginpaseto.Public)
	goodKID := newAuthWith(t, ginpaseto.WithKeys(goodRing...)).Keys().ActiveKID(ginpaseto.Public)
	badKey := publicPASERK(t, badPub)
	badSecret := "k4.secret." + strings.Repeat("A", 86)
	entry := func(kid, key string) string { return `{"kid":"` + kid + `","key":"` + key + `"}` }
	set := func(entries ...string) string { return `{"keys":[` + strings.Join(entries, ",") + `]}` }
	localKey := "k4.local." + strings.Repeat("B", 43)
	_, v3Pub := p384PEM(t)
	v3Key := publicPASERKv3(t, v3Pub)

	tests := []struct {
		name   string
		answer func(http.ResponseWriter)
		want   string
	}{
		{"error status", jsonBody(500, `{}`), "the server answered 500"},
		{"not JSON", jsonBody(200, `<html>keys</html>`), "not a key set"},
		{"JSON but not a set", jsonBody(200, `[1,2,3]`), "not a key set"},
		{"two documents", jsonBody(200, set(entry(badKID, badKey))+`{}`), "not a key set"},
		{"no key", jsonBody(200, `{"keys":[]}`), "holds no key"},
		{"too large", jsonBody(200, set(entry(badKID, badKey))+strings.Repeat(" ", 1<<20)), "larger than 65536 bytes"},
		{"a secret key", jsonBody(200, set(entry(badKID, badSecret))), "is a secret key, which must never be published"},
		{"a local key", jsonBody(200, set(entry(badKID, localKey))), "is a secret key"},
		{"a PEM private key", jsonBody(200, set(entry(badKID, "-----BEGIN PRIVATE KEY-----"))), "is a secret key"},
		{"kid of another key", jsonBody(200, set(entry(goodKID, badKey))), "kid that is not its key's ID"},
		{"no kid", jsonBody(200, set(`{"key":"`+badKey+`"}`)), "kid that is not its key's ID"},
		{"two keys with one kid", jsonBody(200, set(entry(badKID, badKey), entry(badKID, badKey))), "two keys with one kid"},
		{"another version", jsonBody(200, set(entry("k3.pid.x", v3Key))), "is not a k4.public key"},
		{"not a key", jsonBody(200, set(entry(badKID, "k4.public.AAAA"))), "key 1 of the key set"},
		{"small-order key", jsonBody(200, set(entry(badKID, "k4.public."+strings.Repeat("A", 43)))), "small order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSigningService(t, goodRing, time.Hour)
			var log errorLog
			verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: s.url(), OnError: log.report, MinRefresh: 10 * time.Millisecond, MaxRefresh: 10 * time.Millisecond}))
			require.NoError(t, err)
			defer verifier.Close()
			require.NotNil(t, verifier.Keys())
			api := protected(t, verifier.Required())
			good := s.token(t)
			forged, err := newAuthWith(t, ginpaseto.WithKeys(badRing...)).CreateAccessToken(context.Background(), "mallory")
			require.NoError(t, err)

			s.answer(tt.answer)
			require.Eventually(t, func() bool { return log.last() != "" }, 5*time.Second, 5*time.Millisecond)
			msg := log.last()
			assert.Contains(t, msg, tt.want)
			assert.Contains(t, msg, "ginpaseto: key set http://127.0.0.1:")
			for _, leak := range []string{badSecret, localKey, strings.TrimPrefix(badKey, "k4.public.")} {
				assert.NotContains(t, msg, leak)
			}
			expect(t, do(t, api, request{token: good}), 200, user("alice"))
			expect(t, do(t, api, request{token: forged}), 401, detail("Invalid PASETO token"))

			// A verifier that never saw a good set stays closed.
			fresh, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: s.url(), OnError: func(error) {}}))
			require.NoError(t, err)
			defer fresh.Close()
			api2 := protected(t, fresh.Required())
			for _, tok := range []string{good, forged} {
				expect(t, do(t, api2, request{token: tok}), 503, detail("Token verification keys unavailable"))
			}
		})
	}
}

func publicPASERK(t testing.TB, pemKey string) string {
	t.Helper()
	r := gin.New()
	r.GET("/k", newAuthWith(t, ginpaseto.WithKeys(keyring.PublicKey(pemKey))).KeySetHandler(0))
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/k", nil))
	var set struct {
		Keys []struct{ Key string } `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &set))
	return set.Keys[0].Key
}

func publicPASERKv3(t testing.TB, pemKey string) string {
	t.Helper()
	auth := newAuthWith(t, ginpaseto.WithVersion(legacy.V3), ginpaseto.WithKeys(keyring.PublicKey(pemKey)))
	r := gin.New()
	r.GET("/k", auth.KeySetHandler(0))
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/k", nil))
	var set struct {
		Keys []struct{ Key string } `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &set))
	return set.Keys[0].Key
}

// TestKeySetBackgroundRefresh: the set is fetched again when its
// Cache-Control says, so a key added at the signer reaches the verifier
// before any token names it.
func TestKeySetBackgroundRefresh(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	oldPriv, _ := ed25519PEM(t)
	newPriv, _ := ed25519PEM(t)
	s := newSigningService(t, []keyring.Key{keyring.PrivateKey(oldPriv)}, time.Second)
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: s.url(), MinRefresh: 50 * time.Millisecond, MaxRefresh: 200 * time.Millisecond}))
	require.NoError(t, err)

	next := []keyring.Key{keyring.PrivateKey(oldPriv), keyring.PrivateKey(newPriv).Retired()}
	start := time.Now()
	require.NoError(t, s.auth.SetKeys(next...))
	require.Eventually(t, func() bool { return len(verifier.Keys().KIDs()) == 2 }, 5*time.Second, 5*time.Millisecond)
	t.Logf("the added key reached the verifier after %v (max-age 1s, bounded to 200ms)", time.Since(start))
	n := s.fetches.Load()
	assert.GreaterOrEqual(t, n, int64(2))

	require.NoError(t, verifier.Close())
	stopped := s.fetches.Load()
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, stopped, s.fetches.Load(), "no fetch after Close")
	s.srv.Close()
}

// TestKeySetContext: cancelling KeySet.Context stops the fetching too.
func TestKeySetContext(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	priv, _ := ed25519PEM(t)
	s := newSigningService(t, []keyring.Key{keyring.PrivateKey(priv)}, 0)
	ctx, cancel := context.WithCancel(context.Background())
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: s.url(), Context: ctx, MinRefresh: 10 * time.Millisecond, MaxRefresh: time.Second}))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return s.fetches.Load() >= 3 }, 5*time.Second, 5*time.Millisecond)
	cancel()
	require.NoError(t, verifier.Close()) // returns once the fetching has stopped
	api := protected(t, verifier.Required())
	expect(t, do(t, api, request{token: s.token(t)}), 200, user("alice"))
	api.Close()
	s.srv.Close()
}

func TestKeySetURLRules(t *testing.T) {
	quiet := func(error) {}
	for _, url := range []string{"", "http://auth.example.com/keys", "http://10.0.0.1/keys", "ftp://127.0.0.1/keys", "/keys", "https://", "::"} {
		_, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: url, OnError: quiet}))
		assert.ErrorContains(t, err, "ginpaseto: WithKeySet: ", url)
	}
	_, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: "http://auth.example.com/keys"}))
	assert.ErrorContains(t, err, "plain HTTP, which anyone on the path could answer")
	for _, url := range []string{"http://127.0.0.1:1/keys", "http://[::1]:1/keys", "http://localhost:1/keys"} {
		auth, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: url, OnError: quiet, Timeout: time.Second}))
		require.NoError(t, err, url)
		assert.Nil(t, auth.Keys(), "nothing listens there")
		require.NoError(t, auth.Close())
	}
	const url = "http://127.0.0.1:1/keys"
	for name, tt := range map[string]struct {
		ks   keyring.KeySet
		want string
	}{
		"negative timeout":   {keyring.KeySet{URL: url, Timeout: -time.Second}, "Timeout is negative"},
		"tiny size":          {keyring.KeySet{URL: url, MaxSize: 10}, "MaxSize of 10 bytes cannot hold a key set"},
		"negative size":      {keyring.KeySet{URL: url, MaxSize: -1}, "MaxSize of -1 bytes"},
		"inverted refresh":   {keyring.KeySet{URL: url, MinRefresh: time.Hour, MaxRefresh: time.Minute}, "MaxRefresh (1m0s) is shorter than MinRefresh (1h0m0s)"},
		"negative refresh":   {keyring.KeySet{URL: url, MinRefresh: -time.Second}, "MinRefresh and MaxRefresh must not be negative"},
		"negative interval":  {keyring.KeySet{URL: url, RefetchInterval: -time.Second}, "RefetchInterval is negative"},
		"no URL":             {keyring.KeySet{Timeout: time.Second}, "KeySet.URL must be an absolute https:// URL"},
		"credentials in URL": {keyring.KeySet{URL: "http://user:secret@auth.example.com/keys"}, "http://user:xxxxx@auth.example.com/keys is plain HTTP"},
	} {
		_, err := ginpaseto.New(ginpaseto.WithKeySet(tt.ks))
		assert.ErrorContains(t, err, "ginpaseto: WithKeySet: "+tt.want, name)
		if err != nil {
			assert.NotContains(t, err.Error(), "secret", name)
		}
	}
	// One refresh bound alone moves the other's default out of its way.
	for _, ks := range []keyring.KeySet{
		{URL: url, OnError: quiet, MaxRefresh: 10 * time.Second},
		{URL: url, OnError: quiet, MinRefresh: 2 * time.Hour},
	} {
		auth, err := ginpaseto.New(ginpaseto.WithKeySet(ks))
		require.NoError(t, err)
		require.NoError(t, auth.Close())
	}
	_, err = ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: url, OnError: quiet}), ginpaseto.WithSecretKey(testKey))
	assert.ErrorContains(t, err, "more than one way")

	// A redirect off loopback to plain HTTP is refused like the URL itself.
	redirect := serve(t, http.RedirectHandler("http://auth.example.com/keys", http.StatusFound))
	var log errorLog
	auth, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: redirect.URL, OnError: log.report}))
	require.NoError(t, err)
	defer auth.Close()
	assert.Nil(t, auth.Keys())
	assert.Contains(t, log.last(), "plain HTTP")
}

// TestKeySetRedirects: a redirect of the key set URL is followed only on
// the key set's own host, and only if the client of KeySet.Client would
// follow it too: the keys it leads to are trusted to sign every token.
func TestKeySetRedirects(t *testing.T) {
	priv, _ := ed25519PEM(t)
	intruderPriv, _ := ed25519PEM(t)
	intruder := newSigningService(t, []keyring.Key{keyring.PrivateKey(intruderPriv)}, time.Minute)
	home := newSigningService(t, []keyring.Key{keyring.PrivateKey(priv)}, time.Minute)
	moved := func(to string) *httptest.Server {
		return serve(t, http.RedirectHandler(to, http.StatusFound))
	}
	sameHost := gin.New()
	sameHost.GET("/old", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/keys") })
	sameHost.GET("/keys", gin.WrapF(func(w http.ResponseWriter, r *http.Request) {
		home.srv.Config.Handler.ServeHTTP(w, r)
	}))
	local := serve(t, sameHost)

	var asked atomic.Int64
	counting := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { asked.Add(1); return nil }}
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name   string
		url    string
		client *http.Client // nil: ginpaseto's own
		keys   bool
		err    string
	}{
		{"to another host", moved(intruder.url()).URL, nil, false, "refused a redirect to another host"},
		{"to another host, the client follows any", moved(intruder.url()).URL, counting, false, "refused a redirect to another host"},
		{"the client follows none", local.URL + "/old", noRedirects, false, "the server answered 301"},
		{"on the same host", local.URL + "/old", nil, true, ""},
		{"on the same host, the client's policy asked", local.URL + "/old", counting, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log errorLog
			asked.Store(0)
			auth, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: tc.url, Client: tc.client, OnError: log.report}))
			require.NoError(t, err)
			defer auth.Close()
			if !tc.keys {
				assert.Nil(t, auth.Keys(), "no key trusted")
				assert.Contains(t, log.last(), tc.err)
				return
			}
			require.NotNil(t, auth.Keys())
			assert.Empty(t, log.last())
			if tc.client == counting {
				assert.Equal(t, int64(1), asked.Load(), "the client's policy decides too")
			}
		})
	}
	assert.Zero(t, intruder.fetches.Load(), "the other host was never asked")
	assert.NotNil(t, counting.CheckRedirect, "the caller's client is not changed")
}

// TestKeySetUnknownKIDKeepsKeys: a token naming a made-up key ID makes the
// verifier fetch the key set again; an unchanged set changes nothing, so
// the verified-token cache keeps its tokens. A changed set is taken.
func TestKeySetUnknownKIDKeepsKeys(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	priv, _ := ed25519PEM(t)
	s := newSigningService(t, []keyring.Key{keyring.PrivateKey(priv)}, time.Hour)
	defer s.srv.Close()
	verifier, err := ginpaseto.New(ginpaseto.WithVerifiedTokenCache(100),
		ginpaseto.WithKeySet(keyring.KeySet{URL: s.url(), RefetchInterval: time.Nanosecond}))
	require.NoError(t, err)
	defer verifier.Close()
	good := s.token(t)
	_, err = verifier.ParseToken(good)
	require.NoError(t, err)
	require.True(t, ginpaseto.CachedForTest(verifier, good))
	keys := verifier.Keys()

	madeUp := ginpaseto.SealV4PublicForTest(privateFromPEM(t, priv), claimsJSON(time.Now()), []byte(kidFooter("k4.pid."+strings.Repeat("A", 44))), nil)
	for i := range 3 {
		_, err = verifier.ParseToken(madeUp)
		assert.ErrorIs(t, err, ginpaseto.ErrTokenInvalid)
		assert.EqualValues(t, 2+i, s.fetches.Load(), "each made-up kid fetched the set again")
	}
	assert.Same(t, keys, verifier.Keys(), "the set did not change: the keyring stays")
	assert.True(t, ginpaseto.CachedForTest(verifier, good), "and the cache keeps its tokens")

	newPriv, _ := ed25519PEM(t)
	require.NoError(t, s.auth.SetKeys(keyring.PrivateKey(newPriv), keyring.PrivateKey(priv).Retired()))
	_, err = verifier.ParseToken(s.token(t))
	require.NoError(t, err, "a new key is learned from its first token")
	assert.NotSame(t, keys, verifier.Keys())
}

// TestKeySetRefetchLeavesWithContext: a check waiting for a fetch of the
// key set, caused by its own token or another's, gives up when its
// context ends, while the fetch goes on.
func TestKeySetRefetchLeavesWithContext(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	priv, _ := ed25519PEM(t)
	s := newSigningService(t, []keyring.Key{keyring.PrivateKey(priv)}, time.Hour)
	defer s.srv.Close()
	verifier, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: s.url(), Timeout: time.Minute, RefetchInterval: time.Nanosecond}))
	require.NoError(t, err)
	release := make(chan struct{})
	var released sync.Once
	unblock := func() { released.Do(func() { close(release) }) }
	defer func() { unblock(); verifier.Close() }()
	asked := make(chan struct{}, 10)
	s.answer(func(w http.ResponseWriter) {
		asked <- struct{}{}
		<-release // a key server that does not answer
		jsonBody(http.StatusServiceUnavailable, `{}`)(w)
	})
	madeUp := ginpaseto.SealV4PublicForTest(privateFromPEM(t, priv), claimsJSON(time.Now()), []byte(kidFooter("k4.pid."+strings.Repeat("A", 44))), nil)

	check := func(ctx context.Context) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, err := verifier.CheckToken(ctx, madeUp, ginpaseto.TypeAccess)
			done <- err
		}()
		return done
	}
	first, cancelFirst := context.WithCancel(context.Background())
	second, cancelSecond := context.WithCancel(context.Background())
	firstDone := check(first)
	<-asked // the first check's token started the fetch
	secondDone := check(second)
	for _, c := range []struct {
		cancel context.CancelFunc
		done   <-chan error
	}{{cancelSecond, secondDone}, {cancelFirst, firstDone}} {
		c.cancel()
		select {
		case err := <-c.done:
			assert.ErrorIs(t, err, ginpaseto.ErrTokenInvalid)
		case <-time.After(30 * time.Second): // a guard against a hang, not a measure
			t.Fatal("a check still waits for the fetch after its context ended")
		}
	}
	select {
	case <-release:
		t.Fatal("the key server was released")
	default:
	}
	unblock()
}
