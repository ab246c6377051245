package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/internal/browsertest"
)

// TestPageInBrowser uses the example's page in headless Chromium as a
// person would: log in, connect to /ws with the token as a subprotocol,
// send a message, then connect to /ws-close with a spoiled token and read
// the reason the server gave.
func TestPageInBrowser(t *testing.T) {
	srv := server(t)
	tab := browsertest.New(t)

	// waitLog waits until the page's log shows want.
	waitLog := func(want string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`document.getElementById("log").textContent.includes(`+jsString(want)+`)`,
			chromedp.WithPollingTimeout(30*time.Second))
	}
	require.NoError(t, chromedp.Do(tab,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Click("#login"),
		waitLog("login: got an access token"),
		chromedp.Click("#ws"),
		waitLog(`/ws: open, subprotocol "paseto"`),
		chromedp.Click("#send"),
		waitLog(`/ws: received "test: hello"`),
		chromedp.Click("#disconnect"),
		waitLog(`/ws: close, code 1000`),
		chromedp.SetValue("#token", "v4.local.spoiled"),
		chromedp.Click("#ws-close"),
		waitLog(`/ws-close: close, code 1008, reason "Invalid PASETO token"`),
	))
	log, err := chromedp.Run(tab, chromedp.Text("#log"))
	require.NoError(t, err)
	require.Contains(t, log, `/ws-close: open, subprotocol "paseto"`, "the close answer selected paseto: %s", log)
	require.False(t, strings.Contains(log, "error"), "no failed handshake: %s", log)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
