package ginpaseto

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLongestLifetime: RevokeSubject's cutoff lasts as long as the longest
// lifetime of any type, a custom type's own included.
func TestLongestLifetime(t *testing.T) {
	a, err := New(WithSecretKey(internalKey))
	require.NoError(t, err)
	assert.Equal(t, 30*24*time.Hour, a.longestLifetime())

	a, err = New(WithSecretKey(internalKey), WithLifetime("invite", 90*24*time.Hour), WithLifetime(TypeRefresh, time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 90*24*time.Hour, a.longestLifetime())
	assert.Equal(t, 90*24*time.Hour, a.lifetime("invite"))
	assert.Equal(t, 30*24*time.Hour, a.lifetime("reset"))
	assert.Equal(t, time.Hour, a.lifetime(TypeRefresh))
}
