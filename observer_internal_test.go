package ginpaseto

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainStore is a Store without optional capabilities.
type plainStore struct{ Store }

// TestObservedStoreKeepsCapabilities: observing a store hides none of its
// optional interfaces, and adds none.
func TestObservedStoreKeepsCapabilities(t *testing.T) {
	key := "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
	a, err := New(WithSecretKey(key), WithObserver(NopObserver{}))
	require.NoError(t, err)
	_, ok := a.cfg.store.(Notifier)
	assert.True(t, ok, "the memory store notifies, observed or not")
	_, ok = a.cfg.store.(observedNotifier)
	assert.True(t, ok, "and it is observed")

	m, err := NewMemoryStore()
	require.NoError(t, err)
	a, err = New(WithSecretKey(key), WithObserver(NopObserver{}), WithStore(plainStore{m}))
	require.NoError(t, err)
	_, ok = a.cfg.store.(Notifier)
	assert.False(t, ok)
	_, err = a.cfg.store.Sessions(context.Background(), "alice")
	assert.NoError(t, err)
}
