package exampleapp

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
)

// server answers /login with the username Login accepted, and /token with
// whatever TokenFailed makes of a failure, or 200 when there is none.
func server(t *testing.T) *exampletest.Server {
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		username, ok := Login(c)
		if !ok {
			return
		}
		c.JSON(http.StatusOK, gin.H{"user": username})
	})
	r.GET("/token", func(c *gin.Context) {
		var err error
		if c.Query("fail") != "" {
			err = errors.New("no signing key")
		}
		if TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": "v4.local.x"})
	})
	return exampletest.Serve(t, r)
}

func TestLoginAndTokenFailed(t *testing.T) {
	const bad = `{"detail":"Bad username or password"}`
	login := func(name string, body any, status int, want string) exampletest.Case {
		return exampletest.Case{Name: name, Method: http.MethodPost, Path: "/login", Body: body, Status: status, Want: want}
	}
	server(t).Check([]exampletest.Case{
		login("demo account", map[string]string{"username": "test", "password": "test"}, http.StatusOK, `{"user":"test"}`),
		login("wrong password", map[string]string{"username": "test", "password": "nope"}, http.StatusUnauthorized, bad),
		login("unknown user", map[string]string{"username": "root", "password": "test"}, http.StatusUnauthorized, bad),
		login("no body", nil, http.StatusUnauthorized, bad),
		login("not an object", []string{"test", "test"}, http.StatusUnauthorized, bad),
		{Name: "token created", Path: "/token", Status: http.StatusOK, Want: `{"access_token":"v4.local.x"}`},
		{Name: "token failed", Path: "/token?fail=1", Status: http.StatusInternalServerError, Want: `{"detail":"Could not create token"}`},
	})
}

func TestAddr(t *testing.T) {
	t.Setenv("PORT", "")
	assert.Equal(t, ":8000", Addr())
	t.Setenv("PORT", "9123")
	assert.Equal(t, ":9123", Addr())
}
