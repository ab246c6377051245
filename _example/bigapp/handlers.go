package main

import (
	"crypto/subtle"
	"maps"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
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
	a.issueTokens(c, creds.Username)
}

func (a *app) checkPassword(username, password string) bool {
	u, ok := a.users[username]
	return ok && subtle.ConstantTimeCompare([]byte(u.password), []byte(password)) == 1
}

// refresh trades a refresh token for a new pair and revokes the one it
// was given (rotation): a stolen refresh token works at most once.
func (a *app) refresh(c *gin.Context) {
	claims, _ := ginpaseto.GetClaims(c)
	if _, ok := a.users[claims.Subject]; !ok {
		c.JSON(http.StatusUnauthorized, gin.H{"detail": "Unknown user"})
		return
	}
	if err := a.auth.Revoke(c, claims); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"detail": "Could not revoke token"})
		return
	}
	a.issueTokens(c, claims.Subject)
}

// issueTokens answers with a new access and refresh token. The role is
// read from the user store every time, so a change of role takes effect
// at the next refresh, within the access token lifetime.
func (a *app) issueTokens(c *gin.Context, username string) {
	role := ginpaseto.ExtraClaims(map[string]any{"role": a.users[username].role})
	access, err := a.auth.CreateAccessToken(c, username, role)
	if exampleapp.TokenFailed(c, err) {
		return
	}
	refresh, err := a.auth.CreateRefreshToken(c, username)
	if exampleapp.TokenFailed(c, err) {
		return
	}
	c.JSON(http.StatusOK, gin.H{"access_token": access, "refresh_token": refresh})
}

// logout ends the session: it revokes the access token that authenticated
// the request and the refresh token in the body, so neither works again.
func (a *app) logout(c *gin.Context) {
	access, _ := ginpaseto.GetClaims(c)
	var body struct {
		RefreshToken string `json:"refresh_token" binding:"required"`
	}
	if err := c.ShouldBindJSON(&body); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"detail": "refresh_token required"})
		return
	}
	refresh, err := a.auth.ParseToken(body.RefreshToken)
	if err != nil || refresh.Type != ginpaseto.TypeRefresh || refresh.Subject != access.Subject {
		c.JSON(http.StatusBadRequest, gin.H{"detail": "Invalid refresh token"})
		return
	}
	for _, claims := range []*ginpaseto.Claims{access, refresh} {
		if err := a.auth.Revoke(c, claims); err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"detail": "Could not revoke token"})
			return
		}
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
