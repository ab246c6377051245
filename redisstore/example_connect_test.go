package redisstore_test

import (
	"log"
	"os"
	"time"

	"github.com/redis/rueidis"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
)

// A service that may start before its Redis, as in a compose file or a
// Kubernetes pod: Connect returns at once and connects in the
// background; until then, requests that need the store get 503.
func ExampleConnect() {
	opt, err := rueidis.ParseURL("redis://127.0.0.1:6379/0")
	if err != nil {
		log.Fatal(err)
	}
	opt.ConnWriteTimeout = time.Second
	store, err := redisstore.Connect(opt)
	if err != nil {
		log.Fatal(err) // the options make no sense; Redis being down is no error
	}
	defer store.Close()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(os.Getenv("PASETO_SECRET_KEY")), ginpaseto.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	_ = auth
}

// Behind Sentinel, with one replica: a logout is reported done only once
// the replica has it, so that a failover cannot bring the session back.
func ExampleWaitReplicas() {
	store, err := redisstore.Connect(rueidis.ClientOption{
		InitAddress:      []string{"10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"},
		Sentinel:         rueidis.SentinelOption{MasterSet: "mymaster"},
		ConnWriteTimeout: time.Second,
	}, redisstore.WaitReplicas(1, 100*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	_ = store
}
