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
//     (ginpaseto.Reasons) and ginpaseto.token.type (the type the check
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
// Each check is a span, ginpaseto.check, a child of the request's span
// when there is one (otelgin puts it in the request's context), with the
// attributes of ginpaseto.checks and ginpaseto.token.source; the store
// calls (ginpaseto.store) and key set fetches (ginpaseto.keyset.fetch) made
// within a traced request are its children.
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
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/ginpaseto/ginpaseto"
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
	var errs []error
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := meter.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
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
	o.hit = metric.WithAttributeSet(attribute.NewSet(KeyCacheHit.Bool(true)))
	o.miss = metric.WithAttributeSet(attribute.NewSet(KeyCacheHit.Bool(false)))
	return o, nil
}

type observer struct {
	tracer trace.Tracer

	checks, sessions, cacheLookups, keySetFetches, keyChanges, wsCloses metric.Int64Counter
	checkDuration, storeDuration                                        metric.Float64Histogram

	hit, miss metric.MeasurementOption
	sets      sync.Map // setKey → metric.MeasurementOption, built once per combination
}

// setKey names an attribute combination; every field is from a closed
// set, so the map stays small.
type setKey struct {
	kind    byte
	a, b, c string
}

// options returns the measurement option of the attributes kvs, kept
// under k: a check records its metrics without allocating.
func (o *observer) options(k setKey, kvs func() []attribute.KeyValue) metric.MeasurementOption {
	if v, ok := o.sets.Load(k); ok {
		return v.(metric.MeasurementOption)
	}
	v, _ := o.sets.LoadOrStore(k, metric.WithAttributeSet(attribute.NewSet(kvs()...)))
	return v.(metric.MeasurementOption)
}

func (o *observer) StartCheck(ctx context.Context, s ginpaseto.CheckStart) context.Context {
	ctx, _ = o.tracer.Start(ctx, "ginpaseto.check", trace.WithSpanKind(trace.SpanKindInternal))
	return ctx
}

func (o *observer) EndCheck(ctx context.Context, r ginpaseto.CheckResult) {
	outcome, reason, typ := closedOutcome(r.Outcome), closedReason(r.Reason), r.TokenType
	opt := o.options(setKey{kind: 'c', a: outcome, b: reason, c: typ}, func() []attribute.KeyValue {
		return []attribute.KeyValue{KeyOutcome.String(outcome), KeyReason.String(reason), KeyTokenType.String(typ)}
	})
	o.checks.Add(ctx, 1, opt)
	o.checkDuration.Record(ctx, r.Duration.Seconds(), opt)
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.SetAttributes(KeyOutcome.String(outcome), KeyReason.String(reason), KeyTokenType.String(typ),
		KeyTokenSource.String(closedSource(r.Source)))
	if r.Outcome == ginpaseto.OutcomeUnavailable {
		span.SetStatus(codes.Error, reason)
	}
	span.End()
}

func (o *observer) StoreCall(ctx context.Context, c ginpaseto.StoreCall) {
	op, result := closedOperation(c.Operation), "ok"
	switch {
	case c.Failed():
		result = "error"
	case c.Err != nil:
		result = "refused"
	}
	opt := o.options(setKey{kind: 's', a: op, b: result}, func() []attribute.KeyValue {
		return []attribute.KeyValue{KeyOperation.String(op), KeyResult.String(result)}
	})
	o.storeDuration.Record(ctx, c.Duration.Seconds(), opt)
	o.childSpan(ctx, "ginpaseto.store", c.Start, c.Duration, c.Failed(), KeyOperation.String(op), KeyResult.String(result))
}

// childSpan records an operation that has ended as a span of the
// request's trace; there is none outside a traced request.
func (o *observer) childSpan(ctx context.Context, name string, start time.Time, d time.Duration, failed bool, attrs ...attribute.KeyValue) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	_, span := o.tracer.Start(ctx, name, trace.WithTimestamp(start), trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	if failed {
		span.SetStatus(codes.Error, "failed")
	}
	span.End(trace.WithTimestamp(start.Add(d)))
}

