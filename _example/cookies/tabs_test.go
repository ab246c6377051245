package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/browsertest"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
)

// refreshLog records the refresh cookie that each POST /refresh carried,
// to tell how many of the tabs presented the same one.
type refreshLog struct {
	h         http.Handler
	mu        sync.Mutex
	presented []string
	statuses  []int
}

func (l *refreshLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/refresh" {
		l.h.ServeHTTP(w, r)
		return
	}
	var presented string
	if c, err := r.Cookie("__Secure-refresh_token"); err == nil {
		presented = c.Value
	}
	rw := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
	l.h.ServeHTTP(rw, r)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.presented = append(l.presented, presented)
	l.statuses = append(l.statuses, rw.status)
}

// TestTabsRefreshAtOnce opens the example's page in four tabs of one
// headless Chromium, which share its cookies, and makes each tab refresh
// at the same moment, as tabs whose timers all fire at access_expires do.
// The page coordinates nothing: every tab sends its own POST /refresh with
// the refresh cookie it finds. No tab is logged out, and each can call a
// protected route, read and write, afterwards.
func TestTabsRefreshAtOnce(t *testing.T) {
	const tabs = 4
	auth, err := newAuthorizer(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	app := &refreshLog{h: newRouter(auth)}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)

	first := browsertest.New(t, chromedp.WindowSize(900, 700))
	require.NoError(t, chromedp.Do(first,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.SendKeys("#username", "test"),
		chromedp.SendKeys("#password", "test"),
		chromedp.Click("#login-button"),
	))
	_, err = chromedp.Run(first, chromedp.Poll[bool](`document.getElementById("out").textContent.startsWith("200 ")`))
	require.NoError(t, err, "the login answer appears on the page")
	// The other tabs open once the browser runs, and share its cookies.
	pages := []context.Context{first}
	for range tabs - 1 {
		tab, cancel := chromedp.NewContext(first)
		t.Cleanup(func() {
			chromedp.Cancel(tab)
			cancel()
		})
		require.NoError(t, chromedp.Do(tab, chromedp.Navigate(srv.URL+"/")))
		pages = append(pages, tab)
	}
	eval := func(t *testing.T, tab context.Context, expr string) result {
		t.Helper()
		r, err := chromedp.Run(tab, chromedp.Evaluate[result](expr, chromedp.EvalAwaitPromise))
		require.NoError(t, err, expr)
		return r
	}
	for i, tab := range pages {
		assert.Equal(t, result{200, `{"user":"test"}`}, eval(t, tab, `call("GET", "/user")`), "tab %d before", i)
	}

	// Every tab's timer fires at the same instant, 300 ms from now, and
	// the tab then refreshes as its button does.
	at := time.Now().Add(300 * time.Millisecond).UnixMilli()
	refreshAt := `new Promise((resolve) => setTimeout(() => resolve(show(call("POST", "/refresh"))), ` +
		strconv.FormatInt(at, 10) + ` - Date.now()))`
	answers := make([]result, tabs)
	var wg sync.WaitGroup
	for i, tab := range pages {
		wg.Go(func() {
			r, err := chromedp.Run(tab, chromedp.Evaluate[result](refreshAt, chromedp.EvalAwaitPromise))
			assert.NoError(t, err)
			answers[i] = r
		})
	}
	wg.Wait()
	for i, r := range answers {
		assert.Equal(t, 200, r.Status, "tab %d's refresh: %s", i, r.Body)
		assert.NotContains(t, r.Body, "token", "no token in the body")
	}

	app.mu.Lock()
	distinct := map[string]bool{}
	for _, p := range app.presented {
		distinct[p] = true
	}
	presented, statuses := len(app.presented), app.statuses
	app.mu.Unlock()
	t.Logf("%d tabs refreshed at once: %d refresh requests reached the server (answers %v) presenting %d distinct refresh token(s)",
		tabs, presented, statuses, len(distinct))
	assert.Equal(t, tabs, presented)

	for i, tab := range pages {
		assert.Equal(t, result{200, `{"user":"test"}`}, eval(t, tab, `call("GET", "/user")`), "tab %d after", i)
		note := eval(t, tab, `call("POST", "/notes")`)
		assert.Equal(t, 201, note.Status, "tab %d writes after: %s", i, note.Body)
	}
	// And the session goes on: one more refresh from any tab works.
	assert.Equal(t, 200, eval(t, pages[2], `call("POST", "/refresh")`).Status)
	assert.Equal(t, result{200, `{"user":"test"}`}, eval(t, pages[0], `call("GET", "/user")`))
	var body struct{ User string }
	require.NoError(t, json.Unmarshal([]byte(eval(t, pages[3], `call("GET", "/user")`).Body), &body))
	assert.Equal(t, "test", body.User)
}
