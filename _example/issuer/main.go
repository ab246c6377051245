// Command issuer scopes tokens with the iss and aud claims. Services that
// share one key would otherwise accept each other's tokens: a token the
// billing service obtained could be replayed against orders. Here every
// service names the issuer it trusts and the audience it is, and refuses
// tokens that were minted by anyone else or meant for anyone else.
//
//	go run ./_example/issuer
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/orders
package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

const (
	issuer   = "https://auth.example.com"
	audience = "orders" // this service
)

func main() {
	auth, err := newAuthorizer(exampleapp.SecretKey(), audience)
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

// newAuthorizer is how every service of the system builds its Authorizer:
// same key and issuer, and its own name as the audience it expects.
func newAuthorizer(secretKey, audience string) (*ginpaseto.Authorizer, error) {
	return ginpaseto.New(
		ginpaseto.WithSecretKey(secretKey),
		ginpaseto.WithIssuer(issuer),             // stamped on the tokens it creates
		ginpaseto.WithExpectedIssuer(issuer),     // so "Token issuer is not accepted" otherwise
		ginpaseto.WithExpectedAudience(audience), // so "Token audience is not accepted" otherwise
	)
}

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	r.POST("/login", func(c *gin.Context) {
		username, ok := exampleapp.Login(c)
		if !ok {
			return
		}
		// The audience is chosen per token: an auth server would issue
		// each client a token for the services it may call.
		token, err := auth.CreateAccessToken(c, username, ginpaseto.Audience(audience))
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": token})
	})
	r.GET("/orders", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		c.JSON(http.StatusOK, gin.H{"user": claims.Subject, "issuer": claims.Issuer, "audience": claims.Audience})
	})
	return r
}
