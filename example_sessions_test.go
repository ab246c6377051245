package ginpaseto_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

// pairOf decodes the pair a session handler answered.
func pairOf(h http.Handler, req *http.Request) ginpaseto.TokenPair {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var p ginpaseto.TokenPair
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		log.Fatal(w.Code, w.Body.String())
	}
	return p
}

// The whole session life cycle with the ready-made handlers: login starts
// a session, refresh rotates it, logout ends it.
func Example_sessions() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		// Check the credentials here; then:
		auth.StartSession(c, "alice")
	})
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	r.POST("/logout", auth.LogoutHandler())
	r.GET("/user", auth.Required(), func(c *gin.Context) { c.String(http.StatusOK, ginpaseto.Subject(c)) })

	login := pairOf(r, bearerRequest("POST", "/login", ""))
	next := pairOf(r, bearerRequest("POST", "/refresh", login.RefreshToken))
	printResponse(r, bearerRequest("GET", "/user", next.AccessToken))
	printResponse(r, bearerRequest("POST", "/logout", next.AccessToken))
	printResponse(r, bearerRequest("GET", "/user", next.AccessToken))
	printResponse(r, bearerRequest("POST", "/refresh", next.RefreshToken))
	// Output:
	// 200 alice
	// 204
	// 401 {"detail":"Token has been revoked"}
	// 401 {"detail":"Token has been revoked"}
}

func ExampleAuthorizer_CreateTokenPair() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	pair, err := auth.CreateTokenPair(context.Background(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	access, _ := auth.ParseToken(pair.AccessToken)
	refresh, _ := auth.ParseToken(pair.RefreshToken)
	fmt.Println(access.Type, access.Fresh, refresh.Type)
	fmt.Println(access.SessionID == pair.SessionID, refresh.SessionID == pair.SessionID)
	fmt.Println(pair.RefreshExpires.Sub(pair.AccessExpires))
	// Output:
	// access true refresh
	// true true
	// 719h45m0s
}

func ExampleAuthorizer_RotateRefreshToken() {
	now := time.Now()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithClock(func() time.Time { return now }))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	first, _ := auth.CreateTokenPair(ctx, "alice")
	used, _ := auth.ParseToken(first.RefreshToken)

	second, err := auth.RotateRefreshToken(ctx, used)
	fmt.Println(err, second.SessionID == first.SessionID)

	// The same refresh token again within the refresh grace: another tab
	// or a retried request. It gets a pair of the same session, whose
	// refresh token is the one the first rotation issued.
	again, err := auth.RotateRefreshToken(ctx, used)
	fmt.Println(err, again.SessionID == second.SessionID)

	// The same refresh token after the grace: a replay or a stolen copy.
	// The whole session ends, so the newest pair stops working too.
	now = now.Add(time.Minute)
	_, err = auth.RotateRefreshToken(ctx, used)
	fmt.Println(err, errors.Is(err, ginpaseto.ErrRefreshTokenReused))
	_, err = auth.CheckToken(ctx, second.AccessToken, ginpaseto.TypeAccess)
	fmt.Println(err)
	// Output:
	// <nil> true
	// <nil> true
	// Refresh token reuse detected: ginpaseto: refresh token reused: the session was ended true
	// Token has been revoked
}

// ErrRefreshTokenReused tells a reused refresh token apart, for the logs
// or to alert the user.
func ExampleErrRefreshTokenReused() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithRefreshGrace(0), ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
		if errors.Is(err, ginpaseto.ErrRefreshTokenReused) {
			fmt.Println("log: refresh token reused, session ended for", ginpaseto.Subject(c))
		}
		ginpaseto.DefaultErrorHandler(c, err)
	}))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	pairOf(r, bearerRequest("POST", "/refresh", pair.RefreshToken))
	printResponse(r, bearerRequest("POST", "/refresh", pair.RefreshToken))
	// Output:
	// log: refresh token reused, session ended for alice
	// 401 {"detail":"Refresh token reuse detected"}
}

func ExampleAuthorizer_RevokeSession() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	laptop, _ := auth.CreateTokenPair(ctx, "alice")
	phone, _ := auth.CreateTokenPair(ctx, "alice")

	// A "sign out this device" button: end one session.
	if err := auth.RevokeSession(ctx, laptop.SessionID); err != nil {
		log.Fatal(err)
	}
	_, err = auth.CheckToken(ctx, laptop.RefreshToken, ginpaseto.TypeRefresh)
	fmt.Println("laptop:", err)
	_, err = auth.CheckToken(ctx, phone.AccessToken, ginpaseto.TypeAccess)
	fmt.Println("phone:", err)
	// Output:
	// laptop: Token has been revoked
	// phone: <nil>
}

