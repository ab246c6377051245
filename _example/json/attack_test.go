package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// attackTimeouts are the example's server timeouts, made short so that the
// test does not wait for the production values.
var attackTimeouts = exampleapp.Timeouts{
	ReadHeader: 2 * time.Second,
	Read:       3 * time.Second,
	Write:      5 * time.Second,
	Idle:       2 * time.Second,
}

// slack bounds how late, past its timeout, the server may close a
// connection: generous, for a machine so loaded that accepting and
// scheduling a connection takes seconds; the test measures, it does not
// race. Without timeouts no connection is ever closed.
const slack = time.Minute

// attackers is how many slow clients each attack keeps connected.
const attackers = 2000

// serveJSONExample runs the example's router behind its real server
// configuration, with attackTimeouts, on a loopback port. Its access log
// goes where gin.DefaultWriter does.
func serveJSONExample(t *testing.T) string {
	t.Helper()
	auth, err := newAuthorizer(exampletest.SecretKey)
	require.NoError(t, err)
	srv := exampleapp.NewServer("", newRouter(auth), attackTimeouts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// attack keeps n connections to addr busy: each one sends start, then, if
// trickle, one more byte every half second, until the server closes it; then it
// connects again, until stop is closed. It returns how long each
// connection lived, from its first byte to the server's close, once every
// attacker has stopped, and reports through connected once all n are
// connected.
func attack(t *testing.T, addr string, n int, start string, trickle bool, connected chan<- struct{}, stop <-chan struct{}) func() []time.Duration {
	var (
		mu       sync.Mutex
		lives    []time.Duration
		failures []error
		wg       sync.WaitGroup
		ready    atomic.Int64
	)
	for range n {
		wg.Go(func() {
			first := true
			for round := 0; round < 20; round++ { // bounded, whatever happens
				life, err := slowConnection(addr, start, trickle)
				mu.Lock()
				if err != nil {
					failures = append(failures, err)
				} else {
					lives = append(lives, life)
				}
				mu.Unlock()
				if first {
					first = false
					if ready.Add(1) == int64(n) {
						close(connected)
					}
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		})
	}
	return func() []time.Duration {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(failures) > 0 {
			require.Failf(t, "slow connections left open", "%d connections, first: %v", len(failures), failures[0])
		}
		return lives
	}
}

// slowConnection sends start on a new connection and, if trickle, one
// byte every half second, and returns how long the server took to close it.
// It fails when the server leaves it open past every timeout and slack.
func slowConnection(addr, start string, trickle bool) (time.Duration, error) {
	conn, err := net.DialTimeout("tcp", addr, slack)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	begin := time.Now()
	guard := begin.Add(attackTimeouts.Read + slack)
	if _, err := io.WriteString(conn, start); err != nil {
		return time.Since(begin), nil // closed already
	}
	buf := make([]byte, 4096)
	for time.Now().Before(guard) {
		pace := time.Now().Add(500 * time.Millisecond)
		if !trickle {
			pace = guard
		}
		conn.SetReadDeadline(pace)
		_, err := conn.Read(buf)
		var timeout net.Error
		switch {
		case err == nil:
			// The server's answer, before it hangs up.
		case errors.As(err, &timeout) && timeout.Timeout():
			if trickle {
				if _, err := conn.Write([]byte("a")); err != nil {
					return time.Since(begin), nil
				}
			}
		default: // EOF or reset: the server closed it
			return time.Since(begin), nil
		}
	}
	return 0, errors.New("connection still open after the timeout and the slack")
}

// normalClient logs in and places an order, as a client that sends its
// requests in full does, and requires both to succeed.
func normalClient(t *testing.T, addr string) {
	t.Helper()
	// A new connection per request: a kept-alive one could be closed by
	// the idle timeout just as a request goes out on it.
	client := &http.Client{Timeout: slack, Transport: &http.Transport{DisableKeepAlives: true}}
	post := func(path string, body any) (int, map[string]any) {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		resp, err := client.Post("http://"+addr+path, "application/json", bytes.NewReader(b))
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	status, login := post("/login", map[string]string{"username": "test", "password": "test"})
	require.Equal(t, http.StatusOK, status, login)
	status, order := post("/orders", map[string]any{"access_token": login["access_token"], "item": "tea", "quantity": 2})
	require.Equal(t, http.StatusCreated, status, order)
}

// TestSlowClientsAreCutOff runs the two attacks a server without timeouts
// falls to, each with 2 000 connections that reconnect once cut off: POST
// bodies to the JSON-transport route sent a byte every half second, which the
// token lookup would wait for, and request headers begun and never
// finished. The server must close every one within its timeout, and a
// client that sends its requests in full must be served meanwhile. Each
// attack has a server of its own, and they run at once: most of their
// time is spent waiting for the server's timeouts.
func TestSlowClientsAreCutOff(t *testing.T) {
	if testing.Short() {
		t.Skip("holds thousands of connections for a few seconds")
	}
	// Thousands of access log lines say nothing here. The servers'
	// loggers take the writer when they are made, in the subtests, which
	// end before this is restored.
	out := gin.DefaultWriter
	gin.DefaultWriter = io.Discard
	t.Cleanup(func() { gin.DefaultWriter = out })
	attacks := []struct {
		name    string
		start   string
		trickle bool
		timeout time.Duration
	}{
		{"slow body", "POST /orders HTTP/1.1\r\nHost: example\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{\"access_token\":\"", true, attackTimeouts.Read},
		{"half-open header", "POST /orders HTTP/1.1\r\nHost: example\r\nContent-Ty", false, attackTimeouts.ReadHeader},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			addr := serveJSONExample(t)
			connected, stop := make(chan struct{}), make(chan struct{})
			wait := attack(t, addr, attackers, a.start, a.trickle, connected, stop)
			select {
			case <-connected:
			case <-time.After(2 * time.Minute):
				close(stop)
				t.Fatal("could not open the attacking connections")
			}
			for range 5 {
				normalClient(t, addr)
			}
			close(stop)
			lives := wait()
			require.GreaterOrEqual(t, len(lives), attackers)
			slices.Sort(lives)
			longest := lives[len(lives)-1]
			assert.LessOrEqual(t, longest, a.timeout+slack)
			t.Logf("%d connections cut off; timeout %v; lifetime median %v, 99th percentile %v, longest %v",
				len(lives), a.timeout, lives[len(lives)/2], lives[len(lives)*99/100], longest)
		})
	}

	t.Run("idle keep-alive", func(t *testing.T) {
		t.Parallel()
		addr := serveJSONExample(t)
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		_, err = io.WriteString(conn, "POST /orders HTTP/1.1\r\nHost: example\r\nContent-Length: 0\r\n\r\n")
		require.NoError(t, err)
		begin := time.Now()
		require.NoError(t, conn.SetReadDeadline(begin.Add(attackTimeouts.Idle+slack)))
		got, err := io.ReadAll(conn) // the 401, then the close
		require.NoError(t, err, "the server closes an idle connection")
		assert.Contains(t, string(got), "401 Unauthorized")
		t.Logf("idle connection closed after %v (timeout %v)", time.Since(begin), attackTimeouts.Idle)
	})
}
