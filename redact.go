package ginpaseto

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/ginpaseto/ginpaseto/internal/tokenshape"
)

// hidden holds key material, or key text, so that printing, logging or
// encoding anything that holds a key never shows the key.
//
// The key is kept inside a closure: the printers and encoders built on
// reflection (fmt, slog's text handler, encoding/json, encoding/gob) show a
// func as its address at most, and nothing can look inside one, so the key
// stays out of their reach wherever a hidden value sits: in an Authorizer,
// a signer or a configuration, behind a pointer or not. A struct field or a
// pointer would not do: fmt prints the fields of a struct it reaches
// through unexported fields without calling their methods, and follows one
// pointer for verbs such as %s and %d. A hidden value printed or encoded on
// its own redacts itself through the methods below.
type hidden[K any] struct{ key func() K }

// hide wraps key; the caller must not keep other references to it.
func hide[K any](key K) hidden[K] { return hidden[K]{func() K { return key }} }

// get returns the key.
func (h hidden[K]) get() K { return h.key() }

var errHiddenEncode = errors.New("ginpaseto: key material is never encoded")

// Format prints the same placeholder for every verb, %x and %q included.
func (hidden[K]) Format(f fmt.State, _ rune) { io.WriteString(f, tokenshape.Redacted) }

func (hidden[K]) String() string                 { return tokenshape.Redacted }
func (hidden[K]) GoString() string               { return tokenshape.Redacted }
func (hidden[K]) LogValue() slog.Value           { return slog.StringValue(tokenshape.Redacted) }
func (hidden[K]) MarshalText() ([]byte, error)   { return []byte(tokenshape.Redacted), nil }
func (hidden[K]) MarshalJSON() ([]byte, error)   { return []byte(`"` + tokenshape.Redacted + `"`), nil }
func (hidden[K]) GobEncode() ([]byte, error)     { return nil, errHiddenEncode }
func (hidden[K]) MarshalBinary() ([]byte, error) { return nil, errHiddenEncode }
