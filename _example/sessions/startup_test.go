package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// TestStartBeforeRedis runs the program before its Redis, as an
// orchestrated deployment may: it starts and answers 503 for what needs
// Redis, then, once Redis is up, serves logins without a restart.
func TestStartBeforeRedis(t *testing.T) {
	srv := redistest.Unstarted(t)
	inst := start(t, "REDIS_URL=redis://"+srv.Addr+"/0", "PASETO_SECRET_KEY="+exampletest.SecretKey)
	login := func() exampletest.Response {
		return inst.srv.Call(http.MethodPost, "/login", map[string]string{"username": "test", "password": "test"})
	}
	before := login()
	assert.Equal(t, http.StatusServiceUnavailable, before.Status, "a login before Redis is up")
	assert.JSONEq(t, `{"detail":"Session store unavailable"}`, before.Body)

	srv.Start()
	started := time.Now()
	var resp exampletest.Response
	for resp = login(); resp.Status != http.StatusOK; resp = login() {
		require.Equal(t, http.StatusServiceUnavailable, resp.Status, "a login while connecting: %s", resp.Body)
		require.Less(t, time.Since(started), hangGuard, "the program did not connect")
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("a login answered 200 %v after Redis started", time.Since(started))
	assert.Equal(t, http.StatusOK, inst.get(t, "/user", resp.Field(t, "access_token")).Status)
}
