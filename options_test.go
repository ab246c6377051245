package ginpaseto_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	paseto "aidanwoods.dev/go-paseto"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
	"github.com/ginpaseto/ginpaseto/legacy"
)

// otherKey is a second v4.local key, unrelated to testKey.
const otherKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

// randomKey returns a fresh 32-byte local key as hex.
func randomKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// pemPair encodes a private key as PKCS#8 PEM and its public key as PKIX
// PEM.
func pemPair(t testing.TB, priv any, pub any) (private, public string) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	require.NoError(t, err)
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
}

// ed25519PEM returns a fresh Ed25519 key pair as PEM, for v4 and v2.
func ed25519PEM(t testing.TB) (private, public string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return pemPair(t, priv, pub)
}

// p384PEM returns a fresh P-384 key pair as PEM, for v3.
func p384PEM(t testing.TB) (private, public string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	return pemPair(t, priv, &priv.PublicKey)
}

func TestNewErrors(t *testing.T) {
	privPEM, _ := ed25519PEM(t)
	_, otherPub := ed25519PEM(t)
	const weak = "hunter2-is-my-password"
	key := ginpaseto.WithSecretKey(testKey)
	tests := []struct {
		name   string
		opts   []ginpaseto.Option
		want   string // a part of the message
		secret string // key material the message must not repeat
	}{
		{"no key", nil, "openssl rand -hex 32", ""},
		{"only unrelated options", []ginpaseto.Option{ginpaseto.WithLeeway(time.Second)}, "no key configured", ""},
		{"nil option", []ginpaseto.Option{key, nil}, "nil option", ""},
		{"weak key secret", []ginpaseto.Option{ginpaseto.WithSecretKey("secret")}, "openssl rand -hex 32", ""},
		{"weak key", []ginpaseto.Option{ginpaseto.WithSecretKey(weak)}, "openssl rand -hex 32", weak},
		{"short hex key", []ginpaseto.Option{ginpaseto.WithSecretKey(testKey[:62])}, "openssl rand -hex 32", testKey[:62]},
		{"empty key", []ginpaseto.Option{ginpaseto.WithSecretKey("")}, "empty", ""},
		{"missing key file", []ginpaseto.Option{ginpaseto.WithKeys(keyring.SecretKeyFile(filepath.Join(t.TempDir(), "nope")).AcceptWithoutKID())}, "cannot read key file", ""},
		{"public purpose, secret key only", []ginpaseto.Option{key, ginpaseto.WithPurpose(ginpaseto.Public)}, "WithPrivateKey", ""},
		{"local purpose, private key only", []ginpaseto.Option{ginpaseto.WithPrivateKey(privPEM), ginpaseto.WithPurpose(ginpaseto.Local)}, "WithSecretKey", privPEM},
		{"mismatched key pair", []ginpaseto.Option{ginpaseto.WithPrivateKey(privPEM), ginpaseto.WithPublicKey(otherPub)}, "not the public half", privPEM},
		{"private key as public key", []ginpaseto.Option{ginpaseto.WithPublicKey(privPEM)}, "WithPrivateKey", privPEM},
		{"garbage private key", []ginpaseto.Option{ginpaseto.WithPrivateKey(weak)}, "openssl genpkey", weak},
		{"garbage public key", []ginpaseto.Option{ginpaseto.WithPublicKey(weak)}, "WithPublicKey", weak},

		{"nil error handler", []ginpaseto.Option{key, ginpaseto.WithErrorHandler(nil)}, "WithErrorHandler: handler is nil", ""},
		{"zero access lifetime", []ginpaseto.Option{key, ginpaseto.WithLifetime(ginpaseto.TypeAccess, 0)}, "WithLifetime(TypeAccess): lifetime must be positive", ""},
		{"negative refresh lifetime", []ginpaseto.Option{key, ginpaseto.WithLifetime(ginpaseto.TypeRefresh, -time.Hour)}, "WithLifetime(TypeRefresh): lifetime must be positive", ""},
		{"zero custom lifetime", []ginpaseto.Option{key, ginpaseto.WithLifetime("reset", 0)}, `WithLifetime("reset"): lifetime must be positive`, ""},
		{"lifetime of no type", []ginpaseto.Option{key, ginpaseto.WithLifetime("", time.Hour)}, "WithLifetime: the token type is empty", ""},
		{"negative leeway", []ginpaseto.Option{key, ginpaseto.WithLeeway(-time.Second)}, "WithLeeway", ""},
		{"leeway of years", []ginpaseto.Option{key, ginpaseto.WithLeeway(87600 * time.Hour)}, "WithLeeway: the leeway is at most 5m0s", ""},
		{"leeway above the maximum", []ginpaseto.Option{key, ginpaseto.WithLeeway(5*time.Minute + time.Nanosecond)}, "WithLeeway: the leeway is at most", ""},
		{"blank expected audience", []ginpaseto.Option{key, ginpaseto.WithExpectedAudience("  ")}, "WithExpectedAudience", ""},
		{"bad version", []ginpaseto.Option{key, ginpaseto.WithVersion(5)}, "WithVersion: unknown version 5", ""},
		{"version 1", []ginpaseto.Option{key, ginpaseto.WithVersion(1)}, "WithVersion: unknown version 1", ""},
		{"bad purpose", []ginpaseto.Option{key, ginpaseto.WithPurpose("secret")}, "WithPurpose: unknown purpose", ""},
		{"tiny max token size", []ginpaseto.Option{key, ginpaseto.WithMaxTokenSize(10)}, "WithMaxTokenSize", ""},
		{"no token locations", []ginpaseto.Option{key, ginpaseto.WithTokenLocations()}, "WithTokenLocations", ""},
		{"nil denylist", []ginpaseto.Option{key, ginpaseto.WithDenylist(nil)}, "WithDenylist", ""},
		{"empty revocable type", []ginpaseto.Option{key, ginpaseto.WithRevocableTypes("access", "")}, "WithRevocableTypes", ""},
		{"header prefix with a comma", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InHeader.Prefix("Bea,rer"))}, `WithTokenLocations: InHeader.Prefix("Bea,rer"): prefix`, ""},
		{"header name with a non-ASCII letter", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("Authörization"))}, "not a valid header name", ""},
		{"empty header name", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named(""))}, `InHeader.Named(""): "" is not a valid header name`, ""},
		{"header name with colon", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Token:").Prefix("Bearer"))}, "not a valid header name", ""},
		{"header name with space", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X Token"))}, "not a valid header name", ""},
		{"two-word prefix", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InHeader.Prefix("Bearer token"))}, "single word", ""},
		{"empty JSON key", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InJSON.Named(""))}, `InJSON.Named(""): the name must not be empty`, ""},
		{"empty query param", []ginpaseto.Option{key, ginpaseto.AddTokenLocations(ginpaseto.InQuery.Named(""))}, `AddTokenLocations: InQuery.Named("")`, ""},
		{"bad cookie name", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InCookie.Named("a;b"))}, "not a valid cookie name", ""},
		{"zero max body size", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InJSON.MaxBodySize(0))}, "InJSON.MaxBodySize(0): the limit must be positive", ""},
		{"max body size of a header", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InHeader.MaxBodySize(10))}, "MaxBodySize applies to InJSON only", ""},
		{"name of the subprotocol", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InWebSocketProtocol.Named("x"))}, "InWebSocketProtocol has no name", ""},
		{"prefix of a cookie", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InCookie.Prefix("Bearer"))}, "InCookie has no prefix", ""},
		{"nil location function", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InFunc(nil))}, "WithTokenLocations: InFunc: function is nil", ""},
		{"zero location", []ginpaseto.Option{key, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.Location{})}, "unknown location Location{}", ""},
		{"no added locations", []ginpaseto.Option{key, ginpaseto.AddTokenLocations()}, "AddTokenLocations: give at least one location", ""},
		{"query prefix of two words", []ginpaseto.Option{key, ginpaseto.QueryPrefix("two words")}, "QueryPrefix: prefix", ""},
		{"nil skipper", []ginpaseto.Option{key, ginpaseto.Skip(nil)}, "Skip: skipper is nil", ""},
		{"no required scope", []ginpaseto.Option{key, ginpaseto.RequireScopes()}, "RequireScopes: no scope given", ""},
		{"nil Authorize hook", []ginpaseto.Option{key, ginpaseto.Authorize(nil)}, "Authorize: function is nil", ""},
		{"nil assertion function", []ginpaseto.Option{key, ginpaseto.ImplicitAssertionFrom(nil)}, "ImplicitAssertionFrom: function is nil", ""},
		{"implicit assertion with v2", []ginpaseto.Option{key, ginpaseto.WithVersion(legacy.V2), ginpaseto.ImplicitAssertion([]byte("tenant"))}, "v2 tokens do not support implicit assertions", ""},
		{"nil clock", []ginpaseto.Option{key, ginpaseto.WithClock(nil)}, "WithClock", ""},
		{"empty expected issuer", []ginpaseto.Option{key, ginpaseto.WithExpectedIssuer("")}, "WithExpectedIssuer", ""},
		{"empty expected audience", []ginpaseto.Option{key, ginpaseto.WithExpectedAudience("")}, "WithExpectedAudience", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth, err := ginpaseto.New(tt.opts...)
			require.Error(t, err)
			assert.Nil(t, auth)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "ginpaseto:"), msg)
			assert.Contains(t, msg, tt.want)
			assert.NotContains(t, msg, testKey)
			if tt.secret != "" {
				assert.NotContains(t, msg, strings.TrimSpace(tt.secret))
				for _, line := range strings.Split(tt.secret, "\n") {
					if len(line) > 20 {
						assert.NotContains(t, msg, line)
					}
				}
			}
		})
	}
}

