package ginpaseto_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

func TestImplicitAssertionFrom(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	tenant := auth.Required(ginpaseto.ImplicitAssertionFrom(func(c *gin.Context) ([]byte, error) {
		if c.Param("tenant") == "closed" {
			return nil, &ginpaseto.Error{Status: http.StatusForbidden, Message: "Tenant closed", Err: ginpaseto.ErrTokenInvalid}
		}
		if c.Param("tenant") == "broken" {
			return nil, errors.New("lookup failed")
		}
		return []byte("tenant:" + c.Param("tenant")), nil
	}))
	r.GET("/t/:tenant", tenant, func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)}) })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	acme := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ImplicitAssertion([]byte("tenant:acme")))
	plain := token(t, auth, ginpaseto.TypeAccess)
	tests := []struct {
		name, path, token string
		status            int
		body              string
	}{
		{"own tenant", "/t/acme", acme, 200, `{"user":"alice"}`},
		{"other tenant", "/t/globex", acme, 401, `{"detail":"Invalid PASETO token"}`},
		{"token without assertion", "/t/acme", plain, 401, `{"detail":"Invalid PASETO token"}`},
		{"assertion refuses with its own error", "/t/closed", acme, 403, `{"detail":"Tenant closed"}`},
		{"assertion fails", "/t/broken", acme, 401, `{"detail":"Invalid PASETO token"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(t, srv, tt.path, "Authorization", "Bearer "+tt.token)
			assert.Equal(t, tt.status, got.status)
			assert.Equal(t, tt.body, got.body)
		})
	}
}

func TestClaimsMethodsOnNil(t *testing.T) {
	var claims *ginpaseto.Claims // what GetClaims returns when no check ran
	var v any
	for name, err := range map[string]error{
		"Get":          claims.Get("sub", &v),
		"Decode":       claims.Decode(&v),
		"DecodeFooter": claims.DecodeFooter(&v),
	} {
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "no check accepted a token", name)
	}
	assert.False(t, claims.HasAudience("api"))
}
