package ginpaseto_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/legacy"
)

// Options are values: a program can assemble them from its configuration
// before calling New.
func ExampleOption() {
	issuer := "https://auth.example.com" // from the program's configuration
	opts := []ginpaseto.Option{ginpaseto.WithSecretKey(exampleSecretKey)}
	if issuer != "" {
		opts = append(opts, ginpaseto.WithIssuer(issuer), ginpaseto.WithExpectedIssuer(issuer))
	}
	auth, err := ginpaseto.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	claims, err := auth.ParseToken(tok)
	fmt.Println(claims.Issuer, err)
	// Output:
	// https://auth.example.com <nil>
}

func ExampleWithSecretKey() {
	// Generate a key once with
	//	openssl rand -hex 32
	// and pass it from the environment or a secret store, such as
	// ginpaseto.WithSecretKey(os.Getenv("PASETO_SECRET_KEY")).
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	fmt.Println(tok[:len("v4.local.")])
	// Output:
	// v4.local.
}

// A private key alone creates v4.public tokens and verifies them too.
func ExampleWithPrivateKey() {
	// The key may also be PKCS#8 PEM, as made by
	//	openssl genpkey -algorithm ed25519 -out private.pem
	auth, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	claims, err := auth.ParseToken(tok)
	fmt.Println(tok[:len("v4.public.")], claims.Subject, err)
	// Output:
	// v4.public. alice <nil>
}

// A service that only checks tokens needs only the public key: leaking it
// lets nobody create tokens.
func ExampleWithPublicKey() {
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	// The key may also be PKIX PEM, as made by
	//	openssl pkey -in private.pem -pubout -out public.pem
	api, err := ginpaseto.New(ginpaseto.WithPublicKey(examplePublicKey))
	if err != nil {
		log.Fatal(err)
	}

	r := gin.New()
	r.GET("/user", api.Required(), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	tok, _ := signer.CreateAccessToken(context.Background(), "alice")
	printResponse(r, bearerRequest("GET", "/user", tok))
	// Output:
	// 200 alice
}

// During a move from local to public tokens, an Authorizer holds both keys:
// it accepts the local tokens already handed out and creates public ones.
func ExampleWithPurpose() {
	old, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithPrivateKey(exampleSigningKey),
		ginpaseto.WithPurpose(ginpaseto.Public),
	)
	if err != nil {
		log.Fatal(err)
	}

	issued, _ := old.CreateAccessToken(context.Background(), "alice")
	_, err = auth.ParseToken(issued)
	fmt.Println(err)
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	fmt.Println(tok[:len("v4.public.")])
	// Output:
	// <nil>
	// v4.public.
}

// legacy.V3 and legacy.V2 exist to exchange tokens with systems that use
// them; prefer the default, V4, otherwise.
func ExampleWithVersion() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithVersion(legacy.V3),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	claims, err := auth.ParseToken(tok)
	fmt.Println(tok[:len("v3.local.")], claims.Subject, err)
	// Output:
	// v3.local. alice <nil>
}

// A custom error handler can answer in the application's own error format,
// telling the causes apart with errors.Is.
func ExampleWithErrorHandler() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
			code := "unauthorized"
			switch {
			case errors.Is(err, ginpaseto.ErrTokenExpired):
				code = "session_expired"
			case errors.Is(err, ginpaseto.ErrTokenMissing):
				code = "login_required"
			}
			c.AbortWithStatusJSON(err.Status, gin.H{"error": code, "message": err.Message})
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {})

	expired, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.ExpiresAt(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)))
	printResponse(r, bearerRequest("GET", "/user", ""))
	printResponse(r, bearerRequest("GET", "/user", expired))
	// Output:
	// 401 {"error":"login_required","message":"PASETO Authorization Token required"}
	// 401 {"error":"session_expired","message":"Token has expired"}
}

func ExampleWithLifetime() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithLifetime(ginpaseto.TypeAccess, 5*time.Minute),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Expiration.Sub(claims.IssuedAt))
	// Output:
	// 5m0s
}

// A refresh token of a week: a session ends after a week without use.
func ExampleWithLifetime_refresh() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithLifetime(ginpaseto.TypeRefresh, 7*24*time.Hour),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateRefreshToken(context.Background(), "alice")
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Expiration.Sub(claims.IssuedAt))
	// Output:
	// 168h0m0s
}

