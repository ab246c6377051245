package main

import (
	"context"
	"errors"
	"net/http"

	"github.com/coder/websocket"
	"github.com/ginpaseto/ginpaseto"
)

// dial connects to the WebSocket at url as the page does, offering the
// token as a subprotocol after ginpaseto.WebSocketProtocol, and checks that
// the server selected that name. A Go client could send the Authorization
// header instead; the subprotocol is what browsers can do, shown here from
// Go.
func dial(ctx context.Context, url, token string) (*websocket.Conn, *http.Response, error) {
	var protocols []string
	if token != "" {
		protocols = []string{ginpaseto.WebSocketProtocol, token}
	}
	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: protocols})
	if err != nil {
		return nil, resp, err
	}
	if token != "" && conn.Subprotocol() != ginpaseto.WebSocketProtocol {
		conn.CloseNow()
		return nil, resp, errWrongSubprotocol
	}
	return conn, resp, nil
}

var errWrongSubprotocol = errors.New("the server did not select the " + ginpaseto.WebSocketProtocol + " subprotocol")
