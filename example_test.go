package ginpaseto_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/legacy"
)

// The keys of the examples. Never use them outside examples: generate your
// own and keep them out of source code.
const (
	// exampleSecretKey is a v4.local key: 32 random bytes as hex, made with
	//	openssl rand -hex 32
	exampleSecretKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

	// exampleSigningKey is an Ed25519 private key for v4.public tokens,
	// given as its 32-byte seed in hex. With openssl, make a PEM key pair:
	//	openssl genpkey -algorithm ed25519 -out private.pem
	//	openssl pkey -in private.pem -pubout -out public.pem
	exampleSigningKey = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"

	// examplePublicKey is the public half of exampleSigningKey, in hex.
	examplePublicKey = "4fd099ccd47d7893dfe9ec24414ecb0d9b5420232aad30d91c465be33cbe65c4"
)

// Without test mode, gin prints its routes to standard output.
func init() { gin.SetMode(gin.TestMode) }

// bearerRequest returns a request for target carrying tok as
// "Authorization: Bearer <tok>", or no token when tok is "".
func bearerRequest(method, target, tok string) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return req
}

// printResponse serves req with h and prints the status and the body.
func printResponse(h http.Handler, req *http.Request) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Body.Len() == 0 {
		fmt.Println(w.Code)
		return
	}
	fmt.Println(w.Code, w.Body.String())
}

// The quick start: a login route that issues access tokens and a route that
// requires one.
func ExampleNew() {
	// In production: ginpaseto.WithSecretKey(os.Getenv("PASETO_SECRET_KEY")).
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}

	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		var u struct{ Username, Password string }
		if err := c.ShouldBindJSON(&u); err != nil || u.Username != "test" || u.Password != "test" {
			c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
			return
		}
		token, err := auth.CreateAccessToken(c, u.Username)
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": "Could not create token"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": token})
	})
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})

	printResponse(r, bearerRequest("GET", "/user", ""))

	login := httptest.NewRequest("POST", "/login", strings.NewReader(`{"username":"test","password":"test"}`))
	login.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, login)
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.Code, body.AccessToken[:len("v4.local.")])

	printResponse(r, bearerRequest("GET", "/user", body.AccessToken))
	// Output:
	// 401 {"detail":"PASETO Authorization Token required"}
	// 200 v4.local.
	// 200 {"user":"test"}
}

// With a key pair, tokens are signed rather than encrypted: the service
// holding the private key creates them, and any service holding the public
// key verifies them.
func ExampleNew_publicKey() {
	issuer, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := ginpaseto.New(ginpaseto.WithPublicKey(examplePublicKey))
	if err != nil {
		log.Fatal(err)
	}

	tok, err := issuer.CreateAccessToken(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok[:len("v4.public.")])

	claims, err := verifier.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Subject)

	_, err = verifier.CreateAccessToken(context.Background(), "mallory")
	fmt.Println(err)
	// Output:
	// v4.public.
	// alice
	// ginpaseto: cannot create v4.public tokens: this Authorizer was built with WithPublicKey alone and only verifies tokens; add WithPrivateKey to create v4.public tokens
}

// New refuses a configuration it cannot run safely, and says what to do
// instead.
func ExampleNew_weakKey() {
	_, err := ginpaseto.New(ginpaseto.WithSecretKey("secret"))
	fmt.Println(err)
	// Output:
	// ginpaseto: WithSecretKey: the key is not 32 bytes as hex, base64 or PASERK (a password is not a key); a v4.local key must be 32 random bytes given as 64 hex characters, base64, or a PASERK k4.local key; generate one with: openssl rand -hex 32
}

// Access and refresh tokens together: login issues both, a fresh access
// token allows sensitive operations, and the refresh token buys new,
// non-fresh access tokens.
func ExampleAuthorizer() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}

	r := gin.New()
	r.POST("/refresh", auth.RefreshRequired(), func(c *gin.Context) {
		access, err := auth.CreateAccessToken(c, ginpaseto.Subject(c))
		if err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.String(http.StatusOK, access)
	})
	r.POST("/password", auth.FreshRequired(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"changed": ginpaseto.Subject(c)})
	})

	// What a login handler does once the credentials are checked.
	ctx := context.Background()
	fresh, _ := auth.CreateAccessToken(ctx, "alice", ginpaseto.Fresh())
	refresh, _ := auth.CreateRefreshToken(ctx, "alice")

	printResponse(r, bearerRequest("POST", "/password", fresh))

	w := httptest.NewRecorder()
	r.ServeHTTP(w, bearerRequest("POST", "/refresh", refresh))
	renewed := w.Body.String()
	printResponse(r, bearerRequest("POST", "/password", renewed))
	printResponse(r, bearerRequest("POST", "/refresh", renewed))
	// Output:
	// 200 {"changed":"alice"}
	// 401 {"detail":"PASETO access token is not fresh"}
	// 401 {"detail":"Refresh token required but access provided"}
}

