package ginpaseto_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

var errStoreDown = errors.New("denylist store: connection refused")

func TestChallengeHeader(t *testing.T) {
	auth := newAuth(t)
	down := newAuth(t, ginpaseto.WithDenylist(stubDenylist{err: errStoreDown}))
	srv := serve(t, routes(auth))
	downSrv := serve(t, routes(down))
	expired := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExpiresAt(time.Now().Add(-time.Minute)))
	revoked := token(t, auth, ginpaseto.TypeAccess)
	revoke(t, auth, revoked)

	const invalid = `Bearer error="invalid_token"`
	tests := []struct {
		name      string
		srv       string
		req       request
		status    int
		challenge string
	}{
		{"no token", "", request{path: "/required"}, 401, `Bearer`},
		{"empty header", "", request{path: "/required", headers: []string{"Authorization", ""}}, 401, `Bearer`},
		{"malformed header", "", request{path: "/required", headers: []string{"Authorization", "Bearer a b"}}, 401, invalid},
		{"garbage token", "", request{path: "/required", token: "v4.local.AAAA"}, 401, invalid},
		{"expired", "", request{path: "/required", token: expired}, 401, invalid},
		{"revoked", "", request{path: "/required", token: revoked}, 401, invalid},
		{"wrong type", "", request{path: "/refresh", token: token(t, auth, ginpaseto.TypeAccess)}, 401, invalid},
		{"not fresh", "", request{path: "/fresh", token: token(t, auth, ginpaseto.TypeAccess)}, 401, invalid},
		{"accepted", "", request{path: "/required", token: token(t, auth, ginpaseto.TypeAccess)}, 200, ``},
		{"store down", "down", request{path: "/required", token: token(t, down, ginpaseto.TypeAccess)}, 503, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srv
			if tt.srv == "down" {
				s = downSrv
			}
			got := do(t, s, tt.req)
			assert.Equal(t, tt.status, got.status, got.body)
			assert.Equal(t, tt.challenge, got.challenge)
		})
	}
}

func TestRevocationUnavailable(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithDenylist(stubDenylist{err: errStoreDown}))
	srv := serve(t, routes(auth))
	tests := []struct {
		path, tokenType string
		status          int
		body            string
	}{
		{"/required", ginpaseto.TypeAccess, 503, detail("Token revocation status unavailable")},
		{"/optional", ginpaseto.TypeAccess, 503, detail("Token revocation status unavailable")},
		{"/refresh", ginpaseto.TypeRefresh, 503, detail("Token revocation status unavailable")},
		// Custom types are not revocable by default, so the store is not asked.
		{"/reset", "reset", 200, user("alice")},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := do(t, srv, request{path: tt.path, token: token(t, auth, tt.tokenType)})
			expect(t, got, tt.status, tt.body)
			assert.Empty(t, got.challenge)
		})
	}
}

// captured records the *Error the handler received for each request.
type captured struct{ errs chan *ginpaseto.Error }

func (c captured) handler(ctx *gin.Context, err *ginpaseto.Error) {
	c.errs <- err
	ginpaseto.DefaultErrorHandler(ctx, err)
}

