package redistest_test

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// echo starts a TCP server that sends every line back, closed when the
// test ends.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(c, c); _ = c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line and reads it back, reporting whether it came
// back within wait.
func roundTrip(t *testing.T, c net.Conn, r *bufio.Reader, line string, wait time.Duration) bool {
	t.Helper()
	_, err := c.Write([]byte(line + "\n"))
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(wait)))
	got, err := r.ReadString('\n')
	if err != nil {
		return false
	}
	assert.Equal(t, line+"\n", got)
	return true
}

func TestProxy(t *testing.T) {
	p := redistest.NewProxy(t, echo(t))
	c, err := net.Dial("tcp", p.Addr)
	require.NoError(t, err)
	defer c.Close()
	r := bufio.NewReader(c)
	require.True(t, roundTrip(t, c, r, "open", 10*time.Second))

	p.Freeze()
	assert.False(t, roundTrip(t, c, r, "held", 200*time.Millisecond), "frozen: nothing passes")
	p.Thaw()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	got, err := r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "held\n", got, "thawed: what was held arrives")

	p.FreezeReplication()
	assert.True(t, roundTrip(t, c, r, "a client", 10*time.Second), "replication frozen: other clients go on")
	replica, err := net.Dial("tcp", p.Addr)
	require.NoError(t, err)
	defer replica.Close()
	assert.False(t, roundTrip(t, replica, bufio.NewReader(replica), "PSYNC ? -1", 200*time.Millisecond), "a replica's link is held")
	p.Thaw()

	p.Cut()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = r.ReadString('\n')
	assert.Error(t, err, "cut: the connection is closed")
	c2, err := net.Dial("tcp", p.Addr)
	require.NoError(t, err)
	defer c2.Close()
	assert.True(t, roundTrip(t, c2, bufio.NewReader(c2), "again", 10*time.Second), "new connections after a cut")
}
