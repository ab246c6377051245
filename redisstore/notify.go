package redisstore

import (
	"context"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/ginpaseto/ginpaseto"
)

var _ ginpaseto.Notifier = (*Store)(nil)

// Bounds of the wait between two attempts to subscribe, doubling from the
// first to the last while Redis does not answer.
const (
	firstResubscribe = 10 * time.Millisecond
	lastResubscribe  = time.Second

	// closeProbe is how often a subscription looks whether the client
	// was closed.
	closeProbe = time.Second
)

// watchers are the Notify callbacks of a Store, by the tag of their
// subject, and the subscription that feeds them, running while there is
// at least one.
type watchers struct {
	mu    sync.Mutex
	next  uint64
	count int
	byTag map[tag]map[uint64]func()
	stop  chan struct{} // closed to end the running subscription; nil when none runs
}

// Notify arranges for fn to be called, on a goroutine of its own, soon
// after any process sharing the Store's Redis (and KeyPrefix) revokes a
// token of subject or ends one of its sessions (a logout, a logout
// everywhere, a reuse of a refresh token, Revoke, a session ended to make
// room for a new one), and whenever the Store may have missed such a
// write: when its subscription to Redis is lost and when it is made
// again. fn is only a hint: ask IsRevoked, which fails closed while Redis
// does not answer. Register before checking, so that no write falls
// between the check and the registration. stop ends the calls; it may be
// called more than once.
//
// Every write that revokes or ends publishes the subject's hash tag on
// the channel <prefix>revoked, and each Store with watchers holds one
// subscription to it, on a connection of its own taken from the client
// (rueidis's Dedicate), whatever the number of watchers and subjects. On
// Redis Cluster, a message published on any node reaches the subscribers
// of every node. Two subjects whose tags are the same (one chance in
// 2^64) get each other's hints.
func (s *Store) Notify(subject string, fn func()) (stop func()) {
	if fn == nil {
		return func() {}
	}
	t := tagOf(subject)
	w := &s.watchers
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.byTag == nil {
		w.byTag = make(map[tag]map[uint64]func())
	}
	fns := w.byTag[t]
	if fns == nil {
		fns = make(map[uint64]func())
		w.byTag[t] = fns
	}
	w.next++
	id := w.next
	fns[id] = fn
	w.count++
	if w.stop == nil {
		w.stop = make(chan struct{})
		go s.subscribe(w.stop)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			delete(fns, id)
			if len(fns) == 0 && len(w.byTag[t]) == 0 {
				delete(w.byTag, t)
			}
			if w.count--; w.count == 0 {
				close(w.stop)
				w.stop = nil
			}
		})
	}
}

// subscribe holds the Store's subscription until stop is closed or the
// client is closed, subscribing again, with a growing wait, whenever it is
// lost.
func (s *Store) subscribe(stop <-chan struct{}) {
	wait := firstResubscribe
	for {
		subscribed, err := s.subscribeOnce(stop)
		select {
		case <-stop:
			return
		default:
		}
		s.lostTrack() // what was published meanwhile was missed
		if errors.Is(err, rueidis.ErrClosing) {
			return // the client was closed: checks fail closed from now on
		}
		if subscribed {
			wait = firstResubscribe
		}
		select {
		case <-stop:
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, lastResubscribe)
	}
}

// subscribeOnce subscribes to the channel on a dedicated connection and
// returns when stop is closed or the connection is lost, reporting whether
// the subscription was made.
func (s *Store) subscribeOnce(stop <-chan struct{}) (subscribed bool, err error) {
	client, release := s.client.Dedicate()
	defer release()
	var made atomic.Bool
	lost := client.SetPubSubHooks(rueidis.PubSubHooks{
		OnMessage: s.received,
		OnSubscription: func(sub rueidis.PubSubSubscription) {
			if sub.Kind == "subscribe" && sub.Channel == s.channel {
				made.Store(true)
				s.lostTrack() // what was published before was missed
			}
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.timeout)
	err = client.Do(ctx, client.B().Subscribe().Channel(s.channel).Build()).Error()
	cancel()
	if err != nil {
		return made.Load(), err
	}
	// The client's Close leaves a dedicated connection open until it is
	// released: look for it now and then, so that the watchers learn
	// that their checks fail from now on.
	probe := time.NewTicker(closeProbe)
	defer probe.Stop()
	for {
		select {
		case err = <-lost:
			return made.Load(), err
		case <-stop:
			return made.Load(), nil
		case <-probe.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.timeout)
			err := s.client.Do(ctx, s.client.B().Ping().Build()).Error()
			cancel()
			if errors.Is(err, rueidis.ErrClosing) {
				return made.Load(), err
			}
		}
	}
}

// received dispatches a message of the channel: the tag of a subject
// whose tokens or sessions a write revoked or ended.
func (s *Store) received(m rueidis.PubSubMessage) {
	var t tag
	if m.Channel != s.channel || len(m.Message) != 2*len(t) {
		return
	}
	if _, err := hex.Decode(t[:], []byte(m.Message)); err != nil {
		return
	}
	// The write's invalidation reaches this process's cache on another
	// connection, maybe after this message: until then, checks of the
	// subject read Redis.
	s.wroteTo(t).Store(time.Now().UnixNano())
	w := &s.watchers
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, fn := range w.byTag[t] {
		go fn()
	}
}

// lostTrack calls every watcher: the Store may have missed writes of any
// subject. As for a message, checks of the watched subjects read Redis
// for a while first.
func (s *Store) lostTrack() {
	now := time.Now().UnixNano()
	w := &s.watchers
	w.mu.Lock()
	defer w.mu.Unlock()
	for t, fns := range w.byTag {
		s.wroteTo(t).Store(now)
		for _, fn := range fns {
			go fn()
		}
	}
}
