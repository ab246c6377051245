package ginpaseto_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// stubDenylist answers every lookup the same way. It is not a Revoker.
type stubDenylist struct {
	revoked bool
	err     error
}

func (s stubDenylist) IsRevoked(context.Context, *ginpaseto.Claims) (bool, error) {
	return s.revoked, s.err
}

func TestMemoryDenylist(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	tests := []struct {
		name    string
		claims  ginpaseto.Claims
		revoked bool
	}{
		{"unexpired", ginpaseto.Claims{JTI: "a", Expiration: now.Add(time.Hour)}, true},
		{"no expiry", ginpaseto.Claims{JTI: "b"}, true},
		// Kept until the next sweep: checks refuse the token as expired
		// before they ask.
		{"already expired", ginpaseto.Claims{JTI: "c", Expiration: now.Add(-time.Second)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ginpaseto.NewMemoryDenylist(0)
			revoked, err := m.IsRevoked(ctx, &tt.claims)
			require.NoError(t, err)
			assert.False(t, revoked, "before Revoke")

			require.NoError(t, m.Revoke(ctx, &tt.claims))
			revoked, err = m.IsRevoked(ctx, &tt.claims)
			require.NoError(t, err)
			assert.Equal(t, tt.revoked, revoked)

			other := tt.claims
			other.JTI += "-other"
			revoked, err = m.IsRevoked(ctx, &other)
			require.NoError(t, err)
			assert.False(t, revoked, "another jti")
			assert.Equal(t, 1, m.Len())
		})
	}

	t.Run("no jti", func(t *testing.T) {
		err := ginpaseto.NewMemoryDenylist(0).Revoke(ctx, &ginpaseto.Claims{Expiration: now.Add(time.Hour)})
		assert.ErrorContains(t, err, "no jti")
	})
}

func TestMemoryDenylistCapacity(t *testing.T) {
	ctx := context.Background()
	m := ginpaseto.NewMemoryDenylist(3)
	exp := time.Now().Add(time.Hour)
	for i := range 3 {
		require.NoError(t, m.Revoke(ctx, &ginpaseto.Claims{JTI: fmt.Sprint(i), Expiration: exp}))
	}
	err := m.Revoke(ctx, &ginpaseto.Claims{JTI: "3", Expiration: exp})
	require.ErrorIs(t, err, ginpaseto.ErrDenylistFull)
	assert.NoError(t, m.Revoke(ctx, &ginpaseto.Claims{JTI: "1", Expiration: exp}), "revoking a revoked token again needs no room")
	assert.Equal(t, 3, m.Len())

	revoked, err := m.IsRevoked(ctx, &ginpaseto.Claims{JTI: "0"})
	require.NoError(t, err)
	assert.True(t, revoked, "a full denylist drops nothing")
}

func TestMemoryDenylistConcurrent(t *testing.T) {
	ctx := context.Background()
	m := ginpaseto.NewMemoryDenylist(0)
	exp := time.Now().Add(time.Hour)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				c := &ginpaseto.Claims{JTI: fmt.Sprintf("%d-%d", g, i), Expiration: exp}
				if err := m.Revoke(ctx, c); err != nil {
					t.Error(err)
					return
				}
				// Another goroutine's token, revoked or not yet: only the
				// race detector judges this lookup.
				if _, err := m.IsRevoked(ctx, &ginpaseto.Claims{JTI: fmt.Sprintf("%d-%d", (g+1)%16, i)}); err != nil {
					t.Error(err)
					return
				}
				if revoked, _ := m.IsRevoked(ctx, c); !revoked {
					t.Errorf("%s not revoked right after Revoke", c.JTI)
					return
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 16*200, m.Len())
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
	stub := newAuth(t, ginpaseto.WithDenylist(stubDenylist{}))
	claims, err := stub.ParseToken(token(t, stub, ginpaseto.TypeAccess))
	require.NoError(t, err)
	err = stub.Revoke(ctx, claims)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Revoker")

	auth := newAuth(t)
	assert.ErrorContains(t, auth.Revoke(ctx, nil), "no jti")
	assert.ErrorContains(t, auth.Revoke(ctx, &ginpaseto.Claims{Subject: "alice"}), "no jti")

	full := ginpaseto.NewMemoryDenylist(1)
	auth = newAuth(t, ginpaseto.WithDenylist(full))
	revoke(t, auth, token(t, auth, ginpaseto.TypeAccess))
	claims, err = auth.ParseToken(token(t, auth, ginpaseto.TypeAccess))
	require.NoError(t, err)
	assert.ErrorIs(t, auth.Revoke(ctx, claims), ginpaseto.ErrDenylistFull)
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
		{"default custom", nil, "/reset", "reset", 200, user("alice")},
		{"none: access", []string{}, "/required", ginpaseto.TypeAccess, 200, user("alice")},
		{"none: refresh", []string{}, "/refresh", ginpaseto.TypeRefresh, 200, user("alice")},
		{"custom only: custom", []string{"reset"}, "/reset", "reset", 401, detail("Token has been revoked")},
		{"custom only: access", []string{"reset"}, "/required", ginpaseto.TypeAccess, 200, user("alice")},
		{"access and custom", []string{"access", "reset"}, "/reset", "reset", 401, detail("Token has been revoked")},
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
			revoke(t, auth, tok)
			expect(t, do(t, srv, request{path: tt.path, token: tok}), tt.status, tt.body)
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
