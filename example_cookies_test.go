package ginpaseto_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto"
)

// printCookies prints the Set-Cookie lines of w, with the values, which
// are random, cut short.
func printCookies(w *httptest.ResponseRecorder) {
	for _, line := range w.Result().Header.Values("Set-Cookie") {
		name, rest, _ := strings.Cut(line, "=")
		value, attrs, _ := strings.Cut(rest, ";")
		switch {
		case strings.HasPrefix(value, "v4.local."):
			value = "v4.local…"
		case value != "":
			value = "…"
		}
		fmt.Printf("%s=%s;%s\n", name, value, attrs)
	}
}

// A browser application's Authorizer: tokens in the Authorization header
// for API clients, or in the session cookies for the page. Login sends the
// cookies; unsafe requests with them must repeat the CSRF cookie's value in
// X-CSRF-Token.
func ExampleWithCookies() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InCookie),
		ginpaseto.WithCookies(ginpaseto.CookieConfig{}), // the secure defaults
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		// ... after checking the credentials:
		auth.StartSession(c, "alice", ginpaseto.SessionCookies())
	})
	r.POST("/notes", auth.Required(), func(c *gin.Context) { c.String(http.StatusCreated, ginpaseto.Subject(c)) })

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("POST", "/login", nil))
	printCookies(w)
	cookies := w.Result().Cookies()

	send := func(csrf string) {
		req := httptest.NewRequest("POST", "/notes", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		printResponse(r, req)
	}
	send("")
	send("guess")
	send(cookies[3].Value) // what the page's script reads from the CSRF cookie
	// Output:
	// __Host-access_token=v4.local…; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Lax
	// __Secure-refresh_token=v4.local…; Path=/refresh; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax
	// __Secure-refresh_token=v4.local…; Path=/logout; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax
	// __Host-csrf_token=…; Path=/; Max-Age=2592000; Secure; SameSite=Lax
	// 403 {"detail":"Missing CSRF Token"}
	// 403 {"detail":"CSRF double submit tokens do not match"}
	// 201 alice
}

// Names, paths, domain and SameSite are configurable; New refuses what
// browsers would drop, such as a __Host- cookie with a Domain.
func ExampleCookieConfig() {
	_, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{
		Domain: "example.com", // shared with the subdomains
	}))
	fmt.Println(err)
	_, err = ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{
		Domain:      "example.com",
		AccessName:  "__Secure-access_token",
		CSRFName:    "csrf_token",
		RefreshPath: "/auth/refresh",
		SameSite:    http.SameSiteStrictMode,
	}))
	fmt.Println(err)
	// Output:
	// ginpaseto: WithCookies: cookie "__Host-access_token": browsers accept a __Host- cookie only without a Domain and on Path /; drop the Domain and path, or rename it with __Secure-
	// <nil>
}

// For development over plain HTTP, on a name other than localhost, the
// cookies must lose Secure, and so their prefixes: ask for it by name.
func ExampleCookieConfig_insecure() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithCookies(ginpaseto.CookieConfig{Insecure: true}), // development only
	)
	if err != nil {
		log.Fatal(err)
	}
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	auth.SetSessionCookies(c, pair)
	printCookies(w)
	// Output:
	// access_token=v4.local…; Path=/; Max-Age=900; HttpOnly; SameSite=Lax
	// refresh_token=v4.local…; Path=/refresh; Max-Age=2592000; HttpOnly; SameSite=Lax
	// refresh_token=v4.local…; Path=/logout; Max-Age=2592000; HttpOnly; SameSite=Lax
	// csrf_token=…; Path=/; Max-Age=2592000; SameSite=Lax
}

// A login handler of the application's own sends the pair as cookies.
func ExampleAuthorizer_SetSessionCookies() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{}))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		pair, err := auth.CreateTokenPair(c, "alice")
		if err != nil {
			c.AbortWithStatus(http.StatusServiceUnavailable)
			return
		}
		if err := auth.SetSessionCookies(c, pair); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"user": "alice", "expires": pair.RefreshExpires})
	})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("POST", "/login", nil))
	fmt.Println(w.Code, len(w.Result().Cookies()), "cookies")
	// Output:
	// 200 4 cookies
}

// Clearing repeats every attribute the cookies were set with, so that
// the browser deletes those very cookies.
func ExampleAuthorizer_ClearSessionCookies() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{}))
	if err != nil {
		log.Fatal(err)
	}
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	auth.ClearSessionCookies(c)
	printCookies(w)
	// Output:
	// __Host-access_token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// __Secure-refresh_token=; Path=/refresh; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// __Secure-refresh_token=; Path=/logout; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// __Host-csrf_token=; Path=/; Max-Age=0; Secure; SameSite=Lax
}

