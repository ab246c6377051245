// Command ginpaseto generates, identifies, wraps and inspects PASETO keys,
// and mints and verifies tokens, for operators and for tests of services
// that use github.com/ginpaseto/ginpaseto.
//
//	ginpaseto keygen local|public [--format paserk|hex|pem] [--out FILE] [--public-out FILE]
//	ginpaseto id [--key-file PATH]              (the key on standard input without --key-file)
//	ginpaseto inspect [--token-file PATH] [--key-file PATH]
//	ginpaseto mint --key-file PATH --sub S [--type T] [--ttl DURATION] [--claim NAME=VALUE]... [--out FILE]
//	ginpaseto verify [--token-file PATH] --key-file PATH [--type T]
//	ginpaseto wrap --key-file PATH (--wrapping-key-file PATH | --password-file PATH | --seal-to PATH) [--out FILE]
//	ginpaseto unwrap --key-file PATH (--wrapping-key-file PATH | --password-file PATH | --private-key-file PATH) [--out FILE]
//
// Every command takes --json for output that scripts parse. Keys are PASERK
// by default (k4.local., k4.secret., k4.public.). Secrets come from files,
// or from standard input where a path is "-", and never from arguments,
// which shell history and process listings show: a secret key given as an
// argument is refused. inspect and verify read the token from
// --token-file or standard input (an argument works too, for tokens that
// are not secrets, such as expired ones in a bug report). --out writes a
// key or token to a new file that only its owner can read; a plain key
// read from a file that others can read is used with a warning, as ssh
// warns.
//
// Install with: go install github.com/ginpaseto/ginpaseto/cmd/ginpaseto@latest
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
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
      a new random key; for public, the private key and then its public key;
      --out writes the local or private key to a new file readable by you only
  ginpaseto id [--key-file PATH]
      the key's PASERK ID (k4.lid., k4.sid. or k4.pid.); the key comes from the
      file, or from standard input (ginpaseto id < local.key), never an argument
  ginpaseto inspect [--token-file PATH] [--key-file PATH]
      version, purpose, footer and kid; with a key, the verified claims and expiry
  ginpaseto mint --key-file PATH --sub SUBJECT [--type access] [--ttl 15m] [--claim NAME=VALUE]... [--fresh] [--out FILE]
      a token signed or encrypted with the key, naming it in the footer's kid
  ginpaseto verify [--token-file PATH] --key-file PATH [--type TYPE]
      exit status 0 and the claims for a valid token, 1 for any other
  ginpaseto wrap --key-file PATH (--wrapping-key-file PATH | --password-file PATH | --seal-to PUBLIC-KEY-FILE) [--out FILE]
      the key encrypted for storage at rest (k4.local-wrap.pie., k4.local-pw., k4.seal. ...)
  ginpaseto unwrap --key-file PATH (--wrapping-key-file PATH | --password-file PATH | --private-key-file PATH) [--out FILE]
      the plain key back

Every command takes --json. Key, password and token files may be "-" for
standard input; inspect and verify read the token from standard input
without --token-file. Secrets are never arguments. --out files are new
files of mode 0600. Keys are read as PASERK, hex or PEM; wrapped key
files given to mint, verify and inspect open with --wrapping-key-file,
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
// TOKEN"), and checks the number of positional arguments; a positional
// written "[NAME]" is optional. An unexpected argument is not repeated in
// the message: it may be a secret given by mistake.
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
	required := 0
	for _, p := range positional {
		if !strings.HasPrefix(p, "[") {
			required++
		}
	}
	if len(pos) < required || len(pos) > len(positional) {
		if len(positional) == 0 {
			return nil, usagef("unexpected argument")
		}
		return nil, usagef("expected %s", strings.Join(positional, " "))
	}
	return pos, nil
}

// maxInput bounds what is read from a file or standard input: any key,
// password or token is far smaller.
const maxInput = 64 << 10

// input is what was read from a file or standard input.
type input struct {
	data []byte
	path string      // "" for standard input
	perm fs.FileMode // the file's permission bits
}

// readInput reads a file, or standard input for "-", bounded.
func (e *env) readInput(path, what string) (input, error) {
	in := input{path: path}
	var r io.Reader
	if path == "-" {
		if e.stdinUsed {
			return input{}, usagef("standard input can hold only one of the inputs; give the %s as a file", what)
		}
		e.stdinUsed = true
		r, in.path = e.stdin, ""
	} else {
		f, err := os.Open(path)
		if err != nil {
			return input{}, fmt.Errorf("cannot read the %s: %w", what, err)
		}
		defer f.Close()
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			in.perm = info.Mode().Perm()
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return input{}, fmt.Errorf("cannot read the %s: %w", what, err)
	}
	if len(data) > maxInput {
		return input{}, fmt.Errorf("the %s is larger than 64 KiB", what)
	}
	in.data = data
	return in, nil
}

// warnIfReadable warns, as ssh does, when a file that holds a secret in
// the clear can be read by other users than its owner. The secret is used
// all the same: the warning is for the file, which others may already
// have read.
func (e *env) warnIfReadable(in input, what string) {
	if in.path == "" || runtime.GOOS == "windows" || in.perm&0o077 == 0 {
		return
	}
	e.warnf("the %s file %s can be read by other users (mode %04o); make it private with: chmod 600 %s", what, in.path, in.perm, in.path)
}

// warnf writes a warning to standard error; the command goes on.
func (e *env) warnf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "ginpaseto: warning: "+format+"\n", args...)
}

// readText reads a key or a token: surrounding whitespace is not part of it.
func (e *env) readText(path, what string) (string, input, error) {
	in, err := e.readInput(path, what)
	if err != nil {
		return "", input{}, err
	}
	s := strings.TrimSpace(string(in.data))
	if s == "" {
		return "", input{}, fmt.Errorf("the %s is empty", what)
	}
	return s, in, nil
}

// readPassword reads a password: all of it but one line break at the end.
func (e *env) readPassword(path string) ([]byte, error) {
	in, err := e.readInput(path, "password")
	if err != nil {
		return nil, err
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(in.data), "\n"), "\r")
	if pw == "" {
		return nil, errors.New("the password is empty")
	}
	e.warnIfReadable(in, "password")
	return []byte(pw), nil
}

// tokenArg reads the token of inspect and verify: from --token-file,
// from standard input ("-" or no argument), or from the argument.
func (e *env) tokenArg(pos []string, tokenFile string) (string, error) {
	switch {
	case tokenFile != "" && len(pos) > 0:
		return "", usagef("give the token as --token-file or as an argument, not both")
	case tokenFile != "":
		tok, _, err := e.readText(tokenFile, "token")
		return tok, err
	case len(pos) == 0 || pos[0] == "-":
		tok, _, err := e.readText("-", "token")
		return tok, err
	}
	return strings.TrimSpace(pos[0]), nil
}