func TestVerifyOnly(t *testing.T) {
	privPEM, pubPEM := ed25519PEM(t)
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(privPEM))
	require.NoError(t, err)
	verifier, err := ginpaseto.New(ginpaseto.WithPublicKey(pubPEM))
	require.NoError(t, err)

	tok := token(t, signer, ginpaseto.TypeAccess)
	assert.True(t, strings.HasPrefix(tok, "v4.public."), "WithPrivateKey alone creates public tokens: %s", tok)
	expect(t, do(t, serve(t, routes(verifier)), request{path: "/required", token: tok}), 200, user("alice"))
	expect(t, do(t, serve(t, routes(signer)), request{path: "/required", token: tok}), 200, user("alice"))

	ctx := context.Background()
	for _, tt := range []struct {
		create func() (string, error)
		want   string
	}{
		{func() (string, error) { return verifier.CreateAccessToken(ctx, "alice") }, "WithPrivateKey"},
		{func() (string, error) { return verifier.CreateRefreshToken(ctx, "alice") }, "WithPrivateKey"},
		{func() (string, error) { return verifier.CreateToken(ctx, "alice", "reset", ginpaseto.Fresh()) }, "access tokens only"},
		{func() (string, error) {
			return verifier.CreateToken(ctx, "alice", "reset", ginpaseto.AsPurpose(ginpaseto.Local))
		}, "WithSecretKey"},
	} {
		_, err := tt.create()
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "ginpaseto:"), err.Error())
		assert.Contains(t, err.Error(), tt.want)
		assert.NotContains(t, err.Error(), "WithPurpose(ginpaseto.Public)", "a verify-only Authorizer cannot create public tokens either")
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	privPEM, pubPEM := ed25519PEM(t)
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content+"\n"), 0o600))
		return path
	}
	secretFile, privFile, pubFile := write("secret.key", testKey), write("private.pem", privPEM), write("public.pem", pubPEM)

	fromString := newAuth(t)
	fromFile, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKeyFile(secretFile).AcceptWithoutKID()))
	require.NoError(t, err)
	signer, err := ginpaseto.New(ginpaseto.WithKeys(keyring.PrivateKeyFile(privFile).AcceptWithoutKID()))
	require.NoError(t, err)
	verifier, err := ginpaseto.New(ginpaseto.WithKeys(keyring.PublicKeyFile(pubFile).AcceptWithoutKID()))
	require.NoError(t, err)
	// A key pair from two files, as container secrets are mounted.
	t.Setenv("PASETO_PRIVATE_KEY_FILE", privFile)
	t.Setenv("PASETO_PUBLIC_KEY_FILE", pubFile)
	pair, err := ginpaseto.New(ginpaseto.FromEnv())
	require.NoError(t, err)
	stringSigner, err := ginpaseto.New(ginpaseto.WithPrivateKey(privPEM))
	require.NoError(t, err)

	tests := []struct {
		name          string
		create, check *ginpaseto.Authorizer
	}{
		{"secret file verifies string key", fromString, fromFile},
		{"string key verifies secret file", fromFile, fromString},
		{"private file to public file", signer, verifier},
		{"pair from files", pair, verifier},
		{"string private key to public file", stringSigner, verifier},
		{"private file to string private key", signer, stringSigner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := token(t, tt.create, ginpaseto.TypeAccess)
			expect(t, do(t, serve(t, routes(tt.check)), request{path: "/required", token: tok}), 200, user("alice"))
		})
	}
}

