// Command public splits signing from verifying with v4.public tokens: an
// auth service holds the Ed25519 private key, signs tokens at /login and
// publishes its public key; an API service holds only that public key, so
// it can check tokens but never mint one, and a leak of its configuration
// lets nobody log in as anyone.
//
// Both services run in this one program, the auth service on PORT (8000)
// and the API service on API_PORT (8001), both on 127.0.0.1 unless HOST
// says otherwise. The keys come from
// PASETO_PRIVATE_KEY and PASETO_PUBLIC_KEY, as PEM, hex or PASERK; when
// both are unset the program makes a pair that lasts until it exits.
//
//	go run ./_example/public
//	curl localhost:8000/.well-known/paseto-key
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8001/user
package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"log"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

func main() {
	privateKey, publicKey := keyPair(os.Getenv("PASETO_PRIVATE_KEY"), os.Getenv("PASETO_PUBLIC_KEY"))

	// With WithPublicKey as well, New checks that the two keys are a pair.
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(privateKey), ginpaseto.WithPublicKey(publicKey))
	if err != nil {
		log.Fatal(err)
	}
	// No private key: this Authorizer only verifies v4.public tokens. Run
	// apart, the API service would read the key from its configuration or
	// fetch it once from the auth service's /.well-known/paseto-key.
	verifier, err := ginpaseto.New(ginpaseto.WithPublicKey(publicKey))
	if err != nil {
		log.Fatal(err)
	}

	api := exampleapp.NewServer(exampleapp.HostPort(env("API_PORT", "8001")), newAPIService(verifier), exampleapp.DefaultTimeouts)
	go func() { log.Fatal(api.ListenAndServe()) }()
	exampleapp.Serve(newAuthService(signer, publicKey))
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// keyPair returns the configured keys (PEM or PASERK), or a fresh pair for
// this run only: tokens then stop working when the program restarts.
func keyPair(privateKey, publicKey string) (string, string) {
	if privateKey != "" && publicKey != "" {
		return privateKey, publicKey
	}
	if privateKey != "" || publicKey != "" {
		log.Fatal("set both PASETO_PRIVATE_KEY and PASETO_PUBLIC_KEY, or neither")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		log.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		log.Fatal(err)
	}
	log.Print("PASETO_PRIVATE_KEY is not set: using an ephemeral key pair, tokens will not survive a restart")
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
}

// newAuthService signs tokens, and tells other services which key checks
// them. The public key is no secret: anyone may fetch it.
func newAuthService(auth *ginpaseto.Authorizer, publicKey string) *gin.Engine {
	r := exampleapp.NewEngine()
	r.GET("/.well-known/paseto-key", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"public_key": publicKey})
	})
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

// newAPIService serves the protected resources. It never sees a password
// or the private key.
func newAPIService(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	return r
}
