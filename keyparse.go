package ginpaseto

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/ginpaseto/ginpaseto/internal/paserk"
)

// Key parsing turns the strings given to WithSecretKey, WithPrivateKey and
// WithPublicKey (or read from files by keyring's File keys and FromEnv's _FILE variables) into keys for one PASETO
// version. Each kind of key accepts the encodings people actually have at
// hand: PASERK, hex, base64 for local keys, and PEM for key pairs made with
// openssl.
//
// Configuration errors end up in logs, so every message is built from fixed
// text, lengths, and PASERK headers that were recognized as such: never from
// the input itself, which may be a key.

// The options that take each kind of key, named in error messages.
const (
	optSecretKey  = "WithSecretKey"
	optPrivateKey = "WithPrivateKey"
	optPublicKey  = "WithPublicKey"
)

// The PASERK types that hold a plain key, one per kind.
const (
	paserkLocal  = "local"
	paserkSecret = "secret"
	paserkPublic = "public"
)

// Sizes of the raw keys, in bytes.
const (
	symmetricKeySize     = 32
	p384ScalarSize       = 48
	p384CompressedSize   = 1 + p384ScalarSize
	p384UncompressedSize = 1 + 2*p384ScalarSize
	maxKeyFileSize       = 64 << 10
)

// Generation hints, appended to errors so that a bad key can be replaced
// without looking anything up.
const (
	genEd25519 = "generate one with: openssl genpkey -algorithm ed25519 -out private.pem"
	genP384    = "generate one with: openssl ecparam -name secp384r1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out private.pem"
	genPublic  = "derive it from the private key with: openssl pkey -in private.pem -pubout -out public.pem"
)

// keyError builds a configuration error for option. Callers must pass only
// fixed text, numbers and recognized headers, never key material.
func keyError(option, format string, args ...any) error {
	return &keyConfigError{option: option, msg: fmt.Sprintf(format, args...)}
}

// keyConfigError is a configuration error about a key. option says where
// the key was given: the option, or the environment variable FromEnv read
// it from (see keySource.relabel).
type keyConfigError struct {
	option, msg string
	err         error // the cause, such as a file that cannot be read; nil for most
}

func (e *keyConfigError) Error() string { return "ginpaseto: " + e.option + ": " + e.msg }

func (e *keyConfigError) Unwrap() error { return e.err }

// keyErrorReason returns what err says about a key, without the
// "ginpaseto: " prefix and the option it names.
func keyErrorReason(err error) string {
	var ke *keyConfigError
	if errors.As(err, &ke) {
		return ke.msg
	}
	return strings.TrimPrefix(err.Error(), "ginpaseto: ")
}

// checkKeyVersion rejects versions the parsers have no key format for.
func checkKeyVersion(option string, v Version) error {
	if v.valid() {
		return nil
	}
	return keyError(option, "unsupported PASETO version %d; use WithVersion with ginpaseto.V4, or legacy.V3 or legacy.V2", int(v))
}

// parseSymmetricKey parses a 32-byte local key for version v.
//
// It accepts a PASERK kN.local key, 64 hex characters, or standard or
// URL-safe base64 (padded or not) of exactly 32 bytes. Anything else,
// notably a password, is refused: local tokens are only as strong as a
// random key.
func parseSymmetricKey(v Version, s string) ([]byte, error) {
	const option = optSecretKey
	if err := checkKeyVersion(option, v); err != nil {
		return nil, err
	}
	hint := fmt.Sprintf("a %s.local key must be 32 random bytes given as 64 hex characters, base64, or a PASERK %s key; generate one with: openssl rand -hex 32",
		v, paserkHeader(v, paserkLocal))
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, keyError(option, "the key is empty; %s", hint)
	}
	if isPEM(s) {
		return nil, pemAsSecretKey(option, v, s, hint)
	}
	if b, ok, err := paserkPayload(option, v, paserkLocal, s); ok {
		if err != nil {
			return nil, err
		}
		if len(b) != symmetricKeySize {
			return nil, keyError(option, "the %s key holds %d bytes, not 32; %s", paserkHeader(v, paserkLocal), len(b), hint)
		}
		return randomText(option, paserkData(s), b, hint)
	}
	if hexKey, isHex := decodeHex(s); isHex && len(hexKey) == symmetricKeySize {
		return randomLooking(option, hexKey, hint)
	}
	if b, ok := decodeBase64(s, symmetricKeySize); ok {
		return randomText(option, s, b, hint)
	}
	if isHexDigits(s) {
		// Checked on the text, not on decoding: an odd count, such as a key
		// that lost its last character, does not decode as hex at all.
		return nil, keyError(option, "got %d hex characters, 64 expected; %s", len(s), hint)
	}
	return nil, keyError(option, "the key is not 32 bytes as hex, base64 or PASERK (a password is not a key); %s", hint)
}

