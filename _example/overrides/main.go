// Command overrides shows per-route check options: one Authorizer, and
// routes that look for their token in different places.
//
//	go run ./_example/overrides
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//
// A browser session in a cookie (login sets it too):
//
//	curl -b 'session=<access_token>' localhost:8000/dashboard
//
// The cookie or the header, the header first:
//
//	curl -b 'session=<access_token>' localhost:8000/profile
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/profile
//
// A machine token of type "api", sent bare in X-API-Key:
//
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/api-keys
//	curl -H "X-API-Key: <api_key>" localhost:8000/machine/jobs
//
// A download link that carries its own short-lived token in the URL:
//
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/reports/link
//	curl "localhost:8000<url>"
//
// A health check that needs no token, next to a route that does:
//
//	curl localhost:8000/ops/health
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/ops/stats
package main

import (
	"log"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

func main() {
	auth, err := newAuthorizer(exampleapp.SecretKey())
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

func newAuthorizer(secretKey string) (*ginpaseto.Authorizer, error) {
	// The default lookup is the Authorization header alone. URLs, and the
	// tokens in them, end up in access logs, browser history and Referer
	// headers, so only the download route below reads one.
	return ginpaseto.New(ginpaseto.WithSecretKey(secretKey))
}

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	// Login sets a cookie before there is a session to check: it takes
	// JSON only (exampleapp.Login), which no other site's page can post
	// without a CORS preflight, and refuses other origins' browsers
	// outright, lest a page of another site log the visitor in to the
	// attacker's account.
	r.POST("/login", auth.RefuseCrossOrigin(), func(c *gin.Context) {
		username, ok := exampleapp.Login(c)
		if !ok {
			return
		}
		token, err := auth.CreateAccessToken(c, username)
		if exampleapp.TokenFailed(c, err) {
			return
		}
		// HttpOnly keeps scripts from reading the cookie, SameSite keeps
		// other sites from sending it, Secure keeps it off plain HTTP. It
		// lasts as long as the access token: 15 minutes by default.
		c.SetSameSite(http.SameSiteStrictMode)
		c.SetCookie("session", token, 15*60, "/", "", true, true)
		c.JSON(http.StatusOK, gin.H{"access_token": token})
	})

	// The dashboard is for the browser: the cookie alone. The profile
	// serves the browser and API clients alike: the Authorization header,
	// then the cookie.
	r.GET("/dashboard", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InFunc(sessionCookie))), whoami)
	r.GET("/profile", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InFunc(sessionCookie))), whoami)

	// An API key is a token of its own type: it passes only where "api" is
	// required, and an access token does not pass there.
	r.POST("/api-keys", auth.Required(), func(c *gin.Context) {
		key, err := auth.CreateToken(c, ginpaseto.Subject(c), "api")
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusCreated, gin.H{"api_key": key})
	})
	r.GET("/machine/jobs", auth.TypeRequired("api", ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-API-Key").Prefix(""))), whoami)

	// A link cannot carry a header, so it carries a token that is good
	// for one thing, downloads, and for a few minutes only.
	r.GET("/reports/link", auth.Required(), func(c *gin.Context) {
		token, err := auth.CreateToken(c, ginpaseto.Subject(c), "download", ginpaseto.ExpiresIn(5*time.Minute))
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"url": "/reports/download?t=" + url.QueryEscape(token)})
	})
	r.GET("/reports/download",
		auth.TypeRequired("download", ginpaseto.WithTokenLocations(ginpaseto.InQuery.Named("t"))),
		func(c *gin.Context) { c.String(http.StatusOK, "report for %s\n", ginpaseto.Subject(c)) })

	// Load balancers probe /ops/health without credentials.
	ops := r.Group("/ops", auth.Required(ginpaseto.Skip(func(c *gin.Context) bool {
		return c.FullPath() == "/ops/health"
	})))
	ops.GET("/health", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	ops.GET("/stats", whoami)
	return r
}

// sessionCookie finds the token in the session cookie. No cookie means no
// token, which the check reports as missing. A cookie read this way gets
// no CSRF checks, which is why only GET routes read it; for routes that
// change state, use InCookie with WithCookies (see _example/cookies).
func sessionCookie(c *gin.Context) (string, error) {
	token, _ := c.Cookie("session")
	return token, nil
}

func whoami(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
}