// Log out everywhere, as a password change should. A session started right
// after is accepted, even within the same second.
func ExampleAuthorizer_RevokeSubject() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	laptop, _ := auth.CreateTokenPair(ctx, "alice")
	phone, _ := auth.CreateTokenPair(ctx, "alice")
	bob, _ := auth.CreateTokenPair(ctx, "bob")

	if err := auth.RevokeSubject(ctx, "alice"); err != nil {
		log.Fatal(err)
	}
	again, _ := auth.CreateTokenPair(ctx, "alice")
	for _, tok := range []string{laptop.AccessToken, phone.RefreshToken, bob.AccessToken, again.AccessToken} {
		claims, _ := auth.ParseToken(tok)
		_, err := auth.CheckToken(ctx, tok, claims.Type)
		fmt.Println(claims.Subject, claims.Type, err)
	}
	// Output:
	// alice access Token has been revoked
	// alice refresh Token has been revoked
	// bob access <nil>
	// alice access <nil>
}

// A login without "remember me" gets a refresh token of a day; the role
// goes in the access token only.
func ExampleForToken() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	pair, err := auth.CreateTokenPair(context.Background(), "alice",
		ginpaseto.ForToken(ginpaseto.TypeRefresh, ginpaseto.ExpiresIn(24*time.Hour)),
		ginpaseto.ForToken(ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"role": "admin"})),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pair.RefreshExpires.Sub(pair.AccessExpires))
	refresh, _ := auth.ParseToken(pair.RefreshToken)
	var role string
	fmt.Println(refresh.Get("role", &role))

	// A lifetime for both tokens at once would be ambiguous.
	_, err = auth.CreateTokenPair(context.Background(), "alice", ginpaseto.ExpiresIn(time.Hour))
	fmt.Println(err)
	// Output:
	// 23h45m0s
	// ginpaseto: claim not present: "role"
	// ginpaseto: CreateTokenPair: a lifetime option would apply to both tokens; wrap it in ForToken(TypeAccess, ...) or ForToken(TypeRefresh, ...)
}

// An access token shorter-lived than the Authorizer's default, for this
// login only.
func ExampleForToken_accessLifetime() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	pair, err := auth.CreateTokenPair(context.Background(), "alice",
		ginpaseto.ForToken(ginpaseto.TypeAccess, ginpaseto.ExpiresIn(5*time.Minute)),
	)
	if err != nil {
		log.Fatal(err)
	}
	access, _ := auth.ParseToken(pair.AccessToken)
	fmt.Println(access.Expiration.Sub(access.IssuedAt))
	// Output:
	// 5m0s
}

// TokenPair is what the session handlers answer; the session ID stays on
// the server.
func ExampleTokenPair() {
	pair := ginpaseto.TokenPair{
		AccessToken:    "v4.local.access…",
		RefreshToken:   "v4.local.refresh…",
		AccessExpires:  time.Date(2026, 3, 1, 12, 15, 0, 0, time.UTC),
		RefreshExpires: time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC),
		SessionID:      "2c5ea4c0-4067-4f2b-9c1e-8b6d0f1f6a7e",
	}
	body, _ := json.Marshal(pair)
	fmt.Println(string(body))
	// Output:
	// {"access_token":"v4.local.access…","refresh_token":"v4.local.refresh…","access_expires":"2026-03-01T12:15:00Z","refresh_expires":"2026-03-31T12:00:00Z"}
}

// users is the application's user store in the handler examples.
var users = map[string]string{"alice": "admin"}

// PairOptions reads the user's role again at every refresh, and refuses a
// user that no longer exists.
func ExamplePairOptions() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	withRole := ginpaseto.PairOptions(func(_ *gin.Context, subject string) ([]ginpaseto.TokenOption, error) {
		role, ok := users[subject]
		if !ok {
			return nil, &ginpaseto.Error{Status: http.StatusUnauthorized, Message: "Unknown user", Err: ginpaseto.ErrTokenRevoked}
		}
		return []ginpaseto.TokenOption{ginpaseto.ForToken(ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"role": role}))}, nil
	})
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, c.Query("user"), withRole) })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler(withRole))

	pair := pairOf(r, bearerRequest("POST", "/login?user=alice", ""))
	users["alice"] = "member"
	pair = pairOf(r, bearerRequest("POST", "/refresh", pair.RefreshToken))
	access, _ := auth.ParseToken(pair.AccessToken)
	var role string
	access.Get("role", &role)
	fmt.Println(role)

	delete(users, "alice")
	printResponse(r, bearerRequest("POST", "/refresh", pair.RefreshToken))
	// Output:
	// member
	// 401 {"detail":"Unknown user"}
}

