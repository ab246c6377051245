package ginpaseto

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/ginpaseto/ginpaseto/internal/storelimits"
)

// storeShards is the number of independently locked parts of a
// MemoryStore: a subject's traffic only ever waits for the subjects that
// hash to the same shard, and only for as long as one operation takes.
const storeShards = 64

// expiredPerWrite is how many ended entries a write drops from its shard.
// A write adds at most one entry, so dropping more keeps each shard bounded
// by what is live without ever scanning it.
const expiredPerWrite = 4

// MemoryStore is the in-process Store, the Authorizer's default. It keeps
// per-session state only (the one refresh token a session may use next),
// so refresh rotations never add entries; every entry is dropped once the
// token, session or cutoff it guards has expired, from a min-heap, a few
// at a time on writes, so no request ever scans the store. Each subject
// is bounded: a new session beyond SessionsPerSubject ends the subject's
// oldest one, and a single-token revocation beyond RevocationsPerSubject
// revokes the whole subject instead (never forgetting a revocation). State
// is split into shards, each with its own lock, by a per-store random
// hash of the subject, so that one subject's traffic cannot make the
// others fail or wait long.
//
// The zero value is an empty store with the default bounds, ready to use:
// WithStore(&ginpaseto.MemoryStore{}), or &ginpaseto.MemoryStore{SessionsPerSubject: 10}
// for other bounds. Set the fields before the store is first used; later
// changes are ignored. A MemoryStore must not be copied.
//
// It suits a single process; several processes serving the same tokens
// need a shared Store such as the redisstore module's.
type MemoryStore struct {
	// SessionsPerSubject is how many live sessions one subject may have;
	// starting one more ends the subject's oldest session. 0 means the
	// default, 100; a negative value makes New refuse the store, and every
	// method of a store used without New fail.
	SessionsPerSubject int
	// RevocationsPerSubject is how many single-token revocations (Revoke)
	// the store keeps for one subject. One more revokes every token and
	// session of the subject issued so far, as RevokeSubject does, since
	// forgetting a revocation would make a revoked token valid again. 0
	// means the default, 1000; a negative value is refused as for
	// SessionsPerSubject.
	RevocationsPerSubject int

	once                  sync.Once
	err                   error // a bound that makes no sense
	seed                  maphash.Seed
	subjects              [storeShards]subjectShard
	index                 [storeShards]sessionIndex
	sessionsPerSubject    int
	revocationsPerSubject int
	now                   func() time.Time // nil until ready: time.Now
	watchers              watchers
}

// watchers holds the Notify callbacks, by subject, under a lock of their
// own that is taken after a shard's lock, never before.
type watchers struct {
	mu        sync.Mutex
	next      uint64
	bySubject map[string]map[uint64]func()
}

// ready sets the store up on its first use, from its fields, and reports
// a bound that makes no sense.
func (m *MemoryStore) ready() error {
	m.once.Do(func() {
		m.sessionsPerSubject, m.err = storeBound("SessionsPerSubject", m.SessionsPerSubject, storelimits.SessionsPerSubject)
		if m.err == nil {
			m.revocationsPerSubject, m.err = storeBound("RevocationsPerSubject", m.RevocationsPerSubject, storelimits.RevocationsPerSubject)
		}
		m.seed = maphash.MakeSeed()
		if m.now == nil {
			m.now = time.Now
		}
		for i := range m.subjects {
			m.subjects[i].subjects = make(map[string]*subjectState)
			m.index[i].subjects = make(map[string]string)
		}
	})
	return m.err
}

// storeBound resolves a MemoryStore bound: 0 is the default.
func storeBound(field string, n, def int) (int, error) {
	switch {
	case n == 0:
		return def, nil
	case n < 0:
		return 0, fmt.Errorf("ginpaseto: MemoryStore.%s is %d; use at least 1, or 0 for the default %d", field, n, def)
	}
	return n, nil
}

// subjectShard holds the state of the subjects that hash to it.
type subjectShard struct {
	mu       sync.RWMutex
	subjects map[string]*subjectState
	expiry   expiryHeap
}