func ExampleAuthorizer_CreateAccessToken() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateAccessToken(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok[:len("v4.local.")])
	fmt.Println(claims.Subject, claims.Type, claims.Fresh)
	fmt.Println(claims.Expiration.Sub(claims.IssuedAt))
	// Output:
	// v4.local.
	// alice access false
	// 15m0s
}

func ExampleAuthorizer_CreateRefreshToken() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateRefreshToken(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Subject, claims.Type)
	fmt.Println(claims.Expiration.Sub(claims.IssuedAt))
	// Output:
	// alice refresh
	// 720h0m0s
}

// Custom token types serve one purpose each, such as confirming an email
// address, and are accepted only by TypeRequired with the same type.
func ExampleAuthorizer_CreateToken() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateToken(context.Background(), "alice@example.com", "email-confirmation",
		ginpaseto.ExpiresIn(24*time.Hour))
	if err != nil {
		log.Fatal(err)
	}

	r := gin.New()
	r.GET("/confirm", auth.TypeRequired("email-confirmation"), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"confirmed": ginpaseto.Subject(c)})
	})
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	printResponse(r, bearerRequest("GET", "/confirm", tok))
	printResponse(r, bearerRequest("GET", "/user", tok))
	// Output:
	// 200 {"confirmed":"alice@example.com"}
	// 401 {"detail":"Access token required but email-confirmation provided"}
}

func ExampleAuthorizer_Required() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})

	access, _ := auth.CreateAccessToken(context.Background(), "alice")
	refresh, _ := auth.CreateRefreshToken(context.Background(), "alice")

	printResponse(r, bearerRequest("GET", "/user", access))
	printResponse(r, bearerRequest("GET", "/user", ""))
	printResponse(r, bearerRequest("GET", "/user", "not-a-token"))
	printResponse(r, bearerRequest("GET", "/user", refresh))

	malformed := httptest.NewRequest("GET", "/user", nil)
	malformed.Header.Set("Authorization", "Basic YWxpY2U6c2VjcmV0")
	printResponse(r, malformed)
	// Output:
	// 200 {"user":"alice"}
	// 401 {"detail":"PASETO Authorization Token required"}
	// 401 {"detail":"Invalid PASETO token"}
	// 401 {"detail":"Access token required but refresh provided"}
	// 401 {"detail":"Bad Authorization header. Expected value 'Bearer <PASETO>'"}
}

// Optional serves anonymous and signed-in users on the same route, and
// still refuses tokens that are of the wrong type or revoked.
func ExampleAuthorizer_Optional() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/greeting", auth.Optional(), func(c *gin.Context) {
		user := ginpaseto.Subject(c)
		if user == "" {
			user = "guest"
		}
		c.JSON(http.StatusOK, gin.H{"hello": user})
	})

	access, _ := auth.CreateAccessToken(context.Background(), "alice")
	refresh, _ := auth.CreateRefreshToken(context.Background(), "alice")

	printResponse(r, bearerRequest("GET", "/greeting", access))
	printResponse(r, bearerRequest("GET", "/greeting", ""))
	printResponse(r, bearerRequest("GET", "/greeting", "not-a-token"))
	printResponse(r, bearerRequest("GET", "/greeting", refresh))
	// Output:
	// 200 {"hello":"alice"}
	// 200 {"hello":"guest"}
	// 200 {"hello":"guest"}
	// 401 {"detail":"Access token required but refresh provided"}
}

