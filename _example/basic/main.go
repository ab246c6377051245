// Command basic is the quick start: a login route that issues an access
// token and a route that requires one. It listens on 127.0.0.1:8000, this
// machine only (PORT and HOST override; HOST=0.0.0.0 for every interface),
// and reads its key from PASETO_SECRET_KEY, or makes an ephemeral one and
// logs that it did.
//
//	go run ./_example/basic
//	curl localhost:8000/user
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/user
package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

// User is the login request body.
type User struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func main() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleapp.SecretKey()))
	if err != nil {
		log.Fatal(err)
	}
	// An http.Server with timeouts, where gin's Run has none.
	exampleapp.Serve(newRouter(auth))
}

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	r.POST("/login", func(c *gin.Context) {
		var u User
		if err := c.ShouldBindJSON(&u); err != nil || u.Username != "test" || u.Password != "test" {
			c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
			return
		}
		token, err := auth.CreateAccessToken(c, u.Username)
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": "Could not create token"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": token})
	})
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	return r
}