// pemAsSecretKey is the error for a PEM key given where a local key is
// expected: a public-purpose key pasted into the wrong setting, which
// should go where it belongs rather than be called the wrong size.
func pemAsSecretKey(option string, v Version, s, hint string) error {
	header, _, _ := strings.Cut(s, "\n")
	switch {
	case strings.Contains(header, "PRIVATE KEY"):
		return keyError(option, "this is a private key: use PASETO_PRIVATE_KEY / WithPrivateKey, which take the key that signs %s.public tokens; for %s.local tokens, %s", v, v, hint)
	case strings.Contains(header, "PUBLIC KEY"):
		return keyError(option, "this is a public key: use PASETO_PUBLIC_KEY / WithPublicKey, which take the key that verifies %s.public tokens; for %s.local tokens, %s", v, v, hint)
	}
	return keyError(option, "the key is PEM, which local keys never are; %s", hint)
}

// parseSigningKey parses a private key for v.public: ed25519.PrivateKey for V2/V4, *ecdsa.PrivateKey (P-384) for V3.
//
// It accepts PEM (PKCS#8 "PRIVATE KEY", and SEC 1 "EC PRIVATE KEY" for V3),
// a PASERK kN.secret key, or hex: a 32-byte Ed25519 seed or 64-byte Ed25519
// private key for V2/V4, a 48-byte P-384 scalar for V3.
func parseSigningKey(v Version, s string) (crypto.Signer, error) {
	const option = optPrivateKey
	if err := checkKeyVersion(option, v); err != nil {
		return nil, err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, keyError(option, "the key is empty; %s", signingHint(v))
	}
	if isPEM(s) {
		block, err := decodeKeyPEM(option, s)
		if err != nil {
			return nil, err
		}
		return signingKeyFromPEM(v, block)
	}
	if b, ok, err := paserkPayload(option, v, paserkSecret, s); ok {
		if err != nil {
			return nil, err
		}
		if readsAsWords(paserkData(s), len(b)) {
			return nil, keyError(option, "the %s key is base64 text that reads as words, not the encoding of random bytes (a password is not a key); %s",
				paserkHeader(v, paserkSecret), signingHint(v))
		}
		if v == versionV3 {
			return p384PrivateKey(b)
		}
		if len(b) != ed25519.PrivateKeySize {
			return nil, keyError(option, "the %s key holds %d bytes, not 64 (Ed25519 seed and public key); %s",
				paserkHeader(v, paserkSecret), len(b), signingHint(v))
		}
		return ed25519PrivateKey(b)
	}
	b, ok := decodeHex(s)
	if !ok {
		return nil, keyError(option, "the key is not PEM, hex or a PASERK key; %s", signingHint(v))
	}
	switch {
	case v == versionV3:
		return p384PrivateKey(b)
	case len(b) == ed25519.SeedSize:
		if _, err := randomLooking(option, b, signingHint(v)); err != nil {
			return nil, err
		}
		return ed25519.NewKeyFromSeed(b), nil
	case len(b) == ed25519.PrivateKeySize:
		return ed25519PrivateKey(b)
	}
	return nil, keyError(option, "got %d bytes of hex, not a 32-byte Ed25519 seed or 64-byte Ed25519 private key; %s", len(b), signingHint(v))
}

