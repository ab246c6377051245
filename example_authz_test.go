package ginpaseto_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
)

// storeLookups is an Observer that counts the checks' store look-ups and
// the sources of their tokens.
type storeLookups struct {
	observe.Nop
	isRevoked int
	sources   []string
}

func (o *storeLookups) StoreCall(_ context.Context, call observe.StoreCall) {
	if call.Operation == observe.StoreIsRevoked {
		o.isRevoked++
	}
}

func (o *storeLookups) EndCheck(_ context.Context, r observe.CheckResult) {
	o.sources = append(o.sources, r.Source)
}

// Routes inside a group that runs Required add their own requirements;
// their checks reuse the token the group's check accepted, so each request
// is verified, and looked up in the store, once.
func ExampleRequireScopes_group() {
	lookups := &storeLookups{}
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithObserver(lookups))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	admin := r.Group("/admin", auth.Required())
	admin.GET("/users", auth.Required(ginpaseto.RequireScopes("users:read")), func(c *gin.Context) {
		c.String(http.StatusOK, "users, for %s", ginpaseto.Subject(c))
	})
	reader, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Scopes("users:read"))
	other, _ := auth.CreateAccessToken(context.Background(), "bob")

	for _, tok := range []string{reader, other} {
		*lookups = storeLookups{}
		printResponse(r, bearerRequest("GET", "/admin/users", tok))
		fmt.Println("store look-ups:", lookups.isRevoked, "sources:", lookups.sources)
	}
	// Output:
	// 200 users, for alice
	// store look-ups: 1 sources: [header previous_check]
	// 403 {"detail":"Insufficient scope"}
	// store look-ups: 1 sources: [header previous_check]
}

// A token carries the scopes granted at login in claim scope.
func ExampleScopes() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	tok, err := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Scopes("orders:read", "orders:write"))
	if err != nil {
		log.Fatal(err)
	}
	claims, _ := auth.ParseToken(tok)
	var raw string
	claims.Get("scope", &raw)
	fmt.Printf("%q %q\n", raw, claims.Scopes)

	_, err = auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Scopes("orders read"))
	fmt.Println(err)
	// Output:
	// "orders:read orders:write" ["orders:read" "orders:write"]
	// ginpaseto: Scopes: scope "orders read" has a character scopes may not contain (allowed: printable ASCII except space, '"' and '\\')
}

// A route that needs a scope refuses other tokens with 403 and says which
// scope it needs in the WWW-Authenticate challenge.
func ExampleRequireScopes() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.DELETE("/orders/:id", auth.Required(ginpaseto.RequireScopes("orders:write")), func(c *gin.Context) {
		c.Status(http.StatusNoContent)
	})
	reader, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.Scopes("orders:read"))
	writer, _ := auth.CreateAccessToken(context.Background(), "bob", ginpaseto.Scopes("orders:read", "orders:write"))

	w := httptest.NewRecorder()
	r.ServeHTTP(w, bearerRequest("DELETE", "/orders/7", reader))
	fmt.Println(w.Code, w.Body.String())
	fmt.Println(w.Header().Get("WWW-Authenticate"))
	printResponse(r, bearerRequest("DELETE", "/orders/7", writer))
	// Output:
	// 403 {"detail":"Insufficient scope"}
	// Bearer error="insufficient_scope", scope="orders:write"
	// 204
}

// The hook decides what scopes cannot express, such as a role claim
// checked against the route's parameters.
func ExampleAuthorize() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	adminOrSelf := ginpaseto.Authorize(func(c *gin.Context, claims *ginpaseto.Claims) error {
		var role string
		claims.Get("role", &role)
		if role == "admin" || claims.Subject == c.Param("name") {
			return nil
		}
		return errors.New("neither admin nor the account's owner")
	})
	r := gin.New()
	r.GET("/accounts/:name", auth.Required(adminOrSelf), func(c *gin.Context) {
		c.String(http.StatusOK, "account of %s", c.Param("name"))
	})
	bob, _ := auth.CreateAccessToken(context.Background(), "bob")
	root, _ := auth.CreateAccessToken(context.Background(), "root", ginpaseto.ExtraClaims(map[string]any{"role": "admin"}))

	printResponse(r, bearerRequest("GET", "/accounts/bob", bob))
	printResponse(r, bearerRequest("GET", "/accounts/alice", bob))
	printResponse(r, bearerRequest("GET", "/accounts/alice", root))
	// Output:
	// 200 account of bob
	// 403 {"detail":"Forbidden"}
	// 200 account of alice
}

// A handler can branch on scopes where a whole route cannot require them.
func ExampleClaims_HasScope() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/orders", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		if claims.HasScope("orders:all") {
			c.String(http.StatusOK, "every order")
			return
		}
		c.String(http.StatusOK, "orders of %s", claims.Subject)
	})
	alice, _ := auth.CreateAccessToken(context.Background(), "alice")
	support, _ := auth.CreateAccessToken(context.Background(), "support", ginpaseto.Scopes("orders:all"))

	printResponse(r, bearerRequest("GET", "/orders", alice))
	printResponse(r, bearerRequest("GET", "/orders", support))
	// Output:
	// 200 orders of alice
	// 200 every order
}

// An application's error handler writes its own body and keeps the
// challenge RFC 6750 asks for.
func ExampleError_Challenge() {
	problem := func(c *gin.Context, err *ginpaseto.Error) {
		if ch := err.Challenge(); ch != "" {
			c.Header("WWW-Authenticate", ch)
		}
		c.AbortWithStatusJSON(err.Status, gin.H{"title": err.Message, "status": err.Status})
	}
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithErrorHandler(problem))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/reports", auth.Required(ginpaseto.RequireScopes("reports:read")), func(c *gin.Context) {})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	for _, req := range []*http.Request{httptest.NewRequest("GET", "/reports", nil), bearerRequest("GET", "/reports", tok)} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(w.Code, w.Body.String(), w.Header().Get("WWW-Authenticate"))
	}
	// Output:
	// 401 {"status":401,"title":"PASETO Authorization Token required"} Bearer
	// 403 {"status":403,"title":"Insufficient scope"} Bearer error="insufficient_scope", scope="reports:read"
}
