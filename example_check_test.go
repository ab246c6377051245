package ginpaseto_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

// printWebSocketResponse opens a WebSocket handshake to rawURL, offering
// tok as a browser does with new WebSocket(url, ["paseto", tok]) when tok
// is not empty, and prints the answer: "101 close <code> <reason>" when the
// server accepted the upgrade and closed at once, or the status and body of
// a plain response.
func printWebSocketResponse(rawURL, tok string) {
	u, err := url.Parse(rawURL)
	if err != nil {
		log.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	protocols := ""
	if tok != "" {
		protocols = "Sec-WebSocket-Protocol: " + ginpaseto.WebSocketProtocol + ", " + tok + "\r\n"
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n%s\r\n", u.RequestURI(), u.Host, protocols)
	rd := bufio.NewReader(conn)
	resp, err := http.ReadResponse(rd, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, string(body))
		return
	}
	// An unmasked close frame: 0x88, payload length, code, reason.
	head := make([]byte, 2)
	if _, err := io.ReadFull(rd, head); err != nil {
		log.Fatal(err)
	}
	payload := make([]byte, head[1]&0x7f)
	if _, err := io.ReadFull(rd, payload); err != nil || len(payload) < 2 {
		log.Fatal("no close frame")
	}
	fmt.Println(resp.StatusCode, "close", binary.BigEndian.Uint16(payload), string(payload[2:]))
}

// Check options adapt one route to its clients, here a webhook sender that
// puts a bare token in a header of its own.
func ExampleCheckOption() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	hookChecks := []ginpaseto.CheckOption{
		ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Hook-Token").Prefix("")),
		ginpaseto.RequireScopes("events:write"),
	}
	r := gin.New()
	r.POST("/hooks/payments", auth.TypeRequired("webhook", hookChecks...), func(c *gin.Context) {
		c.String(http.StatusAccepted, "event from %s", ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateToken(context.Background(), "payments-provider", "webhook", ginpaseto.Scopes("events:write"))

	req := httptest.NewRequest("POST", "/hooks/payments", nil)
	req.Header.Set("X-Hook-Token", tok)
	printResponse(r, req)
	// Output:
	// 202 event from payments-provider
}

// The rest of the API reads the header only; one route also accepts the
// token in a JSON body.
func ExampleWithTokenLocations_route() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/beacon", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InJSON)),
		func(c *gin.Context) { c.String(http.StatusOK, "beacon from %s", ginpaseto.Subject(c)) })
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	req := httptest.NewRequest("POST", "/beacon", strings.NewReader(`{"access_token":"`+tok+`"}`))
	req.Header.Set("Content-Type", "application/json")
	printResponse(r, req)
	// Output:
	// 200 beacon from alice
}

// Named and Prefix change which header one check reads, and the scheme
// before the token.
func ExampleLocation_Named() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/metrics", auth.TypeRequired("scraper", ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Scrape-Token").Prefix("PASETO"))),
		func(c *gin.Context) { c.String(http.StatusOK, "metrics for %s", ginpaseto.Subject(c)) })
	tok, _ := auth.CreateToken(context.Background(), "prometheus", "scraper")

	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("X-Scrape-Token", "PASETO "+tok)
	printResponse(r, req)
	// Output:
	// 200 metrics for prometheus
}

// InJSON.Named reads the token from another key of the JSON body.
func ExampleInJSON() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/rpc", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InJSON.Named("auth"))),
		func(c *gin.Context) { c.String(http.StatusOK, "call by %s", ginpaseto.Subject(c)) })
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	req := httptest.NewRequest("POST", "/rpc", strings.NewReader(`{"auth":"`+tok+`","method":"ping"}`))
	req.Header.Set("Content-Type", "application/json")
	printResponse(r, req)
	// Output:
	// 200 call by alice
}

// A calendar application cannot send headers, so the feed URL carries a
// token of its own type, read from the query on this route alone.
func ExampleInQuery() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	// Only this route reads a query parameter; the others keep the header.
	r.GET("/feed.ics", auth.TypeRequired("calendar", ginpaseto.WithTokenLocations(ginpaseto.InQuery.Named("key"))),
		func(c *gin.Context) { c.String(http.StatusOK, "calendar of %s", ginpaseto.Subject(c)) })
	tok, _ := auth.CreateToken(context.Background(), "alice", "calendar")

	printResponse(r, httptest.NewRequest("GET", "/feed.ics?key="+tok, nil))
	// Output:
	// 200 calendar of alice
}