// parsePublicKey parses a public key: ed25519.PublicKey for V2/V4, *ecdsa.PublicKey (P-384) for V3.
//
// It accepts PKIX PEM ("PUBLIC KEY"), a PASERK kN.public key, or hex: 32
// bytes for V2/V4, a 49-byte compressed or 97-byte uncompressed P-384 point
// for V3. P-384 points are checked to be on the curve.
func parsePublicKey(v Version, s string) (crypto.PublicKey, error) {
	const option = optPublicKey
	if err := checkKeyVersion(option, v); err != nil {
		return nil, err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, keyError(option, "the key is empty; %s", publicHint(v))
	}
	if isPEM(s) {
		block, err := decodeKeyPEM(option, s)
		if err != nil {
			return nil, err
		}
		return publicKeyFromPEM(v, block)
	}
	b, isPaserk, err := paserkPayload(option, v, paserkPublic, s)
	if err != nil {
		return nil, err
	}
	if !isPaserk {
		var isHex bool
		if b, isHex = decodeHex(s); !isHex {
			return nil, keyError(option, "the key is not PEM, hex or a PASERK key; %s", publicHint(v))
		}
	}
	if v == versionV3 {
		if isPaserk && len(b) != p384CompressedSize {
			// PASERK defines k3.public as the compressed point only.
			return nil, keyError(option, "the k3.public key holds %d bytes, not a 49-byte compressed P-384 point; %s", len(b), publicHint(v))
		}
		return p384PublicKey(b)
	}
	if len(b) == ed25519.PrivateKeySize {
		return nil, keyError(option, "got 64 bytes, the size of an Ed25519 private key (seed and public key), not of a 32-byte public key: "+
			"this is probably the private key, which must stay with the token issuer; pass it to WithPrivateKey, and give WithPublicKey its public half; %s", genPublic)
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, keyError(option, "got %d bytes, not a 32-byte Ed25519 public key; %s", len(b), publicHint(v))
	}
	return checkEd25519Public(ed25519.PublicKey(b))
}

// readKeyFile reads a key file (bounded to 64 KiB, trimmed of surrounding whitespace) for keyring's File keys and FromEnv's _FILE variables.
//
// The bound keeps a mistaken path (a log, a device) from being read whole;
// any key in a supported format is far smaller.
func readKeyFile(path string) (string, error) {
	f, err := openRegularFile(path, "key file")
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return "", fmt.Errorf("cannot read key file %q: %w", path, unwrapPathError(err))
	}
	if len(data) > maxKeyFileSize {
		return "", fmt.Errorf("key file %q is larger than 64 KiB, so it is not a key file", path)
	}
	key := strings.TrimSpace(string(data))
	if key == "" {
		return "", fmt.Errorf("key file %q is empty", path)
	}
	return key, nil
}

// errNotRegular: a key or password file is a named pipe, a device, a
// socket or a directory.
var errNotRegular = errors.New("not a regular file")

// openRegularFile opens a key or password file, refusing anything but a
// regular file (symbolic links to one are followed, as container secrets
// use them). The open does not block: opening a named pipe for reading
// would otherwise wait for a writer, and New with it, forever.
func openRegularFile(path, what string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s %q: %w", what, path, unwrapPathError(err))
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("%w (it is a %s); give the path of the file that holds it", errNotRegular, fileKind(info.Mode()))
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot read %s %q: %w", what, path, unwrapPathError(err))
	}
	return f, nil
}

// fileKind names what a path that is not a regular file is, for messages.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// unwrapPathError drops the *fs.PathError layer, whose message repeats the
// path that readKeyFile already quotes; errors.Is still sees the cause.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// signingHint says what a private key for v looks like and how to make one.
func signingHint(v Version) string {
	if v == versionV3 {
		return "a v3.public private key must be a P-384 key as PEM, 96 hex characters, or a PASERK k3.secret key; " + genP384
	}
	return fmt.Sprintf("a %s.public private key must be an Ed25519 key as PKCS#8 PEM, hex, or a PASERK %s key; %s",
		v, paserkHeader(v, paserkSecret), genEd25519)
}

