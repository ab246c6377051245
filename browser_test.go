package ginpaseto_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// browserPage is what a browser application does: open a WebSocket with
// the token in the query, as a script cannot set headers on the handshake,
// and report what it can see of the outcome.
const browserPage = `<!doctype html>
<meta charset="utf-8">
<title>WebSocket probe</title>
<script>
// probe opens a WebSocket to path on this server, sends "hello" once it is
// open, and resolves with the first answer or with the close event,
// whichever comes first.
function probe(path) {
  return new Promise((resolve) => {
    const url = new URL(path, location.href);
    url.protocol = "ws:";
    const ws = new WebSocket(url);
    let opened = false;
    ws.onopen = () => { opened = true; ws.send("hello"); };
    ws.onmessage = (e) => { resolve({opened, message: e.data}); ws.close(); };
    ws.onclose = (e) => resolve({opened, code: e.code, reason: e.reason, wasClean: e.wasClean});
  });
}
</script>
`

// browserProbe is the outcome of probe() as the page's script sees it.
type browserProbe struct {
	Opened  bool   `json:"opened"`
	Message string `json:"message"`
	Code    int    `json:"code"`
	Reason  string `json:"reason"`
	Clean   bool   `json:"wasClean"`
}

// browserEcho upgrades an authenticated request and sends each message
// back prefixed with the subject, until the client goes away.
func browserEcho(c *gin.Context) {
	conn, err := websocket.Accept(c.Writer, c.Request, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	ctx := c.Request.Context()
	for {
		typ, msg, err := conn.Read(ctx)
		if err != nil {
			return
		}
		if conn.Write(ctx, typ, append([]byte(ginpaseto.Subject(c)+": "), msg...)) != nil {
			return
		}
	}
}

// chromiumPath finds the browser: $CHROMIUM, else chromium on the PATH. A
// machine without it skips the test, unless REQUIRE_CHROMIUM is set, as it
// is in continuous integration, where a missing browser must not pass
// unnoticed.
func chromiumPath(t *testing.T) string {
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
	const msg = "skipping the headless browser test: chromium not found; install Debian's chromium (apt-get install chromium) or set CHROMIUM to a Chromium binary"
	if os.Getenv("REQUIRE_CHROMIUM") != "" {
		t.Fatal(msg + " (REQUIRE_CHROMIUM is set)")
	}
	t.Skip(msg)
	return ""
}

// TestWebSocketCloseInBrowser shows, in a real browser, why CloseWebSocket
// exists: the script of a page learns nothing from a refused handshake but
// a close code 1006, while the close-1008 answer hands it the reason.
func TestWebSocketCloseInBrowser(t *testing.T) {
	execPath := chromiumPath(t)

	clk := newClock()
	auth := newAuth(t, ginpaseto.WithClock(clk.Now))
	expired := token(t, auth, ginpaseto.TypeAccess)
	clk.Advance(time.Hour)
	valid := token(t, auth, ginpaseto.TypeAccess)

	r := gin.New()
	r.GET("/", func(c *gin.Context) {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(browserPage))
	})
	r.GET("/ws", auth.Required(), browserEcho)
	r.GET("/ws-close", auth.Required(ginpaseto.CloseWebSocket()), browserEcho)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

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
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(srv.URL+"/")), "start the browser and load the page")

	withToken := func(path, tok string) string {
		return path + "?token=" + url.QueryEscape(tok)
	}
	echo := browserProbe{Opened: true, Message: "alice: hello"}
	tests := []struct {
		name string
		path string
		want browserProbe
	}{
		{"valid token", withToken("/ws", valid), echo},
		// The server answered 401 with a JSON body, but all the script
		// gets is an abnormal closure without a reason. With the option it
		// sees an open connection closed cleanly with 1008 and the message.
		{"bad token, refused handshake", withToken("/ws", "v4.local.bad"), browserProbe{Code: 1006}},
		{"bad token, close 1008", withToken("/ws-close", "v4.local.bad"),
			browserProbe{Opened: true, Code: 1008, Clean: true, Reason: "Invalid PASETO token"}},
		{"no token, close 1008", "/ws-close",
			browserProbe{Opened: true, Code: 1008, Clean: true, Reason: "PASETO Authorization Token required"}},
		{"expired token, close 1008", withToken("/ws-close", expired),
			browserProbe{Opened: true, Code: 1008, Clean: true, Reason: "Token has expired"}},
		{"valid token with close 1008 enabled", withToken("/ws-close", valid), echo},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, err := json.Marshal(tc.path)
			require.NoError(t, err)
			got, err := chromedp.Run(tab, chromedp.Evaluate[browserProbe]("probe("+string(path)+")", chromedp.EvalAwaitPromise))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	requireCloseGoroutinesGone(t)
}