// sessionIndex finds a session's subject from its ID, for RevokeSession.
// Lock order: a subject shard, then an index shard, never the reverse.
type sessionIndex struct {
	mu       sync.RWMutex
	subjects map[string]string // session ID → subject
}

// subjectState is what the store knows of one subject.
type subjectState struct {
	name     string
	sessions map[string]*entry // live sessions by ID
	order    []*entry          // the same sessions, oldest first
	revoked  map[string]*entry // revoked tokens by jti
	cutoff   *entry            // RevokeSubject's cutoff; nil: none

	// What every revoked token is covered by, for a revocation that
	// overflows the bound: the latest iat and expiry seen (zero expiry,
	// with forever set, for tokens without one).
	revokedIAT   time.Time
	revokedUntil time.Time
	forever      bool
}

func (s *subjectState) empty() bool {
	return len(s.sessions) == 0 && len(s.revoked) == 0 && s.cutoff == nil
}

type entryKind uint8

const (
	sessionEntry entryKind = iota
	tokenEntry
	cutoffEntry
)

// entry is one session, revoked token or cutoff, kept until `until`
// (forever when zero, and then not in the expiry heap).
type entry struct {
	kind    entryKind
	subject *subjectState
	key     string       // session ID or jti
	session *sessionData // sessions only
	cutoff  time.Time    // cutoffs: tokens issued at or before are refused
	until   time.Time
	index   int // position in the expiry heap; -1 when not in it
}

// sessionData is what a session entry holds besides its ID and end.
type sessionData struct {
	refreshJTI string     // the refresh jti usable next
	consumed   []consumed // the refresh jtis recent rotations consumed, the oldest first
	started    time.Time  // CreateSession's Session.Started
	refreshed  time.Time  // the last rotation's Session.Refreshed
	ends       time.Time  // the absolute end; zero for none
	metadata   map[string]string
}

// consumed is a refresh jti a rotation consumed, and that rotation's
// Session.Refreshed.
type consumed struct {
	jti string
	at  time.Time
}

// maxConsumed bounds the consumed refresh jtis a session remembers for the
// refresh grace: see Store.RotateSession.
const maxConsumed = 8

// snapshot returns the session of entry e as a Store returns it.
func (e *entry) snapshot() Session {
	d := e.session
	return Session{
		ID:         e.key,
		Subject:    e.subject.name,
		RefreshJTI: d.refreshJTI,
		Started:    d.started,
		Refreshed:  d.refreshed,
		Expires:    e.until,
		Ends:       d.ends,
		Metadata:   maps.Clone(d.metadata),
	}
}

// expiryHeap orders entries by their end, the soonest first.
type expiryHeap []*entry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].until.Before(h[j].until) }
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *expiryHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.index = -1
	*h = old[:len(old)-1]
	return e
}

func (m *MemoryStore) shard(subject string) *subjectShard {
	return &m.subjects[maphash.String(m.seed, subject)%storeShards]
}

func (m *MemoryStore) indexOf(sessionID string) *sessionIndex {
	return &m.index[maphash.String(m.seed, sessionID)%storeShards]
}

// IsRevoked reports whether the token must be refused: see Store.
func (m *MemoryStore) IsRevoked(_ context.Context, claims *Claims) (bool, error) {
	if err := m.ready(); err != nil {
		return false, err
	}
	sh := m.shard(claims.Subject)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	return refused(sh.subjects[claims.Subject], claims), nil
}

// refused answers IsRevoked from a subject's state, nil when the store
// knows nothing of the subject. Entries whose end has passed but that are
// not dropped yet answer as if they were still there: they only guard
// tokens that checks refuse as expired anyway.
func refused(st *subjectState, claims *Claims) bool {
	if st == nil {
		return claims.SessionID != ""
	}
	if _, ok := st.revoked[claims.JTI]; ok {
		return true
	}
	if claims.SessionID != "" {
		_, live := st.sessions[claims.SessionID]
		return !live
	}
	return st.cutoff != nil && !claims.IssuedAt.After(st.cutoff.cutoff)
}

