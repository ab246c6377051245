package ginpaseto_test

import (
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	const perSubject = 5
	storetest.Run(t, func(*testing.T) ginpaseto.Store {
		return &ginpaseto.MemoryStore{SessionsPerSubject: perSubject}
	}, storetest.SessionsPerSubject(perSubject))
}

// One store shared by every test, as a long-running process has: entries
// of other subjects, some of them ended, are around.
func TestMemoryStoreConformanceShared(t *testing.T) {
	store := &ginpaseto.MemoryStore{}
	storetest.Run(t, func(*testing.T) ginpaseto.Store { return store },
		storetest.SessionsPerSubject(100)) // the default
}
