//go:build unix

package ginpaseto

import (
	"github.com/ginpaseto/ginpaseto/keyring"

	"crypto/rand"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// TestKeyFileNamedPipe: a named pipe given as a key or password file is
// refused at once; opening it for reading would wait for a writer that
// never comes, and New with it.
func TestKeyFileNamedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "key")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	raw := make([]byte, 32)
	rand.Read(raw)
	protected, err := paserk.PasswordWrap(paserk.V4, paserk.Local, raw, []byte("correct horse battery staple"), paserk.Argon2{Memory: 1 << 20, Time: 1, Parallelism: 1})
	require.NoError(t, err)
	wrapped := filepath.Join(t.TempDir(), "wrapped")
	require.NoError(t, os.WriteFile(wrapped, []byte(protected), 0o600))
	for _, tc := range []struct {
		name string
		opt  Option
	}{
		{"secret key file", WithKeys(keyring.SecretKeyFile(fifo).AcceptWithoutKID())},
		{"private key file", WithKeys(keyring.PrivateKeyFile(fifo).AcceptWithoutKID())},
		{"password file", WithKeys(keyring.SecretKeyFile(wrapped).PasswordProtected(fifo).AcceptWithoutKID())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := New(tc.opt)
				done <- err
			}()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.Contains(t, err.Error(), "not a regular file (it is a named pipe)")
			case <-time.After(time.Minute): // a guard against a hang, not a timing check
				t.Fatal("New blocked on a named pipe")
			}
		})
	}
	t.Run("readPasswordFile", func(t *testing.T) {
		_, err := readPasswordFile(fifo)
		require.Error(t, err)
		assert.ErrorIs(t, err, errNotRegular)
	})
}