// Revoke records the revocation of one token: see Store.
func (m *MemoryStore) Revoke(_ context.Context, claims *Claims) error {
	if err := m.ready(); err != nil {
		return err
	}
	if claims.JTI == "" {
		return errors.New("ginpaseto: MemoryStore.Revoke: the token has no jti")
	}
	sh := m.shard(claims.Subject)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	now := m.now()
	m.dropExpired(sh, now)
	st := sh.state(claims.Subject)
	if refused(st, claims) {
		sh.forget(st)
		return fmt.Errorf("%w: already refused", ErrTokenRevoked)
	}
	if claims.IssuedAt.After(st.revokedIAT) {
		st.revokedIAT = claims.IssuedAt
	}
	if claims.Expiration.IsZero() {
		st.forever = true
	} else if claims.Expiration.After(st.revokedUntil) {
		st.revokedUntil = claims.Expiration
	}
	if len(st.revoked) >= m.revocationsPerSubject {
		m.overflow(sh, st, now)
		return nil
	}
	e := &entry{kind: tokenEntry, subject: st, key: claims.JTI, until: claims.Expiration, index: -1}
	st.revoked[claims.JTI] = e
	sh.schedule(e)
	m.changed(st.name)
	return nil
}

// overflow revokes a subject whose single-token revocations exceed their
// bound: a cutoff covering every revoked token replaces them, and every
// session ends, taking the revoked tokens of sessions with it.
func (m *MemoryStore) overflow(sh *subjectShard, st *subjectState, now time.Time) {
	cutoff := now
	if st.revokedIAT.After(cutoff) {
		cutoff = st.revokedIAT
	}
	until := st.revokedUntil
	if st.forever {
		until = time.Time{}
	}
	for _, e := range st.revoked {
		sh.unschedule(e)
	}
	clear(st.revoked)
	st.revokedIAT, st.revokedUntil, st.forever = time.Time{}, time.Time{}, false
	m.revokeSubject(sh, st, cutoff, until)
}

// CreateSession records a new live session, unless the subject's cutoff
// is at or after s.Started: see Store.
func (m *MemoryStore) CreateSession(_ context.Context, s Session) error {
	if err := m.ready(); err != nil {
		return err
	}
	if s.ID == "" || s.Subject == "" || s.RefreshJTI == "" {
		return errors.New("ginpaseto: MemoryStore.CreateSession: a session needs an ID, a subject and a refresh jti")
	}
	sh := m.shard(s.Subject)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	m.dropExpired(sh, m.now())
	st := sh.state(s.Subject)
	if c := st.cutoff; c != nil && !s.Started.After(c.cutoff) {
		sh.forget(st)
		return fmt.Errorf("%w: the subject was logged out everywhere after the session started", ErrTokenRevoked)
	}
	if _, ok := st.sessions[s.ID]; ok {
		return fmt.Errorf("ginpaseto: MemoryStore.CreateSession: session %q exists already", s.ID)
	}
	for len(st.order) >= m.sessionsPerSubject {
		m.endSession(sh, st.order[0])
	}
	d := &sessionData{refreshJTI: s.RefreshJTI, started: s.Started, refreshed: s.Started, ends: s.Ends, metadata: maps.Clone(s.Metadata)}
	e := &entry{kind: sessionEntry, subject: st, key: s.ID, session: d, until: capAt(s.Expires, s.Ends), index: -1}
	st.sessions[s.ID] = e
	st.order = append(st.order, e)
	sh.schedule(e)
	ix := m.indexOf(s.ID)
	ix.mu.Lock()
	ix.subjects[s.ID] = s.Subject
	ix.mu.Unlock()
	return nil
}

