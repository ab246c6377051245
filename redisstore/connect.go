package redisstore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/rueidis"
)

// ErrNotConnected is wrapped by the errors of a Store made by Connect
// while it has not reached Redis yet. The request gets 503, as with Redis
// down.
var ErrNotConnected = errors.New("redisstore: not connected to Redis yet")

// Delays between connection attempts of Connect: doubling from the first
// to the last, which it keeps until it connects.
const (
	firstRetry = 50 * time.Millisecond
	lastRetry  = time.Second
)

// Connect returns a Store on a rueidis client made from opt, whether or
// not Redis answers yet, as in a deployment where the service may start
// before Redis (compose, Kubernetes). rueidis.NewClient fails when it
// cannot reach Redis; Connect instead keeps trying in the background,
// from 50ms apart up to a second apart, and until it has connected every
// call of the Store fails with an error wrapping ErrNotConnected, so that
// requests that need the store get 503. From the first success on, the
// Store works as one made by New, and rueidis reconnects by itself.
//
// Connect waits for the first attempt for up to the Store's Timeout, so
// that a Redis that is up is used from the first request; it fails, with
// a message saying what to fix, on options that make no sense, for the
// Store or for rueidis (no address, say), never because Redis does not
// answer. The Store owns the client: Close closes it.
func Connect(opt rueidis.ClientOption, opts ...Option) (*Store, error) {
	if len(opt.InitAddress) == 0 {
		return nil, errors.New("redisstore: Connect: no address; set rueidis.ClientOption.InitAddress (for Sentinel, the sentinels' addresses), or use rueidis.ParseURL")
	}
	l := &lazyClient{stop: make(chan struct{}), stopped: make(chan struct{})}
	s, err := New(l, opts...)
	if err != nil {
		return nil, err
	}
	s.owned = l
	first := make(chan error, 1)
	go l.connect(opt, first)
	select {
	case err := <-first:
		if err != nil && !reachingRedis(err) {
			l.Close()
			return nil, fmt.Errorf("redisstore: Connect: %w", err)
		}
	case <-time.After(s.cfg.timeout):
	}
	return s, nil
}

// Close stops what the Store runs in the background and, for a Store made
// by Connect, closes its client. A Store made by New leaves its client to
// the caller, who closes it.
func (s *Store) Close() {
	if s.owned != nil {
		s.owned.Close()
	}
}

// reachingRedis reports whether err is about reaching Redis, which
// Connect tries again, rather than about its options.
func reachingRedis(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	var errno syscall.Errno
	_, redisErr := rueidis.IsRedisErr(err)
	return redisErr || errors.As(err, &netErr) || errors.As(err, &opErr) || errors.As(err, &errno) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, rueidis.ErrNoSlot)
}

// lazyClient is a rueidis.Client that connects in the background: until
// it has, every command fails with ErrNotConnected.
type lazyClient struct {
	client  atomic.Pointer[rueidis.Client]
	lastErr atomic.Pointer[error]

	closeOnce sync.Once
	stop      chan struct{} // closed by Close
	stopped   chan struct{} // closed when connect has returned
}

var _ rueidis.Client = (*lazyClient)(nil)

// connect makes the client, trying again until it succeeds or Close.
// The result of the first attempt goes to first.
func (l *lazyClient) connect(opt rueidis.ClientOption, first chan<- error) {
	defer close(l.stopped)
	delay := firstRetry
	for attempt := 0; ; attempt++ {
		c, err := rueidis.NewClient(opt)
		if attempt == 0 {
			first <- err
		}
		if err == nil {
			select {
			case <-l.stop: // closed meanwhile
				c.Close()
			default:
				l.client.Store(&c)
			}
			return
		}
		if c != nil {
			c.Close()
		}
		l.lastErr.Store(&err)
		select {
		case <-l.stop:
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, lastRetry)
	}
}

// get returns the client once connected, else nil.
func (l *lazyClient) get() rueidis.Client {
	if c := l.client.Load(); c != nil {
		return *c
	}
	return nil
}

// notYet is the error of a command before the client connected; after
// Close, rueidis's own.
func (l *lazyClient) notYet() error {
	select {
	case <-l.stop:
		return rueidis.ErrClosing
	default:
	}
	e := &notConnectedError{}
	if err := l.lastErr.Load(); err != nil {
		e.cause = *err
	}
	return e
}

// notConnectedError is ErrNotConnected with the last attempt's error.
type notConnectedError struct{ cause error }

func (e *notConnectedError) Error() string {
	if e.cause == nil {
		return "not connected to Redis yet"
	}
	return "not connected to Redis yet: " + e.cause.Error()
}

func (e *notConnectedError) Is(target error) bool { return target == ErrNotConnected }
func (e *notConnectedError) Unwrap() error        { return e.cause }

// noSlot marks a command built by placeholderBuilder, which has no
// Redis Cluster slot, so that a command built before the client connected
// to a cluster is never sent to it.
const noSlot = 1 << 15

// usable returns the client if cmd, of slot, may go to it.
func (l *lazyClient) usable(slot uint16) rueidis.Client {
	c := l.get()
	if c == nil || slot&noSlot != 0 && c.Mode() == rueidis.ClientModeCluster {
		return nil
	}
	return c
}

