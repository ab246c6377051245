package ginpaseto_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
	"github.com/ginpaseto/ginpaseto/observe"
)

// recorder is an Observer that keeps every event. Its StartCheck marks
// the context, so that the test sees which events a check's context
// reaches.
type recorder struct {
	mu     sync.Mutex
	events []any
	inSpan []bool // per event: whether its context came from StartCheck
	all    []any  // every event, kept by take
}

type spanKey struct{}

func (r *recorder) add(ctx context.Context, e any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	r.all = append(r.all, e)
	r.inSpan = append(r.inSpan, ctx.Value(spanKey{}) != nil)
}

func (r *recorder) StartCheck(ctx context.Context, s observe.CheckStart) context.Context {
	r.add(ctx, s)
	return context.WithValue(ctx, spanKey{}, true)
}
func (r *recorder) EndCheck(ctx context.Context, c observe.CheckResult)    { r.add(ctx, c) }
func (r *recorder) StoreCall(ctx context.Context, s observe.StoreCall)     { r.add(ctx, s) }
func (r *recorder) CacheLookup(ctx context.Context, hit bool)              { r.add(ctx, cacheLookup{hit}) }
func (r *recorder) KeySetFetch(ctx context.Context, f observe.KeySetFetch) { r.add(ctx, f) }
func (r *recorder) Session(ctx context.Context, e observe.SessionEvent)    { r.add(ctx, e) }
func (r *recorder) KeysChanged(ctx context.Context, k observe.KeysChange)  { r.add(ctx, k) }
func (r *recorder) WebSocketClosed(ctx context.Context, w observe.WebSocketClose) {
	r.add(ctx, w)
}

type cacheLookup struct{ hit bool }

// take returns the events recorded since the last take.
func (r *recorder) take() []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.events
	r.events, r.inSpan = nil, nil
	return e
}

// dump returns every event recorded, printed with field names, for the
// secret scan.
func (r *recorder) dump() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.all {
		fmt.Fprintf(&b, "%#v\n", e)
	}
	return b.String()
}

// results returns the CheckResults among events.
func results(events []any) []observe.CheckResult {
	var out []observe.CheckResult
	for _, e := range events {
		if c, ok := e.(observe.CheckResult); ok {
			out = append(out, c)
		}
	}
	return out
}

func sessionEvents(events []any) []observe.SessionEvent {
	var out []observe.SessionEvent
	for _, e := range events {
		if s, ok := e.(observe.SessionEvent); ok {
			out = append(out, s)
		}
	}
	return out
}

// secrets collects what must never reach an event or a log line: tokens,
// their parts and footers, keys, CSRF values.
type secrets []string

func (s *secrets) token(tok string) {
	*s = append(*s, tok)
	parts := strings.Split(tok, ".")
	for _, p := range parts[min(2, len(parts)):] {
		if len(p) >= 8 {
			*s = append(*s, p)
		}
	}
	if len(parts) == 4 {
		if footer, err := base64.RawURLEncoding.DecodeString(parts[3]); err == nil {
			*s = append(*s, string(footer))
		}
	}
}

func (s secrets) assertAbsent(t *testing.T, where, text string) {
	t.Helper()
	for _, secret := range s {
		if !assert.NotContains(t, text, secret, "%s holds a secret", where) {
			return
		}
	}
}