// FreshRequired guards operations that need a recent login, not merely a
// refreshed session.
func ExampleAuthorizer_FreshRequired() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/password", auth.FreshRequired(), func(c *gin.Context) {
		c.Status(http.StatusNoContent)
	})

	fromLogin, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Fresh())
	fromRefresh, _ := auth.CreateAccessToken(context.Background(), "alice")

	printResponse(r, bearerRequest("POST", "/password", fromLogin))
	printResponse(r, bearerRequest("POST", "/password", fromRefresh))
	// Output:
	// 204
	// 401 {"detail":"PASETO access token is not fresh"}
}

// RefreshRequired protects the route that trades a refresh token for a new
// access token.
func ExampleAuthorizer_RefreshRequired() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/refresh", auth.RefreshRequired(), func(c *gin.Context) {
		access, err := auth.CreateAccessToken(c, ginpaseto.Subject(c))
		if err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": access[:len("v4.local.")] + "…"})
	})

	refresh, _ := auth.CreateRefreshToken(context.Background(), "alice")
	access, _ := auth.CreateAccessToken(context.Background(), "alice")

	printResponse(r, bearerRequest("POST", "/refresh", refresh))
	printResponse(r, bearerRequest("POST", "/refresh", access))
	// Output:
	// 200 {"access_token":"v4.local.…"}
	// 401 {"detail":"Refresh token required but access provided"}
}

func ExampleAuthorizer_TypeRequired() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/password-reset", auth.TypeRequired("password-reset"), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"reset": ginpaseto.Subject(c)})
	})

	reset, _ := auth.CreateToken(context.Background(), "alice", "password-reset", ginpaseto.ExpiresIn(time.Hour))
	access, _ := auth.CreateAccessToken(context.Background(), "alice")

	printResponse(r, bearerRequest("POST", "/password-reset", reset))
	printResponse(r, bearerRequest("POST", "/password-reset", access))
	// Output:
	// 200 {"reset":"alice"}
	// 401 {"detail":"password-reset token required but access provided"}
}

// ParseToken checks tokens that do not arrive in a request header, such as
// one sent in the first message of a WebSocket.
func ExampleAuthorizer_ParseToken() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	claims, err := auth.ParseToken(tok)
	fmt.Println(claims.Subject, claims.Type, err)

	_, err = auth.ParseToken(tok + "x")
	fmt.Println(err, errors.Is(err, ginpaseto.ErrTokenInvalid))
	// Output:
	// alice access <nil>
	// Invalid PASETO token true
}

// A token that arrives outside the request headers, such as in the first
// message on a WebSocket, goes through the same checks as the middleware's:
// verification, claims, the denylist and the type.
func ExampleAuthorizer_CheckToken() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	access, _ := auth.CreateAccessToken(ctx, "alice")
	refresh, _ := auth.CreateRefreshToken(ctx, "alice")

	claims, err := auth.CheckToken(ctx, access, ginpaseto.TypeAccess)
	fmt.Println(claims.Subject, err)

	_, err = auth.CheckToken(ctx, refresh, ginpaseto.TypeAccess)
	fmt.Println(err, errors.Is(err, ginpaseto.ErrWrongTokenType))
	// Output:
	// alice <nil>
	// Access token required but refresh provided true
}

// Logging out revokes the token the request came with: it is refused from
// then on, until it would have expired anyway.
func ExampleAuthorizer_Revoke() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/logout", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		if err := auth.Revoke(c, claims); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.Status(http.StatusNoContent)
	})

	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	printResponse(r, bearerRequest("POST", "/logout", tok))
	printResponse(r, bearerRequest("POST", "/logout", tok))
	// Output:
	// 204
	// 401 {"detail":"Token has been revoked"}
}

func ExampleSubject() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.String(http.StatusOK, "signed in as %s", ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	printResponse(r, bearerRequest("GET", "/user", tok))
	// Output:
	// 200 signed in as alice
}

func ExampleGetClaims() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/me", auth.Optional(), func(c *gin.Context) {
		claims, ok := ginpaseto.GetClaims(c)
		if !ok {
			c.String(http.StatusOK, "anonymous")
			return
		}
		var role string
		if err := claims.Get("role", &role); err != nil {
			role = "member"
		}
		c.String(http.StatusOK, "%s is %s", claims.Subject, role)
	})

	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.ExtraClaims(map[string]any{"role": "admin"}))
	printResponse(r, bearerRequest("GET", "/me", tok))
	printResponse(r, bearerRequest("GET", "/me", ""))
	// Output:
	// 200 alice is admin
	// 200 anonymous
}

