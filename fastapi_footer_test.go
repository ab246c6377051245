package ginpaseto_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/keyring"
)

// fastapi-paseto documents footers such as {"kid": "k4.lid.primary"}, and
// its tests make three round trips with {"kid": "k4.lid.example"} and
// {"kid": "k4.pid.example"}. Such a kid names none of ginpaseto's keys: it
// is the application's, and the key that accepts tokens without a kid
// verifies the token, the footer kept as the application sent it.

// footerRoutes serves what fastapi-paseto's footer tests ask of their app:
// the footer and payload of an access token, of a refresh token, and the
// footer over a WebSocket.
func footerRoutes(auth *ginpaseto.Authorizer) *gin.Engine {
	r := gin.New()
	showFooter := func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		var footer, payload map[string]any
		if claims.DecodeFooter(&footer) != nil || claims.Decode(&payload) != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"footer": footer, "payload": payload})
	}
	r.GET("/footer", auth.Required(), showFooter)
	r.GET("/refresh", auth.RefreshRequired(), whoami)
	r.GET("/refresh-footer", auth.RefreshRequired(), showFooter)
	r.GET("/ws/footer", auth.Required(), func(c *gin.Context) {
		conn, err := websocket.Accept(c.Writer, c.Request, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		claims, _ := ginpaseto.GetClaims(c)
		var footer map[string]any
		_ = claims.DecodeFooter(&footer)
		msg, _ := json.Marshal(gin.H{"footer": footer, "subject": claims.Subject})
		if conn.Write(c.Request.Context(), websocket.MessageText, msg) == nil {
			conn.Close(websocket.StatusNormalClosure, "")
		}
	})
	return r
}

// footerAndPayload decodes the footer and payload a footer route answers.
func footerAndPayload(t *testing.T, body string) (footer, payload map[string]any) {
	t.Helper()
	var got struct{ Footer, Payload map[string]any }
	require.NoError(t, json.Unmarshal([]byte(body), &got), body)
	return got.Footer, got.Payload
}

func TestFastAPIFooterRoundTrips(t *testing.T) {
	private, public := ed25519PEM(t)
	// As fastapi-paseto's tests configure it: a secret key and a key pair.
	auth := newAuth(t, ginpaseto.WithPrivateKey(private), ginpaseto.WithPublicKey(public))
	srv := serve(t, footerRoutes(auth))
	ctx := context.Background()
	kid := func(id string) ginpaseto.TokenOption { return ginpaseto.Footer(map[string]any{"kid": id}) }

	t.Run("local", func(t *testing.T) {
		tok, err := auth.CreateAccessToken(ctx, "footer-user", kid("k4.lid.example"))
		require.NoError(t, err)
		got := do(t, srv, request{path: "/footer", token: tok})
		require.Equal(t, http.StatusOK, got.status, got.body)
		footer, payload := footerAndPayload(t, got.body)
		assert.Equal(t, map[string]any{"kid": "k4.lid.example"}, footer)
		assert.Equal(t, "footer-user", payload["sub"])
		assert.Equal(t, "access", payload["type"])
		assert.Equal(t, false, payload["fresh"])
		for _, claim := range []string{"jti", "iat", "nbf", "exp"} {
			assert.Contains(t, payload, claim)
		}
	})

	t.Run("public refresh", func(t *testing.T) {
		tok, err := auth.CreateRefreshToken(ctx, "refresh-user", ginpaseto.AsPurpose(ginpaseto.Public), kid("k4.pid.example"))
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(tok, "v4.public."))
		expect(t, do(t, srv, request{path: "/refresh", token: tok}), http.StatusOK, user("refresh-user"))
		got := do(t, srv, request{path: "/refresh-footer", token: tok})
		require.Equal(t, http.StatusOK, got.status, got.body)
		footer, payload := footerAndPayload(t, got.body)
		assert.Equal(t, map[string]any{"kid": "k4.pid.example"}, footer)
		assert.Equal(t, "refresh-user", payload["sub"])
		assert.Equal(t, "refresh", payload["type"])
	})

	t.Run("WebSocket", func(t *testing.T) {
		tok, err := auth.CreateAccessToken(ctx, "footer-user", kid("k4.lid.example"))
		require.NoError(t, err)
		wsCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		conn, _, err := websocket.Dial(wsCtx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws/footer",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tok}}})
		require.NoError(t, err)
		defer conn.CloseNow()
		_, msg, err := conn.Read(wsCtx)
		require.NoError(t, err)
		assert.JSONEq(t, `{"footer":{"kid":"k4.lid.example"},"subject":"footer-user"}`, string(msg))
	})
}

// TestForeignKIDFooter: a kid that names none of the Authorizer's keys goes
// to the key that accepts tokens without a kid, in the single-key and the
// migration set-ups; a kid shaped as one of the keyring's own IDs must
// name one of its keys; without such a key, every kid must.
func TestForeignKIDFooter(t *testing.T) {
	const text = "q3v7Yb1Jk0mX9Zr2Tt8u4Wn6Pp5Ll1Hh0Gg2Ff3Ee4=" // a fastapi-paseto text key
	python := newAuthWith(t, ginpaseto.WithFastAPIPasetoKey(text))
	ctx := context.Background()
	primary := ginpaseto.Footer(map[string]any{"kid": "k4.lid.primary"})
	tok, err := python.CreateAccessToken(ctx, "alice", primary)
	require.NoError(t, err, "the single-key set-up creates the footer fastapi-paseto documents")
	_, footer, _ := strings.Cut(strings.TrimPrefix(tok, "v4.local."), ".")
	require.NotEmpty(t, footer)

	single := protected(t, python.Required())
	expect(t, do(t, single, request{token: tok}), 200, user("alice"))

	// As Python writes the footer, with a space after the colon.
	key := randomKey(t)
	pythonFooter := ginpaseto.SealV4LocalForTest(mustHex(t, key), claimsJSON(time.Now()), []byte(`{"kid": "k4.lid.primary"}`), nil)
	claims, err := newAuthWith(t, ginpaseto.WithSecretKey(key)).ParseToken(pythonFooter)
	require.NoError(t, err)
	assert.Equal(t, `{"kid": "k4.lid.primary"}`, claims.Footer)

	// The migration: a new key creates tokens, the text key verifies the
	// Python service's.
	migrating := newAuthWith(t, ginpaseto.WithKeys(keyring.SecretKey(randomKey(t)),
		keyring.FastAPIPasetoKey(text).Retired().AcceptWithoutKID()))
	migration := protected(t, migrating.Required())
	expect(t, do(t, migration, request{token: tok}), 200, user("alice"))
	claims, err = migrating.ParseToken(tok)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kid":"k4.lid.primary"}`, claims.Footer, "the footer stays the application's")

	// A kid shaped as a key ID of the keyring's kind names one of its keys
	// or nothing: the token is refused even though the text key would open it.
	unknownID := ginpaseto.Footer(map[string]any{"kid": "k4.lid." + strings.Repeat("A", 44)})
	_, err = python.CreateAccessToken(ctx, "alice", unknownID)
	assert.ErrorContains(t, err, "names no key of this Authorizer")

	// Without a key that accepts tokens without a kid, any kid must name a key.
	strict := newAuthWith(t, ginpaseto.WithKeys(keyring.FastAPIPasetoKey(text)))
	_, err = strict.ParseToken(tok)
	require.ErrorIs(t, err, ginpaseto.ErrTokenInvalid)
	assert.ErrorContains(t, logDetail(err), "not a PASERK key ID")
	_, err = strict.CreateAccessToken(ctx, "alice", primary)
	assert.ErrorContains(t, err, "rename the application's own claim")
}