// TestObserverSeesEveryRefusal drives every refusal a check can answer,
// and a session's life, with a recording observer and SecurityLogger, and
// checks the outcome, reason and token source of each check; then it
// scans every event and log record for tokens, token parts, footers, keys
// and CSRF values.
func TestObserverSeesEveryRefusal(t *testing.T) {
	rec := &recorder{}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clk := newClock()
	opts := []ginpaseto.Option{
		ginpaseto.WithObserver(rec), ginpaseto.WithObserver(observe.SecurityLogger(logger)),
		ginpaseto.WithClock(clk.Now), ginpaseto.WithRefreshGrace(0), ginpaseto.WithIssuer("svc"), ginpaseto.WithExpectedIssuer("svc"),
		ginpaseto.WithExpectedAudience("api"), ginpaseto.WithMaxTokenSize(1024),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InCookie), ginpaseto.WithCookies(ginpaseto.CookieConfig{}),
	}
	auth := newAuth(t, opts...)
	otherKey := randomKey(t)
	other := newAuthWith(t, append([]ginpaseto.Option{ginpaseto.WithSecretKey(otherKey)}, opts[2:]...)...)
	down := newAuth(t, append(opts, ginpaseto.WithDenylist(stubDenylist{err: errStoreDown}))...)

	var s secrets
	s = append(s, testKey, otherKey)
	mint := func(a *ginpaseto.Authorizer, typ string, opts ...ginpaseto.TokenOption) string {
		tok, err := a.CreateToken(context.Background(), "alice", typ, append([]ginpaseto.TokenOption{ginpaseto.Audience("api")}, opts...)...)
		require.NoError(t, err)
		s.token(tok)
		return tok
	}
	key, err := hex.DecodeString(testKey)
	require.NoError(t, err)
	seal := func(payload string) string {
		tok := ginpaseto.SealV4LocalForTest(key, []byte(payload), nil, nil)
		s.token(tok)
		return tok
	}
	now := clk.Now().UTC()
	stamp := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	claims := func(iat, nbf time.Duration) string {
		return fmt.Sprintf(`{"sub":"alice","type":"access","jti":"0b7e2d0c-1f2a-4c3e-9d4b-5a6f7e8d9c0b","iat":%q,"nbf":%q,"exp":%q,"iss":"svc","aud":"api"}`,
			stamp(iat), stamp(nbf), stamp(time.Hour))
	}

	access := mint(auth, ginpaseto.TypeAccess)
	revoked := mint(auth, ginpaseto.TypeAccess)
	parsed, err := auth.ParseToken(revoked)
	require.NoError(t, err)
	require.NoError(t, auth.Revoke(context.Background(), parsed))
	pair, err := auth.CreateTokenPair(context.Background(), "alice", ginpaseto.ForToken(ginpaseto.TypeAccess, ginpaseto.Audience("api")))
	require.NoError(t, err)
	s.token(pair.AccessToken)
	s.token(pair.RefreshToken)
	s = append(s, pair.CSRFToken)
	accessCookie := cookie("__Host-access_token", pair.AccessToken)

	r := gin.New()
	r.Any("/p", auth.Required(), whoami)
	r.GET("/fresh", auth.FreshRequired(), whoami)
	r.GET("/scoped", auth.Required(ginpaseto.RequireScopes("admin")), whoami)
	r.GET("/hook", auth.Required(ginpaseto.Authorize(func(*gin.Context, *ginpaseto.Claims) error { return errors.New("no") })), whoami)
	r.GET("/optional", auth.Optional(), whoami)
	r.GET("/ws", auth.Required(ginpaseto.CloseWebSocket()), whoami)
	srv := serve(t, r)
	downSrv := protected(t, down.Required())

	tests := []struct {
		name    string
		srv     *httptest.Server
		req     request
		status  int
		outcome observe.Outcome
		reason  observe.Reason
		source  string
	}{
		{"allowed", srv, request{token: access}, 200, "allowed", "allowed", "header"},
		{"missing", srv, request{}, 401, "refused", "missing", ""},
		{"malformed header", srv, request{headers: []string{"Authorization", "Basic " + access}}, 401, "refused", "invalid", "header"},
		{"invalid", srv, request{token: "v4.local." + strings.Repeat("A", 80)}, 401, "refused", "invalid", "header"},
		{"too large", srv, request{token: "v4.local." + strings.Repeat("A", 2000)}, 401, "refused", "too_large", "header"},
		{"unsupported", srv, request{token: "v4.public." + strings.Repeat("A", 100)}, 401, "refused", "unsupported", "header"},
		{"unknown key", srv, request{token: mint(other, ginpaseto.TypeAccess)}, 401, "refused", "unknown_key", "header"},
		{"invalid claims", srv, request{token: seal(`["not", "claims"]`)}, 401, "refused", "invalid_claims", "header"},
		{"not yet valid", srv, request{token: seal(claims(0, time.Hour))}, 401, "refused", "not_yet_valid", "header"},
		{"issued in future", srv, request{token: seal(claims(time.Hour, 0))}, 401, "refused", "issued_in_future", "header"},
		{"wrong issuer", srv, request{token: mint(auth, ginpaseto.TypeAccess, ginpaseto.Issuer("evil"))}, 401, "refused", "wrong_issuer", "header"},
		{"wrong audience", srv, request{token: mint(auth, ginpaseto.TypeAccess, ginpaseto.Audience("web"))}, 401, "refused", "wrong_audience", "header"},
		{"expired", srv, request{token: mint(auth, ginpaseto.TypeAccess, ginpaseto.ExpiresAt(now.Add(-time.Hour)))}, 401, "refused", "expired", "header"},
		{"revoked", srv, request{token: revoked}, 401, "refused", "revoked", "header"},
		{"wrong type", srv, request{token: mint(auth, ginpaseto.TypeRefresh)}, 401, "refused", "wrong_type", "header"},
		{"not fresh", srv, request{path: "/fresh", token: access}, 401, "refused", "not_fresh", "header"},
		{"insufficient scope", srv, request{path: "/scoped", token: access}, 403, "refused", "insufficient_scope", "header"},
		{"forbidden", srv, request{path: "/hook", token: access}, 403, "refused", "forbidden", "header"},
		{"cookie allowed", srv, request{method: "POST", headers: append(accessCookie, "X-CSRF-Token", pair.CSRFToken)}, 200, "allowed", "allowed", "cookie"},
		{"csrf missing", srv, request{method: "POST", headers: accessCookie}, 403, "refused", "csrf", "cookie"},
		{"csrf mismatch", srv, request{method: "POST", headers: append(accessCookie, "X-CSRF-Token", "x"+pair.CSRFToken)}, 403, "refused", "csrf", "cookie"},
		{"cross origin", srv, request{method: "POST", headers: append(accessCookie, "X-CSRF-Token", pair.CSRFToken, "Origin", "https://evil.example")}, 403, "refused", "cross_origin", "cookie"},
		{"anonymous", srv, request{path: "/optional"}, 200, "anonymous", "missing", ""},
		{"store down", downSrv, request{token: access}, 503, "unavailable", "revocation_unavailable", "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec.take()
			got := do(t, tt.srv, tt.req)
			assert.Equal(t, tt.status, got.status, got.body)
			res := results(rec.take())
			require.Len(t, res, 1)
			assert.Equal(t, observe.CheckResult{TokenType: "access", Outcome: tt.outcome, Reason: tt.reason, Source: tt.source, Duration: res[0].Duration}, res[0])
			assert.Positive(t, res[0].Duration)
			assert.Contains(t, observe.Reasons(), res[0].Reason)
		})
	}

	t.Run("websocket close", func(t *testing.T) {
		rec.take()
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/ws", nil)
		require.NoError(t, err)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
		// The event follows the close frame the client has read.
		var events []any
		require.Eventually(t, func() bool {
			events = append(events, rec.take()...)
			return len(events) == 3
		}, hangGuard, time.Millisecond)
		assert.Equal(t, observe.WebSocketClose{Code: 1008, Reason: observe.ReasonMissing}, events[2])
	})

	t.Run("keys unavailable", func(t *testing.T) {
		kr := &recorder{}
		nobody := httptest.NewServer(http.NotFoundHandler())
		nobody.Close()
		verifier, err := ginpaseto.New(ginpaseto.WithObserver(kr),
			ginpaseto.WithKeySet(keyring.KeySet{URL: nobody.URL + "/keys", Timeout: 200 * time.Millisecond, OnError: func(error) {}}))
		require.NoError(t, err)
		t.Cleanup(func() { verifier.Close() })
		expect(t, do(t, protected(t, verifier.Required()), request{token: "v4.public." + strings.Repeat("A", 100)}), 503, detail("Token verification keys unavailable"))
		events := kr.take()
		res := results(events)
		require.Len(t, res, 1)
		assert.Equal(t, observe.OutcomeUnavailable, res[0].Outcome)
		assert.Equal(t, observe.ReasonKeysUnavailable, res[0].Reason)
		require.IsType(t, observe.KeySetFetch{}, events[0], "the first fetch, at New")
		assert.Error(t, events[0].(observe.KeySetFetch).Err)
	})

	// A session's life through the handlers, from a client behind a
	// trusted proxy whose user agent carries a token.
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice", ginpaseto.PairOptions(audienceAPI)) })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler(ginpaseto.PairOptions(audienceAPI)))
	r.POST("/logout", auth.Required(), auth.LogoutHandler())
	r.POST("/everywhere", auth.Required(), func(c *gin.Context) {
		require.NoError(t, auth.RevokeSubject(c, ginpaseto.Subject(c)))
	})
	require.NoError(t, r.SetTrustedProxies([]string{"127.0.0.1"}))
	inUA := "v4.local.c2hvcnQtYnV0LXRva2VuLXNoYXBlZC12YWx1ZS1pbi1hLWhlYWRlcg"
	s.token(inUA)
	client := []string{"X-Forwarded-For", "203.0.113.7", "User-Agent", "agent/1.0 (" + inUA + ")\t"}
	login := func() *ginpaseto.TokenPair {
		got := do(t, srv, request{method: "POST", path: "/login", headers: client})
		require.Equal(t, 200, got.status, got.body)
		var p ginpaseto.TokenPair
		require.NoError(t, jsonUnmarshal(got.body, &p))
		s.token(p.AccessToken)
		s.token(p.RefreshToken)
		return &p
	}
	rec.take()
	first := login()
	second := refreshPair(t, srv, first.RefreshToken, client)
	s.token(second.AccessToken)
	s.token(second.RefreshToken)
	expect(t, do(t, srv, request{method: "POST", path: "/refresh", token: first.RefreshToken, headers: client}), 401, detail("Refresh token reuse detected"))
	third := login()
	expect(t, do(t, srv, request{method: "POST", path: "/logout", token: third.AccessToken, headers: client}), 204, "")
	fourth := login()
	expect(t, do(t, srv, request{method: "POST", path: "/everywhere", token: fourth.AccessToken, headers: client}), 200, "")

	var kinds []observe.SessionEventKind
	for _, e := range sessionEvents(rec.take()) {
		kinds = append(kinds, e.Kind)
		assert.Equal(t, "alice", e.Subject, e.Kind)
		assert.Equal(t, "203.0.113.7", e.ClientIP, "as Gin resolves it behind its trusted proxy")
		assert.True(t, strings.HasPrefix(e.UserAgent, "agent/1.0 ("), e.UserAgent)
		assert.NotContains(t, e.UserAgent, "\t")
		if e.Kind != observe.SubjectRevoked {
			assert.NotEmpty(t, e.SessionID)
		}
	}
	assert.Equal(t, []observe.SessionEventKind{"started", "rotated", "reuse_detected", "started", "ended", "started", "subject_revoked"}, kinds)

	require.NoError(t, auth.SetKeys(keyring.SecretKey(testKey), keyring.SecretKey(otherKey).Retired()))

	logged := logs.String()
	for _, msg := range []string{"refresh token reuse detected", "session ended", "subject revoked", "keys changed"} {
		assert.Equal(t, 1, strings.Count(logged, msg), "one %q record:\n%s", msg, logged)
	}
	assert.Contains(t, logged, `"client_ip":"203.0.113.7"`)
	assert.NotContains(t, logged, "session started", "routine events are not written")
	s.assertAbsent(t, "an event", rec.dump())
	s.assertAbsent(t, "the security log", logged)
}

