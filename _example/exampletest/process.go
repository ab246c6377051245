package exampletest

import (
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// programVariable, in a process's environment, makes a test binary whose
// package calls Main run the example program instead of its tests.
const programVariable = "EXAMPLETEST_RUN_PROGRAM"

// processGuard bounds how long a misbehaving program may keep a test
// waiting; a healthy one starts and stops in milliseconds.
const processGuard = time.Minute

// Main runs the tests of an example program's package, from its TestMain:
//
//	func TestMain(m *testing.M) { exampletest.Main(m, main) }
//
// In a process that Program started, it runs the program instead: main,
// then exit. The test binary holds the program already, compiled and
// linked with the test's own flags, the race detector included; a test
// runs the real program as a process without building it again.
func Main(m *testing.M, main func()) {
	if os.Getenv(programVariable) != "" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Program returns a command that runs the example program of the calling
// test's package, whose TestMain calls Main, as a process. Its environment
// is the test's, without the variables the examples read, plus env.
func Program(t testing.TB, env ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(self)
	cmd.Env = Environ(append(env, programVariable+"=1")...)
	return cmd
}

// StartProgram runs the example program of the calling test's package
// (see Main) with env on a free loopback port, and returns it once it
// accepts connections, with a Server that drives it.
func StartProgram(t testing.TB, env ...string) (*Process, *Server) {
	t.Helper()
	port := FreePort(t)
	p := Start(t, Program(t, append(env, "PORT="+port)...))
	return p, At(t, "http://127.0.0.1:"+port)
}

// Environ returns the test's environment without the variables the
// example programs read (PASETO_*, PORT, API_PORT, REDIS_URL, KEYSET_URL,
// GIN_MODE, TRUSTED_PROXIES), plus env. A program built with the race
// detector exits without its default second of waiting for late reports.
func Environ(env ...string) []string {
	out := []string{"GORACE=" + strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0")}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "PASETO_"), name == "GORACE":
		case name == "PORT", name == "API_PORT", name == "REDIS_URL", name == "KEYSET_URL", name == "GIN_MODE", name == "TRUSTED_PROXIES":
		default:
			out = append(out, kv)
		}
	}
	return append(out, env...)
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// Process is a program running in the background, what it writes to its
// standard output and error captured together.
type Process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	once   sync.Once
	mu     sync.Mutex
	out    strings.Builder // standard output and error
	errOut strings.Builder // standard error alone
}

// capture writes what a process writes to one of its outputs.
type capture struct {
	p      *Process
	stderr bool
}

func (c capture) Write(b []byte) (int, error) {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	if c.stderr {
		c.p.errOut.Write(b)
	}
	return c.p.out.Write(b)
}

// Start runs cmd and returns once it accepts connections on the loopback
// port that its environment's PORT names. The process is stopped at the
// end of the test, and what it wrote is logged if the test failed.
func Start(t testing.TB, cmd *exec.Cmd) *Process {
	t.Helper()
	p := &Process{cmd: cmd, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = capture{p, false}, capture{p, true}
	require.NoError(t, cmd.Start())
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		out := p.Stop()
		if t.Failed() {
			t.Logf("%s wrote:\n%s", cmd.Path, out)
		}
	})
	port := ""
	for _, kv := range cmd.Env {
		if v, ok := strings.CutPrefix(kv, "PORT="); ok {
			port = v
		}
	}
	require.NotEmpty(t, port, "the command's environment sets PORT")
	p.Listening(t, port)
	return p
}

// Listening returns once the process accepts connections on the loopback
// port, and fails the test if it exits first or does not within a minute.
func (p *Process) Listening(t testing.TB, port string) {
	t.Helper()
	deadline := time.After(processGuard)
	for {
		conn, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			conn.Close()
			return
		}
		select {
		case <-p.exited:
			t.Fatalf("the program exited before listening on port %s: %s", port, p.Output())
		case <-deadline:
			t.Fatalf("the program is not listening on port %s: %s", port, p.Stop())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Output returns what the process has written so far, to its standard
// output and error.
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// Stderr returns what the process has written so far to its standard
// error.
func (p *Process) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errOut.String()
}

// Exited is closed once the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Stop asks the process to shut down, as a service manager would (SIGTERM),
// kills it if it has not within a minute, and returns its output. It may
// be called more than once.
func (p *Process) Stop() string {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(processGuard):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p.Output()
}
