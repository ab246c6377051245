package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// tool runs the built binary.
type tool struct {
	t   *testing.T
	bin string
	dir string // scratch directory for key files
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) line() string { return strings.TrimSpace(r.stdout) }

// runCommand, in a process's environment, makes the test binary run the
// command instead of the tests.
const runCommand = "GINPASETO_TEST_RUN_COMMAND"

// TestMain runs the tests or, in a process that a test started with
// runCommand set, the command itself: the test binary holds main already,
// built with the test's own flags, so the tests run the real command as a
// process without building it again.
func TestMain(m *testing.M) {
	if os.Getenv(runCommand) != "" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// run runs the binary with args, stdin as its standard input.
func (tl tool) run(stdin string, args ...string) result {
	tl.t.Helper()
	cmd := exec.Command(tl.bin, args...)
	// A race-detector build waits a second at exit for late reports; the
	// command's goroutines are all done by then.
	cmd.Env = append(os.Environ(), runCommand+"=1", "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		require.NoError(tl.t, err)
	}
	return result{out.String(), errOut.String(), code}
}

// ok runs the binary and requires success.
func (tl tool) ok(stdin string, args ...string) result {
	tl.t.Helper()
	r := tl.run(stdin, args...)
	require.Equal(tl.t, 0, r.code, "ginpaseto %s\nstderr: %s", strings.Join(args, " "), r.stderr)
	return r
}

// file writes content to a new file in the scratch directory.
func (tl tool) file(name, content string) string {
	tl.t.Helper()
	path := filepath.Join(tl.dir, name)
	require.NoError(tl.t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// footerKID reads the kid of a token's JSON footer.
func footerKID(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 4, "the token has a footer")
	raw, err := base64.RawURLEncoding.DecodeString(parts[3])
	require.NoError(t, err)
	var footer struct {
		KID string `json:"kid"`
	}
	require.NoError(t, json.Unmarshal(raw, &footer))
	return footer.KID
}

// tampered flips a character of the token's encrypted body.
func tampered(tok string) string {
	i := len("v4.local.") + 20
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

var (
	localPASERK  = regexp.MustCompile(`^k4\.local\.[A-Za-z0-9_-]{43}$`)
	secretPASERK = regexp.MustCompile(`^k4\.secret\.[A-Za-z0-9_-]{86}$`)
	publicPASERK = regexp.MustCompile(`^k4\.public\.[A-Za-z0-9_-]{43}$`)
)

// TestBinary runs the command as scripts and operators do: as a process
// of its own, with arguments, standard input, output and exit status.
func TestBinary(t *testing.T) {
	dir := t.TempDir()
	bin, err := os.Executable() // the test binary, which runs main (TestMain)
	require.NoError(t, err)
	tl := tool{t: t, bin: bin, dir: dir}

	local := tl.ok("", "keygen", "local").line()
	localFile := tl.file("local.key", local+"\n")
	pair := strings.Split(tl.ok("", "keygen", "public").line(), "\n")
	require.Len(t, pair, 2)
	privFile, pubFile := tl.file("private.key", pair[0]), tl.file("public.key", pair[1])

	t.Run("keygen", func(t *testing.T) {
		tl := tl
		tl.t = t
		assert.Regexp(t, localPASERK, local)
		assert.Regexp(t, secretPASERK, pair[0])
		assert.Regexp(t, publicPASERK, pair[1])
		assert.NotEqual(t, local, tl.ok("", "keygen", "local").line(), "a new key every time")

		var j struct{ Key, KID string }
		require.NoError(t, json.Unmarshal([]byte(tl.ok("", "keygen", "local", "--json").stdout), &j))
		assert.Regexp(t, localPASERK, j.Key)
		id, err := paserk.IDOf(j.Key)
		require.NoError(t, err)
		assert.Equal(t, id, j.KID)

		assert.Regexp(t, `^[0-9a-f]{64}$`, tl.ok("", "keygen", "local", "--format", "hex").line())
		pemPair := tl.ok("", "keygen", "public", "--format", "pem").stdout
		assert.Contains(t, pemPair, "-----BEGIN PRIVATE KEY-----")
		assert.Contains(t, pemPair, "-----BEGIN PUBLIC KEY-----")
		_, err = ginpaseto.New(ginpaseto.WithPrivateKey(pemPair[:strings.Index(pemPair, "-----BEGIN PUBLIC")]))
		assert.NoError(t, err, "the PEM private key is one the library takes")
		assert.Regexp(t, `^k3\.secret\.`, tl.ok("", "keygen", "public", "--version", "3").line())

		out := filepath.Join(tl.dir, "new.key")
		kid := tl.ok("", "keygen", "local", "--out", out).line()
		assert.Regexp(t, `^k4\.lid\.`, kid, "with the key in a file, its ID on standard output")
		info, err := os.Stat(out)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
		r := tl.run("", "keygen", "local", "--out", out)
		assert.Equal(t, 1, r.code, "an existing key file is never overwritten")

		r = tl.run("", "keygen", "local", "--format", "pem")
		assert.Equal(t, 2, r.code)
		assert.Contains(t, r.stderr, "PEM holds key pairs")
	})

	t.Run("id", func(t *testing.T) {
		tl := tl
		tl.t = t
		want, err := paserk.IDOf(local)
		require.NoError(t, err)
		assert.Equal(t, want, tl.ok(local+"\n", "id").line(), "the key on standard input")
		assert.Equal(t, want, tl.ok(local+"\n", "id", "-").line(), "- reads standard input")
		r := tl.ok("", "id", "--key-file", localFile)
		assert.Equal(t, want, r.line())
		assert.Empty(t, r.stderr, "a private key file: no warning")
		assert.Equal(t, want, tl.ok("", "id", "--key", localFile).line())

		pid, err := paserk.IDOf(pair[1])
		require.NoError(t, err)
		assert.Equal(t, pid, tl.ok("", "id", pair[1]).line(), "a public key is no secret: it may be an argument")
		var j struct{ ID, KID string }
		require.NoError(t, json.Unmarshal([]byte(tl.ok(pair[0], "id", "--json").stdout), &j))
		assert.Regexp(t, `^k4\.sid\.`, j.ID, "a secret key's own ID")
		assert.Equal(t, pid, j.KID, "the kid its tokens carry: its public key's ID")

		// Secrets as arguments are refused, saying how to give them, and
		// without repeating them.
		for _, secret := range []string{local, pair[0], "hunter2hunter2", strings.Repeat("ab", 32)} {
			r := tl.run("", "id", secret)
			assert.Equal(t, 2, r.code)
			assert.Contains(t, r.stderr, "a secret key is never an argument")
			assert.Contains(t, r.stderr, "ginpaseto id --key-file local.key")
			assert.Contains(t, r.stderr, "ginpaseto id < local.key")
			assert.NotContains(t, r.stderr, secret)
			assert.Empty(t, r.stdout)
		}
		r = tl.run("secret", "id")
		assert.Equal(t, 1, r.code)
		assert.NotContains(t, r.stderr, "secret\n")

		// Naming a key is not using it: the all-zero keys of the official
		// PASERK vectors have IDs, printed with a warning.
		zeroLocal := "k4.local." + strings.Repeat("A", 43)
		zeroID, err := paserk.IDOf(zeroLocal)
		require.NoError(t, err)
		r = tl.ok(zeroLocal, "id")
		assert.Equal(t, zeroID, r.line())
		assert.Contains(t, r.stderr, "warning: services refuse this key")
		assert.Contains(t, r.stderr, "placeholder")
		zeroSecret := "k4.secret." + base64.RawURLEncoding.EncodeToString(make([]byte, 64))
		zeroPublic := "k4.public." + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
		zeroPID, err := paserk.IDOf(zeroPublic)
		require.NoError(t, err)
		r = tl.ok(zeroSecret, "id", "--json")
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &j))
		assert.Regexp(t, `^k4\.sid\.`, j.ID)
		assert.Equal(t, zeroPID, j.KID)
		assert.Contains(t, r.stderr, "warning: services refuse this key")

		// A version that does not exist is named as such.
		r = tl.run("k9.local."+strings.Repeat("A", 43), "id")
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "k9 is an unknown PASETO version")
	})

	t.Run("mint and verify", func(t *testing.T) {
		tl := tl
		tl.t = t
		lid, err := paserk.IDOf(local)
		require.NoError(t, err)
		pid, err := paserk.IDOf(pair[1])
		require.NoError(t, err)
		for _, tc := range []struct {
			name, keyFile, verifyKeyFile, prefix, kid string
			stdinKey                                  bool
		}{
			{"local", localFile, localFile, "v4.local.", lid, false},
			{"local, key on standard input", "-", localFile, "v4.local.", lid, true},
			{"public", privFile, pubFile, "v4.public.", pid, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				stdin := ""
				if tc.stdinKey {
					stdin = local
				}
				tok := tl.ok(stdin, "mint", "--key-file", tc.keyFile, "--sub", "alice", "--type", "refresh", "--ttl", "10m",
					"--claim", "role=admin", "--claim", "level=3").line()
				assert.True(t, strings.HasPrefix(tok, tc.prefix), tok)
				assert.Equal(t, tc.kid, footerKID(t, tok))

				r := tl.ok("", "verify", tok, "--key-file", tc.verifyKeyFile)
				var claims map[string]any
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &claims))
				assert.Equal(t, "alice", claims["sub"])
				assert.Equal(t, "refresh", claims["type"])
				assert.Equal(t, "admin", claims["role"])
				assert.Equal(t, 3.0, claims["level"])
				exp, err := time.Parse(time.RFC3339, claims["exp"].(string))
				require.NoError(t, err)
				assert.WithinDuration(t, time.Now().Add(10*time.Minute), exp, time.Minute)

				tl.ok(tok, "verify", "-", "--key-file", tc.verifyKeyFile, "--type", "refresh")
				r = tl.run("", "verify", tok, "--key-file", tc.verifyKeyFile, "--type", "access")
				assert.Equal(t, 1, r.code)
				assert.Contains(t, r.stderr, "Access token required but refresh provided")
			})
		}
		tok := tl.ok("", "mint", "--key-file", localFile, "--sub", "alice", "--fresh", "--json").stdout
		var minted struct{ Token, KID, Expires string }
		require.NoError(t, json.Unmarshal([]byte(tok), &minted))
		assert.Equal(t, lid, minted.KID)
		exp, err := time.Parse(time.RFC3339, minted.Expires)
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now().Add(15*time.Minute), exp, time.Minute, "the library's default lifetime")

		r := tl.run("", "mint", "--key-file", pubFile, "--sub", "alice")
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "mint needs the private key")
		r = tl.run("", "mint", "--key-file", localFile)
		assert.Equal(t, 2, r.code)
		assert.Contains(t, r.stderr, "--sub is required")
	})

	t.Run("verify refuses", func(t *testing.T) {
		tl := tl
		tl.t = t
		other := tl.file("other.key", tl.ok("", "keygen", "local").line())
		tok := tl.ok("", "mint", "--key-file", localFile, "--sub", "alice").line()

		past, err := ginpaseto.New(ginpaseto.WithSecretKey(local), ginpaseto.WithClock(func() time.Time { return time.Now().Add(-time.Hour) }))
		require.NoError(t, err)
		expired, err := past.CreateAccessToken(t.Context(), "alice", ginpaseto.ExpiresIn(time.Minute))
		require.NoError(t, err)

		for _, tc := range []struct {
			name, token, keyFile, want string
			code                       int
		}{
			{"another key", tok, other, "not valid", 1},
			{"expired", expired, localFile, "Token has expired", 1},
			{"tampered", tampered(tok), localFile, "not valid", 1},
			{"not a token", "hello", localFile, "not a PASETO token", 1},
			{"a public key for a local token", tok, pubFile, "the token is v4.local", 1},
			{"no key", tok, "", "--key-file is required", 2},
		} {
			t.Run(tc.name, func(t *testing.T) {
				args := []string{"verify", tc.token}
				if tc.keyFile != "" {
					args = append(args, "--key-file", tc.keyFile)
				}
				r := tl.run("", args...)
				assert.Equal(t, tc.code, r.code, r.stderr)
				assert.Contains(t, r.stderr, tc.want)
				assert.Empty(t, r.stdout)
			})
		}
		r := tl.run("", "verify", expired, "--key-file", localFile, "--json")
		assert.Equal(t, 1, r.code)
		var j struct {
			Valid bool
			Error string
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &j))
		assert.False(t, j.Valid)
		assert.Equal(t, "Token has expired", j.Error)
	})

	t.Run("inspect", func(t *testing.T) {
		tl := tl
		tl.t = t
		tok := tl.ok("", "mint", "--key-file", privFile, "--sub", "alice", "--footer", `{"tenant":"acme"}`).line()
		pid, err := paserk.IDOf(pair[1])
		require.NoError(t, err)
		r := tl.ok("", "inspect", tok)
		assert.Contains(t, r.stdout, "version: v4\n")
		assert.Contains(t, r.stdout, "purpose: public\n")
		assert.Contains(t, r.stdout, "kid:     "+pid+"\n")
		assert.Contains(t, r.stdout, `"tenant":"acme"`)
		assert.NotContains(t, r.stdout, "alice", "no unverified claims")

		r = tl.ok(tok, "inspect", "-", "--key-file", pubFile, "--json")
		var j struct {
			Token        struct{ Version, Purpose, KID string }
			Verification struct {
				Valid     bool
				Claims    map[string]any
				ExpiresIn string `json:"expires_in"`
			}
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &j))
		assert.Equal(t, "v4", j.Token.Version)
		assert.Equal(t, pid, j.Token.KID)
		assert.True(t, j.Verification.Valid)
		assert.Equal(t, "alice", j.Verification.Claims["sub"])
		assert.NotEmpty(t, j.Verification.ExpiresIn)
	})

	t.Run("wrap and unwrap", func(t *testing.T) {
		tl := tl
		tl.t = t
		wk := tl.file("wrapping.key", tl.ok("", "keygen", "local").line())
		const password = "correct horse battery staple"
		pw := tl.file("password", password+"\n")
		cheap := []string{"--memory", "1", "--time", "1"}
		for _, tc := range []struct {
			name, keyFile, plain, prefix string
			wrap, open                   []string
			stdin                        string
		}{
			{"local, wrapping key", localFile, local, "k4.local-wrap.pie.", []string{"--wrapping-key-file", wk}, []string{"--wrapping-key-file", wk}, ""},
			{"private, wrapping key", privFile, pair[0], "k4.secret-wrap.pie.", []string{"--wrapping-key-file", wk}, []string{"--wrapping-key-file", wk}, ""},
			{"local, password", localFile, local, "k4.local-pw.", append([]string{"--password-file", pw}, cheap...), []string{"--password-file", pw}, ""},
			{"private, password on standard input", privFile, pair[0], "k4.secret-pw.", append([]string{"--password-file", "-"}, cheap...), []string{"--password-file", pw}, password + "\n"},
			{"local, sealed", localFile, local, "k4.seal.", []string{"--seal-to", pubFile}, []string{"--private-key-file", privFile}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wrapped := tl.ok(tc.stdin, append([]string{"wrap", "--key-file", tc.keyFile}, tc.wrap...)...).line()
				assert.True(t, strings.HasPrefix(wrapped, tc.prefix), wrapped)
				assert.NotContains(t, wrapped, strings.SplitN(tc.plain, ".", 3)[2])
				file := tl.file("wrapped.key", wrapped)
				assert.Equal(t, tc.plain, tl.ok("", append([]string{"unwrap", "--key-file", file}, tc.open...)...).line())

				// A wrapped key file works wherever a key file does.
				tok := tl.ok("", append([]string{"mint", "--key-file", file, "--sub", "alice"}, tc.open...)...).line()
				verifyKey := localFile
				if strings.HasPrefix(tok, "v4.public.") {
					verifyKey = pubFile
				}
				tl.ok("", "verify", tok, "--key-file", verifyKey)
			})
		}

		wrapped := tl.file("pw.key", tl.ok("", append([]string{"wrap", "--key-file", localFile, "--password-file", pw}, cheap...)...).line())
		r := tl.run("", "unwrap", "--key-file", wrapped, "--password-file", tl.file("wrong", "Tr0ub4dor&3"))
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "does not open")
		r = tl.run("", "unwrap", "--key-file", wrapped, "--password", password)
		assert.Equal(t, 2, r.code, "a password is never an argument")
		assert.NotContains(t, r.stderr, password)
		r = tl.run(local, "wrap", "--key-file", "-", "--password-file", "-")
		assert.Equal(t, 2, r.code)
		assert.Contains(t, r.stderr, "standard input can hold only one")
		r = tl.run("", "wrap", "--key-file", localFile, "--password-file", pw, "--memory", "4096")
		assert.Equal(t, 2, r.code)
		assert.Contains(t, r.stderr, "at most 512 MiB")
		r = tl.run("", "wrap", "--key-file", pubFile, "--wrapping-key-file", wk)
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "public key is no secret")
	})

	t.Run("files and standard input, never arguments", func(t *testing.T) {
		tl := tl
		tl.t = t
		sub := t.TempDir()
		path := func(name string) string { return filepath.Join(sub, name) }

		// keygen public checks both paths before it writes either.
		existing := tl.file("existing.pub", "keep me\n")
		r := tl.run("", "keygen", "public", "--out", path("priv.key"), "--public-out", existing)
		assert.Equal(t, 1, r.code)
		assert.NoFileExists(t, path("priv.key"), "no private key without its public half")
		content, err := os.ReadFile(existing)
		require.NoError(t, err)
		assert.Equal(t, "keep me\n", string(content))
		r = tl.run("", "keygen", "public", "--out", path("same"), "--public-out", path("same"))
		assert.Equal(t, 1, r.code)
		assert.NoFileExists(t, path("same"))
		pid := tl.ok("", "keygen", "public", "--out", path("priv.key"), "--public-out", path("pub.key")).line()
		assert.Regexp(t, `^k4\.pid\.`, pid)
		for name, mode := range map[string]os.FileMode{"priv.key": 0o600, "pub.key": 0o644} {
			info, err := os.Stat(path(name))
			require.NoError(t, err)
			assert.Equal(t, mode, info.Mode().Perm()&mode, name)
			assert.Zero(t, info.Mode().Perm()&^mode, name)
		}

		// mint --out writes the token to a private file; verify and
		// inspect read it from the file or from standard input.
		r = tl.ok("", "mint", "--key-file", localFile, "--sub", "alice", "--out", path("token"))
		assert.Empty(t, r.stdout, "the token went to the file")
		info, err := os.Stat(path("token"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
		raw, err := os.ReadFile(path("token"))
		require.NoError(t, err)
		tok := strings.TrimSpace(string(raw))
		assert.True(t, strings.HasPrefix(tok, "v4.local."), tok)
		assert.Contains(t, tl.ok("", "verify", "--token-file", path("token"), "--key-file", localFile).stdout, `"sub": "alice"`)
		assert.Contains(t, tl.ok(tok, "verify", "--key-file", localFile).stdout, `"sub": "alice"`, "the token on standard input")
		assert.Contains(t, tl.ok(tok+"\n", "inspect", "--key-file", localFile).stdout, "valid:   yes")
		r = tl.run(tok, "verify", tok, "--token-file", path("token"), "--key-file", localFile)
		assert.Equal(t, 2, r.code)
		r = tl.run("", "mint", "--key-file", localFile, "--sub", "alice", "--out", path("token"))
		assert.Equal(t, 1, r.code, "never overwritten")

		// wrap and unwrap --out.
		wk := tl.file("wk.key", tl.ok("", "keygen", "local").line())
		r = tl.ok("", "wrap", "--key-file", localFile, "--wrapping-key-file", wk, "--out", path("wrapped"))
		assert.Empty(t, r.stdout)
		r = tl.ok("", "unwrap", "--key-file", path("wrapped"), "--wrapping-key-file", wk, "--out", path("unwrapped"))
		lid, err := paserk.IDOf(local)
		require.NoError(t, err)
		assert.Equal(t, lid, r.line(), "the key's ID, not the key")
		for _, name := range []string{"wrapped", "unwrapped"} {
			info, err := os.Stat(path(name))
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), name)
		}
		raw, err = os.ReadFile(path("unwrapped"))
		require.NoError(t, err)
		assert.Equal(t, local+"\n", string(raw))
	})

	t.Run("warns of plain keys that others can read", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("file modes do not say who can read a file on Windows")
		}
		tl := tl
		tl.t = t
		loose := func(name, content string) string {
			p := tl.file(name, content)
			require.NoError(t, os.Chmod(p, 0o644))
			return p
		}
		looseLocal := loose("loose-local.key", local)
		looseWK := loose("loose-wk.key", tl.ok("", "keygen", "local").line())
		loosePW := loose("loose-password", "correct horse battery staple\n")
		loosePub := loose("loose-public.key", pair[1])
		wrapped := tl.file("tight-wrapped.key", tl.ok("", "wrap", "--key-file", localFile, "--wrapping-key-file", looseWK).line())
		require.NoError(t, os.Chmod(wrapped, 0o644))

		for _, tc := range []struct {
			name, file string
			args       []string
		}{
			{"id", looseLocal, []string{"id", "--key-file", looseLocal}},
			{"mint", looseLocal, []string{"mint", "--key-file", looseLocal, "--sub", "alice"}},
			{"wrapping key", looseWK, []string{"unwrap", "--key-file", wrapped, "--wrapping-key-file", looseWK}},
			{"password", loosePW, []string{"wrap", "--key-file", localFile, "--password-file", loosePW, "--memory", "1", "--time", "1"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tl := tl
				tl.t = t
				r := tl.ok("", tc.args...)
				assert.Contains(t, r.stderr, "warning: ")
				assert.Contains(t, r.stderr, tc.file+" can be read by other users (mode 0644)")
				assert.Contains(t, r.stderr, "chmod 600 "+tc.file)
				assert.NotEmpty(t, r.stdout, "the command still runs")
			})
		}
		// A public key is no secret, and a wrapped key is no plain key.
		tok := tl.ok("", "mint", "--key-file", privFile, "--sub", "alice").line()
		assert.Empty(t, tl.ok(tok, "verify", "--key-file", loosePub).stderr)
		assert.Equal(t, 1, strings.Count(tl.ok("", "unwrap", "--key-file", wrapped, "--wrapping-key-file", looseWK).stderr, "warning"),
			"only the wrapping key file is warned of")
	})

	t.Run("inspect escapes what the token says", func(t *testing.T) {
		tl := tl
		tl.t = t
		body := strings.Join(strings.Split(tl.ok("", "mint", "--key-file", localFile, "--sub", "alice").line(), ".")[:3], ".")
		forge := func(footer string) string {
			return body + "." + base64.RawURLEncoding.EncodeToString([]byte(footer))
		}
		for _, tc := range []struct{ name, footer string }{
			{"forged lines and a hiding escape", `{"kid":"k4.lid.x\nvalid:   yes\nclaims:  {\"sub\":\"admin\"}\u001b[8m"}`},
			{"raw bytes", "{\"kid\":\"k4.lid.\xff\x9b8m\",\r\"x\":\"\xc2\x9b2J\u202e\"}"},
			{"a string footer", "hello\r\x1b[2Jvalid:   yes"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tl := tl
				tl.t = t
				tok := forge(tc.footer)
				for _, args := range [][]string{{"inspect"}, {"inspect", "--key-file", localFile}} {
					r := tl.run(tok, args...)
					assert.True(t, utf8.ValidString(r.stdout), "%q", r.stdout)
					for _, c := range r.stdout {
						assert.True(t, c == '\n' || unicode.IsGraphic(c), "unprintable %U in %q", c, r.stdout)
					}
					var valid []string
					for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
						assert.Regexp(t, `^(version|purpose|footer|kid|claims|valid|expires): `, l)
						if strings.HasPrefix(l, "valid:") {
							valid = append(valid, l)
						}
					}
					if len(args) > 1 {
						assert.Equal(t, 1, r.code)
						require.Len(t, valid, 1)
						assert.True(t, strings.HasPrefix(valid[0], "valid:   no"), valid[0])
					} else {
						assert.Empty(t, valid)
					}
				}
				r := tl.run(tok, "inspect", "--json")
				for _, c := range r.stdout {
					assert.True(t, c == '\n' || unicode.IsGraphic(c) && c < 0x80 || c > 0x9f && unicode.IsGraphic(c), "unprintable %U in %q", c, r.stdout)
				}
				var j struct{ Token struct{ KID string } }
				require.NoError(t, json.Unmarshal([]byte(r.stdout), &j), r.stdout)
			})
		}
	})

	t.Run("wrap refuses costs that overflow", func(t *testing.T) {
		tl := tl
		tl.t = t
		pw := tl.file("overflow-password", "correct horse battery staple\n")
		for _, cost := range [][]string{
			{"--memory", "17592186044417", "--time", "1"},
			{"--memory", "1", "--time", "4294967297"},
			{"--memory", "1", "--time", "1", "--parallelism", "4294967297"},
			{"--memory", "17592186044417", "--time", "4294967297"},
		} {
			r := tl.run("", append([]string{"wrap", "--key-file", localFile, "--password-file", pw}, cost...)...)
			assert.Equal(t, 2, r.code, "%v: %s", cost, r.stdout)
			assert.Contains(t, r.stderr, "at most")
			assert.Empty(t, r.stdout)
		}
	})

	t.Run("usage", func(t *testing.T) {
		tl := tl
		tl.t = t
		for _, args := range [][]string{{}, {"frobnicate"}, {"keygen"}, {"keygen", "symmetric"}, {"id", "a", "b"}, {"verify", "a", "b"}, {"mint", "--ttl", "soon"}} {
			r := tl.run("", args...)
			assert.Equal(t, 2, r.code, "ginpaseto %v", args)
		}
		r := tl.ok("", "help")
		assert.Contains(t, r.stdout, "ginpaseto keygen local|public")
	})

	t.Run("the middleware accepts minted tokens", func(t *testing.T) {
		tl := tl
		tl.t = t
		for _, tc := range []struct{ mintKey, option string }{{localFile, local}, {privFile, pair[1]}} {
			opt := ginpaseto.WithSecretKey(tc.option)
			if strings.HasPrefix(tc.option, "k4.public.") {
				opt = ginpaseto.WithPublicKey(tc.option)
			}
			auth, err := ginpaseto.New(opt)
			require.NoError(t, err)
			gin.SetMode(gin.TestMode)
			r := gin.New()
			r.GET("/user", auth.Required(), func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)}) })
			srv := httptest.NewServer(r)
			tok := tl.ok("", "mint", "--key-file", tc.mintKey, "--sub", "alice").line()
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/user", nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			var body map[string]string
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			resp.Body.Close()
			srv.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "alice", body["user"])
		}
	})
}
