package ginpaseto_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ginpaseto/ginpaseto"
)

// With the cache, a token a client sends again is not decrypted a second
// time; revocation, expiry and the other checks still apply to it.
func ExampleWithVerifiedTokenCache() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithVerifiedTokenCache(10_000), // about the number of active clients
	)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	ctx := context.Background()
	tok, _ := auth.CreateAccessToken(ctx, "alice")

	claims, err := auth.CheckToken(ctx, tok, ginpaseto.TypeAccess) // verified, then kept
	fmt.Println(claims.Subject, err)
	_ = auth.Revoke(ctx, claims)
	_, err = auth.CheckToken(ctx, tok, ginpaseto.TypeAccess) // from the cache, and revoked
	fmt.Println(err)
	// Output:
	// alice <nil>
	// Token has been revoked
}
