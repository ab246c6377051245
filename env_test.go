package ginpaseto_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// envNames are the variables FromEnv reads, taken from env.go itself so
// that a variable added there is tested against the docs below.
func envNames(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("env.go")
	require.NoError(t, err)
	var names []string
	for _, m := range regexp.MustCompile(`\{"(PASETO_[A-Z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		names = append(names, m[1])
	}
	require.NotEmpty(t, names)
	return names
}

// clearEnv unsets every variable FromEnv reads, and any other PASETO_
// variable, which FromEnv would refuse, as the process may have some set,
// and restores them after the test.
func clearEnv(t *testing.T) {
	t.Helper()
	names := envNames(t)
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(strings.ToUpper(name), "PASETO_") {
			names = append(names, name)
		}
	}
	for _, name := range names {
		for _, n := range []string{name, name + "_FILE"} {
			t.Setenv(n, "") // registers the restore
			require.NoError(t, os.Unsetenv(n))
		}
	}
}

// setEnv sets pairs of variable names and values for the test.
func setEnv(t *testing.T, pairs ...string) {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		t.Setenv(pairs[i], pairs[i+1])
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestFromEnvKeys(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	_, err := rand.Read(seed)
	require.NoError(t, err)
	priv := ed25519.NewKeyFromSeed(seed)
	privHex, pubHex := hex.EncodeToString(seed), hex.EncodeToString(priv.Public().(ed25519.PublicKey))

	tests := []struct {
		name   string
		env    []string
		prefix string // of the tokens the Authorizer creates; "" when it only verifies
	}{
		{"secret key", []string{"PASETO_SECRET_KEY", testKey}, "v4.local."},
		{"secret key file", []string{"PASETO_SECRET_KEY_FILE", writeFile(t, "secret", testKey+"\n")}, "v4.local."},
		{"private key", []string{"PASETO_PRIVATE_KEY", privHex}, "v4.public."},
		{"private key file", []string{"PASETO_PRIVATE_KEY_FILE", writeFile(t, "private", privHex)}, "v4.public."},
		{"public key", []string{"PASETO_PUBLIC_KEY", pubHex}, ""},
		{"public key file", []string{"PASETO_PUBLIC_KEY_FILE", writeFile(t, "public", pubHex)}, ""},
		{"v3 secret key", []string{"PASETO_VERSION", "v3", "PASETO_SECRET_KEY", testKey}, "v3.local."},
		{"both purposes, public chosen", []string{"PASETO_SECRET_KEY", testKey, "PASETO_PRIVATE_KEY", privHex, "PASETO_PURPOSE", "public"}, "v4.public."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			setEnv(t, tt.env...)
			auth, err := ginpaseto.New(ginpaseto.FromEnv())
			require.NoError(t, err)
			tok, err := auth.CreateAccessToken(t.Context(), "alice")
			if tt.prefix == "" {
				require.ErrorContains(t, err, "only verifies tokens")
				return
			}
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(tok, tt.prefix), tok)
			claims, err := auth.ParseToken(tok)
			require.NoError(t, err)
			assert.Equal(t, "alice", claims.Subject)
		})
	}
}

func TestFromEnvSettings(t *testing.T) {
	clearEnv(t)
	clk := newClock()
	setEnv(t,
		"PASETO_SECRET_KEY", testKey,
		"PASETO_ACCESS_LIFETIME", "2m",
		"PASETO_REFRESH_LIFETIME", "48h",
		"PASETO_CUSTOM_LIFETIME", "90s",
		"PASETO_LEEWAY", "30s",
		"PASETO_ISSUER", "auth.example",
		"PASETO_EXPECTED_ISSUER", "auth.example",
		"PASETO_EXPECTED_AUDIENCE", "api",
		"PASETO_TOKEN_LOCATIONS", " json , InHeader",
		"PASETO_HEADER_NAME", "X-Token",
		"PASETO_HEADER_PREFIX", "",
	)
	auth, err := ginpaseto.New(ginpaseto.FromEnv(), ginpaseto.WithClock(clk.Now))
	require.NoError(t, err)
	now := clk.Now()
	for typ, lifetime := range map[string]time.Duration{ginpaseto.TypeAccess: 2 * time.Minute, ginpaseto.TypeRefresh: 48 * time.Hour, "invite": 90 * time.Second} {
		claims, err := auth.ParseToken(token(t, auth, typ, ginpaseto.Audience("api")))
		require.NoError(t, err)
		assert.Equal(t, now.Add(lifetime), claims.Expiration, typ)
		assert.Equal(t, "auth.example", claims.Issuer, typ)
	}

	access := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Audience("api"))
	r := gin.New()
	r.POST("/p", auth.Required(), whoami)
	srv := serve(t, r)
	t.Run("bare token in the configured header", func(t *testing.T) {
		expect(t, do(t, srv, request{method: http.MethodPost, headers: []string{"X-Token", access}}), 200, user("alice"))
	})
	t.Run("json before the header", func(t *testing.T) {
		body := `{"access_token":"` + access + `"}`
		expect(t, do(t, srv, request{method: http.MethodPost, headers: []string{"X-Token", "v4.local.AAAA"}, body: body}), 200, user("alice"))
	})
	t.Run("Authorization is not read", func(t *testing.T) {
		expect(t, do(t, srv, request{method: http.MethodPost, token: access}), 401, detail("PASETO Authorization Token required"))
	})
	t.Run("expected audience", func(t *testing.T) {
		other := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Audience("other"))
		got := do(t, srv, request{method: http.MethodPost, headers: []string{"X-Token", other}})
		assert.Equal(t, 401, got.status)
	})
	t.Run("leeway", func(t *testing.T) {
		clk.Advance(2*time.Minute + 20*time.Second)
		expect(t, do(t, srv, request{method: http.MethodPost, headers: []string{"X-Token", access}}), 200, user("alice"))
		clk.Advance(20 * time.Second)
		expect(t, do(t, srv, request{method: http.MethodPost, headers: []string{"X-Token", access}}), 401, detail("Token has expired"))
	})
}

// TestFromEnvSessions: PASETO_REFRESH_GRACE and PASETO_SESSION_LIFETIME
// change how sessions behave, as their options do.
func TestFromEnvSessions(t *testing.T) {
	ctx := context.Background()
	newEnvAuth := func(t *testing.T, clk *clock, pairs ...string) *ginpaseto.Authorizer {
		t.Helper()
		clearEnv(t)
		setEnv(t, append([]string{"PASETO_SECRET_KEY", testKey}, pairs...)...)
		auth, err := ginpaseto.New(ginpaseto.FromEnv(), ginpaseto.WithClock(clk.Now))
		require.NoError(t, err)
		return auth
	}
	// replayAfter rotates a new session's refresh token, waits, and presents
	// the consumed token again.
	replayAfter := func(t *testing.T, auth *ginpaseto.Authorizer, clk *clock, wait time.Duration) error {
		t.Helper()
		pair, err := auth.CreateTokenPair(ctx, "alice")
		require.NoError(t, err)
		refresh, err := auth.ParseToken(pair.RefreshToken)
		require.NoError(t, err)
		_, err = auth.RotateRefreshToken(ctx, refresh)
		require.NoError(t, err)
		clk.Advance(wait)
		_, err = auth.RotateRefreshToken(ctx, refresh)
		return err
	}
	tests := []struct {
		name   string
		env    []string
		wait   time.Duration
		reused bool
	}{
		{"default grace: a replay 20s later", nil, 20 * time.Second, false},
		{"default grace: a replay 40s later", nil, 40 * time.Second, true},
		{"strict", []string{"PASETO_REFRESH_GRACE", "0s"}, 0, true},
		{"a grace of 2m: a replay 90s later", []string{"PASETO_REFRESH_GRACE", "2m"}, 90 * time.Second, false},
		{"a grace of 1s: a replay 2s later", []string{"PASETO_REFRESH_GRACE", "1s"}, 2 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			err := replayAfter(t, newEnvAuth(t, clk, tt.env...), clk, tt.wait)
			if tt.reused {
				assert.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused)
			} else {
				assert.NoError(t, err)
			}
		})
	}

	t.Run("session lifetime", func(t *testing.T) {
		clk := newClock()
		auth := newEnvAuth(t, clk, "PASETO_SESSION_LIFETIME", "1h")
		started := clk.Now()
		pair, err := auth.CreateTokenPair(ctx, "alice")
		require.NoError(t, err)
		assert.Equal(t, started.Add(time.Hour), pair.RefreshExpires, "the refresh token ends with the session")
		assert.Equal(t, started.Add(15*time.Minute), pair.AccessExpires)
	})
}

func TestFromEnvExpectedIssuer(t *testing.T) {
	clearEnv(t)
	setEnv(t, "PASETO_SECRET_KEY", testKey, "PASETO_EXPECTED_ISSUER", "auth.example")
	auth, err := ginpaseto.New(ginpaseto.FromEnv())
	require.NoError(t, err)
	_, err = auth.ParseToken(token(t, auth, ginpaseto.TypeAccess))
	require.Error(t, err, "a token without iss")
	_, err = auth.ParseToken(token(t, auth, ginpaseto.TypeAccess, ginpaseto.Issuer("auth.example")))
	require.NoError(t, err)
}

func TestFromEnvOrder(t *testing.T) {
	lifetime := func(t *testing.T, opts ...ginpaseto.Option) time.Duration {
		t.Helper()
		auth, err := ginpaseto.New(opts...)
		require.NoError(t, err)
		claims, err := auth.ParseToken(token(t, auth, ginpaseto.TypeAccess))
		require.NoError(t, err)
		return claims.Expiration.Sub(claims.IssuedAt)
	}
	key := ginpaseto.WithSecretKey(testKey)
	hour := ginpaseto.WithLifetime(ginpaseto.TypeAccess, time.Hour)

	t.Run("unset variables change nothing", func(t *testing.T) {
		clearEnv(t)
		assert.Equal(t, time.Hour, lifetime(t, key, hour, ginpaseto.FromEnv()))
		assert.Equal(t, 15*time.Minute, lifetime(t, key, ginpaseto.FromEnv()))
	})
	t.Run("a set variable overrides the options before FromEnv", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("PASETO_ACCESS_LIFETIME", "5m")
		assert.Equal(t, 5*time.Minute, lifetime(t, key, hour, ginpaseto.FromEnv()))
	})
	t.Run("options after FromEnv override it", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("PASETO_ACCESS_LIFETIME", "5m")
		assert.Equal(t, time.Hour, lifetime(t, key, ginpaseto.FromEnv(), hour))
	})
	t.Run("a key option after FromEnv overrides the variable", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("PASETO_SECRET_KEY", "not a key")
		_, err := ginpaseto.New(ginpaseto.FromEnv(), key)
		require.NoError(t, err)
		_, err = ginpaseto.New(key, ginpaseto.FromEnv())
		require.ErrorContains(t, err, "PASETO_SECRET_KEY")
	})
}

func TestFromEnvErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	badKey := hex.EncodeToString(make32(t))[:63]
	tests := []struct {
		name   string
		env    []string
		want   []string // parts of the message
		secret string   // a value the message must not repeat
	}{
		{"bad secret key", []string{"PASETO_SECRET_KEY", badKey}, []string{"ginpaseto: PASETO_SECRET_KEY: ", "63 hex characters, 64 expected", "openssl rand -hex 32"}, badKey},
		{"passphrase", []string{"PASETO_SECRET_KEY", "ThisIsMySuperSecretPasswordForTheProdApp204"}, []string{"ginpaseto: PASETO_SECRET_KEY: ", "reads as words", "openssl rand -hex 32"}, "ThisIsMySuperSecretPasswordForTheProdApp204"},
		{"empty secret key", []string{"PASETO_SECRET_KEY", ""}, []string{"ginpaseto: PASETO_SECRET_KEY: ", "empty"}, ""},
		{"bad key file content", []string{"PASETO_SECRET_KEY_FILE", writeFile(t, "bad", "hunter2hunter2hunter2")}, []string{"ginpaseto: PASETO_SECRET_KEY_FILE: ", "a password is not a key"}, "hunter2hunter2hunter2"},
		{"missing key file", []string{"PASETO_SECRET_KEY_FILE", missing}, []string{"ginpaseto: PASETO_SECRET_KEY_FILE: ", "cannot read key file", "no such file"}, ""},
		{"empty key file variable", []string{"PASETO_SECRET_KEY_FILE", ""}, []string{"PASETO_SECRET_KEY_FILE", "path of the key file"}, ""},
		{"key and key file", []string{"PASETO_SECRET_KEY", testKey, "PASETO_SECRET_KEY_FILE", missing}, []string{"PASETO_SECRET_KEY and PASETO_SECRET_KEY_FILE are both set"}, testKey},
		{"bad private key", []string{"PASETO_PRIVATE_KEY", "k4.public.AAAA"}, []string{"ginpaseto: PASETO_PRIVATE_KEY: ", "set it as PASETO_PUBLIC_KEY; PASETO_PRIVATE_KEY takes a k4.secret key"}, ""},
		{"private key given as public", []string{"PASETO_PUBLIC_KEY", hex.EncodeToString(ed25519.NewKeyFromSeed(make32(t)))}, []string{"ginpaseto: PASETO_PUBLIC_KEY: ", "probably the private key"}, ""},
		{"private and public keys both set twice", []string{"PASETO_PUBLIC_KEY", testKey, "PASETO_PUBLIC_KEY_FILE", missing}, []string{"both set"}, testKey},
		{"version", []string{"PASETO_SECRET_KEY", testKey, "PASETO_VERSION", "v5"}, []string{"ginpaseto: PASETO_VERSION: ", "v4", "v3", "v2"}, ""},
		{"purpose", []string{"PASETO_SECRET_KEY", testKey, "PASETO_PURPOSE", "secret"}, []string{"ginpaseto: PASETO_PURPOSE: ", "local or public"}, ""},
		{"lifetime not a duration", []string{"PASETO_SECRET_KEY", testKey, "PASETO_ACCESS_LIFETIME", "15"}, []string{"ginpaseto: PASETO_ACCESS_LIFETIME: ", "Go duration", "15m"}, ""},
		{"lifetime in days", []string{"PASETO_SECRET_KEY", testKey, "PASETO_REFRESH_LIFETIME", "30d"}, []string{"ginpaseto: PASETO_REFRESH_LIFETIME: ", "720h"}, ""},
		{"lifetime not positive", []string{"PASETO_SECRET_KEY", testKey, "PASETO_CUSTOM_LIFETIME", "0s"}, []string{"ginpaseto: PASETO_CUSTOM_LIFETIME: ", "positive"}, ""},
		{"negative leeway", []string{"PASETO_SECRET_KEY", testKey, "PASETO_LEEWAY", "-1s"}, []string{"ginpaseto: PASETO_LEEWAY: ", "negative"}, ""},
		{"refresh grace not a duration", []string{"PASETO_SECRET_KEY", testKey, "PASETO_REFRESH_GRACE", "30"}, []string{"ginpaseto: PASETO_REFRESH_GRACE: ", "Go duration"}, ""},
		{"refresh grace too long", []string{"PASETO_SECRET_KEY", testKey, "PASETO_REFRESH_GRACE", "6m"}, []string{"ginpaseto: PASETO_REFRESH_GRACE: ", "out of range", "0s (strict rotation) to 5m0s"}, ""},
		{"refresh grace negative", []string{"PASETO_SECRET_KEY", testKey, "PASETO_REFRESH_GRACE", "-1s"}, []string{"ginpaseto: PASETO_REFRESH_GRACE: ", "out of range"}, ""},
		{"session lifetime not positive", []string{"PASETO_SECRET_KEY", testKey, "PASETO_SESSION_LIFETIME", "0s"}, []string{"ginpaseto: PASETO_SESSION_LIFETIME: ", "positive"}, ""},
		{"leeway of years", []string{"PASETO_SECRET_KEY", testKey, "PASETO_LEEWAY", "87600h"}, []string{"ginpaseto: PASETO_LEEWAY: ", "at most 5m0s"}, ""},
		{"leeway just above the maximum", []string{"PASETO_SECRET_KEY", testKey, "PASETO_LEEWAY", "5m1s"}, []string{"ginpaseto: PASETO_LEEWAY: ", "at most 5m0s"}, ""},
		{"blank expected issuer", []string{"PASETO_SECRET_KEY", testKey, "PASETO_EXPECTED_ISSUER", " "}, []string{"ginpaseto: PASETO_EXPECTED_ISSUER: ", "blank"}, ""},
		{"blank expected audience", []string{"PASETO_SECRET_KEY", testKey, "PASETO_EXPECTED_AUDIENCE", " "}, []string{"ginpaseto: PASETO_EXPECTED_AUDIENCE: ", "blank"}, ""},
		{"header name with a non-ASCII letter", []string{"PASETO_SECRET_KEY", testKey, "PASETO_HEADER_NAME", "Authörization"}, []string{"ginpaseto: PASETO_HEADER_NAME: ", "not a valid header name"}, ""},
		{"header name with a separator", []string{"PASETO_SECRET_KEY", testKey, "PASETO_HEADER_NAME", "X-Token(1)"}, []string{"ginpaseto: PASETO_HEADER_NAME: ", "not a valid header name"}, ""},
		{"header prefix with a comma", []string{"PASETO_SECRET_KEY", testKey, "PASETO_HEADER_PREFIX", "Bea,rer"}, []string{"ginpaseto: PASETO_HEADER_PREFIX: ", "single word"}, ""},
		{"header prefix with a non-ASCII letter", []string{"PASETO_SECRET_KEY", testKey, "PASETO_HEADER_PREFIX", "Bëarer"}, []string{"ginpaseto: PASETO_HEADER_PREFIX: ", "single word"}, ""},
		{"empty expected issuer", []string{"PASETO_SECRET_KEY", testKey, "PASETO_EXPECTED_ISSUER", ""}, []string{"ginpaseto: PASETO_EXPECTED_ISSUER: ", "unset it"}, ""},
		{"empty expected audience", []string{"PASETO_SECRET_KEY", testKey, "PASETO_EXPECTED_AUDIENCE", ""}, []string{"ginpaseto: PASETO_EXPECTED_AUDIENCE: ", "unset it"}, ""},
		{"unknown location", []string{"PASETO_SECRET_KEY", testKey, "PASETO_TOKEN_LOCATIONS", "header,form"}, []string{"ginpaseto: PASETO_TOKEN_LOCATIONS: ", `"form"`, "header, query, json"}, ""},
		{"empty location list", []string{"PASETO_SECRET_KEY", testKey, "PASETO_TOKEN_LOCATIONS", ""}, []string{"ginpaseto: PASETO_TOKEN_LOCATIONS: "}, ""},
		{"header name", []string{"PASETO_SECRET_KEY", testKey, "PASETO_HEADER_NAME", "X Token"}, []string{"ginpaseto: PASETO_HEADER_NAME: ", "not a valid header name"}, ""},
		{"header prefix", []string{"PASETO_SECRET_KEY", testKey, "PASETO_HEADER_PREFIX", "two words"}, []string{"ginpaseto: PASETO_HEADER_PREFIX: ", "single word"}, ""},
		{"no key", nil, []string{"ginpaseto: New: no key configured, and FromEnv found no key variable; set PASETO_SECRET_KEY (or PASETO_SECRET_KEY_FILE) for local tokens (generate one with: openssl rand -hex 32), or PASETO_PRIVATE_KEY / PASETO_PUBLIC_KEY for public tokens"}, ""},
		{"local purpose, private key", []string{"PASETO_PURPOSE", "local", "PASETO_PRIVATE_KEY", envPrivateHex}, []string{
			"ginpaseto: New: the Authorizer creates local tokens (PASETO_PURPOSE=local), so it needs a secret key: set PASETO_SECRET_KEY (generate one with: openssl rand -hex 32), or PASETO_PURPOSE=public to create public tokens with PASETO_PRIVATE_KEY"}, envPrivateHex},
		{"public purpose, secret key", []string{"PASETO_PURPOSE", "public", "PASETO_SECRET_KEY", testKey}, []string{
			"ginpaseto: New: the Authorizer creates public tokens (PASETO_PURPOSE=public), so it needs PASETO_PRIVATE_KEY to create them, or PASETO_PUBLIC_KEY to verify them; or unset PASETO_PURPOSE to create local tokens with PASETO_SECRET_KEY"}, testKey},
		{"keys of two pairs", []string{"PASETO_PRIVATE_KEY", envPrivateHex, "PASETO_PUBLIC_KEY_FILE", writeFile(t, "other.pub", envOtherPublicHex)}, []string{
			"ginpaseto: New: PASETO_PUBLIC_KEY_FILE is not the public half of PASETO_PRIVATE_KEY; pass the matching pair, or only the private key"}, envPrivateHex},
		{"a key of another version", []string{"PASETO_SECRET_KEY", "k3.local.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, []string{
			"ginpaseto: PASETO_SECRET_KEY: got a k3.local key but the authorizer uses v4 tokens; set PASETO_VERSION=v3 or supply a k4.local key"}, ""},
		{"a v4 key for v3", []string{"PASETO_VERSION", "v3", "PASETO_SECRET_KEY", "k4.local.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, []string{
			"ginpaseto: PASETO_SECRET_KEY: got a k4.local key but the authorizer uses v3 tokens; set PASETO_VERSION=v4 or supply a k3.local key"}, ""},
		{"an Ed25519 key for v3", []string{"PASETO_VERSION", "v3", "PASETO_PRIVATE_KEY", envPrivatePEM}, []string{"ginpaseto: PASETO_PRIVATE_KEY: got an Ed25519 key but v3 tokens use P-384; unset PASETO_VERSION to use v4"}, envPrivatePEM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			setEnv(t, tt.env...)
			_, err := ginpaseto.New(ginpaseto.FromEnv())
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			if tt.secret != "" {
				assert.NotContains(t, err.Error(), tt.secret)
			}
			assert.NotContains(t, err.Error(), "With", "the variables to set, not the options")
		})
	}
}

// A private key for TestFromEnvErrors, as hex and PEM, and the public
// half of another.
var envPrivateHex, envPrivatePEM, envOtherPublicHex = func() (string, string, string) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		panic(err)
	}
	other, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(priv.Seed()), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), hex.EncodeToString(other)
}()

// TestFromEnvUnknownVariable: a PASETO_ variable that FromEnv does not
// read, most likely misspelt, fails New with its name and the nearest
// variable FromEnv reads, never with its value.
func TestFromEnvUnknownVariable(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want []string // parts of the message
	}{
		{"missing letter", []string{"PASETO_SECRET_KY", testKey}, []string{"ginpaseto: FromEnv: unknown variable PASETO_SECRET_KY (did you mean PASETO_SECRET_KEY?); correct the name or unset the variable"}},
		{"lower case", []string{"PASETO_SECRET_KEY", testKey, "paseto_access_lifetime", "5m"}, []string{"unknown variable paseto_access_lifetime (did you mean PASETO_ACCESS_LIFETIME?)"}},
		{"file variant", []string{"PASETO_SECRETKEY_FIL", "/run/secrets/paseto.key"}, []string{"unknown variable PASETO_SECRETKEY_FIL (did you mean PASETO_SECRET_KEY_FILE?)"}},
		{"another word", []string{"PASETO_SECRET_KEY", testKey, "PASETO_ACCESS_TTL", "5m"}, []string{"unknown variable PASETO_ACCESS_TTL;", "FromEnv reads PASETO_SECRET_KEY, PASETO_SECRET_KEY_FILE, ", "PASETO_HEADER_PREFIX)"}},
		{"a variable of the test harness", []string{"PASETO_SECRET_KEY", testKey, "PASETO_TEST_VECTORS", "/vectors"}, []string{"unknown variable PASETO_TEST_VECTORS;"}},
		{"several", []string{"PASETO_SECRET_KEY", testKey, "PASETO_LEWAY", "1s", "PASETO_ISUER", "x"}, []string{"unknown variables PASETO_ISUER (did you mean PASETO_ISSUER?), PASETO_LEWAY (did you mean PASETO_LEEWAY?);"}},
		{"the prefix alone", []string{"PASETO_SECRET_KEY", testKey, "PASETO_", "x"}, []string{"unknown variable PASETO_;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			setEnv(t, tt.env...)
			_, err := ginpaseto.New(ginpaseto.FromEnv())
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			for i := 1; i < len(tt.env); i += 2 {
				assert.NotContains(t, err.Error(), tt.env[i], "a value")
			}
		})
	}
	t.Run("other prefixes are not FromEnv's", func(t *testing.T) {
		clearEnv(t)
		setEnv(t, "PASETO_SECRET_KEY", testKey, "GINPASETO_TEST_VECTORS", "/vectors", "MY_PASETO_KEY", "x", "PASETOKEY", "x")
		_, err := ginpaseto.New(ginpaseto.FromEnv())
		require.NoError(t, err)
	})
	t.Run("without FromEnv, no variable is read", func(t *testing.T) {
		clearEnv(t)
		setEnv(t, "PASETO_SECRET_KY", "x")
		_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey))
		require.NoError(t, err)
	})
}

func make32(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// TestFromEnvDocumented: every variable FromEnv reads is listed in
// docs/configuration.md and in FromEnv's doc comment.
func TestFromEnvDocumented(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("docs", "configuration.md"))
	require.NoError(t, err)
	src, err := os.ReadFile("env.go")
	require.NoError(t, err)
	godoc, _, _ := strings.Cut(string(src), "func FromEnv()")
	names := envNames(t)
	for _, name := range names {
		assert.Contains(t, string(page), "`"+name+"`", "docs/configuration.md")
		assert.Contains(t, godoc, name, "FromEnv doc comment")
	}
	for _, name := range []string{"PASETO_SECRET_KEY", "PASETO_PRIVATE_KEY", "PASETO_PUBLIC_KEY"} {
		require.True(t, slices.Contains(names, name))
		assert.Contains(t, string(page), "`"+name+"_FILE`", "docs/configuration.md")
	}
}

// The environment of a container: the key comes from a secret file, the
// lifetimes from variables, and the code adds what it always wants.
func ExampleFromEnv() {
	dir, err := os.MkdirTemp("", "secrets")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	keyFile := filepath.Join(dir, "paseto.key")
	// In production: openssl rand -hex 32 > /run/secrets/paseto.key
	if err := os.WriteFile(keyFile, []byte(testKey+"\n"), 0o600); err != nil {
		panic(err)
	}
	os.Setenv("PASETO_SECRET_KEY_FILE", keyFile)
	os.Setenv("PASETO_ACCESS_LIFETIME", "5m")
	os.Setenv("PASETO_REFRESH_LIFETIME", "168h")
	defer os.Unsetenv("PASETO_SECRET_KEY_FILE")
	defer os.Unsetenv("PASETO_ACCESS_LIFETIME")
	defer os.Unsetenv("PASETO_REFRESH_LIFETIME")

	auth, err := ginpaseto.New(
		ginpaseto.FromEnv(),
		ginpaseto.WithIssuer("auth.example"), // after FromEnv: always this issuer
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Expiration.Sub(claims.IssuedAt), claims.Issuer)

	// A malformed value names its variable; a key is never repeated.
	os.Setenv("PASETO_ACCESS_LIFETIME", "15")
	_, err = ginpaseto.New(ginpaseto.FromEnv())
	fmt.Println(err)
	// Output:
	// 5m0s auth.example
	// ginpaseto: PASETO_ACCESS_LIFETIME: "15" is not a Go duration; write it as 90s, 15m, 12h or 720h (30 days)
}