// placeholderBuilder builds commands before the client connected: those
// of a standalone client, which the standalone and Sentinel clients take,
// and which usable keeps from a cluster client.
var placeholderBuilder = sync.OnceValue(func() rueidis.Builder {
	c, _ := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:       []string{"placeholder:0"},
		ForceSingleClient: true,
		DialCtxFn: func(context.Context, string, *net.Dialer, *tls.Config) (net.Conn, error) {
			return nil, ErrNotConnected // never dials
		},
	})
	b := c.B()
	c.Close()
	return b
})

func (l *lazyClient) B() rueidis.Builder {
	if c := l.get(); c != nil {
		return c.B()
	}
	return placeholderBuilder()
}

func (l *lazyClient) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	if c := l.usable(cmd.Slot()); c != nil {
		return c.Do(ctx, cmd)
	}
	return rueidis.NewErrorResult(l.notYet())
}

func (l *lazyClient) DoMulti(ctx context.Context, multi ...rueidis.Completed) []rueidis.RedisResult {
	c := l.get()
	for _, cmd := range multi {
		if l.usable(cmd.Slot()) == nil {
			c = nil
		}
	}
	if c != nil {
		return c.DoMulti(ctx, multi...)
	}
	return l.errors(len(multi))
}

func (l *lazyClient) DoCache(ctx context.Context, cmd rueidis.Cacheable, ttl time.Duration) rueidis.RedisResult {
	if c := l.usable(cmd.Slot()); c != nil {
		return c.DoCache(ctx, cmd, ttl)
	}
	return rueidis.NewErrorResult(l.notYet())
}

func (l *lazyClient) DoMultiCache(ctx context.Context, multi ...rueidis.CacheableTTL) []rueidis.RedisResult {
	c := l.get()
	for _, cmd := range multi {
		if l.usable(cmd.Cmd.Slot()) == nil {
			c = nil
		}
	}
	if c != nil {
		return c.DoMultiCache(ctx, multi...)
	}
	return l.errors(len(multi))
}

func (l *lazyClient) errors(n int) []rueidis.RedisResult {
	results := make([]rueidis.RedisResult, n)
	for i := range results {
		results[i] = rueidis.NewErrorResult(l.notYet())
	}
	return results
}

func (l *lazyClient) DoStream(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResultStream {
	if c := l.usable(cmd.Slot()); c != nil {
		return c.DoStream(ctx, cmd)
	}
	return rueidis.NewErrorResultStream(l.notYet())
}

func (l *lazyClient) DoMultiStream(ctx context.Context, multi ...rueidis.Completed) rueidis.MultiRedisResultStream {
	c := l.get()
	for _, cmd := range multi {
		if l.usable(cmd.Slot()) == nil {
			c = nil
		}
	}
	if c == nil {
		return rueidis.NewErrorResultStream(l.notYet())
	}
	return c.DoMultiStream(ctx, multi...)
}

func (l *lazyClient) Receive(ctx context.Context, subscribe rueidis.Completed, fn func(msg rueidis.PubSubMessage)) error {
	if c := l.usable(subscribe.Slot()); c != nil {
		return c.Receive(ctx, subscribe, fn)
	}
	return l.notYet()
}

func (l *lazyClient) Dedicated(fn func(rueidis.DedicatedClient) error) error {
	if c := l.get(); c != nil {
		return c.Dedicated(fn)
	}
	return l.notYet()
}

func (l *lazyClient) Dedicate() (rueidis.DedicatedClient, func()) {
	if c := l.get(); c != nil {
		return c.Dedicate()
	}
	return notConnected{l}, func() {}
}

// notConnected is the DedicatedClient of a lazyClient not connected yet:
// every command fails.
type notConnected struct{ l *lazyClient }

func (n notConnected) B() rueidis.Builder { return placeholderBuilder() }
func (n notConnected) Do(context.Context, rueidis.Completed) rueidis.RedisResult {
	return rueidis.NewErrorResult(n.l.notYet())
}
func (n notConnected) DoMulti(_ context.Context, multi ...rueidis.Completed) []rueidis.RedisResult {
	return n.l.errors(len(multi))
}
func (n notConnected) Receive(context.Context, rueidis.Completed, func(rueidis.PubSubMessage)) error {
	return n.l.notYet()
}
func (n notConnected) SetPubSubHooks(rueidis.PubSubHooks) <-chan error { return n.closed() }
func (n notConnected) SetOnInvalidations(func([]rueidis.RedisMessage)) <-chan error {
	return n.closed()
}
func (n notConnected) Close() {}

func (n notConnected) closed() <-chan error {
	ch := make(chan error, 1)
	ch <- n.l.notYet()
	close(ch)
	return ch
}

func (l *lazyClient) Nodes() map[string]rueidis.Client {
	if c := l.get(); c != nil {
		return c.Nodes()
	}
	return map[string]rueidis.Client{}
}

func (l *lazyClient) Mode() rueidis.ClientMode {
	if c := l.get(); c != nil {
		return c.Mode()
	}
	return rueidis.ClientModeStandalone
}

// Close stops the connection attempts and closes the client.
func (l *lazyClient) Close() {
	l.closeOnce.Do(func() {
		close(l.stop)
		<-l.stopped
		if c := l.get(); c != nil {
			c.Close()
		}
	})
}
