// Package bench compares the cost of a protected Gin request and of token
// creation with ginpaseto, with a hand-written go-paseto middleware doing
// the same checks, and with gin-jwt. It is a separate module so that its
// comparison dependencies never reach the library's go.mod.
package bench

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// serve runs the protected request b.N times, cycling through the setup's
// tokens. The request is built once; only its Authorization header changes.
func serve(b *testing.B, s *setup) {
	req := httptest.NewRequest(http.MethodGet, route, nil)
	b.ReportAllocs()
	defer reportCPUTime(b)()
	for i := 0; b.Loop(); i++ {
		if s.headers != nil {
			req.Header["Authorization"] = s.headers[i%poolSize]
		}
		rec := httptest.NewRecorder()
		s.engine.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// reportCPUTime starts measuring the process's CPU time and returns the
// function that reports it per iteration as cpu-ns/op, next to the wall
// time of ns/op. Call it after the setup, right before the b.Loop loop.
func reportCPUTime(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		end, _ := cpuTime()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func BenchmarkBareGin(b *testing.B) {
	serve(b, newBareGin(b))
}

func BenchmarkGinpasetoLocal(b *testing.B) {
	serve(b, newFixture(b).newGinpasetoLocal(b))
}

func BenchmarkGinpasetoPublic(b *testing.B) {
	serve(b, newFixture(b).newGinpasetoPublic(b))
}

func BenchmarkHandWrittenPaseto(b *testing.B) {
	serve(b, newFixture(b).newHandWrittenLocal(b))
}

func BenchmarkHandWrittenPasetoPublic(b *testing.B) {
	serve(b, newFixture(b).newHandWrittenPublic(b))
}

func BenchmarkGinJWT(b *testing.B) {
	serve(b, newFixture(b).newGinJWT(b))
}

// create runs newToken b.N times and keeps the result alive.
func create(b *testing.B, newToken func(sub string) (string, error)) {
	b.ReportAllocs()
	defer reportCPUTime(b)()
	var tok string
	for b.Loop() {
		var err error
		if tok, err = newToken("user-42"); err != nil {
			b.Fatal(err)
		}
	}
	if tok == "" {
		b.Fatal("no token created")
	}
}

func benchmarkCreateGinpaseto(b *testing.B, opts []ginpaseto.Option) {
	auth, err := ginpaseto.New(opts...)
	require.NoError(b, err)
	ctx := context.Background()
	create(b, func(sub string) (string, error) { return auth.CreateAccessToken(ctx, sub) })
}

func BenchmarkCreateGinpasetoLocal(b *testing.B) {
	benchmarkCreateGinpaseto(b, newFixture(b).ginpasetoLocalOptions())
}

func BenchmarkCreateGinpasetoPublic(b *testing.B) {
	benchmarkCreateGinpaseto(b, newFixture(b).ginpasetoPublicOptions())
}

func BenchmarkCreateHandWrittenPaseto(b *testing.B) {
	key := newFixture(b).localKey
	create(b, func(sub string) (string, error) {
		t := handWrittenToken(sub)
		return t.V4Encrypt(key, nil), nil
	})
}

func BenchmarkCreateHandWrittenPasetoPublic(b *testing.B) {
	key := newFixture(b).secretKey
	create(b, func(sub string) (string, error) {
		t := handWrittenToken(sub)
		return t.V4Sign(key, nil), nil
	})
}

func BenchmarkCreateGinJWT(b *testing.B) {
	mw := newFixture(b).ginJWTMiddleware(b)
	create(b, func(sub string) (string, error) {
		tok, _, err := mw.TokenGenerator(sub)
		return tok, err
	})
}

// tamper changes one character in the middle of the token's last part
// (the PASETO body or the JWT signature), away from the final character
// whose low bits base64 may ignore.
func tamper(header []string) []string {
	v := header[0]
	last := strings.LastIndexByte(v, '.') + 1
	i := last + (len(v)-last)/2
	c := byte('A')
	if v[i] == c {
		c = 'B'
	}
	return []string{v[:i] + string(c) + v[i+1:]}
}

// TestBaselinesAgree makes sure every benchmark measures a working
// middleware: each accepts its own tokens, hands the subject to the
// handler, and refuses a tampered or missing token.
func TestBaselinesAgree(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name  string
		setup *setup
	}{
		{"ginpaseto local", f.newGinpasetoLocal(t)},
		{"ginpaseto public", f.newGinpasetoPublic(t)},
		{"hand-written local", f.newHandWrittenLocal(t)},
		{"hand-written public", f.newHandWrittenPublic(t)},
		{"gin-jwt", f.newGinJWT(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.setup.engine)
			defer srv.Close()
			require.Len(t, tt.setup.headers, poolSize)
			for _, i := range []int{0, 1, poolSize - 1} {
				status, body := get(t, srv.URL, tt.setup.headers[i])
				require.Equal(t, http.StatusOK, status, body)
				var r reply
				require.NoError(t, json.Unmarshal([]byte(body), &r))
				assert.Equal(t, tt.setup.subs[i], r.Sub)

				status, body = get(t, srv.URL, tamper(tt.setup.headers[i]))
				assert.Equal(t, http.StatusUnauthorized, status, body)
			}
			status, body := get(t, srv.URL, nil)
			assert.Equal(t, http.StatusUnauthorized, status, body)
			distinct := map[string]bool{}
			for _, h := range tt.setup.headers {
				distinct[h[0]] = true
			}
			assert.Len(t, distinct, poolSize, "tokens must be distinct")
		})
	}
	t.Run("bare gin", func(t *testing.T) {
		srv := httptest.NewServer(newBareGin(t).engine)
		defer srv.Close()
		status, body := get(t, srv.URL, nil)
		assert.Equal(t, http.StatusOK, status, body)
	})
}

// get requests route with the Authorization header values given, if any.
func get(t *testing.T, base string, authorization []string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+route, nil)
	require.NoError(t, err)
	if authorization != nil {
		req.Header["Authorization"] = authorization
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(body)
}
