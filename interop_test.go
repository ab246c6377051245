package ginpaseto_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	paseto "aidanwoods.dev/go-paseto"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/legacy"
)

// interopKeys is one key set of one version, held both as go-paseto keys
// and as the options that give the same keys to New.
type interopKeys struct {
	name  string
	local bool
	v2    bool // no implicit assertions
	opts  []ginpaseto.Option
	seal  func(tok paseto.Token, implicit []byte) string
	parse func(p paseto.Parser, tok string, implicit []byte) (*paseto.Token, error)
}

func newInteropKeys(t *testing.T) []interopKeys {
	t.Helper()
	v4l, err := paseto.V4SymmetricKeyFromHex(testKey)
	require.NoError(t, err)
	v4s := paseto.NewV4AsymmetricSecretKey()
	v3l := paseto.NewV3SymmetricKey()
	v3s := paseto.NewV3AsymmetricSecretKey()
	v2l := paseto.NewV2SymmetricKey()
	v2s := paseto.NewV2AsymmetricSecretKey()
	v2p := v2s.Public()
	v3p := v3s.Public()
	v4p := v4s.Public()
	return []interopKeys{
		{
			name: "v4.local", local: true,
			opts: []ginpaseto.Option{ginpaseto.WithSecretKey(v4l.ExportHex())},
			seal: func(tok paseto.Token, i []byte) string { return tok.V4Encrypt(v4l, i) },
			parse: func(p paseto.Parser, tok string, i []byte) (*paseto.Token, error) {
				return p.ParseV4Local(v4l, tok, i)
			},
		},
		{
			name: "v4.public",
			opts: []ginpaseto.Option{ginpaseto.WithPrivateKey(v4s.ExportHex()), ginpaseto.WithPublicKey(v4p.ExportHex())},
			seal: func(tok paseto.Token, i []byte) string { return tok.V4Sign(v4s, i) },
			parse: func(p paseto.Parser, tok string, i []byte) (*paseto.Token, error) {
				return p.ParseV4Public(v4p, tok, i)
			},
		},
		{
			name: "v3.local", local: true,
			opts: []ginpaseto.Option{ginpaseto.WithVersion(legacy.V3), ginpaseto.WithSecretKey(v3l.ExportHex())},
			seal: func(tok paseto.Token, i []byte) string { return tok.V3Encrypt(v3l, i) },
			parse: func(p paseto.Parser, tok string, i []byte) (*paseto.Token, error) {
				return p.ParseV3Local(v3l, tok, i)
			},
		},
		{
			name: "v3.public",
			opts: []ginpaseto.Option{ginpaseto.WithVersion(legacy.V3), ginpaseto.WithPrivateKey(v3s.ExportHex()), ginpaseto.WithPublicKey(v3p.ExportHex())},
			seal: func(tok paseto.Token, i []byte) string { return tok.V3Sign(v3s, i) },
			parse: func(p paseto.Parser, tok string, i []byte) (*paseto.Token, error) {
				return p.ParseV3Public(v3p, tok, i)
			},
		},
		{
			name: "v2.local", local: true, v2: true,
			opts: []ginpaseto.Option{ginpaseto.WithVersion(legacy.V2), ginpaseto.WithSecretKey(v2l.ExportHex())},
			seal: func(tok paseto.Token, _ []byte) string { return tok.V2Encrypt(v2l) },
			parse: func(p paseto.Parser, tok string, _ []byte) (*paseto.Token, error) {
				return p.ParseV2Local(v2l, tok)
			},
		},
		{
			name: "v2.public", v2: true,
			opts: []ginpaseto.Option{ginpaseto.WithVersion(legacy.V2), ginpaseto.WithPrivateKey(v2s.ExportHex()), ginpaseto.WithPublicKey(v2p.ExportHex())},
			seal: func(tok paseto.Token, _ []byte) string { return tok.V2Sign(v2s) },
			parse: func(p paseto.Parser, tok string, _ []byte) (*paseto.Token, error) {
				return p.ParseV2Public(v2p, tok)
			},
		},
	}
}

// authFor builds the Authorizer for keys, creating tokens of their purpose,
// with more options if any.
func authFor(t *testing.T, keys interopKeys, more ...ginpaseto.Option) *ginpaseto.Authorizer {
	t.Helper()
	purpose := ginpaseto.Public
	if keys.local {
		purpose = ginpaseto.Local
	}
	opts := append(slices.Clone(keys.opts), ginpaseto.WithPurpose(purpose))
	auth, err := ginpaseto.New(append(opts, more...)...)
	require.NoError(t, err)
	return auth
}

