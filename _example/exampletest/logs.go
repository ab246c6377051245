package exampletest

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
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// probedPaths are routes of the examples, and one that none has: every
// one gets every token, every way.
var probedPaths = []string{"/user", "/ws", "/ws-close", "/api/v1/me", "/reports/download", "/join", "/refresh", "/logout", "/nowhere"}

// LogsHoldNoToken runs cmd, an example program (see Program), as a service
// would, with its real logger writing to captured stdout and stderr, and
// keys for every purpose in its environment (PASETO_SECRET_KEY,
// PASETO_PRIVATE_KEY, PASETO_PUBLIC_KEY). A client sends valid tokens
// every way it might, right or wrong, to every port that the variables
// named by ports hold (PORT when none is named): the Authorization header,
// ?token= (also prefixed, renamed and percent-encoded) on plain requests
// and on WebSocket upgrades, the Sec-WebSocket-Protocol header, a cookie,
// a JSON body, the URL path. Neither the tokens nor any part of them may
// reach the output, Gin must run in release mode, and no proxy may be
// trusted.
func LogsHoldNoToken(t *testing.T, cmd *exec.Cmd, ports ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped with -short: runs the program as a process")
	}
	if len(ports) == 0 {
		ports = []string{"PORT"}
	}
	tokens, env := probeTokens(t)
	portOf := map[string]string{"PORT": FreePort(t), "API_PORT": FreePort(t)}
	for name, port := range portOf {
		env = append(env, name+"="+port)
	}
	// A key set nobody serves: a verify-only API starts anyway.
	env = append(env, "KEYSET_URL=http://127.0.0.1:"+FreePort(t)+"/.well-known/paseto-keys")
	if cmd.Env == nil {
		cmd.Env = Environ()
	}
	cmd.Env = append(cmd.Env, env...)

	p := Start(t, cmd)
	for _, name := range ports {
		port, ok := portOf[name]
		require.True(t, ok, "a port variable: PORT or API_PORT, not %s", name)
		p.Listening(t, port)
		for _, tok := range tokens {
			for _, path := range probedPaths {
				sendEveryWay(t, "127.0.0.1:"+port, path, tok)
			}
		}
	}
	out := p.Stop()
	require.Contains(t, out, `"/nowhere"`, "the access log is in the output")
	for _, tok := range tokens {
		for _, part := range tokenParts(tok) {
			require.NotContains(t, out, part, "a token or part of one reached the log:\n%s", out)
		}
	}
	assert.NotContains(t, out, "[GIN-debug]", "Gin runs in release mode")
	assert.NotContains(t, out, "203.0.113.7", "no proxy is trusted")
}

// probeTokens returns access and refresh tokens of keys of both purposes,
// each with a footer, and the environment that gives a program those
// keys.
func probeTokens(t *testing.T) (tokens, env []string) {
	t.Helper()
	local, err := ginpaseto.New(ginpaseto.WithSecretKey(SecretKey))
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

	for _, auth := range []*ginpaseto.Authorizer{local, public} {
		for _, create := range []func(context.Context, string, ...ginpaseto.TokenOption) (string, error){auth.CreateAccessToken, auth.CreateRefreshToken} {
			tok, err := create(t.Context(), "test", ginpaseto.Footer(map[string]any{"kid": "key-of-twenty-bytes!"}))
			require.NoError(t, err)
			tokens = append(tokens, tok)
		}
	}
	return tokens, []string{"PASETO_SECRET_KEY=" + SecretKey, "PASETO_PRIVATE_KEY=" + privPEM, "PASETO_PUBLIC_KEY=" + pubPEM}
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
	conn, err := net.DialTimeout("tcp", addr, processGuard)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(processGuard)))
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