// The page's script needs the CSRF cookie's name to read it.
func ExampleAuthorizer_CSRFCookieName() {
	secure, _ := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{}))
	plain, _ := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{Insecure: true}))
	fmt.Println(secure.CSRFCookieName(), plain.CSRFCookieName())
	// Output:
	// __Host-csrf_token csrf_token
}

// The page's script sends the CSRF cookie's value back in this header.
func ExampleAuthorizer_CSRFHeaderName() {
	byDefault, _ := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{}))
	custom, _ := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{CSRFHeader: "X-XSRF-Token"}))
	fmt.Println(byDefault.CSRFHeaderName(), custom.CSRFHeaderName())
	// Output:
	// X-CSRF-Token X-XSRF-Token
}

// The refresh route rotates the cookies when the refresh token came from
// one, and answers JSON to a client that sent it in the header.
func ExampleSessionCookies() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InCookie),
		ginpaseto.WithCookies(ginpaseto.CookieConfig{}),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/refresh", auth.RefreshRequired(), auth.RefreshHandler())
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")

	req := httptest.NewRequest("POST", "/refresh", nil)
	req.AddCookie(&http.Cookie{Name: "__Secure-refresh_token", Value: pair.RefreshToken})
	req.Header.Set("X-CSRF-Token", pair.CSRFToken)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, len(w.Result().Cookies()), "cookies, token in body:", strings.Contains(w.Body.String(), "v4.local."))
	// Output:
	// 200 4 cookies, token in body: false
}

// A handler can tell a browser's cookie from an API client's header.
func ExampleCookieAuthenticated() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InCookie),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.GET("/user", auth.Required(), func(c *gin.Context) {
		c.String(http.StatusOK, "cookie: %v", ginpaseto.CookieAuthenticated(c))
	})
	tok, _ := auth.CreateAccessToken(context.Background(), "alice")
	printResponse(r, bearerRequest("GET", "/user", tok))
	req := httptest.NewRequest("GET", "/user", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-access_token", Value: tok})
	printResponse(r, req)
	// Output:
	// 200 cookie: false
	// 200 cookie: true
}

// InCookie.Named reads a cookie of another name on one route; the CSRF
// checks apply to its tokens as to those of the session's cookie.
func ExampleInCookie() {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampleSecretKey), ginpaseto.WithCookies(ginpaseto.CookieConfig{}))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/legacy", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InCookie.Named("session"))), func(c *gin.Context) {
		c.String(http.StatusOK, ginpaseto.Subject(c))
	})
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	req := httptest.NewRequest("POST", "/legacy", nil)
	req.AddCookie(&http.Cookie{Name: "session", Value: pair.AccessToken})
	req.Header.Set("Origin", "https://elsewhere.example")
	printResponse(r, req)
	// Output:
	// 403 {"detail":"Cross-origin request refused"}
}

// The CSRF refusals wrap their own errors, for logs and custom error
// handlers.
func ExampleErrCSRFTokenMissing() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithTokenLocations(ginpaseto.InCookie),
		ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
			switch {
			case errors.Is(err, ginpaseto.ErrCrossOrigin), errors.Is(err, ginpaseto.ErrCSRFTokenMismatch):
				c.String(err.Status, "refused")
			case errors.Is(err, ginpaseto.ErrCSRFTokenMissing):
				c.String(err.Status, "reload the page and try again")
			default:
				ginpaseto.DefaultErrorHandler(c, err)
			}
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.DELETE("/notes/1", auth.Required(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	pair, _ := auth.CreateTokenPair(context.Background(), "alice")
	req := httptest.NewRequest("DELETE", "/notes/1", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-access_token", Value: pair.AccessToken})
	printResponse(r, req)
	// Output:
	// 403 reload the page and try again
}

// A login route that sets session cookies refuses posts from other
// origins' pages, which would otherwise log the visitor in to an account
// of the attacker's choosing (login CSRF). API clients, which send no
// Sec-Fetch-Site or Origin, and the site's own pages pass.
func ExampleAuthorizer_RefuseCrossOrigin() {
	auth, err := ginpaseto.New(
		ginpaseto.WithSecretKey(exampleSecretKey),
		ginpaseto.WithCookies(ginpaseto.CookieConfig{}),
	)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.POST("/login", auth.RefuseCrossOrigin(), func(c *gin.Context) {
		// ... after checking the credentials:
		auth.StartSession(c, "alice", ginpaseto.SessionCookies())
	})

	for _, site := range []string{"cross-site", "same-origin", ""} {
		req := httptest.NewRequest("POST", "https://example.com/login", strings.NewReader("username=mallory&password=x"))
		req.Header.Set("Content-Type", "text/plain")
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(w.Code, "session cookies set:", len(w.Result().Cookies()) > 0)
	}
	// Output:
	// 403 session cookies set: false
	// 200 session cookies set: true
	// 200 session cookies set: true
}
