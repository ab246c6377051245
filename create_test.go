package ginpaseto_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

var (
	uuid4   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	rfc3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
)

// payloadKeys returns the claim names of a v4.public token in wire order.
func payloadKeys(t *testing.T, tok string) ([]string, map[string]json.RawMessage) {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.GreaterOrEqual(t, len(parts), 3)
	require.Equal(t, "v4.public", parts[0]+"."+parts[1])
	body, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	payload := body[:len(body)-ed25519.SignatureSize]

	dec := json.NewDecoder(bytes.NewReader(payload))
	open, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), open)
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	var all map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(payload, &all))
	return keys, all
}

func TestPayloadLayout(t *testing.T) {
	priv, _ := ed25519PEM(t)
	auth, err := ginpaseto.New(ginpaseto.WithPrivateKey(priv), ginpaseto.WithIssuer("api.example"))
	require.NoError(t, err)
	extra := ginpaseto.ExtraClaims(map[string]any{"zeta": 1, "alpha": "x", "Mid": []int{1, 2}})
	tests := []struct {
		name string
		typ  string
		opts []ginpaseto.TokenOption
		keys []string
		aud  string
	}{
		{"access", "access", nil, []string{"sub", "type", "fresh", "jti", "iat", "nbf", "exp", "iss"}, ""},
		{"access, everything", "access", []ginpaseto.TokenOption{extra, ginpaseto.Fresh(), ginpaseto.Audience("a", "b")},
			[]string{"sub", "type", "fresh", "jti", "iat", "nbf", "exp", "iss", "aud", "Mid", "alpha", "zeta"}, `["a","b"]`},
		{"refresh", "refresh", nil, []string{"sub", "type", "jti", "iat", "nbf", "exp", "iss"}, ""},
		{"refresh, everything", "refresh", []ginpaseto.TokenOption{extra, ginpaseto.Audience("a"), ginpaseto.Issuer("me")},
			[]string{"sub", "type", "jti", "iat", "nbf", "exp", "iss", "aud", "Mid", "alpha", "zeta"}, `"a"`},
		{"custom", "reset", []ginpaseto.TokenOption{extra}, []string{"sub", "type", "jti", "iat", "nbf", "exp", "iss", "Mid", "alpha", "zeta"}, ""},
		{"no expiry", "reset", []ginpaseto.TokenOption{ginpaseto.NoExpiry()}, []string{"sub", "type", "jti", "iat", "nbf", "iss"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := token(t, auth, tt.typ, tt.opts...)
			keys, all := payloadKeys(t, tok)
			assert.Equal(t, tt.keys, keys)
			assert.JSONEq(t, `"alice"`, string(all["sub"]))
			assert.JSONEq(t, `"`+tt.typ+`"`, string(all["type"]))
			if tt.aud != "" {
				assert.JSONEq(t, tt.aud, string(all["aud"]))
			}

			claims, err := auth.ParseToken(tok)
			require.NoError(t, err)
			var decoded map[string]any
			require.NoError(t, claims.Decode(&decoded))
			assert.Len(t, decoded, len(tt.keys))
			assert.Regexp(t, uuid4, decoded["jti"])
			for _, k := range []string{"iat", "nbf", "exp"} {
				if v, ok := decoded[k]; ok {
					assert.Regexp(t, rfc3339, v, k)
				}
			}
		})
	}
}

// TestClaimsOverHTTP reads the payload in a handler through GetClaims.
func TestClaimsOverHTTP(t *testing.T) {
	clk := newClock()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now))
	r := gin.New()
	r.GET("/p", auth.Required(), func(c *gin.Context) {
		claims, ok := ginpaseto.GetClaims(c)
		if !ok {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": "no claims"})
			return
		}
		var all map[string]any
		if err := claims.Decode(&all); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": err.Error()})
			return
		}
		delete(all, "jti")
		all["jti-is-uuid4"] = uuid4.MatchString(claims.JTI)
		c.JSON(http.StatusOK, all)
	})
	srv := serve(t, r)

	tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Fresh(),
		ginpaseto.ExtraClaims(map[string]any{"role": "admin", "tags": []string{"x", "y"}}))
	got := do(t, srv, request{token: tok})
	require.Equal(t, 200, got.status, got.body)
	assert.JSONEq(t, `{
		"sub": "alice", "type": "access", "fresh": true,
		"iat": "2026-03-01T12:00:00Z", "nbf": "2026-03-01T12:00:00Z", "exp": "2026-03-01T12:15:00Z",
		"role": "admin", "tags": ["x", "y"], "jti-is-uuid4": true
	}`, got.body)
}

