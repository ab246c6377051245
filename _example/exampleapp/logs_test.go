package exampleapp

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

// probedPaths are routes of the examples, and one that none has: every
// one gets every token, every way.
var probedPaths = []string{"/user", "/ws", "/ws-close", "/api/v1/me", "/reports/download", "/join", "/refresh", "/logout", "/nowhere"}

// TestExampleLogsHoldNoToken builds every example program and runs it as a
// service would, with its real logger writing to captured stdout and
// stderr. A client sends valid tokens every way it might, right or wrong:
// the Authorization header, ?token= (also prefixed, renamed and
// percent-encoded) on plain requests and on WebSocket upgrades, the
// Sec-WebSocket-Protocol header, a cookie, a JSON body, the URL path.
// Neither the tokens nor any part of them may reach the output.
func TestExampleLogsHoldNoToken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example program")
	}
	bins := buildExamples(t)

	local, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	require.NoError(t, err)
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}))
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	public, err := ginpaseto.New(ginpaseto.WithPrivateKey(privPEM))
	require.NoError(t, err)

	var tokens []string
	for _, auth := range []*ginpaseto.Authorizer{local, public} {
		for _, create := range []func(context.Context, string, ...ginpaseto.TokenOption) (string, error){auth.CreateAccessToken, auth.CreateRefreshToken} {
			tok, err := create(t.Context(), "test", ginpaseto.Footer(map[string]any{"kid": "key-of-twenty-bytes!"}))
			require.NoError(t, err)
			tokens = append(tokens, tok)
		}
	}

	for name, bin := range bins {
		t.Run(name, func(t *testing.T) {
			port, apiPort := freePort(t), freePort(t)
			p := startProgram(t, bin, port, apiPort,
				"PASETO_SECRET_KEY="+exampletest.SecretKey, "PASETO_PRIVATE_KEY="+privPEM, "PASETO_PUBLIC_KEY="+pubPEM,
				// A key set nobody serves: the verify-only API starts anyway.
				"KEYSET_URL=http://127.0.0.1:"+freePort(t)+"/.well-known/paseto-keys")
			addrs := []string{"127.0.0.1:" + port}
			if name == "public" { // and its API service
				waitListening(t, p, apiPort)
				addrs = append(addrs, "127.0.0.1:"+apiPort)
			}
			for _, addr := range addrs {
				for _, tok := range tokens {
					for _, path := range probedPaths {
						sendEveryWay(t, addr, path, tok)
					}
				}
			}
			out := p.stop()
			require.Contains(t, out, `"/nowhere"`, "the access log is in the output")
			for _, tok := range tokens {
				for _, part := range tokenParts(tok) {
					require.NotContains(t, out, part, "a token or part of one reached the log:\n%s", out)
				}
			}
			assert.NotContains(t, out, "[GIN-debug]", "Gin runs in release mode")
			assert.NotContains(t, out, "203.0.113.7", "no proxy is trusted")
		})
	}
}

// buildExamples builds every example program, those of this module in one
// go command and those with a go.mod of their own in theirs, and returns
// the binaries by name.
func buildExamples(t *testing.T) map[string]string {
	t.Helper()
	mains, err := filepath.Glob("../*/main.go")
	require.NoError(t, err)
	require.NotEmpty(t, mains)
	nested, err := filepath.Glob("../*/*/main.go") // examples of several programs
	require.NoError(t, err)
	mains = append(mains, nested...)
	bin := t.TempDir()
	out := bin + string(filepath.Separator)
	// Without symbol tables and debug information, which only a debugger
	// reads, linking takes half as long.
	args := []string{"-ldflags=-s -w", "-o", out}
	bins := map[string]string{}
	for _, m := range mains {
		dir := filepath.Dir(m)
		name := strings.TrimPrefix(filepath.ToSlash(dir), "../")
		bins[name] = filepath.Join(bin, filepath.Base(dir))
		if mod, pkg := moduleOf(dir); mod != "" {
			cmd := exampletest.GoBuild("-ldflags=-s -w", "-o", out, pkg)
			cmd.Dir = mod
			b, err := cmd.CombinedOutput()
			require.NoError(t, err, "go build in %s: %s", dir, b)
			continue
		}
		args = append(args, "./"+filepath.ToSlash(dir))
	}
	b, err := exampletest.GoBuild(args...).CombinedOutput()
	require.NoError(t, err, "go build: %s", b)
	return bins
}

// moduleOf returns the directory of the module of its own that holds the
// example program in dir (dir itself, or its parent for the programs of
// such a module, as _example/sessions/minimal), and the program's package
// relative to it; or "" when dir belongs to this module.
func moduleOf(dir string) (mod, pkg string) {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, "."
	}
	parent := filepath.Dir(dir)
	if parent != ".." {
		if _, err := os.Stat(filepath.Join(parent, "go.mod")); err == nil {
			return parent, "./" + filepath.Base(dir)
		}
	}
	return "", ""
}

