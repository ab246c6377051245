package ginpaseto_test

import (
	"context"
	"errors"
	"log"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

// Handlers read the application's claims as a struct, decoded once per
// request however many handlers ask.
func ExampleClaimsAs() {
	type tenantClaims struct {
		Subject string   `json:"sub"`
		Tenant  string   `json:"tenant"`
		Roles   []string `json:"roles"`
	}
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	sameTenant := ginpaseto.Authorize(func(c *gin.Context, _ *ginpaseto.Claims) error {
		tc, err := ginpaseto.ClaimsAs[tenantClaims](c)
		if err != nil || tc.Tenant != c.Param("tenant") {
			return errors.New("another tenant's data")
		}
		return nil
	})
	r := gin.New()
	r.GET("/t/:tenant/report", auth.Required(sameTenant), func(c *gin.Context) {
		tc, _ := ginpaseto.ClaimsAs[tenantClaims](c) // no second decoding
		c.String(http.StatusOK, "%s of %s, admin: %t", tc.Subject, tc.Tenant, slices.Contains(tc.Roles, "admin"))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice",
		ginpaseto.ExtraClaims(map[string]any{"tenant": "acme", "roles": []string{"admin"}}))

	printResponse(r, bearerRequest("GET", "/t/acme/report", tok))
	printResponse(r, bearerRequest("GET", "/t/globex/report", tok))
	// Output:
	// 200 alice of acme, admin: true
	// 403 {"detail":"Forbidden"}
}
