// Command footer uses the two parts of a token that are authenticated but
// not encrypted. The footer travels with the token in plain sight: here it
// says which region issued the token ({"region":"eu-west-1"}), next to the
// kid that ginpaseto adds to every footer to name the key that made the
// token, and handlers read it with Claims.DecodeFooter. Never put secrets
// in it.
//
// The implicit assertion travels nowhere: it binds a token to something the
// server already knows, here the tenant whose routes issued it, and the
// token verifies only where the same assertion is given again. An acme
// token is refused on globex's routes although it is otherwise valid.
//
//	go run ./_example/footer
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/acme/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/acme/user
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/globex/user
package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

// Footer is the JSON footer of every token this program creates; KeyID is
// filled in by ginpaseto.
type Footer struct {
	KeyID  string `json:"kid,omitempty"`
	Region string `json:"region"`
}

// region is where this instance runs.
const region = "eu-west-1"

// tenants share the program; each has its own routes under /<tenant>.
var tenants = []string{"acme", "globex"}

func main() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleapp.SecretKey()))
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	for _, tenant := range tenants {
		// Check options are fixed when a route is registered, so each
		// tenant's routes get their own check with their own assertion.
		bound := ginpaseto.ImplicitAssertion([]byte(tenant))
		g := r.Group("/" + tenant)
		g.POST("/login", func(c *gin.Context) {
			username, ok := exampleapp.Login(c)
			if !ok {
				return
			}
			token, err := auth.CreateAccessToken(c, username, bound, ginpaseto.Footer(Footer{Region: region}))
			if exampleapp.TokenFailed(c, err) {
				return
			}
			c.JSON(http.StatusOK, gin.H{"access_token": token})
		})
		g.GET("/user", auth.Required(bound), func(c *gin.Context) {
			claims, _ := ginpaseto.GetClaims(c)
			var f Footer
			if err := claims.DecodeFooter(&f); err != nil {
				c.AbortWithError(http.StatusInternalServerError, err)
				return
			}
			c.JSON(http.StatusOK, gin.H{"user": claims.Subject, "tenant": tenant, "region": f.Region, "kid": f.KeyID})
		})
	}
	return r
}
