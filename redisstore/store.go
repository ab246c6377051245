// Package redisstore is a ginpaseto.Store in Redis, for several processes
// serving the same tokens: a logout, a refresh-token rotation or a
// revocation made through one process holds in all of them.
//
// It works on a standalone Redis, behind Sentinel and on Redis Cluster,
// through a rueidis client. A check reads Redis at most once, with one
// MGET, and usually not at all: answers are kept in rueidis's client-side
// cache, and Redis pushes an invalidation to every process that holds one
// as soon as a key changes. Writes are Lua scripts, atomic across
// processes: a login racing a "log out everywhere" is refused in the script
// that would record it, comparing times to the nanosecond, and two tabs
// refreshing with one refresh token within the grace both stay logged in.
// Sessions lists a subject's sessions in one script. Every key ends with
// what it guards, and one subject's state is bounded (SessionsPerSubject,
// RevocationsPerSubject).
//
// The Store is a ginpaseto.Notifier: the writes that end a session or
// revoke a token publish on a channel, and one subscription per Store
// tells long-lived connections of any process that their session may
// have ended.
//
// Every call gives up after Timeout and returns an error, which fails the
// check closed: the request gets 503. A cached answer is used only while
// the Redis node holding its keys keeps answering this process; rueidis
// reconnects by itself, and with Redis's persistence on, no revocation is
// forgotten across a restart. Connect starts a Store before Redis is up;
// WaitReplicas keeps a failover from losing a logout.
package redisstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/ginpaseto/ginpaseto"
)

// trustCache is how recently the Redis node holding a check's keys must
// have answered this Store for the check to be answered from the
// client-side cache. The cache is only as good as the connection that
// delivers its invalidations: once that node has been silent for longer
// (down, hung, or cut off), checks of its keys read Redis again, and fail
// closed if it does not answer. See liveness.go.
const trustCache = time.Second

// wroteBuckets is how many subjects' recent writes a Store tells apart;
// two subjects sharing a bucket cost each other some cache hits, never an
// answer.
const wroteBuckets = 4096

// Store is a ginpaseto.Store in Redis. Create it with New; it is safe for
// concurrent use, and any number of Stores in any number of processes may
// share one Redis (with the same KeyPrefix).
type Store struct {
	client rueidis.Client
	cfg    config
	trust  time.Duration // trustCache; tests raise it

	// live is when each Redis node last answered this Store.
	live liveness

	// wrote is when this Store last wrote the keys of the subjects of
	// each bucket. rueidis spreads commands over several connections,
	// each with its own cache, and Redis pushes an invalidation on the
	// connection that read a key, which may arrive after the reply to the
	// write on another one; until trustCache has passed, checks of those
	// subjects read Redis, so that a process always sees its own writes.
	wrote [wroteBuckets]atomic.Int64

	channel  string   // where the writes that revoke or end publish
	watchers watchers // Notify's

	// owned is the client that Connect made, which Close closes; nil
	// for a Store made by New.
	owned *lazyClient
}

var _ ginpaseto.Store = (*Store)(nil)

// New returns a Store that keeps its state in Redis through client. The
// client stays the caller's, who closes it. New does not contact Redis, so
// that a service can start while Redis is still coming up; calls fail
// closed until it answers.
func New(client rueidis.Client, opts ...Option) (*Store, error) {
	if client == nil {
		return nil, errors.New("redisstore: New: client is nil; create one with rueidis.NewClient")
	}
	cfg := defaultConfig()
	if err := cfg.apply(opts); err != nil {
		return nil, err
	}
	return &Store{client: client, cfg: cfg, trust: trustCache, channel: cfg.prefix + channelName}, nil
}

