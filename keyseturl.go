package ginpaseto

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ginpaseto/ginpaseto/keyring"
	"github.com/ginpaseto/ginpaseto/observe"
)

// This file is the verifying side of key sets: an Authorizer built with
// WithKeySet fetches the signing service's key set at start-up, again
// when its Cache-Control says, and again (rate-limited) when a token names
// a key it does not know.

// Defaults of WithKeySet, documented on the fields of keyring.KeySet.
const (
	defaultKeySetTimeout    = 5 * time.Second
	defaultKeySetMaxSize    = 64 << 10
	minKeySetMaxSize        = 256
	defaultKeySetMinRefresh = time.Minute
	defaultKeySetMaxRefresh = time.Hour
	// defaultKeySetRefresh is how long a key set without Cache-Control
	// max-age is kept before it is fetched again.
	defaultKeySetRefresh = 5 * time.Minute
	// defaultKeySetRefetchInterval is the least time between two fetches
	// caused by tokens naming unknown keys.
	defaultKeySetRefetchInterval = 10 * time.Second
)

type keySetConfig struct {
	url             *url.URL
	client          *http.Client
	ownTransport    *http.Transport // the client's transport when ginpaseto made it
	timeout         time.Duration
	maxSize         int64
	minRefresh      time.Duration
	maxRefresh      time.Duration
	refetchInterval time.Duration
	ctx             context.Context
	onError         func(error)
}

// WithKeySet makes the Authorizer verify v4.public tokens (or those of
// WithVersion) with the public keys of the key set published at ks.URL,
// such as a signing service's KeySetHandler, instead of keys of its own.
// The URL must be HTTPS, or HTTP on a loopback address; the other fields
// of keyring.KeySet tune the fetching, and their zero values are the
// defaults their docs state.
//
// New fetches the set once and waits for that fetch at most the fetch
// timeout (KeySet.Timeout, default 5 s). If it fails, New still returns,
// and checks answer 503 "Token verification keys unavailable" until a
// fetch succeeds: services may then start in any order. The Authorizer
// fetches the set again when its Cache-Control max-age runs out (kept
// within KeySet.MinRefresh and MaxRefresh), after a failure with a backoff
// from one second, and when a token names a key the set does not hold, at
// most once per KeySet.RefetchInterval (default 10 seconds); a check waits
// for that fetch at most until its request's context ends. A fetch that
// finds the set unchanged keeps the keys, and so the verified-token cache.
// A fetch that fails, or returns something that is not a valid key set, is
// reported to KeySet.OnError and changes nothing: the last good set stays.
// Close the Authorizer, or cancel KeySet.Context, to stop the fetching.
//
// An Authorizer with a key set only verifies tokens: it cannot create
// them, and WithKeys, SetKeys and the single-key options do not apply.
func WithKeySet(ks keyring.KeySet) Option {
	return optionFunc(func(c *config) error {
		cfg, err := newKeySetConfig(ks)
		if err != nil {
			return err
		}
		c.keySet = cfg
		return nil
	})
}

// newKeySetConfig checks ks and fills in the defaults.
func newKeySetConfig(ks keyring.KeySet) (*keySetConfig, error) {
	u, err := keySetURL(ks.URL)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("ginpaseto: WithKeySet: "+format, args...)
	}
	switch {
	case ks.Timeout < 0:
		return nil, fail("Timeout is negative (%v); leave it 0 for the default, %v", ks.Timeout, defaultKeySetTimeout)
	case ks.MaxSize < 0 || ks.MaxSize > 0 && ks.MaxSize < minKeySetMaxSize:
		return nil, fail("MaxSize of %d bytes cannot hold a key set; use at least %d, or 0 for the default, %d", ks.MaxSize, minKeySetMaxSize, defaultKeySetMaxSize)
	case ks.MinRefresh < 0 || ks.MaxRefresh < 0:
		return nil, fail("MinRefresh and MaxRefresh must not be negative, got %v and %v; leave them 0 for the defaults, %v and %v", ks.MinRefresh, ks.MaxRefresh, defaultKeySetMinRefresh, defaultKeySetMaxRefresh)
	case ks.MinRefresh > 0 && ks.MaxRefresh > 0 && ks.MaxRefresh < ks.MinRefresh:
		return nil, fail("MaxRefresh (%v) is shorter than MinRefresh (%v); want MinRefresh <= MaxRefresh", ks.MaxRefresh, ks.MinRefresh)
	case ks.RefetchInterval < 0:
		return nil, fail("RefetchInterval is negative (%v); leave it 0 for the default, %v", ks.RefetchInterval, defaultKeySetRefetchInterval)
	}
	cfg := &keySetConfig{
		url:             u,
		client:          ks.Client,
		timeout:         cmp.Or(ks.Timeout, defaultKeySetTimeout),
		maxSize:         cmp.Or(ks.MaxSize, defaultKeySetMaxSize),
		minRefresh:      ks.MinRefresh,
		maxRefresh:      ks.MaxRefresh,
		refetchInterval: cmp.Or(ks.RefetchInterval, defaultKeySetRefetchInterval),
		ctx:             cmp.Or[context.Context](ks.Context, context.Background()),
		onError:         ks.OnError,
	}
	// One bound given alone moves the other's default out of its way.
	switch {
	case cfg.minRefresh == 0 && cfg.maxRefresh == 0:
		cfg.minRefresh, cfg.maxRefresh = defaultKeySetMinRefresh, defaultKeySetMaxRefresh
	case cfg.minRefresh == 0:
		cfg.minRefresh = min(defaultKeySetMinRefresh, cfg.maxRefresh)
	case cfg.maxRefresh == 0:
		cfg.maxRefresh = max(defaultKeySetMaxRefresh, cfg.minRefresh)
	}
	if cfg.onError == nil {
		cfg.onError = func(err error) { slog.Warn("ginpaseto: key set not updated", "error", err) }
	}
	if cfg.client == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		cfg.client, cfg.ownTransport = &http.Client{Transport: transport}, transport
	}
	client := *cfg.client
	client.CheckRedirect = keySetRedirects(u, client.CheckRedirect)
	cfg.client = &client
	return cfg, nil
}

