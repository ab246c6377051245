package ginpaseto

import "github.com/gin-gonic/gin"

// typedKey is the gin.Context key of the claims decoded as T: one key per
// type, unexported, so only ClaimsAs[T] reads or writes it.
type typedKey[T any] struct{}

// typedClaims is T decoded from one accepted token. from tells whether it
// still belongs to the request's token: a second check later in the chain
// may accept another one.
type typedClaims[T any] struct {
	from  *Claims
	value *T
}

// ClaimsAs returns the claims of the token a check accepted for this
// request decoded into a T, usually a struct with json tags naming the
// application's claims (and, if it wants them, registered ones such as
// "sub"). The payload is decoded once per request and type: later calls
// for the same T, in later handlers or in an Authorize hook, return the
// same *T without parsing again, so treat it as read-only. Registered
// claims decode to the values the Claims fields hold, since a payload
// whose keys could be read two ways is refused when the token is checked.
//
// The error is the one Claims.Decode gives: when no check accepted a token
// (a handler before the check, or an anonymous request through Optional),
// or when the payload does not decode into T.
func ClaimsAs[T any](c *gin.Context) (*T, error) {
	claims, _ := GetClaims(c)
	if v, ok := c.Get(typedKey[T]{}); ok {
		if tc, ok := v.(*typedClaims[T]); ok && tc.from == claims && claims != nil {
			return tc.value, nil
		}
	}
	value := new(T)
	if err := claims.Decode(value); err != nil {
		return nil, err
	}
	c.Set(typedKey[T]{}, &typedClaims[T]{from: claims, value: value})
	return value, nil
}
