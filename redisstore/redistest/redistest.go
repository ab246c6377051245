// Package redistest starts real Redis servers for tests: Debian's
// redis-server on free loopback ports, standalone or as a local cluster,
// in the test's temporary directory, stopped when the test ends.
//
// A machine without redis-server (or redis-cli for a cluster,
// redis-sentinel for Sentinel) skips the tests that need it, printing why,
// unless REQUIRE_REDIS is set (as in CI): then they fail.
package redistest

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Binaries looked for on PATH, then at Debian's location.
const (
	serverBinary = "redis-server"
	cliBinary    = "redis-cli"
	debianDir    = "/usr/bin"
)

// debianPackage is the Debian package of each binary.
var debianPackage = map[string]string{
	serverBinary:   "redis-server",
	cliBinary:      "redis-tools",
	sentinelBinary: "redis-sentinel",
}

// startTimeout bounds how long a server or a cluster may take to come up.
const startTimeout = 20 * time.Second

// Server is one redis-server process. Its data persists in its own
// directory (append-only file on), so that Stop and Start keep what was
// written, as a production server with persistence does.
type Server struct {
	t       testing.TB
	Addr    string // host:port
	Port    int
	dir     string
	args    []string
	cmd     *exec.Cmd
	exited  chan struct{}
	stopped bool

	// Link is the proxy in front of the server that its replicas
	// replicate through, if any: freeze it to hold replication back.
	Link *Proxy
}

// find returns the path of a Redis binary, or skips (or fails, with
// REQUIRE_REDIS set) the test when it is missing.
func find(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(debianDir, name)); statErr == nil {
			return filepath.Join(debianDir, name)
		}
		msg := fmt.Sprintf("%s not found (on Debian: apt-get install %s)", name, debianPackage[name])
		if os.Getenv("REQUIRE_REDIS") != "" {
			t.Fatal(msg + "; REQUIRE_REDIS is set, so this is a failure")
		}
		t.Skip(msg + "; skipping, set REQUIRE_REDIS=1 to make this a failure")
	}
	return path
}

// Start starts a standalone server with persistence on. It is stopped, and
// its data removed, when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return startNew(t, find(t, serverBinary), false, func(int) []string { return nil })
}

// Unstarted returns a standalone server on a free port, with persistence
// on, that is not running yet: Start starts it, for tests of a service
// that starts before its Redis. Another process could take the port
// meanwhile; then Start fails the test.
func Unstarted(t testing.TB) *Server {
	t.Helper()
	return newServer(t, find(t, serverBinary), freePort(t, false), nil)
}

// startNew starts a server on a free port. Another process may take the
// port between the check and the start; then it tries other ports.
func startNew(t testing.TB, bin string, cluster bool, extra func(port int) []string) *Server {
	t.Helper()
	var err error
	var s *Server
	for range 3 {
		port := freePort(t, cluster)
		s = newServer(t, bin, port, extra(port))
		if err = s.start(); err == nil {
			return s
		}
	}
	t.Fatalf("redis-server on %s did not start: %v\n%s", s.Addr, err, s.Log())
	return nil
}

func newServer(t testing.TB, bin string, port int, extra []string) *Server {
	dir := t.TempDir()
	args := []string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--dir", dir,
		"--appendonly", "yes",
		"--save", "",
		"--daemonize", "no",
		"--logfile", filepath.Join(dir, "redis.log"),
	}
	head := []string{bin}
	if len(extra) > 0 && strings.HasSuffix(extra[0], ".conf") {
		head, extra = append(head, extra[0]), extra[1:] // a configuration file must come first
	}
	s := &Server{t: t, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Port: port, dir: dir, args: append(append(head, args...), extra...)}
	t.Cleanup(func() {
		if s.cmd != nil && !s.stopped {
			s.kill()
		}
	})
	return s
}

// Start starts the server again after Stop, on the same port, with the
// data it had.
func (s *Server) Start() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("redis-server on %s did not start: %v\n%s", s.Addr, err, s.Log())
	}
}

func (s *Server) start() error {
	cmd := exec.Command(s.args[0], s.args[1:]...)
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.stopped = cmd, false
	s.exited = make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.exited) }()
	if err := s.waitReady(); err != nil {
		s.kill()
		return err
	}
	return nil
}

// Stop shuts the server down as an operator would (SIGTERM: the
// append-only file is flushed) and waits until it has exited and its port
// is closed.
func (s *Server) Stop() {
	s.t.Helper()
	if s.cmd == nil || s.stopped {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(startTimeout):
		s.kill()
		s.t.Fatalf("redis-server on %s did not stop on SIGTERM", s.Addr)
	}
	s.stopped = true
}

