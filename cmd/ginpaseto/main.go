// Command ginpaseto generates, identifies, wraps and inspects PASETO keys,
// and mints and verifies tokens, for operators and for tests of services
// that use github.com/ginpaseto/ginpaseto.
//
//	ginpaseto keygen local|public [--format paserk|hex|pem] [--out FILE] [--public-out FILE]
//	ginpaseto id KEY|-
//	ginpaseto inspect TOKEN|- [--key-file PATH]
//	ginpaseto mint --key-file PATH --sub S [--type T] [--ttl DURATION] [--claim NAME=VALUE]...
//	ginpaseto verify TOKEN|- --key-file PATH [--type T]
//	ginpaseto wrap --key-file PATH (--wrapping-key-file PATH | --password-file PATH | --seal-to PATH)
//	ginpaseto unwrap --key-file PATH (--wrapping-key-file PATH | --password-file PATH | --private-key-file PATH)
//
// Every command takes --json for output that scripts parse. Keys are PASERK
// by default (k4.local., k4.secret., k4.public.). Secrets come from files,
// or from standard input where a path is "-"; a password is never an
// argument, so it stays out of shell history and process listings.
//
// Install with: go install github.com/ginpaseto/ginpaseto/cmd/ginpaseto@latest
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes: 1 when the command ran and failed (a token that does not
// verify, a key that does not open), 2 when it was called wrongly.
const (
	exitFailure = 1
	exitUsage   = 2
)

const usage = `ginpaseto: PASETO keys and tokens for ginpaseto services

usage:
  ginpaseto keygen local|public [--format paserk|hex|pem] [--version 4|3|2] [--out FILE] [--public-out FILE]
      a new random key; for public, the private key and then its public key
  ginpaseto id KEY|-
      the key's PASERK ID (k4.lid., k4.sid. or k4.pid.); - reads the key from standard input
  ginpaseto inspect TOKEN|- [--key-file PATH]
      version, purpose, footer and kid; with a key, the verified claims and expiry
  ginpaseto mint --key-file PATH --sub SUBJECT [--type access] [--ttl 15m] [--claim NAME=VALUE]... [--fresh]
      a token signed or encrypted with the key, naming it in the footer's kid
  ginpaseto verify TOKEN|- --key-file PATH [--type TYPE]
      exit status 0 and the claims for a valid token, 1 for any other
  ginpaseto wrap --key-file PATH (--wrapping-key-file PATH | --password-file PATH | --seal-to PUBLIC-KEY-FILE)
      the key encrypted for storage at rest (k4.local-wrap.pie., k4.local-pw., k4.seal. ...)
  ginpaseto unwrap --key-file PATH (--wrapping-key-file PATH | --password-file PATH | --private-key-file PATH)
      the plain key back

Every command takes --json. Key files and password files may be "-" for
standard input. Keys are read as PASERK, hex or PEM; wrapped key files
given to mint, verify and inspect open with --wrapping-key-file,
--password-file or --private-key-file.
`

// command is one subcommand: it parses its own flags from args and writes
// its result to out.
type command func(env *env, args []string) error

var commands = map[string]command{
	"keygen":  keygen,
	"id":      id,
	"inspect": inspect,
	"mint":    mint,
	"verify":  verify,
	"wrap":    wrap,
	"unwrap":  unwrap,
}

// env is what a command may touch, so that tests can run commands in
// process as well as through the built binary.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	stdinUsed      bool // standard input may be read once
}

func main() {
	os.Exit(run(&env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

// run executes the command line args and returns the exit status.
func run(e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(e.stdout, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "ginpaseto: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	err := cmd(e, args[1:])
	var u usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errSilent):
		return exitFailure
	case errors.As(err, &u):
		fmt.Fprintf(e.stderr, "ginpaseto %s: %v\nrun 'ginpaseto help' for usage\n", args[0], err)
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "ginpaseto %s: %v\n", args[0], err)
		return exitFailure
	}
}

// usageError is a mistake in the command line, answered with exit status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// newFlags makes the flag set of a command; errors and -h go to stderr.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parse parses args, letting flags and positional arguments come in any
// order ("verify TOKEN --key-file k" as well as "verify --key-file k
// TOKEN"), and checks the number of positional arguments.
func parse(fs *flag.FlagSet, args []string, positional ...string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if len(pos) != len(positional) {
		if len(positional) == 0 {
			return nil, usagef("unexpected argument %q", pos[0])
		}
		return nil, usagef("expected %s", strings.Join(positional, " "))
	}
	return pos, nil
}

// maxInput bounds what is read from a file or standard input: any key,
// password or token is far smaller.
const maxInput = 64 << 10

// readInput reads a file, or standard input for "-", bounded.
func (e *env) readInput(path, what string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		if e.stdinUsed {
			return nil, usagef("standard input can hold only one of the inputs; give the %s as a file", what)
		}
		e.stdinUsed = true
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read the %s: %w", what, err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the %s: %w", what, err)
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("the %s is larger than 64 KiB", what)
	}
	return data, nil
}

// readText reads a key or a token: surrounding whitespace is not part of it.
func (e *env) readText(path, what string) (string, error) {
	data, err := e.readInput(path, what)
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(data))
	if s == "" {
		return "", fmt.Errorf("the %s is empty", what)
	}
	return s, nil
}

// readPassword reads a password: all of it but one line break at the end.
func (e *env) readPassword(path string) ([]byte, error) {
	data, err := e.readInput(path, "password")
	if err != nil {
		return nil, err
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if pw == "" {
		return nil, errors.New("the password is empty")
	}
	return []byte(pw), nil
}

// argOrStdin is a positional argument, or standard input for "-".
func (e *env) argOrStdin(arg, what string) (string, error) {
	if arg == "-" {
		return e.readText("-", what)
	}
	return strings.TrimSpace(arg), nil
}