func TestVersions(t *testing.T) {
	p384Priv, p384Pub := p384PEM(t)
	edPriv, edPub := ed25519PEM(t)
	tests := []struct {
		name     string
		version  ginpaseto.Version
		create   []ginpaseto.Option
		verify   []ginpaseto.Option // a second Authorizer checks the tokens
		prefix   string
		implicit bool
	}{
		{"v4 local", ginpaseto.V4, []ginpaseto.Option{ginpaseto.WithSecretKey(testKey)}, nil, "v4.local.", true},
		{"v4 public", ginpaseto.V4, []ginpaseto.Option{ginpaseto.WithPrivateKey(edPriv)},
			[]ginpaseto.Option{ginpaseto.WithPublicKey(edPub)}, "v4.public.", true},
		{"v3 local", legacy.V3, []ginpaseto.Option{ginpaseto.WithSecretKey(randomKey(t))}, nil, "v3.local.", true},
		{"v3 public", legacy.V3, []ginpaseto.Option{ginpaseto.WithPrivateKey(p384Priv)},
			[]ginpaseto.Option{ginpaseto.WithPublicKey(p384Pub)}, "v3.public.", true},
		{"v2 local", legacy.V2, []ginpaseto.Option{ginpaseto.WithSecretKey(randomKey(t))}, nil, "v2.local.", false},
		{"v2 public", legacy.V2, []ginpaseto.Option{ginpaseto.WithPrivateKey(edPriv)},
			[]ginpaseto.Option{ginpaseto.WithPublicKey(edPub)}, "v2.public.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			version := ginpaseto.WithVersion(tt.version)
			auth, err := ginpaseto.New(append(tt.create, version)...)
			require.NoError(t, err)
			check := auth
			if tt.verify != nil {
				check, err = ginpaseto.New(append(tt.verify, version)...)
				require.NoError(t, err)
			}
			r := routes(check)
			r.GET("/footer", check.Required(), func(c *gin.Context) {
				claims, _ := ginpaseto.GetClaims(c)
				c.JSON(200, gin.H{"footer": claims.Footer, "user": claims.Subject})
			})
			if tt.implicit {
				r.GET("/implicit", check.Required(ginpaseto.ImplicitAssertion([]byte("tenant-7"))), whoami)
			}
			srv := serve(t, r)

			access := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Fresh())
			assert.True(t, strings.HasPrefix(access, tt.prefix), access)
			expect(t, do(t, srv, request{path: "/required", token: access}), 200, user("alice"))
			expect(t, do(t, srv, request{path: "/fresh", token: access}), 200, user("alice"))
			expect(t, do(t, srv, request{path: "/refresh", token: token(t, auth, ginpaseto.TypeRefresh)}), 200, user("alice"))
			withFooter := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Footer(`{"kid":"k1"}`))
			expect(t, do(t, srv, request{path: "/footer", token: withFooter}), 200, `{"footer":"{\"kid\":\"k1\"}","user":"alice"}`)

			expired := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExpiresAt(time.Now().Add(-time.Minute)))
			expect(t, do(t, srv, request{path: "/required", token: expired}), 401, detail("Token has expired"))
			tampered := []byte(access)
			tampered[len(tampered)-3] ^= 1
			expect(t, do(t, srv, request{path: "/required", token: string(tampered)}), 401, detail("Invalid PASETO token"))

			if tt.implicit {
				bound := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ImplicitAssertion([]byte("tenant-7")))
				expect(t, do(t, srv, request{path: "/implicit", token: bound}), 200, user("alice"))
				expect(t, do(t, srv, request{path: "/required", token: bound}), 401, detail("Invalid PASETO token"))
			} else {
				_, err := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.ImplicitAssertion([]byte("x")))
				assert.Error(t, err, "v2 has no implicit assertions")
			}
		})
	}
}