// RotateSession moves a session forward by one refresh, or recognises a
// replay within grace: see Store.
func (m *MemoryStore) RotateSession(_ context.Context, usedJTI string, next Session, grace time.Duration) (Session, error) {
	if err := m.ready(); err != nil {
		return Session{}, err
	}
	sh := m.shard(next.Subject)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	now := m.now()
	m.dropExpired(sh, now)
	st := sh.subjects[next.Subject]
	var e *entry
	if st != nil {
		e = st.sessions[next.ID]
	}
	if e != nil && !e.until.IsZero() && now.After(e.until) {
		// Ended, but not dropped yet: dropExpired takes a few at a time.
		m.endSession(sh, e)
		sh.forget(st)
		e = nil
	}
	if e == nil {
		return Session{}, fmt.Errorf("%w: the session has ended", ErrTokenRevoked)
	}
	if _, ok := st.revoked[usedJTI]; ok {
		return Session{}, fmt.Errorf("%w: the refresh token was revoked", ErrTokenRevoked)
	}
	d := e.session
	switch {
	case d.refreshJTI == usedJTI:
		d.remember(usedJTI, next.Refreshed, grace)
		d.refreshJTI, d.refreshed = next.RefreshJTI, next.Refreshed
		sh.reschedule(e, capAt(next.Expires, d.ends))
	case grace > 0 && d.replays(usedJTI, next.Refreshed, grace):
		// A replay within the grace: the client gets the usable token.
	default:
		m.endSession(sh, e)
		return Session{}, fmt.Errorf("%w: the session was ended", ErrRefreshTokenReused)
	}
	return e.snapshot(), nil
}

// remember records that a rotation at `at` consumed jti, forgetting the
// consumed jtis whose grace has passed by then, and all of them for a
// grace of zero, and keeping at most maxConsumed.
func (d *sessionData) remember(jti string, at time.Time, grace time.Duration) {
	if grace <= 0 {
		d.consumed = nil
		return
	}
	kept := d.consumed[:0]
	for _, c := range d.consumed {
		if at.Before(c.at.Add(grace)) {
			kept = append(kept, c)
		}
	}
	kept = append(kept, consumed{jti: jti, at: at})
	if n := len(kept) - maxConsumed; n > 0 {
		kept = append(kept[:0], kept[n:]...)
	}
	d.consumed = kept
}

// replays reports whether jti is a refresh jti a rotation consumed less
// than grace before at.
func (d *sessionData) replays(jti string, at time.Time, grace time.Duration) bool {
	for _, c := range d.consumed {
		if c.jti == jti && at.Before(c.at.Add(grace)) {
			return true
		}
	}
	return false
}

// Sessions returns the subject's live sessions, the oldest first: see
// Store.
func (m *MemoryStore) Sessions(_ context.Context, subject string) ([]Session, error) {
	if err := m.ready(); err != nil {
		return nil, err
	}
	sh := m.shard(subject)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	st := sh.subjects[subject]
	if st == nil {
		return nil, nil
	}
	now := m.now()
	out := make([]Session, 0, len(st.order))
	for _, e := range st.order {
		if e.until.IsZero() || !now.After(e.until) {
			out = append(out, e.snapshot())
		}
	}
	return out, nil
}

// Notify calls fn, on a goroutine of its own, after every write of this
// store that ends a session of subject or revokes one of its tokens: see
// Notifier.
func (m *MemoryStore) Notify(subject string, fn func()) (stop func()) {
	w := &m.watchers
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.bySubject == nil {
		w.bySubject = make(map[string]map[uint64]func())
	}
	fns := w.bySubject[subject]
	if fns == nil {
		fns = make(map[uint64]func())
		w.bySubject[subject] = fns
	}
	w.next++
	id := w.next
	fns[id] = fn
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(fns, id)
		if len(w.bySubject[subject]) == 0 {
			delete(w.bySubject, subject)
		}
	}
}

// changed runs the Notify callbacks of subject.
func (m *MemoryStore) changed(subject string) {
	w := &m.watchers
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, fn := range w.bySubject[subject] {
		go fn()
	}
}

// RevokeSession ends a session: see Store.
func (m *MemoryStore) RevokeSession(_ context.Context, sessionID string) error {
	if err := m.ready(); err != nil {
		return err
	}
	ix := m.indexOf(sessionID)
	ix.mu.RLock()
	subject, ok := ix.subjects[sessionID]
	ix.mu.RUnlock()
	if !ok {
		return nil
	}
	sh := m.shard(subject)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	m.dropExpired(sh, m.now())
	if st := sh.subjects[subject]; st != nil {
		if e := st.sessions[sessionID]; e != nil {
			m.endSession(sh, e)
		}
	}
	return nil
}

