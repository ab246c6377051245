// Package exampleapp holds what the example programs need but none of
// them is about: a key to start with, a demo login, a 500 for a token that
// could not be made, and the address to listen on. A real service has its
// own configuration and user store instead.
package exampleapp

import (
	"crypto/rand"
	"encoding/hex"
	"log"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

// SecretKey returns PASETO_SECRET_KEY or, when it is unset, a random key
// for this run only, logging one line that says so: tokens then stop
// working when the program restarts. A real service loads its key from its
// configuration and refuses to start without one.
func SecretKey() string {
	if key := os.Getenv("PASETO_SECRET_KEY"); key != "" {
		return key
	}
	key := make([]byte, 32)
	rand.Read(key) // never fails since Go 1.24
	log.Print("PASETO_SECRET_KEY is not set: using an ephemeral key, tokens will not survive a restart")
	return hex.EncodeToString(key)
}

// Login reads a login request, a JSON body {"username":…,"password":…},
// and accepts the demo account test/test only. Otherwise it has already
// answered 401 {"detail":"Bad username or password"} and ok is false, so
// the handler just returns.
func Login(c *gin.Context) (username string, ok bool) {
	var u struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := c.ShouldBindJSON(&u); err != nil || u.Username != "test" || u.Password != "test" {
		c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
		return "", false
	}
	return u.Username, true
}

// TokenFailed answers 500 {"detail":"Could not create token"} when err,
// from creating a token, is not nil, and reports whether it did. Only a
// misconfigured Authorizer fails there, such as one without a signing key:
// the error goes to gin's log, not to the client.
func TokenFailed(c *gin.Context, err error) bool {
	if err == nil {
		return false
	}
	_ = c.Error(err) // for gin's logger
	c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"detail": "Could not create token"})
	return true
}

// Addr is the address to listen on: ":$PORT", or ":8000" when PORT is
// unset.
func Addr() string {
	if port := os.Getenv("PORT"); port != "" {
		return ":" + port
	}
	return ":8000"
}
