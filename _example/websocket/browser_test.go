package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/browsertest"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
)

// browserPage is what a browser application does: open a WebSocket with
// the token offered as a subprotocol after the name "paseto", as a script
// cannot set headers on the handshake, and report what it can see of the
// outcome.
const browserPage = `<!doctype html>
<meta charset="utf-8">
<title>WebSocket probe</title>
<script>
// probe opens a WebSocket to path on this server offering protocols, sends
// "hello" once it is open, and resolves with the first answer or with the
// close event, whichever comes first, and the subprotocol the server
// selected.
function probe(path, protocols) {
  return new Promise((resolve) => {
    const url = new URL(path, location.href);
    url.protocol = "ws:";
    const ws = new WebSocket(url, protocols || []);
    let opened = false;
    ws.onopen = () => { opened = true; ws.send("hello"); };
    ws.onmessage = (e) => { resolve({opened, protocol: ws.protocol, message: e.data}); ws.close(); };
    ws.onclose = (e) => resolve({opened, protocol: ws.protocol, code: e.code, reason: e.reason, wasClean: e.wasClean});
  });
}
</script>
`

// browserProbe is the outcome of probe() as the page's script sees it.
type browserProbe struct {
	Opened   bool   `json:"opened"`
	Protocol string `json:"protocol"`
	Message  string `json:"message"`
	Code     int    `json:"code"`
	Reason   string `json:"reason"`
	Clean    bool   `json:"wasClean"`
}

// browserEcho upgrades an authenticated request, selecting the paseto
// subprotocol when offered, and sends each message back prefixed with the
// subject, until the client goes away.
func browserEcho(c *gin.Context) {
	conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol}})
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

// syncBuffer is a bytes.Buffer for several connections at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// teeListener copies what the server writes on every connection to w.
type teeListener struct {
	net.Listener
	w io.Writer
}

func (l teeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return teeConn{c, l.w}, nil
}

type teeConn struct {
	net.Conn
	w io.Writer
}

func (c teeConn) Write(p []byte) (int, error) {
	c.w.Write(p)
	return c.Conn.Write(p)
}

// CloseWrite keeps the close answer's half-close working through the tee.
func (c teeConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// TestWebSocketCloseInBrowser shows, in a real browser, the subprotocol
// transport and why CloseWebSocket exists: the script of a page learns
// nothing from a refused handshake but a close code 1006, while the
// close-1008 answer hands it the reason. The server selects "paseto" in
// both answers, never the token.
func TestWebSocketCloseInBrowser(t *testing.T) {
	clk := &exampletest.Clock{}
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithClock(clk.Now))
	require.NoError(t, err)
	expired := probeToken(t, auth)
	clk.Advance(time.Hour)
	valid := probeToken(t, auth)

	r := gin.New()
	r.GET("/", func(c *gin.Context) {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(browserPage))
	})
	inProtocol := ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol)
	r.GET("/ws", auth.Required(inProtocol), browserEcho)
	r.GET("/ws-close", auth.Required(inProtocol, ginpaseto.CloseWebSocket()), browserEcho)
	// Everything the server sends, as the browser receives it.
	var sent syncBuffer
	srv := httptest.NewUnstartedServer(r)
	srv.Listener = teeListener{srv.Listener, &sent}
	srv.Start()
	t.Cleanup(srv.Close)

	tab := browsertest.New(t)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(srv.URL+"/")), "start the browser and load the page")

	offer := func(tok string) []string { return []string{ginpaseto.WebSocketProtocol, tok} }
	echo := browserProbe{Opened: true, Protocol: "paseto", Message: "alice: hello"}
	tests := []struct {
		name      string
		path      string
		protocols []string
		want      browserProbe
	}{
		{"valid token", "/ws", offer(valid), echo},
		// The server answered 401 with a JSON body, but all the script
		// gets is an abnormal closure without a reason. With the option it
		// sees an open connection closed cleanly with 1008 and the message.
		{"bad token, refused handshake", "/ws", offer("v4.local.bad"), browserProbe{Code: 1006}},
		{"bad token, close 1008", "/ws-close", offer("v4.local.bad"),
			browserProbe{Opened: true, Protocol: "paseto", Code: 1008, Clean: true, Reason: "Invalid PASETO token"}},
		{"no token, close 1008", "/ws-close", nil,
			browserProbe{Opened: true, Code: 1008, Clean: true, Reason: "PASETO Authorization Token required"}},
		{"expired token, close 1008", "/ws-close", offer(expired),
			browserProbe{Opened: true, Protocol: "paseto", Code: 1008, Clean: true, Reason: "Token has expired"}},
		{"valid token with close 1008 enabled", "/ws-close", offer(valid), echo},
		// A URL token is not looked at: the routes read the header and the
		// subprotocol only.
		{"valid token in the URL, close 1008", "/ws-close?token=" + url.QueryEscape(valid), nil,
			browserProbe{Opened: true, Code: 1008, Clean: true, Reason: "PASETO Authorization Token required"}},
		// A token offered without the name is not read, and not echoed:
		// the close answer selects no subprotocol, so the browser fails
		// the handshake, which it must when the server selects none.
		{"token offered alone, close 1008", "/ws-close", []string{valid}, browserProbe{Code: 1006}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args, err := json.Marshal([]any{tc.path, tc.protocols})
			require.NoError(t, err)
			call := "probe(..." + string(args) + ")"
			got, err := chromedp.Run(tab, chromedp.Evaluate[browserProbe](call, chromedp.EvalAwaitPromise))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	// The server selected paseto wherever it selected anything, and no
	// token it was offered ever went back.
	answers := sent.String()
	selected := regexp.MustCompile(`(?i)\r\nSec-WebSocket-Protocol: *([^\r]*)`).FindAllStringSubmatch(answers, -1)
	require.NotEmpty(t, selected)
	for _, m := range selected {
		assert.Equal(t, ginpaseto.WebSocketProtocol, m[1])
	}
	for _, tok := range []string{valid, expired, "v4.local.bad"} {
		assert.NotContains(t, answers, tok)
	}
	requireCloseGoroutinesGone(t)
}

// probeToken is an access token for alice from auth.
func probeToken(t *testing.T, auth *ginpaseto.Authorizer) string {
	t.Helper()
	tok, err := auth.CreateToken(context.Background(), "alice", ginpaseto.TypeAccess)
	require.NoError(t, err)
	return tok
}

// requireCloseGoroutinesGone waits until no goroutine the close-1008
// answer started is left: each one ends once the client has hung up.
func requireCloseGoroutinesGone(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		buf := make([]byte, 1<<20)
		return !strings.Contains(string(buf[:runtime.Stack(buf, true)]), "ginpaseto.closeWebSocket")
	}, 10*time.Second, 10*time.Millisecond, "a goroutine of closeWebSocket is still running")
}
