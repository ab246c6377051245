// Command json takes tokens from the JSON request body as well as from the
// Authorization header, for clients that can only post a document. The
// check reads the token and puts the body back, so the handler binds the
// whole document as usual.
//
//	go run ./_example/json
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -X POST -H 'Content-Type: application/json' -d '{"access_token":"<access_token>","item":"tea","quantity":2}' localhost:8000/orders
//	curl -X POST -H 'Content-Type: application/json' -d '{"refresh_token":"<refresh_token>"}' localhost:8000/refresh
package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

// Order is the body of POST /orders. The access_token next to these fields
// is for the check; the handler has no use for it.
type Order struct {
	Item     string `json:"item" binding:"required"`
	Quantity int    `json:"quantity" binding:"min=1"`
}

func main() {
	auth, err := newAuthorizer(exampleapp.SecretKey())
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

func newAuthorizer(secretKey string) (*ginpaseto.Authorizer, error) {
	return ginpaseto.New(
		ginpaseto.WithSecretKey(secretKey),
		// The header first: the body is only read when no header was sent.
		// InJSON looks at application/json (and +json) bodies only.
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InJSON),
	)
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
	// Required reads "access_token" from the body.
	r.POST("/orders", auth.Required(), func(c *gin.Context) {
		var o Order
		if err := c.ShouldBindJSON(&o); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"detail": "An order needs an item and a quantity of at least 1"})
			return
		}
		c.JSON(http.StatusCreated, gin.H{"user": ginpaseto.Subject(c), "order": o})
	})
	// RefreshRequired reads "refresh_token" instead.
	r.POST("/refresh", auth.RefreshRequired(), func(c *gin.Context) {
		access, err := auth.CreateAccessToken(c, ginpaseto.Subject(c))
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": access})
	})
	return r
}
