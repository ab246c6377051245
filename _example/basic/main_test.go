package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// TestProgram builds the example and runs it as a user would, without and
// then with a (weak) PASETO_SECRET_KEY.
func TestProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: this test builds the program with go build and runs it")
	}
	bin := filepath.Join(t.TempDir(), "basic")
	out, err := exampletest.GoBuild("-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	t.Run("ephemeral key", func(t *testing.T) {
		port := freePort(t)
		p := start(t, bin, "PORT="+port)
		transcript(t, exampletest.At(t, "http://127.0.0.1:"+port))
		stderr := p.stop()
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		require.Len(t, lines, 1, "stderr: %s", stderr)
		assert.Contains(t, lines[0], "ephemeral key")
	})

	t.Run("weak key", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = environ("PORT="+freePort(t), "PASETO_SECRET_KEY=secret")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "output: %s", out)
		assert.NotZero(t, exit.ExitCode())
		assert.Contains(t, string(out), "openssl rand -hex 32")
	})
}

// process is the example program running in the background.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	stderr *strings.Builder
}

// start runs bin with env (which sets PORT) and returns once it accepts
// connections on that port.
func start(t *testing.T, bin string, env ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin), exited: make(chan struct{}), stderr: new(strings.Builder)}
	p.cmd.Env = environ(env...)
	p.cmd.Stderr = p.stderr
	require.NoError(t, p.cmd.Start())
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop() })

	var port string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PORT="); ok {
			port = v
		}
	}
	deadline := time.After(hangGuard)
	for {
		conn, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			conn.Close()
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("program exited before listening: %s", p.stderr)
		case <-deadline:
			t.Fatalf("program not listening on port %s: %s", port, p.stop())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// stop kills the program, waits for it and returns what it wrote to stderr.
// It may be called more than once.
func (p *process) stop() string {
	p.cmd.Process.Kill() // fails harmlessly once the program has exited
	<-p.exited
	return p.stderr.String()
}

// environ returns the test's environment without the variables the
// program reads, plus env.
func environ(env ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PASETO_SECRET_KEY=") && !strings.HasPrefix(kv, "PORT=") {
			out = append(out, kv)
		}
	}
	return append(out, env...)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}
