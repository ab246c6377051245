package ginpaseto_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	const perSubject = 5
	storetest.Run(t, func(t *testing.T) ginpaseto.Store {
		store, err := ginpaseto.NewMemoryStore(ginpaseto.SessionsPerSubject(perSubject))
		require.NoError(t, err)
		return store
	}, storetest.SessionsPerSubject(perSubject))
}

// One store shared by every test, as a long-running process has: entries
// of other subjects, some of them ended, are around.
func TestMemoryStoreConformanceShared(t *testing.T) {
	store, err := ginpaseto.NewMemoryStore()
	require.NoError(t, err)
	storetest.Run(t, func(*testing.T) ginpaseto.Store { return store },
		storetest.SessionsPerSubject(100)) // the default
}