func TestTimestamps(t *testing.T) {
	// A clock off UTC and between seconds: claims are UTC, whole seconds.
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	now := time.Date(2026, 11, 29, 23, 14, 36, 987654321, zone)
	auth := newAuth(t, ginpaseto.WithClock(func() time.Time { return now }))
	claims, err := auth.ParseToken(token(t, auth, ginpaseto.TypeAccess))
	require.NoError(t, err)
	var raw struct{ Iat, Nbf, Exp string }
	require.NoError(t, claims.Decode(&raw))
	assert.Equal(t, "2026-11-29T17:44:36Z", raw.Iat)
	assert.Equal(t, "2026-11-29T17:44:36Z", raw.Nbf)
	assert.Equal(t, "2026-11-29T17:59:36Z", raw.Exp)
	assert.True(t, claims.IssuedAt.Equal(now.Truncate(time.Second)))
	assert.Equal(t, 15*time.Minute, claims.Expiration.Sub(claims.IssuedAt))
}

func TestJTIUnique(t *testing.T) {
	auth := newAuth(t)
	seen := make(map[string]bool, 1000)
	for range 1000 {
		claims, err := auth.ParseToken(token(t, auth, ginpaseto.TypeAccess))
		require.NoError(t, err)
		require.Regexp(t, uuid4, claims.JTI)
		require.False(t, seen[claims.JTI], "duplicate jti %s", claims.JTI)
		seen[claims.JTI] = true
	}
}

func TestFreshClaim(t *testing.T) {
	auth := newAuth(t)
	tests := []struct {
		name  string
		typ   string
		opts  []ginpaseto.TokenOption
		fresh string // the raw claim, "" when absent
	}{
		{"access", "access", nil, "false"},
		{"fresh access", "access", []ginpaseto.TokenOption{ginpaseto.Fresh()}, "true"},
		{"refresh", "refresh", nil, ""},
		{"custom", "reset", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := auth.ParseToken(token(t, auth, tt.typ, tt.opts...))
			require.NoError(t, err)
			var fresh json.RawMessage
			err = claims.Get("fresh", &fresh)
			if tt.fresh == "" {
				assert.Error(t, err)
				assert.False(t, claims.Fresh)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.fresh, string(fresh))
			assert.Equal(t, tt.fresh == "true", claims.Fresh)
		})
	}
}

func TestExpiry(t *testing.T) {
	const day = 24 * time.Hour
	clk := newClock()
	now := clk.Now()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now))
	srv := serve(t, routes(auth))
	tests := []struct {
		name string
		typ  string
		opts []ginpaseto.TokenOption
		exp  time.Time // zero: no exp claim
	}{
		{"access default", "access", nil, now.Add(15 * time.Minute)},
		{"refresh default", "refresh", nil, now.Add(30 * day)},
		{"custom default", "reset", nil, now.Add(30 * day)},
		{"ExpiresIn", "access", []ginpaseto.TokenOption{ginpaseto.ExpiresIn(time.Hour)}, now.Add(time.Hour)},
		{"ExpiresIn on refresh", "refresh", []ginpaseto.TokenOption{ginpaseto.ExpiresIn(time.Hour)}, now.Add(time.Hour)},
		{"ExpiresAt", "access", []ginpaseto.TokenOption{ginpaseto.ExpiresAt(now.Add(2*time.Hour + 900*time.Millisecond))}, now.Add(2 * time.Hour)},
		{"ExpiresAt in another zone", "access", []ginpaseto.TokenOption{ginpaseto.ExpiresAt(now.Add(time.Hour).In(time.FixedZone("X", -7*3600)))}, now.Add(time.Hour)},
		{"NoExpiry", "access", []ginpaseto.TokenOption{ginpaseto.NoExpiry()}, time.Time{}},
		{"NoExpiry refresh", "refresh", []ginpaseto.TokenOption{ginpaseto.NoExpiry()}, time.Time{}},
		{"last option wins: NoExpiry", "access", []ginpaseto.TokenOption{ginpaseto.ExpiresIn(time.Hour), ginpaseto.NoExpiry()}, time.Time{}},
		{"last option wins: ExpiresIn", "access", []ginpaseto.TokenOption{ginpaseto.NoExpiry(), ginpaseto.ExpiresIn(time.Hour)}, now.Add(time.Hour)},
	}
	paths := map[string]string{"access": "/required", "refresh": "/refresh", "reset": "/reset"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := token(t, auth, tt.typ, tt.opts...)
			claims, err := auth.ParseToken(tok)
			require.NoError(t, err)
			var exp string
			if tt.exp.IsZero() {
				assert.True(t, claims.Expiration.IsZero())
				assert.Error(t, claims.Get("exp", &exp), "no exp claim")
			} else {
				assert.True(t, tt.exp.Equal(claims.Expiration), "exp %v, want %v", claims.Expiration, tt.exp)
				require.NoError(t, claims.Get("exp", &exp))
				assert.Equal(t, tt.exp.UTC().Format(time.RFC3339), exp)
			}
			expect(t, do(t, srv, request{path: paths[tt.typ], token: tok}), 200, user("alice"))
		})
	}

	t.Run("no expiry is still accepted a century later", func(t *testing.T) {
		tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.NoExpiry())
		clk.set(now.Add(100 * 365 * day))
		defer clk.set(now)
		expect(t, do(t, srv, request{path: "/required", token: tok}), 200, user("alice"))
	})
}

