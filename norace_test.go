//go:build !race

package ginpaseto_test

// raceEnabled tells tests that count allocations that the race detector
// is on.
const raceEnabled = false