// A custom type gets a lifetime of its own; the others keep theirs.
func ExampleWithLifetime_custom() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithLifetime("password-reset", time.Hour),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateToken(context.Background(), "alice", "password-reset")
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Type, claims.Expiration.Sub(claims.IssuedAt))
	// Output:
	// password-reset 1h0m0s
}

// With a leeway, a server whose clock runs a little ahead of the one that
// created the token still accepts it.
func ExampleWithLeeway() {
	clock := newClock()
	strict, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithClock(clock.Now))
	if err != nil {
		log.Fatal(err)
	}
	lenient, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithClock(clock.Now),
		ginpaseto.WithLeeway(30*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}

	tok, _ := strict.CreateAccessToken(context.Background(), "alice")
	clock.Advance(15*time.Minute + 10*time.Second) // 10 seconds past exp

	_, err = strict.ParseToken(tok)
	fmt.Println(err)
	_, err = lenient.ParseToken(tok)
	fmt.Println(err)
	// Output:
	// Token has expired
	// <nil>
}

func ExampleWithIssuer() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithIssuer("https://auth.example.com"),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Issuer)
	// Output:
	// https://auth.example.com
}

// Services that share a key can still refuse each other's tokens by
// checking the issuer.
func ExampleWithExpectedIssuer() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithIssuer("https://auth.example.com"),
		ginpaseto.WithExpectedIssuer("https://auth.example.com"),
	)
	if err != nil {
		log.Fatal(err)
	}
	ours, _ := auth.CreateAccessToken(context.Background(), "alice")
	theirs, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Issuer("https://staging.example.com"))

	_, err = auth.ParseToken(ours)
	fmt.Println(err)
	_, err = auth.ParseToken(theirs)
	fmt.Println(err)
	// Output:
	// <nil>
	// Token issuer is not accepted
}

func ExampleWithExpectedAudience() {
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(exampleSigningKey))
	if err != nil {
		log.Fatal(err)
	}
	billing, err := ginpaseto.New(
		ginpaseto.WithPublicKey(examplePublicKey),
		ginpaseto.WithExpectedAudience("billing"),
	)
	if err != nil {
		log.Fatal(err)
	}

	forBilling, _ := signer.CreateAccessToken(context.Background(), "alice", ginpaseto.Audience("billing", "reports"))
	forReports, _ := signer.CreateAccessToken(context.Background(), "alice", ginpaseto.Audience("reports"))

	_, err = billing.ParseToken(forBilling)
	fmt.Println(err)
	_, err = billing.ParseToken(forReports)
	fmt.Println(err)
	// Output:
	// <nil>
	// Token audience is not accepted
}

// Oversized tokens are refused before any decoding, which bounds the work a
// client can cause. The Authorizer will not create one either.
func ExampleWithMaxTokenSize() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithMaxTokenSize(1024),
	)
	if err != nil {
		log.Fatal(err)
	}
	bio := ginpaseto.ExtraClaims(map[string]any{"bio": strings.Repeat("x", 1024)})
	small, _ := auth.CreateAccessToken(context.Background(), "alice")
	_, err = auth.CreateAccessToken(context.Background(), "alice", bio)
	fmt.Println(err)

	// Another service with the same key and the default limit made this one.
	other, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	large, _ := other.CreateAccessToken(context.Background(), "alice", bio)

	_, err = auth.ParseToken(small)
	fmt.Println(err)
	_, err = auth.ParseToken(large)
	fmt.Println(err)
	// Output:
	// ginpaseto: the token would be 1791 bytes, over the 1024 that checks accept; put less in its claims or footer, or raise WithMaxTokenSize
	// <nil>
	// PASETO token is too large
}

// Accept tokens from the header or from a JSON body, in that order.
func ExampleWithTokenLocations() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InJSON),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/comments", auth.Required(), func(c *gin.Context) {
		c.String(http.StatusCreated, "comment by %s", ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	printResponse(r, bearerRequest("POST", "/comments", tok))

	req := httptest.NewRequest("POST", "/comments", strings.NewReader(`{"access_token":"`+tok+`","text":"hi"}`))
	req.Header.Set("Content-Type", "application/json")
	printResponse(r, req)
	// Output:
	// 201 comment by alice
	// 201 comment by alice
}