// The jti claim identifies one token, for instance in audit logs or to
// revoke it later.
func ExampleGetClaims_jti() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		jti := claims.JTI
		c.String(http.StatusOK, "a %d-character UUID", len(jti))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	printResponse(r, bearerRequest("GET", "/user", tok))
	// Output:
	// 200 a 36-character UUID
}

// The footer travels in the clear, authenticated with the token: it suits
// routing data such as the ID of the key that made the token.
func ExampleGetClaims_footer() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		c.String(http.StatusOK, claims.Footer) // as sent; DecodeFooter decodes JSON
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.Footer(map[string]string{"kid": "2026-03"}))
	printResponse(r, bearerRequest("GET", "/user", tok))
	// Output:
	// 200 {"kid":"2026-03"}
}

func ExampleClaims() {
	clock := newClock()
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithIssuer("https://auth.example.com"),
		ginpaseto.WithClock(clock.Now),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.Fresh(), ginpaseto.Audience("https://api.example.com"))

	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Subject:   ", claims.Subject)
	fmt.Println("Type:      ", claims.Type)
	fmt.Println("Fresh:     ", claims.Fresh)
	fmt.Println("Issuer:    ", claims.Issuer)
	fmt.Println("Audience:  ", claims.Audience)
	fmt.Println("IssuedAt:  ", claims.IssuedAt)
	fmt.Println("NotBefore: ", claims.NotBefore)
	fmt.Println("Expiration:", claims.Expiration)
	fmt.Println("JTI:       ", len(claims.JTI), "characters")
	// Output:
	// Subject:    alice
	// Type:       access
	// Fresh:      true
	// Issuer:     https://auth.example.com
	// Audience:   [https://api.example.com]
	// IssuedAt:   2026-03-01 12:00:00 +0000 UTC
	// NotBefore:  2026-03-01 12:00:00 +0000 UTC
	// Expiration: 2026-03-01 12:15:00 +0000 UTC
	// JTI:        36 characters
}

func ExampleClaims_Get() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.ExtraClaims(map[string]any{"roles": []string{"admin", "billing"}}))
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}

	var roles []string
	fmt.Println(claims.Get("roles", &roles), roles)

	var tenant string
	err = claims.Get("tenant", &tenant)
	fmt.Println(errors.Is(err, ginpaseto.ErrClaimNotPresent))
	// Output:
	// <nil> [admin billing]
	// true
}

func ExampleClaims_Decode() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.ExtraClaims(map[string]any{"tenant": "acme", "plan": "pro"}))
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}

	var session struct {
		User   string `json:"sub"`
		Tenant string `json:"tenant"`
		Plan   string `json:"plan"`
	}
	if err := claims.Decode(&session); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", session)
	// Output:
	// {User:alice Tenant:acme Plan:pro}
}

func ExampleClaims_DecodeFooter() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.Footer(map[string]string{"kid": "2026-03"}))
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}

	var footer struct {
		KeyID string `json:"kid"`
	}
	if err := claims.DecodeFooter(&footer); err != nil {
		log.Fatal(err)
	}
	fmt.Println(footer.KeyID)
	// Output:
	// 2026-03
}

func ExampleClaims_HasAudience() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.Audience("billing", "reports"))
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.HasAudience("reports"), claims.HasAudience("admin"))
	// Output:
	// true false
}

// Every failed check is an *Error: its status and message are what the
// client sees, and errors.Is tells the cause.
func ExampleError() {
	clock := newClock()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithClock(clock.Now))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	clock.Advance(time.Hour)

	_, err = auth.ParseToken(tok)
	var e *ginpaseto.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status, e.Message)
	}
	fmt.Println(errors.Is(err, ginpaseto.ErrTokenExpired), errors.Is(err, ginpaseto.ErrTokenInvalid))
	// Output:
	// 401 Token has expired
	// true false
}

func ExampleError_Error() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	_, err = auth.ParseToken("")
	fmt.Println(err.Error())
	// Output:
	// PASETO Authorization Token required
}

// Unwrap is what errors.Is and errors.As follow; the cause is the sentinel
// error to branch on, where Message is only meant for the client.
func ExampleError_Unwrap() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	_, err = auth.ParseToken("v2.local.AAAA")
	fmt.Println("client:", err)
	fmt.Println("log:   ", errors.Unwrap(err))
	// Output:
	// client: PASETO token version or purpose not accepted
	// log:    ginpaseto: token invalid
}