func audienceAPI(*gin.Context, string) ([]ginpaseto.TokenOption, error) {
	return []ginpaseto.TokenOption{ginpaseto.Audience("api")}, nil
}

// TestObserverContext checks that the context StartCheck returns reaches
// the store calls and cache look-ups of the check and EndCheck, and that
// the session handlers' store calls get the request's context.
func TestObserverContext(t *testing.T) {
	rec := &recorder{}
	auth := newAuth(t, ginpaseto.WithObserver(rec), ginpaseto.WithVerifiedTokenCache(10))
	r := gin.New()
	r.GET("/p", auth.Required(), whoami)
	r.POST("/refresh", func(c *gin.Context) {
		// What a tracing middleware such as otelgin does: the request's
		// context carries its span.
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), spanKey{}, true))
	}, auth.RefreshRequired(), auth.RefreshHandler())
	srv := serve(t, r)
	tok := token(t, auth, ginpaseto.TypeAccess)
	expect(t, get(t, srv, "/p", "Authorization", "Bearer "+tok), 200, user("alice"))
	expect(t, get(t, srv, "/p", "Authorization", "Bearer "+tok), 200, user("alice"))

	rec.mu.Lock()
	events, inSpan := rec.events, rec.inSpan
	rec.mu.Unlock()
	var kinds []string
	for i, e := range events {
		kinds = append(kinds, fmt.Sprintf("%T", e))
		if _, start := e.(observe.CheckStart); !start {
			assert.True(t, inSpan[i], "%#v gets the check's context", e)
		}
		if sc, ok := e.(observe.StoreCall); ok {
			assert.Equal(t, observe.StoreIsRevoked, sc.Operation)
			assert.NoError(t, sc.Err)
			assert.False(t, sc.Failed)
		}
	}
	check := []string{"observe.CheckStart", "ginpaseto_test.cacheLookup", "observe.StoreCall", "observe.CheckResult"}
	assert.Equal(t, append(check, check...), kinds)
	assert.Equal(t, []any{cacheLookup{false}, cacheLookup{true}}, []any{events[1], events[5]})
	rec.take()

	pair, err := auth.CreateTokenPair(context.Background(), "alice")
	require.NoError(t, err)
	refreshPair(t, srv, pair.RefreshToken, nil)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var rotations int
	for i, e := range rec.events {
		if sc, ok := e.(observe.StoreCall); ok && sc.Operation == observe.StoreRotateSession {
			rotations++
			assert.True(t, rec.inSpan[i], "the handler's store call gets the request's context")
		}
	}
	assert.Equal(t, 1, rotations)
}

