package main

import (
	"context"
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

// pageWait bounds every wait for the page: a healthy one updates within
// milliseconds.
const pageWait = 30 * time.Second

// TestPageInBrowser uses the example's page in three browser contexts of
// headless Chromium, three devices of one user: each logs in and opens a
// socket; the list shows three sessions; one device ends another's
// session; that one's next request answers 401 and its socket closes with
// the reason, while the other two carry on.
func TestPageInBrowser(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	first := browsertest.New(t)
	require.NoError(t, chromedp.Do(first, chromedp.Navigate(srv.URL+"/"))) // starts the browser
	devices := []context.Context{first}
	for range 2 {
		ctx, cancel := chromedp.NewContext(first, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		devices = append(devices, ctx)
	}

	waitLog := func(want string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`document.getElementById("log").textContent.includes(`+jsString(want)+`)`,
			chromedp.WithPollingTimeout(pageWait))
	}
	waitSocket := func(want string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`document.getElementById("socket").textContent === `+jsString(want),
			chromedp.WithPollingTimeout(pageWait))
	}
	ids := make([]string, len(devices))
	for i, dev := range devices {
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Click("#login"),
			waitLog("login: test logged in"),
			chromedp.Click("#connect"),
			waitLog(`socket: {"user":"test"}`),
			waitSocket("open"),
		}
		if i > 0 {
			steps = append([]chromedp.Action[chromedp.Void]{chromedp.Navigate(srv.URL + "/")}, steps...)
		}
		require.NoError(t, chromedp.Do(dev, steps...), "device %d", i)
	}
	for i, dev := range devices {
		require.NoError(t, chromedp.Do(dev, chromedp.Click("#list"), waitLog("sessions: 3")), "device %d lists three sessions", i)
		id, err := chromedp.Run(dev, chromedp.Evaluate[string](`document.querySelector("#sessions tr.current").dataset.id`))
		require.NoError(t, err)
		ids[i] = id
	}
	assert.NotEqual(t, ids[0], ids[1])
	assert.NotEqual(t, ids[1], ids[2])

	// The first device ends the second's session.
	require.NoError(t, chromedp.Do(devices[0],
		chromedp.Click(`#sessions tr[data-id="`+ids[1]+`"] button.end`),
		waitLog("end: 204"),
		waitLog("sessions: 2"),
	))
	require.NoError(t, chromedp.Do(devices[1],
		waitSocket("closed 1008 Token has been revoked"),
		chromedp.Click("#user"),
		waitLog(`user: 401 {"detail":"Token has been revoked"}`),
	), "the ended device")
	for _, i := range []int{0, 2} {
		require.NoError(t, chromedp.Do(devices[i],
			chromedp.Click("#user"),
			waitLog(`user: 200 {"user":"test"}`),
		), "device %d carries on", i)
		state, err := chromedp.Run(devices[i], chromedp.Text("#socket"))
		require.NoError(t, err)
		assert.Equal(t, "open", state, "device %d's socket", i)
		log, err := chromedp.Run(devices[i], chromedp.Text("#log"))
		require.NoError(t, err)
		assert.NotContains(t, log, "closed", "device %d", i)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
