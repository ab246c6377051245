package ginpaseto_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

func ExampleSessionMetadata() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, err = auth.CreateTokenPair(ctx, "alice", ginpaseto.SessionMetadata(map[string]string{"device": "Work laptop"}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = auth.CreateTokenPair(ctx, "alice", ginpaseto.SessionMetadata(map[string]string{"device": "v4.local.not-a-label"}))
	fmt.Println(err)
	sessions, err := auth.Sessions(ctx, "alice")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(sessions), sessions[0].Metadata["device"])
	// Output:
	// Invalid session metadata: ginpaseto: SessionMetadata: the value of "device" looks like a token or a key; session metadata is shown in every listing and must hold nothing secret
	// 1 Work laptop
}

func ExampleAuthorizer_Sessions() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, device := range []string{"phone", "laptop"} {
		if _, err := auth.CreateTokenPair(ctx, "alice", ginpaseto.SessionMetadata(map[string]string{"device": device})); err != nil {
			log.Fatal(err)
		}
	}
	sessions, err := auth.Sessions(ctx, "alice")
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sessions {
		fmt.Println(s.Metadata["device"], s.Refreshed.Equal(s.Started), s.Ends.Sub(s.Started))
	}
	// Output:
	// phone true 720h0m0s
	// laptop true 720h0m0s
}

// devicesRouter is the device routes of an application.
func devicesRouter(auth *ginpaseto.Authorizer) *gin.Engine {
	r := gin.New()
	r.POST("/login/:device", func(c *gin.Context) {
		// Check the credentials here; then:
		auth.StartSession(c, "alice", ginpaseto.PairOptions(func(c *gin.Context, _ string) ([]ginpaseto.TokenOption, error) {
			return []ginpaseto.TokenOption{ginpaseto.SessionMetadata(map[string]string{"device": c.Param("device")})}, nil
		}))
	})
	r.GET("/sessions", auth.Required(), auth.SessionsHandler())
	r.DELETE("/sessions/:id", auth.Required(), auth.EndSessionHandler("id"))
	r.POST("/logout-others", auth.Required(), auth.LogoutHandler(ginpaseto.Others()))
	return r
}

// printSessions prints what GET /sessions answers to token.
func printSessions(r http.Handler, token string) (ids []string) {
	w := httptest.NewRecorder()
	r.ServeHTTP(w, bearerRequest("GET", "/sessions", token))
	var list []struct {
		ID       string            `json:"id"`
		Current  bool              `json:"current"`
		Metadata map[string]string `json:"metadata"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil {
		log.Fatal(w.Code, w.Body.String())
	}
	var line []string
	for _, s := range list {
		line = append(line, fmt.Sprintf("%s current=%v", s.Metadata["device"], s.Current))
		ids = append(ids, s.ID)
	}
	fmt.Println(strings.Join(line, "; "))
	return ids
}

// A "where am I logged in?" page: the list of the caller's sessions, the
// current one marked.
func ExampleAuthorizer_SessionsHandler() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := devicesRouter(auth)
	pairOf(r, bearerRequest("POST", "/login/phone", ""))
	laptop := pairOf(r, bearerRequest("POST", "/login/laptop", ""))
	printSessions(r, laptop.AccessToken)
	// Output:
	// phone current=false; laptop current=true
}

// Ending one of the caller's sessions by its ID, from the list.
func ExampleAuthorizer_EndSessionHandler() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := devicesRouter(auth)
	phone := pairOf(r, bearerRequest("POST", "/login/phone", ""))
	laptop := pairOf(r, bearerRequest("POST", "/login/laptop", ""))
	ids := printSessions(r, laptop.AccessToken)
	printResponse(r, bearerRequest("DELETE", "/sessions/"+ids[0], laptop.AccessToken))
	printResponse(r, bearerRequest("DELETE", "/sessions/"+ids[0], laptop.AccessToken))
	printResponse(r, bearerRequest("GET", "/sessions", phone.AccessToken))
	printSessions(r, laptop.AccessToken)
	// Output:
	// phone current=false; laptop current=true
	// 204
	// 404 {"detail":"Session not found"}
	// 401 {"detail":"Token has been revoked"}
	// laptop current=true
}

// "Log out my other devices".
func ExampleOthers() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := devicesRouter(auth)
	pairOf(r, bearerRequest("POST", "/login/phone", ""))
	pairOf(r, bearerRequest("POST", "/login/tablet", ""))
	laptop := pairOf(r, bearerRequest("POST", "/login/laptop", ""))
	printResponse(r, bearerRequest("POST", "/logout-others", laptop.AccessToken))
	printSessions(r, laptop.AccessToken)
	// Output:
	// 204
	// laptop current=true
}

// A long-lived connection ends with its session: the context that Watch
// returns is cancelled, with the reason as its cause, when the session is
// logged out, here from another request.
func ExampleAuthorizer_Watch() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	pair, err := auth.CreateTokenPair(ctx, "alice")
	if err != nil {
		log.Fatal(err)
	}
	claims, err := auth.CheckToken(ctx, pair.AccessToken, ginpaseto.TypeAccess)
	if err != nil {
		log.Fatal(err)
	}
	// In a WebSocket or server-sent events handler, with the claims of the
	// check that accepted it (GetClaims) and the request's context.
	watched, stop := auth.Watch(ctx, claims)
	defer stop()

	if err := auth.RevokeSession(ctx, pair.SessionID); err != nil { // a logout, anywhere
		log.Fatal(err)
	}
	<-watched.Done()
	fmt.Println(context.Cause(watched))
	fmt.Println(auth.WebSocketCloseStatus(context.Cause(watched)))
	// Output:
	// Token has been revoked
	// 1008 Token has been revoked
}

// The close frame of a WebSocket whose token stopped being valid, with
// github.com/coder/websocket:
//
//	watched, stop := auth.Watch(c.Request.Context(), claims)
//	defer stop()
//	<-watched.Done()
//	code, reason := auth.WebSocketCloseStatus(context.Cause(watched))
//	conn.Close(websocket.StatusCode(code), reason)
func ExampleAuthorizer_WebSocketCloseStatus() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	expired := &ginpaseto.Error{Status: http.StatusUnauthorized, Message: "Token has expired", Err: ginpaseto.ErrTokenExpired}
	fmt.Println(auth.WebSocketCloseStatus(expired))
	fmt.Println(auth.WebSocketCloseStatus(context.Canceled))
	// Output:
	// 1008 Token has expired
	// 1000
}