// publicHint says what a public key for v looks like and how to derive it.
func publicHint(v Version) string {
	if v == versionV3 {
		return "a v3.public public key must be a P-384 key as PEM, hex of the compressed point (98 hex characters), or a PASERK k3.public key; " + genPublic
	}
	return fmt.Sprintf("a %s.public public key must be an Ed25519 key as PEM, 64 hex characters, or a PASERK %s key; %s",
		v, paserkHeader(v, paserkPublic), genPublic)
}

// paserkData returns the base64 part of a PASERK string.
func paserkData(s string) string {
	return s[strings.LastIndexByte(s, '.')+1:]
}

// paserkHeader is the PASERK prefix of a key type for v, such as "k4.local".
func paserkHeader(v Version, typ string) string {
	return fmt.Sprintf("k%d.%s", int(v), typ)
}

// paserkPayload decodes s if it is a PASERK of version v and type want. ok
// is false when s is not a PASERK at all, so the caller tries its other
// formats; once the header is recognized, s is a PASERK and any mismatch
// is an error that names the header given and the one expected.
func paserkPayload(option string, v Version, want, s string) (data []byte, ok bool, err error) {
	gotVersion, gotType, _, ok := paserk.Split(s)
	if !ok {
		return nil, false, nil
	}
	got, typ := fmt.Sprintf("k%d.%s", int(gotVersion), gotType), string(gotType)
	wantHeader := paserkHeader(v, want)
	if what, fix := paserkNonKey(typ); what != "" {
		return nil, true, keyError(option, "got a %s PASERK, which is %s rather than a plain key; %s and supply the plain %s key", got, what, fix, wantHeader)
	}
	if typ != want {
		return nil, true, keyError(option, "got a %s key, which is %s: pass it to %s; %s takes a %s key",
			got, paserkPurpose(typ), paserkOption(typ), option, wantHeader)
	}
	if Version(gotVersion) != v {
		if !Version(gotVersion).valid() {
			return nil, true, keyError(option, "got a %s key but ginpaseto does not support %s tokens; supply a %s key", got, Version(gotVersion), wantHeader)
		}
		return nil, true, keyError(option, "got a %s key but the authorizer uses %s tokens; add WithVersion(%s) or supply a %s key",
			got, v, Version(gotVersion).goName(), wantHeader)
	}
	p, err := paserk.Parse(s)
	if err != nil {
		return nil, true, keyError(option, "the %s key is not valid unpadded base64url; copy the whole PASERK string", got)
	}
	return p.Data, true, nil
}

// paserkNonKey describes the PASERK types that do not carry a usable key and
// says what to do instead: encrypted keys would need a second secret to
// open, and key IDs are hashes.
func paserkNonKey(t string) (what, fix string) {
	switch t {
	case "local-wrap", "secret-wrap":
		return "a wrapped (encrypted) key", "unwrap it with the tool that wrapped it"
	case "local-pw", "secret-pw":
		return "a password-protected key", "decrypt it with the tool that protected it"
	case "seal":
		return "a key sealed to a public key", "unseal it with the matching secret key"
	case "lid", "pid", "sid":
		return "a key ID (it names a key but does not contain it)", "look up the key it names"
	}
	return "", ""
}

// paserkPurpose says what a key of a plain PASERK type is for.
func paserkPurpose(t string) string {
	switch t {
	case paserkLocal:
		return "a shared secret key for local (encrypted) tokens"
	case paserkSecret:
		return "a private key for signing public tokens"
	}
	return "a public key for verifying public tokens"
}

// paserkOption names the option that takes keys of a plain PASERK type.
func paserkOption(t string) string {
	switch t {
	case paserkLocal:
		return optSecretKey
	case paserkSecret:
		return optPrivateKey
	}
	return optPublicKey
}

// decodeHex decodes s as hex (either case); ok is false if s is not hex.
func decodeHex(s string) ([]byte, bool) {
	b, err := hex.DecodeString(s)
	return b, err == nil
}

// isHexDigits reports whether s holds only hex digits, of either case.
func isHexDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// decodeBase64 decodes s as standard or URL-safe base64, padded or not, and
// reports ok only if it decodes to exactly n bytes. Encodings that all
// accept s decode it to the same bytes, so the order does not matter.
func decodeBase64(s string, n int) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(s); err == nil && len(b) == n {
			return b, true
		}
	}
	return nil, false
}

