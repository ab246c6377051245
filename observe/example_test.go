package observe_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/observe"
)

const secretKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

// sessionPrinter prints session events and, through observe.Nop, ignores
// everything else.
type sessionPrinter struct{ observe.Nop }

func (sessionPrinter) Session(_ context.Context, e observe.SessionEvent) {
	fmt.Println(e.Kind, e.Subject)
}

// An observer implements the methods it needs and embeds Nop for the
// others; ginpaseto.WithObserver installs it.
func Example() {
	auth, _ := ginpaseto.New(ginpaseto.WithSecretKey(secretKey), ginpaseto.WithObserver(sessionPrinter{}))
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	auth.RevokeSession(context.Background(), pair.SessionID)
	// Output:
	// started alice
	// ended
}

// storeFailures counts the store calls that failed, telling a store's
// refusals (a revoked token, a reused refresh token) from its failures.
type storeFailures struct {
	observe.Nop
	failed, answered int
}

func (s *storeFailures) StoreCall(_ context.Context, call observe.StoreCall) {
	if call.Failed {
		s.failed++
	} else {
		s.answered++
	}
}

func ExampleNop() {
	counts := &storeFailures{}
	auth, _ := ginpaseto.New(ginpaseto.WithSecretKey(secretKey), ginpaseto.WithObserver(counts),
		ginpaseto.WithRefreshGrace(0))
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	refresh, _ := auth.ParseToken(pair.RefreshToken)
	auth.RotateRefreshToken(context.Background(), refresh)
	_, err := auth.RotateRefreshToken(context.Background(), refresh) // reused: refused, not failed
	fmt.Println(err != nil, counts.failed, counts.answered)
	// Output: true 0 3
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
	auth, _ := ginpaseto.New(ginpaseto.WithSecretKey(secretKey), ginpaseto.WithObserver(observe.SecurityLogger(logger)),
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

func ExampleReasons() {
	fmt.Println(len(observe.Reasons()), observe.Reasons()[0])
	// Output: 22 allowed
}
