package load

import (
	"context"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// TestLoadSmoke runs every server under a short, bounded load on loopback:
// each answers its own token with 200s. No figure is judged here.
func TestLoadSmoke(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	for _, kind := range Servers {
		r, err := Run(context.Background(), kind, Config{Connections: 2, Warmup: 50 * time.Millisecond, Duration: 300 * time.Millisecond, MaxRequests: 200})
		if err != nil {
			t.Fatal(err)
		}
		if r.Requests == 0 || r.Errors > 0 {
			t.Fatalf("%s: %d requests answered, %d failed", kind, r.Requests, r.Errors)
		}
		t.Logf("%s: %d requests, %.0f req/s, p99 %v", kind, r.Requests, r.RPS, r.P99)
	}
}

// TestUnknownServer names the servers there are.
func TestUnknownServer(t *testing.T) {
	if _, err := NewRouter("nginx"); err == nil {
		t.Fatal("an unknown server was accepted")
	}
}