// Some clients send a bare token in a header of their own: given to New,
// the location applies to every check.
func ExampleInHeader() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Auth-Token").Prefix("")),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	req := httptest.NewRequest("GET", "/user", nil)
	req.Header.Set("X-Auth-Token", tok)
	printResponse(r, req)

	req = httptest.NewRequest("GET", "/user", nil)
	req.Header.Set("X-Auth-Token", "Bearer "+tok)
	printResponse(r, req)
	// Output:
	// 200 alice
	// 401 {"detail":"Bad X-Auth-Token header. Expected value '<PASETO>'"}
}

// With InJSON, RefreshRequired reads the "refresh_token" key of the body
// and the other checks "access_token"; Named changes the key, for every
// check at New, or for one.
func ExampleInJSON_refresh() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InJSON.Named("token")),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/refresh", auth.RefreshRequired(ginpaseto.WithTokenLocations(ginpaseto.InJSON.Named("refresh"))), func(c *gin.Context) {
		c.String(http.StatusOK, "refreshed %s", ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateRefreshToken(context.Background(), "alice")

	req := httptest.NewRequest("POST", "/refresh", strings.NewReader(`{"refresh":"`+tok+`"}`))
	req.Header.Set("Content-Type", "application/json")
	printResponse(r, req)
	// Output:
	// 200 refreshed alice
}

// Clients that send the header's value in the JSON body need the prefix
// accepted there too.
func ExampleInJSON_prefix() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InJSON.Prefix("Bearer")),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/orders", auth.Required(), func(c *gin.Context) {
		c.String(http.StatusOK, "order for %s", ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	for _, value := range []string{"Bearer " + tok, tok} {
		req := httptest.NewRequest("POST", "/orders", strings.NewReader(`{"access_token":"`+value+`"}`))
		req.Header.Set("Content-Type", "application/json")
		printResponse(r, req)
	}
	// Output:
	// 200 order for alice
	// 401 {"detail":"Bad JSON token in 'access_token'. Expected a string 'Bearer <PASETO>'"}
}

// Query parameters carry tokens where headers cannot be set, such as
// links in emails. Only the Authorizers and routes that list InQuery read
// them.
func ExampleInQuery_authorizer() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InQuery.Named("access_token")),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/unsubscribe", auth.TypeRequired("unsubscribe"), func(c *gin.Context) {
		c.String(http.StatusOK, "%s unsubscribed", ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateToken(context.Background(), "alice@example.com", "unsubscribe")
	printResponse(r, httptest.NewRequest("GET", "/unsubscribe?access_token="+tok, nil))
	// Output:
	// 200 alice@example.com unsubscribed
}

// A client written for a "Bearer" scheme everywhere sends
// ?token=Bearer%20<token>: given to New, QueryPrefix applies to every
// check.
func ExampleQueryPrefix_authorizer() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InQuery),
		ginpaseto.QueryPrefix("Bearer"),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/export", auth.Required(), func(c *gin.Context) { c.String(http.StatusOK, ginpaseto.Subject(c)) })
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	printResponse(r, httptest.NewRequest("GET", "/export?token="+url.QueryEscape("Bearer "+tok), nil))
	printResponse(r, httptest.NewRequest("GET", "/export?token="+tok, nil))
	// Output:
	// 200 alice
	// 401 {"detail":"Bad query parameter 'token'. Expected value 'Bearer <PASETO>'"}
}

// A JSON body larger than the limit is not searched for a token; the
// handler still reads all of it.
func ExampleLocation_MaxBodySize_largeBody() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InJSON.MaxBodySize(1024)),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/notes", auth.Optional(), func(c *gin.Context) {
		var note struct{ Text string }
		if err := c.ShouldBindJSON(&note); err != nil {
			c.AbortWithStatus(http.StatusBadRequest)
			return
		}
		c.String(http.StatusOK, "%q wrote %d bytes", ginpaseto.Subject(c), len(note.Text))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	for _, text := range []string{"short", strings.Repeat("x", 2000)} {
		body := `{"access_token":"` + tok + `","text":"` + text + `"}`
		req := httptest.NewRequest("POST", "/notes", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		printResponse(r, req)
	}
	// Output:
	// 200 "alice" wrote 5 bytes
	// 200 "" wrote 2000 bytes
}

