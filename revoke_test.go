package ginpaseto_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// stubDenylist answers every lookup the same way.
type stubDenylist struct {
	revoked bool
	err     error
}

func (s stubDenylist) IsRevoked(context.Context, *ginpaseto.Claims) (bool, error) {
	return s.revoked, s.err
}

func TestLogout(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	r.DELETE("/logout", auth.Required(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		if err := auth.Revoke(c, claims); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"detail": "Logged out"})
	})
	r.DELETE("/refresh", auth.RefreshRequired(), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		if err := auth.Revoke(c, claims); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"detail": "Refresh token revoked"})
	})
	r.GET("/user", auth.Required(), whoami)
	r.GET("/refresh", auth.RefreshRequired(), whoami)
	srv := serve(t, r)

	access := token(t, auth, ginpaseto.TypeAccess)
	kept := token(t, auth, ginpaseto.TypeAccess)
	refresh := token(t, auth, ginpaseto.TypeRefresh)
	steps := []struct {
		name   string
		req    request
		status int
		body   string
	}{
		{"before logout", request{path: "/user", token: access}, 200, user("alice")},
		{"logout", request{method: http.MethodDelete, path: "/logout", token: access}, 200, detail("Logged out")},
		{"after logout", request{path: "/user", token: access}, 401, detail("Token has been revoked")},
		{"logout again", request{method: http.MethodDelete, path: "/logout", token: access}, 401, detail("Token has been revoked")},
		{"another token of the same user", request{path: "/user", token: kept}, 200, user("alice")},
		{"refresh before", request{path: "/refresh", token: refresh}, 200, user("alice")},
		{"revoke refresh", request{method: http.MethodDelete, path: "/refresh", token: refresh}, 200, detail("Refresh token revoked")},
		{"refresh after", request{path: "/refresh", token: refresh}, 401, detail("Token has been revoked")},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			expect(t, do(t, srv, s.req), s.status, s.body)
		})
	}
}

func TestRevokeErrors(t *testing.T) {
	ctx := context.Background()
	auth := newAuth(t)
	assert.ErrorContains(t, auth.Revoke(ctx, nil), "no jti")
	assert.ErrorContains(t, auth.Revoke(ctx, &ginpaseto.Claims{Subject: "alice"}), "no jti")

	// Revoking twice: the second finds the token refused already.
	claims, err := auth.ParseToken(token(t, auth, ginpaseto.TypeAccess))
	require.NoError(t, err)
	require.NoError(t, auth.Revoke(ctx, claims))
	err = auth.Revoke(ctx, claims)
	require.ErrorIs(t, err, ginpaseto.ErrTokenRevoked)
	var e *ginpaseto.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusUnauthorized, e.Status)

	// A store that cannot answer: 503, the cause kept.
	down := newAuth(t, ginpaseto.WithStore(failingStore{}))
	err = down.Revoke(ctx, claims)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusServiceUnavailable, e.Status)
	assert.Equal(t, "Session store unavailable", e.Message)
	assert.ErrorIs(t, err, ginpaseto.ErrStoreUnavailable)
	assert.ErrorIs(t, err, errStoreDown)
}

// failingStore is a Store that is down.
type failingStore struct{}

func (failingStore) IsRevoked(context.Context, *ginpaseto.Claims) (bool, error) {
	return false, errStoreDown
}
func (failingStore) Revoke(context.Context, *ginpaseto.Claims) error { return errStoreDown }
func (failingStore) CreateSession(context.Context, ginpaseto.Session) error {
	return errStoreDown
}
func (failingStore) RotateSession(context.Context, string, ginpaseto.Session, time.Duration) (ginpaseto.Session, error) {
	return ginpaseto.Session{}, errStoreDown
}
func (failingStore) Sessions(context.Context, string) ([]ginpaseto.Session, error) {
	return nil, errStoreDown
}
func (failingStore) RevokeSession(context.Context, string) error { return errStoreDown }
func (failingStore) RevokeSubject(context.Context, string, time.Time, time.Time) error {
	return errStoreDown
}

