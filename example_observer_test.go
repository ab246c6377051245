package ginpaseto_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
)

// refusals counts refused checks by reason; embedding observe.Nop, it
// implements only the method it needs.
type refusals struct {
	observe.Nop
	mu       sync.Mutex
	byReason map[observe.Reason]int
}

func (r *refusals) EndCheck(_ context.Context, res observe.CheckResult) {
	if res.Outcome == observe.OutcomeAllowed {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byReason[res.Reason]++
}

func ExampleWithObserver() {
	counts := &refusals{byReason: map[observe.Reason]int{}}
	auth, _ := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithObserver(counts))
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) { c.String(http.StatusOK, ginpaseto.Subject(c)) })

	expired, _ := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.ExpiresAt(time.Now().Add(-time.Minute)))
	for _, header := range []string{"", "Bearer v4.local.garbage", "Bearer " + expired, "Bearer " + expired} {
		req := httptest.NewRequest(http.MethodGet, "/user", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		r.ServeHTTP(httptest.NewRecorder(), req)
	}
	fmt.Println(counts.byReason)
	// Output: map[expired:2 invalid:1 missing:1]
}
