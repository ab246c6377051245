package main

import (
	"crypto/subtle"
	"maps"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
)

// status reports that the service is up.
//
// @Summary	Service status
// @Tags		public
// @Produce	json
// @Success	200	{object}	statusResponse
// @Router		/api/v1/public/status [get]
func (a *app) status(c *gin.Context) {
	c.JSON(http.StatusOK, statusResponse{Status: "ok"})
}

// login checks a username and password and starts a session.
//
// @Summary	Log in
// @Tags		auth
// @Accept		json
// @Produce	json
// @Param		credentials	body		credentials	true	"The account's username and password"
// @Success	200			{object}	tokenPair
// @Failure	401			{object}	detailResponse	"Bad username or password"
// @Failure	503			{object}	detailResponse	"The session store is unavailable"
// @Router		/auth/login [post]
func (a *app) login(c *gin.Context) {
	var creds credentials
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
// the user's current role and the scopes it grants, read from the user
// store: a change of role reaches the tokens at the next refresh, within
// the access token lifetime (and the admin routes, which read the role
// from the store, see it at once). A user deleted since the login can no
// longer refresh.
func (a *app) pairOptions() ginpaseto.HandlerOption {
	return ginpaseto.PairOptions(func(_ *gin.Context, username string) ([]ginpaseto.TokenOption, error) {
		u, ok := a.users[username]
		if !ok {
			return nil, errUnknownUser
		}
		access := []ginpaseto.TokenOption{ginpaseto.ExtraClaims(map[string]any{"role": u.role})}
		if scopes := roleScopes[u.role]; len(scopes) > 0 {
			access = append(access, ginpaseto.Scopes(scopes...))
		}
		return []ginpaseto.TokenOption{ginpaseto.ForToken(ginpaseto.TypeAccess, access...)}, nil
	})
}

var errUnknownUser = &ginpaseto.Error{Status: http.StatusUnauthorized, Message: "Unknown user", Err: ginpaseto.ErrTokenRevoked}

// logoutEverywhere ends every session of the user, as a password change
// should.
//
// @Summary	Log out everywhere
// @Tags		auth
// @Security	Bearer
// @Success	204
// @Failure	401	{object}	detailResponse	"No valid access token"
// @Failure	503	{object}	detailResponse	"The session store is unavailable"
// @Router		/auth/logout-all [post]
func (a *app) logoutEverywhere(c *gin.Context) {
	if err := a.auth.RevokeSubject(c, ginpaseto.Subject(c)); err != nil {
		_ = c.Error(err)
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"detail": "Could not end the sessions"})
		return
	}
	c.Status(http.StatusNoContent)
}

// tokenClaims are the claims of bigapp's access tokens that its handlers
// read, decoded once per request by ginpaseto.ClaimsAs.
type tokenClaims struct {
	Subject string `json:"sub"`
	Role    string `json:"role"`
}

// me answers who the caller is.
//
// @Summary	The caller's account
// @Tags		account
// @Produce	json
// @Security	Bearer
// @Success	200	{object}	meResponse
// @Failure	401	{object}	detailResponse	"No valid access token"
// @Router		/api/v1/me [get]
func (a *app) me(c *gin.Context) {
	claims, err := ginpaseto.ClaimsAs[tokenClaims](c)
	if err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"detail": "Could not read the token"})
		return
	}
	c.JSON(http.StatusOK, meResponse{User: claims.Subject, Role: claims.Role})
}

// listUsers lists every account, for admins.
//
// @Summary	Every account
// @Tags		admin
// @Produce	json
// @Security	Bearer[users:read]
// @Success	200	{object}	usersResponse
// @Failure	401	{object}	detailResponse	"No valid access token"
// @Failure	403	{object}	detailResponse	"The token lacks scope users:read, or its user is not an admin"
// @Router		/api/v1/admin/users [get]
func (a *app) listUsers(c *gin.Context) {
	c.JSON(http.StatusOK, usersResponse{Users: slices.Sorted(maps.Keys(a.users))})
}

// errNotAdmin is the admin routes' refusal of a token whose user is not
// an admin.
var errNotAdmin = &ginpaseto.Error{
	Status:  http.StatusForbidden,
	Message: "The admin role is required",
	Err:     ginpaseto.ErrForbidden,
}

// requireAdmin is the admin routes' Authorize hook. It reads the role from
// the user store, not from the token, so that a user who is no longer an
// admin is refused at once, even with a token granted users:read before.
func (a *app) requireAdmin(_ *gin.Context, claims *ginpaseto.Claims) error {
	if a.users[claims.Subject].role != "admin" {
		return errNotAdmin
	}
	return nil
}
