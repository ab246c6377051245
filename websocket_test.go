package ginpaseto_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// wsServer serves /ws behind mw, for GET and POST. An upgrade is accepted
// and gets one message, the subject, before a normal close; any other
// request gets the subject as JSON.
func wsServer(t *testing.T, mw gin.HandlerFunc) *httptest.Server {
	t.Helper()
	r := gin.New()
	r.Match([]string{http.MethodGet, http.MethodPost}, "/ws", mw, func(c *gin.Context) {
		if c.GetHeader("Upgrade") == "" {
			c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
			return
		}
		conn, err := websocket.Accept(c.Writer, c.Request, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		if conn.Write(c.Request.Context(), websocket.MessageText, []byte(ginpaseto.Subject(c))) == nil {
			conn.Close(websocket.StatusNormalClosure, "")
		}
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// wsDial opens a WebSocket to /ws on srv, with the query and headers given.
func wsDial(t *testing.T, srv *httptest.Server, query url.Values, header http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	conn, resp, err := websocket.Dial(wsContext(t), u, &websocket.DialOptions{HTTPHeader: header})
	if conn != nil {
		t.Cleanup(func() { conn.CloseNow() })
	}
	return conn, resp, err
}

// wsContext bounds a test's WebSocket calls, so that a server that never
// answers fails the test instead of hanging it.
func wsContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wsClosed reads from conn and requires the server's close frame with code
// 1008; it returns the reason.
func wsClosed(t *testing.T, conn *websocket.Conn) string {
	t.Helper()
	_, _, err := conn.Read(wsContext(t))
	var closed websocket.CloseError
	require.True(t, errors.As(err, &closed), "want a close frame, got %v", err)
	require.Equal(t, websocket.StatusPolicyViolation, closed.Code)
	return closed.Reason
}

// wsGreeting reads the one message wsServer sends after a successful
// upgrade.
func wsGreeting(t *testing.T, conn *websocket.Conn) string {
	t.Helper()
	_, msg, err := conn.Read(wsContext(t))
	require.NoError(t, err)
	return string(msg)
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

// errorSource makes a check fail with message, as a custom Extractor may.
func errorSource(message string) ginpaseto.CheckOption {
	return ginpaseto.TokenSource(func(*gin.Context) (string, error) {
		return "", &ginpaseto.Error{Status: http.StatusUnauthorized, Message: message, Err: ginpaseto.ErrTokenInvalid}
	})
}

func TestWebSocketCloseReason(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name, message, reason string
	}{
		{"short", "Invalid PASETO token", "Invalid PASETO token"},
		{"exactly 123 bytes", a("x", 123), a("x", 123)},
		{"124 bytes", a("x", 124), a("x", 123)},
		{"2-byte rune across the cut", a("x", 122) + "é" + "tail", a("x", 122)},
		{"3-byte rune ending at the cut", a("x", 120) + "€" + "tail", a("x", 120) + "€"},
		{"3-byte rune across the cut, 1 byte in", a("x", 122) + "€" + "tail", a("x", 122)},
		{"3-byte rune across the cut, 2 bytes in", a("x", 121) + "€" + "tail", a("x", 121)},
		{"4-byte rune across the cut", a("x", 120) + "😀" + "tail", a("x", 120)},
		{"multibyte only", a("日本語", 20), a("日本語", 13) + "日本"},
		{"two-byte runes only", a("é", 70), a("é", 61)},
		{"invalid UTF-8", "bad \xff\xfe token", "bad \uFFFD token"},
	}
	auth := newAuth(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := wsServer(t, auth.Required(ginpaseto.CloseWebSocket(), errorSource(tc.message)))
			conn, _, err := wsDial(t, srv, nil, nil)
			require.NoError(t, err)
			reason := wsClosed(t, conn)
			assert.Equal(t, tc.reason, reason)
			assert.True(t, utf8.ValidString(reason))
			assert.LessOrEqual(t, len(reason), 123)
		})
	}
	requireCloseGoroutinesGone(t)
}

// wsHandshake returns the headers of a valid upgrade request.
func wsHandshake() http.Header {
	return http.Header{
		"Connection":            {"Upgrade"},
		"Upgrade":               {"websocket"},
		"Sec-Websocket-Version": {"13"},
		"Sec-Websocket-Key":     {"dGhlIHNhbXBsZSBub25jZQ=="},
	}
}

func TestWebSocketCloseFallsBackToResponse(t *testing.T) {
	tests := []struct {
		name   string
		method string
		change func(http.Header)
	}{
		{"not an upgrade", http.MethodGet, func(h http.Header) { h.Del("Upgrade"); h.Del("Connection") }},
		{"POST", http.MethodPost, func(http.Header) {}},
		{"no key", http.MethodGet, func(h http.Header) { h.Del("Sec-Websocket-Key") }},
		{"short key", http.MethodGet, func(h http.Header) { h.Set("Sec-Websocket-Key", "c2hvcnQ=") }},
		{"no version", http.MethodGet, func(h http.Header) { h.Del("Sec-Websocket-Version") }},
		{"old version", http.MethodGet, func(h http.Header) { h.Set("Sec-Websocket-Version", "8") }},
	}
	srv := wsServer(t, newAuth(t).Required(ginpaseto.CloseWebSocket()))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+"/ws", nil)
			require.NoError(t, err)
			req.Header = wsHandshake()
			tc.change(req.Header)
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.JSONEq(t, `{"detail":"PASETO Authorization Token required"}`, string(body))
			assert.Equal(t, "Bearer", resp.Header.Get("WWW-Authenticate"))
		})
	}
}

