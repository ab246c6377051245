package redisstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ginpaseto/ginpaseto"
)

// Key layout. Every key of one subject carries the same hash tag, {T}, 16
// hex digits of the SHA-256 of the subject, so that Redis Cluster keeps
// them on one slot: a check reads its keys with one MGET, and a script
// touches only keys of one slot. The session index is the one key placed
// by its session ID instead, so that RevokeSession, which knows no
// subject, can find it.
//
//	<prefix>{T}j:<jti>      a revoked token   "1"                       until the token expires
//	<prefix>{T}s:<sid>      a live session    JSON, see sessionValue    until the session expires
//	<prefix>{T}c:<subject>  the cutoff        a time, see appendTime    until every token it covers has expired
//	<prefix>{T}l:<subject>  live sessions     sorted set sid → start    until the last of them expires
//	<prefix>{T}r:<subject>  revoked tokens    sorted set jti → expiry   until the last of them expires
//	<prefix>{S}i:<sid>      session index     subject                   until the session's absolute end; S is the tag of sid
//
// A token without expiry is the one thing kept without a TTL, since it
// stays valid for as long: its revocation key, and the revoked-tokens set
// that counts it.
//
// Writes that revoke or end publish the subject's tag, {T}'s 16 hex
// digits, on the channel <prefix>revoked (see Notify).
const (
	kindToken    = "j:"
	kindSession  = "s:"
	kindCutoff   = "c:"
	kindSessions = "l:"
	kindRevoked  = "r:"
	kindIndex    = "i:"

	channelName = "revoked"
)

// tagLen is the length of a hash tag with its braces.
const tagLen = 2 + 16

// tag is the hash tag of a subject, or of a session ID for the index.
type tag [8]byte

func tagOf(s string) tag {
	sum := sha256.Sum256([]byte(s))
	return tag(sum[:8])
}

// String returns the tag's 16 hex digits, as the writes publish it.
func (t tag) String() string { return hex.EncodeToString(t[:]) }

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

// The store's times, in a session's value and in the cutoff, are text:
// Unix seconds, a dot and nine digits of nanoseconds ("1733390000.123456789"),
// exact at Go's full precision. The scripts compare them as two numbers,
// each exact in Lua's doubles. A cutoff of whole seconds, without the dot,
// is read as well. The zero time is the empty string: none.

// appendTime appends t to dst in the store's time format, the zero time
// included.
func appendTime(dst []byte, t time.Time) []byte {
	dst = strconv.AppendInt(dst, t.Unix(), 10)
	ns := strconv.Itoa(t.Nanosecond())
	dst = append(dst, ".000000000"[:10-len(ns)]...)
	return append(dst, ns...)
}

// formatTime returns t in the store's time format, "" for the zero time
// (none).
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return string(appendTime(nil, t))
}

// formatInstant returns t in the store's time format, the zero time
// included (as the earliest of all).
func formatInstant(t time.Time) string { return string(appendTime(nil, t)) }

// parseTime reads a time in the store's format.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	secs, nanos, dot := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return time.Time{}, errors.New("not a time")
	}
	var ns int64
	if dot {
		if len(nanos) != 9 {
			return time.Time{}, errors.New("not a time")
		}
		if ns, err = strconv.ParseInt(nanos, 10, 64); err != nil || ns < 0 {
			return time.Time{}, errors.New("not a time")
		}
	}
	return time.Unix(sec, ns), nil
}

// sessionValue is the value of a live session's key: JSON, written by
// CreateSession, rewritten by the rotation script (with Redis's cjson) and
// read by Sessions and RotateSession. A check reads only whether the key
// exists. Times are in the store's format.
type sessionValue struct {
	RefreshJTI string            `json:"r"`           // the refresh jti usable next
	Consumed   []string          `json:"c,omitempty"` // the refresh jtis recent rotations consumed and when, in turn: jti, time, jti, time…
	Previous   string            `json:"p,omitempty"` // before Consumed: the refresh jti the last rotation consumed (at Refreshed)
	Started    string            `json:"s,omitempty"`
	Refreshed  string            `json:"f,omitempty"`
	Expires    string            `json:"e,omitempty"`
	Ends       string            `json:"n,omitempty"`
	Metadata   map[string]string `json:"m,omitempty"`
}

// encodeSession returns the value of a new session's key.
func encodeSession(s ginpaseto.Session, expires time.Time) (string, error) {
	b, err := json.Marshal(sessionValue{
		RefreshJTI: s.RefreshJTI,
		Started:    formatTime(s.Started),
		Refreshed:  formatTime(s.Started),
		Expires:    formatTime(expires),
		Ends:       formatTime(s.Ends),
		Metadata:   s.Metadata,
	})
	return string(b), err
}

// decodeSession returns the session of subject whose key, for session ID
// id, holds raw. A value that is not JSON is a usable refresh jti alone,
// as sessions were first written.
func decodeSession(subject, id, raw string) (ginpaseto.Session, error) {
	s := ginpaseto.Session{ID: id, Subject: subject}
	var v sessionValue
	if !strings.HasPrefix(raw, "{") || json.Unmarshal([]byte(raw), &v) != nil {
		s.RefreshJTI = raw
		return s, nil
	}
	s.RefreshJTI, s.Metadata = v.RefreshJTI, v.Metadata
	var err error
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&s.Started, v.Started}, {&s.Refreshed, v.Refreshed}, {&s.Expires, v.Expires}, {&s.Ends, v.Ends}} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return ginpaseto.Session{}, errors.New("a session's value holds a malformed time")
		}
	}
	return s, nil
}