// IsRevoked reports whether a verified token must be refused: its jti was
// revoked, or its session is not live, or (for a token of no session) its
// subject was revoked at or after its iat. It reads two keys with one
// MGET, from the client-side cache when it can.
func (s *Store) IsRevoked(ctx context.Context, claims *ginpaseto.Claims) (bool, error) {
	if claims == nil {
		return false, errors.New("redisstore: IsRevoked: claims are nil")
	}
	tokenKey, secondKey, tag := s.checkKeys(claims.Subject, claims.JTI, claims.SessionID)
	// Most checks are answered from the cache: give them a deadline that
	// costs nothing until something waits on it.
	deadline := withLazyDeadline(ctx, s.cfg.timeout)
	defer deadline.stop()
	ctx = deadline
	now := time.Now()
	slot := slotOf(tag)
	var resp rueidis.RedisResult
	if s.cfg.noCache || !s.trusted(slot, now) || since(s.wroteTo(tag), now) < s.trust {
		resp = s.client.Do(ctx, s.client.B().Mget().Key(tokenKey, secondKey).Build())
	} else {
		resp = s.client.DoCache(ctx, s.client.B().Mget().Key(tokenKey, secondKey).Cache(), s.cfg.cacheTTL)
	}
	values, err := resp.ToArray()
	if err == nil && len(values) != 2 {
		err = fmt.Errorf("MGET answered %d values for 2 keys", len(values))
	}
	if err != nil {
		s.unanswered(slot, err)
		return false, fmt.Errorf("redisstore: reading the revocation status: %w", err)
	}
	if !resp.IsCacheHit() {
		s.answered(slot, now)
	}
	if !values[0].IsNil() {
		return true, nil // the token was revoked
	}
	if claims.SessionID != "" {
		return values[1].IsNil(), nil // the session is not live
	}
	if values[1].IsNil() {
		return false, nil
	}
	raw, err := values[1].ToString()
	if err != nil {
		return false, fmt.Errorf("redisstore: reading the subject's cutoff: %w", err)
	}
	cutoff, err := parseTime(raw)
	if err != nil {
		return false, fmt.Errorf("redisstore: reading the subject's cutoff: %w", err)
	}
	return !claims.IssuedAt.After(cutoff), nil
}

// Revoke records the revocation of one token until it expires: see
// ginpaseto.Store. A token refused already gives an error wrapping
// ginpaseto.ErrTokenRevoked.
func (s *Store) Revoke(ctx context.Context, claims *ginpaseto.Claims) error {
	if claims == nil || claims.JTI == "" {
		return errors.New("redisstore: Revoke: the token has no jti")
	}
	tokenKey, secondKey, _ := s.checkKeys(claims.Subject, claims.JTI, claims.SessionID)
	base := s.base(claims.Subject)
	inSession := "0"
	if claims.SessionID != "" {
		inSession = "1"
	}
	overflowCutoff := time.Now()
	if claims.IssuedAt.After(overflowCutoff) {
		overflowCutoff = claims.IssuedAt
	}
	resp, err := s.exec(ctx, claims.Subject, revokeScript,
		[]string{tokenKey, secondKey, base + kindRevoked + claims.Subject, base + kindCutoff + claims.Subject, base + kindSessions + claims.Subject},
		[]string{inSession, formatInstant(claims.IssuedAt), strconv.FormatInt(tokenTTL(claims), 10), strconv.Itoa(s.cfg.revocationsPerSubject),
			claims.JTI, formatInstant(overflowCutoff), base, s.channel, tagOf(claims.Subject).String()})
	if err != nil {
		return fmt.Errorf("redisstore: Revoke: %w", err)
	}
	if ended, err := resp.AsStrSlice(); err == nil {
		s.dropIndex(ctx, ended) // the subject was revoked as a whole
		return nil
	}
	n, err := resp.AsInt64()
	switch {
	case err != nil:
		return fmt.Errorf("redisstore: Revoke: %w", err)
	case n == 0:
		return fmt.Errorf("%w: already refused", ginpaseto.ErrTokenRevoked)
	}
	return nil
}