// A custom error handler can log the cause and still answer as the
// default handler does.
func ExampleDefaultErrorHandler() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
			fmt.Println("log:", c.Request.URL.Path, err.Err)
			ginpaseto.DefaultErrorHandler(c, err)
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {})

	w := httptest.NewRecorder()
	r.ServeHTTP(w, bearerRequest("GET", "/user", "v4.local.garbage"))
	fmt.Println(w.Code, w.Body.String())
	fmt.Println("WWW-Authenticate:", w.Header().Get("WWW-Authenticate"))
	// Output:
	// log: /user ginpaseto: token invalid
	// 401 {"detail":"Invalid PASETO token"}
	// WWW-Authenticate: Bearer error="invalid_token"
}

// unreachableDenylist stands for a revocation store that is down.
type unreachableDenylist struct{}

func (unreachableDenylist) IsRevoked(context.Context, *ginpaseto.Claims) (bool, error) {
	return false, errors.New("dial tcp 10.0.0.7:6379: connection refused")
}

// A Denylist that cannot answer fails closed: the request is refused with
// 503 rather than let through with a token that may have been revoked.
func ExampleDenylist() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithDenylist(unreachableDenylist{}),
		ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
			if errors.Is(err, ginpaseto.ErrRevocationUnavailable) {
				fmt.Println("log:", err.Err)
			}
			ginpaseto.DefaultErrorHandler(c, err)
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {})

	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	printResponse(r, bearerRequest("GET", "/user", tok))
	// Output:
	// log: ginpaseto: revocation status unavailable
	// dial tcp 10.0.0.7:6379: connection refused
	// 503 {"detail":"Token revocation status unavailable"}
}

// Token options are collected like any value, here to give administrators
// shorter-lived tokens with their role in them.
func ExampleTokenOption() {
	clock := newClock()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithClock(clock.Now))
	if err != nil {
		log.Fatal(err)
	}
	for _, user := range []struct {
		name  string
		admin bool
	}{{"alice", true}, {"bob", false}} {
		opts := []ginpaseto.TokenOption{ginpaseto.Fresh()}
		if user.admin {
			opts = append(opts,
				ginpaseto.ExpiresIn(5*time.Minute),
				ginpaseto.ExtraClaims(map[string]any{"role": "admin"}))
		}
		tok, _ := auth.CreateAccessToken(context.Background(), user.name, opts...)
		claims, _ := auth.ParseToken(tok)
		var role string
		_ = claims.Get("role", &role)
		fmt.Printf("%s %q %v\n", claims.Subject, role, claims.Expiration.Sub(claims.IssuedAt))
	}
	// Output:
	// alice "admin" 5m0s
	// bob "" 15m0s
}

func ExampleFresh() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Fresh())
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Fresh)

	// Freshness proves a login with credentials, so only access tokens have it.
	_, err = auth.CreateRefreshToken(context.Background(), "alice", ginpaseto.Fresh())
	fmt.Println(err)
	// Output:
	// true
	// ginpaseto: Fresh applies to access tokens only
}

func ExampleExpiresIn() {
	clock := newClock()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithClock(clock.Now))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.ExpiresIn(2*time.Minute))
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Expiration)

	clock.Advance(3 * time.Minute)
	_, err = auth.ParseToken(tok)
	fmt.Println(err)
	// Output:
	// 2026-03-01 12:02:00 +0000 UTC
	// Token has expired
}

// ExpiresAt suits tokens that must end at a given moment, such as the end
// of a subscription or of a working day.
func ExampleExpiresAt() {
	clock := newClock()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithClock(clock.Now))
	if err != nil {
		log.Fatal(err)
	}
	endOfDay := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	tok, _ := auth.CreateToken(context.Background(), "kiosk-7", "shift", ginpaseto.ExpiresAt(endOfDay))
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Expiration)
	// Output:
	// 2026-03-01 18:00:00 +0000 UTC
}

