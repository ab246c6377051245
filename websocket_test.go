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

// wsServer serves /ws behind mw, for GET and POST. An upgrade is accepted,
// selecting WebSocketProtocol when offered, and gets one message, the
// subject, before a normal close; any other request gets the subject as
// JSON.
func wsServer(t *testing.T, mw gin.HandlerFunc) *httptest.Server {
	t.Helper()
	r := gin.New()
	r.Match([]string{http.MethodGet, http.MethodPost}, "/ws", mw, func(c *gin.Context) {
		if c.GetHeader("Upgrade") == "" {
			c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
			return
		}
		conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol}})
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

// wsDial opens a WebSocket to /ws on srv, with the query, headers and
// subprotocols given.
func wsDial(t *testing.T, srv *httptest.Server, query url.Values, header http.Header, subprotocols ...string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	conn, resp, err := websocket.Dial(wsContext(t), u, &websocket.DialOptions{HTTPHeader: header, Subprotocols: subprotocols})
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

// errorSource makes a check fail with message, as an InFunc location may.
func errorSource(message string) ginpaseto.CheckOption {
	return ginpaseto.WithTokenLocations(ginpaseto.InFunc(func(*gin.Context) (string, error) {
		return "", &ginpaseto.Error{Status: http.StatusUnauthorized, Message: message, Err: ginpaseto.ErrTokenInvalid}
	}))
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

func TestCloseWebSocketAtNew(t *testing.T) {
	auth := newAuth(t, ginpaseto.CloseWebSocket(),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InWebSocketProtocol))
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
			var protocols []string
			if tc.token != "" {
				protocols = []string{ginpaseto.WebSocketProtocol, tc.token}
			}
			conn, resp, err := wsDial(t, srv, nil, nil, protocols...)
			require.NoError(t, err)
			assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
			if tc.token != "" {
				assert.Equal(t, ginpaseto.WebSocketProtocol, conn.Subprotocol())
			}
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
		conn, _, err := wsDial(t, wsServer(t, auth.Required()), nil, nil, ginpaseto.WebSocketProtocol, access)
		require.NoError(t, err)
		assert.Equal(t, "alice", wsGreeting(t, conn))
	})
	requireCloseGoroutinesGone(t)
}

func TestWebSocketTokenLocations(t *testing.T) {
	auth := newAuth(t)
	access := token(t, auth, ginpaseto.TypeAccess)
	withQuery := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InQuery))
	withProtocol := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InWebSocketProtocol))
	bearer := http.Header{"Authorization": {"Bearer " + access}}
	inQuery := url.Values{"token": {access}}
	tests := []struct {
		name      string
		check     gin.HandlerFunc
		query     url.Values
		header    http.Header
		protocols []string
		accepted  bool
	}{
		{"default: header", auth.Required(), nil, bearer, nil, true},
		{"default: query refused", auth.Required(), inQuery, nil, nil, false},
		{"default: subprotocol refused", auth.Required(), nil, nil, []string{ginpaseto.WebSocketProtocol, access}, false},
		{"query listed", withQuery.Required(), inQuery, nil, nil, true},
		{"query listed, renamed", withQuery.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InQuery.Named("access"))), url.Values{"access": {access}}, nil, nil, true},
		{"query listed, old name", withQuery.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InQuery.Named("access"))), inQuery, nil, nil, false},
		{"subprotocol listed", withProtocol.Required(), nil, nil, []string{ginpaseto.WebSocketProtocol, access}, true},
		{"subprotocol listed, header", withProtocol.Required(), nil, bearer, nil, true},
		{"subprotocol added on the route", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol)),
			nil, nil, []string{ginpaseto.WebSocketProtocol, access}, true},
		{"subprotocol added on the route, header kept", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol)),
			nil, bearer, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, resp, err := wsDial(t, wsServer(t, tc.check), tc.query, tc.header, tc.protocols...)
			if !tc.accepted {
				require.Error(t, err)
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "alice", wsGreeting(t, conn))
			if len(tc.protocols) > 0 {
				assert.Equal(t, ginpaseto.WebSocketProtocol, conn.Subprotocol())
				assert.Equal(t, []string{ginpaseto.WebSocketProtocol}, resp.Header.Values("Sec-WebSocket-Protocol"))
			}
		})
	}

	plain := []struct {
		name   string
		check  gin.HandlerFunc
		status int
		body   string
	}{
		{"plain GET ignores the query by default", auth.Required(), http.StatusUnauthorized, `{"detail":"PASETO Authorization Token required"}`},
		{"plain GET ignores it with CloseWebSocket", auth.Required(ginpaseto.CloseWebSocket()), http.StatusUnauthorized, `{"detail":"PASETO Authorization Token required"}`},
		{"plain GET reads it where listed", withQuery.Required(), http.StatusOK, `{"user":"alice"}`},
	}
	for _, tc := range plain {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, wsServer(t, tc.check), "/ws?token="+url.QueryEscape(access))
			assert.Equal(t, tc.status, r.status)
			assert.JSONEq(t, tc.body, r.body)
		})
	}
}

