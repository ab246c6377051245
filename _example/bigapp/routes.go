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
	// Every route needs an access token unless isPublic says otherwise, so
	// a route added later is protected until someone decides it is not.
	// Unknown paths answer 401 to anonymous clients as well.
	r.Use(a.auth.Required(ginpaseto.Skip(isPublic)))

	v1 := r.Group("/api/v1")
	v1.GET("/public/status", a.status)
	v1.GET("/me", a.me)
	admin := v1.Group("/admin", requireRole("admin"))
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

// isPublic lists the routes anyone may call. /auth/refresh is among them
// because it checks a refresh token of its own. It matches the route
// pattern, not the request path, so no spelling of a URL slips through.
func isPublic(c *gin.Context) bool {
	path := c.FullPath()
	return strings.HasPrefix(path, "/api/v1/public/") || path == "/auth/login" || path == "/auth/refresh"
}
