package ginpaseto

import "fmt"

// Version is a PASETO protocol version. Authorizers use V4 unless
// WithVersion asks for another one.
type Version int

// The PASETO versions ginpaseto can create and verify. V4 is the default and
// the one to choose for new systems; V3 (NIST curves) and V2 exist for
// interoperability and must be asked for with WithVersion.
const (
	V2 Version = 2
	V3 Version = 3
	V4 Version = 4
)

// String returns the version as it appears in a token header, such as "v4".
func (v Version) String() string { return fmt.Sprintf("v%d", int(v)) }

func (v Version) valid() bool { return v == V2 || v == V3 || v == V4 }

// Purpose is the PASETO purpose of a token: Local tokens are encrypted with a
// shared secret key, Public tokens are signed with a private key and verified
// with the matching public key.
type Purpose string

// The two PASETO purposes.
const (
	Local  Purpose = "local"
	Public Purpose = "public"
)

func (p Purpose) valid() bool { return p == Local || p == Public }