// Pause stops the process without closing its connections (SIGSTOP): a
// server that hangs. Resume lets it go on.
func (s *Server) Pause() { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (s *Server) Resume() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }

// Kill ends the process at once (SIGKILL), as a crash does: what it
// had not yet written to its append-only file or sent to its replicas is
// lost.
func (s *Server) Kill() {
	if s.cmd != nil && !s.stopped {
		s.kill()
	}
}

// kill ends the process at once, a paused one included.
func (s *Server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.stopped = true
}

// Log returns the server's log file, for failure messages.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	return string(b)
}

// Do sends one command over a new connection and returns the reply as
// text, for test set-up and assertions outside the client under test.
func (s *Server) Do(args ...string) (string, error) {
	return do(s.Addr, args...)
}

// waitReady polls the server with PING until it answers PONG (not
// LOADING, while it reads its append-only file back), and checks that the
// answer came from this process.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return errors.New("the process exited")
		default:
		}
		reply, err := s.Do("PING")
		if err == nil && reply == "PONG" {
			// Make sure it is this server, not another that took the port.
			info, err := s.Do("INFO", "server")
			if err == nil && !strings.Contains(info, "process_id:"+strconv.Itoa(s.cmd.Process.Pid)+"\r") {
				return errors.New("another server answers on the port")
			}
			return err
		}
		last = err
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("no PONG within %v: %v", startTimeout, last)
}

// Cluster is a local Redis Cluster.
type Cluster struct {
	// Nodes are the cluster's nodes, its first masters first, then their
	// replicas.
	Nodes []*Server

	// announced maps the address a node announces, a Proxy's with
	// ClusterConfig.ReplicationProxies, to the node's own.
	announced map[string]string
}

// Addrs returns the addresses of the cluster's nodes.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr
	}
	return addrs
}

// ClusterConfig describes a cluster for StartClusterWith.
type ClusterConfig struct {
	Masters           int
	ReplicasPerMaster int
	// NodeTimeout is the cluster-node-timeout: how long a node may be
	// silent before the others count it failed and a replica takes over.
	// Default 5s.
	NodeTimeout time.Duration
	// ReplicationProxies puts a Proxy in front of each node and makes the
	// node announce the proxy's address, so that its replicas replicate
	// through it: freeze it to hold replication back. Clients reach the
	// nodes directly with Dial as their dial function.
	ReplicationProxies bool
}

// StartCluster starts masters servers in cluster mode, joins them with
// redis-cli --cluster create, and waits until every node reports the
// cluster ok. Ports stay below 55536, as each node also listens on its
// port + 10000 for the cluster bus.
func StartCluster(t testing.TB, masters int) *Cluster {
	t.Helper()
	return StartClusterWith(t, ClusterConfig{Masters: masters})
}