func TestWithWebSocketClose(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithWebSocketClose())
	access := token(t, auth, ginpaseto.TypeAccess)
	tests := []struct {
		name   string
		check  gin.HandlerFunc
		token  string
		reason string
	}{
		{"no token", auth.Required(), "", "PASETO Authorization Token required"},
		{"bad token", auth.Required(), "v4.local.bad", "Invalid PASETO token"},
		{"wrong type", auth.RefreshRequired(), access, "Refresh token required but access provided"},
		{"not fresh", auth.FreshRequired(), access, "PASETO access token is not fresh"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := wsServer(t, tc.check)
			var query url.Values
			if tc.token != "" {
				query = url.Values{"token": {tc.token}}
			}
			conn, resp, err := wsDial(t, srv, query, nil)
			require.NoError(t, err)
			assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
			assert.Equal(t, tc.reason, wsClosed(t, conn))

			// Requests that are not upgrades still get the error handler.
			header := []string{}
			if tc.token != "" {
				header = []string{"Authorization", "Bearer " + tc.token}
			}
			r := get(t, srv, "/ws", header...)
			assert.Equal(t, http.StatusUnauthorized, r.status)
			assert.JSONEq(t, `{"detail":"`+tc.reason+`"}`, r.body)
		})
	}
	t.Run("valid token", func(t *testing.T) {
		conn, _, err := wsDial(t, wsServer(t, auth.Required()), url.Values{"token": {access}}, nil)
		require.NoError(t, err)
		assert.Equal(t, "alice", wsGreeting(t, conn))
	})
	requireCloseGoroutinesGone(t)
}