// CreateSession records a new live session: see ginpaseto.Store. It is
// refused, recording nothing and with an error wrapping
// ginpaseto.ErrTokenRevoked, when the subject's cutoff (RevokeSubject) is
// at or after session.Started, compared to the nanosecond in the same
// script that records it. When the subject has SessionsPerSubject live
// sessions already, the oldest ends.
func (s *Store) CreateSession(ctx context.Context, session ginpaseto.Session) error {
	if session.ID == "" || session.Subject == "" || session.RefreshJTI == "" {
		return errors.New("redisstore: CreateSession: a session needs an ID, a subject and a refresh jti")
	}
	if err := checkMetadata(session.Metadata); err != nil {
		return err
	}
	expires := capAt(session.Expires, session.Ends)
	value, err := encodeSession(session, expires)
	if err != nil {
		return fmt.Errorf("redisstore: CreateSession: %w", err)
	}
	// The index comes first: a session that RevokeSession could not find
	// would outlive its logout. It lasts until the session's absolute end,
	// so that rotations need not extend it.
	indexUntil := session.Ends
	if indexUntil.IsZero() {
		indexUntil = expires
	}
	if err := s.index(ctx, session.ID, session.Subject, ttlFrom(session.Started, indexUntil)); err != nil {
		return fmt.Errorf("redisstore: CreateSession: %w", err)
	}
	started := session.Started
	if started.IsZero() {
		started = time.Now()
	}
	base := s.base(session.Subject)
	resp, err := s.exec(ctx, session.Subject, createScript,
		[]string{base + kindSession + session.ID, base + kindSessions + session.Subject, base + kindCutoff + session.Subject},
		[]string{value, strconv.FormatInt(ttlFrom(session.Started, expires), 10), session.ID, strconv.Itoa(s.cfg.sessionsPerSubject), base,
			formatTime(session.Started), strconv.FormatInt(started.UnixMicro(), 10), s.channel, tagOf(session.Subject).String()})
	if err != nil {
		return fmt.Errorf("redisstore: CreateSession: %w", err)
	}
	ended, err := resp.AsStrSlice()
	if err != nil {
		if n, intErr := resp.AsInt64(); intErr == nil && n == 0 {
			s.dropIndex(ctx, []string{session.ID})
			return fmt.Errorf("%w: the subject was logged out everywhere after the session started", ginpaseto.ErrTokenRevoked)
		}
		return fmt.Errorf("redisstore: CreateSession: %w", err)
	}
	s.dropIndex(ctx, ended)
	return nil
}

// Bounds of a session's metadata: it is part of the session's value,
// which checks may keep in the client-side cache.
const (
	maxMetadataEntries = 32
	maxMetadataBytes   = 4096
)

// checkMetadata refuses metadata beyond the bounds.
func checkMetadata(m map[string]string) error {
	if len(m) > maxMetadataEntries {
		return fmt.Errorf("redisstore: CreateSession: the session's metadata has %d entries; keep it to %d", len(m), maxMetadataEntries)
	}
	n := 0
	for k, v := range m {
		n += len(k) + len(v)
	}
	if n > maxMetadataBytes {
		return fmt.Errorf("redisstore: CreateSession: the session's metadata is %d bytes; keep it to %d", n, maxMetadataBytes)
	}
	return nil
}