// StartClusterWith starts a cluster as StartCluster does, with replicas
// and replication proxies as cfg says.
func StartClusterWith(t testing.TB, cfg ClusterConfig) *Cluster {
	t.Helper()
	bin := find(t, serverBinary)
	cli := find(t, cliBinary)
	if cfg.NodeTimeout <= 0 {
		cfg.NodeTimeout = 5 * time.Second
	}
	c := &Cluster{announced: map[string]string{}}
	proxies := map[*Server]*Proxy{}
	for range cfg.Masters * (1 + cfg.ReplicasPerMaster) {
		var proxy *Proxy
		n := startNew(t, bin, true, func(port int) []string {
			args := []string{
				"--cluster-enabled", "yes",
				"--cluster-config-file", filepath.Join(t.TempDir(), "nodes.conf"),
				"--cluster-node-timeout", strconv.FormatInt(cfg.NodeTimeout.Milliseconds(), 10),
			}
			if cfg.ReplicationProxies {
				proxy = NewProxy(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
				_, proxyPort, _ := net.SplitHostPort(proxy.Addr)
				args = append(args,
					"--cluster-announce-ip", "127.0.0.1",
					"--cluster-announce-port", proxyPort,
					"--cluster-announce-bus-port", strconv.Itoa(port+10000))
			}
			return args
		})
		if proxy != nil {
			c.announced[proxy.Addr] = n.Addr
			proxies[n] = proxy
			n.Link = proxy
		}
		c.Nodes = append(c.Nodes, n)
	}
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", strconv.Itoa(cfg.ReplicasPerMaster), "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	c.waitOK(t)
	if cfg.ReplicasPerMaster > 0 {
		c.waitReplicasOnline(t)
	}
	return c
}

// Dial connects to a node of the cluster, directly when addr is a
// replication proxy's: the dial function (rueidis.ClientOption.DialCtxFn)
// of the clients of a cluster with ReplicationProxies, so that freezing
// a proxy holds replication back and nothing else.
func (c *Cluster) Dial(ctx context.Context, addr string, d *net.Dialer, _ *tls.Config) (net.Conn, error) {
	if own, ok := c.announced[addr]; ok {
		addr = own
	}
	return d.DialContext(ctx, "tcp", addr)
}

// Role returns "master" or "slave", as the node's ROLE says.
func (s *Server) Role() string {
	info, err := s.Do("INFO", "replication")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(info, "\r\n") {
		if role, ok := strings.CutPrefix(line, "role:"); ok {
			return role
		}
	}
	return ""
}

// ReplicaOf returns a replica of master, as the nodes see it now.
func (c *Cluster) ReplicaOf(t testing.TB, master *Server) *Server {
	t.Helper()
	announced := master.Addr
	if master.Link != nil {
		announced = master.Link.Addr
	}
	_, port, _ := net.SplitHostPort(announced)
	for _, n := range c.Nodes {
		if n == master {
			continue
		}
		info, err := n.Do("INFO", "replication")
		if err == nil && strings.Contains(info, "role:slave") && strings.Contains(info, "master_port:"+port+"\r") {
			return n
		}
	}
	t.Fatalf("no replica of %s", master.Addr)
	return nil
}

// Masters returns the nodes that are masters now.
func (c *Cluster) Masters() []*Server {
	var masters []*Server
	for _, n := range c.Nodes {
		if !n.stopped && n.Role() == "master" {
			masters = append(masters, n)
		}
	}
	return masters
}

// waitReplicasOnline waits until every replica has synchronised with its
// master.
func (c *Cluster) waitReplicasOnline(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for _, n := range c.Nodes {
		for {
			info, err := n.Do("INFO", "replication")
			if err == nil && (strings.Contains(info, "role:master") || strings.Contains(info, "master_link_status:up")) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %s not in sync within %v: %v %s", n.Addr, startTimeout, err, info)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// NodeOf returns the master that holds the slot of key.
func (c *Cluster) NodeOf(t testing.TB, key string) *Server {
	t.Helper()
	for _, n := range c.Nodes {
		if n.stopped {
			continue
		}
		_, err := n.Do("TYPE", key)
		if err == nil && n.Role() == "master" {
			return n
		}
		if err != nil && !strings.HasPrefix(err.Error(), "MOVED") {
			t.Fatalf("TYPE %s on %s: %v", key, n.Addr, err)
		}
	}
	t.Fatalf("no node of the cluster holds %s", key)
	return nil
}

// Stop stops every node, as Server.Stop does.
func (c *Cluster) Stop() {
	for _, n := range c.Nodes {
		n.Stop()
	}
}

// Start starts every node again after Stop, with its data and its view of
// the cluster, and waits until the cluster is ok.
func (c *Cluster) Start() {
	for _, n := range c.Nodes {
		n.Start()
	}
	c.waitOK(c.Nodes[0].t)
}

// waitOK waits until every node reports the cluster ok.
func (c *Cluster) waitOK(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for _, n := range c.Nodes {
		for {
			info, err := n.Do("CLUSTER", "INFO")
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster node %s not ok within %v: %v %s", n.Addr, startTimeout, err, info)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// freePort returns a loopback TCP port nobody listens on. A cluster port
// must have its bus port (+10000) free as well, and so stays below 55536.
func freePort(t testing.TB, cluster bool) int {
	t.Helper()
	for range 1000 {
		port := 20000 + rand.IntN(35000) // 20000–54999
		if !free(port) || cluster && !free(port+10000) {
			continue
		}
		return port
	}
	t.Fatal("no free port found")
	return 0
}

func free(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// do sends one command in RESP and reads one reply: a simple string,
// error, integer, bulk string, or an array of those (flattened, one per
// line).
func do(addr string, args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	return readReply(bufio.NewReader(conn))
}

func readReply(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", errors.New("empty reply")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", errors.New(line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", err // a nil bulk string is ""
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return "", err
		}
		parts := make([]string, 0, max(n, 0))
		for range n {
			p, err := readReply(r)
			if err != nil {
				return "", err
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, "\n"), nil
	}
	return "", fmt.Errorf("unexpected reply %q", line)
}
