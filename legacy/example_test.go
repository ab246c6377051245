package legacy_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/legacy"
)

const secretKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

// An Authorizer of a legacy version creates and accepts tokens of that
// version only.
func Example() {
	v3, err := ginpaseto.New(ginpaseto.WithSecretKey(secretKey), ginpaseto.WithVersion(legacy.V3))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := v3.CreateAccessToken(context.Background(), "alice")
	claims, err := v3.ParseToken(tok)
	fmt.Println(tok[:len("v3.local.")], claims.Subject, err)

	v4, _ := ginpaseto.New(ginpaseto.WithSecretKey(secretKey))
	_, err = v4.ParseToken(tok)
	fmt.Println(err)
	// Output:
	// v3.local. alice <nil>
	// PASETO token version or purpose not accepted
}

// V2 has no implicit assertions.
func ExampleV2() {
	v2, err := ginpaseto.New(ginpaseto.WithSecretKey(secretKey), ginpaseto.WithVersion(legacy.V2))
	if err != nil {
		log.Fatal(err)
	}
	tok, _ := v2.CreateAccessToken(context.Background(), "alice")
	fmt.Println(legacy.V2, tok[:len("v2.local.")])
	_, err = v2.CreateAccessToken(context.Background(), "alice", ginpaseto.ImplicitAssertion([]byte("order 42")))
	fmt.Println(err != nil)
	// Output:
	// v2 v2.local.
	// true
}

func ExampleV3() {
	fmt.Println(legacy.V3, legacy.V3 < ginpaseto.V4)
	// Output: v3 true
}