func TestWebSocketQueryToken(t *testing.T) {
	auth := newAuth(t)
	access := token(t, auth, ginpaseto.TypeAccess)
	withQuery := newAuth(t, ginpaseto.WithQueryOnAllRequests())

	t.Run("upgrade with the token in the query", func(t *testing.T) {
		conn, _, err := wsDial(t, wsServer(t, auth.Required()), url.Values{"token": {access}}, nil)
		require.NoError(t, err)
		assert.Equal(t, "alice", wsGreeting(t, conn))
	})
	t.Run("upgrade with the token in the header", func(t *testing.T) {
		conn, _, err := wsDial(t, wsServer(t, auth.Required()), nil, http.Header{"Authorization": {"Bearer " + access}})
		require.NoError(t, err)
		assert.Equal(t, "alice", wsGreeting(t, conn))
	})
	t.Run("upgrade with a renamed query parameter", func(t *testing.T) {
		srv := wsServer(t, auth.Required(ginpaseto.QueryParam("access")))
		_, resp, err := wsDial(t, srv, url.Values{"token": {access}}, nil)
		require.Error(t, err)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		conn, _, err := wsDial(t, srv, url.Values{"access": {access}}, nil)
		require.NoError(t, err)
		assert.Equal(t, "alice", wsGreeting(t, conn))
	})

	plain := []struct {
		name   string
		check  gin.HandlerFunc
		status int
		body   string
	}{
		{"plain GET ignores the query by default", auth.Required(), http.StatusUnauthorized, `{"detail":"PASETO Authorization Token required"}`},
		{"plain GET ignores it with CloseWebSocket", auth.Required(ginpaseto.CloseWebSocket()), http.StatusUnauthorized, `{"detail":"PASETO Authorization Token required"}`},
		{"plain GET reads it when enabled", withQuery.Required(), http.StatusOK, `{"user":"alice"}`},
	}
	for _, tc := range plain {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, wsServer(t, tc.check), "/ws?token="+url.QueryEscape(access))
			assert.Equal(t, tc.status, r.status)
			assert.JSONEq(t, tc.body, r.body)
		})
	}
}

// TestWebSocketCloseOnTheWire checks the handshake and the close frame byte
// by byte, and that the server ends the connection without waiting for the
// client to, as a browser expects before it reports the close.
func TestWebSocketCloseOnTheWire(t *testing.T) {
	srv := wsServer(t, newAuth(t).Required(ginpaseto.CloseWebSocket()))
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))

	_, err = io.WriteString(conn, "GET /ws?token=v4.local.bad HTTP/1.1\r\n"+
		"Host: example.com\r\n"+
		"Upgrade: websocket\r\n"+
		"Connection: keep-alive, Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"+
		"Sec-WebSocket-Version: 13\r\n"+
		"Sec-WebSocket-Protocol: chat, superchat\r\n"+
		"Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
	require.NoError(t, err)

	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
	assert.Equal(t, "websocket", resp.Header.Get("Upgrade"))
	assert.Equal(t, "Upgrade", resp.Header.Get("Connection"))
	// The example of RFC 6455 section 1.3.
	assert.Equal(t, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", resp.Header.Get("Sec-WebSocket-Accept"))
	assert.Equal(t, "chat", resp.Header.Get("Sec-WebSocket-Protocol"))
	assert.Empty(t, resp.Header.Values("Sec-WebSocket-Extensions"), "no extension was negotiated")

	reason := "Invalid PASETO token"
	head := make([]byte, 4)
	_, err = io.ReadFull(br, head)
	require.NoError(t, err)
	assert.Equal(t, byte(0x88), head[0], "FIN, no RSV bits, opcode close")
	assert.Equal(t, byte(2+len(reason)), head[1], "unmasked, payload length")
	assert.Equal(t, uint16(1008), binary.BigEndian.Uint16(head[2:]))
	got := make([]byte, len(reason))
	_, err = io.ReadFull(br, got)
	require.NoError(t, err)
	assert.Equal(t, reason, string(got))

	// Nothing follows the close frame, and the server has already shut its
	// side: the read ends before the client answers.
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	assert.Empty(t, rest)

	// The client's close frame, masked, echoing the code; then hang up.
	mask := []byte{1, 2, 3, 4}
	frame := []byte{0x88, 0x80 | 2, mask[0], mask[1], mask[2], mask[3], 0x03 ^ mask[0], 0xF0 ^ mask[1]}
	_, err = conn.Write(frame)
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	requireCloseGoroutinesGone(t)
}