func (o *observer) CacheLookup(ctx context.Context, hit bool) {
	if hit {
		o.cacheLookups.Add(ctx, 1, o.hit)
	} else {
		o.cacheLookups.Add(ctx, 1, o.miss)
	}
}

func (o *observer) KeySetFetch(ctx context.Context, f ginpaseto.KeySetFetch) {
	result := "success"
	if f.Err != nil {
		result = "failure"
	}
	opt := o.options(setKey{kind: 'k', a: result}, func() []attribute.KeyValue {
		return []attribute.KeyValue{KeyResult.String(result)}
	})
	o.keySetFetches.Add(ctx, 1, opt)
	o.childSpan(ctx, "ginpaseto.keyset.fetch", f.Start, f.Duration, f.Err != nil, KeyResult.String(result))
}

func (o *observer) Session(ctx context.Context, e ginpaseto.SessionEvent) {
	event := closedEvent(e.Kind)
	opt := o.options(setKey{kind: 'e', a: event}, func() []attribute.KeyValue {
		return []attribute.KeyValue{KeyEvent.String(event)}
	})
	o.sessions.Add(ctx, 1, opt)
}

func (o *observer) KeysChanged(ctx context.Context, k ginpaseto.KeysChange) {
	source := closedKeysSource(k.Source)
	opt := o.options(setKey{kind: 'y', a: source}, func() []attribute.KeyValue {
		return []attribute.KeyValue{KeySource.String(source)}
	})
	o.keyChanges.Add(ctx, 1, opt)
}

func (o *observer) WebSocketClosed(ctx context.Context, w ginpaseto.WebSocketClose) {
	reason := closedReason(w.Reason)
	opt := o.options(setKey{kind: 'w', a: reason}, func() []attribute.KeyValue {
		return []attribute.KeyValue{KeyReason.String(reason)}
	})
	o.wsCloses.Add(ctx, 1, opt)
}

// The closed sets. A value outside its set is recorded as "other", so
// that no value an Authorizer did not define reaches an attribute.
var (
	reasons  = ginpaseto.Reasons()
	outcomes = []ginpaseto.Outcome{ginpaseto.OutcomeAllowed, ginpaseto.OutcomeRefused, ginpaseto.OutcomeUnavailable, ginpaseto.OutcomeAnonymous}
	sources  = []string{"", "header", "query", "json", "websocket_protocol", "cookie", "extractor"}
	ops      = []ginpaseto.StoreOperation{ginpaseto.StoreIsRevoked, ginpaseto.StoreRevoke, ginpaseto.StoreCreateSession,
		ginpaseto.StoreRotateSession, ginpaseto.StoreRevokeSession, ginpaseto.StoreRevokeSubject, ginpaseto.StoreSessions, ginpaseto.StoreDenylist}
	events = []ginpaseto.SessionEventKind{ginpaseto.SessionStarted, ginpaseto.SessionRotated, ginpaseto.SessionReplayed,
		ginpaseto.SessionReuseDetected, ginpaseto.SessionEnded, ginpaseto.SubjectRevoked}
	keySources = []ginpaseto.KeysSource{ginpaseto.KeysFromSetKeys, ginpaseto.KeysFromKeySet}
)

func closed[T ~string](v T, set []T) string {
	if slices.Contains(set, v) {
		return string(v)
	}
	return other
}

func closedReason(r ginpaseto.Reason) string             { return closed(r, reasons) }
func closedOutcome(o ginpaseto.Outcome) string           { return closed(o, outcomes) }
func closedOperation(op ginpaseto.StoreOperation) string { return closed(op, ops) }
func closedEvent(e ginpaseto.SessionEventKind) string    { return closed(e, events) }
func closedKeysSource(s ginpaseto.KeysSource) string     { return closed(s, keySources) }

func closedSource(s string) string {
	if s == "" {
		return "none"
	}
	return closed(s, sources)
}