// HandlerOption values are shared by the session handlers; PairOptions is
// one.
func ExampleHandlerOption() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	opts := []ginpaseto.HandlerOption{
		ginpaseto.PairOptions(func(*gin.Context, string) ([]ginpaseto.TokenOption, error) {
			return []ginpaseto.TokenOption{ginpaseto.Issuer("https://auth.example.com")}, nil
		}),
	}
	r := gin.New()
	r.POST("/login", func(c *gin.Context) { auth.StartSession(c, "alice", opts...) })
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler(opts...))
	pair := pairOf(r, bearerRequest("POST", "/login", ""))
	claims, _ := auth.ParseToken(pair.RefreshToken)
	fmt.Println(claims.Issuer)
	// Output:
	// https://auth.example.com
}

func ExampleAuthorizer_StartSession() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		var creds struct{ Username, Password string }
		if c.ShouldBindJSON(&creds) != nil || creds.Username != "alice" || creds.Password != "correct horse" {
			c.JSON(http.StatusUnauthorized, gin.H{"detail": "Bad username or password"})
			return
		}
		if _, err := auth.StartSession(c, creds.Username); err != nil {
			log.Print(err) // StartSession has answered the error already
		}
	})
	req := httptest.NewRequest("POST", "/login", strings.NewReader(`{"username":"alice","password":"correct horse"}`))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	var body map[string]any
	json.Unmarshal(w.Body.Bytes(), &body)
	fmt.Println(w.Code, len(body), body["access_token"] != nil, body["refresh_token"] != nil)
	// Output:
	// 200 4 true true
}

func ExampleAuthorizer_RefreshHandler() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())

	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	next := pairOf(r, bearerRequest("POST", "/refresh", pair.RefreshToken))
	claims, _ := auth.ParseToken(next.AccessToken)
	fmt.Println(claims.Subject, claims.Fresh)
	printResponse(r, bearerRequest("POST", "/refresh", pair.AccessToken))
	// Output:
	// alice false
	// 401 {"detail":"Refresh token required but access provided"}
}

// The logout route needs no check before it: it accepts the access token,
// or the refresh token once the access token has expired.
func ExampleAuthorizer_LogoutHandler() {
	clock := newClock()
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithClock(clock.Now))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/logout", auth.LogoutHandler())
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())

	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	printResponse(r, bearerRequest("POST", "/logout", pair.AccessToken))
	printResponse(r, bearerRequest("POST", "/refresh", pair.RefreshToken))

	idle, _ := auth.CreateTokenPair(context.Background(), "alice")
	clock.Advance(time.Hour) // the access token has expired
	printResponse(r, bearerRequest("POST", "/logout", idle.AccessToken))
	printResponse(r, bearerRequest("POST", "/logout", idle.RefreshToken))
	printResponse(r, bearerRequest("POST", "/refresh", idle.RefreshToken))
	// Output:
	// 204
	// 401 {"detail":"Token has been revoked"}
	// 401 {"detail":"Token has expired"}
	// 204
	// 401 {"detail":"Token has been revoked"}
}

// Everywhere makes the logout route end every session of the user, on
// every device.
func ExampleEverywhere() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/logout-all", auth.LogoutHandler(ginpaseto.Everywhere()))
	r.GET("/user", auth.Required(), func(c *gin.Context) { c.String(http.StatusOK, ginpaseto.Subject(c)) })

	laptop, _ := auth.CreateTokenPair(context.Background(), "alice")
	phone, _ := auth.CreateTokenPair(context.Background(), "alice")
	printResponse(r, bearerRequest("POST", "/logout-all", phone.AccessToken))
	printResponse(r, bearerRequest("GET", "/user", laptop.AccessToken))
	// Output:
	// 204
	// 401 {"detail":"Token has been revoked"}
}

