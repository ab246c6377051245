package exampleapp

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// captureOutput sends Gin's and the log package's output to a buffer for
// the test; call it before building the engine, which picks its writer up.
func captureOutput(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	out, errOut, logOut := gin.DefaultWriter, gin.DefaultErrorWriter, log.Writer()
	gin.DefaultWriter, gin.DefaultErrorWriter = &buf, &buf
	log.SetOutput(&buf)
	t.Cleanup(func() {
		gin.DefaultWriter, gin.DefaultErrorWriter = out, errOut
		log.SetOutput(logOut)
	})
	return &buf
}

func TestNewEngineTrustsNoProxyByDefault(t *testing.T) {
	tests := []struct {
		name, trusted, remote, want string
	}{
		{"none configured", "", "192.0.2.1:1234", "192.0.2.1"},
		{"none configured, from loopback", "", "127.0.0.1:1234", "127.0.0.1"},
		{"the proxy is listed", "192.0.2.0/24, 198.51.100.7", "192.0.2.1:1234", "203.0.113.7"},
		{"another proxy", "198.51.100.7", "192.0.2.1:1234", "192.0.2.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TRUSTED_PROXIES", tc.trusted)
			captureOutput(t)
			r := NewEngine()
			r.GET("/ip", func(c *gin.Context) { c.String(http.StatusOK, c.ClientIP()) })
			req := httptest.NewRequest(http.MethodGet, "/ip", nil)
			req.RemoteAddr = tc.remote
			req.Header.Set("X-Forwarded-For", "203.0.113.7")
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			assert.Equal(t, tc.want, w.Body.String())
		})
	}
}

func TestNewEngineLogsNoToken(t *testing.T) {
	const tok = "v4.local.c2VjcmV0LXBheWxvYWQtdGhhdC1tdXN0LW5vdC1sZWFr"
	logs := captureOutput(t)
	r := NewEngine()
	r.GET("/panic", func(*gin.Context) { panic("handler bug") })
	req := httptest.NewRequest(http.MethodGet, "/panic?token="+tok, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Sec-WebSocket-Protocol", "paseto, "+tok)
	req.Header.Set("Cookie", "session="+tok)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)

	assert.Equal(t, http.StatusInternalServerError, w.Code)
	require.Contains(t, logs.String(), "handler bug", "the panic is logged")
	require.Contains(t, logs.String(), `"/panic?token=[REDACTED]"`, "the request is logged")
	assert.NotContains(t, logs.String(), "c2VjcmV0LXBheWxvYWQ")
}

func TestNewEngineMode(t *testing.T) {
	mode := gin.Mode()
	t.Cleanup(func() { gin.SetMode(mode) })
	captureOutput(t)

	gin.SetMode(gin.DebugMode)
	t.Setenv(gin.EnvGinMode, "")
	NewEngine()
	assert.Equal(t, gin.ReleaseMode, gin.Mode(), "release mode unless GIN_MODE says otherwise")

	gin.SetMode(gin.DebugMode)
	t.Setenv(gin.EnvGinMode, gin.DebugMode)
	NewEngine()
	assert.Equal(t, gin.DebugMode, gin.Mode(), "GIN_MODE is obeyed")
}

func TestNewServerTimeouts(t *testing.T) {
	srv := NewServer(":0", http.NotFoundHandler(), DefaultTimeouts)
	assert.Equal(t, DefaultTimeouts.ReadHeader, srv.ReadHeaderTimeout)
	assert.Equal(t, DefaultTimeouts.Read, srv.ReadTimeout)
	assert.Equal(t, DefaultTimeouts.Write, srv.WriteTimeout)
	assert.Equal(t, DefaultTimeouts.Idle, srv.IdleTimeout)
	assert.Equal(t, MaxHeaderBytes, srv.MaxHeaderBytes)
	for _, d := range []any{srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout} {
		assert.NotZero(t, d)
	}
}
