package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/browsertest"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
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

// TestPageRefusesFrames: no page can show the example's page, which holds
// a token in its DOM, in a frame, not even one of its own origin; a page
// that allows framing does render, so the check sees a rendered frame.
func TestPageRefusesFrames(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	r := newRouter(auth)
	exampletest.FramingPages(r)
	srv := exampletest.Serve(t, r)
	tab := browsertest.New(t)

	rendered := func(src, id string) bool {
		t.Helper()
		return browsertest.FrameShows(t, tab, srv.URL+"/test/frame?src="+src, exampletest.RendersInFrame(id))
	}
	require.True(t, rendered("/test/frameable", "content"), "a page that allows it renders in the frame")
	assert.False(t, rendered("/", "login"), "the example's page must not render in a frame")
}
