package storetest_test

import (
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/storetest"
)

// A store's own test runs the suite with a new store for each part; this
// one checks the in-memory store with a small cap, which the suite then
// checks too.
func ExampleRun() {
	testConformance := func(t *testing.T) {
		storetest.Run(t, func(*testing.T) ginpaseto.Store {
			return &ginpaseto.MemoryStore{SessionsPerSubject: 3}
		}, storetest.SessionsPerSubject(3))
	}
	_ = testConformance // func TestConformance(t *testing.T) { ... } in a _test.go file
}