// A token without expiry stays valid until it is revoked: keep such tokens
// to a custom type whose revocation checks consult the denylist.
func ExampleNoExpiry() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithRevocableTypes(ginpaseto.TypeAccess, ginpaseto.TypeRefresh, "api-key"),
	)
	if err != nil {
		log.Fatal(err)
	}
	key, _ := auth.CreateToken(context.Background(), "ci-bot", "api-key", ginpaseto.NoExpiry())
	claims, _ := auth.ParseToken(key)
	fmt.Println(claims.Expiration.IsZero())

	r := gin.New()
	r.POST("/deploy", auth.TypeRequired("api-key"), func(c *gin.Context) { c.Status(http.StatusAccepted) })
	printResponse(r, bearerRequest("POST", "/deploy", key))

	if err := auth.Revoke(context.Background(), claims); err != nil {
		log.Fatal(err)
	}
	printResponse(r, bearerRequest("POST", "/deploy", key))
	// Output:
	// true
	// 202
	// 401 {"detail":"Token has been revoked"}
}

func ExampleAudience() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	one, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Audience("billing"))
	two, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Audience("billing", "reports"))
	for _, tok := range []string{one, two} {
		claims, _ := auth.ParseToken(tok)
		fmt.Println(claims.Audience)
	}
	// Output:
	// [billing]
	// [billing reports]
}

// WithIssuer stamps access tokens only; Issuer sets iss on any token.
func ExampleIssuer() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateRefreshToken(context.Background(), "alice", ginpaseto.Issuer("https://auth.example.com"))
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Issuer)
	// Output:
	// https://auth.example.com
}

func ExampleExtraClaims() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.ExtraClaims(map[string]any{"tenant": "acme", "seats": 12}))
	claims, _ := auth.ParseToken(tok)
	var seats int
	fmt.Println(claims.Get("seats", &seats), seats)

	// The registered claims belong to ginpaseto.
	_, err = auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.ExtraClaims(map[string]any{"sub": "root"}))
	fmt.Println(err)
	// Output:
	// <nil> 12
	// ginpaseto: claim "sub" is reserved; reserved claims are sub, type, fresh, jti, iat, nbf, exp, iss, aud, scope, sid, csrf, in any letter case
}

// A footer is readable by anyone holding the token, but cannot be changed:
// a string or a JSON object, never a secret.
func ExampleFooter() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Footer("key-2026-03"))
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Footer)
	// Output:
	// key-2026-03
}

// An Authorizer with both keys creates local tokens for its own use and,
// with AsPurpose, public tokens for a service that holds only the public
// key.
func ExampleAsPurpose() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithPrivateKey(exampleSigningKey),
	)
	if err != nil {
		log.Fatal(err)
	}
	partner, err := ginpaseto.New(ginpaseto.WithPublicKey(examplePublicKey))
	if err != nil {
		log.Fatal(err)
	}

	own, _ := auth.CreateAccessToken(context.Background(), "alice")
	shared, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.AsPurpose(ginpaseto.Public))
	fmt.Println(own[:len("v4.local.")], shared[:len("v4.public.")])

	_, err = partner.ParseToken(own)
	fmt.Println(err)
	claims, err := partner.ParseToken(shared)
	fmt.Println(claims.Subject, err)
	// Output:
	// v4.local. v4.public.
	// PASETO token version or purpose not accepted
	// alice <nil>
}

// An Authorizer accepts tokens of every purpose it has a key for, and
// creates tokens of one purpose.
func ExamplePurpose() {
	for _, p := range []ginpaseto.Purpose{ginpaseto.Local, ginpaseto.Public} {
		auth, err := ginpaseto.New(
			ginpaseto.WithSecretKey(exampleSecretKey),
			ginpaseto.WithPrivateKey(exampleSigningKey),
			ginpaseto.WithPurpose(p),
		)
		if err != nil {
			log.Fatal(err)
		}
		tok, _ := auth.CreateAccessToken(context.Background(), "alice")
		fmt.Println(p, strings.HasPrefix(tok, "v4."+string(p)+"."))
	}
	// Output:
	// local true
	// public true
}

// V4 is the default; an Authorizer accepts only the version it was built
// for.
func ExampleVersion() {
	v3, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithVersion(legacy.V3))
	if err != nil {
		log.Fatal(err)
	}
	v4, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := v4.CreateAccessToken(context.Background(), "alice")
	_, err = v3.ParseToken(tok)
	fmt.Println(err)
	// Output:
	// PASETO token version or purpose not accepted
}

func ExampleVersion_String() {
	fmt.Println(ginpaseto.V4, legacy.V3, legacy.V2)
	// Output:
	// v4 v3 v2
}