func TestVersionPurposeNotAccepted(t *testing.T) {
	edPriv, _ := ed25519PEM(t)
	p384Priv, _ := p384PEM(t)
	v4Local := newAuth(t)
	v4Public, err := ginpaseto.New(ginpaseto.WithPrivateKey(edPriv))
	require.NoError(t, err)
	v3Local, err := ginpaseto.New(ginpaseto.WithVersion(legacy.V3), ginpaseto.WithSecretKey(testKey))
	require.NoError(t, err)
	v3Public, err := ginpaseto.New(ginpaseto.WithVersion(legacy.V3), ginpaseto.WithPrivateKey(p384Priv))
	require.NoError(t, err)
	v2Local, err := ginpaseto.New(ginpaseto.WithVersion(legacy.V2), ginpaseto.WithSecretKey(testKey))
	require.NoError(t, err)

	tests := []struct {
		name          string
		create, check *ginpaseto.Authorizer
	}{
		{"v4.local to v3 local", v4Local, v3Local},
		{"v4.local to v2 local", v4Local, v2Local},
		{"v3.local to v4 local", v3Local, v4Local},
		{"v2.local to v4 local", v2Local, v4Local},
		{"v4.public to local only", v4Public, v4Local},
		{"v4.local to public only", v4Local, v4Public},
		{"v3.public to v4 public", v3Public, v4Public},
		{"v4.public to v3 public", v4Public, v3Public},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := token(t, tt.create, ginpaseto.TypeAccess)
			srv := serve(t, routes(tt.check))
			expect(t, do(t, srv, request{path: "/required", token: tok}), 401, detail("PASETO token version or purpose not accepted"))
			expect(t, do(t, srv, request{path: "/optional", token: tok}), 200, user(""))
		})
	}
	for _, tok := range []string{"v1.local.AAAA", "v4.secret.AAAA", "k4.local.AAAA", "v4..AAAA", "v4.local."} {
		_, err := v4Local.ParseToken(tok)
		assert.ErrorIs(t, err, ginpaseto.ErrTokenInvalid, tok)
	}
}

