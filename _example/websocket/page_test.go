package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromium finds the browser: $CHROMIUM, else chromium on the PATH. A
// machine without it skips the test, unless REQUIRE_CHROMIUM is set, as it
// is in continuous integration.
func chromium(t *testing.T) string {
	t.Helper()
	candidates := []string{"chromium", "/usr/bin/chromium"}
	if env := os.Getenv("CHROMIUM"); env != "" {
		candidates = []string{env}
	}
	for _, c := range candidates {
		if path, err := exec.LookPath(c); err == nil {
			return path
		}
	}
	const msg = "chromium not found; install Debian's chromium or set CHROMIUM"
	if os.Getenv("REQUIRE_CHROMIUM") != "" {
		t.Fatal(msg + " (REQUIRE_CHROMIUM is set)")
	}
	t.Skip(msg)
	return ""
}

// TestPageInBrowser uses the example's page in headless Chromium as a
// person would: log in, connect to /ws with the token as a subprotocol,
// send a message, then connect to /ws-close with a spoiled token and read
// the reason the server gave.
func TestPageInBrowser(t *testing.T) {
	execPath := chromium(t)
	srv := server(t)

	// Only a guard against a hang: the whole test takes a few seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		chromedp.Cancel(tab)
		cancelTab()
	})

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
