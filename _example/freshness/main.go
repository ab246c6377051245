// Command freshness guards a sensitive route with a fresh token. An access
// token is fresh when the user just typed their password: /login creates
// one with ginpaseto.Fresh(). Tokens renewed at /refresh are not fresh, so
// a stolen refresh token can keep a session alive but cannot change the
// password: /change-password uses FreshRequired and asks for a new login.
//
//	go run ./_example/freshness
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/change-password
//	curl -X POST -H "Authorization: Bearer <refresh_token>" localhost:8000/refresh
//	curl -X POST -H "Authorization: Bearer <refreshed access_token>" localhost:8000/change-password
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
		access, err := auth.CreateAccessToken(c, username, ginpaseto.Fresh())
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
		access, err := auth.CreateAccessToken(c, ginpaseto.Subject(c))
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": access})
	})
	// Everyday routes accept any valid access token, fresh or not.
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		c.JSON(http.StatusOK, gin.H{"user": claims.Subject, "fresh": claims.Fresh})
	})
	r.POST("/change-password", auth.FreshRequired(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"detail": "Password changed for " + ginpaseto.Subject(c)})
	})
	return r
}
