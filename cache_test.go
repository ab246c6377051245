package ginpaseto_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
)

func TestVerifiedTokenCacheSizeRefused(t *testing.T) {
	for _, size := range []int{0, -1} {
		_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithVerifiedTokenCache(size))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "WithVerifiedTokenCache: size is the number of verified tokens to keep and must be at least 1")
	}
}

func randomSecret(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// TestVerifiedTokenCacheAgrees drives an Authorizer with the cache and one
// without through the same random sequence of checks, clock moves,
// revocations, new tokens and key swaps: they must answer alike, every
// time.
func TestVerifiedTokenCacheAgrees(t *testing.T) {
	seed := mrand.Uint64()
	t.Logf("seed %d", seed)
	rng := mrand.New(mrand.NewPCG(seed, 1))
	clk := newClock()
	ctx := context.Background()

	a, b, c := randomSecret(t), randomSecret(t), randomSecret(t)
	rings := [][]keyring.Key{
		{keyring.SecretKey(a), keyring.SecretKey(b).Retired()},
		{keyring.SecretKey(b), keyring.SecretKey(c).Retired()},
		{keyring.SecretKey(c)},
		{keyring.SecretKey(a).AcceptWithoutKID(), keyring.SecretKey(c).Retired()},
	}
	store := &ginpaseto.MemoryStore{}
	common := func(ring []keyring.Key, extra ...ginpaseto.Option) []ginpaseto.Option {
		return append([]ginpaseto.Option{
			ginpaseto.WithKeys(ring...), ginpaseto.WithClock(clk.Now), ginpaseto.WithStore(store),
			ginpaseto.WithLeeway(5 * time.Second), ginpaseto.WithLifetime(ginpaseto.TypeAccess, 5*time.Minute),
			ginpaseto.WithExpectedIssuer("https://issuer.example"),
		}, extra...)
	}
	plain := newAuthWith(t, common(rings[0])...)
	cached := newAuthWith(t, common(rings[0], ginpaseto.WithVerifiedTokenCache(16))...)
	t.Cleanup(func() { _ = cached.Close() })
	minters := []*ginpaseto.Authorizer{
		newAuthWith(t, common([]keyring.Key{keyring.SecretKey(a)})...),
		newAuthWith(t, common([]keyring.Key{keyring.SecretKey(b)})...),
		newAuthWith(t, common([]keyring.Key{keyring.SecretKey(c)})...),
	}
	assertions := [][]byte{nil, []byte("tenant-1"), []byte("tenant-2")}

	type sent struct {
		tok       string
		assertion []byte
		wrapped   bool
	}
	var toks []sent
	mint := func() {
		s := sent{assertion: assertions[rng.IntN(len(assertions))], wrapped: rng.IntN(4) == 0}
		opts := []ginpaseto.TokenOption{ginpaseto.ImplicitAssertion(s.assertion)}
		if s.wrapped {
			opts = append(opts, ginpaseto.Base64())
		}
		typ := []string{ginpaseto.TypeAccess, ginpaseto.TypeAccess, ginpaseto.TypeRefresh}[rng.IntN(3)]
		switch rng.IntN(4) {
		case 0:
			if typ == ginpaseto.TypeAccess {
				opts = append(opts, ginpaseto.Fresh())
			}
		case 1:
			opts = append(opts, ginpaseto.Scopes("read"))
		}
		if rng.IntN(6) != 0 {
			opts = append(opts, ginpaseto.Issuer("https://issuer.example"))
		}
		tok, err := minters[rng.IntN(len(minters))].CreateToken(ctx, fmt.Sprintf("user-%d", len(toks)), typ, opts...)
		require.NoError(t, err)
		s.tok = tok
		toks = append(toks, s)
		if rng.IntN(6) == 0 { // the same token, one character changed
			i := len(tok) - 1 - rng.IntN(20)
			flipped := []byte(tok)
			flipped[i] ^= 1
			toks = append(toks, sent{tok: string(flipped), assertion: s.assertion, wrapped: s.wrapped})
		}
	}
	for range 12 {
		mint()
	}

	answer := func(auth *ginpaseto.Authorizer, s sent, assertion []byte, wrapped bool, typ string, opts ...ginpaseto.CheckOption) string {
		opts = append(opts, ginpaseto.ImplicitAssertion(assertion))
		if wrapped {
			opts = append(opts, ginpaseto.Base64())
		}
		claims, err := auth.CheckToken(ctx, s.tok, typ, opts...)
		if err != nil {
			return "error: " + err.Error()
		}
		return fmt.Sprintf("ok: %s %s %s fresh=%v scopes=%v exp=%v", claims.Subject, claims.Type, claims.JTI, claims.Fresh, claims.Scopes, claims.Expiration)
	}

	hits := 0
	for step := range 3000 {
		switch op := rng.IntN(100); {
		case op < 70: // a check, mostly of a recent token with what it was made with
			s := toks[len(toks)-1-rng.IntN(min(len(toks), 24))]
			if rng.IntN(4) == 0 {
				s = toks[rng.IntN(len(toks))]
			}
			assertion, wrapped := s.assertion, s.wrapped
			if rng.IntN(5) == 0 {
				assertion = assertions[rng.IntN(len(assertions))]
			}
			if rng.IntN(8) == 0 {
				wrapped = !wrapped
			}
			typ := ginpaseto.TypeAccess
			if rng.IntN(4) == 0 {
				typ = ginpaseto.TypeRefresh
			}
			var opts []ginpaseto.CheckOption
			if rng.IntN(5) == 0 {
				opts = append(opts, ginpaseto.RequireScopes("read"))
			}
			want := answer(plain, s, assertion, wrapped, typ, opts...)
			got := answer(cached, s, assertion, wrapped, typ, opts...)
			require.Equal(t, want, got, "step %d", step)
			if strings.HasPrefix(got, "ok") {
				hits++
			}
		case op < 80:
			clk.Advance(time.Duration(rng.IntN(20)) * time.Second)
		case op < 86: // revoke a token that verifies, through either Authorizer
			s := toks[rng.IntN(len(toks))]
			opts := []ginpaseto.CheckOption{ginpaseto.ImplicitAssertion(s.assertion)}
			if s.wrapped {
				opts = append(opts, ginpaseto.Base64())
			}
			if claims, err := plain.ParseToken(s.tok, opts...); err == nil {
				require.NoError(t, []*ginpaseto.Authorizer{plain, cached}[rng.IntN(2)].Revoke(ctx, claims))
			}
		case op < 94:
			mint()
		default:
			ring := rings[rng.IntN(len(rings))]
			require.NoError(t, plain.SetKeys(ring...))
			require.NoError(t, cached.SetKeys(ring...))
		}
	}
	t.Logf("%d tokens, %d accepted checks", len(toks), hits)
	require.Positive(t, hits, "the sequence accepted no token: it tests nothing")
}

// TestVerifiedTokenCacheOverHTTP checks a cached token in a real request:
// accepted again, refused once revoked, refused under another assertion,
// and refused once its key is removed.
func TestVerifiedTokenCacheOverHTTP(t *testing.T) {
	clk := newClock()
	a, b := randomSecret(t), randomSecret(t)
	auth := newAuthWith(t, ginpaseto.WithKeys(keyring.SecretKey(a)),
		ginpaseto.WithClock(clk.Now), ginpaseto.WithVerifiedTokenCache(100))
	t.Cleanup(func() { _ = auth.Close() })
	srv := protected(t, auth.Required(ginpaseto.ImplicitAssertion([]byte("t1"))))
	other := protected(t, auth.Required(ginpaseto.ImplicitAssertion([]byte("t2"))))

	tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ImplicitAssertion([]byte("t1")))
	bearer := "Bearer " + tok
	for range 3 {
		expect(t, get(t, srv, "/p", "Authorization", bearer), http.StatusOK, user("alice"))
	}
	expect(t, get(t, other, "/p", "Authorization", bearer), http.StatusUnauthorized, detail(invalidMsg))

	clk.Advance(16 * time.Minute)
	expect(t, get(t, srv, "/p", "Authorization", bearer), http.StatusUnauthorized, detail("Token has expired"))
	clk.Advance(-16 * time.Minute)
	expect(t, get(t, srv, "/p", "Authorization", bearer), http.StatusOK, user("alice"))

	// The key retired: still verifies. Removed: refused, cache or not.
	require.NoError(t, auth.SetKeys(keyring.SecretKey(b), keyring.SecretKey(a).Retired()))
	expect(t, get(t, srv, "/p", "Authorization", bearer), http.StatusOK, user("alice"))
	require.NoError(t, auth.SetKeys(keyring.SecretKey(b)))
	expect(t, get(t, srv, "/p", "Authorization", bearer), http.StatusUnauthorized, detail(invalidMsg))
	require.NoError(t, auth.SetKeys(keyring.SecretKey(a)))

	claims, err := auth.ParseToken(tok, ginpaseto.ImplicitAssertion([]byte("t1")))
	require.NoError(t, err)
	require.NoError(t, auth.Revoke(context.Background(), claims))
	expect(t, get(t, srv, "/p", "Authorization", bearer), http.StatusUnauthorized, detail("Token has been revoked"))
}

const invalidMsg = "Invalid PASETO token"
