package ginpaseto_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

// refusals counts refused checks by reason; embedding NopObserver, it
// implements only the method it needs.
type refusals struct {
	ginpaseto.NopObserver
	mu       sync.Mutex
	byReason map[ginpaseto.Reason]int
}

func (r *refusals) EndCheck(_ context.Context, res ginpaseto.CheckResult) {
	if res.Outcome == ginpaseto.OutcomeAllowed {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byReason[res.Reason]++
}

func ExampleWithObserver() {
	counts := &refusals{byReason: map[ginpaseto.Reason]int{}}
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

// sessionPrinter prints session events and, through NopObserver,
// ignores everything else.
type sessionPrinter struct{ ginpaseto.NopObserver }

func (sessionPrinter) Session(_ context.Context, e ginpaseto.SessionEvent) {
	fmt.Println(e.Kind, e.Subject)
}

func ExampleNopObserver() {
	auth, _ := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithObserver(sessionPrinter{}))
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	auth.RevokeSession(context.Background(), pair.SessionID)
	// Output:
	// started alice
	// ended
}

func ExampleSecurityLogger() {
	// Drop the time and the random session ID, so that the output is the
	// same on every run.
	stable := func(_ []string, a slog.Attr) slog.Attr {
		switch {
		case a.Key == slog.TimeKey:
			return slog.Attr{}
		case a.Key == "session_id" && a.Value.String() != "":
			return slog.String(a.Key, "<sid>")
		}
		return a
	}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: stable}))
	auth, _ := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithObserver(ginpaseto.SecurityLogger(logger)),
		ginpaseto.WithRefreshGrace(0)) // every second use of a refresh token is a reuse

	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	refresh, _ := auth.ParseToken(pair.RefreshToken)
	auth.RotateRefreshToken(context.Background(), refresh)
	auth.RotateRefreshToken(context.Background(), refresh) // the same refresh token again
	auth.RevokeSubject(context.Background(), "alice")
	// Output:
	// level=WARN msg="ginpaseto: refresh token reuse detected" event=reuse_detected subject=alice session_id=<sid> client_ip="" user_agent=""
	// level=WARN msg="ginpaseto: subject revoked" event=subject_revoked subject=alice session_id="" client_ip="" user_agent=""
}

func ExampleReasonOf() {
	fmt.Println(ginpaseto.ReasonOf(nil))
	fmt.Println(ginpaseto.ReasonOf(ginpaseto.ErrTokenExpired))
	fmt.Println(ginpaseto.ReasonOf(fmt.Errorf("rotating: %w", ginpaseto.ErrRefreshTokenReused)))
	// Output:
	// allowed
	// expired
	// reuse_detected
}

func ExampleReasons() {
	fmt.Println(len(ginpaseto.Reasons()), ginpaseto.Reasons()[0])
	// Output: 22 allowed
}
