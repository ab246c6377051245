// Command refresh pairs a short-lived access token with a long-lived
// refresh token. /login returns both; when the access token expires, the
// client trades the refresh token at /refresh for a new access token
// instead of sending the password again. Each token works only where its
// type belongs: a refresh token opens no other route, and an access token
// cannot mint more tokens.
//
//	go run ./_example/refresh
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/user
//	curl -X POST -H "Authorization: Bearer <refresh_token>" localhost:8000/refresh
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
	r.POST("/refresh", auth.RefreshRequired(), func(c *gin.Context) {
		// The refresh token proved who the user is, so the new access token
		// carries its subject; no password was checked, so it is not fresh.
		access, err := auth.CreateAccessToken(c, ginpaseto.Subject(c))
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": access})
	})
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	return r
}