// TestObserverStoreFailure reports a failed store call as failed, and a
// refusal of the store as an answer.
func TestObserverStoreFailure(t *testing.T) {
	rec := &recorder{}
	auth := newAuth(t, ginpaseto.WithObserver(rec), ginpaseto.WithStore(failingStore{}))
	_, err := auth.CreateTokenPair(context.Background(), "alice")
	require.Error(t, err)
	events := rec.take()
	require.Len(t, events, 1)
	sc := events[0].(observe.StoreCall)
	assert.Equal(t, observe.StoreCreateSession, sc.Operation)
	assert.ErrorIs(t, sc.Err, errStoreDown)
	assert.True(t, sc.Failed)
}

// TestOneReuseOneEvent: two processes share a store; a refresh token
// reused through the other process is reported once, by the process whose
// rotation found it, and later attempts are refused without a second
// report.
func TestOneReuseOneEvent(t *testing.T) {
	store := &ginpaseto.MemoryStore{}
	var recs [2]*recorder
	var logs [2]bytes.Buffer
	var srvs [2]*httptest.Server
	for i := range recs {
		recs[i] = &recorder{}
		logger := slog.New(slog.NewJSONHandler(&logs[i], nil))
		auth := newAuth(t, ginpaseto.WithStore(store), ginpaseto.WithRefreshGrace(0), ginpaseto.WithObserver(recs[i]), ginpaseto.WithObserver(observe.SecurityLogger(logger)))
		r := gin.New()
		r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice") })
		r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
		srvs[i] = serve(t, r)
	}
	got := do(t, srvs[0], request{method: "POST", path: "/login"})
	require.Equal(t, 200, got.status)
	var pair ginpaseto.TokenPair
	require.NoError(t, jsonUnmarshal(got.body, &pair))
	started := sessionEvents(recs[0].take())
	require.Len(t, started, 1)
	refreshPair(t, srvs[0], pair.RefreshToken, nil)
	for _, srv := range []*httptest.Server{srvs[1], srvs[0], srvs[1]} {
		got := do(t, srv, request{method: "POST", path: "/refresh", token: pair.RefreshToken})
		assert.Equal(t, 401, got.status)
	}
	reuses := 0
	for i := range recs {
		for _, e := range sessionEvents(recs[i].take()) {
			if e.Kind == observe.SessionReuseDetected {
				reuses++
				assert.Equal(t, 1, i, "the second process found the reuse")
				assert.Equal(t, "alice", e.Subject)
				assert.Equal(t, started[0].SessionID, e.SessionID)
			}
		}
	}
	assert.Equal(t, 1, reuses)
	assert.Equal(t, 0, strings.Count(logs[0].String(), "reuse detected"))
	assert.Equal(t, 1, strings.Count(logs[1].String(), "reuse detected"))
}

