package bench

import (
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// Sockets open at once in BenchmarkWatchedSockets: subjects × sessions.
const (
	watchSubjects          = 100
	watchSessionsPerSubect = 10
	watchSockets           = watchSubjects * watchSessionsPerSubect
)

// BenchmarkWatchedSockets opens 1000 WebSockets on a Gin server in
// process, each with its own session (100 users with 10 sessions each, the
// in-memory store), and compares sockets whose handler watches its token
// (Authorizer.Watch, closing with 1008 when it is refused) with the same
// sockets unwatched. Besides ns/op, a ping round trip on one of the open
// sockets, it reports what the 1000 sockets hold once open, client side
// included: heap-B/socket and goroutines/socket; idle-cpu-ms/s, the CPU
// time the process uses per second while nothing happens; and, watched,
// close-all-ms: from the start of logging every user out everywhere
// (RevokeSubject, 100 calls) until the last of the 1000 clients has its
// close frame.
func BenchmarkWatchedSockets(b *testing.B) {
	for _, watched := range []bool{false, true} {
		name := "unwatched"
		if watched {
			name = "watched"
		}
		b.Run(name, func(b *testing.B) { benchmarkSockets(b, watched) })
	}
}

func benchmarkSockets(b *testing.B, watched bool) {
	auth, err := ginpaseto.New(newFixture(b).ginpasetoLocalOptions()...)
	require.NoError(b, err)
	r := gin.New()
	r.GET("/ws", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol)), func(c *gin.Context) {
		claims, _ := ginpaseto.GetClaims(c)
		conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol}})
		if err != nil {
			return
		}
		defer conn.CloseNow()
		gone := conn.CloseRead(context.Background())
		if !watched {
			<-gone.Done()
			return
		}
		w, stop := auth.Watch(c.Request.Context(), claims)
		defer stop()
		select {
		case <-w.Done():
			code, reason := auth.WebSocketCloseStatus(context.Cause(w))
			conn.Close(websocket.StatusCode(code), reason)
		case <-gone.Done():
		}
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"

	var tokens []string
	for s := range watchSubjects {
		for range watchSessionsPerSubect {
			pair, err := auth.CreateTokenPair(context.Background(), fmt.Sprintf("user-%d", s))
			require.NoError(b, err)
			tokens = append(tokens, pair.AccessToken)
		}
	}

	goroutines, heap := runtime.NumGoroutine(), heapInUse()
	conns := make([]*websocket.Conn, len(tokens))
	var closed sync.WaitGroup
	for i, tok := range tokens {
		conn, _, err := websocket.Dial(context.Background(), url, &websocket.DialOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol, tok}})
		require.NoError(b, err)
		conns[i] = conn
		closed.Add(1)
		go func() {
			defer closed.Done()
			for {
				if _, _, err := conn.Read(context.Background()); err != nil {
					return
				}
			}
		}()
	}
	defer func() {
		for _, c := range conns {
			c.CloseNow()
		}
		closed.Wait()
	}()
	time.Sleep(100 * time.Millisecond) // let the handlers reach their wait
	// Reported after the loop: ResetTimer drops reported metrics.
	metrics := map[string]float64{
		"goroutines/socket": float64(runtime.NumGoroutine()-goroutines) / watchSockets,
		"heap-B/socket":     float64(heapInUse()-heap) / watchSockets,
	}
	const idle = time.Second
	cpu0, ok := cpuTime()
	time.Sleep(idle)
	if cpu1, ok1 := cpuTime(); ok && ok1 {
		metrics["idle-cpu-ms/s"] = float64((cpu1 - cpu0).Microseconds()) / 1000 / idle.Seconds()
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b.ResetTimer()
	for i := range b.N {
		if err := conns[i%len(conns)].Ping(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	for unit, v := range metrics {
		b.ReportMetric(v, unit)
	}

	if watched {
		start := time.Now()
		for s := range watchSubjects {
			require.NoError(b, auth.RevokeSubject(context.Background(), fmt.Sprintf("user-%d", s)))
		}
		closed.Wait()
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "close-all-ms")
	}
}

// heapInUse returns the bytes of live heap after a collection.
func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}
