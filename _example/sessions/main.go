// Command sessions is login sessions that hold across replicas: /login
// starts a session with an access and a refresh token; /refresh trades the
// refresh token for a new pair, once (a second use ends the session);
// /logout ends the session, /logout-all every session of the user.
// GET /sessions lists the user's sessions ("where am I logged in?"),
// DELETE /sessions/:id ends one of them (404 for any ID that is not one of
// the user's), POST /logout-others ends all but the caller's, and GET /ws
// is a WebSocket (token in the Authorization header or after the paseto
// subprotocol) that greets the user and closes with 1008 and the reason
// when its session ends, through any instance, or its token expires. The
// page at / does all of that from a browser. Two demo accounts: test/test
// and alice/alice-password. With
// REDIS_URL set, sessions and revocations live in Redis, so that any
// number of instances share them: a logout through one is refused by all.
// Without it they live in this process's memory.
//
//	REDIS_URL=redis://localhost:6379/0 go run .
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/user
//	curl -X POST -H "Authorization: Bearer <refresh_token>" localhost:8000/refresh
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/logout
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/logout-all
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/sessions
//	curl -X DELETE -H "Authorization: Bearer <access_token>" localhost:8000/sessions/<id>
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/logout-others
//
// /logout and /logout-all take the access token or, once it has expired,
// the refresh token. Within the refresh grace (PASETO_REFRESH_GRACE, 30s
// by default) after a rotation, the refresh token it consumed works again,
// for a client that retries or several that refresh at once; later it is
// a reuse, which ends the session.
//
// PORT sets the port (default 8000), PASETO_SECRET_KEY the key (an
// ephemeral one when unset; instances sharing a Redis need the same key);
// the other PASETO_* variables (PASETO_ACCESS_LIFETIME,
// PASETO_REFRESH_GRACE...) apply as ginpaseto.FromEnv reads them.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/rueidis"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
	"github.com/ginpaseto/ginpaseto/redisstore"
)

func main() {
	opts := exampleapp.EnvOptions()
	if url := os.Getenv("REDIS_URL"); url != "" {
		store, err := redisStore(url)
		if err != nil {
			log.Fatal(err)
		}
		defer store.Close()
		opts = append(opts, ginpaseto.WithStore(store))
		log.Print("sessions are kept in Redis")
	} else {
		log.Print("REDIS_URL is not set: sessions are kept in this process's memory")
	}
	auth, err := ginpaseto.New(opts...)
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

// redisStore keeps sessions in the Redis of url, redis://host:port/db,
// connecting in the background: the service starts even before Redis
// does, and answers 503 for what needs it until it is up.
func redisStore(url string) (*redisstore.Store, error) {
	opt, err := rueidis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	// Notice within a second a server that stopped answering, so that its
	// connections, and what they cached, are dropped.
	opt.ConnWriteTimeout = time.Second
	store, err := redisstore.Connect(opt)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	return store, nil
}

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	r.POST("/login", loginHandler(auth))
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	r.POST("/logout", auth.LogoutHandler())
	r.POST("/logout-all", auth.LogoutHandler(ginpaseto.Everywhere()))
	addDevices(r, auth)
	return r
}
