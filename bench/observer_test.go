package bench

import (
	"context"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
	"github.com/ginpaseto/ginpaseto/otelpaseto"
)

// The cost of observing the request path, side by side with
// GinpasetoLocal (no observer): a no-op observer, which shows the cost of
// the hook itself, and the OpenTelemetry observer with the SDK's meter
// provider (a manual reader, as an exporter that pulls) and tracer
// provider, on a request that is not traced: metrics only, which is what
// most requests of a service that samples its traces pay.

func BenchmarkGinpasetoLocalObserverNop(b *testing.B) {
	serve(b, newFixture(b).localWith(b, ginpaseto.WithObserver(observe.Nop{})))
}

func BenchmarkGinpasetoLocalObserverOTel(b *testing.B) {
	serve(b, newFixture(b).localWith(b, ginpaseto.WithObserver(otelObserverWith(b, otelTracer(b)))))
}

func BenchmarkGinpasetoLocalCacheWarmObserverOTel(b *testing.B) {
	serve(b, warmed(newFixture(b).localWith(b, ginpaseto.WithVerifiedTokenCache(poolSize),
		ginpaseto.WithObserver(otelObserverWith(b, otelTracer(b))))))
}

// A traced service: a server span per request, as otelgin makes, with and
// without the OpenTelemetry observer, which then adds the check's span and
// its store call's.

func BenchmarkGinpasetoLocalTraced(b *testing.B) {
	f := newFixture(b)
	serve(b, tracedSetup(b, f, otelTracer(b), nil))
}

func BenchmarkGinpasetoLocalTracedObserverOTel(b *testing.B) {
	f := newFixture(b)
	tp := otelTracer(b)
	serve(b, tracedSetup(b, f, tp, otelObserverWith(b, tp)))
}

func otelTracer(b *testing.B) *sdktrace.TracerProvider {
	tp := sdktrace.NewTracerProvider()
	b.Cleanup(func() { tp.Shutdown(context.Background()) })
	return tp
}

func otelObserverWith(b *testing.B, tp *sdktrace.TracerProvider) ginpaseto.Observer {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { mp.Shutdown(context.Background()) })
	obs, err := otelpaseto.New(otelpaseto.WithMeterProvider(mp), otelpaseto.WithTracerProvider(tp))
	if err != nil {
		b.Fatal(err)
	}
	return obs
}

// tracedSetup is newGinpaseto behind a server span; obs may be nil.
func tracedSetup(b *testing.B, f *fixture, tp *sdktrace.TracerProvider, obs ginpaseto.Observer) *setup {
	opts := f.ginpasetoLocalOptions()
	if obs != nil {
		opts = append(opts, ginpaseto.WithObserver(obs))
	}
	auth, err := ginpaseto.New(opts...)
	require.NoError(b, err)
	tracer := tp.Tracer("server")
	serverSpan := func(c *gin.Context) {
		ctx, span := tracer.Start(c.Request.Context(), route, trace.WithSpanKind(trace.SpanKindServer))
		c.Request = c.Request.WithContext(ctx)
		c.Next()
		span.End()
	}
	s := newSetup(b, auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, reply{Sub: ginpaseto.Subject(c)})
	}, func(sub string) string {
		tok, err := auth.CreateAccessToken(context.Background(), sub)
		require.NoError(b, err)
		return tok
	})
	r := gin.New()
	r.Use(serverSpan)
	r.GET(route, auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, reply{Sub: ginpaseto.Subject(c)})
	})
	s.engine = r
	return s
}