// RotateSession moves a session forward by one refresh, or recognises a
// replay within grace, atomically, in one script: see ginpaseto.Store. A
// used refresh token that is neither the usable one nor a replay within
// grace ends the session and gives an error wrapping
// ginpaseto.ErrRefreshTokenReused; a session that is not live, or a used
// token that was revoked, gives one wrapping ginpaseto.ErrTokenRevoked. The
// grace is measured between next.Refreshed and the Refreshed of the
// rotation that consumed usedJTI, both from the caller's clock.
func (s *Store) RotateSession(ctx context.Context, usedJTI string, next ginpaseto.Session, grace time.Duration) (ginpaseto.Session, error) {
	if usedJTI == "" || next.ID == "" || next.Subject == "" || next.RefreshJTI == "" {
		return ginpaseto.Session{}, errors.New("redisstore: RotateSession: needs the used refresh jti, and a session with an ID, a subject and a refresh jti")
	}
	if grace < 0 {
		return ginpaseto.Session{}, fmt.Errorf("redisstore: RotateSession: grace %v is negative", grace)
	}
	refreshed := next.Refreshed
	if refreshed.IsZero() {
		refreshed = time.Now()
	}
	replaysAfter := ""
	if grace > 0 {
		replaysAfter = formatInstant(refreshed.Add(-grace))
	}
	base := s.base(next.Subject)
	resp, err := s.exec(ctx, next.Subject, rotateScript,
		[]string{base + kindSession + next.ID, base + kindSessions + next.Subject, base + kindToken + usedJTI},
		[]string{usedJTI, next.RefreshJTI, formatInstant(refreshed), replaysAfter, formatTime(next.Expires), next.ID,
			s.channel, tagOf(next.Subject).String()})
	if err != nil {
		return ginpaseto.Session{}, fmt.Errorf("redisstore: RotateSession: %w", err)
	}
	reply, err := resp.ToArray()
	if err != nil || len(reply) == 0 {
		return ginpaseto.Session{}, fmt.Errorf("redisstore: RotateSession: unexpected reply: %v", err)
	}
	code, err := reply[0].AsInt64()
	if err != nil {
		return ginpaseto.Session{}, fmt.Errorf("redisstore: RotateSession: %w", err)
	}
	switch code {
	case rotated, replayed:
	case rotateEnded:
		return ginpaseto.Session{}, fmt.Errorf("%w: the session has ended", ginpaseto.ErrTokenRevoked)
	case rotateRevoked:
		return ginpaseto.Session{}, fmt.Errorf("%w: the refresh token was revoked", ginpaseto.ErrTokenRevoked)
	case rotateAtEnd:
		s.dropIndex(ctx, []string{next.ID})
		return ginpaseto.Session{}, fmt.Errorf("%w: the session reached its absolute end", ginpaseto.ErrTokenRevoked)
	case rotateReused:
		s.dropIndex(ctx, []string{next.ID})
		return ginpaseto.Session{}, fmt.Errorf("%w: the session was ended", ginpaseto.ErrRefreshTokenReused)
	default:
		return ginpaseto.Session{}, fmt.Errorf("redisstore: RotateSession: unexpected reply %d", code)
	}
	if len(reply) != 2 {
		return ginpaseto.Session{}, errors.New("redisstore: RotateSession: unexpected reply")
	}
	raw, err := reply[1].ToString()
	if err != nil {
		return ginpaseto.Session{}, fmt.Errorf("redisstore: RotateSession: %w", err)
	}
	got, err := decodeSession(next.Subject, next.ID, raw)
	if err != nil {
		return ginpaseto.Session{}, fmt.Errorf("redisstore: RotateSession: %w", err)
	}
	if code == rotated && got.Ends.IsZero() {
		// Without an absolute end, the index lasts as long as the
		// session's newest tokens.
		if err := s.index(ctx, next.ID, next.Subject, ttlFrom(refreshed, got.Expires)); err != nil {
			return ginpaseto.Session{}, fmt.Errorf("redisstore: RotateSession: %w", err)
		}
	}
	return got, nil
}

