package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// reuses counts the reuse events an Authorizer reports.
type reuses struct {
	observe.Nop
	n atomic.Int32
}

func (r *reuses) Session(_ context.Context, e observe.SessionEvent) {
	if e.Kind == observe.SessionReuseDetected {
		r.n.Add(1)
	}
}

// syncBuffer is a log destination several goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOneReuseOneEvent: two processes (each its own client, store and
// Authorizer) share one Redis; a refresh token reused through both at
// once is reported once, by the process whose rotation found it, in the
// observer and in the security log.
func TestOneReuseOneEvent(t *testing.T) {
	srv := redistest.Start(t)
	b := backend{name: "standalone", addrs: []string{srv.Addr}}
	const key = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
	var counts [2]*reuses
	var logs [2]*syncBuffer
	var auths [2]*ginpaseto.Authorizer
	for i := range auths {
		store, err := redisstore.New(b.client(t))
		require.NoError(t, err)
		counts[i], logs[i] = &reuses{}, &syncBuffer{}
		auths[i], err = ginpaseto.New(ginpaseto.WithSecretKey(key), ginpaseto.WithStore(store), ginpaseto.WithRefreshGrace(0),
			ginpaseto.WithObserver(counts[i]), ginpaseto.WithObserver(observe.SecurityLogger(slog.New(slog.NewJSONHandler(logs[i], nil)))))
		require.NoError(t, err)
	}
	ctx := context.Background()
	pair, err := auths[0].CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	used, err := auths[0].ParseToken(pair.RefreshToken)
	require.NoError(t, err)
	_, err = auths[0].RotateRefreshToken(ctx, used)
	require.NoError(t, err)

	const attempts = 16
	var wg sync.WaitGroup
	var refused atomic.Int32
	for i := range attempts {
		wg.Go(func() {
			_, err := auths[i%2].RotateRefreshToken(ctx, used)
			if errors.Is(err, ginpaseto.ErrRefreshTokenReused) || errors.Is(err, ginpaseto.ErrTokenRevoked) {
				refused.Add(1)
			} else {
				t.Errorf("a reused refresh token: %v", err)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, attempts, refused.Load())
	assert.EqualValues(t, 1, counts[0].n.Load()+counts[1].n.Load(), "one reuse, one event")
	records := strings.Count(logs[0].String(), "reuse detected") + strings.Count(logs[1].String(), "reuse detected")
	assert.Equal(t, 1, records, "one security record:\n%s\n%s", logs[0], logs[1])
}
