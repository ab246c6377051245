package ginpaseto

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/observe"
)

// plainStore is a Store without optional capabilities.
type plainStore struct{ Store }

// TestObservedStoreKeepsCapabilities: observing a store hides none of its
// optional interfaces, and adds none.
func TestObservedStoreKeepsCapabilities(t *testing.T) {
	key := "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
	a, err := New(WithSecretKey(key), WithObserver(observe.Nop{}))
	require.NoError(t, err)
	_, ok := a.cfg.store.(Notifier)
	assert.True(t, ok, "the memory store notifies, observed or not")
	_, ok = a.cfg.store.(observedNotifier)
	assert.True(t, ok, "and it is observed")

	m := &MemoryStore{}
	a, err = New(WithSecretKey(key), WithObserver(observe.Nop{}), WithStore(plainStore{m}))
	require.NoError(t, err)
	_, ok = a.cfg.store.(Notifier)
	assert.False(t, ok)
	_, err = a.cfg.store.Sessions(context.Background(), "alice")
	assert.NoError(t, err)
}

// TestReasonOf: each error a check or a session handler reports has its
// reason, found through wrapping; an application's own *Error has the one
// its status suggests.
func TestReasonOf(t *testing.T) {
	tests := []struct {
		err  error
		want observe.Reason
	}{
		{nil, "allowed"},
		{ErrTokenMissing, "missing"},
		{ErrTokenExpired, "expired"},
		{fmt.Errorf("rotating: %w", ErrRefreshTokenReused), "reuse_detected"},
		{fmt.Errorf("x: %w", ErrCSRFTokenMismatch), "csrf"},
		{errTooLarge, "too_large"},
		{errUnknownKID, "unknown_key"},
		{&Error{Status: 418, Err: errors.New("teapot")}, "invalid"},
		{&Error{Status: 403, Err: errors.New("no")}, "forbidden"},
		{&Error{Status: 503, Err: errors.New("down")}, "revocation_unavailable"},
		{errors.New("anything"), "invalid"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, reasonOf(tt.err), "%v", tt.err)
		assert.Contains(t, observe.Reasons(), reasonOf(tt.err))
	}
}

// TestStoreFailed: a store's refusals (revoked, reused) are answers, not
// failures; any other error is a failure.
func TestStoreFailed(t *testing.T) {
	assert.False(t, storeFailed(nil))
	assert.True(t, storeFailed(errors.New("down")))
	assert.False(t, storeFailed(fmt.Errorf("x: %w", ErrRefreshTokenReused)))
	assert.False(t, storeFailed(fmt.Errorf("x: %w", ErrTokenRevoked)))
}
