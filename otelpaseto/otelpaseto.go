// Package otelpaseto records what a ginpaseto Authorizer does as
// OpenTelemetry metrics and spans: an Observer for ginpaseto.WithObserver.
//
//	obs, err := otelpaseto.New() // the global meter and tracer providers
//	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(key), ginpaseto.WithObserver(obs))
//
// Instruments (their names are stable, so that dashboards can rely on
// them):
//
//   - ginpaseto.checks, counter: one per check, with ginpaseto.outcome
//     (allowed, refused, unavailable, anonymous), ginpaseto.reason
//     (observe.Reasons) and ginpaseto.token.type (the type the check
//     requires);
//   - ginpaseto.check.duration, histogram in seconds, same attributes;
//   - ginpaseto.store.duration, histogram in seconds, with
//     ginpaseto.store.operation and ginpaseto.result (ok, refused, error);
//   - ginpaseto.sessions, counter, with ginpaseto.event (started, rotated,
//     replayed, reuse_detected, ended, subject_revoked);
//   - ginpaseto.cache.lookups, counter, with ginpaseto.cache.hit (bool);
//   - ginpaseto.keyset.fetches, counter, with ginpaseto.result (success,
//     failure);
//   - ginpaseto.keys.changes, counter, with ginpaseto.source (set_keys,
//     key_set);
//   - ginpaseto.websocket.closes, counter, with ginpaseto.reason.
//
// In a traced request, one whose context holds a recording span (otelgin
// puts its server span there), each check is a span, ginpaseto.check, a
// child of the request's, with the attributes of ginpaseto.checks and
// ginpaseto.token.source; the check's store calls (ginpaseto.store) and
// key set fetches (ginpaseto.keyset.fetch) are its children. An untraced
// request, or one its sampler left out, makes no span and pays for none:
// metrics alone are recorded, without allocating.
//
// The counters are observable: the observer counts in atomic integers of
// its own, which the meter reads when it collects, so that a check costs
// the SDK only its histogram record.
//
// Every attribute value comes from a closed set, whatever a client sends:
// a value outside it is recorded as "other". No token, part of one, key,
// CSRF value, subject or session ID is ever recorded, and errors are
// recorded as a result, not as their message.
package otelpaseto

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
)

// ScopeName is the instrumentation scope of the meter and tracer.
const ScopeName = "github.com/ginpaseto/ginpaseto/otelpaseto"

// Attribute keys.
const (
	KeyOutcome     = attribute.Key("ginpaseto.outcome")
	KeyReason      = attribute.Key("ginpaseto.reason")
	KeyTokenType   = attribute.Key("ginpaseto.token.type")
	KeyTokenSource = attribute.Key("ginpaseto.token.source")
	KeyOperation   = attribute.Key("ginpaseto.store.operation")
	KeyEvent       = attribute.Key("ginpaseto.event")
	KeyCacheHit    = attribute.Key("ginpaseto.cache.hit")
	KeyResult      = attribute.Key("ginpaseto.result")
	KeySource      = attribute.Key("ginpaseto.source")
)

// other stands for a value outside an attribute's closed set.
const other = "other"

// Option configures New.
type Option func(*config)

type config struct {
	meters  metric.MeterProvider
	tracers trace.TracerProvider
	errs    []error
}

// WithMeterProvider records the metrics with mp instead of the global
// meter provider (otel.GetMeterProvider).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp == nil {
			c.errs = append(c.errs, errors.New("otelpaseto: WithMeterProvider: provider is nil; leave the option out to use the global one"))
		}
		c.meters = mp
	}
}

// WithTracerProvider records the spans with tp instead of the global
// tracer provider (otel.GetTracerProvider).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp == nil {
			c.errs = append(c.errs, errors.New("otelpaseto: WithTracerProvider: provider is nil; leave the option out to use the global one"))
		}
		c.tracers = tp
	}
}

// durationBuckets are the histogram boundaries, in seconds: a check takes
// microseconds, a store call to a remote store milliseconds.
var durationBuckets = []float64{
	0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
}

