// Package keyspec carries the description of a key from package keyring,
// where applications build keys, to the ginpaseto package, which parses
// them. keyring cannot import ginpaseto (ginpaseto imports keyring for the
// signature of WithKeys), and ginpaseto must read what a keyring.Key keeps
// unexported: keyring sets Of when it is initialized, and ginpaseto, which
// imports keyring and so runs after that initialization, calls it.
package keyspec

// Kind is the kind of key a Spec describes.
type Kind uint8

// The kinds of key.
const (
	Secret  Kind = iota + 1 // a local (symmetric) key
	Private                 // a signing key for public tokens
	Public                  // a verification key for public tokens
)

// AtRest is how a key given in a Spec is stored.
type AtRest uint8

// How a key is stored: in the clear, or encrypted with PASERK.
const (
	Plain             AtRest = iota
	Wrapped                  // local-wrap.pie or secret-wrap.pie, opened with a wrapping key
	PasswordProtected        // local-pw or secret-pw, opened with a password
	Sealed                   // seal, opened with the private key of the pair it was sealed to
)

// Source is text given inline, or the path of a file that holds it.
type Source struct {
	// Text returns the text; nil when Path is set. The text is kept in a
	// closure so that printers built on reflection never reach it.
	Text func() string
	Path string
}

// Spec describes one key as the application gave it.
type Spec struct {
	Kind    Kind
	Key     Source
	FastAPI bool // the key is fastapi-paseto's text, used as raw key bytes
	// AtRest says how Key is stored; Secret opens it unless it is Plain.
	AtRest AtRest
	Secret Source
	// Retired keys verify tokens but create none.
	Retired bool
	// AcceptWithoutKID keys also verify tokens whose footer names no key.
	AcceptWithoutKID bool
	// Misuse is set when the key was built in a way that cannot work, such
	// as a public key marked Wrapped; it says why and how to fix it.
	Misuse string
	// Describe names the key the way it was built, without key material,
	// for messages: "keyring.SecretKeyFile(redacted).Retired()".
	Describe string
}

// Of returns the Spec of a keyring.Key, and false for anything else.
// Package keyring sets it when it is initialized.
var Of func(key any) (Spec, bool)
