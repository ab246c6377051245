// Command denylist revokes single tokens before they expire. A token
// cannot be taken back from the client, so /logout records its ID (jti) in
// the Authorizer's store, and every check refuses it from then on. Access
// and refresh tokens are revoked separately: /logout ends the access token
// it is called with, /logout-refresh the refresh token, and the user's
// other tokens go on. To end a whole session at once, with its refresh
// rotations, use token pairs and the session handlers instead (see the
// sessions and bigapp examples).
//
// The default store lives in memory, so revocations last as long as the
// process; several processes need a shared store (see WithStore and the
// redisstore module).
//
//	go run ./_example/denylist
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/logout
//	curl -X POST -H "Authorization: Bearer <refresh_token>" localhost:8000/logout-refresh
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/user
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
		access, err := auth.CreateAccessToken(c, ginpaseto.Subject(c))
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": access})
	})
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	r.POST("/logout", auth.Required(), revoke(auth, "Access token revoked"))
	r.POST("/logout-refresh", auth.RefreshRequired(), revoke(auth, "Refresh token revoked"))
	return r
}

// revoke denies the token the route's check accepted until it expires.
func revoke(auth *ginpaseto.Authorizer, done string) gin.HandlerFunc {
	return func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		if err := auth.Revoke(c, claims); err != nil {
			c.AbortWithError(http.StatusServiceUnavailable, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"detail": done})
	}
}