// New returns an Observer that records metrics and spans with the given
// providers, the global ones by default (read once, here: set them before
// calling New). A nil provider is an error.
func New(opts ...Option) (ginpaseto.Observer, error) {
	cfg := config{meters: otel.GetMeterProvider(), tracers: otel.GetTracerProvider()}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("otelpaseto: New: nil option")
		}
		o(&cfg)
	}
	if err := errors.Join(cfg.errs...); err != nil {
		return nil, err
	}
	meter := cfg.meters.Meter(ScopeName)
	o := &observer{tracer: cfg.tracers.Tracer(ScopeName)}
	o.types.Store(&map[string]*checkTable{})
	var errs []error
	counter := func(name, unit, desc string) metric.Int64ObservableCounter {
		c, err := meter.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return c
	}
	histogram := func(name, desc string) metric.Float64Histogram {
		h, err := meter.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(durationBuckets...))
		errs = append(errs, err)
		return h
	}
	o.checks = counter("ginpaseto.checks", "{check}", "Checks of a token, by outcome, reason and token type.")
	o.checkDuration = histogram("ginpaseto.check.duration", "How long a check took to decide.")
	o.storeDuration = histogram("ginpaseto.store.duration", "How long a call of the session and revocation store took.")
	o.sessions = counter("ginpaseto.sessions", "{event}", "Session events: started, rotated, replayed, reuse_detected, ended, subject_revoked.")
	o.cacheLookups = counter("ginpaseto.cache.lookups", "{lookup}", "Look-ups in the verified-token cache, by hit.")
	o.keySetFetches = counter("ginpaseto.keyset.fetches", "{fetch}", "Fetches of the key set, by result.")
	o.keyChanges = counter("ginpaseto.keys.changes", "{change}", "Changes of the verification keys, by source.")
	o.wsCloses = counter("ginpaseto.websocket.closes", "{close}", "WebSocket handshakes closed with 1008, by reason.")
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, op := range opNames {
		for j, result := range storeResults {
			o.store[i][j] = recordOptions(KeyOperation.String(op), KeyResult.String(result))
		}
	}
	for _, e := range closedSet(events) {
		o.session = append(o.session, newCount(KeyEvent.String(e)))
	}
	for _, r := range fetchResults {
		o.fetch = append(o.fetch, newCount(KeyResult.String(r)))
	}
	for _, src := range closedSet(keySources) {
		o.keys = append(o.keys, newCount(KeySource.String(src)))
	}
	for _, r := range reasonNames {
		o.wsClose = append(o.wsClose, newCount(KeyReason.String(r)))
	}
	o.cache = []*count{newCount(KeyCacheHit.Bool(false)), newCount(KeyCacheHit.Bool(true))}
	if _, err := meter.RegisterCallback(o.observe, o.checks, o.sessions, o.cacheLookups, o.keySetFetches, o.keyChanges, o.wsCloses); err != nil {
		return nil, err
	}
	return o, nil
}

// observer records the counters in atomic counts of its own, which the
// meter reads when it collects (observable counters), and the durations in
// the SDK's histograms: a check costs one atomic add per counter.
type observer struct {
	tracer trace.Tracer

	checks, sessions, cacheLookups, keySetFetches, keyChanges, wsCloses metric.Int64ObservableCounter
	checkDuration, storeDuration                                        metric.Float64Histogram

	// The series, built once for every value of the closed sets, so that
	// recording allocates nothing.
	mu      sync.Mutex                             // serializes adding a token type
	types   atomic.Pointer[map[string]*checkTable] // by token type; copied on write
	store   [len(ops) + 1][len(storeResults)][]metric.RecordOption
	session []*count // by event
	cache   []*count // miss, hit
	fetch   []*count // by result
	keys    []*count // by source
	wsClose []*count // by reason
}

// count is one series of a counter: how many, and its attributes.
type count struct {
	n    atomic.Int64
	opts []metric.ObserveOption
}

func newCount(kvs ...attribute.KeyValue) *count {
	return &count{opts: []metric.ObserveOption{metric.WithAttributeSet(attribute.NewSet(kvs...))}}
}

func recordOptions(kvs ...attribute.KeyValue) []metric.RecordOption {
	return []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(kvs...))}
}

