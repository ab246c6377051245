package bench

import (
	"context"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
)

// The cost of naming the key in the footer: the same v4.local check with
// tokens that carry {"kid":"k4.lid.…"} (what ginpaseto writes by default,
// read without a general JSON parse), with tokens that carry no footer at
// all (as before key IDs, made here with go-paseto), and with a larger
// application footer around the kid (the general, bounded parse). The
// no-footer tokens also skip decoding and authenticating the footer's 60
// bytes, so the difference is the whole price of a kid, not only its parse.

func (f *fixture) kidAuthorizer(tb testing.TB) *ginpaseto.Authorizer {
	tb.Helper()
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keyring.SecretKey(hex.EncodeToString(f.secret)).AcceptWithoutKID()))
	require.NoError(tb, err)
	return auth
}

func (f *fixture) newKIDSetup(tb testing.TB, create func(auth *ginpaseto.Authorizer, sub string) string) *setup {
	auth := f.kidAuthorizer(tb)
	return newSetup(tb, auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, reply{Sub: ginpaseto.Subject(c)})
	}, func(sub string) string { return create(auth, sub) })
}

func (f *fixture) newKIDFooter(tb testing.TB) *setup {
	return f.newKIDSetup(tb, func(auth *ginpaseto.Authorizer, sub string) string {
		tok, err := auth.CreateAccessToken(context.Background(), sub)
		require.NoError(tb, err)
		return tok
	})
}

func (f *fixture) newNoFooter(tb testing.TB) *setup {
	return f.newKIDSetup(tb, func(_ *ginpaseto.Authorizer, sub string) string {
		t := handWrittenToken(sub)
		return t.V4Encrypt(f.localKey, nil)
	})
}

func (f *fixture) newAppFooter(tb testing.TB) *setup {
	footer := map[string]any{"tenant": "acme", "region": "eu-west-1", "gen": 7, "tags": []string{"a", "b"}}
	return f.newKIDSetup(tb, func(auth *ginpaseto.Authorizer, sub string) string {
		tok, err := auth.CreateAccessToken(context.Background(), sub, ginpaseto.Footer(footer))
		require.NoError(tb, err)
		return tok
	})
}

func BenchmarkFooterKID(b *testing.B)    { serve(b, newFixture(b).newKIDFooter(b)) }
func BenchmarkFooterNone(b *testing.B)   { serve(b, newFixture(b).newNoFooter(b)) }
func BenchmarkFooterKIDApp(b *testing.B) { serve(b, newFixture(b).newAppFooter(b)) }

// TestFooterSetupsAgree checks the three setups serve their tokens.
func TestFooterSetupsAgree(t *testing.T) {
	f := newFixture(t)
	for name, s := range map[string]*setup{"kid": f.newKIDFooter(t), "none": f.newNoFooter(t), "app": f.newAppFooter(t)} {
		for i := range 3 {
			req, err := http.NewRequest(http.MethodGet, route, nil)
			require.NoError(t, err)
			req.Header["Authorization"] = s.headers[i]
			rec := httptest.NewRecorder()
			s.engine.ServeHTTP(rec, req)
			require.Equal(t, http.StatusOK, rec.Code, "%s: %s", name, rec.Body)
		}
	}
}