// InFunc is a location of the application's own, here a form field.
func ExampleInFunc() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	fromForm := func(c *gin.Context) (string, error) { return c.PostForm("token"), nil }

	r := gin.New()
	r.POST("/upload", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InFunc(fromForm))), func(c *gin.Context) {
		c.String(http.StatusOK, "upload by %s", ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	req := httptest.NewRequest("POST", "/upload", strings.NewReader("token="+tok))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	printResponse(r, req)
	printResponse(r, bearerRequest("POST", "/upload", tok)) // the header is not read
	// Output:
	// 200 upload by alice
	// 401 {"detail":"PASETO Authorization Token required"}
}

// CORS preflight requests carry no credentials: let them through to the
// CORS handler.
func ExampleSkip() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	preflight := func(c *gin.Context) bool { return c.Request.Method == http.MethodOptions }

	r := gin.New()
	api := r.Group("/api", auth.Required(ginpaseto.Skip(preflight)))
	api.OPTIONS("/user", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	api.GET("/user", func(c *gin.Context) { c.String(http.StatusOK, ginpaseto.Subject(c)) })

	printResponse(r, bearerRequest("OPTIONS", "/api/user", ""))
	printResponse(r, bearerRequest("GET", "/api/user", ""))
	// Output:
	// 204
	// 401 {"detail":"PASETO Authorization Token required"}
}

// CloseWebSocket answers a failed WebSocket check with a close frame a
// browser script can read; other routes keep plain HTTP errors.
func ExampleCloseWebSocket() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/ws", auth.Required(ginpaseto.CloseWebSocket(), ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol)),
		func(c *gin.Context) {
			// Upgrade here with the WebSocket library of your choice,
			// selecting ginpaseto.WebSocketProtocol.
		})
	r.GET("/plain", auth.Required(), func(c *gin.Context) {})
	srv := httptest.NewServer(r)
	defer srv.Close()

	expired, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.ExpiresAt(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)))
	printWebSocketResponse(srv.URL+"/ws", expired)
	printResponse(r, bearerRequest("GET", "/plain", expired))
	// Output:
	// 101 close 1008 Token has expired
	// 401 {"detail":"Token has expired"}
}

// A SharedOption goes both where the token is created and where it is
// checked.
func ExampleSharedOption() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	partner := ginpaseto.ImplicitAssertion([]byte("partner:acme"))

	r := gin.New()
	r.GET("/partner/orders", auth.TypeRequired("partner", partner), func(c *gin.Context) {
		c.String(http.StatusOK, "orders for %s", ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateToken(context.Background(), "acme", "partner", partner)
	printResponse(r, bearerRequest("GET", "/partner/orders", tok))
	// Output:
	// 200 orders for acme
}

// A token bound to a tenant with an implicit assertion verifies only where
// the same tenant is asserted, although the tenant is not in the token.
func ExampleImplicitAssertion() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tenant := func(id string) ginpaseto.SharedOption {
		return ginpaseto.ImplicitAssertion([]byte("tenant:" + id))
	}
	tok, _ := auth.CreateAccessToken(context.Background(), "alice", tenant("acme"))

	claims, err := auth.ParseToken(tok, tenant("acme"))
	fmt.Println(claims.Subject, err)
	_, err = auth.ParseToken(tok, tenant("globex"))
	fmt.Println(err)
	_, err = auth.ParseToken(tok)
	fmt.Println(err)
	// Output:
	// alice <nil>
	// Invalid PASETO token
	// Invalid PASETO token
}

// When the assertion depends on the request, such as the tenant in the
// URL, the check computes it for each request.
func ExampleImplicitAssertionFrom() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	tenant := auth.Required(ginpaseto.ImplicitAssertionFrom(func(c *gin.Context) ([]byte, error) {
		return []byte("tenant:" + c.Param("tenant")), nil
	}))
	r.GET("/t/:tenant/orders", tenant, func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c)+" in "+c.Param("tenant"))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.ImplicitAssertion([]byte("tenant:acme")))

	printResponse(r, bearerRequest("GET", "/t/acme/orders", tok))
	printResponse(r, bearerRequest("GET", "/t/globex/orders", tok))
	// Output:
	// 200 alice in acme
	// 401 {"detail":"Invalid PASETO token"}
}