func TestCreateErrors(t *testing.T) {
	auth := newAuth(t)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	ctx := context.Background()
	type create struct {
		ctx     context.Context
		subject string
		typ     string
		opts    []ginpaseto.TokenOption
	}
	tests := []struct {
		name string
		call create
		want string
	}{
		{"empty subject", create{ctx, "", "access", nil}, "subject must not be empty"},
		{"empty type", create{ctx, "alice", "", nil}, "token type must not be empty"},
		{"subject not UTF-8", create{ctx, "al\xffice", "access", nil}, "valid UTF-8"},
		{"type not UTF-8", create{ctx, "alice", "in\xffvite", nil}, "valid UTF-8"},
		{"nil option", create{ctx, "alice", "access", []ginpaseto.TokenOption{nil}}, "nil TokenOption"},
		{"fresh refresh", create{ctx, "alice", "refresh", []ginpaseto.TokenOption{ginpaseto.Fresh()}}, "Fresh applies to access tokens only"},
		{"fresh custom", create{ctx, "alice", "reset", []ginpaseto.TokenOption{ginpaseto.Fresh()}}, "Fresh applies to access tokens only"},
		{"zero ExpiresIn", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.ExpiresIn(0)}}, "ExpiresIn"},
		{"negative ExpiresIn", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.ExpiresIn(-time.Second)}}, "ExpiresIn"},
		{"zero ExpiresAt", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.ExpiresAt(time.Time{})}}, "ExpiresAt"},
		{"empty audience", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.Audience("a", "")}}, "Audience"},
		{"bad purpose", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.AsPurpose("secret")}}, "AsPurpose"},
		{"public without private key", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.AsPurpose(ginpaseto.Public)}}, "WithPrivateKey"},
		{"footer number", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.Footer(42)}}, "footer"},
		{"footer array", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.Footer([]string{"a"})}}, "footer"},
		{"footer not encodable", create{ctx, "alice", "access", []ginpaseto.TokenOption{ginpaseto.Footer(map[string]any{"c": make(chan int)})}}, "footer"},
		{"token over the size cap", create{ctx, "alice", "access", []ginpaseto.TokenOption{
			ginpaseto.ExtraClaims(map[string]any{"blob": strings.Repeat("x", 8<<10)})}}, "WithMaxTokenSize"},
		{"claim not encodable", create{ctx, "alice", "access", []ginpaseto.TokenOption{
			ginpaseto.ExtraClaims(map[string]any{"ch": make(chan int)})}}, `claim "ch" cannot be encoded`},
		{"claim func", create{ctx, "alice", "access", []ginpaseto.TokenOption{
			ginpaseto.ExtraClaims(map[string]any{"f": func() {}})}}, `claim "f" cannot be encoded`},
		{"empty claim name", create{ctx, "alice", "access", []ginpaseto.TokenOption{
			ginpaseto.ExtraClaims(map[string]any{"": 1})}}, "claim names"},
		// ClaimsAs and Decode would read one of them, Claims.Get the other.
		{"claims equal under case folding (long s)", create{ctx, "alice", "access", []ginpaseto.TokenOption{
			ginpaseto.ExtraClaims(map[string]any{"is_admin": false, "iſ_admin": true})}}, "differ only in letter case"},
		{"claims equal under case folding (Kelvin sign)", create{ctx, "alice", "access", []ginpaseto.TokenOption{
			ginpaseto.ExtraClaims(map[string]any{"kind": "user"}), ginpaseto.ExtraClaims(map[string]any{"\u212aIND": "admin"})}}, "differ only in letter case"},
		{"claims equal but for ASCII case", create{ctx, "alice", "access", []ginpaseto.TokenOption{
			ginpaseto.ExtraClaims(map[string]any{"Role": "user", "role": "admin"})}}, "differ only in letter case"},
	}
	// Any letter case: decoding matches claim names case-insensitively, so
	// "SUB" would otherwise shadow sub. "ſub" starts with a long s, which
	// folds to s.
	for _, name := range []string{"sub", "type", "fresh", "jti", "iat", "nbf", "exp", "iss", "aud", "SUB", "Type", "EXP", "Fresh", "ſub"} {
		tests = append(tests, struct {
			name string
			call create
			want string
		}{"reserved " + name, create{ctx, "alice", "reset", []ginpaseto.TokenOption{
			ginpaseto.ExtraClaims(map[string]any{"role": "x", name: "spoofed"})}}, `claim "` + name + `" is reserved`})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := auth.CreateToken(tt.call.ctx, tt.call.subject, tt.call.typ, tt.call.opts...)
			require.Error(t, err)
			assert.Empty(t, tok)
			assert.True(t, strings.HasPrefix(err.Error(), "ginpaseto:"), err.Error())
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	t.Run("canceled context", func(t *testing.T) {
		for _, create := range []func(context.Context) (string, error){
			func(ctx context.Context) (string, error) { return auth.CreateAccessToken(ctx, "alice") },
			func(ctx context.Context) (string, error) { return auth.CreateRefreshToken(ctx, "alice") },
			func(ctx context.Context) (string, error) { return auth.CreateToken(ctx, "alice", "reset") },
		} {
			tok, err := create(canceled)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Empty(t, tok)
		}
	})
}

