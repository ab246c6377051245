// Package browsertest starts headless Chromium for the tests of the
// examples, which drive their pages with chromedp. It sits beside them,
// outside the library's ./..., so that a go test ./... of the library
// does not build chromedp.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path finds the browser: $CHROMIUM, else chromium on the PATH. A machine
// without it skips the test, unless REQUIRE_CHROMIUM is set, as it is in
// continuous integration, where a missing browser must fail rather than
// pass unnoticed.
func Path(t testing.TB) string {
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
	const msg = "chromium not found; install Debian's chromium (apt-get install chromium) or set CHROMIUM to a Chromium binary"
	if os.Getenv("REQUIRE_CHROMIUM") != "" {
		t.Fatal("headless browser test: " + msg + " (REQUIRE_CHROMIUM is set)")
	}
	t.Skip("skipping the headless browser test: " + msg)
	return ""
}

// New starts headless Chromium, found by Path, with a profile of its own
// and opts (such as chromedp.WindowSize) after the defaults, and returns
// its first tab. The browser stops when the test ends, or after two
// minutes, only a guard against a hang: a test takes a few seconds.
func New(t testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	execPath := Path(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append([]chromedp.ExecAllocatorOption{
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
	}, opts...)...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		chromedp.Cancel(tab)
		cancelTab()
	})
	return tab
}

// FrameShows opens frameURL in tab, a page whose element "frame" frames
// another page and is marked data-loaded="yes" once that page loaded, and
// returns what script, evaluated in the framing page, says of it.
func FrameShows(t testing.TB, tab context.Context, frameURL, script string) bool {
	t.Helper()
	if err := chromedp.Do(tab,
		chromedp.Navigate(frameURL),
		chromedp.Poll[chromedp.Void](`document.getElementById("frame").dataset.loaded === "yes"`, chromedp.WithPollingTimeout(30*time.Second)),
	); err != nil {
		t.Fatalf("loading %s: %v", frameURL, err)
	}
	shown, err := chromedp.Run(tab, chromedp.Evaluate[bool](script))
	if err != nil {
		t.Fatalf("asking the framing page: %v", err)
	}
	return shown
}