// isPEM reports whether s is meant as PEM, so that a malformed PEM key is
// reported as such instead of as bad hex.
func isPEM(s string) bool {
	return strings.HasPrefix(s, "-----BEGIN ")
}

// pemLabel describes a PEM block type for messages. Only labels known here
// are quoted: any other label comes from the input and is not repeated.
func pemLabel(t string) string {
	switch t {
	case "PRIVATE KEY", "EC PRIVATE KEY", "PUBLIC KEY", "RSA PRIVATE KEY", "RSA PUBLIC KEY",
		"OPENSSH PRIVATE KEY", "CERTIFICATE":
		return "a PEM " + t + " block"
	}
	return "an unsupported PEM block"
}

// decodeKeyPEM returns the first PEM block of s that is not EC PARAMETERS,
// which `openssl ecparam -genkey` writes before the key unless -noout is
// given. Encrypted keys are refused: there is no option for a passphrase.
func decodeKeyPEM(option, s string) (*pem.Block, error) {
	rest := []byte(s)
	for {
		block, next := pem.Decode(rest)
		if block == nil {
			return nil, keyError(option, "the PEM data is malformed; copy the whole file, including the BEGIN and END lines")
		}
		if block.Type == "EC PARAMETERS" {
			rest = next
			continue
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || len(block.Headers) > 0 {
			return nil, keyError(option, "the PEM key is encrypted; decrypt it with: openssl pkey -in encrypted.pem -out private.pem")
		}
		return block, nil
	}
}

// signingKeyFromPEM parses a PKCS#8 or SEC 1 private key and checks it
// fits v.
func signingKeyFromPEM(v Version, block *pem.Block) (crypto.Signer, error) {
	const option = optPrivateKey
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PUBLIC KEY":
		return nil, keyError(option, "got a PEM PUBLIC KEY block, which verifies tokens: pass it to WithPublicKey; WithPrivateKey takes the PRIVATE KEY; %s", signingHint(v))
	default:
		return nil, keyError(option, "got %s, not a PRIVATE KEY; %s", pemLabel(block.Type), signingHint(v))
	}
	if err != nil {
		return nil, keyError(option, "the PEM %s block does not hold a valid key; %s", block.Type, signingHint(v))
	}
	switch k := key.(type) {
	case ed25519.PrivateKey:
		if v == versionV3 {
			return nil, keyError(option, "got an Ed25519 key but v3 tokens use P-384; remove WithVersion(legacy.V3) to use v4, or supply a P-384 key; %s", genP384)
		}
		if _, err := randomLooking(option, k.Seed(), genEd25519); err != nil {
			return nil, err
		}
		return k, nil
	case *ecdsa.PrivateKey:
		if err := checkP384(option, v, k.Curve, signingHint(v)); err != nil {
			return nil, err
		}
		if _, err := randomLooking(option, k.D.FillBytes(make([]byte, p384ScalarSize)), genP384); err != nil {
			return nil, err
		}
		return k, nil
	}
	return nil, keyError(option, "the PEM key is %s, which PASETO does not use; %s", keyTypeName(key), signingHint(v))
}

// publicKeyFromPEM parses a PKIX public key and checks it fits v.
func publicKeyFromPEM(v Version, block *pem.Block) (crypto.PublicKey, error) {
	const option = optPublicKey
	switch block.Type {
	case "PUBLIC KEY":
	case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY":
		return nil, keyError(option, "got a private key, which must stay with the token issuer: pass it to WithPrivateKey, and give WithPublicKey its public key; %s", genPublic)
	default:
		return nil, keyError(option, "got %s, not a PUBLIC KEY; %s", pemLabel(block.Type), publicHint(v))
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, keyError(option, "the PEM PUBLIC KEY block does not hold a valid key; %s", publicHint(v))
	}
	switch k := key.(type) {
	case ed25519.PublicKey:
		if v == versionV3 {
			return nil, keyError(option, "got an Ed25519 key but v3 tokens use P-384; remove WithVersion(legacy.V3) to use v4, or supply a P-384 key")
		}
		return checkEd25519Public(k)
	case *ecdsa.PublicKey:
		if err := checkP384(option, v, k.Curve, publicHint(v)); err != nil {
			return nil, err
		}
		return k, nil
	}
	return nil, keyError(option, "the PEM key is %s, which PASETO does not use; %s", keyTypeName(key), publicHint(v))
}

