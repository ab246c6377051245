package paserk

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Password-based key wrapping for versions 2 and 4: Argon2id derives a
// pre-key from the password and a random salt; keyed BLAKE2b splits it into
// an encryption key for XChaCha20 and an authentication key. The payload is
// salt (16 bytes) || memory (8, in bytes, big-endian) || time (4) ||
// parallelism (4) || nonce (24) || encrypted key || tag (32).

// Argon2 holds the Argon2id cost parameters of a password-protected key.
type Argon2 struct {
	Memory      uint64 // memory in bytes; Argon2id works in KiB, so a multiple of 1024
	Time        uint32 // passes over the memory
	Parallelism uint32 // lanes
}

// DefaultArgon2 is the cost used when a caller gives none: 64 MiB and three
// passes, one lane. Opening a key takes a fraction of a second, once, when
// a service starts; each password guess costs an attacker as much.
var DefaultArgon2 = Argon2{Memory: 64 << 20, Time: 3, Parallelism: 1}

// Bounds on the cost a password-protected key may ask for. The parameters
// travel in the key itself, so without a bound a hostile key file could make
// a service allocate gigabytes or hash for minutes before the password is
// even checked. The official vectors use at most 256 MiB and 3 passes.
const (
	MaxArgon2Memory      = 512 << 20
	MaxArgon2Time        = 16
	MaxArgon2Parallelism = 16
	// MaxArgon2Work bounds memory times passes: 512 MiB × 4, 256 MiB × 8 or
	// 128 MiB × 16 are accepted; 512 MiB × 16 is not.
	MaxArgon2Work = 2 << 30
	// minArgon2KiBPerLane is Argon2's own minimum memory, 8 KiB per lane.
	minArgon2KiBPerLane = 8
)

const (
	pwSaltSize   = 16
	pwNonceSize  = 24
	pwTagSize    = 32
	pwParamsSize = 8 + 4 + 4
)

// Check reports whether the parameters are within the bounds above and
// Argon2's own minimums.
func (p Argon2) Check() error {
	switch {
	case p.Time < 1 || p.Time > MaxArgon2Time:
		return fmt.Errorf("%w: %d passes; accepted are 1 to %d", ErrParams, p.Time, MaxArgon2Time)
	case p.Parallelism < 1 || p.Parallelism > MaxArgon2Parallelism:
		return fmt.Errorf("%w: parallelism %d; accepted is 1 to %d", ErrParams, p.Parallelism, MaxArgon2Parallelism)
	case p.Memory > MaxArgon2Memory:
		return fmt.Errorf("%w: %d MiB of memory; at most %d MiB are accepted", ErrParams, p.Memory>>20, MaxArgon2Memory>>20)
	case p.Memory/1024 < minArgon2KiBPerLane*uint64(p.Parallelism):
		return fmt.Errorf("%w: %d bytes of memory; Argon2id needs at least %d KiB per lane", ErrParams, p.Memory, minArgon2KiBPerLane)
	case p.Memory*uint64(p.Time) > MaxArgon2Work:
		return fmt.Errorf("%w: %d MiB × %d passes; at most %d MiB-passes are accepted", ErrParams, p.Memory>>20, p.Time, MaxArgon2Work>>20)
	}
	return nil
}

// PasswordWrap encrypts a raw key of type Local or Secret with a key derived
// from password, giving "k4.local-pw.…" or "k4.secret-pw.…".
func PasswordWrap(v Version, t Type, key, password []byte, params Argon2) (string, error) {
	pwType, err := pwTypeOf(v, t)
	if err != nil {
		return "", err
	}
	if err := checkKey(v, t, key); err != nil {
		return "", err
	}
	if len(password) == 0 {
		return "", fmt.Errorf("%w: the password is empty", ErrParams)
	}
	if err := params.Check(); err != nil {
		return "", err
	}
	h := Header(v, pwType)
	head := make([]byte, pwSaltSize+pwParamsSize+pwNonceSize)
	rand.Read(head[:pwSaltSize])
	binary.BigEndian.PutUint64(head[pwSaltSize:], params.Memory)
	binary.BigEndian.PutUint32(head[pwSaltSize+8:], params.Time)
	binary.BigEndian.PutUint32(head[pwSaltSize+12:], params.Parallelism)
	rand.Read(head[pwSaltSize+pwParamsSize:])
	ek, ak := pwKeys(password, head[:pwSaltSize], params)
	edk := xchacha20(ek, head[pwSaltSize+pwParamsSize:], key)
	out := append(head, edk...)
	out = append(out, keyedHash(pwTagSize, ak, []byte(h), out)...)
	return h + base64.RawURLEncoding.EncodeToString(out), nil
}