// Abort answers an application's errors as the checks answer theirs,
// through the error handler.
func ExampleAuthorizer_Abort() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithStore(unreachableStore{}))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		// Check the credentials here; then:
		pair, err := auth.CreateTokenPair(c, "alice")
		if err != nil {
			auth.Abort(c, err)
			fmt.Println("log:", c.Errors.Last())
			return
		}
		c.JSON(http.StatusOK, pair)
	})
	r.GET("/account", func(c *gin.Context) {
		auth.Abort(c, fmt.Errorf("loading the account: %w", ginpaseto.ErrTokenExpired))
	})
	printResponse(r, bearerRequest("POST", "/login", ""))
	printResponse(r, bearerRequest("GET", "/account", ""))
	// Output:
	// log: Session store unavailable: ginpaseto: session store unavailable; dial tcp 10.0.0.7:6379: connection refused
	// 503 {"detail":"Session store unavailable"}
	// 401 {"detail":"Token has expired"}
}

// unreachableStore is a Store whose server cannot be reached.
type unreachableStore struct{ ginpaseto.Store }

func (unreachableStore) CreateSession(context.Context, ginpaseto.Session) error {
	return errors.New("dial tcp 10.0.0.7:6379: connection refused")
}

// One store shared by two Authorizers of one process, with tighter bounds
// than the defaults.
func ExampleWithStore() {
	store := &ginpaseto.MemoryStore{SessionsPerSubject: 10}
	web, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	api, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	pair, _ := web.CreateTokenPair(context.Background(), "alice")
	if err := api.RevokeSession(context.Background(), pair.SessionID); err != nil {
		log.Fatal(err)
	}
	_, err = web.CheckToken(context.Background(), pair.AccessToken, ginpaseto.TypeAccess)
	fmt.Println(err)
	// Output:
	// Token has been revoked
}

// A bound that allows nothing is a mistake that New reports.
func ExampleMemoryStore_badBound() {
	_, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithStore(&ginpaseto.MemoryStore{SessionsPerSubject: -1}),
	)
	fmt.Println(err)
	// Output:
	// ginpaseto: MemoryStore.SessionsPerSubject is -1; use at least 1, or 0 for the default 100
}

// A subject's oldest session ends when one more would exceed the bound,
// so one account can only ever hold its own share of the store.
func ExampleMemoryStore_sessionsPerSubject() {
	store := &ginpaseto.MemoryStore{SessionsPerSubject: 2}
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	var pairs []*ginpaseto.TokenPair
	for range 3 {
		pair, _ := auth.CreateTokenPair(ctx, "alice")
		pairs = append(pairs, pair)
	}
	for i, pair := range pairs {
		_, err := auth.CheckToken(ctx, pair.AccessToken, ginpaseto.TypeAccess)
		fmt.Println(i, err)
	}
	// Output:
	// 0 Token has been revoked
	// 1 <nil>
	// 2 <nil>
}

// Beyond its bound of single-token revocations, a subject is revoked as a
// whole: no revocation is ever forgotten.
func ExampleMemoryStore_revocationsPerSubject() {
	store := &ginpaseto.MemoryStore{RevocationsPerSubject: 2}
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	session, _ := auth.CreateTokenPair(ctx, "alice")
	for range 3 {
		tok, _ := auth.CreateAccessToken(ctx, "alice")
		claims, _ := auth.ParseToken(tok)
		if err := auth.Revoke(ctx, claims); err != nil {
			log.Fatal(err)
		}
	}
	_, err = auth.CheckToken(ctx, session.AccessToken, ginpaseto.TypeAccess)
	fmt.Println(err)
	// Output:
	// Token has been revoked
}

// The store's methods are what the Authorizer calls; tools that work on
// the store offline, such as a script ending a user's sessions, can call
// them directly.
func ExampleMemoryStore() {
	var store ginpaseto.MemoryStore // the zero value is ready to use
	ctx := context.Background()
	expires := time.Now().Add(time.Hour)
	err := store.CreateSession(ctx, ginpaseto.Session{ID: "s1", Subject: "alice", RefreshJTI: "r1", Expires: expires})
	fmt.Println(err)
	_, err = store.RotateSession(ctx, "r1", ginpaseto.Session{ID: "s1", Subject: "alice", RefreshJTI: "r2", Expires: expires}, 0)
	fmt.Println(err)
	_, err = store.RotateSession(ctx, "r1", ginpaseto.Session{ID: "s1", Subject: "alice", RefreshJTI: "r3", Expires: expires}, 0)
	fmt.Println(errors.Is(err, ginpaseto.ErrRefreshTokenReused))
	revoked, _ := store.IsRevoked(ctx, &ginpaseto.Claims{Subject: "alice", SessionID: "s1"})
	fmt.Println(revoked)
	// Output:
	// <nil>
	// <nil>
	// true
	// true
}

