package keyset_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	paseto "aidanwoods.dev/go-paseto"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangGuard bounds how long a misbehaving program may keep a test waiting.
const hangGuard = time.Minute

// keySet is the JSON the signing service publishes.
type keySet struct {
	Keys []struct {
		KID string `json:"kid"`
		Key string `json:"key"`
	} `json:"keys"`
}

func (s *service) keySet(t *testing.T) keySet {
	t.Helper()
	var set keySet
	res := s.srv.Call(http.MethodGet, "/.well-known/paseto-keys", nil)
	require.Equal(t, http.StatusOK, res.Status, res.Body)
	require.NoError(t, jsonDecode(res.Body, &set))
	return set
}

// programsDir holds the two programs once built; TestMain makes it and
// removes it.
var programsDir string

// buildPrograms builds the signer and the API, once for the tests that
// run them.
var buildPrograms = sync.OnceValue(func() error {
	out, err := exampletest.GoBuild("-o", programsDir+string(filepath.Separator), "./signer", "./api").CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build: %w: %s", err, out)
	}
	return nil
})

// programs builds the programs if no test has yet, and returns their
// directory.
func programs(t *testing.T) string {
	t.Helper()
	require.NoError(t, buildPrograms())
	return programsDir
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "keyset-programs")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	programsDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestLogsHoldNoToken runs each program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: this test builds both programs with go build and runs them")
	}
	dir := programs(t)
	for _, name := range []string{"api", "signer"} {
		t.Run(name, func(t *testing.T) {
			exampletest.LogsHoldNoToken(t, exec.Command(filepath.Join(dir, name)))
		})
	}
}

// TestRotationAcrossServices builds both programs, runs them as separate
// processes, rotates the signing key with SIGHUP and shows the API
// accepting the new key's tokens, and still the old key's, without a
// restart.
func TestRotationAcrossServices(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: this test builds both programs with go build and runs them")
	}
	dir := programs(t)

	// The API starts first: until the signer is up it answers 503.
	signerPort, apiPort := exampletest.FreePort(t), exampletest.FreePort(t)
	keySetURL := "http://127.0.0.1:" + signerPort + "/.well-known/paseto-keys"
	api := start(t, filepath.Join(dir, "api"), "PORT="+apiPort, "KEYSET_URL="+keySetURL)
	login := exampletest.Case{Name: "before the signer", Path: "/user", Token: "v4.public.e30",
		Status: http.StatusServiceUnavailable, Want: `{"detail":"Token verification keys unavailable"}`}
	api.srv.Check([]exampletest.Case{login})

	signer := start(t, filepath.Join(dir, "signer"), "PORT="+signerPort, "PASETO_PRIVATE_KEY="+newSeed(t))
	first := signer.keySet(t)
	require.Len(t, first.Keys, 1)
	oldToken := signer.srv.Login("/login", "test", "test").Field(t, "access_token")

	// The API fetches the set again within its backoff (1s, 2s, ...) or at
	// once for a token that names a key it does not know.
	start := time.Now()
	require.Eventually(t, func() bool {
		return api.srv.Call(http.MethodGet, "/user", nil, exampletest.Bearer(oldToken)...).Status == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond)
	t.Logf("the API, started before the signer, accepted its first token %v after it", time.Since(start))

	// Rotate the signing key.
	apiPID := api.cmd.Process.Pid
	start = time.Now()
	require.NoError(t, signer.cmd.Process.Signal(syscall.SIGHUP))
	require.Eventually(t, func() bool { return len(signer.keySet(t).Keys) == 2 }, hangGuard, 5*time.Millisecond)
	rotated := signer.keySet(t)
	assert.Equal(t, first.Keys[0], rotated.Keys[1], "the old key stays published, retired")
	newToken := signer.srv.Login("/login", "test", "test").Field(t, "access_token")
	require.Contains(t, footer(t, newToken), rotated.Keys[0].KID, "new tokens name the new key")

	api.srv.Check([]exampletest.Case{
		{Name: "new key, first request", Path: "/user", Token: newToken, Status: http.StatusOK, Want: `{"user":"test"}`},
	})
	t.Logf("from SIGHUP to the API accepting the new key's token: %v", time.Since(start))
	forged := forgedToken(t, rotated.Keys[0].KID)
	api.srv.Check([]exampletest.Case{
		{Name: "old key, retired", Path: "/user", Token: oldToken, Status: http.StatusOK, Want: `{"user":"test"}`},
		{Name: "new key again", Path: "/user", Token: newToken, Status: http.StatusOK, Want: `{"user":"test"}`},
		{Name: "another key claiming the new kid", Path: "/user", Token: forged, Status: http.StatusUnauthorized, Want: `{"detail":"Invalid PASETO token"}`},
		{Name: "no token", Path: "/user", Status: http.StatusUnauthorized, Want: `{"detail":"PASETO Authorization Token required"}`},
	})
	assert.Equal(t, apiPID, api.cmd.Process.Pid, "the API was not restarted")
	select {
	case <-api.Exited():
		t.Fatalf("the API exited: %s", api.Stop())
	default:
	}

	// Two more rotations push the first key out of the published set (the
	// API drops it at its next fetch, within the set's max-age).
	require.NoError(t, signer.cmd.Process.Signal(syscall.SIGHUP))
	require.Eventually(t, func() bool { return len(signer.keySet(t).Keys) == 3 }, hangGuard, 5*time.Millisecond)
	require.NoError(t, signer.cmd.Process.Signal(syscall.SIGHUP))
	require.Eventually(t, func() bool {
		set := signer.keySet(t)
		return len(set.Keys) == 3 && set.Keys[2].KID == rotated.Keys[0].KID
	}, hangGuard, 5*time.Millisecond)

	logs := signer.Stop() + api.Stop()
	for _, tok := range []string{oldToken, newToken} {
		assert.NotContains(t, logs, tok[len("v4.public."):len("v4.public.")+20], "no token in the logs")
	}
	assert.Contains(t, logs, "rotated: signing with "+rotated.Keys[0].KID)
}

func footer(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 4)
	b, err := base64URL(parts[3])
	require.NoError(t, err)
	return string(b)
}

// forgedToken is signed by a key of its own but names kid in its footer.
func forgedToken(t *testing.T, kid string) string {
	t.Helper()
	key := paseto.NewV4AsymmetricSecretKey()
	tok := paseto.NewToken()
	tok.SetSubject("test")
	tok.SetString("type", ginpaseto.TypeAccess)
	tok.SetExpiration(time.Now().Add(time.Minute))
	tok.SetFooter([]byte(`{"kid":"` + kid + `"}`))
	return tok.V4Sign(key, nil)
}

func newSeed(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return hex.EncodeToString(priv.Seed())
}

// service is one of the programs running in the background.
type service struct {
	*exampletest.Process
	cmd *exec.Cmd
	srv *exampletest.Server
}

// start runs bin with env (which sets PORT) and returns once it accepts
// connections on that port.
func start(t *testing.T, bin string, env ...string) *service {
	t.Helper()
	s := &service{cmd: exec.Command(bin)}
	s.cmd.Env = exampletest.Environ(env...)
	s.Process = exampletest.Start(t, s.cmd)
	for _, kv := range env {
		if port, ok := strings.CutPrefix(kv, "PORT="); ok {
			s.srv = exampletest.At(t, "http://127.0.0.1:"+port)
		}
	}
	return s
}

func jsonDecode(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func base64URL(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
