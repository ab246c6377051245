package bench

import (
	"testing"

	"github.com/ginpaseto/ginpaseto"
)

// The verified-token cache, cold and warm. Cold: distinct tokens, the pool
// cycled through a cache far smaller than it, so that every request misses
// and pays the lookup and the insertion on top of the verification. Warm:
// one token repeated, as a client sends its access token.

// coldCacheSize is far below poolSize: a token is evicted before it comes
// round again.
const coldCacheSize = 64

// warmed makes every request of s send its first token.
func warmed(s *setup) *setup {
	for i := range s.headers {
		s.headers[i], s.subs[i] = s.headers[0], s.subs[0]
	}
	return s
}

func (f *fixture) localWith(tb testing.TB, opts ...ginpaseto.Option) *setup {
	return newGinpaseto(tb, append(f.ginpasetoLocalOptions(), opts...)...)
}

func (f *fixture) publicWith(tb testing.TB, opts ...ginpaseto.Option) *setup {
	return newGinpaseto(tb, append(f.ginpasetoPublicOptions(), opts...)...)
}

func BenchmarkGinpasetoLocalWarm(b *testing.B) {
	serve(b, warmed(newFixture(b).localWith(b)))
}

func BenchmarkGinpasetoLocalCacheCold(b *testing.B) {
	serve(b, newFixture(b).localWith(b, ginpaseto.WithVerifiedTokenCache(coldCacheSize)))
}

func BenchmarkGinpasetoLocalCacheWarm(b *testing.B) {
	serve(b, warmed(newFixture(b).localWith(b, ginpaseto.WithVerifiedTokenCache(poolSize))))
}

func BenchmarkGinpasetoPublicWarm(b *testing.B) {
	serve(b, warmed(newFixture(b).publicWith(b)))
}

func BenchmarkGinpasetoPublicCacheCold(b *testing.B) {
	serve(b, newFixture(b).publicWith(b, ginpaseto.WithVerifiedTokenCache(coldCacheSize)))
}

func BenchmarkGinpasetoPublicCacheWarm(b *testing.B) {
	serve(b, warmed(newFixture(b).publicWith(b, ginpaseto.WithVerifiedTokenCache(poolSize))))
}
