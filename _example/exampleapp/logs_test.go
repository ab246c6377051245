package exampleapp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryProgramChecksItsLogs keeps every example program under
// exampletest.LogsHoldNoToken: a test of its own directory, or of the
// directory above for an example of several programs, runs it and sends
// it tokens every way, and none may reach its output.
func TestEveryProgramChecksItsLogs(t *testing.T) {
	mains, err := filepath.Glob("../*/main.go")
	require.NoError(t, err)
	nested, err := filepath.Glob("../*/*/main.go") // examples of several programs
	require.NoError(t, err)
	mains = append(mains, nested...)
	require.Greater(t, len(mains), 10)
	for _, m := range mains {
		dir := filepath.Dir(m)
		checked := false
		for _, d := range []string{dir, filepath.Dir(dir)} {
			tests, err := filepath.Glob(filepath.Join(d, "*_test.go"))
			require.NoError(t, err)
			for _, f := range tests {
				b, err := os.ReadFile(f)
				require.NoError(t, err)
				checked = checked || strings.Contains(string(b), "exampletest.LogsHoldNoToken(")
			}
		}
		assert.True(t, checked, "no test runs %s under exampletest.LogsHoldNoToken", dir)
	}
}
