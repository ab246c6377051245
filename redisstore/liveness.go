package redisstore

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"
)

// A cached answer is only as good as the connection that would deliver
// its invalidation, and on Redis Cluster that is the connection to the
// node holding the key. So the Store keeps one clock per node: when that
// node last answered this Store. A check answers from the cache only while
// the clock of the node holding its keys is younger than trustCache; the
// other nodes answering says nothing about it. On a standalone server or
// behind Sentinel there is one node, the master.
//
// The Store learns which node holds which slot from CLUSTER SLOTS, again
// every slotMapMaxAge and soon after a call went unanswered (the slot may
// have moved, in a failover): the first time while its first check waits,
// later in the background. Until it knows, no check of the cluster is
// answered from the cache.

// numSlots is the number of Redis Cluster hash slots.
const numSlots = 16384

// noNode marks a slot that no known node holds.
const noNode = ^uint16(0)

// slotMapMaxAge is how long a slot map is used before it is read again,
// and slotMapRetry the least time between two attempts.
const (
	slotMapMaxAge = 5 * time.Second
	slotMapRetry  = time.Second
)

// liveness holds the clocks of the nodes.
type liveness struct {
	// single is the clock of a standalone or Sentinel master, in Unix
	// nanoseconds; 0 after a call went unanswered.
	single atomic.Int64

	slots     atomic.Pointer[slotMap]
	loading   atomic.Bool
	attempted atomic.Int64 // when the slot map was last asked for, Unix ns
	stale     atomic.Bool  // a call went unanswered: ask again soon
}

// slotMap is which master holds each slot, with the masters' clocks. The
// clocks outlive a map: a master that holds slots in the next map keeps
// its clock.
type slotMap struct {
	node    [numSlots]uint16 // index in clocks, or noNode
	clocks  []*atomic.Int64
	byID    map[string]*atomic.Int64
	created time.Time
}

// clock returns the clock of the node holding slot, or nil when it is
// not known yet.
func (s *Store) clock(slot uint16, now time.Time) *atomic.Int64 {
	if s.client.Mode() != rueidis.ClientModeCluster {
		return &s.live.single
	}
	m := s.live.slots.Load()
	switch {
	case m == nil:
		m = s.firstSlotMap(now)
	case now.Sub(m.created) > slotMapMaxAge || s.live.stale.Load():
		s.loadSlotMap(now)
	}
	if m == nil {
		return nil
	}
	if i := m.node[slot]; i != noNode {
		return m.clocks[i]
	}
	return nil
}

// trusted reports whether the node holding slot answered this Store
// within the last s.trust.
func (s *Store) trusted(slot uint16, now time.Time) bool {
	c := s.clock(slot, now)
	return c != nil && time.Duration(now.UnixNano()-c.Load()) <= s.trust
}

// answered notes that the node holding slot answered at now.
func (s *Store) answered(slot uint16, now time.Time) {
	if c := s.clock(slot, now); c != nil {
		c.Store(now.UnixNano())
	}
}

// unanswered notes a call to the node holding slot that failed. One that
// got no answer (an error reply is an answer) makes its cached answers
// untrusted until it answers again; that and a MOVED or ASK reply (on a
// dedicated connection, which does not follow them) make the slot map be
// read again soon, since the slot may have moved to another node.
func (s *Store) unanswered(slot uint16, err error) {
	if redisErr, answered := rueidis.IsRedisErr(err); answered {
		if _, moved := redisErr.IsMoved(); moved {
			s.live.stale.Store(true) // the slot is elsewhere now
		} else if _, ask := redisErr.IsAsk(); ask {
			s.live.stale.Store(true)
		}
		return
	}
	s.live.stale.Store(true)
	if c := s.clock(slot, time.Now()); c != nil {
		c.Store(0)
	}
}

// firstSlotMap reads the slot map while the caller waits, once a
// slotMapRetry at most, so that a new Store answers from the cache from its
// first checks on; nil when it could not.
func (s *Store) firstSlotMap(now time.Time) *slotMap {
	if now.UnixNano()-s.live.attempted.Load() < int64(slotMapRetry) || !s.live.loading.CompareAndSwap(false, true) {
		return nil
	}
	defer s.live.loading.Store(false)
	s.live.attempted.Store(now.UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.timeout)
	defer cancel()
	m, err := s.readSlotMap(ctx)
	if err != nil {
		return nil
	}
	s.live.slots.Store(m)
	return m
}

// loadSlotMap reads the slot map in the background, unless it is being
// read already or was asked for less than slotMapRetry ago.
func (s *Store) loadSlotMap(now time.Time) {
	if now.UnixNano()-s.live.attempted.Load() < int64(slotMapRetry) || !s.live.loading.CompareAndSwap(false, true) {
		return
	}
	s.live.attempted.Store(now.UnixNano())
	s.live.stale.Store(false)
	go func() {
		defer s.live.loading.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.timeout)
		defer cancel()
		m, err := s.readSlotMap(ctx)
		if err != nil {
			s.live.stale.Store(true)
			return
		}
		s.live.slots.Store(m)
	}()
}

// readSlotMap asks the cluster which master holds which slots.
func (s *Store) readSlotMap(ctx context.Context) (*slotMap, error) {
	ranges, err := s.client.Do(ctx, s.client.B().ClusterSlots().Build()).ToArray()
	if err != nil {
		return nil, err
	}
	prev := s.live.slots.Load()
	m := &slotMap{byID: map[string]*atomic.Int64{}, created: time.Now()}
	for i := range m.node {
		m.node[i] = noNode
	}
	index := map[string]uint16{}
	for _, r := range ranges {
		// [start, end, [ip, port, id, ...] of the master, replicas...]
		fields, err := r.ToArray()
		if err != nil || len(fields) < 3 {
			continue
		}
		start, err1 := fields[0].AsInt64()
		end, err2 := fields[1].AsInt64()
		master, err3 := fields[2].ToArray()
		if err1 != nil || err2 != nil || err3 != nil || len(master) < 3 || start < 0 || end >= numSlots || start > end {
			continue
		}
		id, err := master[2].ToString()
		if err != nil {
			continue
		}
		idx, ok := index[id]
		if !ok {
			var c *atomic.Int64
			if prev != nil {
				c = prev.byID[id]
			}
			if c == nil {
				c = new(atomic.Int64) // a node never heard from: not trusted yet
			}
			idx = uint16(len(m.clocks))
			index[id] = idx
			m.byID[id] = c
			m.clocks = append(m.clocks, c)
		}
		for slot := start; slot <= end; slot++ {
			m.node[slot] = idx
		}
	}
	return m, nil
}

// slotOf returns the Redis Cluster slot of the keys that carry tag t: the
// CRC16 of the tag's 16 hex digits, as Redis hashes a hash tag.
func slotOf(t tag) uint16 {
	var hexDigits [16]byte
	const digits = "0123456789abcdef"
	for i, b := range t {
		hexDigits[2*i], hexDigits[2*i+1] = digits[b>>4], digits[b&0xf]
	}
	return crc16(hexDigits[:]) % numSlots
}

// crc16 is CRC-16/XMODEM (polynomial 0x1021), the hash of Redis Cluster.
func crc16(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc = crc<<8 ^ crc16Table[byte(crc>>8)^c]
	}
	return crc
}

var crc16Table = func() (t [256]uint16) {
	for i := range t {
		crc := uint16(i) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[i] = crc
	}
	return t
}()
