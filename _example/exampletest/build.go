package exampletest

import "os/exec"

// GoBuild returns the command go build args..., for a test that builds an
// example program to run it as a process. When the test binary itself was
// built with the race detector (go test -race), so is the program: it then
// reuses the packages that build compiled, instead of compiling the
// standard library and every dependency a second time without it, and
// runs with the race detector as well.
func GoBuild(args ...string) *exec.Cmd {
	build := []string{"build"}
	if raceEnabled {
		build = append(build, "-race")
	}
	return exec.Command("go", append(build, args...)...)
}