func TestExtraClaims(t *testing.T) {
	auth := newAuth(t)
	type profile struct {
		Sub   string   `json:"sub"`
		Role  string   `json:"role"`
		Level int      `json:"level"`
		Tags  []string `json:"tags"`
	}
	r := gin.New()
	r.GET("/p", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		var role string
		var p profile
		var quoted int
		if err := claims.Get("role", &role); err != nil {
			c.JSON(500, gin.H{"detail": err.Error()})
			return
		}
		if err := claims.Decode(&p); err != nil {
			c.JSON(500, gin.H{"detail": err.Error()})
			return
		}
		if err := claims.Get(`we"ird\key`, &quoted); err != nil {
			c.JSON(500, gin.H{"detail": err.Error()})
			return
		}
		missing := claims.Get("nope", &role) != nil
		c.JSON(200, gin.H{"role": role, "profile": p, "quoted": quoted, "missing": missing})
	})
	srv := serve(t, r)

	tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{
		"role": "admin", "level": 3, "tags": []string{"a", "b"}, `we"ird\key`: 7,
	}))
	got := do(t, srv, request{token: tok})
	require.Equal(t, 200, got.status, got.body)
	assert.JSONEq(t, `{"role":"admin","quoted":7,"missing":true,
		"profile":{"sub":"alice","role":"admin","level":3,"tags":["a","b"]}}`, got.body)

	merged := token(t, auth, ginpaseto.TypeAccess,
		ginpaseto.ExtraClaims(map[string]any{"role": "user", "level": 1}),
		ginpaseto.ExtraClaims(map[string]any{"role": "admin", "tags": []string{}, `we"ird\key`: 0}))
	claims, err := auth.ParseToken(merged)
	require.NoError(t, err)
	var p profile
	require.NoError(t, claims.Decode(&p))
	assert.Equal(t, profile{Sub: "alice", Role: "admin", Level: 1, Tags: []string{}}, p, "later ExtraClaims add to and override earlier ones")
}