func ExampleMemoryStore_IsRevoked() {
	store := &ginpaseto.MemoryStore{}
	ctx := context.Background()
	token := &ginpaseto.Claims{Subject: "alice", JTI: "t1", Expiration: time.Now().Add(time.Hour)}
	before, _ := store.IsRevoked(ctx, token)
	store.Revoke(ctx, token)
	after, _ := store.IsRevoked(ctx, token)
	ofSession, _ := store.IsRevoked(ctx, &ginpaseto.Claims{Subject: "alice", SessionID: "never-created"})
	fmt.Println(before, after, ofSession)
	// Output:
	// false true true
}

func ExampleMemoryStore_Revoke() {
	store := &ginpaseto.MemoryStore{}
	ctx := context.Background()
	token := &ginpaseto.Claims{Subject: "alice", JTI: "t1", Expiration: time.Now().Add(time.Hour)}
	fmt.Println(store.Revoke(ctx, token))
	err := store.Revoke(ctx, token)
	fmt.Println(errors.Is(err, ginpaseto.ErrTokenRevoked))
	// Output:
	// <nil>
	// true
}

func ExampleMemoryStore_CreateSession() {
	store := &ginpaseto.MemoryStore{}
	ctx := context.Background()
	err := store.CreateSession(ctx, ginpaseto.Session{ID: "s1", Subject: "alice", RefreshJTI: "r1", Expires: time.Now().Add(time.Hour)})
	live, _ := store.IsRevoked(ctx, &ginpaseto.Claims{Subject: "alice", SessionID: "s1"})
	fmt.Println(err, !live)
	// Output:
	// <nil> true
}

func ExampleMemoryStore_RotateSession() {
	store := &ginpaseto.MemoryStore{}
	ctx := context.Background()
	next := ginpaseto.Session{ID: "s1", Subject: "alice", RefreshJTI: "r2", Expires: time.Now().Add(time.Hour)}
	_, err := store.RotateSession(ctx, "r1", next, 30*time.Second)
	fmt.Println(errors.Is(err, ginpaseto.ErrTokenRevoked)) // no such session
	// Output:
	// true
}

func ExampleMemoryStore_RevokeSession() {
	store := &ginpaseto.MemoryStore{}
	ctx := context.Background()
	store.CreateSession(ctx, ginpaseto.Session{ID: "s1", Subject: "alice", RefreshJTI: "r1", Expires: time.Now().Add(time.Hour)})
	fmt.Println(store.RevokeSession(ctx, "s1"), store.RevokeSession(ctx, "s1"))
	revoked, _ := store.IsRevoked(ctx, &ginpaseto.Claims{Subject: "alice", SessionID: "s1"})
	fmt.Println(revoked)
	// Output:
	// <nil> <nil>
	// true
}

func ExampleMemoryStore_RevokeSubject() {
	store := &ginpaseto.MemoryStore{}
	ctx := context.Background()
	cutoff := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	store.RevokeSubject(ctx, "alice", cutoff, cutoff.Add(30*24*time.Hour))
	for _, iat := range []time.Time{cutoff.Add(-time.Hour), cutoff, cutoff.Add(time.Second)} {
		revoked, _ := store.IsRevoked(ctx, &ginpaseto.Claims{Subject: "alice", IssuedAt: iat})
		fmt.Println(iat.Format(time.TimeOnly), revoked)
	}
	// Output:
	// 11:00:00 true
	// 12:00:00 true
	// 12:00:01 false
}

// loggingStore wraps a Store, as an application might to count its calls
// or add tracing; everything else is the wrapped store's.
type loggingStore struct{ ginpaseto.Store }

func (s loggingStore) RevokeSession(ctx context.Context, sessionID string) error {
	fmt.Println("store: ending a session")
	return s.Store.RevokeSession(ctx, sessionID)
}

func ExampleStore() {
	memory := &ginpaseto.MemoryStore{}
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithStore(loggingStore{memory}))
	if err != nil {
		log.Fatal(err)
	}
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	fmt.Println(auth.RevokeSession(context.Background(), pair.SessionID))
	// Output:
	// store: ending a session
	// <nil>
}

func ExampleSession() {
	s := ginpaseto.Session{
		ID:         "2c5ea4c0-4067-4f2b-9c1e-8b6d0f1f6a7e",
		Subject:    "alice",
		RefreshJTI: "c0b6f1d2-6a2e-4c3b-8f4e-1d2c3b4a5f6e",
		Expires:    time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC),
	}
	store := &ginpaseto.MemoryStore{}
	fmt.Println(store.CreateSession(context.Background(), s))
	// Output:
	// <nil>
}