// tokenParts are the pieces of tok a log must not hold: the token, its
// base64 wrapping, and each of its segments after the header (payload and
// footer).
func tokenParts(tok string) []string {
	parts := []string{tok, base64.StdEncoding.EncodeToString([]byte(tok))}
	for _, segment := range strings.Split(tok, ".")[2:] {
		parts = append(parts, segment)
	}
	return parts
}

// sendEveryWay sends tok to path on addr in every way a client might put
// it in a request.
func sendEveryWay(t *testing.T, addr, path, tok string) {
	t.Helper()
	esc := url.QueryEscape
	wrapped := base64.URLEncoding.EncodeToString([]byte(tok))
	plain := []struct {
		method, target, body string
		headers              []string
	}{
		{"GET", path, "", []string{"Authorization", "Bearer " + tok}},
		{"GET", path + "?token=" + tok, "", nil},
		{"GET", path + "?token=Bearer%20" + esc(tok), "", nil},
		{"GET", path + "?access_token=" + tok + "&refresh_token=" + tok, "", nil},
		{"GET", path + "?t=" + tok + "&key=" + strings.ReplaceAll(tok, ".", "%2E"), "", nil},
		{"GET", path + "?wrapped=" + wrapped, "", nil},
		{"GET", path + "?" + tok, "", nil},
		{"GET", path + "/" + tok, "", nil},
		{"GET", path, "", []string{"Cookie", "session=" + tok, "X-Forwarded-For", "203.0.113.7"}},
		{"GET", path, "", []string{"Sec-WebSocket-Protocol", "paseto, " + tok}},
		{"POST", path, `{"access_token":"` + tok + `","refresh_token":"Bearer ` + tok + `"}`, []string{"Content-Type", "application/json"}},
	}
	for _, r := range plain {
		req, err := http.NewRequest(r.method, "http://"+addr+r.target, strings.NewReader(r.body))
		require.NoError(t, err)
		for i := 0; i+1 < len(r.headers); i += 2 {
			req.Header.Set(r.headers[i], r.headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// WebSocket handshakes, which some routes accept and close at once.
	for _, h := range []struct{ target, protocols string }{
		{path + "?token=" + tok, ""},
		{path + "?access_token=" + tok, "chat"},
		{path, "paseto, " + tok},
		{path, tok},
	} {
		upgrade(t, addr, h.target, h.protocols)
	}
}

// upgrade sends a WebSocket handshake for target, offering protocols when
// not empty, reads the response head and hangs up.
func upgrade(t *testing.T, addr, target, protocols string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, hangGuard)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(hangGuard)))
	req := "GET " + target + " HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	if protocols != "" {
		req += "Sec-WebSocket-Protocol: " + protocols + "\r\n"
	}
	_, err = io.WriteString(conn, req+"\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	resp.Body.Close()
}

// program is an example running in the background with its output
// captured.
type program struct {
	cmd    *exec.Cmd
	exited chan struct{}
	mu     sync.Mutex
	out    strings.Builder
	once   sync.Once
}

func (p *program) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

// startProgram runs bin on port (and apiPort, for the example with two
// services) with env, and returns once it accepts connections.
func startProgram(t *testing.T, bin, port, apiPort string, env ...string) *program {
	t.Helper()
	p := &program{cmd: exec.Command(bin), exited: make(chan struct{})}
	p.cmd.Env = append(cleanEnviron(), append(env, "PORT="+port, "API_PORT="+apiPort)...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	require.NoError(t, p.cmd.Start())
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop() })
	waitListening(t, p, port)
	return p
}

// waitListening returns once p accepts connections on port.
func waitListening(t *testing.T, p *program, port string) {
	t.Helper()
	deadline := time.After(hangGuard)
	for {
		conn, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			conn.Close()
			return
		}
		select {
		case <-p.exited:
			t.Fatalf("program exited before listening: %s", p.output())
		case <-deadline:
			t.Fatalf("program not listening on port %s: %s", port, p.stop())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (p *program) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// stop asks the program to shut down, as a service manager would, kills it
// if it has not within the guard, and returns its output. It may be called
// more than once.
func (p *program) stop() string {
	p.once.Do(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(hangGuard):
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p.output()
}

// cleanEnviron is the test's environment without what the programs read.
func cleanEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "PASETO_") && name != "PORT" && name != "API_PORT" && name != "REDIS_URL" && name != "KEYSET_URL" && name != "GIN_MODE" && name != "TRUSTED_PROXIES" {
			out = append(out, kv)
		}
	}
	return out
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}
