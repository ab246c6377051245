package main

import (
	"crypto/subtle"
	"maps"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
)

func (a *app) status(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (a *app) login(c *gin.Context) {
	var creds struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := c.ShouldBindJSON(&creds); err != nil || !a.checkPassword(creds.Username, creds.Password) {
		c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
		return
	}
	// StartSession answers the pair itself, or the error.
	a.auth.StartSession(c, creds.Username, a.pairOptions())
}

func (a *app) checkPassword(username, password string) bool {
	u, ok := a.users[username]
	return ok && subtle.ConstantTimeCompare([]byte(u.password), []byte(password)) == 1
}

// pairOptions gives every new token pair, at login and at each refresh,
// the user's current role, read from the user store: a change of role
// takes effect at the next refresh, within the access token lifetime. A
// user deleted since the login can no longer refresh.
func (a *app) pairOptions() ginpaseto.HandlerOption {
	return ginpaseto.PairOptions(func(_ *gin.Context, username string) ([]ginpaseto.TokenOption, error) {
		u, ok := a.users[username]
		if !ok {
			return nil, errUnknownUser
		}
		role := ginpaseto.ExtraClaims(map[string]any{"role": u.role})
		return []ginpaseto.TokenOption{ginpaseto.AccessTokenOptions(role)}, nil
	})
}

var errUnknownUser = &ginpaseto.Error{Status: http.StatusUnauthorized, Message: "Unknown user", Err: ginpaseto.ErrTokenRevoked}

// logoutEverywhere ends every session of the user, as a password change
// should.
func (a *app) logoutEverywhere(c *gin.Context) {
	if err := a.auth.RevokeSubject(c, ginpaseto.Subject(c)); err != nil {
		_ = c.Error(err)
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"detail": "Could not end the sessions"})
		return
	}
	c.Status(http.StatusNoContent)
}

func (a *app) me(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c), "role": role(c)})
}

func (a *app) listUsers(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"users": slices.Sorted(maps.Keys(a.users))})
}

// requireRole refuses, with 403, tokens whose role claim is not role. It
// runs after Required has verified the token, so the claim is trustworthy.
func requireRole(want string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if role(c) != want {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"detail": "The " + want + " role is required"})
			return
		}
		c.Next()
	}
}

// role returns the role claim of the accepted token, or "".
func role(c *gin.Context) string {
	var r string
	if claims, ok := ginpaseto.GetClaims(c); ok {
		claims.Get("role", &r) // absent: r stays ""
	}
	return r
}
