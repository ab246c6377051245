// Command bigapp is the shape of a larger service: one Authorizer built at
// start-up and shared by every route group, authentication on by default
// with a short list of public routes, a role check for admins, sessions
// (refresh-token rotation with reuse detection, logout, logout everywhere)
// on the ready-made session handlers, and a graceful shutdown.
//
//	go run ./_example/bigapp
//	curl localhost:8000/api/v1/public/status
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"alice","password":"alice-password"}' localhost:8000/auth/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/api/v1/me
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/api/v1/admin/users
//	curl -X POST -H "Authorization: Bearer <refresh_token>" localhost:8000/auth/refresh
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/auth/logout
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/auth/logout-all
//
// The routes are in routes.go, the handlers in handlers.go.
package main

import (
	"context"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

// user is an account. A real service keeps a password hash (argon2id,
// bcrypt) in a database, not the password.
type user struct {
	password string
	role     string
}

var demoUsers = map[string]user{
	"alice": {password: "alice-password", role: "admin"},
	"bob":   {password: "bob-password", role: "member"},
}

// app holds what the handlers share. The Authorizer is built once: it owns
// the keys and the session store, and every route must see the same ones.
type app struct {
	auth  *ginpaseto.Authorizer
	users map[string]user
}

func main() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleapp.SecretKey()))
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", exampleapp.Addr())
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, ln, newRouter(&app{auth: auth, users: demoUsers})); err != nil {
		log.Fatal(err)
	}
}

// serve answers requests on ln until ctx is done, then stops accepting
// connections and lets the requests in flight finish.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	return exampleapp.ServeUntil(ctx, ln, exampleapp.NewServer("", h, exampleapp.DefaultTimeouts))
}
