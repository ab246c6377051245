package redistest

import (
	"net"
	"strings"
	"sync"
	"testing"
)

// Proxy is a loopback TCP proxy in front of one address, for tests of
// network faults: Freeze holds every byte in both directions while the
// sockets stay open, as a cut network or a hung switch does (neither side
// sees an error until its own timeouts); FreezeReplication does so for the
// connections of Redis replicas only; Thaw lets them through again; Cut
// closes every connection, dropping what was held.
type Proxy struct {
	Addr   string // host:port to connect to instead of the target
	target string
	ln     net.Listener

	mu          sync.Mutex
	gate        chan struct{} // closed while bytes may pass
	replication bool          // the gate holds replication links only
	conns       map[net.Conn]struct{}
	closed      bool
}

// link is one proxied connection.
type link struct {
	mu          sync.Mutex
	seen        []byte // the first bytes from the client
	replication bool   // the client is a Redis replica
}

// replicaMarker is the command a Redis replica sends to its master to
// start replicating, and no other client does.
const replicaMarker = "PSYNC"

// note records bytes from the client, and whether they make it a replica.
func (l *link) note(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.replication || len(l.seen) > 4096 {
		return
	}
	l.seen = append(l.seen, b...)
	l.replication = strings.Contains(strings.ToUpper(string(l.seen)), replicaMarker)
}

func (l *link) isReplication() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.replication
}

// NewProxy starts a proxy to target on a free loopback port. It is closed
// when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy to %s: %v", target, err)
	}
	open := make(chan struct{})
	close(open)
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln, gate: open, conns: map[net.Conn]struct{}{}}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Freeze holds every byte sent either way from now on, on the open
// connections and on new ones, until Thaw.
func (p *Proxy) Freeze() { p.freeze(false) }

// FreezeReplication holds every byte sent either way on the connections
// of Redis replicas to the master behind the proxy, until Thaw: their
// replication stops, and the master hears no acknowledgement, while other
// clients go on.
func (p *Proxy) FreezeReplication() { p.freeze(true) }

func (p *Proxy) freeze(replication bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
		p.gate = make(chan struct{})
	default: // frozen already
	}
	p.replication = replication
}

// Thaw delivers what was held and lets bytes pass again.
func (p *Proxy) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
	default:
		close(p.gate)
	}
}

// Cut closes every open connection, both sides, dropping any bytes held.
// New connections are accepted as before (frozen if the proxy is).
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}

func (p *Proxy) close() {
	_ = p.ln.Close()
	p.Cut()
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.Thaw() // frees the pumps, whose writes then fail
}

func (p *Proxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		if !p.track(client, server) {
			return
		}
		l := &link{}
		go p.pump(client, server, l, true)
		go p.pump(server, client, l, false)
	}
}

// track remembers a connection's two sockets, for Cut; false once the
// proxy is closed.
func (p *Proxy) track(a, b net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = a.Close()
		_ = b.Close()
		return false
	}
	p.conns[a], p.conns[b] = struct{}{}, struct{}{}
	return true
}

// pump copies from src to dst, each chunk waiting at the gate if it holds
// l's bytes.
func (p *Proxy) pump(src, dst net.Conn, l *link, fromClient bool) {
	defer func() {
		_ = src.Close()
		_ = dst.Close()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if fromClient {
				l.note(buf[:n])
			}
			p.mu.Lock()
			gate, replicationOnly := p.gate, p.replication
			p.mu.Unlock()
			if !replicationOnly || l.isReplication() {
				<-gate
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