// keyTypeName names a parsed key's algorithm for messages, from its Go
// package: "RSA" for *rsa.PrivateKey.
func keyTypeName(key any) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(fmt.Sprintf("%T", key), "*"), ".")
	return strings.ToUpper(name)
}

// checkP384 accepts an ECDSA curve only where v uses ECDSA, and only P-384.
func checkP384(option string, v Version, curve elliptic.Curve, hint string) error {
	if v != versionV3 {
		if curve == elliptic.P384() {
			return keyError(option, "got a P-384 key but %s tokens use Ed25519; add WithVersion(legacy.V3) or supply an Ed25519 key", v)
		}
		return keyError(option, "got an ECDSA key but %s tokens use Ed25519; supply an Ed25519 key", v)
	}
	if curve != elliptic.P384() {
		return keyError(option, "got an ECDSA key on %s but v3 tokens use P-384; %s", curve.Params().Name, hint)
	}
	return nil
}

// ed25519PrivateKey accepts a 64-byte Ed25519 private key (seed followed by
// public key) only if the public half belongs to the seed: a mismatched key
// would sign tokens that its own public key cannot verify.
func ed25519PrivateKey(b []byte) (ed25519.PrivateKey, error) {
	if _, err := randomLooking(optPrivateKey, b[:ed25519.SeedSize], genEd25519); err != nil {
		return nil, err
	}
	key := ed25519.NewKeyFromSeed(b[:ed25519.SeedSize])
	if !bytes.Equal(key[ed25519.SeedSize:], b[ed25519.SeedSize:]) {
		return nil, keyError(optPrivateKey, "the 64-byte Ed25519 key's public half does not match its seed; the key is corrupt or was assembled from two keys; %s", genEd25519)
	}
	return key, nil
}

// minDistinctKeyBytes is the fewest distinct byte values a secret of 32
// bytes or more may hold. 32 random bytes hold about 30, and fewer than 16
// with a probability below 1e-16; placeholders such as 64 zeros, the scalar
// 1 or a repeated "0123456789abcdef" hold 1 to 8.
const minDistinctKeyBytes = 16

// distinctBytes counts the byte values that occur in b.
func distinctBytes(b []byte) int {
	var seen [256]bool
	n := 0
	for _, c := range b {
		if !seen[c] {
			seen[c] = true
			n++
		}
	}
	return n
}

