// Command load starts the basic example's routes on 127.0.0.1 without
// protection, with ginpaseto (with and without the verified-token cache)
// and with gin-jwt, drives each in turn with the same bounded load, and
// prints requests per second and latency, and their ratios to the
// unprotected server. It stops by itself.
//
//	go run ./cmd/load -d 10s -c 16
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"text/tabwriter"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/bench/load"
)

func main() {
	d := flag.Duration("d", 10*time.Second, "measured load per server")
	w := flag.Duration("w", 2*time.Second, "warm-up per server, not measured")
	c := flag.Int("c", 16, "concurrent connections")
	rounds := flag.Int("rounds", 1, "rounds over the servers; the best of each is reported")
	flag.Parse()
	gin.SetMode(gin.ReleaseMode)

	best := map[string]load.Result{}
	for range *rounds {
		for _, kind := range load.Servers {
			r, err := load.Run(context.Background(), kind, load.Config{Connections: *c, Warmup: *w, Duration: *d})
			if err != nil {
				log.Fatal(err)
			}
			if b, ok := best[kind]; !ok || r.RPS > b.RPS {
				best[kind] = r
			}
		}
	}
	base := best[load.Unprotected]
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\trequests\terrors\treq/s\tp50\tp99\treq/s ratio\tp99 ratio\t")
	for _, kind := range load.Servers {
		r := best[kind]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%v\t%v\t%.2f×\t%.2f×\t\n", kind, r.Requests, r.Errors, r.RPS,
			r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond),
			r.RPS/base.RPS, float64(r.P99)/float64(base.P99))
	}
	tw.Flush()
}