// observe reports every series counted so far.
func (o *observer) observe(_ context.Context, obs metric.Observer) error {
	report := func(inst metric.Int64ObservableCounter, counts []*count) {
		for _, c := range counts {
			if n := c.n.Load(); n > 0 {
				obs.ObserveInt64(inst, n, c.opts...)
			}
		}
	}
	for _, t := range *o.types.Load() {
		for i := range t {
			for j := range t[i] {
				if n := t[i][j].count.n.Load(); n > 0 {
					obs.ObserveInt64(o.checks, n, t[i][j].count.opts...)
				}
			}
		}
	}
	report(o.sessions, o.session)
	report(o.cacheLookups, o.cache)
	report(o.keySetFetches, o.fetch)
	report(o.keyChanges, o.keys)
	report(o.wsCloses, o.wsClose)
	return nil
}

// checkSeries is the series of the checks of one outcome, reason and
// token type.
type checkSeries struct {
	count count
	rec   []metric.RecordOption
}

// checkTable holds the series of the checks of one token type, by outcome
// and reason.
type checkTable [len(outcomes) + 1][]checkSeries

func newCheckTable(tokenType string) *checkTable {
	var t checkTable
	for i, outcome := range outcomeNames {
		t[i] = make([]checkSeries, len(reasonNames))
		for j, reason := range reasonNames {
			set := metric.WithAttributeSet(attribute.NewSet(KeyOutcome.String(outcome), KeyReason.String(reason), KeyTokenType.String(tokenType)))
			t[i][j].count.opts = []metric.ObserveOption{set}
			t[i][j].rec = []metric.RecordOption{set}
		}
	}
	return &t
}

// checkTable returns the table of tokenType, a type the application
// registered a check for: there are as many as its routes require.
func (o *observer) checkTable(tokenType string) *checkTable {
	if t, ok := (*o.types.Load())[tokenType]; ok {
		return t
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	old := *o.types.Load()
	if t, ok := old[tokenType]; ok {
		return t
	}
	m := make(map[string]*checkTable, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	t := newCheckTable(tokenType)
	m[tokenType] = t
	o.types.Store(&m)
	return t
}

// checkSpanKey marks, in a check's context, the span StartCheck started.
type checkSpanKey struct{}

// Span start options, made once.
var (
	checkSpanStart = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal)}
	clientSpan     = trace.WithSpanKind(trace.SpanKindClient)
)

// StartCheck starts the span ginpaseto.check when the request is traced:
// its context holds a recording span, such as otelgin's. An untraced
// request pays for no span.
func (o *observer) StartCheck(ctx context.Context, _ observe.CheckStart) context.Context {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx
	}
	ctx, span := o.tracer.Start(ctx, "ginpaseto.check", checkSpanStart...)
	return context.WithValue(ctx, checkSpanKey{}, span)
}

func (o *observer) EndCheck(ctx context.Context, r observe.CheckResult) {
	outcome, reason := index(outcomeIndex, r.Outcome), index(reasonIndex, r.Reason)
	series := &o.checkTable(r.TokenType)[outcome][reason]
	series.count.n.Add(1)
	o.checkDuration.Record(ctx, r.Duration.Seconds(), series.rec...)
	span, ok := ctx.Value(checkSpanKey{}).(trace.Span)
	if !ok {
		return
	}
	span.SetAttributes(KeyOutcome.String(outcomeNames[outcome]), KeyReason.String(reasonNames[reason]),
		KeyTokenType.String(r.TokenType), KeyTokenSource.String(closedSource(r.Source)))
	if r.Outcome == observe.OutcomeUnavailable {
		span.SetStatus(codes.Error, string(r.Reason))
	}
	span.End()
}

func (o *observer) StoreCall(ctx context.Context, c observe.StoreCall) {
	op, result := index(opIndex, c.Operation), 0 // ok
	switch {
	case c.Failed:
		result = 2
	case c.Err != nil:
		result = 1
	}
	o.storeDuration.Record(ctx, c.Duration.Seconds(), o.store[op][result]...)
	if trace.SpanFromContext(ctx).IsRecording() {
		o.childSpan(ctx, "ginpaseto.store", c.Start, c.Duration, result == 2,
			KeyOperation.String(opNames[op]), KeyResult.String(storeResults[result]))
	}
}

