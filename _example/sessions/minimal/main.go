// Command minimal is the session flow of a real application, as the README
// shows it: login starts a session whose tokens travel in cookies,
// /refresh rotates them, /logout ends the session, and sessions live in
// Redis, so that every replica of the service shares them.
//
//	export PASETO_SECRET_KEY=$(go run github.com/ginpaseto/ginpaseto/cmd/ginpaseto keygen local)
//	REDIS_URL=redis://localhost:6379/0 go run ./minimal
package main

import (
	"cmp"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/rueidis"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/accesslog"
	"github.com/ginpaseto/ginpaseto/redisstore"
)

func main() {
	redis, err := rueidis.ParseURL(cmp.Or(os.Getenv("REDIS_URL"), "redis://localhost:6379/0"))
	if err != nil {
		log.Fatal(err)
	}
	store, err := redisstore.Connect(redis) // the service may start before Redis: 503 until it answers
	if err != nil {
		log.Fatal(err)
	}
	auth, err := ginpaseto.New(
		ginpaseto.FromEnv(),                             // PASETO_SECRET_KEY, and lifetimes, refresh grace... if set
		ginpaseto.WithStore(store),                      // sessions shared by every replica
		ginpaseto.WithCookies(ginpaseto.CookieConfig{}), // HttpOnly, Secure, SameSite cookies; CSRF checks
	)
	if err != nil {
		log.Fatal(err) // a missing or weak key, options that contradict each other: said here
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.LoggerWithFormatter(accesslog.Formatter()), gin.Recovery()) // an access log without tokens
	_ = r.SetTrustedProxies(nil)                                          // behind a proxy, name it here
	r.POST("/login", auth.RefuseCrossOrigin(), func(c *gin.Context) {
		var u struct{ Username, Password string }
		if c.ShouldBindJSON(&u) != nil || u.Username != "test" || u.Password != "test" { // your user store
			c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
			return
		}
		auth.StartSession(c, u.Username, ginpaseto.SessionCookies()) // sets the cookies, answers their expiry
	})
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler()) // a new pair; the old refresh token is spent
	r.POST("/logout", auth.LogoutHandler())                           // ends the session, clears the cookies
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})

	srv := &http.Server{Addr: "127.0.0.1:" + cmp.Or(os.Getenv("PORT"), "8000"), Handler: r,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	log.Fatal(srv.ListenAndServe())
}
