package exampletest

import (
	"sync/atomic"
	"time"
)

// Clock is a server's clock in a test: the machine's, or ahead of it by
// as much as the test advanced it. Give its Now to ginpaseto.WithClock;
// it is safe to read from the server's goroutines while the test advances
// it.
type Clock struct{ ahead atomic.Int64 }

// Now returns the machine's time plus how far the clock was advanced.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.ahead.Load())) }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.ahead.Add(int64(d)) }
