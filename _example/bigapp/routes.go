package main

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

// newRouter wires every group to the one Authorizer.
func newRouter(a *app) *gin.Engine {
	r := exampleapp.NewEngine()
	// Every route needs an access token unless checkedElsewhere says
	// otherwise, so a route added later is protected until someone decides
	// it is not. Unknown paths answer 401 to anonymous clients as well.
	r.Use(a.auth.Required(ginpaseto.Skip(checkedElsewhere)))

	v1 := r.Group("/api/v1")
	v1.GET("/public/status", a.status)
	v1.GET("/me", a.me)
	// The admin routes check more than the router-wide check would: a
	// token granted the users:read scope, held by a user who is an admin
	// at the time of the request.
	admin := v1.Group(adminPrefix, a.auth.Required(
		ginpaseto.RequireScopes(scopeUsersRead),
		ginpaseto.Authorize(a.requireAdmin),
	))
	admin.GET("/users", a.listUsers)

	// Sessions: login starts one, refresh rotates its refresh token (a
	// refresh token works once; a second use ends the session), logout
	// ends it, logout-all ends every session of the user.
	auth := r.Group("/auth")
	auth.POST("/login", a.login)
	auth.POST("/refresh", a.auth.RefreshRequired(), a.auth.RefreshHandler(a.pairOptions()))
	auth.POST("/logout", a.auth.LogoutHandler())
	auth.POST("/logout-all", a.logoutEverywhere)
	return r
}

// adminPrefix is where the admin group lives; its routes have their own
// check.
const adminPrefix = "/admin"

// checkedElsewhere lists the routes the router-wide check leaves alone:
// those anyone may call, and those whose group checks a token of its own
// (/auth/refresh wants a refresh token, the admin group scopes and a
// role). It matches the route pattern, not the request path, so no
// spelling of a URL slips through, and an unknown path stays checked.
func checkedElsewhere(c *gin.Context) bool {
	path := c.FullPath()
	return strings.HasPrefix(path, "/api/v1/public/") || strings.HasPrefix(path, "/api/v1"+adminPrefix+"/") ||
		path == "/auth/login" || path == "/auth/refresh"
}
