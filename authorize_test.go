package ginpaseto_test

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

var errNotOwner = errors.New("alice does not own this document")

func TestAuthorize(t *testing.T) {
	var calls atomic.Int32
	hook := func(result error) ginpaseto.CheckOption {
		return ginpaseto.Authorize(func(c *gin.Context, claims *ginpaseto.Claims) error {
			calls.Add(1)
			return result
		})
	}
	var nilError *ginpaseto.Error
	var seen atomic.Pointer[ginpaseto.Error]
	auth := newAuth(t, ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
		seen.Store(err)
		ginpaseto.DefaultErrorHandler(c, err)
	}))
	r := gin.New()
	r.GET("/allow", auth.Required(hook(nil)), whoami)
	r.GET("/plain", auth.Required(hook(errNotOwner)), whoami)
	r.GET("/own", auth.Required(hook(&ginpaseto.Error{Status: http.StatusNotFound, Message: "No such document", Err: errNotOwner})), whoami)
	r.GET("/zero-status", auth.Required(hook(&ginpaseto.Error{Message: "Not yours", Err: errNotOwner})), whoami)
	r.GET("/ok-status", auth.Required(hook(&ginpaseto.Error{Status: http.StatusOK, Message: "Not yours"})), whoami)
	r.GET("/nil-error", auth.Required(hook(nilError)), whoami)
	r.GET("/wrapped", auth.Required(hook(errors.Join(errNotOwner, &ginpaseto.Error{Status: 402, Message: "Payment required"}))), whoami)
	r.GET("/scoped", auth.Required(ginpaseto.RequireScopes("docs"), hook(nil)), whoami)
	r.GET("/optional", auth.Optional(hook(errNotOwner)), whoami)
	r.GET("/refresh", auth.RefreshRequired(hook(nil)), whoami)
	srv := serve(t, r)
	access := token(t, auth, ginpaseto.TypeAccess)

	tests := []struct {
		name   string
		path   string
		token  string
		status int
		body   string
		calls  int32
		cause  error // errors.Is must find it in what the error handler got
	}{
		{"allowed", "/allow", access, 200, user("alice"), 1, nil},
		{"plain error", "/plain", access, 403, detail("Forbidden"), 1, errNotOwner},
		{"its own *Error", "/own", access, 404, detail("No such document"), 1, errNotOwner},
		{"zero status becomes 403", "/zero-status", access, 403, detail("Not yours"), 1, errNotOwner},
		{"2xx status becomes 403", "/ok-status", access, 403, detail("Not yours"), 1, nil},
		{"a nil *Error still refuses", "/nil-error", access, 403, detail("Forbidden"), 1, ginpaseto.ErrForbidden},
		{"a wrapped *Error", "/wrapped", access, 402, detail("Payment required"), 1, nil},

		{"not called without a token", "/allow", "", 401, detail("PASETO Authorization Token required"), 0, ginpaseto.ErrTokenMissing},
		{"not called for a bad token", "/allow", "v4.local.AAAA", 401, detail("Invalid PASETO token"), 0, ginpaseto.ErrTokenInvalid},
		{"not called for the wrong type", "/refresh", access, 401, detail("Refresh token required but access provided"), 0, ginpaseto.ErrWrongTokenType},
		{"not called without the scopes", "/scoped", access, 403, insufficient, 0, ginpaseto.ErrInsufficientScope},
		{"called with the scopes", "/scoped", token(t, auth, ginpaseto.TypeAccess, ginpaseto.Scopes("docs")), 200, user("alice"), 1, nil},
		{"not called for anonymous requests", "/optional", "", 200, user(""), 0, nil},
		{"optional with a token", "/optional", access, 403, detail("Forbidden"), 1, errNotOwner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Store(0)
			seen.Store(nil)
			got := do(t, srv, request{path: tt.path, token: tt.token})
			expect(t, got, tt.status, tt.body)
			assert.Equal(t, tt.calls, calls.Load(), "hook calls")
			if got.status == 403 && tt.cause != ginpaseto.ErrInsufficientScope {
				assert.Empty(t, got.challenge, "a refusal by the hook is no scope challenge")
			}
			if tt.cause != nil {
				require.NotNil(t, seen.Load())
				assert.ErrorIs(t, seen.Load(), tt.cause)
			}
			if tt.path == "/plain" || tt.path == "/nil-error" {
				assert.ErrorIs(t, seen.Load(), ginpaseto.ErrForbidden)
			}
		})
	}
}

func TestAuthorizeOrderAndClaims(t *testing.T) {
	auth := newAuth(t)
	var order []string
	record := func(name string, result error) ginpaseto.CheckOption {
		return ginpaseto.Authorize(func(c *gin.Context, claims *ginpaseto.Claims) error {
			order = append(order, name)
			got, ok := ginpaseto.GetClaims(c)
			require.True(t, ok, "the hook reads the claims from the context too")
			assert.Same(t, claims, got)
			assert.Equal(t, "alice", claims.Subject)
			return result
		})
	}
	r := gin.New()
	r.GET("/all", auth.Required(record("first", nil), record("second", nil)), whoami)
	r.GET("/stop", auth.Required(record("first", errNotOwner), record("second", nil)), whoami)
	srv := serve(t, r)
	access := token(t, auth, ginpaseto.TypeAccess)

	expect(t, do(t, srv, request{path: "/all", token: access}), 200, user("alice"))
	assert.Equal(t, []string{"first", "second"}, order)
	order = nil
	expect(t, do(t, srv, request{path: "/stop", token: access}), 403, detail("Forbidden"))
	assert.Equal(t, []string{"first"}, order, "the first refusal ends the check")
}

// TestAuthorizeNil: a nil hook makes New fail and the check panic at
// registration.
func TestAuthorizeNil(t *testing.T) {
	assert.PanicsWithValue(t, "ginpaseto: Authorize: function is nil", func() { newAuth(t).Required(ginpaseto.Authorize(nil)) })
	_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.Authorize(nil))
	assert.EqualError(t, err, "ginpaseto: Authorize: function is nil")
}

// TestAuthorizePanics shows what a panicking hook, an application bug,
// does: what a panicking handler does.
func TestAuthorizePanics(t *testing.T) {
	auth := newAuth(t)
	var reached atomic.Bool
	boom := ginpaseto.Authorize(func(*gin.Context, *ginpaseto.Claims) error { panic("bug in the hook") })
	handler := func(c *gin.Context) { reached.Store(true); c.Status(http.StatusOK) }
	access := token(t, auth, ginpaseto.TypeAccess)

	t.Run("with gin.Recovery", func(t *testing.T) {
		reached.Store(false)
		r := gin.New()
		r.Use(gin.RecoveryWithWriter(io.Discard))
		r.GET("/p", auth.Required(boom), handler)
		got := do(t, serve(t, r), request{token: access})
		expect(t, got, http.StatusInternalServerError, "")
		assert.False(t, reached.Load(), "the route's handler must not run")
	})
	t.Run("without recovery", func(t *testing.T) {
		reached.Store(false)
		r := gin.New()
		r.GET("/p", auth.Required(boom), handler)
		srv := httptest.NewUnstartedServer(r)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // net/http logs the panic there
		srv.Start()
		t.Cleanup(srv.Close)
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/p", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+access)
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		require.Error(t, err, "net/http drops the connection of a panicking handler")
		assert.False(t, reached.Load(), "the route's handler must not run")
	})
}
