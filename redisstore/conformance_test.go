package redisstore_test

import (
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
	"github.com/ginpaseto/ginpaseto/storetest"
)

// TestConformance runs the shared Store suite against a standalone Redis
// and a local 3-master Redis Cluster: a new Store, on a client of its own,
// for each part.
func TestConformance(t *testing.T) {
	standalone := redistest.Start(t)
	cluster := redistest.StartCluster(t, 3)
	for _, b := range []backend{
		{name: "standalone", addrs: []string{standalone.Addr}},
		{name: "cluster", addrs: cluster.Addrs()},
	} {
		t.Run(b.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) ginpaseto.Store {
				s, _ := store(t, b.client(t), redisstore.SessionsPerSubject(5))
				return s
			}, storetest.SessionsPerSubject(5))
		})
	}
}
