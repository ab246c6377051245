package redisstore

import (
	"crypto/sha256"
	"encoding/hex"
)

// Key layout. Every key of one subject carries the same hash tag, {T}, 16
// hex digits of the SHA-256 of the subject, so that Redis Cluster keeps
// them on one slot: a check reads its keys with one MGET, and a script
// touches only keys of one slot. The session index is the one key placed
// by its session ID instead, so that RevokeSession, which knows no
// subject, can find it.
//
//	<prefix>{T}j:<jti>      a revoked token   "1"                       until the token expires
//	<prefix>{T}s:<sid>      a live session    its usable refresh jti    until the session expires
//	<prefix>{T}c:<subject>  the cutoff        unix seconds              until every token it covers has expired
//	<prefix>{T}l:<subject>  live sessions     sorted set sid → expiry   until the last of them expires
//	<prefix>{T}r:<subject>  revoked tokens    sorted set jti → expiry   until the last of them expires
//	<prefix>{S}i:<sid>      session index     subject                   until the session expires; S is the tag of sid
//
// A token without expiry is the one thing kept without a TTL, since it
// stays valid for as long: its revocation key, and the revoked-tokens set
// that counts it.
const (
	kindToken    = "j:"
	kindSession  = "s:"
	kindCutoff   = "c:"
	kindSessions = "l:"
	kindRevoked  = "r:"
	kindIndex    = "i:"
)

// tagLen is the length of a hash tag with its braces.
const tagLen = 2 + 16

// tag is the hash tag of a subject, or of a session ID for the index.
type tag [8]byte

func tagOf(s string) tag {
	sum := sha256.Sum256([]byte(s))
	return tag(sum[:8])
}

// appendTo appends {T} to dst.
func (t tag) appendTo(dst []byte) []byte {
	dst = append(dst, '{')
	dst = hex.AppendEncode(dst, t[:])
	return append(dst, '}')
}

// base returns <prefix>{T} for a subject (or, for the index, a session ID):
// what all of its keys start with.
func (s *Store) base(of string) string {
	b := make([]byte, 0, len(s.cfg.prefix)+tagLen)
	b = append(b, s.cfg.prefix...)
	return string(tagOf(of).appendTo(b))
}

// checkKeys returns the two keys a check reads, the token's revocation
// and, for a token of a session, the session, else the subject's cutoff,
// built in one allocation, and the subject's tag.
func (s *Store) checkKeys(subject, jti, sessionID string) (token, second string, t tag) {
	kind, name := kindCutoff, subject
	if sessionID != "" {
		kind, name = kindSession, sessionID
	}
	n := len(s.cfg.prefix) + tagLen + 2
	b := make([]byte, 0, 2*n+len(jti)+len(name))
	b = append(b, s.cfg.prefix...)
	t = tagOf(subject)
	b = t.appendTo(b)
	b = append(b, kindToken...)
	b = append(b, jti...)
	b = append(b, b[:n-2]...)
	b = append(b, kind...)
	b = append(b, name...)
	all := string(b)
	split := n + len(jti)
	return all[:split], all[split:], t
}
