package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLazyDeadline(t *testing.T) {
	t.Run("ends at its deadline", func(t *testing.T) {
		d := withLazyDeadline(context.Background(), 20*time.Millisecond)
		defer d.stop()
		dl, ok := d.Deadline()
		assert.True(t, ok)
		assert.WithinDuration(t, time.Now().Add(20*time.Millisecond), dl, 10*time.Millisecond)
		assert.NoError(t, d.Err())
		select {
		case <-d.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("not done after its deadline")
		}
		assert.ErrorIs(t, d.Err(), context.DeadlineExceeded)
	})
	t.Run("an earlier deadline of the parent wins", func(t *testing.T) {
		parent, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		d := withLazyDeadline(parent, time.Hour)
		defer d.stop()
		dl, _ := d.Deadline()
		pd, _ := parent.Deadline()
		assert.Equal(t, pd, dl)
		<-d.Done()
	})
	t.Run("the parent's cancellation and values pass through", func(t *testing.T) {
		type key struct{}
		parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
		d := withLazyDeadline(parent, time.Hour)
		defer d.stop()
		assert.Equal(t, "v", d.Value(key{}))
		cancel()
		<-d.Done()
		assert.ErrorIs(t, d.Err(), context.Canceled)
	})
	t.Run("stopped before it started", func(t *testing.T) {
		d := withLazyDeadline(context.Background(), time.Hour)
		d.stop()
		<-d.Done()
		assert.Error(t, d.Err())
	})
}
