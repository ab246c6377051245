// Command customclaims puts application data in tokens and makes a token
// type of its own. Login adds the user's roles to the access token with
// ExtraClaims; handlers read them back with Claims.Get or Claims.Decode,
// and /admin answers 403 to anyone without the admin role. An admin can
// also invite someone: the invitation is an "invite" token, created with
// CreateToken and accepted only by /join, whose TypeRequired("invite")
// refuses access tokens, as Required refuses invitations. An invitation
// works once: /join revokes it as it is used.
//
//	go run ./_example/customclaims
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"admin","password":"admin"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/me
//	curl -X POST -H "Authorization: Bearer <access_token>" -H 'Content-Type: application/json' -d '{"email":"new@example.com"}' localhost:8000/admin/invites
//	curl -X POST -H "Authorization: Bearer <invite_token>" localhost:8000/join
package main

import (
	"errors"
	"log"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

// User is the login request body.
type User struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Profile is what /me reads from the access token's claims.
type Profile struct {
	Username string   `json:"sub"`
	Roles    []string `json:"roles"`
}

// accounts maps usernames to passwords and roles; a real service has a
// user store.
var accounts = map[string]struct {
	password string
	roles    []string
}{
	"test":  {"test", []string{"user"}},
	"admin": {"admin", []string{"user", "admin"}},
}

func main() {
	auth, err := newAuth(exampleapp.SecretKey())
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

// newAuth builds the Authorizer. Invitations are single-use: their type
// is listed with the revocable ones, so that /join can revoke each as it
// is used and every check after refuses it.
func newAuth(key string) (*ginpaseto.Authorizer, error) {
	return ginpaseto.New(
		ginpaseto.WithSecretKey(key),
		ginpaseto.WithRevocableTypes(ginpaseto.TypeAccess, ginpaseto.TypeRefresh, "invite"),
	)
}

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	r.POST("/login", func(c *gin.Context) {
		var u User
		err := c.ShouldBindJSON(&u)
		account, ok := accounts[u.Username]
		if err != nil || !ok || u.Password != account.password {
			c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
			return
		}
		roles := ginpaseto.ExtraClaims(map[string]any{"roles": account.roles})
		token, err := auth.CreateAccessToken(c, u.Username, roles)
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": token})
	})
	r.GET("/me", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		var p Profile
		if err := claims.Decode(&p); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		c.JSON(http.StatusOK, p)
	})

	admin := r.Group("/admin", auth.Required(), requireRole("admin"))
	admin.POST("/invites", func(c *gin.Context) {
		var req struct {
			Email string `json:"email" binding:"required"`
		}
		if err := c.ShouldBindJSON(&req); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"detail": "An email is required"})
			return
		}
		invite, err := auth.CreateToken(c, req.Email, "invite", ginpaseto.ExpiresIn(48*time.Hour))
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"invite_token": invite})
	})
	r.POST("/join", auth.TypeRequired("invite"), func(c *gin.Context) {
		// Revoking the invitation spends it. Of two requests with the same
		// invitation at once, only one revocation succeeds; the other gets
		// 401 "Token has been revoked", as any later use does.
		claims, _ := ginpaseto.GetClaims(c)
		if err := auth.Revoke(c, claims); err != nil {
			var e *ginpaseto.Error
			if !errors.As(err, &e) {
				e = &ginpaseto.Error{Status: http.StatusInternalServerError, Message: "Could not use the invitation"}
			}
			_ = c.Error(err)
			c.AbortWithStatusJSON(e.Status, gin.H{"detail": e.Message})
			return
		}
		// The invitation's subject is the invited email address.
		c.JSON(http.StatusOK, gin.H{"welcome": ginpaseto.Subject(c)})
	})
	return r
}

// requireRole refuses, with 403, a token whose roles claim lacks role. It
// goes after a check, which has verified the token and stored its claims.
func requireRole(role string) gin.HandlerFunc {
	return func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		var roles []string
		if err := claims.Get("roles", &roles); err != nil || !slices.Contains(roles, role) {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"detail": "The " + role + " role is required"})
			return
		}
		c.Next()
	}
}
