// Command signer is the signing service of the key set example: it logs
// users in, signs v4.public tokens with its active key, and publishes the
// public keys that verify them at /.well-known/paseto-keys. On SIGHUP it
// rotates: a new key becomes active and the previous one stays, retired, so
// that the tokens it signed keep working until they expire.
//
// It listens on 127.0.0.1 (HOST overrides), PORT (8000). Its first key comes from PASETO_PRIVATE_KEY
// (PEM, hex or PASERK) or, when that is unset, is made for this run only;
// the keys made by rotation live only in memory. A real service would keep
// them in its secret store and rotate on a schedule.
package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
	"github.com/ginpaseto/ginpaseto/keyring"
)

// keptRetired is how many retired keys stay published after a rotation: a
// key is dropped once two newer ones have signed, which must be longer
// ago than the longest token lifetime (15 minutes for these access
// tokens) for its tokens to run out first.
const keptRetired = 2

// keySetMaxAge is how long verifiers may cache the key set.
const keySetMaxAge = time.Minute

func main() {
	first := os.Getenv("PASETO_PRIVATE_KEY")
	if first == "" {
		log.Print("PASETO_PRIVATE_KEY is not set: using an ephemeral key, tokens will not survive a restart")
		first = newKey()
	}
	keys := &rotation{keys: []string{first}}
	auth, err := ginpaseto.New(ginpaseto.WithKeys(keys.keyring()...))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("signing with %s", auth.Keys().ActiveKID(ginpaseto.Public))

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for range hup {
			if err := keys.rotate(auth); err != nil {
				log.Printf("rotation failed, keeping the current keys: %v", err)
			}
		}
	}()
	exampleapp.Serve(newRouter(auth))
}

// newRouter serves the login and the key set.
func newRouter(auth *ginpaseto.Authorizer) http.Handler {
	r := exampleapp.NewEngine()
	r.GET("/.well-known/paseto-keys", auth.KeySetHandler(keySetMaxAge))
	r.POST("/login", func(c *gin.Context) {
		username, ok := exampleapp.Login(c)
		if !ok {
			return
		}
		token, err := auth.CreateAccessToken(c, username)
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": token})
	})
	return r
}

// rotation holds the private keys, newest first.
type rotation struct {
	mu   sync.Mutex
	keys []string
}

// keyring makes the newest key active and the others retired.
func (r *rotation) keyring() []keyring.Key {
	keys := []keyring.Key{keyring.PrivateKey(r.keys[0])}
	for _, k := range r.keys[1:] {
		keys = append(keys, keyring.PrivateKey(k).Retired())
	}
	return keys
}

// rotate makes a new active key, retires the current one and drops the
// oldest beyond keptRetired.
func (r *rotation) rotate(auth *ginpaseto.Authorizer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	next := append([]string{newKey()}, r.keys...)
	if len(next) > 1+keptRetired {
		next = next[:1+keptRetired]
	}
	old := r.keys
	r.keys = next
	if err := auth.SetKeys(r.keyring()...); err != nil {
		r.keys = old
		return err
	}
	log.Printf("rotated: signing with %s; %d retired keys still verify", auth.Keys().ActiveKID(ginpaseto.Public), len(next)-1)
	return nil
}

// newKey returns a new Ed25519 private key as the hex of its seed.
func newKey() string {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	return hex.EncodeToString(priv.Seed())
}