// TestRevokeUncheckedType: revoking a token of a type the checks never
// look up would change nothing, so Revoke says so, naming the option.
func TestRevokeUncheckedType(t *testing.T) {
	tests := []struct {
		name  string
		types []string
		typ   string
	}{
		{"custom type by default", nil, "invite"},
		{"access when only custom", []string{"invite"}, ginpaseto.TypeAccess},
		{"refresh when none", []string{}, ginpaseto.TypeRefresh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []ginpaseto.Option
			if tt.types != nil {
				opts = append(opts, ginpaseto.WithRevocableTypes(tt.types...))
			}
			auth := newAuth(t, opts...)
			claims, err := auth.ParseToken(token(t, auth, tt.typ))
			require.NoError(t, err)
			err = auth.Revoke(context.Background(), claims)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "WithRevocableTypes")
			assert.Contains(t, err.Error(), tt.typ)
		})
	}
}

func TestRevocableTypes(t *testing.T) {
	tests := []struct {
		name   string
		types  []string
		path   string
		typ    string
		status int
		body   string
	}{
		{"default access", nil, "/required", ginpaseto.TypeAccess, 401, detail("Token has been revoked")},
		{"default refresh", nil, "/refresh", ginpaseto.TypeRefresh, 401, detail("Token has been revoked")},
		{"custom only: custom", []string{"reset"}, "/reset", "reset", 401, detail("Token has been revoked")},
		{"access and custom", []string{"access", "reset"}, "/reset", "reset", 401, detail("Token has been revoked")},
		{"access and custom: access", []string{"access", "reset"}, "/required", ginpaseto.TypeAccess, 401, detail("Token has been revoked")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []ginpaseto.Option
			if tt.types != nil {
				opts = append(opts, ginpaseto.WithRevocableTypes(tt.types...))
			}
			auth := newAuth(t, opts...)
			srv := serve(t, routes(auth))
			tok := token(t, auth, tt.typ)
			expect(t, do(t, srv, request{path: tt.path, token: tok}), 200, user("alice"))
			revoke(t, auth, tok)
			expect(t, do(t, srv, request{path: tt.path, token: tok}), tt.status, tt.body)
		})
	}
}

// TestDenylistConsultedAfterStore: a read-only Denylist refuses tokens the
// store accepts, and fails closed.
func TestDenylistConsultedAfterStore(t *testing.T) {
	tests := []struct {
		name   string
		deny   stubDenylist
		status int
		body   string
	}{
		{"accepts", stubDenylist{}, 200, user("alice")},
		{"refuses", stubDenylist{revoked: true}, 401, detail("Token has been revoked")},
		{"down", stubDenylist{err: errStoreDown}, 503, detail("Token revocation status unavailable")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth := newAuth(t, ginpaseto.WithDenylist(tt.deny))
			srv := serve(t, routes(auth))
			expect(t, do(t, srv, request{path: "/required", token: token(t, auth, ginpaseto.TypeAccess)}), tt.status, tt.body)
		})
	}
}

// TestDenylistNotConsultedForInvalidTokens checks that the store is only
// asked about tokens that verified, so that a flood of forged tokens does
// not reach it.
func TestDenylistNotConsultedForInvalidTokens(t *testing.T) {
	var calls countingDenylist
	auth := newAuth(t, ginpaseto.WithDenylist(&calls))
	srv := serve(t, routes(auth))
	for _, tok := range []string{"v4.local.AAAA", "v4.public.AAAA", "garbage",
		token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExpiresAt(time.Now().Add(-time.Minute)))} {
		assert.Equal(t, 401, do(t, srv, request{path: "/required", token: tok}).status)
	}
	calls.mu.Lock()
	assert.Zero(t, calls.n)
	calls.mu.Unlock()
	expect(t, do(t, srv, request{path: "/required", token: token(t, auth, ginpaseto.TypeAccess)}), 200, user("alice"))
	calls.mu.Lock()
	assert.Equal(t, 1, calls.n)
	calls.mu.Unlock()
}

type countingDenylist struct {
	mu sync.Mutex
	n  int
}

func (d *countingDenylist) IsRevoked(context.Context, *ginpaseto.Claims) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n++
	return false, nil
}