// keySetRedirects returns the redirect policy of a key set fetch: the key
// set's rules, then the policy of the client, if any (KeySet.Client), which
// can only be stricter. A redirect must stay on the host of the key set
// URL, on a URL WithKeySet would accept, without leaving HTTPS: the
// keys it leads to are trusted to sign every token.
func keySetRedirects(home *url.URL, callers func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if _, err := keySetURL(req.URL.String()); err != nil {
			return err
		}
		if !strings.EqualFold(req.URL.Host, home.Host) {
			return fmt.Errorf("refused a redirect to another host, %s; if the key set lives there, give its URL to WithKeySet", req.URL.Redacted())
		}
		if home.Scheme == "https" && req.URL.Scheme != "https" {
			return fmt.Errorf("refused a redirect from HTTPS to %s", req.URL.Redacted())
		}
		if callers != nil {
			return callers(req, via)
		}
		return nil
	}
}

// keySetURL parses a key set URL and refuses plain HTTP beyond loopback.
func keySetURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, errors.New("ginpaseto: WithKeySet: KeySet.URL must be an absolute https:// URL, such as https://auth.example.com/.well-known/paseto-keys")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("ginpaseto: WithKeySet: %s is plain HTTP, which anyone on the path could answer with their own keys; use https://, or http:// on a loopback address only", u.Redacted())
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// keySetSource keeps an Authorizer's keys in step with a key set.
type keySetSource struct {
	a      *Authorizer
	cfg    *keySetConfig
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the background fetching has stopped

	fetchMu sync.Mutex // one fetch at a time, so an older answer never overwrites a newer one

	mu          sync.Mutex
	lastRefetch time.Time      // the last fetch caused by an unknown kid
	inflight    chan struct{}  // closed when that fetch ends
	closed      bool           // Close was called: no more refetches
	refetches   sync.WaitGroup // the refetches running, for Close
}

