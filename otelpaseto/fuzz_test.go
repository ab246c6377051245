package otelpaseto_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
)

func ed25519Key() (ed25519.PublicKey, string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, "", err
	}
	return pub, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// allowed is every value each attribute may take.
var allowed = map[attribute.Key][]string{
	"ginpaseto.outcome":         {"allowed", "refused", "unavailable", "anonymous"},
	"ginpaseto.token.type":      {"access", "refresh"},
	"ginpaseto.token.source":    {"none", "header", "query", "json", "websocket_protocol", "cookie", "extractor", "previous_check"},
	"ginpaseto.store.operation": {"is_revoked", "revoke", "create_session", "rotate_session", "revoke_session", "revoke_subject", "sessions", "denylist"},
	"ginpaseto.result":          {"ok", "refused", "error", "success", "failure"},
	"ginpaseto.cache.hit":       {"true", "false"},
	"ginpaseto.event":           {"started", "rotated", "replayed", "reuse_detected", "ended", "subject_revoked"},
	"ginpaseto.source":          {"set_keys", "key_set"},
}

func init() {
	for _, r := range observe.Reasons() {
		allowed["ginpaseto.reason"] = append(allowed["ginpaseto.reason"], string(r))
	}
}

// FuzzHostileTokens sends whatever the fuzzer makes up as a token, in a
// header, a query parameter and a cookie, and checks that every attribute
// of every metric and span recorded is from its closed set.
func FuzzHostileTokens(f *testing.F) {
	tel := newTelemetry(f)
	a := newApp(f, tel)
	good, err := a.auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Footer(map[string]any{"kid": "attacker"}))
	require.NoError(f, err)
	for _, seed := range []string{
		"", "v4.local.", "v4.public.", "v4.local.AAAA", "v4.local.AAAA.", good, good + "x", strings.Repeat("v4.local.", 2000),
		"v4.local.AAAA.eyJraWQiOiJrNC5sb2NhbC4ifQ", "v2.local.x", "k4.local.xyz", "Bearer", "\x00\xff", "ginpaseto.reason=evil",
		"v4.local." + strings.Repeat("A", 100) + ".e30", "v4.local." + strings.Repeat("_", 100),
	} {
		f.Add(seed)
	}
	h := a.srv.Config.Handler
	f.Fuzz(func(t *testing.T, tok string) {
		tel.spans.Reset()
		send := func(req *http.Request) {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
		req := httptest.NewRequest("GET", "/user", nil)
		req.Header["Authorization"] = []string{"Bearer " + tok}
		send(req)
		send(httptest.NewRequest("GET", "/user?token="+url.QueryEscape(tok), nil))
		req = httptest.NewRequest("POST", "/user", nil)
		req.Header["Cookie"] = []string{"__Host-access_token=" + tok}
		req.Header["X-Csrf-Token"] = []string{tok}
		send(req)
		req = httptest.NewRequest("POST", "/refresh", nil)
		req.Header["Authorization"] = []string{"Bearer " + tok}
		send(req)

		m := tel.collect(t)
		for name, points := range m {
			for _, p := range points {
				for k, v := range p.attrs {
					if !slices.Contains(allowed[attribute.Key(k)], v) {
						t.Fatalf("%s: attribute %s=%q is outside its closed set", name, k, v)
					}
				}
			}
		}
		for _, s := range tel.spans.Ended() {
			if !strings.HasPrefix(s.Name(), "ginpaseto.") {
				continue
			}
			for _, kv := range s.Attributes() {
				if !slices.Contains(allowed[kv.Key], kv.Value.Emit()) {
					t.Fatalf("span %s: attribute %s=%q is outside its closed set", s.Name(), kv.Key, kv.Value.Emit())
				}
			}
			if d := s.Status().Description; d != "" && !slices.Contains(allowed["ginpaseto.reason"], d) && d != "failed" {
				t.Fatalf("span %s: status %q", s.Name(), d)
			}
		}
	})
}