// TestObserverKeys reports key changes, once per change, and the fetches
// of a key set.
func TestObserverKeys(t *testing.T) {
	rec := &recorder{}
	auth := newAuth(t, ginpaseto.WithObserver(rec))
	other := randomKey(t)
	ring := []keyring.Key{keyring.SecretKey(other), keyring.SecretKey(testKey).Retired()}
	require.NoError(t, auth.SetKeys(ring...))
	require.NoError(t, auth.SetKeys(keyring.SecretKey(other), keyring.SecretKey(testKey).Retired()))
	assert.Equal(t, []any{observe.KeysChange{Source: observe.KeysFromSetKeys, Keys: 2}}, rec.take(), "the same keys again are no change")

	priv, _ := ed25519PEM(t)
	s := newSigningService(t, []keyring.Key{keyring.PrivateKey(priv)}, time.Hour)
	verifier, err := ginpaseto.New(ginpaseto.WithObserver(rec), ginpaseto.WithKeySet(keyring.KeySet{URL: s.url()}))
	require.NoError(t, err)
	t.Cleanup(func() { verifier.Close() })
	events := rec.take()
	require.Len(t, events, 2)
	fetch, ok := events[0].(observe.KeySetFetch)
	require.True(t, ok)
	assert.NoError(t, fetch.Err)
	assert.Equal(t, observe.KeysChange{Source: observe.KeysFromKeySet, Keys: 1}, events[1])

	// A token of a new key makes the check fetch again, within its span.
	newPriv, _ := ed25519PEM(t)
	require.NoError(t, s.auth.SetKeys(keyring.PrivateKey(newPriv), keyring.PrivateKey(priv).Retired()))
	expect(t, do(t, protected(t, verifier.Required()), request{token: s.token(t)}), 200, user("alice"))
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var fetched bool
	for i, e := range rec.events {
		if _, ok := e.(observe.KeySetFetch); ok {
			fetched = true
			assert.True(t, rec.inSpan[i], "the refetch is part of the check")
		}
	}
	assert.True(t, fetched)
}