// countOf writes n things, as "1 distinct byte value" or "3 distinct byte
// values".
func countOf(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// randomLooking returns b, a secret of 32 bytes or more, unless it repeats
// too few byte values to have come from a random generator: a placeholder
// key is public, so it would let anyone create tokens.
func randomLooking(option string, b []byte, hint string) ([]byte, error) {
	n := distinctBytes(b)
	if n < minDistinctKeyBytes {
		return nil, keyError(option, "the key holds only %s, as a placeholder does and a random key does not; %s", countOf(n, "distinct byte value"), hint)
	}
	if isText(b) {
		return nil, keyError(option, "the key's %d bytes are all printable text, as a password's are and random bytes almost never are (a password is not a key); %s", len(b), hint)
	}
	return b, nil
}

// randomText returns b, decoded from the base64 text, unless the text
// reads as words (see weakkey.go), then checks b as randomLooking does.
func randomText(option, text string, b []byte, hint string) ([]byte, error) {
	if readsAsWords(text, len(b)) {
		return nil, keyError(option, "the key is base64 text that reads as words, not the encoding of random bytes (a password is not a key); %s", hint)
	}
	return randomLooking(option, b, hint)
}

// curve25519P is the field prime of Ed25519, 2^255 - 19.
var curve25519P = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// checkEd25519Public refuses a public key of small order (1, 2, 4 or 8),
// such as 32 zero bytes. crypto/ed25519 accepts signatures against those
// without any private key behind them (for the identity point, R = identity
// and S = 0 verify any message), so such a key would let anyone forge tokens.
func checkEd25519Public(k ed25519.PublicKey) (ed25519.PublicKey, error) {
	// A point and its Montgomery form u = (1+y)/(1-y) have the same order,
	// with y read as crypto/ed25519 reads it: sign bit cleared, reduced mod
	// p. Double u = X/Z three times; the order divides 8 exactly when the
	// result is the point at infinity, Z = 0.
	le := bytes.Clone(k)
	le[31] &= 0x7f
	slices.Reverse(le)
	p := curve25519P
	y := new(big.Int).SetBytes(le)
	x := new(big.Int).Add(big.NewInt(1), y)
	z := new(big.Int).Sub(big.NewInt(1), y)
	a := big.NewInt(486662)
	for range 3 {
		// X' = (X^2 - Z^2)^2, Z' = 4XZ(X^2 + AXZ + Z^2)
		xx := new(big.Int).Mul(x, x)
		zz := new(big.Int).Mul(z, z)
		xz := new(big.Int).Mul(x, z)
		sum := new(big.Int).Mul(a, xz)
		sum.Add(sum, xx).Add(sum, zz)
		z.Mul(xz, sum).Lsh(z, 2).Mod(z, p)
		x.Sub(xx, zz).Mul(x, x).Mod(x, p)
	}
	if z.Sign() == 0 {
		return nil, keyError(optPublicKey, "the key is a point of small order, against which anyone can forge a signature; it is a placeholder or corrupt; %s", genPublic)
	}
	return k, nil
}

// p384PrivateKey parses a 48-byte big-endian P-384 scalar, which must be in
// 1..N-1.
func p384PrivateKey(b []byte) (*ecdsa.PrivateKey, error) {
	if len(b) != p384ScalarSize {
		return nil, keyError(optPrivateKey, "got %d bytes, not a 48-byte P-384 private key; %s", len(b), signingHint(versionV3))
	}
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P384(), b)
	if err != nil {
		return nil, keyError(optPrivateKey, "the P-384 private key is out of range (it must be between 1 and the curve order minus 1); %s", genP384)
	}
	if _, err := randomLooking(optPrivateKey, b, genP384); err != nil {
		return nil, err
	}
	return key, nil
}

// p384PublicKey parses a compressed (49-byte) or uncompressed (97-byte)
// P-384 point, which must be on the curve.
func p384PublicKey(b []byte) (*ecdsa.PublicKey, error) {
	switch len(b) {
	case p384CompressedSize:
		x, y := elliptic.UnmarshalCompressed(elliptic.P384(), b)
		if x == nil {
			return nil, keyError(optPublicKey, "the key is not a valid compressed P-384 point (it must start with 02 or 03 and lie on the curve); %s", genPublic)
		}
		b = uncompressedP384(x, y)
	case p384UncompressedSize:
	case p384ScalarSize:
		return nil, keyError(optPublicKey, "got 48 bytes, the size of a P-384 private key, not of a public key: "+
			"this is probably the private key, which must stay with the token issuer; pass it to WithPrivateKey, and give WithPublicKey its public key; %s", genPublic)
	default:
		return nil, keyError(optPublicKey, "got %d bytes, not a 49-byte compressed or 97-byte uncompressed P-384 public key; %s", len(b), publicHint(versionV3))
	}
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P384(), b)
	if err != nil {
		return nil, keyError(optPublicKey, "the key is not a valid uncompressed P-384 point (it must start with 04 and lie on the curve); %s", genPublic)
	}
	return key, nil
}

// uncompressedP384 encodes a point as 04 || x || y, the form that
// ecdsa.ParseUncompressedPublicKey validates.
func uncompressedP384(x, y *big.Int) []byte {
	b := make([]byte, p384UncompressedSize)
	b[0] = 4
	x.FillBytes(b[1 : 1+p384ScalarSize])
	y.FillBytes(b[1+p384ScalarSize:])
	return b
}
