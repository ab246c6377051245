package ginpaseto

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/internal/tokenshape"
)

// A browser script cannot read the status of a refused WebSocket
// handshake: it only sees a generic failure. To tell it why, the check can
// complete the handshake (RFC 6455 section 4.2.2) and close at once with
// code 1008, policy violation, and the error message as the reason. This
// needs no WebSocket library: one handshake response and one close frame.

const (
	wsGUID            = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" // RFC 6455 section 1.3
	wsClosePolicy     = 1008
	wsMaxReason       = 123 // a control frame payload is at most 125 bytes, 2 are the code
	wsCloseWaitPeriod = 5 * time.Second
)

// closeWebSocket accepts the upgrade and closes it with 1008 and the
// error's message. It reports false, having written nothing, when the
// request is not a well-formed upgrade or the connection cannot be taken
// over; the caller then answers with a normal error response.
func closeWebSocket(c *gin.Context, err *Error) bool {
	key := c.Request.Header.Get("Sec-WebSocket-Key")
	if c.Request.Method != http.MethodGet || c.Request.Header.Get("Sec-WebSocket-Version") != "13" || len(key) != 24 {
		return false
	}
	conn, rw, hijackErr := c.Writer.Hijack()
	if hijackErr != nil {
		return false
	}
	var resp strings.Builder
	resp.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
	resp.WriteString(acceptKey(key))
	if proto := closeSubprotocol(c.Request); proto != "" {
		// Browsers fail a handshake that requested subprotocols and got
		// none back, before they would see the close frame.
		resp.WriteString("\r\nSec-WebSocket-Protocol: ")
		resp.WriteString(proto)
	}
	resp.WriteString("\r\n\r\n")
	rw.WriteString(resp.String())
	rw.Write(closeFrame(wsClosePolicy, err.Message))
	if rw.Flush() != nil {
		conn.Close()
		return true
	}
	// Half-close at once: a browser that got the close frame waits for the
	// server to end the TCP connection before it fires its close event.
	// The client can still send its own close frame; read it, and anything
	// before it, for a short while, then hang up. The connection no longer
	// belongs to the HTTP server.
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	go func() {
		defer conn.Close()
		conn.SetReadDeadline(time.Now().Add(wsCloseWaitPeriod))
		io.Copy(io.Discard, io.LimitReader(rw, 1<<10))
	}()
	return true
}

func acceptKey(key string) string {
	sum := sha1.Sum([]byte(key + wsGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// maxEchoedSubprotocol bounds the subprotocol names the close answer may
// select other than WebSocketProtocol: registered names are short words
// such as "chat" or "graphql-ws", and a long value is more likely a
// credential than a name.
const maxEchoedSubprotocol = 64

// closeSubprotocol returns the subprotocol the close answer selects: one
// the client offered, and never its token. WebSocketProtocol when offered,
// since the value after it is the token; otherwise the first offered value
// that is a valid name, short, and not shaped like a token; otherwise none.
func closeSubprotocol(r *http.Request) string {
	chosen := ""
	for p := range offeredSubprotocols(r) {
		if p == WebSocketProtocol {
			return p
		}
		if chosen == "" && len(p) <= maxEchoedSubprotocol && isHTTPToken(p) && !tokenshape.Contains(p) {
			chosen = p
		}
	}
	return chosen
}

// closeFrame builds an unmasked server close frame with code and reason,
// cutting the reason to fit a control frame without splitting a UTF-8
// sequence.
func closeFrame(code uint16, reason string) []byte {
	// Clients fail the connection on a reason that is not UTF-8, and a
	// message can come from an InFunc location.
	reason = strings.ToValidUTF8(reason, "\uFFFD")
	if len(reason) > wsMaxReason {
		cut := wsMaxReason
		for cut > 0 && reason[cut]&0xC0 == 0x80 {
			cut--
		}
		reason = reason[:cut]
	}
	frame := make([]byte, 4, 4+len(reason))
	frame[0] = 0x88 // FIN + opcode close
	frame[1] = byte(2 + len(reason))
	binary.BigEndian.PutUint16(frame[2:], code)
	return append(frame, reason...)
}