func TestKeysDoNotMix(t *testing.T) {
	a, b := newAuth(t), newAuth(t, ginpaseto.WithSecretKey(otherKey))
	privA, _ := ed25519PEM(t)
	privB, _ := ed25519PEM(t)
	pa, err := ginpaseto.New(ginpaseto.WithPrivateKey(privA))
	require.NoError(t, err)
	pb, err := ginpaseto.New(ginpaseto.WithPrivateKey(privB))
	require.NoError(t, err)
	tests := []struct {
		name          string
		create, check *ginpaseto.Authorizer
	}{
		{"local a to b", a, b},
		{"local b to a", b, a},
		{"public a to b", pa, pb},
		{"public b to a", pb, pa},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := token(t, tt.create, ginpaseto.TypeAccess)
			expect(t, do(t, serve(t, routes(tt.check)), request{path: "/required", token: tok}), 401, detail("Invalid PASETO token"))
			expect(t, do(t, serve(t, routes(tt.create)), request{path: "/required", token: tok}), 200, user("alice"))
		})
	}
}

func TestLifetimes(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		name  string
		opts  []ginpaseto.Option
		path  string
		typ   string
		at    time.Duration
		valid bool
	}{
		{"access default, just before", nil, "/required", "access", 15*time.Minute - time.Second, true},
		{"access default, at exp", nil, "/required", "access", 15 * time.Minute, true},
		{"access default, just after", nil, "/required", "access", 15*time.Minute + time.Second, false},
		{"access leeway, inside", []ginpaseto.Option{ginpaseto.WithLeeway(30 * time.Second)}, "/required", "access", 15*time.Minute + 20*time.Second, true},
		{"access leeway, outside", []ginpaseto.Option{ginpaseto.WithLeeway(30 * time.Second)}, "/required", "access", 15*time.Minute + 31*time.Second, false},
		{"access custom, inside", []ginpaseto.Option{ginpaseto.WithLifetime(ginpaseto.TypeAccess, time.Hour)}, "/required", "access", 59 * time.Minute, true},
		{"access custom, outside", []ginpaseto.Option{ginpaseto.WithLifetime(ginpaseto.TypeAccess, time.Hour)}, "/required", "access", time.Hour + time.Second, false},
		{"refresh default, inside", nil, "/refresh", "refresh", 30*day - time.Second, true},
		{"refresh default, outside", nil, "/refresh", "refresh", 30*day + time.Second, false},
		{"refresh custom, outside", []ginpaseto.Option{ginpaseto.WithLifetime(ginpaseto.TypeRefresh, day)}, "/refresh", "refresh", day + time.Second, false},
		{"custom type default, inside", nil, "/reset", "reset", 30*day - time.Second, true},
		{"custom type default, outside", nil, "/reset", "reset", 30*day + time.Second, false},
		{"custom type lifetime, inside", []ginpaseto.Option{ginpaseto.WithLifetime("reset", 2*time.Hour)}, "/reset", "reset", 2*time.Hour - time.Second, true},
		{"custom type lifetime, outside", []ginpaseto.Option{ginpaseto.WithLifetime("reset", 2*time.Hour)}, "/reset", "reset", 2*time.Hour + time.Second, false},
		{"custom lifetime leaves access alone", []ginpaseto.Option{ginpaseto.WithLifetime("reset", 2*time.Hour)}, "/required", "access", 16 * time.Minute, false},
		{"custom lifetime leaves other custom types alone", []ginpaseto.Option{ginpaseto.WithLifetime("invite", 2*time.Hour)}, "/reset", "reset", 2*time.Hour + time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			start := clk.Now()
			auth := newAuth(t, append(tt.opts, ginpaseto.WithClock(clk.Now))...)
			srv := serve(t, routes(auth))
			tok := token(t, auth, tt.typ)
			clk.set(start.Add(tt.at))
			got := do(t, srv, request{path: tt.path, token: tok})
			if tt.valid {
				expect(t, got, 200, user("alice"))
			} else {
				expect(t, got, 401, detail("Token has expired"))
			}
		})
	}
}

