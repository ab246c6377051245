package redisstore

import "time"

// TrustCacheFor makes s answer from its client-side cache for as long as
// d after Redis last answered it, so that a test can tell an answer
// refreshed by Redis's invalidation from one refreshed because the cache
// was no longer trusted.
func TrustCacheFor(s *Store, d time.Duration) { s.trust = d }

// NodesKnown returns how many Redis Cluster masters s knows the slots of.
func NodesKnown(s *Store) int {
	if m := s.live.slots.Load(); m != nil {
		return len(m.clocks)
	}
	return 0
}
