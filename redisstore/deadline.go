package redisstore

import (
	"context"
	"sync"
	"time"
)

// lazyDeadline is a context that ends at a deadline, like the one
// context.WithDeadline returns, but makes its timer only when asked for
// Done or Err. A check answered from the client-side cache never asks, so
// the common case costs no timer; one that goes to Redis gets the real
// context at its first wait.
type lazyDeadline struct {
	parent   context.Context
	deadline time.Time

	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
}

func withLazyDeadline(parent context.Context, timeout time.Duration) *lazyDeadline {
	d := &lazyDeadline{parent: parent, deadline: time.Now().Add(timeout)}
	if pd, ok := parent.Deadline(); ok && pd.Before(d.deadline) {
		d.deadline = pd
	}
	return d
}

func (d *lazyDeadline) start() {
	d.once.Do(func() { d.ctx, d.cancel = context.WithDeadline(d.parent, d.deadline) })
}

func (d *lazyDeadline) Deadline() (time.Time, bool) { return d.deadline, true }
func (d *lazyDeadline) Value(key any) any           { return d.parent.Value(key) }

func (d *lazyDeadline) Done() <-chan struct{} {
	d.start()
	return d.ctx.Done()
}

func (d *lazyDeadline) Err() error {
	d.start()
	return d.ctx.Err()
}

// stop releases the timer, if there is one; from then on the context is
// done.
func (d *lazyDeadline) stop() {
	d.once.Do(func() { d.ctx = stopped })
	if d.cancel != nil {
		d.cancel()
	}
}

// stopped is the context of a lazyDeadline stopped before it started.
var stopped = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()
