package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// storeSetup is a protected route whose checks consult a Store, with the
// access tokens of poolSize sessions, one per subject: each check reads
// the token's revocation and its session.
type storeSetup struct {
	*setup
	auth     *ginpaseto.Authorizer
	sessions []string // the session ID of each token
}

func (f *fixture) newStoreSetup(tb testing.TB, store ginpaseto.Store) *storeSetup {
	tb.Helper()
	auth, err := ginpaseto.New(append(f.ginpasetoLocalOptions(), ginpaseto.WithStore(store))...)
	require.NoError(tb, err)
	s := &storeSetup{auth: auth}
	s.setup = newSetup(tb, auth.Required(), func(c *gin.Context) {
		c.JSON(http.StatusOK, reply{Sub: ginpaseto.Subject(c)})
	}, func(sub string) string {
		pair, err := auth.CreateTokenPair(context.Background(), sub)
		require.NoError(tb, err)
		claims, err := auth.ParseToken(pair.AccessToken)
		require.NoError(tb, err)
		s.sessions = append(s.sessions, claims.SessionID)
		return pair.AccessToken
	})
	return s
}

func (f *fixture) newMemoryStoreSetup(tb testing.TB) *storeSetup {
	tb.Helper()
	store := &ginpaseto.MemoryStore{}
	return f.newStoreSetup(tb, store)
}

// newRedisStoreSetup starts a Redis server for the setup and keeps the
// store there.
func (f *fixture) newRedisStoreSetup(tb testing.TB, opts ...redisstore.Option) *storeSetup {
	tb.Helper()
	srv := redistest.Start(tb)
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr}})
	require.NoError(tb, err)
	tb.Cleanup(client.Close)
	store, err := redisstore.New(client, opts...)
	require.NoError(tb, err)
	return f.newStoreSetup(tb, store)
}

// warm sends every token once, so that the client-side cache holds the
// status of each. A Store reads Redis itself for a second after it wrote
// a subject's keys, to be sure to see its own writes: the sessions were
// just created, so that second is waited out first.
func (s *storeSetup) warm(b *testing.B) {
	time.Sleep(1100 * time.Millisecond)
	req := httptest.NewRequest(http.MethodGet, route, nil)
	for _, h := range s.headers {
		req.Header["Authorization"] = h
		rec := httptest.NewRecorder()
		s.engine.ServeHTTP(rec, req)
		require.Equal(b, http.StatusOK, rec.Code, rec.Body.String())
	}
}

// BenchmarkStoreMemory is a protected request whose check consults the
// in-memory store, the Authorizer's default.
func BenchmarkStoreMemory(b *testing.B) {
	serve(b, newFixture(b).newMemoryStoreSetup(b).setup)
}

// BenchmarkStoreRedis is the same request with the Redis store, its
// client-side cache warm: the check is answered from memory.
func BenchmarkStoreRedis(b *testing.B) {
	s := newFixture(b).newRedisStoreSetup(b)
	s.warm(b)
	serve(b, s.setup)
}

// BenchmarkStoreRedisNoCache is the same with the client-side cache off:
// every check is one round trip to a Redis on loopback.
func BenchmarkStoreRedisNoCache(b *testing.B) {
	serve(b, newFixture(b).newRedisStoreSetup(b, redisstore.NoCache()).setup)
}

// TestStoresAgree makes sure the store benchmarks measure working checks:
// each setup accepts its tokens and refuses one whose session ended.
func TestStoresAgree(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name  string
		setup func(testing.TB) *storeSetup
	}{
		{"memory", f.newMemoryStoreSetup},
		{"redis", func(tb testing.TB) *storeSetup { return f.newRedisStoreSetup(tb) }},
		{"redis without cache", func(tb testing.TB) *storeSetup { return f.newRedisStoreSetup(tb, redisstore.NoCache()) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.setup(t)
			srv := httptest.NewServer(s.engine)
			defer srv.Close()
			require.Len(t, s.sessions, poolSize)
			for _, i := range []int{0, 1, poolSize - 1} {
				status, body := get(t, srv.URL, s.headers[i])
				assert.Equal(t, http.StatusOK, status, body)
			}
			require.NoError(t, s.auth.RevokeSession(context.Background(), s.sessions[1]))
			status, body := get(t, srv.URL, s.headers[1])
			assert.Equal(t, http.StatusUnauthorized, status, body)
			status, body = get(t, srv.URL, s.headers[0])
			assert.Equal(t, http.StatusOK, status, body)
		})
	}
}

// benchmarkIsRevoked measures the store's check alone, without the
// request around it, over the claims of the setup's tokens.
func benchmarkIsRevoked(b *testing.B, opts ...redisstore.Option) {
	srv := redistest.Start(b)
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr}})
	require.NoError(b, err)
	b.Cleanup(client.Close)
	store, err := redisstore.New(client, opts...)
	require.NoError(b, err)
	s := newFixture(b).newStoreSetup(b, store)
	claims := make([]*ginpaseto.Claims, len(s.headers))
	for i, h := range s.headers {
		claims[i], err = s.auth.ParseToken(strings.TrimPrefix(h[0], "Bearer "))
		require.NoError(b, err)
	}
	time.Sleep(1100 * time.Millisecond) // as in warm
	ctx := context.Background()
	for _, c := range claims {
		_, err := store.IsRevoked(ctx, c)
		require.NoError(b, err)
	}
	b.ReportAllocs()
	defer reportCPUTime(b)()
	for i := 0; b.Loop(); i++ {
		if revoked, err := store.IsRevoked(ctx, claims[i%poolSize]); err != nil || revoked {
			b.Fatal(revoked, err)
		}
	}
}

// BenchmarkRedisIsRevoked is the Redis store's check answered from the
// client-side cache.
func BenchmarkRedisIsRevoked(b *testing.B) { benchmarkIsRevoked(b) }

// BenchmarkRedisIsRevokedRoundTrip is the same check read from Redis on
// loopback: what a cache miss costs.
func BenchmarkRedisIsRevokedRoundTrip(b *testing.B) { benchmarkIsRevoked(b, redisstore.NoCache()) }