// PasswordUnwrap opens a password-protected key of version v whose plain
// type is t (Local or Secret) and returns the raw key. Parameters outside
// the bounds are refused before any hashing.
func PasswordUnwrap(v Version, t Type, s string, password []byte) ([]byte, error) {
	pwType, err := pwTypeOf(v, t)
	if err != nil {
		return nil, err
	}
	p, err := parseAs(v, pwType, s)
	if err != nil {
		return nil, err
	}
	size, _ := KeySize(v, t)
	want := pwSaltSize + pwParamsSize + pwNonceSize + size + pwTagSize
	if len(p.Data) != want {
		return nil, fmt.Errorf("%w: a %s payload is %d bytes, not %d", ErrEncoding, strings.TrimSuffix(Header(v, pwType), "."), want, len(p.Data))
	}
	params, err := PasswordParams(p)
	if err != nil {
		return nil, err
	}
	if len(password) == 0 {
		return nil, fmt.Errorf("%w: the password is empty", ErrParams)
	}
	body, tag := p.Data[:len(p.Data)-pwTagSize], p.Data[len(p.Data)-pwTagSize:]
	ek, ak := pwKeys(password, body[:pwSaltSize], params)
	if subtle.ConstantTimeCompare(tag, keyedHash(pwTagSize, ak, []byte(Header(v, pwType)), body)) != 1 {
		return nil, ErrDecrypt
	}
	return xchacha20(ek, body[pwSaltSize+pwParamsSize:pwSaltSize+pwParamsSize+pwNonceSize], body[pwSaltSize+pwParamsSize+pwNonceSize:]), nil
}

// PasswordParams reads the Argon2id parameters of a parsed local-pw or
// secret-pw PASERK and checks them against the bounds.
func PasswordParams(p Parsed) (Argon2, error) {
	if p.Type != LocalPW && p.Type != SecretPW {
		return Argon2{}, fmt.Errorf("%w: not a password-protected key", ErrType)
	}
	if len(p.Data) < pwSaltSize+pwParamsSize {
		return Argon2{}, fmt.Errorf("%w: the payload is too short", ErrEncoding)
	}
	params := Argon2{
		Memory:      binary.BigEndian.Uint64(p.Data[pwSaltSize:]),
		Time:        binary.BigEndian.Uint32(p.Data[pwSaltSize+8:]),
		Parallelism: binary.BigEndian.Uint32(p.Data[pwSaltSize+12:]),
	}
	return params, params.Check()
}

// pwKeys derives the encryption and authentication keys from the password:
// the Argon2id pre-key k, then BLAKE2b-256(0xFF || k) and
// BLAKE2b-256(0xFE || k). Memory is given in bytes and rounded down to KiB,
// as libsodium does.
func pwKeys(password, salt []byte, p Argon2) (ek, ak []byte) {
	k := argon2.IDKey(password, salt, p.Time, uint32(p.Memory/1024), uint8(p.Parallelism), 32)
	return keyedHash(32, nil, []byte{0xFF}, k), keyedHash(32, nil, []byte{0xFE}, k)
}

func pwTypeOf(v Version, t Type) (Type, error) {
	if v != V2 && v != V4 {
		return "", fmt.Errorf("%w: password protection is implemented for k2 and k4, not k%d", ErrVersion, int(v))
	}
	switch t {
	case Local:
		return LocalPW, nil
	case Secret:
		return SecretPW, nil
	}
	return "", fmt.Errorf("%w: only local and secret keys are password-protected", ErrType)
}
