package ginpaseto_test

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

const modulePath = "github.com/ginpaseto/ginpaseto"

// TestSubpackagesDoNotImportRoot: the packages that hold a vocabulary of
// their own (keys, the observer's events, the access log) and the internal
// leaves the root shares with them import the root package neither
// directly nor through another package of the module, so that the root can
// import them and keys, an observer or a log formatter can be built
// without an Authorizer. (Package legacy is the one sub-package that
// imports the root, which never imports it.)
func TestSubpackagesDoNotImportRoot(t *testing.T) {
	for _, dir := range []string{"observe", "keyring", "accesslog", "internal/tokenshape", "internal/keyspec"} {
		if path := importChain(t, dir, map[string]bool{}); path != "" {
			t.Errorf("%s imports the root package: %s", dir, path)
		}
	}
}

// importChain returns how the package in dir, a directory of the module,
// reaches the root package through its non-test imports ("a -> b -> root"),
// or "" when it does not.
func importChain(t *testing.T, dir string, seen map[string]bool) string {
	t.Helper()
	if seen[dir] {
		return ""
	}
	seen[dir] = true
	pkg, err := build.ImportDir(dir, 0)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	for _, imp := range pkg.Imports {
		switch {
		case imp == modulePath:
			return dir + " -> " + imp
		case strings.HasPrefix(imp, modulePath+"/"):
			sub := filepath.FromSlash(strings.TrimPrefix(imp, modulePath+"/"))
			if chain := importChain(t, sub, seen); chain != "" {
				return dir + " -> " + chain
			}
		}
	}
	return ""
}
