package ginpaseto_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"

	"github.com/ginpaseto/ginpaseto"
)

// ginContextStore counts the calls that were given a *gin.Context.
type ginContextStore struct {
	*ginpaseto.MemoryStore
	calls, withGin atomic.Int32
}

func (s *ginContextStore) saw(ctx context.Context) {
	s.calls.Add(1)
	if _, ok := ctx.(*gin.Context); ok {
		s.withGin.Add(1)
	}
}

func (s *ginContextStore) IsRevoked(ctx context.Context, c *ginpaseto.Claims) (bool, error) {
	s.saw(ctx)
	return s.MemoryStore.IsRevoked(ctx, c)
}

func (s *ginContextStore) CreateSession(ctx context.Context, x ginpaseto.Session) error {
	s.saw(ctx)
	return s.MemoryStore.CreateSession(ctx, x)
}

func (s *ginContextStore) RevokeSession(ctx context.Context, id string) error {
	s.saw(ctx)
	return s.MemoryStore.RevokeSession(ctx, id)
}

func (s *ginContextStore) Sessions(ctx context.Context, subject string) ([]ginpaseto.Session, error) {
	s.saw(ctx)
	return s.MemoryStore.Sessions(ctx, subject)
}

// TestStoreNeverGetsGinContext: gin reuses a *gin.Context for the next
// request once a handler returns, while a store may keep the context it
// was given (a Redis client's timeout timer): the store gets the
// request's context instead, also from handlers that pass c.
func TestStoreNeverGetsGinContext(t *testing.T) {
	mem := &ginpaseto.MemoryStore{}
	store := &ginContextStore{MemoryStore: mem}
	auth := newAuth(t, ginpaseto.WithStore(store))
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice") })
	r.GET("/user", auth.Required(), whoami)
	r.GET("/sessions", auth.Required(), auth.SessionsHandler())
	r.POST("/logout", auth.LogoutHandler())
	r.GET("/mine", auth.Required(), func(c *gin.Context) {
		list, err := auth.Sessions(c, ginpaseto.Subject(c))
		if err != nil {
			auth.Abort(c, err)
			return
		}
		c.JSON(http.StatusOK, len(list))
	})
	srv := serve(t, r)
	pair := pairFrom(t, do(t, srv, request{method: http.MethodPost, path: "/login"}))
	for _, path := range []string{"/user", "/sessions", "/mine"} {
		got := do(t, srv, request{method: http.MethodGet, path: path, token: pair.AccessToken})
		assert.Equal(t, http.StatusOK, got.status, "%s: %s", path, got.body)
	}
	got := do(t, srv, request{method: http.MethodPost, path: "/logout", token: pair.AccessToken})
	assert.Equal(t, http.StatusNoContent, got.status, got.body)
	assert.Positive(t, store.calls.Load())
	assert.Zero(t, store.withGin.Load(), "store calls given the *gin.Context")
}
