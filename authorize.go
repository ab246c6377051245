package ginpaseto

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Authorization decides what an authenticated token may do, after the
// token is known to be genuine, current, unrevoked and of the right type.
// A refusal here is 403, not 401: the client is known, and another token
// of the same subject would not help unless it carries more rights.

// ErrForbidden: an Authorize hook refused the request without a *Error of
// its own. The check answers 403 "Forbidden".
var ErrForbidden = errors.New("ginpaseto: forbidden")

const msgForbidden = "Forbidden"

var errForbidden = newError(http.StatusForbidden, ErrForbidden, msgForbidden)

// Authorize makes the check call allow once the token has passed every
// other step (verification, revocation, type, freshness and
// RequireScopes), so that allow sees only genuine claims, also available
// to it through GetClaims and ClaimsAs. nil lets the request through; an
// error refuses
// the request: a *Error as is (with 403 if its status is not an error
// status), anything else as 403 "Forbidden" wrapping ErrForbidden and the
// error, for logs. Several Authorize options on one check run in order,
// and all must allow; given to New, the hook runs in every check, before
// the check's own. Return the error rather than writing a response: the
// error handler writes it, as for every other refusal.
//
// allow runs in the request's goroutine, before the handlers after the
// check. A panic in it is a bug of the application, and is treated like a
// panic in a handler: with gin.Recovery (part of gin.Default) the client
// gets an empty 500 and the panic is logged; without it, net/http logs the
// panic and drops the connection. Either way no later handler runs. A nil
// allow makes New fail, or the check panic at registration.
func Authorize(allow func(c *gin.Context, claims *Claims) error) CheckOption {
	var err error
	if allow == nil {
		err = errors.New("ginpaseto: Authorize: function is nil")
	}
	return newCheckOption(err, func(c *checkConfig) { c.rules.hooks = append(c.rules.hooks, allow) })
}

// rules are a check's authorization options, as the options set them.
type rules struct {
	scopes []string
	hooks  []func(*gin.Context, *Claims) error
}

// compiledRules are a check's authorization options, resolved at
// registration: the refusal for missing scopes is built once.
type compiledRules struct {
	scopes   []string
	scopeErr *Error
	hooks    []func(*gin.Context, *Claims) error
}

func (r rules) compile() compiledRules {
	cr := compiledRules{scopes: r.scopes, hooks: r.hooks}
	if len(r.scopes) > 0 {
		cr.scopeErr = insufficientScope(r.scopes)
	}
	return cr
}

// checkScopes refuses claims that lack a required scope.
func (r *compiledRules) checkScopes(claims *Claims) *Error {
	for _, s := range r.scopes {
		if !claims.HasScope(s) {
			return r.scopeErr
		}
	}
	return nil
}

// runHooks calls the Authorize hooks in order, stopping at the first
// refusal.
func (r *compiledRules) runHooks(c *gin.Context, claims *Claims) *Error {
	for _, allow := range r.hooks {
		if err := allow(c, claims); err != nil {
			return asError(err, errForbidden)
		}
	}
	return nil
}
