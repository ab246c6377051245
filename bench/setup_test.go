package bench

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"

	"aidanwoods.dev/go-paseto"
	jwt "github.com/appleboy/gin-jwt/v2"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// poolSize is the number of distinct tokens each protected benchmark
// cycles through, so that no cache keyed by token can help.
const poolSize = 1024

// route is the one protected route every setup serves.
const route = "/me"

func init() { gin.SetMode(gin.ReleaseMode) }

// reply is the tiny JSON body every route answers with.
type reply struct {
	Sub string `json:"sub"`
}

// setup is one way of serving route: an engine, and the Authorization
// header values that it accepts.
type setup struct {
	engine  *gin.Engine
	headers [][]string // "Bearer <token>", one per distinct token
	subs    []string   // the subject of each token
}

// fixture holds the keys shared by every setup of one run.
type fixture struct {
	secret     []byte
	localKey   paseto.V4SymmetricKey
	privateKey ed25519.PrivateKey
	secretKey  paseto.V4AsymmetricSecretKey
	jwtKey     []byte
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	secret := make([]byte, 32)
	_, err := rand.Read(secret)
	require.NoError(tb, err)
	localKey, err := paseto.V4SymmetricKeyFromBytes(secret)
	require.NoError(tb, err)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(tb, err)
	secretKey, err := paseto.NewV4AsymmetricSecretKeyFromEd25519(priv)
	require.NoError(tb, err)
	jwtKey := make([]byte, 32)
	_, err = rand.Read(jwtKey)
	require.NoError(tb, err)
	return &fixture{secret: secret, localKey: localKey, privateKey: priv, secretKey: secretKey, jwtKey: jwtKey}
}

func subject(i int) string { return fmt.Sprintf("user-%d", i) }

// randomID returns a random UUID version 4, as a jti.
func randomID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// newSetup registers handler behind middleware (none when nil) and
// creates poolSize tokens with create.
func newSetup(tb testing.TB, middleware gin.HandlerFunc, handler gin.HandlerFunc, create func(sub string) string) *setup {
	tb.Helper()
	r := gin.New()
	if middleware != nil {
		r.GET(route, middleware, handler)
	} else {
		r.GET(route, handler)
	}
	s := &setup{engine: r}
	if create == nil {
		return s
	}
	for i := range poolSize {
		sub := subject(i)
		s.headers = append(s.headers, []string{"Bearer " + create(sub)})
		s.subs = append(s.subs, sub)
	}
	return s
}

func newBareGin(tb testing.TB) *setup {
	return newSetup(tb, nil, func(c *gin.Context) {
		c.JSON(http.StatusOK, reply{Sub: "anonymous"})
	}, nil)
}

func newGinpaseto(tb testing.TB, opts ...ginpaseto.Option) *setup {
	tb.Helper()
	auth, err := ginpaseto.New(opts...)
	require.NoError(tb, err)
	return newSetup(tb, auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, reply{Sub: ginpaseto.Subject(c)})
	}, func(sub string) string {
		tok, err := auth.CreateAccessToken(context.Background(), sub)
		require.NoError(tb, err)
		return tok
	})
}

func (f *fixture) ginpasetoLocalOptions() []ginpaseto.Option {
	return []ginpaseto.Option{ginpaseto.WithSecretKey(hex.EncodeToString(f.secret))}
}

func (f *fixture) ginpasetoPublicOptions() []ginpaseto.Option {
	return []ginpaseto.Option{
		ginpaseto.WithPrivateKey(hex.EncodeToString(f.privateKey)),
		ginpaseto.WithPurpose(ginpaseto.Public),
	}
}

func (f *fixture) newGinpasetoLocal(tb testing.TB) *setup {
	return newGinpaseto(tb, f.ginpasetoLocalOptions()...)
}

func (f *fixture) newGinpasetoPublic(tb testing.TB) *setup {
	return newGinpaseto(tb, f.ginpasetoPublicOptions()...)
}

func handWrittenHandler(c *gin.Context) {
	c.JSON(http.StatusOK, reply{Sub: c.GetString(handWrittenSubjectKey)})
}

func (f *fixture) newHandWrittenLocal(tb testing.TB) *setup {
	h := newHandWrittenLocal(f.localKey)
	h.revoke(randomID()) // a denylist with something in it, as in production
	return newSetup(tb, h.middleware(), handWrittenHandler, func(sub string) string {
		t := handWrittenToken(sub)
		return t.V4Encrypt(f.localKey, nil)
	})
}

func (f *fixture) newHandWrittenPublic(tb testing.TB) *setup {
	h := newHandWrittenPublic(f.secretKey.Public())
	h.revoke(randomID())
	return newSetup(tb, h.middleware(), handWrittenHandler, func(sub string) string {
		t := handWrittenToken(sub)
		return t.V4Sign(f.secretKey, nil)
	})
}

// ginJWTIdentityKey is the claim that carries the identity in gin-jwt
// tokens, and the context key its middleware sets.
const ginJWTIdentityKey = "id"

func (f *fixture) ginJWTMiddleware(tb testing.TB) *jwt.GinJWTMiddleware {
	tb.Helper()
	mw, err := jwt.New(&jwt.GinJWTMiddleware{
		Realm:            "bench",
		Key:              f.jwtKey,
		SigningAlgorithm: "HS256",
		IdentityKey:      ginJWTIdentityKey,
		PayloadFunc: func(data any) jwt.MapClaims {
			return jwt.MapClaims{ginJWTIdentityKey: data}
		},
	})
	require.NoError(tb, err)
	return mw
}

func (f *fixture) newGinJWT(tb testing.TB) *setup {
	mw := f.ginJWTMiddleware(tb)
	return newSetup(tb, mw.MiddlewareFunc(), func(c *gin.Context) {
		id, _ := c.Get(ginJWTIdentityKey)
		sub, _ := id.(string)
		c.JSON(http.StatusOK, reply{Sub: sub})
	}, func(sub string) string {
		tok, _, err := mw.TokenGenerator(sub)
		require.NoError(tb, err)
		return tok
	})
}
