package otelpaseto_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/otelpaseto"
)

func ExampleNew() {
	// A meter provider that a test can read; in production, one with an
	// exporter (go.opentelemetry.io/otel/exporters/prometheus, OTLP).
	reader := sdkmetric.NewManualReader()
	meters := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	obs, err := otelpaseto.New(otelpaseto.WithMeterProvider(meters))
	if err != nil {
		panic(err)
	}
	auth, _ := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithObserver(obs))
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) { c.String(200, ginpaseto.Subject(c)) })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/user", nil))

	var rm metricdata.ResourceMetrics
	reader.Collect(context.Background(), &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name == "ginpaseto.checks" {
			p := m.Data.(metricdata.Sum[int64]).DataPoints[0]
			reason, _ := p.Attributes.Value(otelpaseto.KeyReason)
			fmt.Println(m.Name, reason.AsString(), p.Value)
		}
	}
	// Output: ginpaseto.checks missing 1
}

func ExampleWithMeterProvider() {
	meters := sdkmetric.NewMeterProvider() // with a reader or exporter in real use
	obs, err := otelpaseto.New(otelpaseto.WithMeterProvider(meters))
	fmt.Println(obs != nil, err)
	// Output: true <nil>
}

func ExampleWithTracerProvider() {
	spans := tracetest.NewSpanRecorder()
	tracers := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	obs, _ := otelpaseto.New(otelpaseto.WithTracerProvider(tracers))
	auth, _ := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithObserver(obs))
	r := gin.New()
	// What otelgin.Middleware does: a server span in the request's
	// context. The check's span is its child; an untraced request makes
	// no span.
	r.Use(func(c *gin.Context) {
		ctx, span := tracers.Tracer("server").Start(c.Request.Context(), c.FullPath())
		defer span.End()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	})
	r.GET("/user", auth.Required(), func(c *gin.Context) {})
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/user", nil))
	for _, s := range spans.Ended() {
		fmt.Println(s.Name())
	}
	// Output:
	// ginpaseto.check
	// /user
}