func TestErrorsIs(t *testing.T) {
	seen := captured{errs: make(chan *ginpaseto.Error, 1)}
	auth := newAuth(t, ginpaseto.WithErrorHandler(seen.handler))
	down := newAuth(t, ginpaseto.WithErrorHandler(seen.handler), ginpaseto.WithDenylist(stubDenylist{err: errStoreDown}))
	srv, downSrv := serve(t, routes(auth)), serve(t, routes(down))
	revoked := token(t, auth, ginpaseto.TypeAccess)
	revoke(t, auth, revoked)

	sentinels := []error{
		ginpaseto.ErrTokenMissing, ginpaseto.ErrTokenInvalid, ginpaseto.ErrTokenExpired, ginpaseto.ErrTokenRevoked,
		ginpaseto.ErrWrongTokenType, ginpaseto.ErrTokenNotFresh, ginpaseto.ErrRevocationUnavailable,
	}
	tests := []struct {
		name   string
		down   bool
		req    request
		want   error
		status int
	}{
		{"missing", false, request{path: "/required"}, ginpaseto.ErrTokenMissing, 401},
		{"malformed header", false, request{path: "/required", headers: []string{"Authorization", "Bearer"}}, ginpaseto.ErrTokenInvalid, 401},
		{"invalid", false, request{path: "/required", token: "v4.local.AAAA"}, ginpaseto.ErrTokenInvalid, 401},
		{"unsupported version", false, request{path: "/required", token: "v1.local.AAAA"}, ginpaseto.ErrTokenInvalid, 401},
		{"expired", false, request{path: "/required",
			token: token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExpiresAt(time.Now().Add(-time.Minute)))}, ginpaseto.ErrTokenExpired, 401},
		{"revoked", false, request{path: "/required", token: revoked}, ginpaseto.ErrTokenRevoked, 401},
		{"wrong type", false, request{path: "/required", token: token(t, auth, ginpaseto.TypeRefresh)}, ginpaseto.ErrWrongTokenType, 401},
		{"not fresh", false, request{path: "/fresh", token: token(t, auth, ginpaseto.TypeAccess)}, ginpaseto.ErrTokenNotFresh, 401},
		{"store down", true, request{path: "/required", token: token(t, down, ginpaseto.TypeAccess)}, ginpaseto.ErrRevocationUnavailable, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srv
			if tt.down {
				s = downSrv
			}
			got := do(t, s, tt.req)
			require.Equal(t, tt.status, got.status)
			err := <-seen.errs
			assert.Equal(t, tt.status, err.Status)
			assert.Equal(t, detail(err.Message), got.body)
			if tt.down {
				assert.Equal(t, err.Message+": ginpaseto: revocation status unavailable; "+errStoreDown.Error(), err.Error(), "the message and its cause, on one line")
			} else {
				assert.Equal(t, err.Message, err.Error(), "a sentinel alone adds nothing to the message")
			}
			for _, s := range sentinels {
				assert.Equal(t, s == tt.want, errors.Is(err, s), "errors.Is(err, %v)", s)
			}
			var e *ginpaseto.Error
			assert.True(t, errors.As(error(err), &e))
			if tt.down {
				assert.ErrorIs(t, err, errStoreDown, "the store's error is kept for logs")
				assert.NotContains(t, got.body, "connection refused", "but not shown to the client")
			}
		})
	}
}

