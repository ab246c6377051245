package ginpaseto

import "fmt"

// Version is a PASETO protocol version. Authorizers use V4 unless
// WithVersion asks for another one.
type Version int

// V4 is the PASETO version ginpaseto creates and verifies by default, the
// one to choose for new systems. Versions 3 and 2 exist for
// interoperability only: they are named in package legacy (legacy.V3,
// legacy.V2) and must be asked for with WithVersion.
const V4 Version = 4

// The legacy versions, as the root package names them; package legacy
// exports them.
const (
	versionV2 Version = 2
	versionV3 Version = 3
)

// String returns the version as it appears in a token header, such as "v4".
func (v Version) String() string { return fmt.Sprintf("v%d", int(v)) }

// goName is how Go code names v, for error messages: ginpaseto.V4,
// legacy.V3, legacy.V2.
func (v Version) goName() string {
	if v == V4 {
		return "ginpaseto.V4"
	}
	return fmt.Sprintf("legacy.V%d", int(v))
}

func (v Version) valid() bool { return v == versionV2 || v == versionV3 || v == V4 }

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
