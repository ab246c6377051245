// Package load runs real HTTP servers with the basic example's routes on
// loopback, unprotected, with ginpaseto and with gin-jwt, and drives each
// with a bounded load: a fixed number of keep-alive connections for a fixed
// time, reporting requests per second and latency percentiles.
package load

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	jwt "github.com/appleboy/gin-jwt/v2"
	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

// Server names, in the order Run drives them.
const (
	Unprotected     = "unprotected"
	Ginpaseto       = "ginpaseto"
	GinpasetoCached = "ginpaseto+cache"
	GinJWT          = "gin-jwt"
)

// Servers is every server Run knows.
var Servers = []string{Unprotected, Ginpaseto, GinpasetoCached, GinJWT}

// login is the basic example's login body.
type login struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func randomKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// NewRouter returns the basic example's routes, POST /login and GET
// /user, protected as kind says.
func NewRouter(kind string) (*gin.Engine, error) {
	r := gin.New()
	var issue func(c *gin.Context, user string) (string, error)
	var protect gin.HandlerFunc
	var subject func(c *gin.Context) string
	switch kind {
	case Unprotected:
		issue = func(*gin.Context, string) (string, error) { return "none", nil }
		subject = func(*gin.Context) string { return "test" }
	case Ginpaseto, GinpasetoCached:
		opts := []ginpaseto.Option{ginpaseto.WithSecretKey(randomKey())}
		if kind == GinpasetoCached {
			opts = append(opts, ginpaseto.WithVerifiedTokenCache(10_000))
		}
		auth, err := ginpaseto.New(opts...)
		if err != nil {
			return nil, err
		}
		issue = func(c *gin.Context, user string) (string, error) { return auth.CreateAccessToken(c, user) }
		protect = auth.Required()
		subject = ginpaseto.Subject
	case GinJWT:
		mw, err := jwt.New(&jwt.GinJWTMiddleware{
			Realm: "load", Key: []byte(randomKey()), SigningAlgorithm: "HS256", IdentityKey: "id",
			PayloadFunc: func(data any) jwt.MapClaims { return jwt.MapClaims{"id": data} },
		})
		if err != nil {
			return nil, err
		}
		issue = func(_ *gin.Context, user string) (string, error) {
			tok, _, err := mw.TokenGenerator(user)
			return tok, err
		}
		protect = mw.MiddlewareFunc()
		subject = func(c *gin.Context) string { id, _ := c.Get("id"); s, _ := id.(string); return s }
	default:
		return nil, fmt.Errorf("load: unknown server %q; known: %s", kind, strings.Join(Servers, ", "))
	}
	r.POST("/login", func(c *gin.Context) {
		var u login
		if err := c.ShouldBindJSON(&u); err != nil || u.Username != "test" || u.Password != "test" {
			c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
			return
		}
		tok, err := issue(c, u.Username)
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": "Could not create token"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": tok})
	})
	user := func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"user": subject(c)}) }
	if protect != nil {
		r.GET("/user", protect, user)
	} else {
		r.GET("/user", user)
	}
	return r, nil
}

// Config bounds one load run.
type Config struct {
	Connections int           // concurrent keep-alive connections
	Warmup      time.Duration // load before measuring, not counted
	Duration    time.Duration // measured load
	MaxRequests int           // stop early after this many measured requests (0: no cap)
}

// Result is what one server sustained.
type Result struct {
	Server   string
	Requests int
	Errors   int
	RPS      float64
	P50, P99 time.Duration
}

// Run serves kind on 127.0.0.1, logs in once, drives GET /user with the
// token for cfg's time, and stops the server.
func Run(ctx context.Context, kind string, cfg Config) (Result, error) {
	router, err := NewRouter(kind)
	if err != nil {
		return Result{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, err
	}
	srv := &http.Server{Handler: router, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	base := "http://" + ln.Addr().String()
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Connections, MaxConnsPerHost: cfg.Connections},
	}
	defer client.CloseIdleConnections()

	tok, err := logIn(ctx, client, base)
	if err != nil {
		return Result{}, fmt.Errorf("load: %s: %w", kind, err)
	}
	if _, err := drive(ctx, client, base, tok, cfg.Connections, cfg.Warmup, 0); err != nil {
		return Result{}, fmt.Errorf("load: %s: %w", kind, err)
	}
	start := time.Now()
	lat, err := drive(ctx, client, base, tok, cfg.Connections, cfg.Duration, cfg.MaxRequests)
	elapsed := time.Since(start)
	if err != nil {
		return Result{}, fmt.Errorf("load: %s: %w", kind, err)
	}
	res := Result{Server: kind, Requests: len(lat.ok), Errors: lat.errors, RPS: float64(len(lat.ok)) / elapsed.Seconds()}
	if len(lat.ok) > 0 {
		slices.Sort(lat.ok)
		res.P50 = lat.ok[len(lat.ok)/2]
		res.P99 = lat.ok[min(len(lat.ok)-1, len(lat.ok)*99/100)]
	}
	return res, nil
}

func logIn(ctx context.Context, client *http.Client, base string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(`{"username":"test","password":"test"}`))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("login: status %d, %v", resp.StatusCode, err)
	}
	return body.AccessToken, nil
}

type latencies struct {
	ok     []time.Duration
	errors int
}

// drive sends GET /user on conns connections until d has passed or max
// requests were answered, and returns the latency of each 200.
func drive(ctx context.Context, client *http.Client, base, tok string, conns int, d time.Duration, max int) (latencies, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu    sync.Mutex
		all   latencies
		count int
		wg    sync.WaitGroup
	)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine latencies
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/user", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						mine.errors++
					}
					continue
				}
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					mine.errors++
					continue
				}
				mine.ok = append(mine.ok, time.Since(t0))
				if max > 0 {
					mu.Lock()
					count++
					if count >= max {
						cancel()
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			all.ok = append(all.ok, mine.ok...)
			all.errors += mine.errors
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(all.ok) == 0 && all.errors > 0 {
		return all, errors.New("every request failed")
	}
	return all, nil
}
