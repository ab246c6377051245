// Command api is the verify-only service of the key set example: it holds
// no key, only the URL of the signing service's key set (KEYSET_URL,
// default http://127.0.0.1:8000/.well-known/paseto-keys), and checks tokens
// with the keys it fetches from there. When the signing service rotates,
// the first token naming the new key makes the API fetch the set again;
// the set is also fetched again when its Cache-Control runs out.
//
// It listens on 127.0.0.1 (HOST overrides), PORT (8001). Until the key set has been fetched once, its
// protected routes answer 503 "Token verification keys unavailable", so
// the two services may start in any order.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
	"github.com/ginpaseto/ginpaseto/keyring"
)

func main() {
	url := os.Getenv("KEYSET_URL")
	if url == "" {
		url = "http://127.0.0.1:8000/.well-known/paseto-keys"
	}
	if os.Getenv("PORT") == "" {
		os.Setenv("PORT", "8001")
	}
	// New waits for the first fetch a few seconds at most; if the signing
	// service is not up yet, the API starts anyway and keeps trying.
	auth, err := ginpaseto.New(ginpaseto.WithKeySet(keyring.KeySet{URL: url}))
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	if ring := auth.Keys(); ring != nil {
		log.Printf("verifying with %d keys from %s", len(ring.KIDs()), url)
	}
	exampleapp.Serve(newRouter(auth))
}

func newRouter(auth *ginpaseto.Authorizer) http.Handler {
	r := exampleapp.NewEngine()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	return r
}