// TestNotYetValid mints tokens ahead of the checking Authorizer's clock.
func TestNotYetValid(t *testing.T) {
	clk := newClock()
	now := clk.Now()
	at := func(d time.Duration) func() time.Time { return func() time.Time { return now.Add(d) } }
	check := newAuth(t, ginpaseto.WithClock(clk.Now))
	lenient := newAuth(t, ginpaseto.WithClock(clk.Now), ginpaseto.WithLeeway(30*time.Second))

	// A token whose nbf has passed but whose iat is ahead, which the
	// Authorizer never creates, made by another PASETO implementation.
	key, err := paseto.V4SymmetricKeyFromHex(testKey)
	require.NoError(t, err)
	foreign := paseto.NewToken()
	foreign.SetSubject("alice")
	require.NoError(t, foreign.Set("type", "access"))
	foreign.SetJti("b6f0c1a4-4c1e-4f6a-9c55-000000000001")
	foreign.SetIssuedAt(now.Add(time.Hour))
	foreign.SetNotBefore(now.Add(-time.Hour))
	foreign.SetExpiration(now.Add(2 * time.Hour))

	tests := []struct {
		name   string
		mintAt time.Duration
		check  *ginpaseto.Authorizer
		token  string
		status int
		body   string
	}{
		{"minted an hour ahead", time.Hour, check, "", 401, detail("Token is not yet valid")},
		{"minted a second ahead", time.Second, check, "", 401, detail("Token is not yet valid")},
		{"minted ahead within leeway", 20 * time.Second, lenient, "", 200, user("alice")},
		{"minted ahead beyond leeway", 31 * time.Second, lenient, "", 401, detail("Token is not yet valid")},
		{"iat ahead, nbf passed", 0, check, foreign.V4Encrypt(key, nil), 401, detail("Token was issued in the future")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.token
			if tok == "" {
				minter := newAuth(t, ginpaseto.WithClock(at(tt.mintAt)))
				tok = token(t, minter, ginpaseto.TypeAccess)
			}
			expect(t, do(t, serve(t, routes(tt.check)), request{path: "/required", token: tok}), tt.status, tt.body)
		})
	}
}