// TestObserverAddsNoAllocations: the hook itself costs the request path
// no allocation; a no-op observer allocates as much as none.
func TestObserverAddsNoAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector drops sync.Pool entries at random, so allocation counts vary")
	}
	// The fewest of a few measurements: other goroutines of the test
	// process (servers of other tests, the cache's maintenance) can only
	// add to a count.
	allocs := func(opts ...ginpaseto.Option) float64 {
		auth := newAuth(t, opts...)
		r := gin.New()
		r.GET("/p", auth.Required(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
		req := httptest.NewRequest(http.MethodGet, "/p", nil)
		req.Header.Set("Authorization", "Bearer "+token(t, auth, ginpaseto.TypeAccess))
		w := httptest.NewRecorder()
		fewest := math.Inf(1)
		for range 3 {
			fewest = min(fewest, testing.AllocsPerRun(200, func() {
				r.ServeHTTP(w, req)
			}))
		}
		return fewest
	}
	none := allocs()
	assert.Equal(t, none, allocs(ginpaseto.WithObserver(observe.Nop{})))
	assert.Equal(t, allocs(ginpaseto.WithVerifiedTokenCache(10)), allocs(ginpaseto.WithVerifiedTokenCache(10), ginpaseto.WithObserver(observe.Nop{})))
}

func TestWithObserverNil(t *testing.T) {
	_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithObserver(nil))
	assert.EqualError(t, err, "ginpaseto: WithObserver: observer is nil; leave the option out to observe nothing")
	assert.Panics(t, func() { observe.SecurityLogger(nil) })
}

// hangGuard bounds how long a test waits for what a healthy server does
// in milliseconds.
const hangGuard = time.Minute

func jsonUnmarshal(body string, v any) error { return json.Unmarshal([]byte(body), v) }

// refreshPair trades refresh for a new pair at srv's /refresh.
func refreshPair(t *testing.T, srv *httptest.Server, refresh string, headers []string) *ginpaseto.TokenPair {
	t.Helper()
	got := do(t, srv, request{method: "POST", path: "/refresh", token: refresh, headers: headers})
	require.Equal(t, 200, got.status, got.body)
	var p ginpaseto.TokenPair
	require.NoError(t, jsonUnmarshal(got.body, &p))
	return &p
}