// Sessions returns the live sessions of subject, the oldest first, at
// most SessionsPerSubject of them: see ginpaseto.Store. It runs one script,
// which reads the subject's set of sessions and each session's key.
func (s *Store) Sessions(ctx context.Context, subject string) ([]ginpaseto.Session, error) {
	if subject == "" {
		return nil, errors.New("redisstore: Sessions: subject is empty")
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout)
	defer cancel()
	base := s.base(subject)
	values, err := sessionsScript.Exec(ctx, s.client, []string{base + kindSessions + subject},
		[]string{base, strconv.Itoa(s.cfg.sessionsPerSubject)}).AsStrSlice()
	if err != nil {
		s.failed(err)
		return nil, fmt.Errorf("redisstore: Sessions: %w", err)
	}
	s.answered(slotOf(tagOf(subject)), time.Now())
	out := make([]ginpaseto.Session, 0, len(values)/2)
	for i := 0; i+1 < len(values); i += 2 {
		se, err := decodeSession(subject, values[i], values[i+1])
		if err != nil {
			return nil, fmt.Errorf("redisstore: Sessions: %w", err)
		}
		out = append(out, se)
	}
	return out, nil
}

// RevokeSession ends a session: see ginpaseto.Store. It finds the
// session's subject through the session index, then ends the session:
// two round trips, and a third that deletes the index entry.
func (s *Store) RevokeSession(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return nil
	}
	indexKey := s.base(sessionID) + kindIndex + sessionID
	read, cancel := context.WithTimeout(ctx, s.cfg.timeout) // exec has its own, longer under WaitReplicas
	subject, err := s.client.Do(read, s.client.B().Get().Key(indexKey).Build()).ToString()
	cancel()
	if rueidis.IsRedisNil(err) {
		return nil // ended, expired, or never recorded
	}
	if err != nil {
		s.failed(err)
		return fmt.Errorf("redisstore: RevokeSession: %w", err)
	}
	base := s.base(subject)
	if _, err := s.exec(ctx, subject, endScript, []string{base + kindSession + sessionID, base + kindSessions + subject},
		[]string{sessionID, s.channel, tagOf(subject).String()}); err != nil {
		return fmt.Errorf("redisstore: RevokeSession: %w", err)
	}
	s.dropIndex(ctx, []string{sessionID})
	return nil
}

// RevokeSubject ends every session of subject and refuses its tokens
// issued at or before cutoff, remembering the cutoff, to the nanosecond,
// until until (for good when until is zero): see ginpaseto.Store.
func (s *Store) RevokeSubject(ctx context.Context, subject string, cutoff, until time.Time) error {
	if subject == "" {
		return errors.New("redisstore: RevokeSubject: subject is empty")
	}
	keep := strconv.FormatInt(ttlFrom(cutoff, until), 10)
	if !until.IsZero() && !until.After(cutoff) {
		keep = "-1" // every token the cutoff would cover has expired
	}
	base := s.base(subject)
	resp, err := s.exec(ctx, subject, revokeSubjectScript,
		[]string{base + kindCutoff + subject, base + kindSessions + subject},
		[]string{formatInstant(cutoff), keep, base, s.channel, tagOf(subject).String()})
	if err != nil {
		return fmt.Errorf("redisstore: RevokeSubject: %w", err)
	}
	ended, err := resp.AsStrSlice()
	if err != nil {
		return fmt.Errorf("redisstore: RevokeSubject: %w", err)
	}
	s.dropIndex(ctx, ended)
	return nil
}

// exec runs a script within the Store's timeout. Scripts are writes, which
// rueidis never retries by itself: a rotation sent twice would look like
// a reuse. Under WaitReplicas, a script that ended a session or revoked
// (see ends) is reported done only once replicated.
func (s *Store) exec(ctx context.Context, subject string, script *rueidis.Lua, keys, args []string) (rueidis.RedisMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout+s.cfg.waitTimeout)
	defer cancel()
	t := tagOf(subject)
	slot := slotOf(t)
	wrote := s.wroteTo(t)
	wrote.Store(time.Now().UnixNano()) // a check racing the write may read either
	var msg rueidis.RedisMessage
	var err error
	if ended, ok := ends[script]; ok && s.cfg.waitReplicas > 0 {
		msg, err = s.execReplicated(ctx, script, ended, keys, args)
	} else {
		msg, err = script.Exec(ctx, s.client, keys, args).ToMessage()
	}
	if err != nil && !errors.Is(err, ErrNotReplicated) {
		s.unanswered(slot, err)
		return msg, err
	}
	if err != nil {
		s.answered(slot, time.Now())
		return msg, err
	}
	now := time.Now()
	s.answered(slot, now)
	wrote.Store(now.UnixNano())
	return msg, nil
}