// claimsServer serves GET /p behind mw and answers with the verified claims.
func claimsServer(t *testing.T, mw gin.HandlerFunc) *httptest.Server {
	t.Helper()
	r := gin.New()
	r.GET("/p", mw, func(c *gin.Context) {
		claims, ok := ginpaseto.GetClaims(c)
		if !ok {
			c.JSON(http.StatusOK, gin.H{})
			return
		}
		c.JSON(http.StatusOK, gin.H{
			"sub": claims.Subject, "type": claims.Type, "jti": claims.JTI, "fresh": claims.Fresh,
			"exp": claims.Expiration.UTC().Format(time.RFC3339), "footer": claims.Footer,
		})
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// TestInteropGoPasetoToGinpaseto sends tokens minted by go-paseto, with
// the claims ginpaseto writes, to Required over HTTP.
func TestInteropGoPasetoToGinpaseto(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	exp := now.Add(15 * time.Minute)
	variants := []struct {
		name     string
		footer   string
		implicit string
	}{
		{"plain", "", ""},
		{"footer", `{"kid":"key-1"}`, ""},
		{"implicit assertion", "", "tenant-42"},
		{"footer and implicit assertion", "kid-2", "tenant-42"},
	}
	n := 0
	for _, keys := range newInteropKeys(t) {
		auth := authFor(t, keys)
		for _, vt := range variants {
			if keys.v2 && vt.implicit != "" {
				continue
			}
			t.Run(keys.name+"/"+vt.name, func(t *testing.T) {
				var checkOpts []ginpaseto.CheckOption
				if vt.implicit != "" {
					checkOpts = append(checkOpts, ginpaseto.ImplicitAssertion([]byte(vt.implicit)))
				}
				srv := claimsServer(t, auth.Required(checkOpts...))
				fresh := claimsServer(t, auth.FreshRequired(checkOpts...))

				tok := paseto.NewToken()
				tok.SetSubject("alice")
				tok.SetString("type", ginpaseto.TypeAccess)
				require.NoError(t, tok.Set("fresh", true))
				tok.SetJti("0b0e1f9c-5f0c-4b4e-9a43-3f5d2d6c1a7e")
				tok.SetIssuedAt(now)
				tok.SetNotBefore(now)
				tok.SetExpiration(exp)
				if vt.footer != "" {
					tok.SetFooter([]byte(vt.footer))
				}
				minted := keys.seal(tok, []byte(vt.implicit))

				want := map[string]any{
					"sub": "alice", "type": "access", "jti": "0b0e1f9c-5f0c-4b4e-9a43-3f5d2d6c1a7e",
					"fresh": true, "exp": exp.Format(time.RFC3339), "footer": vt.footer,
				}
				for _, s := range []*httptest.Server{srv, fresh} {
					got := get(t, s, "/p", "Authorization", "Bearer "+minted)
					require.Equal(t, http.StatusOK, got.status, got.body)
					var claims map[string]any
					require.NoError(t, json.Unmarshal([]byte(got.body), &claims))
					assert.Equal(t, want, claims)
				}

				// The assertion is part of what was authenticated.
				if vt.implicit != "" {
					plain := claimsServer(t, auth.Required())
					assert.Equal(t, http.StatusUnauthorized, get(t, plain, "/p", "Authorization", "Bearer "+minted).status)
					other := claimsServer(t, auth.Required(ginpaseto.ImplicitAssertion([]byte("tenant-43"))))
					assert.Equal(t, http.StatusUnauthorized, get(t, other, "/p", "Authorization", "Bearer "+minted).status)
				} else if !keys.v2 {
					bound := claimsServer(t, auth.Required(ginpaseto.ImplicitAssertion([]byte("tenant-42"))))
					assert.Equal(t, http.StatusUnauthorized, get(t, bound, "/p", "Authorization", "Bearer "+minted).status)
				}

				// go-paseto's own expiry is honoured too.
				tok.SetExpiration(now.Add(-time.Minute))
				expired := keys.seal(tok, []byte(vt.implicit))
				got := get(t, srv, "/p", "Authorization", "Bearer "+expired)
				assert.Equal(t, http.StatusUnauthorized, got.status)
				assert.JSONEq(t, `{"detail":"Token has expired"}`, got.body)
				n++
			})
		}
	}
	assert.Equal(t, 20, n, "every key set and variant ran")
}

// TestInteropGinpasetoToGoPaseto parses tokens created by ginpaseto with
// go-paseto's default parser, which also checks exp.
func TestInteropGinpasetoToGoPaseto(t *testing.T) {
	ctx := context.Background()
	type footer struct {
		KID string `json:"kid"`
	}
	variants := []struct {
		name     string
		footer   any
		want     string
		implicit string
	}{
		{"plain", nil, "", ""},
		{"string footer", "kid-1", "kid-1", ""},
		{"JSON footer", footer{"key-1"}, `{"kid":"key-1"}`, ""},
		{"implicit assertion", nil, "", "tenant-42"},
		{"footer and implicit assertion", footer{"key-2"}, `{"kid":"key-2"}`, "tenant-42"},
	}
	n := 0
	for _, keys := range newInteropKeys(t) {
		auth := authFor(t, keys)
		for _, vt := range variants {
			if keys.v2 && vt.implicit != "" {
				continue
			}
			t.Run(keys.name+"/"+vt.name, func(t *testing.T) {
				var opts []ginpaseto.TokenOption
				if vt.footer != nil {
					opts = append(opts, ginpaseto.Footer(vt.footer))
				}
				if vt.implicit != "" {
					opts = append(opts, ginpaseto.ImplicitAssertion([]byte(vt.implicit)))
				}
				before := time.Now().Truncate(time.Second)
				access, err := auth.CreateAccessToken(ctx, "alice", append(opts, ginpaseto.Fresh())...)
				require.NoError(t, err)
				refresh, err := auth.CreateRefreshToken(ctx, "alice", opts...)
				require.NoError(t, err)

				for _, tc := range []struct {
					tok, typ string
					lifetime time.Duration
				}{
					{access, ginpaseto.TypeAccess, 15 * time.Minute},
					{refresh, ginpaseto.TypeRefresh, 30 * 24 * time.Hour},
				} {
					parsed, err := keys.parse(paseto.NewParser(), tc.tok, []byte(vt.implicit))
					require.NoError(t, err, "go-paseto rejected a %s token", tc.typ)
					sub, err := parsed.GetSubject()
					require.NoError(t, err)
					assert.Equal(t, "alice", sub)
					typ, err := parsed.GetString("type")
					require.NoError(t, err)
					assert.Equal(t, tc.typ, typ)
					jti, err := parsed.GetJti()
					require.NoError(t, err)
					assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, jti)
					exp, err := parsed.GetExpiration()
					require.NoError(t, err)
					assert.WithinDuration(t, before.Add(tc.lifetime), exp, 2*time.Second)
					iat, err := parsed.GetIssuedAt()
					require.NoError(t, err)
					assert.WithinDuration(t, before, iat, 2*time.Second)
					nbf, err := parsed.GetNotBefore()
					require.NoError(t, err)
					assert.Equal(t, iat, nbf)
					want := vt.want
					if vt.footer == nil { // ginpaseto names its key
						want = `{"kid":"` + activeKID(auth) + `"}`
					}
					assert.Equal(t, want, string(parsed.Footer()))

					// ginpaseto reads the same claims back.
					var checkOpts []ginpaseto.CheckOption
					if vt.implicit != "" {
						checkOpts = append(checkOpts, ginpaseto.ImplicitAssertion([]byte(vt.implicit)))
					}
					claims, err := auth.ParseToken(tc.tok, checkOpts...)
					require.NoError(t, err)
					assert.Equal(t, jti, claims.JTI)
					assert.True(t, exp.Equal(claims.Expiration))
				}
				var fresh bool
				parsed, err := keys.parse(paseto.NewParser(), access, []byte(vt.implicit))
				require.NoError(t, err)
				require.NoError(t, parsed.Get("fresh", &fresh))
				assert.True(t, fresh)

				if vt.implicit != "" {
					_, err := keys.parse(paseto.NewParser(), access, nil)
					assert.Error(t, err, "go-paseto accepted the token without its implicit assertion")
				}
				n++
			})
		}
	}
	assert.Equal(t, 26, n, "every key set and variant ran")
}

// TestInteropExpiredForGoPaseto checks go-paseto's default parser refuses
// an expired ginpaseto token, so exp is written in the form it reads.
func TestInteropExpiredForGoPaseto(t *testing.T) {
	past := time.Now().Add(-time.Hour)
	for _, keys := range newInteropKeys(t) {
		t.Run(keys.name, func(t *testing.T) {
			auth := authFor(t, keys, ginpaseto.WithClock(func() time.Time { return past }))
			tok, err := auth.CreateAccessToken(context.Background(), "alice")
			require.NoError(t, err)
			_, err = keys.parse(paseto.NewParser(), tok, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "expired")
			_, err = keys.parse(paseto.NewParserWithoutExpiryCheck(), tok, nil)
			assert.NoError(t, err)
		})
	}
}

// activeKID is the ID of the key that creates auth's tokens.
func activeKID(auth *ginpaseto.Authorizer) string {
	if kid := auth.Keys().ActiveKID(ginpaseto.Local); kid != "" {
		return kid
	}
	return auth.Keys().ActiveKID(ginpaseto.Public)
}
