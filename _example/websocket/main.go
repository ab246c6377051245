// Command websocket authenticates WebSocket connections: a login route
// issues an access token, and /ws echoes every message back, prefixed with
// the token's subject, until the token expires or is revoked: the server
// then closes with 1008 and the reason.
//
// Browsers cannot set headers on a WebSocket handshake, so the page offers
// the token as a subprotocol, after the name "paseto":
// new WebSocket(url, ["paseto", token]). The server selects "paseto", never
// the token, and the token stays out of the URL, and so out of access
// logs, proxies and browser history. Clients that can set headers, such as
// the Go client in client.go, may send "Authorization: Bearer <token>"
// instead. A refused handshake is a plain 401, whose status a browser
// script never sees: it only gets a close event with code 1006. /ws-close
// does the same echo but answers a bad token by accepting the upgrade and
// closing at once with code 1008 and the error message as the reason,
// which the script can read.
//
//	go run ./_example/websocket
//
// Then open http://localhost:8000 in a browser: log in, connect to either
// route, and edit the token to see how each one fails. From a shell, /ws
// refuses the handshake with a 401, and /ws-close answers 101 Switching
// Protocols, selecting paseto, followed by a close frame that carries the
// reason:
//
//	curl -i -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
//	  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Protocol: paseto, bad' localhost:8000/ws
//	curl -i --output - -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
//	  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Protocol: paseto, bad' localhost:8000/ws-close
package main

import (
	"context"
	"log"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampleapp"
)

func main() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleapp.SecretKey()))
	if err != nil {
		log.Fatal(err)
	}
	exampleapp.Serve(newRouter(auth))
}

func newRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := exampleapp.NewEngine()
	r.GET("/", func(c *gin.Context) {
		exampleapp.Page(c, "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(page))
	})
	r.POST("/login", func(c *gin.Context) {
		username, ok := exampleapp.Login(c)
		if !ok {
			return
		}
		token, err := auth.CreateAccessToken(c, username)
		if exampleapp.TokenFailed(c, err) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": token})
	})
	// The header, as on every route, and the subprotocol on these two.
	inProtocol := ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol)
	r.GET("/ws", auth.Required(inProtocol), echo(auth))
	r.GET("/ws-close", auth.Required(inProtocol, ginpaseto.CloseWebSocket()), echo(auth))
	return r
}

// echo upgrades an authenticated request and sends every message back,
// prefixed with the subject, until the client goes away or the token
// stops being valid: then it closes with 1008 and the reason, "Token has
// expired" or "Token has been revoked" (Authorizer.Watch). It selects the
// paseto subprotocol, which a browser that offered one requires: the
// other value offered is the token, which must never be sent back.
func echo(auth *ginpaseto.Authorizer) gin.HandlerFunc {
	return func(c *gin.Context) {
		conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol}})
		if err != nil {
			return // Accept has answered the client
		}
		defer conn.CloseNow()
		claims, _ := ginpaseto.GetClaims(c) // Required accepted it
		watched, stop := auth.Watch(c.Request.Context(), claims)
		defer stop()
		done := make(chan struct{})
		go func() {
			defer close(done)
			// Not watched's context: its end would drop the connection
			// before the close frame.
			for {
				typ, msg, err := conn.Read(context.Background())
				if err != nil {
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
				err = conn.Write(ctx, typ, []byte(claims.Subject+": "+string(msg)))
				cancel()
				if err != nil {
					return
				}
			}
		}()
		select {
		case <-watched.Done():
			code, reason := auth.WebSocketCloseStatus(context.Cause(watched))
			_ = conn.Close(websocket.StatusCode(code), reason)
		case <-done:
		}
	}
}

// writeTimeout bounds one echo to a client that does not read.
const writeTimeout = 10 * time.Second

// page logs in, connects to either route and shows what the close event
// tells a script.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ginpaseto WebSocket example</title>
<style>
body { font-family: sans-serif; max-width: 48em; margin: 2em auto; }
input[type=text] { width: 100%; box-sizing: border-box; }
#log { background: #f4f4f4; padding: 1em; min-height: 10em; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>WebSocket authentication</h1>
<p>
  <input id="username" value="test" aria-label="username">
  <input id="password" value="test" type="password" aria-label="password">
  <button id="login">Log in</button>
</p>
<p><label>Token (edit it to see a failure)<input id="token" type="text"></label></p>
<p>
  <button id="ws">Connect to /ws</button>
  <button id="ws-close">Connect to /ws-close</button>
  <button id="disconnect">Disconnect</button>
</p>
<p>
  <input id="message" value="hello" aria-label="message">
  <button id="send">Send</button>
</p>
<pre id="log"></pre>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let socket = null;

function log(line) {
  $("log").textContent += line + "\n";
}

$("login").onclick = async () => {
  const resp = await fetch("/login", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: $("username").value, password: $("password").value}),
  });
  const body = await resp.json();
  if (!resp.ok) {
    log("login: " + resp.status + " " + body.detail);
    return;
  }
  $("token").value = body.access_token;
  log("login: got an access token");
};

function connect(path) {
  if (socket) socket.close();
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = scheme + "//" + location.host + path;
  // The token travels as a subprotocol, after the name "paseto", never in
  // the URL.
  const token = $("token").value;
  const ws = new WebSocket(url, token ? ["paseto", token] : []);
  socket = ws;
  ws.onopen = () => log(path + ": open, subprotocol " + JSON.stringify(ws.protocol));
  ws.onmessage = (event) => log(path + ": received " + JSON.stringify(event.data));
  ws.onerror = () => log(path + ": error (a refused handshake shows nothing more)");
  ws.onclose = (event) => {
    log(path + ": close, code " + event.code + ", reason " + JSON.stringify(event.reason));
    if (socket === ws) socket = null;
  };
}

$("ws").onclick = () => connect("/ws");
$("ws-close").onclick = () => connect("/ws-close");
$("disconnect").onclick = () => { if (socket) socket.close(1000, "bye"); };
$("send").onclick = () => {
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    log("not connected");
    return;
  }
  socket.send($("message").value);
};
</script>
</body>
</html>
`