func TestErrorHandlerWithoutAbort(t *testing.T) {
	var reached atomic.Bool
	auth := newAuth(t, ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
		c.JSON(http.StatusTeapot, gin.H{"error": err.Message}) // no Abort
	}))
	r := gin.New()
	r.GET("/p", auth.Required(), func(c *gin.Context) {
		reached.Store(true)
		c.JSON(http.StatusOK, gin.H{"secret": "data"})
	})
	r.GET("/o", auth.Optional(), func(c *gin.Context) {
		reached.Store(true)
		c.JSON(http.StatusOK, gin.H{"secret": "data"})
	})
	srv := serve(t, r)
	tests := []struct {
		name string
		req  request
		body string
	}{
		{"missing", request{}, `{"error":"PASETO Authorization Token required"}`},
		{"invalid", request{token: "v4.local.AAAA"}, `{"error":"Invalid PASETO token"}`},
		{"wrong type", request{token: token(t, auth, ginpaseto.TypeRefresh)}, `{"error":"Access token required but refresh provided"}`},
		{"optional, wrong type", request{path: "/o", token: token(t, auth, ginpaseto.TypeRefresh)}, `{"error":"Access token required but refresh provided"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reached.Store(false)
			expect(t, do(t, srv, tt.req), http.StatusTeapot, tt.body)
			assert.False(t, reached.Load(), "the route ran after a failed check")
		})
	}
}

// TestErrorBodiesLeakNothing sends broken tokens and checks that no
// response repeats any part of the token or the key.
func TestErrorBodiesLeakNothing(t *testing.T) {
	auth := newAuth(t)
	srv := serve(t, routes(auth))
	good := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Footer("kid-1"))
	other, err := ginpaseto.New(ginpaseto.WithSecretKey("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))
	require.NoError(t, err)

	body := strings.TrimPrefix(good, "v4.local.")
	flipped := []byte(good)
	i := len("v4.local.") + len(body)/2
	flipped[i] = map[bool]byte{true: 'B', false: 'A'}[flipped[i] == 'A']
	tests := []struct {
		name  string
		token string
	}{
		{"tampered body", string(flipped)},
		{"truncated", good[:len(good)-10]},
		{"footer swapped", good[:strings.LastIndexByte(good, '.')] + ".a2lkLTI"},
		{"other key", token(t, other, ginpaseto.TypeAccess)},
		{"version changed", "v3" + good[2:]},
		{"purpose changed", strings.Replace(good, "local", "public", 1)},
		{"bad characters", good + "==="},
		{"inside a sentence", "Bearer-" + good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, req := range []request{
				{path: "/required", token: tt.token},
				{path: "/required", headers: []string{"Authorization", "Bearer " + tt.token + " extra"}},
				{path: "/refresh", token: tt.token},
			} {
				got := do(t, srv, req)
				require.Equal(t, 401, got.status)
				assert.NotContains(t, got.body, testKey)
				for j := 0; j+20 <= len(tt.token); j++ {
					if strings.Contains(got.body, tt.token[j:j+20]) {
						t.Fatalf("response %s repeats token bytes %q", got.body, tt.token[j:j+20])
					}
				}
			}
		})
	}
}

// TestErrorString: Error gives the message and the cause on one line, and
// the message alone when the cause is only the sentinel it stands for.
func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *ginpaseto.Error
		want string
	}{
		{"no cause", &ginpaseto.Error{Status: 401, Message: "Token has expired"}, "Token has expired"},
		{"sentinel only", &ginpaseto.Error{Status: 401, Message: "Token has expired", Err: ginpaseto.ErrTokenExpired}, "Token has expired"},
		{"a cause", &ginpaseto.Error{Status: 503, Message: "Session store unavailable", Err: errStoreDown}, "Session store unavailable: " + errStoreDown.Error()},
		{"joined causes", &ginpaseto.Error{Status: 503, Message: "Session store unavailable", Err: errors.Join(ginpaseto.ErrStoreUnavailable, errStoreDown)},
			"Session store unavailable: ginpaseto: session store unavailable; " + errStoreDown.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			assert.NotContains(t, tt.err.Error(), "\n")
		})
	}
}

// TestStoreWriteErrors: a write that fails says the store is unavailable,
// a check that fails that the revocation status is.
func TestStoreWriteErrors(t *testing.T) {
	ctx := context.Background()
	up := newAuth(t)
	pair, err := up.CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	claims, err := up.ParseToken(pair.AccessToken)
	require.NoError(t, err)

	down := newAuth(t, ginpaseto.WithStore(failingStore{}))
	_, createErr := down.CreateTokenPair(ctx, "alice")
	writes := map[string]error{
		"CreateTokenPair": createErr,
		"RevokeSession":   down.RevokeSession(ctx, pair.SessionID),
		"RevokeSubject":   down.RevokeSubject(ctx, "alice"),
		"Revoke":          down.Revoke(ctx, claims),
	}
	for name, err := range writes {
		var e *ginpaseto.Error
		require.ErrorAs(t, err, &e, name)
		assert.Equal(t, http.StatusServiceUnavailable, e.Status, name)
		assert.Equal(t, "Session store unavailable", e.Message, name)
		assert.ErrorIs(t, err, ginpaseto.ErrStoreUnavailable, name)
		assert.NotErrorIs(t, err, ginpaseto.ErrRevocationUnavailable, name)
		assert.ErrorIs(t, err, errStoreDown, name)
		assert.Equal(t, "Session store unavailable: ginpaseto: session store unavailable; "+errStoreDown.Error(), err.Error(), name)
	}
	srv := serve(t, routes(down))
	expect(t, do(t, srv, request{path: "/required", token: pair.AccessToken}), 503, detail("Token revocation status unavailable"))
}

// TestAbort: Abort answers any error as the checks would, through the
// configured error handler.
func TestAbort(t *testing.T) {
	var handled atomic.Pointer[ginpaseto.Error]
	auth := newAuth(t, ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
		handled.Store(err)
		ginpaseto.DefaultErrorHandler(c, err)
	}))
	var errNil *ginpaseto.Error
	tests := []struct {
		name      string
		err       error
		status    int
		body      string
		challenge string
	}{
		{"an *Error", &ginpaseto.Error{Status: http.StatusPaymentRequired, Message: "Pay first", Err: ginpaseto.ErrForbidden}, 402, detail("Pay first"), ""},
		{"a wrapped *Error", fmt.Errorf("loading user: %w", &ginpaseto.Error{Status: 403, Message: "Account disabled"}), 403, detail("Account disabled"), ""},
		{"expired", fmt.Errorf("step: %w", ginpaseto.ErrTokenExpired), 401, detail("Token has expired"), `Bearer error="invalid_token"`},
		{"missing", ginpaseto.ErrTokenMissing, 401, detail("PASETO Authorization Token required"), "Bearer"},
		{"reused", fmt.Errorf("%w: %w", ginpaseto.ErrRefreshTokenReused, ginpaseto.ErrTokenRevoked), 401, detail("Refresh token reuse detected"), `Bearer error="invalid_token"`},
		{"revoked", ginpaseto.ErrTokenRevoked, 401, detail("Token has been revoked"), `Bearer error="invalid_token"`},
		{"store down", errors.Join(ginpaseto.ErrStoreUnavailable, errStoreDown), 503, detail("Session store unavailable"), ""},
		{"revocation status down", fmt.Errorf("%w: %w", ginpaseto.ErrRevocationUnavailable, errStoreDown), 503, detail("Token revocation status unavailable"), ""},
		{"insufficient scope", ginpaseto.ErrInsufficientScope, 403, detail("Insufficient scope"), ""},
		{"forbidden", ginpaseto.ErrForbidden, 403, detail("Forbidden"), ""},
		{"CSRF", ginpaseto.ErrCSRFTokenMissing, 403, detail("Missing CSRF Token"), ""},
		{"anything else", errStoreDown, 500, detail("Internal server error"), ""},
		{"a nil *Error", errNil, 500, detail("Internal server error"), ""},
		{"nil", nil, 500, detail("Internal server error"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged []error
			reached := false
			r := gin.New()
			r.GET("/p", func(c *gin.Context) {
				auth.Abort(c, tt.err)
				for _, e := range c.Errors {
					logged = append(logged, e.Err)
				}
			}, func(c *gin.Context) { reached = true })
			got := do(t, serve(t, r), request{path: "/p"})
			expect(t, got, tt.status, tt.body)
			assert.Equal(t, tt.challenge, got.challenge)
			assert.False(t, reached, "Abort stops the chain")
			e := handled.Load()
			require.NotNil(t, e, "the error handler answered")
			assert.Equal(t, tt.status, e.Status)
			var own *ginpaseto.Error
			switch {
			case tt.err == nil || errors.As(tt.err, &own) && own == nil:
				assert.Empty(t, logged)
			case own != nil:
				assert.Equal(t, *own, *e, "answered as it is, a copy")
				assert.Equal(t, []error{tt.err}, logged, "given to gin for the logs")
			default:
				assert.ErrorIs(t, e, tt.err, "the cause is kept")
				assert.Equal(t, []error{tt.err}, logged, "and given to gin for the logs")
			}
			assert.NotContains(t, got.body, "connection refused")
		})
	}
}