// childSpan records an operation of a traced request that has ended as a
// span of its trace.
func (o *observer) childSpan(ctx context.Context, name string, start time.Time, d time.Duration, failed bool, attrs ...attribute.KeyValue) {
	_, span := o.tracer.Start(ctx, name, trace.WithTimestamp(start), clientSpan, trace.WithAttributes(attrs...))
	if failed {
		span.SetStatus(codes.Error, "failed")
	}
	span.End(trace.WithTimestamp(start.Add(d)))
}

func (o *observer) CacheLookup(_ context.Context, hit bool) {
	if hit {
		o.cache[1].n.Add(1)
	} else {
		o.cache[0].n.Add(1)
	}
}

func (o *observer) KeySetFetch(ctx context.Context, f observe.KeySetFetch) {
	result := 0 // success
	if f.Err != nil {
		result = 1
	}
	o.fetch[result].n.Add(1)
	if trace.SpanFromContext(ctx).IsRecording() {
		o.childSpan(ctx, "ginpaseto.keyset.fetch", f.Start, f.Duration, f.Err != nil, KeyResult.String(fetchResults[result]))
	}
}

func (o *observer) Session(_ context.Context, e observe.SessionEvent) {
	o.session[index(eventIndex, e.Kind)].n.Add(1)
}

func (o *observer) KeysChanged(_ context.Context, k observe.KeysChange) {
	o.keys[index(keySourceIndex, k.Source)].n.Add(1)
}

func (o *observer) WebSocketClosed(_ context.Context, w observe.WebSocketClose) {
	o.wsClose[index(reasonIndex, w.Reason)].n.Add(1)
}

// The closed sets. A value outside its set is recorded as "other", so
// that no value an Authorizer did not define reaches an attribute.
var (
	reasons  = observe.Reasons()
	outcomes = [...]observe.Outcome{observe.OutcomeAllowed, observe.OutcomeRefused, observe.OutcomeUnavailable, observe.OutcomeAnonymous}
	ops      = [...]observe.StoreOperation{observe.StoreIsRevoked, observe.StoreRevoke, observe.StoreCreateSession,
		observe.StoreRotateSession, observe.StoreRevokeSession, observe.StoreRevokeSubject, observe.StoreSessions, observe.StoreDenylist}
	events = []observe.SessionEventKind{observe.SessionStarted, observe.SessionRotated, observe.SessionReplayed,
		observe.SessionReuseDetected, observe.SessionEnded, observe.SubjectRevoked}
	keySources   = []observe.KeysSource{observe.KeysFromSetKeys, observe.KeysFromKeySet}
	sources      = []string{"", "header", "query", "json", "websocket_protocol", "cookie", "extractor", "previous_check"}
	storeResults = [...]string{"ok", "refused", "error"}
	fetchResults = []string{"success", "failure"}

	outcomeNames = closedSet(outcomes[:])
	reasonNames  = closedSet(reasons)
	opNames      = closedSet(ops[:])

	outcomeIndex   = indexOf(outcomes[:])
	reasonIndex    = indexOf(reasons)
	opIndex        = indexOf(ops[:])
	eventIndex     = indexOf(events)
	keySourceIndex = indexOf(keySources)
)

// closedSet returns the values of set as strings, then "other".
func closedSet[T ~string](set []T) []string {
	out := make([]string, 0, len(set)+1)
	for _, v := range set {
		out = append(out, string(v))
	}
	return append(out, other)
}

func indexOf[T comparable](set []T) map[T]int {
	m := make(map[T]int, len(set))
	for i, v := range set {
		m[v] = i
	}
	return m
}

// index returns the position of v in its set, or that of "other", after
// the set's last value.
func index[T comparable](m map[T]int, v T) int {
	if i, ok := m[v]; ok {
		return i
	}
	return len(m)
}

func closedSource(s string) string {
	if s == "" {
		return "none"
	}
	if slices.Contains(sources, s) {
		return s
	}
	return other
}
