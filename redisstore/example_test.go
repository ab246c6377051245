package redisstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/redis/rueidis"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
)

// Sessions and revocations shared by every replica of a service through
// one Redis. The Authorizer writes to the store when it creates a token
// pair, rotates a refresh token or revokes, and every check consults it.
func ExampleNew() {
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress: []string{"127.0.0.1:6379"},
		// Notice a server that stopped answering within a second, so that
		// its connections, and what they cached, are dropped.
		ConnWriteTimeout: time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	store, err := redisstore.New(client)
	if err != nil {
		log.Fatal(err)
	}
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(os.Getenv("PASETO_SECRET_KEY")),
		ginpaseto.WithStore(store),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = auth
}

// A Redis URL, as deployments often configure one, and a Store with its
// own key prefix and a tighter timeout.
func ExampleNew_url() {
	opt, err := rueidis.ParseURL("redis://127.0.0.1:6379/0")
	if err != nil {
		log.Fatal(err)
	}
	client, err := rueidis.NewClient(opt)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	store, err := redisstore.New(client,
		redisstore.KeyPrefix("billing:"),
		redisstore.Timeout(100*time.Millisecond),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = store
}

// Redis Cluster: give some of the nodes, rueidis finds the others. Every
// key of one subject carries the same hash tag, so a check is still one
// command, on one node.
func ExampleNew_cluster() {
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:      []string{"10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"},
		ConnWriteTimeout: time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	store, err := redisstore.New(client)
	if err != nil {
		log.Fatal(err)
	}
	_ = store
}

// Redis Sentinel: give the sentinels and the name of the master set;
// rueidis follows a failover to the new master.
func ExampleNew_sentinel() {
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:      []string{"10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"},
		Sentinel:         rueidis.SentinelOption{MasterSet: "mymaster"},
		ConnWriteTimeout: time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	store, err := redisstore.New(client)
	if err != nil {
		log.Fatal(err)
	}
	_ = store
}

// A user's devices: the live sessions of a subject, the oldest first,
// read with one script.
func ExampleStore_Sessions() {
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{"127.0.0.1:6379"}})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	store, err := redisstore.New(client)
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := store.Sessions(context.Background(), "alice")
	if err != nil {
		log.Fatal(err) // Redis did not answer in time
	}
	for _, s := range sessions {
		fmt.Println(s.ID, s.Metadata["device"], "started", s.Started.Format(time.RFC3339), "expires", s.Expires.Format(time.RFC3339))
	}
}

// A long-lived connection ends with its session: the Store calls back
// when any process logs the user out, and the connection asks whether
// its token is still good, failing closed when Redis does not answer.
func ExampleStore_Notify() {
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{"127.0.0.1:6379"}})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	store, err := redisstore.New(client)
	if err != nil {
		log.Fatal(err)
	}
	var claims *ginpaseto.Claims // the claims the connection was opened with
	if claims == nil {
		return
	}
	ended := make(chan struct{}, 1)
	// Register first, then check: no logout can fall in between.
	stop := store.Notify(claims.Subject, func() {
		select {
		case ended <- struct{}{}:
		default:
		}
	})
	defer stop()
	for {
		revoked, err := store.IsRevoked(context.Background(), claims)
		if revoked || err != nil {
			return // close the connection
		}
		<-ended
	}
}

// A configuration mistake fails at New and says how to fix it.
func ExampleKeyPrefix() {
	_, err := redisstore.New(someClient(), redisstore.KeyPrefix("app{1}"))
	fmt.Println(err)
	// Output:
	// redisstore: KeyPrefix "app{1}": use printable ASCII without spaces, '{' or '}' (braces would move keys to other Redis Cluster slots), such as "ginpaseto:"
}

// someClient stands for the application's client; New does not contact
// Redis.
func someClient() rueidis.Client { return unusedClient{} }
