package main

import (
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangGuard bounds how long a misbehaving program may keep a test waiting;
// a healthy one answers in milliseconds.
const hangGuard = time.Minute

func TestTranscript(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	transcript(t, exampletest.Serve(t, newRouter(auth)))
}

// transcript replays the quick-start session of the README against srv and
// checks every status and body byte for byte.
func transcript(t *testing.T, srv *exampletest.Server) {
	t.Helper()
	login := srv.Login("/login", "test", "test")
	assert.Regexp(t, `^\{"access_token":"v4\.local\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"\}$`, login.Body, "payload, then the footer naming the key")
	token := login.Field(t, "access_token")

	srv.Check([]exampletest.Case{
		{Name: "no token", Path: "/user",
			Status: http.StatusUnauthorized, Want: `{"detail":"PASETO Authorization Token required"}`},
		{Name: "with token", Path: "/user", Token: token,
			Status: http.StatusOK, Want: `{"user":"test"}`},
		{Name: "wrong password", Method: http.MethodPost, Path: "/login",
			Body:   map[string]string{"username": "test", "password": "nope"},
			Status: http.StatusUnauthorized, Want: `{"detail":"Bad username or password"}`},
		{Name: "unknown user", Method: http.MethodPost, Path: "/login",
			Body:   map[string]string{"username": "root", "password": "test"},
			Status: http.StatusUnauthorized, Want: `{"detail":"Bad username or password"}`},
		{Name: "no credentials", Method: http.MethodPost, Path: "/login",
			Status: http.StatusUnauthorized, Want: `{"detail":"Bad username or password"}`},
	})
}

// TestProgram runs the example as a user would, without and then with a
// (weak) PASETO_SECRET_KEY.
func TestProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: this test runs the program as a process")
	}

	t.Run("ephemeral key", func(t *testing.T) {
		p, srv := exampletest.StartProgram(t)
		transcript(t, srv)
		p.Stop()
		stderr := p.Stderr()
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		require.Len(t, lines, 2, "stderr: %s", stderr)
		assert.Contains(t, lines[0], "ephemeral key")
		assert.Contains(t, lines[1], "shutting down", "stopped as a service manager does, with SIGTERM")
	})

	t.Run("weak key", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
		defer cancel()
		program := exampletest.Program(t, "PORT="+exampletest.FreePort(t), "PASETO_SECRET_KEY=secret")
		cmd := exec.CommandContext(ctx, program.Path)
		cmd.Env = program.Env
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "output: %s", out)
		assert.NotZero(t, exit.ExitCode())
		assert.Contains(t, string(out), "openssl rand -hex 32")
	})
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