// wroteTo returns the time of this Store's last write to the subjects of
// t's bucket.
func (s *Store) wroteTo(t tag) *atomic.Int64 {
	return &s.wrote[binary.LittleEndian.Uint64(t[:])%wroteBuckets]
}

// since returns the time from a Unix-nanosecond time stamp to now.
func since(stamp *atomic.Int64, now time.Time) time.Duration {
	return time.Duration(now.UnixNano() - stamp.Load())
}

// index records which subject a session belongs to, for RevokeSession,
// for ms milliseconds (0: for good).
func (s *Store) index(ctx context.Context, sessionID, subject string, ms int64) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout)
	defer cancel()
	key := s.base(sessionID) + kindIndex + sessionID
	set := s.client.B().Set().Key(key).Value(subject)
	var cmd rueidis.Completed
	if ms > 0 {
		cmd = set.PxMilliseconds(ms).Build()
	} else {
		cmd = set.Build() // a session without expiry
	}
	if err := s.client.Do(ctx, cmd).Error(); err != nil {
		s.failed(err)
		return err
	}
	return nil
}

// dropIndex deletes the index entries of ended sessions. It is tidying
// only: an entry left behind points to no live session, and expires when
// the session would have.
func (s *Store) dropIndex(ctx context.Context, sessionIDs []string) {
	if len(sessionIDs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout)
	defer cancel()
	cmds := make(rueidis.Commands, 0, len(sessionIDs))
	for _, id := range sessionIDs {
		cmds = append(cmds, s.client.B().Del().Key(s.base(id)+kindIndex+id).Build())
	}
	for _, r := range s.client.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil {
			s.failed(err)
		}
	}
}

// failed notes a call that got no answer from Redis, so that checks stop
// trusting the client-side cache until Redis answers again: every node's,
// as the call does not say which node it went to. An error reply is an
// answer.
func (s *Store) failed(err error) {
	if _, answered := rueidis.IsRedisErr(err); answered {
		return
	}
	s.live.stale.Store(true)
	s.live.single.Store(0)
	if m := s.live.slots.Load(); m != nil {
		for _, c := range m.clocks {
			c.Store(0)
		}
	}
}

// millisUntil returns the time until t in milliseconds, at least 1; 0
// for the zero time, which means no expiry.
func millisUntil(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return max(time.Until(t).Milliseconds()+1, 1) // rounded up: never end early
}

// tokenTTL returns how long the revocation of a token is kept, in
// milliseconds (0: for good): until it expires, and at least for its
// lifetime from its iat, which an Authorizer with WithClock measures on its
// own clock.
func tokenTTL(claims *ginpaseto.Claims) int64 {
	ms := millisUntil(claims.Expiration)
	if !claims.IssuedAt.IsZero() && ms > 0 {
		ms = max(ms, ttlFrom(claims.IssuedAt, claims.Expiration))
	}
	return ms
}

// ttlFrom returns the time from from to to in milliseconds, rounded up,
// at least 1; 0 when to is zero, which means no expiry. Both come from the
// caller's clock (an Authorizer's WithClock included), so that what a key
// guards lasts as long as that clock says; a zero from is now.
func ttlFrom(from, to time.Time) int64 {
	if to.IsZero() {
		return 0
	}
	if from.IsZero() {
		return millisUntil(to)
	}
	d := to.Sub(from)
	return max(int64((d+time.Millisecond-1)/time.Millisecond), 1)
}

// capAt returns t, or end when end is set and t is zero or after it.
func capAt(t, end time.Time) time.Time {
	if !end.IsZero() && (t.IsZero() || t.After(end)) {
		return end
	}
	return t
}