// TestExtraClaimNames: claim names are the application's, and any string
// must survive the round trip, however it has to be escaped.
func TestExtraClaimNames(t *testing.T) {
	auth := newAuth(t)
	for _, name := range []string{"role", `a"b`, `back\slash`, "<html>&", "tab\there", "ünï", "line\nbreak", " sub", "subject"} {
		t.Run(name, func(t *testing.T) {
			tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{name: name}))
			claims, err := auth.ParseToken(tok)
			require.NoError(t, err)
			var got string
			require.NoError(t, claims.Get(name, &got))
			assert.Equal(t, name, got)
			assert.Equal(t, "alice", claims.Subject, "an extra claim never shadows sub")
		})
	}
}

func TestFooter(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	r.GET("/p", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		var decoded map[string]any
		decodeErr := claims.DecodeFooter(&decoded)
		c.JSON(200, gin.H{"footer": claims.Footer, "decoded": decoded, "json": decodeErr == nil})
	})
	srv := serve(t, r)

	type kidFooter struct {
		KID string `json:"kid"`
		Gen int    `json:"gen"`
	}
	// With a single key, a footer of the application's own (a string, or a
	// kid of its own) is kept as it is; any other footer gets the key's ID.
	kid := auth.Keys().ActiveKID(ginpaseto.Local)
	tests := []struct {
		name   string
		footer any
		want   string
	}{
		{"none: the key ID alone", nil, `{"footer":"{\"kid\":\"` + kid + `\"}","decoded":{"kid":"` + kid + `"},"json":true}`},
		{"string", "key-1", `{"footer":"key-1","decoded":null,"json":false}`},
		{"JSON string", `{"kid":"k1"}`, `{"footer":"{\"kid\":\"k1\"}","decoded":{"kid":"k1"},"json":true}`},
		{"map", map[string]any{"kid": "k1"}, `{"footer":"{\"kid\":\"k1\"}","decoded":{"kid":"k1"},"json":true}`},
		{"map without kid", map[string]any{"gen": 3}, `{"footer":"{\"kid\":\"` + kid + `\",\"gen\":3}","decoded":{"kid":"` + kid + `","gen":3},"json":true}`},
		{"struct", kidFooter{"k2", 3}, `{"footer":"{\"kid\":\"k2\",\"gen\":3}","decoded":{"kid":"k2","gen":3},"json":true}`},
		{"bytes", []byte("raw"), `{"footer":"raw","decoded":null,"json":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []ginpaseto.TokenOption
			if tt.footer != nil {
				opts = append(opts, ginpaseto.Footer(tt.footer))
			}
			tok := token(t, auth, ginpaseto.TypeAccess, opts...)
			assert.Equal(t, 3, strings.Count(tok, "."), "the footer is a fourth part")
			got := do(t, srv, request{token: tok})
			require.Equal(t, 200, got.status, got.body)
			assert.JSONEq(t, tt.want, got.body)
		})
	}

	t.Run("footer is authenticated", func(t *testing.T) {
		tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Footer("key-1"))
		forged := tok[:strings.LastIndexByte(tok, '.')+1] + base64.RawURLEncoding.EncodeToString([]byte("key-2"))
		expect(t, do(t, srv, request{token: forged}), 401, detail("Invalid PASETO token"))
		stripped := tok[:strings.LastIndexByte(tok, '.')]
		expect(t, do(t, srv, request{token: stripped}), 401, detail("Invalid PASETO token"))
	})
}

func TestImplicitAssertion(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	r.GET("/tenant-1", auth.Required(ginpaseto.ImplicitAssertion([]byte("tenant-1"))), whoami)
	r.GET("/tenant-2", auth.Required(ginpaseto.ImplicitAssertion([]byte("tenant-2"))), whoami)
	r.GET("/none", auth.Required(), whoami)
	srv := serve(t, r)

	bound := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ImplicitAssertion([]byte("tenant-1")))
	unbound := token(t, auth, ginpaseto.TypeAccess)
	tests := []struct {
		name, path, token string
		status            int
		body              string
	}{
		{"same assertion", "/tenant-1", bound, 200, user("alice")},
		{"different assertion", "/tenant-2", bound, 401, detail("Invalid PASETO token")},
		{"assertion missing at check", "/none", bound, 401, detail("Invalid PASETO token")},
		{"assertion missing at creation", "/tenant-1", unbound, 401, detail("Invalid PASETO token")},
		{"neither", "/none", unbound, 200, user("alice")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, do(t, srv, request{path: tt.path, token: tt.token}), tt.status, tt.body)
		})
	}

	_, err := auth.ParseToken(bound, ginpaseto.ImplicitAssertion([]byte("tenant-1")))
	assert.NoError(t, err)
	_, err = auth.ParseToken(bound)
	assert.ErrorIs(t, err, ginpaseto.ErrTokenInvalid)
}

func TestBase64(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	r.GET("/wrapped", auth.Required(ginpaseto.Base64()), whoami)
	r.GET("/plain", auth.Required(), whoami)
	srv := serve(t, r)

	wrapped := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Base64(), ginpaseto.Footer("kid-1"))
	raw, err := base64.StdEncoding.Strict().DecodeString(wrapped)
	require.NoError(t, err, "standard base64")
	plain := string(raw)
	require.True(t, strings.HasPrefix(plain, "v4.local."), plain)

	tests := []struct {
		name, path, token string
		status            int
		body              string
	}{
		{"wrapped to Base64 check", "/wrapped", wrapped, 200, user("alice")},
		{"URL-safe wrapping to Base64 check", "/wrapped", base64.URLEncoding.EncodeToString(raw), 200, user("alice")},
		{"wrapped to plain check", "/plain", wrapped, 401, detail("Invalid PASETO token")},
		{"plain to Base64 check", "/wrapped", plain, 401, detail("Invalid PASETO token")},
		{"unwrapped to plain check", "/plain", plain, 200, user("alice")},
		{"not base64", "/wrapped", "!!!!", 401, detail("Invalid PASETO token")},
		{"base64 of garbage", "/wrapped", base64.StdEncoding.EncodeToString([]byte("v4.local.AAAA")), 401, detail("Invalid PASETO token")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, do(t, srv, request{path: tt.path, token: tt.token}), tt.status, tt.body)
		})
	}
}

func TestAsPurpose(t *testing.T) {
	priv, _ := ed25519PEM(t)
	both := newAuth(t, ginpaseto.WithPrivateKey(priv))
	publicDefault := newAuth(t, ginpaseto.WithPrivateKey(priv), ginpaseto.WithPurpose(ginpaseto.Public))
	srv := serve(t, routes(both))
	tests := []struct {
		name   string
		auth   *ginpaseto.Authorizer
		opts   []ginpaseto.TokenOption
		prefix string
	}{
		{"default local", both, nil, "v4.local."},
		{"AsPurpose public", both, []ginpaseto.TokenOption{ginpaseto.AsPurpose(ginpaseto.Public)}, "v4.public."},
		{"AsPurpose local", both, []ginpaseto.TokenOption{ginpaseto.AsPurpose(ginpaseto.Local)}, "v4.local."},
		{"WithPurpose public", publicDefault, nil, "v4.public."},
		{"WithPurpose public, AsPurpose local", publicDefault, []ginpaseto.TokenOption{ginpaseto.AsPurpose(ginpaseto.Local)}, "v4.local."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := token(t, tt.auth, ginpaseto.TypeAccess, tt.opts...)
			assert.True(t, strings.HasPrefix(tok, tt.prefix), tok)
			expect(t, do(t, srv, request{path: "/required", token: tok}), 200, user("alice"))
		})
	}
}

func TestSubjectEncoding(t *testing.T) {
	auth := newAuth(t)
	srv := serve(t, routes(auth))
	for _, subject := range []string{"alice", `quote " and \ backslash`, "<script>&", "ünïcödé ✓", "tab\tnewline\n"} {
		t.Run(subject, func(t *testing.T) {
			tok, err := auth.CreateAccessToken(context.Background(), subject)
			require.NoError(t, err)
			claims, err := auth.ParseToken(tok)
			require.NoError(t, err)
			assert.Equal(t, subject, claims.Subject)
			got := do(t, srv, request{path: "/required", token: tok})
			require.Equal(t, 200, got.status)
			var body struct{ User string }
			require.NoError(t, json.Unmarshal([]byte(got.body), &body))
			assert.Equal(t, subject, body.User)
		})
	}
}