// disabledAccounts is a read-only check against the application's user
// table: a disabled account's tokens are refused at once.
type disabledAccounts map[string]bool

func (d disabledAccounts) IsRevoked(_ context.Context, claims *ginpaseto.Claims) (bool, error) {
	return d[claims.Subject], nil
}

func ExampleWithDenylist() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithDenylist(disabledAccounts{"mallory": true}),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) { c.String(http.StatusOK, ginpaseto.Subject(c)) })
	for _, name := range []string{"alice", "mallory"} {
		tok, _ := auth.CreateAccessToken(context.Background(), name)
		printResponse(r, bearerRequest("GET", "/user", tok))
	}
	// Output:
	// 200 alice
	// 401 {"detail":"Token has been revoked"}
}

// Single-use tokens of a custom type must be listed to be revocable; the
// defaults, access and refresh, are what sessions need.
func ExampleWithRevocableTypes() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithRevocableTypes(ginpaseto.TypeAccess, ginpaseto.TypeRefresh, "reset"),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/reset-password", auth.TypeRequired("reset"), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		// Revoking the token as it is used makes it single-use, even
		// against concurrent requests: only one revocation succeeds.
		if err := auth.Revoke(c, claims); err != nil {
			c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"detail": "Reset link already used"})
			return
		}
		c.String(http.StatusOK, "new password set for %s", ginpaseto.Subject(c))
	})

	reset, _ := auth.CreateToken(context.Background(), "alice", "reset", ginpaseto.ExpiresIn(time.Hour))
	printResponse(r, bearerRequest("POST", "/reset-password", reset))
	printResponse(r, bearerRequest("POST", "/reset-password", reset))

	// A type not listed cannot be revoked: the checks would never notice.
	invite, _ := auth.CreateToken(context.Background(), "bob", "invite")
	claims, _ := auth.ParseToken(invite)
	fmt.Println(auth.Revoke(context.Background(), claims))
	// Output:
	// 200 new password set for alice
	// 401 {"detail":"Token has been revoked"}
	// ginpaseto: Revoke: tokens of type "invite" are never looked up in the store, so revoking one would change nothing; list the type in WithRevocableTypes (now ["access" "refresh" "reset"])
}

// Given to New, Skip lets one middleware guard a whole router except the
// routes that must stay public.
func ExampleSkip_authorizer() {
	public := map[string]bool{"/login": true, "/healthz": true}
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.Skip(func(c *gin.Context) bool { return public[c.FullPath()] }),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(auth.Required())
	r.POST("/login", func(c *gin.Context) { c.String(http.StatusOK, "check credentials, issue tokens") })
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/user", func(c *gin.Context) { c.String(http.StatusOK, ginpaseto.Subject(c)) })

	printResponse(r, bearerRequest("POST", "/login", ""))
	printResponse(r, bearerRequest("GET", "/healthz", ""))
	printResponse(r, bearerRequest("GET", "/user", ""))
	// Output:
	// 200 check credentials, issue tokens
	// 200 ok
	// 401 {"detail":"PASETO Authorization Token required"}
}

// Browsers hide the status of a refused WebSocket handshake from scripts;
// with CloseWebSocket given to New, every check gives them a close frame
// with code 1008 and the reason instead.
func ExampleCloseWebSocket_authorizer() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InWebSocketProtocol),
		ginpaseto.CloseWebSocket(),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/ws", auth.Required(), func(c *gin.Context) {
		// Upgrade here with the WebSocket library of your choice.
		c.String(http.StatusOK, "welcome %s", ginpaseto.Subject(c))
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	// Browsers cannot set headers on a WebSocket: they offer the token as
	// a subprotocol, after the name "paseto".
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	printWebSocketResponse(srv.URL+"/ws", tok)
	printWebSocketResponse(srv.URL+"/ws", "")
	// Output:
	// 200 welcome alice
	// 101 close 1008 PASETO Authorization Token required
}

// WithClock makes expiry testable without waiting.
func ExampleWithClock() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithClock(func() time.Time { return now }),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	claims, _ := auth.ParseToken(tok)
	fmt.Println(claims.Expiration)

	now = now.Add(16 * time.Minute)
	_, err = auth.ParseToken(tok)
	fmt.Println(err)
	// Output:
	// 2026-03-01 12:15:00 +0000 UTC
	// Token has expired
}
