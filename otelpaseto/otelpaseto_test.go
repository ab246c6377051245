package otelpaseto_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
	"github.com/ginpaseto/ginpaseto/otelpaseto"
)

const testKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

func init() { gin.SetMode(gin.TestMode) }

// telemetry is an in-memory OpenTelemetry pipeline: a manual metric
// reader and a span recorder.
type telemetry struct {
	reader *sdkmetric.ManualReader
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	obs    ginpaseto.Observer
}

func newTelemetry(t testing.TB) *telemetry {
	t.Helper()
	tel := &telemetry{reader: sdkmetric.NewManualReader(), spans: tracetest.NewSpanRecorder()}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	tel.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tel.spans))
	t.Cleanup(func() { mp.Shutdown(context.Background()); tel.tp.Shutdown(context.Background()) })
	obs, err := otelpaseto.New(otelpaseto.WithMeterProvider(mp), otelpaseto.WithTracerProvider(tel.tp))
	require.NoError(t, err)
	tel.obs = obs
	return tel
}

// serverSpan is what otelgin does: a server span per request, in the
// request's context.
func (tel *telemetry) serverSpan(c *gin.Context) {
	ctx, span := tel.tp.Tracer("test").Start(c.Request.Context(), "GET "+c.FullPath(), trace.WithSpanKind(trace.SpanKindServer))
	defer span.End()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// point is one data point of a metric: its attributes and value.
type point struct {
	attrs map[string]string
	value float64 // the sum, or a histogram's count
}

func (tel *telemetry) collect(t testing.TB) map[string][]point {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	out := map[string][]point{}
	for _, sm := range rm.ScopeMetrics {
		assert.Equal(t, otelpaseto.ScopeName, sm.Scope.Name)
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				assert.True(t, d.IsMonotonic, m.Name)
				for _, p := range d.DataPoints {
					out[m.Name] = append(out[m.Name], point{attrMap(p.Attributes.ToSlice()), float64(p.Value)})
				}
			case metricdata.Histogram[float64]:
				assert.Equal(t, "s", m.Unit, m.Name)
				for _, p := range d.DataPoints {
					out[m.Name] = append(out[m.Name], point{attrMap(p.Attributes.ToSlice()), float64(p.Count)})
				}
			default:
				t.Fatalf("%s: unexpected data %T", m.Name, m.Data)
			}
		}
	}
	return out
}

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

// value returns the value of the point of name whose attributes include
// attrs (pairs of key and value), 0 when there is none.
func value(points map[string][]point, name string, attrs ...string) float64 {
	var sum float64
	for _, p := range points[name] {
		match := true
		for i := 0; i+1 < len(attrs); i += 2 {
			if p.attrs[attrs[i]] != attrs[i+1] {
				match = false
			}
		}
		if match {
			sum += p.value
		}
	}
	return sum
}

type app struct {
	auth *ginpaseto.Authorizer
	srv  *httptest.Server
}

func newApp(t testing.TB, tel *telemetry, opts ...ginpaseto.Option) *app {
	t.Helper()
	auth, err := ginpaseto.New(append([]ginpaseto.Option{
		ginpaseto.WithSecretKey(testKey), ginpaseto.WithObserver(tel.obs), ginpaseto.WithVerifiedTokenCache(100),
		ginpaseto.WithRefreshGrace(0), ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InQuery, ginpaseto.InCookie),
		ginpaseto.WithCookies(ginpaseto.CookieConfig{}),
	}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { auth.Close() })
	r := gin.New()
	r.Use(tel.serverSpan)
	r.Any("/user", auth.Required(), func(c *gin.Context) { c.JSON(200, gin.H{"user": ginpaseto.Subject(c)}) })
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice") })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.POST("/logout", auth.Required(), auth.LogoutHandler())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &app{auth, srv}
}

