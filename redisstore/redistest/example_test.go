package redistest_test

import (
	"context"
	"testing"

	"github.com/redis/rueidis"

	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// A test that needs Redis starts its own, on a free port; it is stopped
// when the test ends. Stop and Start again keep the data, as a server with
// persistence does.
func ExampleStart() {
	testWithRedis := func(t *testing.T) {
		srv := redistest.Start(t)
		client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr}})
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		if err := client.Do(context.Background(), client.B().Set().Key("k").Value("v").Build()).Error(); err != nil {
			t.Fatal(err)
		}
		srv.Stop()  // requests fail now
		srv.Start() // and succeed again, with k still set
	}
	_ = testWithRedis
}

// A local Redis Cluster of three masters.
func ExampleStartCluster() {
	testWithCluster := func(t *testing.T) {
		cluster := redistest.StartCluster(t, 3)
		client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: cluster.Addrs()})
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
	}
	_ = testWithCluster
}
