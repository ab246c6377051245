package ginpaseto_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

// One route reads ?token=Bearer%20<token>, for a client that sends its
// token that way; the Authorizer's other routes keep the header alone.
func ExampleQueryPrefix() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/export", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InQuery), ginpaseto.QueryPrefix("Bearer")),
		func(c *gin.Context) { c.String(http.StatusOK, ginpaseto.Subject(c)) })
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	printResponse(r, httptest.NewRequest("GET", "/export?token="+url.QueryEscape("Bearer "+tok), nil))
	printResponse(r, bearerRequest("GET", "/export", tok))
	// Output:
	// 200 alice
	// 200 alice
}

// A download link carries its token in the path; the route keeps
// accepting the Authorization header, which comes first.
func ExampleAddTokenLocations_func() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	inPath := ginpaseto.InFunc(func(c *gin.Context) (string, error) { return c.Param("token"), nil })
	r := gin.New()
	r.GET("/download/:token", auth.TypeRequired("download", ginpaseto.AddTokenLocations(inPath)), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	alice, _ := auth.CreateToken(context.Background(), "alice", "download")
	bob, _ := auth.CreateToken(context.Background(), "bob", "download")

	req := httptest.NewRequest("GET", "/download/"+bob, nil)
	printResponse(r, req)
	req.Header.Set("Authorization", "Bearer "+alice)
	printResponse(r, req)
	// Output:
	// 200 bob
	// 200 alice
}

// AddTokenLocations lets one route read a place the Authorizer does not,
// here the WebSocket subprotocol, besides the header.
func ExampleAddTokenLocations() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/live", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InWebSocketProtocol)), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	req := httptest.NewRequest("GET", "/live", nil)
	req.Header.Set("Sec-WebSocket-Protocol", "paseto, "+tok)
	printResponse(r, req)
	printResponse(r, bearerRequest("GET", "/live", tok))
	// Output:
	// 200 alice
	// 200 alice
}

// A browser offers its token as a subprotocol after the name "paseto";
// the server selects that name, never the token. Here coder/websocket on
// both sides, as a Go client would do what the page does with
// new WebSocket(url, ["paseto", token]).
func ExampleWebSocketProtocol() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InWebSocketProtocol),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/ws", auth.Required(), func(c *gin.Context) {
		conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{
			Subprotocols: []string{ginpaseto.WebSocketProtocol},
		})
		if err != nil {
			return
		}
		defer conn.CloseNow()
		conn.Write(c.Request.Context(), websocket.MessageText, []byte("hello "+ginpaseto.Subject(c)))
		conn.Close(websocket.StatusNormalClosure, "")
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	conn, resp, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws",
		&websocket.DialOptions{Subprotocols: []string{ginpaseto.WebSocketProtocol, tok}})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.CloseNow()
	_, msg, _ := conn.Read(context.Background())
	fmt.Println(resp.Header.Get("Sec-WebSocket-Protocol"), string(msg))
	// Output:
	// paseto hello alice
}

// InWebSocketProtocol finds the token after the name "paseto" in the
// offered subprotocols; the name alone, or a token without it, is refused.
func ExampleInWebSocketProtocol() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/ws", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InWebSocketProtocol)), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")

	for _, offered := range []string{"paseto, " + tok, "paseto", tok} {
		req := httptest.NewRequest("GET", "/ws", nil)
		req.Header.Set("Sec-WebSocket-Protocol", offered)
		printResponse(r, req)
	}
	// Output:
	// 200 alice
	// 401 {"detail":"Bad Sec-WebSocket-Protocol header. Expected value 'paseto, <PASETO>'"}
	// 401 {"detail":"PASETO Authorization Token required"}
}

// Locations print as they are spelled in Go, parameters included.
func ExampleLocation_String() {
	fmt.Println(ginpaseto.InHeader, ginpaseto.InWebSocketProtocol)
	fmt.Println(ginpaseto.InHeader.Named("X-Api-Token").Prefix(""))
	fmt.Println(ginpaseto.InJSON.Named("token").MaxBodySize(1024))
	// Output:
	// InHeader InWebSocketProtocol
	// InHeader.Named("X-Api-Token").Prefix("")
	// InJSON.Named("token").MaxBodySize(1024)
}