func (a *app) do(t testing.TB, method, path, token string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := a.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func (a *app) pair(t testing.TB, path, token string) ginpaseto.TokenPair {
	t.Helper()
	status, body := a.do(t, "POST", path, token)
	require.Equal(t, 200, status, body)
	var p ginpaseto.TokenPair
	require.NoError(t, json.Unmarshal([]byte(body), &p))
	return p
}

// TestMetricsAndSpans drives checks and a session's life and finds every
// pinned instrument, its attributes, and the spans: ginpaseto.check a
// child of the request's span, the store calls children of the check.
// Then it scans everything recorded for the tokens, their parts and the
// key.
func TestMetricsAndSpans(t *testing.T) {
	tel := newTelemetry(t)
	a := newApp(t, tel)
	access, err := a.auth.CreateAccessToken(context.Background(), "alice")
	require.NoError(t, err)
	expired, err := a.auth.CreateAccessToken(context.Background(), "alice", ginpaseto.ExpiresAt(time.Now().Add(-time.Minute)))
	require.NoError(t, err)
	secrets := []string{testKey}
	addToken := func(tok string) {
		secrets = append(secrets, tok)
		for _, p := range strings.Split(tok, ".")[2:] {
			secrets = append(secrets, p)
			if b, err := base64.RawURLEncoding.DecodeString(p); err == nil && len(b) < 200 {
				secrets = append(secrets, string(b)) // the footer
			}
		}
	}
	addToken(access)
	addToken(expired)

	status, _ := a.do(t, "GET", "/user", access)
	require.Equal(t, 200, status)
	status, _ = a.do(t, "GET", "/user", access) // a cache hit
	require.Equal(t, 200, status)
	status, _ = a.do(t, "GET", "/user", "")
	require.Equal(t, 401, status)
	status, _ = a.do(t, "GET", "/user", expired)
	require.Equal(t, 401, status)
	first := a.pair(t, "/login", "")
	addToken(first.AccessToken)
	addToken(first.RefreshToken)
	second := a.pair(t, "/refresh", first.RefreshToken)
	addToken(second.AccessToken)
	addToken(second.RefreshToken)
	status, _ = a.do(t, "POST", "/refresh", first.RefreshToken) // reuse
	require.Equal(t, 401, status)
	third := a.pair(t, "/login", "")
	addToken(third.AccessToken)
	addToken(third.RefreshToken)
	status, _ = a.do(t, "POST", "/logout", third.AccessToken)
	require.Equal(t, 204, status)

	m := tel.collect(t)
	assert.EqualValues(t, 3, value(m, "ginpaseto.checks", "ginpaseto.outcome", "allowed", "ginpaseto.reason", "allowed", "ginpaseto.token.type", "access"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.checks", "ginpaseto.outcome", "refused", "ginpaseto.reason", "missing"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.checks", "ginpaseto.outcome", "refused", "ginpaseto.reason", "expired"))
	assert.EqualValues(t, 2, value(m, "ginpaseto.checks", "ginpaseto.reason", "allowed", "ginpaseto.token.type", "refresh"), "the refresh and the reuse pass the check")
	assert.EqualValues(t, 7, value(m, "ginpaseto.check.duration"))
	assert.EqualValues(t, 2, value(m, "ginpaseto.sessions", "ginpaseto.event", "started"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.sessions", "ginpaseto.event", "rotated"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.sessions", "ginpaseto.event", "reuse_detected"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.sessions", "ginpaseto.event", "ended"))
	assert.EqualValues(t, 2, value(m, "ginpaseto.cache.lookups", "ginpaseto.cache.hit", "true"))
	assert.EqualValues(t, 4, value(m, "ginpaseto.cache.lookups", "ginpaseto.cache.hit", "false"))
	assert.EqualValues(t, 5, value(m, "ginpaseto.store.duration", "ginpaseto.store.operation", "is_revoked", "ginpaseto.result", "ok"))
	assert.EqualValues(t, 2, value(m, "ginpaseto.store.duration", "ginpaseto.store.operation", "create_session"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.store.duration", "ginpaseto.store.operation", "rotate_session", "ginpaseto.result", "ok"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.store.duration", "ginpaseto.store.operation", "rotate_session", "ginpaseto.result", "refused"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.store.duration", "ginpaseto.store.operation", "revoke_session"))

	spans := tel.spans.Ended()
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID()] = s
	}
	var checks, stores int
	for _, s := range spans {
		parent := byID[s.Parent().SpanID()]
		switch s.Name() {
		case "ginpaseto.check":
			checks++
			require.NotNil(t, parent, "a check has the request's span as parent")
			assert.Equal(t, trace.SpanKindServer, parent.SpanKind())
			attrs := attrMap(s.Attributes())
			assert.Contains(t, attrs, "ginpaseto.outcome")
			assert.Contains(t, attrs, "ginpaseto.reason")
			assert.Contains(t, attrs, "ginpaseto.token.type")
			assert.Contains(t, attrs, "ginpaseto.token.source")
			assert.False(t, s.EndTime().Before(s.StartTime()))
		case "ginpaseto.store":
			stores++
			require.NotNil(t, parent, "a store call has a parent")
			if attrMap(s.Attributes())["ginpaseto.store.operation"] == "is_revoked" {
				assert.Equal(t, "ginpaseto.check", parent.Name(), "the check's store call is its child")
				assert.False(t, s.StartTime().Before(parent.StartTime()))
				assert.False(t, s.EndTime().After(parent.EndTime()))
			}
		}
	}
	assert.Equal(t, 7, checks)
	assert.Equal(t, 5+2+2+1, stores)

	dump := fmt.Sprintf("%+v", m)
	for _, s := range spans {
		dump += fmt.Sprintf("%s %+v %+v %+v\n", s.Name(), s.Attributes(), s.Events(), s.Status())
	}
	for _, s := range secrets {
		require.NotContains(t, dump, s, "a secret in the telemetry")
	}
}

// TestKeySetFetches counts key set fetches by result and records the key
// changes.
func TestKeySetFetches(t *testing.T) {
	signer, err := ginpaseto.New(ginpaseto.WithKeys(newKey(t)))
	require.NoError(t, err)
	r := gin.New()
	var fail atomic.Bool
	keys := signer.KeySetHandler(time.Hour)
	r.GET("/keys", func(c *gin.Context) {
		if fail.Load() {
			c.Status(http.StatusInternalServerError)
			return
		}
		keys(c)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	tel := newTelemetry(t)
	verifier, err := ginpaseto.New(ginpaseto.WithObserver(tel.obs), ginpaseto.WithKeySet(keyring.KeySet{URL: srv.URL + "/keys", OnError: func(error) {}}))
	require.NoError(t, err)
	t.Cleanup(func() { verifier.Close() })
	fail.Store(true)
	// A token naming an unknown key makes the check fetch again: a
	// failure, within the request's trace.
	require.NoError(t, signer.SetKeys(newKey(t)))
	tok, err := signer.CreateAccessToken(context.Background(), "alice")
	require.NoError(t, err)
	rr := gin.New()
	rr.Use(tel.serverSpan)
	rr.GET("/user", verifier.Required(), func(c *gin.Context) {})
	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/user", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rr.ServeHTTP(w, req)
	assert.Equal(t, 401, w.Code)

	m := tel.collect(t)
	assert.EqualValues(t, 1, value(m, "ginpaseto.keyset.fetches", "ginpaseto.result", "success"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.keyset.fetches", "ginpaseto.result", "failure"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.keys.changes", "ginpaseto.source", "key_set"))
	assert.EqualValues(t, 1, value(m, "ginpaseto.checks", "ginpaseto.reason", "unknown_key"))
	var fetchSpans int
	for _, s := range tel.spans.Ended() {
		if s.Name() == "ginpaseto.keyset.fetch" {
			fetchSpans++
			assert.Equal(t, "failure", attrMap(s.Attributes())["ginpaseto.result"])
		}
	}
	assert.Equal(t, 1, fetchSpans, "the refetch of the check, not the background fetch outside any trace")
}

// newKey returns a new signing key.
func newKey(t testing.TB) keyring.Key {
	t.Helper()
	_, priv, err := ed25519Key()
	require.NoError(t, err)
	return keyring.PrivateKey(priv)
}

func TestNewErrors(t *testing.T) {
	_, err := otelpaseto.New(otelpaseto.WithMeterProvider(nil))
	assert.ErrorContains(t, err, "WithMeterProvider: provider is nil")
	_, err = otelpaseto.New(otelpaseto.WithTracerProvider(nil))
	assert.ErrorContains(t, err, "WithTracerProvider: provider is nil")
	_, err = otelpaseto.New(nil)
	assert.ErrorContains(t, err, "nil option")
	obs, err := otelpaseto.New() // the global providers, no-ops unless set
	require.NoError(t, err)
	assert.NotNil(t, obs)
}

// TestNoSpanOutsideATrace: a request without a recording span makes no
// span, yet is counted; a traced one ends its own span, never the
// request's.
func TestNoSpanOutsideATrace(t *testing.T) {
	tel := newTelemetry(t)
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithObserver(tel.obs))
	require.NoError(t, err)
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		assert.False(t, trace.SpanFromContext(c.Request.Context()).SpanContext().IsValid())
	})
	traced := gin.New()
	traced.Use(tel.serverSpan)
	traced.GET("/user", auth.Required(), func(c *gin.Context) {
		assert.True(t, trace.SpanFromContext(c.Request.Context()).IsRecording(), "the request's span is still open")
	})
	tok, err := auth.CreateAccessToken(context.Background(), "alice")
	require.NoError(t, err)
	for _, h := range []*gin.Engine{r, traced} {
		req := httptest.NewRequest("GET", "/user", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		assert.Equal(t, 200, w.Code)
	}
	var names []string
	for _, s := range tel.spans.Ended() {
		names = append(names, s.Name())
	}
	assert.Equal(t, []string{"ginpaseto.store", "ginpaseto.check", "GET /user"}, names)
	assert.EqualValues(t, 2, value(tel.collect(t), "ginpaseto.checks", "ginpaseto.reason", "allowed"))
}