// startKeySet starts fetching and waits for the first fetch, at most the
// fetch timeout.
func (a *Authorizer) startKeySet() error {
	cfg := a.cfg.keySet
	ctx, cancel := context.WithCancel(cfg.ctx)
	s := &keySetSource{a: a, cfg: cfg, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	a.keySet = s
	first := make(chan struct{})
	go s.run(first)
	// The fetch gives up after the timeout by itself; the margin lets it
	// report why before New returns.
	select {
	case <-first:
	case <-time.After(cfg.timeout + time.Second):
	}
	return nil
}

// run fetches the key set until the source is stopped.
func (s *keySetSource) run(first chan struct{}) {
	defer close(s.done)
	defer func() {
		if s.cfg.ownTransport != nil {
			s.cfg.ownTransport.CloseIdleConnections()
		}
	}()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	failures := 0
	for {
		wait, err := s.fetch(s.ctx)
		if first != nil {
			close(first)
			first = nil
		}
		if err != nil {
			if s.ctx.Err() != nil {
				return
			}
			failures++
			wait = backoff(failures, s.cfg.minRefresh)
		} else {
			failures = 0
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-s.ctx.Done():
			return
		case <-timer.C:
		}
	}
}

// backoff is the wait after the nth failure in a row: one second, doubled
// each time, at most limit.
func backoff(n int, limit time.Duration) time.Duration {
	d := time.Second
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// fetch gets the key set and, if it is good, makes it the Authorizer's
// keys. It returns how long to keep the set. ctx is the check's context
// when a check caused the fetch, for the observer; the fetch itself runs
// under the source's.
func (s *keySetSource) fetch(ctx context.Context) (time.Duration, error) {
	s.fetchMu.Lock()
	defer s.fetchMu.Unlock()
	start := time.Now()
	ring, ttl, err := s.get()
	if obs := s.a.obs; obs != nil {
		obs.KeySetFetch(ctx, observe.KeySetFetch{Start: start, Duration: time.Since(start), Err: err})
	}
	if err != nil {
		if s.ctx.Err() == nil {
			s.cfg.onError(fmt.Errorf("ginpaseto: key set %s: %w", s.cfg.url.Redacted(), err))
		}
		return 0, err
	}
	// An unchanged set keeps the keyring, and with it what the
	// verified-token cache holds: a token naming a made-up kid causes a
	// fetch, which must not empty the cache.
	if old := s.a.keys.Load(); old == nil || !sameKeys(old, ring) {
		s.a.setKeys(ring)
		s.a.keysChanged(ctx, observe.KeysFromKeySet, old, ring)
	}
	return ttl, nil
}

// get fetches and parses the key set once.
func (s *keySetSource) get() (*Keyring, time.Duration, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.url.String(), nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.cfg.client.Do(req)
	if err != nil {
		return nil, 0, unwrapURLError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("the server answered %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.cfg.maxSize+1))
	if err != nil {
		return nil, 0, fmt.Errorf("reading the response: %w", unwrapURLError(err))
	}
	if int64(len(body)) > s.cfg.maxSize {
		return nil, 0, fmt.Errorf("the response is larger than %d bytes (KeySet.MaxSize)", s.cfg.maxSize)
	}
	ring, err := parseKeySet(s.a.cfg.version, body)
	if err != nil {
		return nil, 0, err
	}
	return ring, s.keepFor(resp.Header), nil
}

// unwrapURLError drops the *url.Error layer, whose message repeats the URL
// that fetch already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// keepFor reads how long a response may be kept from Cache-Control
// (max-age less Age; no-cache and no-store mean not at all), within the
// configured bounds.
func (s *keySetSource) keepFor(h http.Header) time.Duration {
	d := defaultKeySetRefresh
	for _, directive := range strings.Split(h.Get("Cache-Control"), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch strings.ToLower(name) {
		case "no-cache", "no-store":
			d = 0
		case "max-age":
			if secs, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64); err == nil && secs >= 0 {
				d = time.Duration(min(secs, int64(365*24*3600))) * time.Second
				if age, err := strconv.ParseInt(h.Get("Age"), 10, 64); err == nil && age > 0 {
					d -= time.Duration(min(age, secs)) * time.Second
				}
			}
		}
	}
	return min(max(d, s.cfg.minRefresh), s.cfg.maxRefresh)
}

// lookupAfterRefetch fetches the key set again for a token that names a
// key the set does not hold, unless such a fetch ran less than the refetch
// interval ago, and picks the token's key from the result. Requests that
// arrive during the fetch wait for it, each at most until its ctx ends:
// the fetch runs on its own, so that no request waits for one that
// another request started, nor longer than it may itself.
func (s *keySetSource) lookupAfterRefetch(ctx context.Context, header string, footer []byte) (*ringKey, *Error) {
	s.mu.Lock()
	wait := s.inflight
	if wait == nil {
		if s.closed || !s.lastRefetch.IsZero() && time.Since(s.lastRefetch) < s.cfg.refetchInterval {
			s.mu.Unlock()
			return nil, errUnknownKID
		}
		s.lastRefetch = time.Now()
		wait = make(chan struct{})
		s.inflight = wait
		observed := context.WithoutCancel(ctx) // the fetch outlives the check that caused it
		s.refetches.Go(func() {
			s.fetch(observed)
			s.mu.Lock()
			close(wait)
			s.inflight = nil
			s.mu.Unlock()
		})
	}
	s.mu.Unlock()
	select {
	case <-wait:
	case <-ctx.Done():
		return nil, errUnknownKID
	case <-s.ctx.Done():
		return nil, errUnknownKID
	}
	keys := s.a.keys.Load().headers[header]
	if keys == nil {
		return nil, errUnknownKID
	}
	return keys.keyFor(footer)
}

// Close stops what the Authorizer runs in the background, the fetching of
// WithKeySet and the clean-up of WithVerifiedTokenCache, and waits
// until it has stopped. Checks go on with the keys fetched last. It does
// nothing for other Authorizers, and may be called more than once.
func (a *Authorizer) Close() error {
	a.cache.stop()
	if a.keySet == nil {
		return nil
	}
	a.keySet.mu.Lock()
	a.keySet.closed = true
	a.keySet.mu.Unlock()
	a.keySet.cancel()
	<-a.keySet.done
	a.keySet.refetches.Wait()
	return nil
}