// TestWebSocketCloseSelectsNoToken sends the handshakes a client may
// offer its token in, right or wrong, to a check that closes with 1008:
// the answer selects WebSocketProtocol, or a harmless name, never the
// token, which browsers would otherwise see echoed and proxies log.
func TestWebSocketCloseSelectsNoToken(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InWebSocketProtocol))
	srv := wsServer(t, auth.Required(ginpaseto.CloseWebSocket()))
	expired := func() string {
		clk := newClock()
		past := newAuth(t, ginpaseto.WithClock(clk.Now))
		tok := token(t, past, ginpaseto.TypeAccess)
		return tok
	}()
	wrapped := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Base64())
	long := strings.Repeat("x", 65)
	tests := []struct {
		name, offered, selected, reason string
	}{
		{"paseto, token", "paseto, " + expired, "paseto", "Token has expired"},
		{"token, paseto", expired + ", paseto", "paseto", "Bad Sec-WebSocket-Protocol header. Expected value 'paseto, <PASETO>'"},
		{"token alone", expired, "", "PASETO Authorization Token required"},
		{"token, chat", expired + ", chat", "chat", "PASETO Authorization Token required"},
		{"wrapped token alone", wrapped, "", "PASETO Authorization Token required"},
		{"a long value alone", long, "", "PASETO Authorization Token required"},
		{"chat, paseto, token", "chat, paseto, v4.local.bad", "paseto", "Invalid PASETO token"},
		{"paseto alone", "paseto", "paseto", "Bad Sec-WebSocket-Protocol header. Expected value 'paseto, <PASETO>'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, frame := rawWebSocketClose(t, srv, "/ws", tc.offered)
			assert.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
			assert.Equal(t, tc.selected, resp.Header.Get("Sec-WebSocket-Protocol"))
			assert.Equal(t, tc.reason, string(frame[4:]))
			for _, v := range resp.Header {
				for _, s := range v {
					assert.NotContains(t, s, "v4.local.")
					assert.NotContains(t, s, "djQu")
				}
			}
		})
	}
	requireCloseGoroutinesGone(t)
}

// rawWebSocketClose sends a handshake offering protocols to path and
// returns the response and the close frame that follows it.
func rawWebSocketClose(t *testing.T, srv *httptest.Server, path, protocols string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"+
		"Sec-WebSocket-Protocol: "+protocols+"\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	frame, err := io.ReadAll(br)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(frame), 4, "a close frame")
	assert.Equal(t, uint16(1008), binary.BigEndian.Uint16(frame[2:4]))
	return resp, frame
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

	_, err = io.WriteString(conn, "GET /ws HTTP/1.1\r\n"+
		"Host: example.com\r\n"+
		"Authorization: Bearer v4.local.bad\r\n"+
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

// TestWebSocketCrossOriginLooksTheSame: a page of another origin, a sibling
// of the same site whose cookies SameSite=Lax lets through, learns nothing
// of the visitor's cookie from how its handshake ends: every such handshake
// is refused alike, and the tokens the page supplies itself still work.
func TestWebSocketCrossOriginLooksTheSame(t *testing.T) {
	clk := newClock()
	auth := cookieAuth(t, ginpaseto.CookieConfig{}, ginpaseto.CloseWebSocket(), ginpaseto.WithClock(clk.Now),
		ginpaseto.WithTokenLocations(ginpaseto.InWebSocketProtocol, ginpaseto.InCookie))
	ctx := context.Background()
	expired, err := auth.CreateAccessToken(ctx, "alice", ginpaseto.ExpiresIn(time.Minute))
	require.NoError(t, err)
	clk.Advance(time.Hour)
	valid, err := auth.CreateTokenPair(ctx, "alice")
	require.NoError(t, err)
	const name = "__Host-access_token"
	cookies := map[string]string{
		"no cookie":       "",
		"expired cookie":  name + "=" + expired,
		"valid cookie":    name + "=" + valid.AccessToken,
		"garbage cookie":  name + "=v4.local.bad",
		"two cookies":     name + "=" + valid.AccessToken + "; " + name + "=" + expired,
		"a refresh token": name + "=" + valid.RefreshToken,
	}
	sibling := http.Header{"Origin": {"https://chat.example.com"}, "Sec-Fetch-Site": {"same-site"}}
	withCookie := func(c string) http.Header {
		h := sibling.Clone()
		if c != "" {
			h.Set("Cookie", c)
		}
		return h
	}
	// The application accepts handshakes from its sibling origin: only the
	// check stands between the page and the visitor's cookie.
	serveWS := func(mw gin.HandlerFunc) *httptest.Server {
		r := gin.New()
		r.GET("/ws", mw, func(c *gin.Context) {
			conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{
				Subprotocols:   []string{ginpaseto.WebSocketProtocol},
				OriginPatterns: []string{"chat.example.com"},
			})
			if err != nil {
				return
			}
			defer conn.CloseNow()
			if conn.Write(c.Request.Context(), websocket.MessageText, []byte(ginpaseto.Subject(c))) == nil {
				conn.Close(websocket.StatusNormalClosure, "")
			}
		})
		return serve(t, r)
	}
	required := serveWS(auth.Required())
	optional := serveWS(auth.Optional())
	for label, c := range cookies {
		t.Run(label, func(t *testing.T) {
			conn, _, err := wsDial(t, required, nil, withCookie(c))
			require.NoError(t, err)
			assert.Equal(t, "Cross-origin request refused", wsClosed(t, conn))

			conn, _, err = wsDial(t, optional, nil, withCookie(c))
			require.NoError(t, err)
			assert.Equal(t, "", wsGreeting(t, conn), "Optional goes on anonymously")

			// A token the page offers is its own, not the visitor's.
			conn, _, err = wsDial(t, required, nil, withCookie(c), ginpaseto.WebSocketProtocol, valid.AccessToken)
			require.NoError(t, err)
			assert.Equal(t, "alice", wsGreeting(t, conn))
		})
	}
	t.Run("same origin, the cookie works", func(t *testing.T) {
		h := http.Header{"Cookie": {name + "=" + valid.AccessToken}, "Sec-Fetch-Site": {"same-origin"}}
		conn, _, err := wsDial(t, required, nil, h)
		require.NoError(t, err)
		assert.Equal(t, "alice", wsGreeting(t, conn))
	})
	requireCloseGoroutinesGone(t)
}
