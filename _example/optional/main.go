// Command optional serves one page to everyone and personalizes it for
// signed-in users. Optional lets a request through without a token, or
// with one that does not verify, as an anonymous visitor; a valid token of
// the wrong kind (here a refresh token) is still refused, because that is
// a client mistake worth reporting rather than a missing login.
//
//	go run ./_example/optional
//	curl localhost:8000/
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/
package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

func main() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleapp.SecretKey()))
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	r.POST("/login", func(c *gin.Context) {
		username, ok := exampleapp.Login(c)
		if !ok {
			return
		}
		access, err := auth.CreateAccessToken(c, username)
		if exampleapp.TokenFailed(c, err) {
			return
		}
		refresh, err := auth.CreateRefreshToken(c, username)
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": access, "refresh_token": refresh})
	})
	r.GET("/", auth.Optional(), func(c *gin.Context) {
		// Subject is "" when the visitor is anonymous.
		name := ginpaseto.Subject(c)
		if name == "" {
			name = "anonymous"
		}
		c.JSON(http.StatusOK, gin.H{"hello": name})
	})
	return r
}