// RevokeSubject ends a subject's sessions and refuses its earlier tokens:
// see Store.
func (m *MemoryStore) RevokeSubject(_ context.Context, subject string, cutoff, until time.Time) error {
	if err := m.ready(); err != nil {
		return err
	}
	sh := m.shard(subject)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	m.dropExpired(sh, m.now())
	m.revokeSubject(sh, sh.state(subject), cutoff, until)
	return nil
}

// revokeSubject moves the subject's cutoff to cutoff at least, kept until
// until at least (zero: forever), and ends every session.
func (m *MemoryStore) revokeSubject(sh *subjectShard, st *subjectState, cutoff, until time.Time) {
	m.changed(st.name)
	for len(st.order) > 0 {
		m.endSession(sh, st.order[0])
	}
	if c := st.cutoff; c != nil {
		if c.cutoff.After(cutoff) {
			cutoff = c.cutoff
		}
		if c.until.IsZero() || !until.IsZero() && c.until.After(until) {
			until = c.until
		}
		c.cutoff = cutoff
		sh.reschedule(c, until)
		return
	}
	st.cutoff = &entry{kind: cutoffEntry, subject: st, cutoff: cutoff, until: until, index: -1}
	sh.schedule(st.cutoff)
}

// endSession forgets a live session; the caller holds sh's lock.
func (m *MemoryStore) endSession(sh *subjectShard, e *entry) {
	st := e.subject
	m.changed(st.name)
	delete(st.sessions, e.key)
	if i := slices.Index(st.order, e); i >= 0 {
		st.order = slices.Delete(st.order, i, i+1)
	}
	sh.unschedule(e)
	ix := m.indexOf(e.key)
	ix.mu.Lock()
	delete(ix.subjects, e.key)
	ix.mu.Unlock()
}

// dropExpired drops a few entries whose end has passed, soonest first;
// the caller holds sh's lock.
func (m *MemoryStore) dropExpired(sh *subjectShard, now time.Time) {
	for range expiredPerWrite {
		if len(sh.expiry) == 0 || !now.After(sh.expiry[0].until) {
			return
		}
		e := sh.expiry[0]
		st := e.subject
		switch e.kind {
		case sessionEntry:
			m.endSession(sh, e)
		case tokenEntry:
			sh.unschedule(e)
			delete(st.revoked, e.key)
		case cutoffEntry:
			sh.unschedule(e)
			st.cutoff = nil
		}
		sh.forget(st)
	}
}

// state returns the subject's state, creating it if need be. A caller
// that may leave it empty calls forget.
func (sh *subjectShard) state(subject string) *subjectState {
	st := sh.subjects[subject]
	if st == nil {
		st = &subjectState{name: subject, sessions: map[string]*entry{}, revoked: map[string]*entry{}}
		sh.subjects[subject] = st
	}
	return st
}

// forget drops a subject's state once nothing is left in it.
func (sh *subjectShard) forget(st *subjectState) {
	if st.empty() {
		delete(sh.subjects, st.name)
	}
}

func (sh *subjectShard) schedule(e *entry) {
	if !e.until.IsZero() {
		heap.Push(&sh.expiry, e)
	}
}

func (sh *subjectShard) unschedule(e *entry) {
	if e.index >= 0 {
		heap.Remove(&sh.expiry, e.index)
	}
}

// reschedule moves an entry's end to until (zero: forever).
func (sh *subjectShard) reschedule(e *entry, until time.Time) {
	e.until = until
	switch {
	case e.index >= 0 && until.IsZero():
		heap.Remove(&sh.expiry, e.index)
	case e.index >= 0:
		heap.Fix(&sh.expiry, e.index)
	default:
		sh.schedule(e)
	}
}

// capAt returns t, or end when end is set and t is after it.
func capAt(t, end time.Time) time.Time {
	if !end.IsZero() && (t.IsZero() || t.After(end)) {
		return end
	}
	return t
}
