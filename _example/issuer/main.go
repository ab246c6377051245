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
	"os"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/examplekey"
)

const (
	issuer   = "https://auth.example.com"
	audience = "orders" // this service
)

// User is the login request body.
type User struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func main() {
	auth, err := newAuthorizer(examplekey.SecretKey(), audience)
	if err != nil {
		log.Fatal(err)
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8000"
	}
	log.Fatal(newRouter(auth).Run(":" + port))
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
	r := gin.Default()
	r.POST("/login", func(c *gin.Context) {
		var u User
		if err := c.ShouldBindJSON(&u); err != nil || u.Username != "test" || u.Password != "test" {
			c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
			return
		}
		// The audience is chosen per token: an auth server would issue
		// each client a token for the services it may call.
		token, err := auth.CreateAccessToken(c, u.Username, ginpaseto.Audience(audience))
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": "Could not create token"})
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
