// Command metrics is a login service that an operator can watch: every
// check, session event, store call and cache look-up of its Authorizer is
// counted through OpenTelemetry (otelpaseto) and served for Prometheus at
// /metrics, and the security events (a refresh token reused, a session
// ended) are written to the log, one structured line each, for a SIEM.
//
//	go run .
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8000/user
//	curl -X POST -H "Authorization: Bearer <refresh_token>" localhost:8000/refresh
//	curl -X POST -H "Authorization: Bearer <access_token>" localhost:8000/logout
//	curl localhost:8000/metrics
//
// PORT sets the port (default 8000), PASETO_SECRET_KEY the key (an
// ephemeral one when unset). In production, serve /metrics on a port of
// its own that only the monitoring can reach.
package main

import (
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
	"github.com/ginpaseto/ginpaseto/observe"
	"github.com/ginpaseto/ginpaseto/otelpaseto"
)

func main() {
	r, _, err := newService(slog.New(slog.NewJSONHandler(os.Stderr, nil)), ginpaseto.WithSecretKey(exampleapp.SecretKey()))
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(r)
}

// newService builds the service: its metrics pipeline, its Authorizer
// and its routes. The security events go to logger.
func newService(logger *slog.Logger, opts ...ginpaseto.Option) (*gin.Engine, *ginpaseto.Authorizer, error) {
	// A registry of its own, so that the service serves exactly what it
	// records.
	registry := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry))
	if err != nil {
		return nil, nil, err
	}
	meters := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	observer, err := otelpaseto.New(otelpaseto.WithMeterProvider(meters))
	if err != nil {
		return nil, nil, err
	}
	auth, err := ginpaseto.New(append(opts,
		ginpaseto.WithObserver(observer),
		ginpaseto.WithObserver(observe.SecurityLogger(logger)),
		ginpaseto.WithVerifiedTokenCache(10_000),
	)...)
	if err != nil {
		return nil, nil, err
	}

	r := exampleapp.NewEngine()
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(registry, promhttp.HandlerOpts{})))
	r.POST("/login", func(c *gin.Context) {
		if user, ok := exampleapp.Login(c); ok {
			auth.StartSession(c, user)
		}
	})
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.POST("/logout", auth.Required(), auth.LogoutHandler())
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	return r, auth, nil
}