// TestObserverReplay: a refresh token presented again within the grace is
// a replay, not a reuse.
func TestObserverReplay(t *testing.T) {
	rec := &recorder{}
	auth := newAuth(t, ginpaseto.WithObserver(rec), ginpaseto.WithRefreshGrace(time.Minute))
	r := gin.New()
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	srv := serve(t, r)
	pair, err := auth.CreateTokenPair(context.Background(), "alice")
	require.NoError(t, err)
	refreshPair(t, srv, pair.RefreshToken, nil)
	refreshPair(t, srv, pair.RefreshToken, nil)
	var kinds []observe.SessionEventKind
	for _, e := range sessionEvents(rec.take()) {
		kinds = append(kinds, e.Kind)
		assert.Equal(t, pair.SessionID, e.SessionID)
	}
	assert.Equal(t, []observe.SessionEventKind{"started", "rotated", "replayed"}, kinds)
}

// TestObserverWatchEnds: a watched connection whose session ends is
// reported as closing with 1008 and the reason; one the application stops
// itself is not.
func TestObserverWatchEnds(t *testing.T) {
	rec := &recorder{}
	auth := newAuth(t, ginpaseto.WithObserver(rec))
	watchOf := func() (*ginpaseto.TokenPair, context.Context, context.CancelFunc) {
		pair, err := auth.CreateTokenPair(context.Background(), "alice")
		require.NoError(t, err)
		claims, err := auth.ParseToken(pair.AccessToken)
		require.NoError(t, err)
		ctx, stop := auth.Watch(context.Background(), claims)
		t.Cleanup(stop)
		return pair, ctx, stop
	}
	closes := func() []observe.WebSocketClose {
		var out []observe.WebSocketClose
		for _, e := range rec.take() {
			if w, ok := e.(observe.WebSocketClose); ok {
				out = append(out, w)
			}
		}
		return out
	}

	_, ctx, stop := watchOf()
	stop()
	<-ctx.Done()
	assert.Empty(t, closes(), "the application's own stop")

	pair, ctx, _ := watchOf()
	require.NoError(t, auth.RevokeSession(context.Background(), pair.SessionID))
	select {
	case <-ctx.Done():
	case <-time.After(hangGuard):
		t.Fatal("the watch did not end")
	}
	var got []observe.WebSocketClose
	require.Eventually(t, func() bool {
		got = append(got, closes()...)
		return len(got) > 0
	}, hangGuard, time.Millisecond)
	assert.Equal(t, []observe.WebSocketClose{{Code: 1008, Reason: observe.ReasonRevoked}}, got)
}

// TestObserverEndedSessionsNameTheSubject: sessions a user ends from one
// of their devices (the others, or one by ID) are reported with the
// user's subject, as a logout is.
func TestObserverEndedSessionsNameTheSubject(t *testing.T) {
	rec := &recorder{}
	auth := newAuth(t, ginpaseto.WithObserver(rec))
	r := gin.New()
	r.POST("/logout-others", auth.Required(), auth.LogoutHandler(ginpaseto.Others()))
	r.DELETE("/sessions/:id", auth.Required(), auth.EndSessionHandler("id"))
	srv := serve(t, r)
	var pairs []*ginpaseto.TokenPair
	for range 4 {
		pair, err := auth.CreateTokenPair(context.Background(), "alice")
		require.NoError(t, err)
		pairs = append(pairs, pair)
	}
	rec.take()
	expect(t, do(t, srv, request{method: "DELETE", path: "/sessions/" + pairs[1].SessionID, token: pairs[0].AccessToken}), 204, "")
	expect(t, do(t, srv, request{method: "POST", path: "/logout-others", token: pairs[0].AccessToken}), 204, "")
	var ended []string
	for _, e := range sessionEvents(rec.take()) {
		assert.Equal(t, observe.SessionEnded, e.Kind)
		assert.Equal(t, "alice", e.Subject, e.SessionID)
		ended = append(ended, e.SessionID)
	}
	assert.ElementsMatch(t, []string{pairs[1].SessionID, pairs[2].SessionID, pairs[3].SessionID}, ended)
}