// Base64 wrapping suits transports that mangle dots, at the cost of a
// third more bytes.
func ExampleBase64() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	wrapped, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Base64())
	fmt.Println(wrapped[:12])
	raw, _ := base64.StdEncoding.DecodeString(wrapped)
	fmt.Println(string(raw[:len("v4.local.")]))

	r := gin.New()
	r.GET("/user", auth.Required(ginpaseto.Base64()), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	printResponse(r, bearerRequest("GET", "/user", wrapped))
	// Output:
	// djQubG9jYWwu
	// v4.local.
	// 200 alice
}

// A function of your own reads tokens in a format no location knows, such
// as the Authorization value of an older client, Token token="<token>". An
// error it returns is a 401 for a malformed credential.
func ExampleInFunc_header() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	legacy := func(c *gin.Context) (string, error) {
		v := c.GetHeader("Authorization")
		if v == "" {
			return "", nil // no token: the check answers "token required"
		}
		tok, ok := strings.CutPrefix(v, `Token token="`)
		if tok, ok = strings.CutSuffix(tok, `"`); !ok || tok == "" {
			return "", &ginpaseto.Error{Status: http.StatusUnauthorized, Message: `Expected 'Token token="<PASETO>"'`, Err: ginpaseto.ErrTokenInvalid}
		}
		return tok, nil
	}

	r := gin.New()
	r.GET("/user", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InFunc(legacy))), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	req := httptest.NewRequest("GET", "/user", nil)
	req.Header.Set("Authorization", `Token token="`+tok+`"`)
	printResponse(r, req)
	printResponse(r, bearerRequest("GET", "/user", tok))
	printResponse(r, httptest.NewRequest("GET", "/user", nil))
	// Output:
	// 200 alice
	// 401 {"detail":"Expected 'Token token=\"<PASETO>\"'"}
	// 401 {"detail":"PASETO Authorization Token required"}
}

// Prefix changes the scheme the header must carry before the token: here
// "Token" instead of "Bearer".
func ExampleLocation_Prefix() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader.Prefix("Token")),
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
	req.Header.Set("Authorization", "Token "+tok)
	printResponse(r, req)
	printResponse(r, bearerRequest("GET", "/user", tok))
	// Output:
	// 200 alice
	// 401 {"detail":"Bad Authorization header. Expected value 'Token <PASETO>'"}
}

// InQuery reads the query string of any request, for links that must
// work without headers; keep such tokens short-lived and single-purpose.
func ExampleLocation_Named_query() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/invoices/:id", auth.TypeRequired("download", ginpaseto.WithTokenLocations(ginpaseto.InQuery.Named("t"))),
		func(c *gin.Context) { c.String(http.StatusOK, "invoice for %s", ginpaseto.Subject(c)) })
	link, _ := auth.CreateToken(context.Background(), "alice", "download", ginpaseto.ExpiresIn(time.Hour))

	printResponse(r, httptest.NewRequest("GET", "/invoices/42?t="+link, nil))
	// Output:
	// 200 invoice for alice
}

// MaxBodySize bounds how much of the body InJSON reads. The body stays
// readable: the handler binds it in full after the check.
func ExampleLocation_MaxBodySize() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/messages", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InJSON.Named("token").MaxBodySize(16<<10))),
		func(c *gin.Context) {
			var msg struct{ Text string }
			if err := c.ShouldBindJSON(&msg); err != nil {
				c.AbortWithStatus(http.StatusBadRequest)
				return
			}
			c.String(http.StatusOK, "%s says %q", ginpaseto.Subject(c), msg.Text)
		})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	req := httptest.NewRequest("POST", "/messages", strings.NewReader(`{"token":"`+tok+`","text":"hello"}`))
	req.Header.Set("Content-Type", "application/json")
	printResponse(r, req)
	// Output:
	// 200 alice says "hello"
}

// Locations are searched in the order given, and the first token found is
// the one checked.
func ExampleLocation() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InJSON, ginpaseto.InHeader),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/whoami", auth.Required(), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	alice, _ := auth.CreateAccessToken(context.Background(), "alice")
	bob, _ := auth.CreateAccessToken(context.Background(), "bob")

	req := httptest.NewRequest("POST", "/whoami", strings.NewReader(`{"access_token":"`+bob+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+alice)
	printResponse(r, req)
	// Output:
	// 200 bob
}
