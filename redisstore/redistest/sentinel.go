package redistest

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sentinelBinary = "redis-sentinel"

// MasterSet is the name under which the sentinels of StartSentinel
// monitor their master (rueidis.SentinelOption.MasterSet).
const MasterSet = "ginpaseto"

// Sentinels is a master with replicas watched by three Redis Sentinels
// (quorum two), which fail over to a replica a second after the master
// stops answering.
type Sentinels struct {
	Master *Server
	// MasterLink is a proxy in front of the master, the address under
	// which the replicas and the sentinels know it:
	// MasterLink.FreezeReplication holds replication back.
	MasterLink *Proxy
	Replicas   []*Server
	// Sentinels are the redis-sentinel processes.
	Sentinels []*Server
}

// Addrs returns the sentinels' addresses, the InitAddress of a client.
func (s *Sentinels) Addrs() []string {
	addrs := make([]string, len(s.Sentinels))
	for i, n := range s.Sentinels {
		addrs[i] = n.Addr
	}
	return addrs
}

// StartSentinel starts a master behind a Proxy (MasterLink), replicas
// that replicate through it, and three sentinels that monitor it there,
// and waits until every sentinel knows the replicas and the other
// sentinels.
func StartSentinel(t testing.TB, replicas int) *Sentinels {
	t.Helper()
	bin := find(t, serverBinary)
	sentinelBin := find(t, sentinelBinary)
	s := &Sentinels{Master: startNew(t, bin, false, func(int) []string { return nil })}
	s.MasterLink = NewProxy(t, s.Master.Addr)
	host, port, _ := net.SplitHostPort(s.MasterLink.Addr)
	for range replicas {
		s.Replicas = append(s.Replicas, startNew(t, bin, false, func(int) []string { return []string{"--replicaof", host, port} }))
	}
	for range 3 {
		s.Sentinels = append(s.Sentinels, startNew(t, sentinelBin, false, func(int) []string {
			conf := filepath.Join(t.TempDir(), "sentinel.conf")
			text := fmt.Sprintf("sentinel monitor %s 127.0.0.1 %s 2\n"+
				"sentinel down-after-milliseconds %[1]s 1000\n"+
				"sentinel failover-timeout %[1]s 5000\n"+
				"sentinel parallel-syncs %[1]s 1\n", MasterSet, port)
			if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{conf, "--sentinel"} // a sentinel's configuration file comes first: it rewrites it
		}))
	}
	s.waitDiscovered(t, replicas)
	return s
}

// waitDiscovered waits until every sentinel sees the replicas in sync and
// the other sentinels, so that a failover can start.
func (s *Sentinels) waitDiscovered(t testing.TB, replicas int) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for _, n := range s.Sentinels {
		for {
			info, err := n.Do("INFO", "sentinel")
			want := fmt.Sprintf("status=ok,address=%s,slaves=%d,sentinels=%d", s.MasterLink.Addr, replicas, len(s.Sentinels))
			if err == nil && strings.Contains(info, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("sentinel %s not ready within %v: %v %s", n.Addr, startTimeout, err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, r := range s.Replicas {
		for r.Role() != "slave" || !strings.Contains(must(r.Do("INFO", "replication")), "master_link_status:up") {
			if time.Now().After(deadline) {
				t.Fatalf("replica %s not in sync within %v", r.Addr, startTimeout)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func must(s string, _ error) string { return s }

// MasterAddr returns the master's address as the sentinel n reports it.
func (s *Sentinels) MasterAddr(n *Server) string {
	reply, err := n.Do("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MasterSet)
	if err != nil {
		return ""
	}
	host, port, ok := strings.Cut(reply, "\n")
	if !ok {
		return ""
	}
	return net.JoinHostPort(host, port)
}

// WaitFailover waits until every sentinel reports a replica as the
// master, and that replica answers as one, and returns it.
func (s *Sentinels) WaitFailover(t testing.TB) *Server {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		addr := s.MasterAddr(s.Sentinels[0])
		agreed := addr != "" && addr != s.MasterLink.Addr
		for _, n := range s.Sentinels[1:] {
			agreed = agreed && s.MasterAddr(n) == addr
		}
		if agreed {
			for _, r := range s.Replicas {
				if r.Addr == addr && r.Role() == "master" {
					return r
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failover from %s within %v", s.Master.Addr, startTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