func TestIssuer(t *testing.T) {
	stamping := newAuth(t, ginpaseto.WithIssuer("api.example"))
	plain := newAuth(t)
	override := []ginpaseto.TokenOption{ginpaseto.Issuer("auth.example")}
	tests := []struct {
		name   string
		minter *ginpaseto.Authorizer
		typ    string
		opts   []ginpaseto.TokenOption
		want   string
	}{
		{"access", stamping, ginpaseto.TypeAccess, nil, "api.example"},
		{"refresh", stamping, ginpaseto.TypeRefresh, nil, "api.example"},
		{"custom type", stamping, "reset", nil, "api.example"},
		{"Issuer option overrides", stamping, ginpaseto.TypeAccess, override, "auth.example"},
		{"Issuer option on refresh", stamping, ginpaseto.TypeRefresh, override, "auth.example"},
		{"Issuer option alone", plain, ginpaseto.TypeRefresh, override, "auth.example"},
		{"no issuer", plain, ginpaseto.TypeAccess, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := tt.minter.ParseToken(token(t, tt.minter, tt.typ, tt.opts...))
			require.NoError(t, err)
			assert.Equal(t, tt.want, claims.Issuer)
			var iss string
			if tt.want == "" {
				assert.Error(t, claims.Get("iss", &iss), "no iss claim at all")
			} else {
				require.NoError(t, claims.Get("iss", &iss))
				assert.Equal(t, tt.want, iss)
			}
		})
	}

	// An Authorizer that stamps and expects the same issuer accepts all of
	// its own tokens.
	self := newAuth(t, ginpaseto.WithIssuer("api.example"), ginpaseto.WithExpectedIssuer("api.example"))
	srv := serve(t, routes(self))
	for path, typ := range map[string]string{"/required": "access", "/refresh": "refresh", "/reset": "reset"} {
		expect(t, do(t, srv, request{path: path, token: token(t, self, typ)}), 200, user("alice"))
	}
}

func TestExpectedIssuerAndAudience(t *testing.T) {
	issuer := serve(t, routes(newAuth(t, ginpaseto.WithExpectedIssuer("api.example"))))
	audience := serve(t, routes(newAuth(t, ginpaseto.WithExpectedAudience("b"))))
	minter := newAuth(t)
	stamping := newAuth(t, ginpaseto.WithIssuer("api.example"))
	tests := []struct {
		name   string
		srv    string
		token  string
		status int
		body   string
	}{
		{"issuer matches", "iss", token(t, minter, "access", ginpaseto.Issuer("api.example")), 200, user("alice")},
		{"issuer from WithIssuer", "iss", token(t, stamping, "access"), 200, user("alice")},
		{"issuer differs", "iss", token(t, minter, "access", ginpaseto.Issuer("evil.example")), 401, detail("Token issuer is not accepted")},
		{"issuer differs in case", "iss", token(t, minter, "access", ginpaseto.Issuer("API.example")), 401, detail("Token issuer is not accepted")},
		{"issuer missing", "iss", token(t, minter, "access"), 401, detail("Token issuer is not accepted")},
		{"audience single", "aud", token(t, minter, "access", ginpaseto.Audience("b")), 200, user("alice")},
		{"audience among several", "aud", token(t, minter, "access", ginpaseto.Audience("a", "b")), 200, user("alice")},
		{"audience differs", "aud", token(t, minter, "access", ginpaseto.Audience("a")), 401, detail("Token audience is not accepted")},
		{"audience differs, several", "aud", token(t, minter, "access", ginpaseto.Audience("a", "c")), 401, detail("Token audience is not accepted")},
		{"audience missing", "aud", token(t, minter, "access"), 401, detail("Token audience is not accepted")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := issuer
			if tt.srv == "aud" {
				srv = audience
			}
			expect(t, do(t, srv, request{path: "/required", token: tt.token}), tt.status, tt.body)
		})
	}
}
