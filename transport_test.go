package ginpaseto_test

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// upgrade is the header pairs of a WebSocket upgrade request.
var upgrade = []string{"Upgrade", "websocket", "Connection", "Upgrade"}

const missing = "PASETO Authorization Token required"

func TestHeaderConfig(t *testing.T) {
	auth := newAuth(t)
	tok := token(t, auth, ginpaseto.TypeAccess)
	bare := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Token").Prefix("")))
	paseto := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("Authorization").Prefix("PASETO")))
	badBare := detail("Bad X-Token header. Expected value '<PASETO>'")
	badPaseto := detail("Bad Authorization header. Expected value 'PASETO <PASETO>'")
	tests := []struct {
		name    string
		auth    *ginpaseto.Authorizer
		headers []string
		status  int
		body    string
	}{
		{"bare token", bare, []string{"X-Token", tok}, 200, user("alice")},
		{"bare token, lower-case header name", bare, []string{"x-token", tok}, 200, user("alice")},
		{"bare: prefix sent", bare, []string{"X-Token", "Bearer " + tok}, 401, badBare},
		{"bare: Authorization ignored", bare, []string{"Authorization", "Bearer " + tok}, 401, detail(missing)},
		{"PASETO prefix", paseto, []string{"Authorization", "PASETO " + tok}, 200, user("alice")},
		{"PASETO prefix, any case", paseto, []string{"Authorization", "paseto " + tok}, 200, user("alice")},
		{"PASETO prefix: Bearer sent", paseto, []string{"Authorization", "Bearer " + tok}, 401, badPaseto},
		{"PASETO prefix: glued", paseto, []string{"Authorization", "PASETO" + tok}, 401, badPaseto},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, do(t, serve(t, routes(tt.auth)), request{path: "/required", headers: tt.headers}), tt.status, tt.body)
		})
	}
}

func TestMalformedHeader(t *testing.T) {
	auth := newAuth(t)
	srv := serve(t, routes(auth))
	tok := token(t, auth, ginpaseto.TypeAccess)
	bad := detail("Bad Authorization header. Expected value 'Bearer <PASETO>'")
	tests := []struct {
		name    string
		headers []string
		status  int
		body    string
	}{
		{"prefix only", []string{"Authorization", "Bearer"}, 401, bad},
		{"prefix and spaces", []string{"Authorization", "Bearer  "}, 401, bad},
		{"two tokens", []string{"Authorization", "Bearer a b"}, 401, bad},
		{"token then junk", []string{"Authorization", "Bearer " + tok + " x"}, 401, bad},
		{"tab inside", []string{"Authorization", "Bearer " + tok + "\tx"}, 401, bad},
		{"other scheme", []string{"Authorization", "Basic dXNlcjpwYXNz"}, 401, bad},
		{"glued", []string{"Authorization", "Bearer" + tok}, 401, bad},
		{"token without prefix", []string{"Authorization", tok}, 401, bad},
		{"two headers", []string{"Authorization", "Bearer " + tok, "Authorization", "Bearer " + tok}, 401, bad},
		{"an empty header, then a token", []string{"Authorization", "", "Authorization", "Bearer " + tok}, 401, bad},
		{"empty header", []string{"Authorization", ""}, 401, detail(missing)},
		{"extra spaces after prefix", []string{"Authorization", "Bearer   " + tok}, 200, user("alice")},
		{"upper-case prefix", []string{"Authorization", "BEARER " + tok}, 200, user("alice")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, request{path: "/required", headers: tt.headers})
			expect(t, got, tt.status, tt.body)
		})
	}
}

func TestQueryParam(t *testing.T) {
	auth := newAuth(t)
	tok := token(t, auth, ginpaseto.TypeAccess)
	query := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InQuery))
	renamed := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InQuery.Named("t")))
	prefixed := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InQuery), ginpaseto.QueryPrefix("Bearer"))
	located := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InQuery.Prefix("Bearer")))
	badBare := detail("Bad query parameter 'token'. Expected value '<PASETO>'")
	badBearer := detail("Bad query parameter 'token'. Expected value 'Bearer <PASETO>'")
	tests := []struct {
		name    string
		auth    *ginpaseto.Authorizer
		query   string
		headers []string
		status  int
		body    string
	}{
		// The default lookup is the header alone, in upgrades too: the two
		// headers of an upgrade are no credential any client lacks.
		{"default: plain request", auth, "?token=" + tok, nil, 401, detail(missing)},
		{"default: websocket upgrade", auth, "?token=" + tok, upgrade, 401, detail(missing)},
		{"listed: plain request", query, "?token=" + tok, nil, 200, user("alice")},
		{"listed: websocket upgrade", query, "?token=" + tok, upgrade, 200, user("alice")},
		{"listed: invalid token", query, "?token=v4.local.AAAA", nil, 401, detail("Invalid PASETO token")},
		{"listed: header first", query, "?token=v4.local.AAAA", []string{"Authorization", "Bearer " + tok}, 200, user("alice")},
		{"listed: empty value", query, "?token=", nil, 401, detail(missing)},
		{"listed: given twice", query, "?token=" + tok + "&token=" + tok, nil, 401, badBare},
		{"listed: a prefix where none is configured", query, "?token=Bearer%20" + tok, nil, 401, badBare},
		{"renamed", renamed, "?t=" + tok, nil, 200, user("alice")},
		{"renamed: old name ignored", renamed, "?token=" + tok, nil, 401, detail(missing)},
		{"prefix", prefixed, "?token=Bearer%20" + tok, nil, 200, user("alice")},
		{"prefix, plus for the space", prefixed, "?token=Bearer+" + tok, nil, 200, user("alice")},
		{"prefix in lower case", prefixed, "?token=bearer%20" + tok, nil, 200, user("alice")},
		{"prefix: bare token", prefixed, "?token=" + tok, nil, 401, badBearer},
		{"prefix alone", prefixed, "?token=Bearer%20", nil, 401, badBearer},
		{"prefix: two tokens", prefixed, "?token=Bearer%20" + tok + "%20" + tok, nil, 401, badBearer},
		{"prefix of the location", located, "?token=Bearer%20" + tok, nil, 200, user("alice")},
		{"prefix of the location: bare token", located, "?token=" + tok, nil, 401, badBearer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, serve(t, routes(tt.auth)), request{path: "/required" + tt.query, headers: tt.headers})
			expect(t, got, tt.status, tt.body)
		})
	}

	_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.QueryPrefix("two words"))
	assert.ErrorContains(t, err, "QueryPrefix")
}

func TestWebSocketProtocolToken(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InWebSocketProtocol))
	srv := serve(t, routes(auth))
	tok := token(t, auth, ginpaseto.TypeAccess)
	bob, err := auth.CreateAccessToken(t.Context(), "bob")
	require.NoError(t, err)
	bad := detail("Bad Sec-WebSocket-Protocol header. Expected value 'paseto, <PASETO>'")
	proto := func(values ...string) []string {
		var h []string
		for _, v := range values {
			h = append(h, "Sec-WebSocket-Protocol", v)
		}
		return h
	}
	tests := []struct {
		name    string
		headers []string
		status  int
		body    string
	}{
		{"as a browser sends it", proto("paseto, " + tok), 200, user("alice")},
		{"no space after the comma", proto("paseto," + tok), 200, user("alice")},
		{"after an application protocol", proto("chat, paseto, " + tok), 200, user("alice")},
		{"followed by an application protocol", proto("paseto, " + tok + ", chat"), 200, user("alice")},
		{"over two header lines", proto("chat, paseto", tok), 200, user("alice")},
		{"header first", append(proto("paseto, "+bob), "Authorization", "Bearer "+tok), 200, user("alice")},
		{"no paseto name: not a token location", proto(tok), 401, detail(missing)},
		{"only other protocols", proto("chat, superchat"), 401, detail(missing)},
		{"name in another case", proto("PASETO, " + tok), 401, detail(missing)},
		{"name without a token", proto("paseto"), 401, bad},
		{"name then an empty value", proto("paseto, "), 401, bad},
		{"name twice", proto("paseto, " + tok + ", paseto, " + bob), 401, bad},
		{"not a valid name", proto("paseto, " + tok + "/x"), 401, bad},
		{"a prefix", proto("paseto, Bearer " + tok), 401, bad},
		{"invalid token", proto("paseto, v4.local.AAAA"), 401, detail("Invalid PASETO token")},
		{"oversized token", proto("paseto, v4.local." + strings.Repeat("A", 9000)), 401, detail("PASETO token is too large")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, do(t, srv, request{path: "/required", headers: tt.headers}), tt.status, tt.body)
		})
	}
	// Not listed, the header is not read.
	expect(t, get(t, serve(t, routes(newAuth(t))), "/required", proto("paseto, "+tok)...), 401, detail(missing))
}

// echo answers with the subject and the request body, read in full after
// the check.
func echo(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"detail": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c), "body": string(body)})
}

func echoed(subject, body string) string {
	b, _ := json.Marshal(map[string]string{"body": body, "user": subject})
	return string(b)
}

func TestJSONBodyPrefix(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InJSON.Prefix("Bearer")))
	r := gin.New()
	r.POST("/access", auth.Required(), echo)
	srv := serve(t, r)
	access := token(t, auth, ginpaseto.TypeAccess)
	bad := detail("Bad JSON token in 'access_token'. Expected a string 'Bearer <PASETO>'")
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"prefix", `{"access_token":"Bearer ` + access + `"}`, 200, ""},
		{"prefix in lower case", `{"access_token":"bearer ` + access + `"}`, 200, ""},
		{"bare token", `{"access_token":"` + access + `"}`, 401, bad},
		{"prefix alone", `{"access_token":"Bearer "}`, 401, bad},
		{"two tokens", `{"access_token":"Bearer ` + access + ` ` + access + `"}`, 401, bad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, request{method: http.MethodPost, path: "/access", body: tt.body})
			assert.Equal(t, tt.status, got.status)
			if tt.want != "" {
				assert.Equal(t, tt.want, got.body)
			}
		})
	}
	_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithTokenLocations(ginpaseto.InJSON.Prefix("two words")))
	assert.ErrorContains(t, err, `InJSON.Prefix("two words")`)
}

func TestJSONBody(t *testing.T) {
	auth := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InHeader, ginpaseto.InJSON.MaxBodySize(1024)))
	r := gin.New()
	r.POST("/access", auth.Required(), echo)
	r.POST("/optional", auth.Optional(), echo)
	r.POST("/refresh", auth.RefreshRequired(), echo)
	r.POST("/bind", auth.Required(), func(c *gin.Context) {
		var login struct {
			Token string `json:"access_token"`
			Name  string `json:"name"`
		}
		if err := c.ShouldBindJSON(&login); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"detail": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c), "name": login.Name, "same": login.Token != ""})
	})
	srv := serve(t, r)

	access := token(t, auth, ginpaseto.TypeAccess)
	bob, err := auth.CreateAccessToken(t.Context(), "bob")
	require.NoError(t, err)
	refresh := token(t, auth, ginpaseto.TypeRefresh)
	withAccess := `{"access_token":"` + access + `","name":"x"}`
	withRefresh := `{"refresh_token":"` + refresh + `"}`
	oversized := `{"access_token":"` + access + `","pad":"` + strings.Repeat("x", 1024) + `"}`
	tests := []struct {
		name    string
		path    string
		headers []string
		body    string
		status  int
		want    string
	}{
		{"access_token", "/access", nil, withAccess, 200, echoed("alice", withAccess)},
		{"bind after extraction", "/bind", nil, withAccess, 200, `{"name":"x","same":true,"user":"alice"}`},
		{"refresh_token", "/refresh", nil, withRefresh, 200, echoed("alice", withRefresh)},
		{"refresh_token to Required", "/access", nil, withRefresh, 401, detail(missing)},
		{"access_token to RefreshRequired", "/refresh", nil, withAccess, 401, detail(missing)},
		{"refresh token in access_token", "/access", nil, `{"access_token":"` + refresh + `"}`, 401,
			detail("Access token required but refresh provided")},
		{"+json media type", "/access", []string{"Content-Type", "application/vnd.api+json"}, withAccess, 200, echoed("alice", withAccess)},
		{"charset parameter", "/access", []string{"Content-Type", "application/json; charset=utf-8"}, withAccess, 200, echoed("alice", withAccess)},
		{"text/plain ignored", "/access", []string{"Content-Type", "text/plain"}, withAccess, 401, detail(missing)},
		{"form ignored", "/access", []string{"Content-Type", "application/x-www-form-urlencoded"}, "access_token=" + access, 401, detail(missing)},
		{"over the size limit", "/access", nil, oversized, 401, detail(missing)},
		{"over the limit, still readable", "/optional", nil, oversized, 200, echoed("", oversized)},
		{"not a string", "/access", nil, `{"access_token": 5}`, 401, detail("Bad JSON token in 'access_token'. Expected a string '<PASETO>'")},
		{"an object", "/access", nil, `{"access_token": {"a": 1}}`, 401, detail("Bad JSON token in 'access_token'. Expected a string '<PASETO>'")},
		{"a prefix where none is configured", "/access", nil, `{"access_token":"Bearer ` + access + `"}`, 401,
			detail("Bad JSON token in 'access_token'. Expected a string '<PASETO>'")},
		{"null", "/access", nil, `{"access_token": null}`, 401, detail(missing)},
		{"empty string", "/access", nil, `{"access_token": ""}`, 401, detail(missing)},
		{"malformed JSON", "/access", nil, `{"access_token": "` + access, 401, detail(missing)},
		{"malformed JSON, still readable", "/optional", nil, `{"access_token": `, 200, echoed("", `{"access_token": `)},
		{"array body", "/access", nil, `["` + access + `"]`, 401, detail(missing)},
		{"nested key ignored", "/access", nil, `{"data":{"access_token":"` + access + `"}}`, 401, detail(missing)},
		{"garbage token", "/access", nil, `{"access_token":"v4.local.AAAA"}`, 401, detail("Invalid PASETO token")},
		{"header wins", "/access", []string{"Authorization", "Bearer " + bob}, withAccess, 200, echoed("bob", withAccess)},
		{"malformed header stops the lookup", "/access", []string{"Authorization", "Bearer"}, withAccess, 401,
			detail("Bad Authorization header. Expected value 'Bearer <PASETO>'")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, request{method: http.MethodPost, path: tt.path, headers: tt.headers, body: tt.body})
			expect(t, got, tt.status, tt.want)
		})
	}

	t.Run("not a configured location", func(t *testing.T) {
		srv := serve(t, routes(newAuth(t)))
		got := do(t, srv, request{path: "/required", body: withAccess})
		expect(t, got, 401, detail(missing))
	})

	t.Run("the largest limit", func(t *testing.T) {
		auth := newAuth(t, ginpaseto.WithTokenLocations(ginpaseto.InJSON.MaxBodySize(math.MaxInt64)))
		r := gin.New()
		r.POST("/access", auth.Required(), echo)
		got := do(t, serve(t, r), request{method: http.MethodPost, path: "/access", body: withAccess})
		expect(t, got, 200, echoed("alice", withAccess))
	})
}

func TestLookupOrder(t *testing.T) {
	alice := token(t, newAuth(t), ginpaseto.TypeAccess)
	bob, err := newAuth(t).CreateAccessToken(t.Context(), "bob")
	require.NoError(t, err)
	tests := []struct {
		name string
		locs []ginpaseto.Location
		want string
	}{
		{"header then JSON", []ginpaseto.Location{ginpaseto.InHeader, ginpaseto.InJSON}, "alice"},
		{"JSON then header", []ginpaseto.Location{ginpaseto.InJSON, ginpaseto.InHeader}, "bob"},
		{"query then header", []ginpaseto.Location{ginpaseto.InQuery, ginpaseto.InHeader, ginpaseto.InJSON}, "carol"},
		{"JSON then query", []ginpaseto.Location{ginpaseto.InJSON, ginpaseto.InQuery}, "bob"},
	}
	carol, err := newAuth(t).CreateAccessToken(t.Context(), "carol")
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth := newAuth(t, ginpaseto.WithTokenLocations(tt.locs...))
			r := gin.New()
			r.POST("/p", auth.Required(), whoami)
			got := do(t, serve(t, r), request{
				method:  http.MethodPost,
				path:    "/p?token=" + carol,
				headers: []string{"Authorization", "Bearer " + alice},
				body:    `{"access_token":"` + bob + `"}`,
			})
			expect(t, got, 200, user(tt.want))
		})
	}
}

func TestCheckOverrides(t *testing.T) {
	auth := newAuth(t)
	cookie := func(c *gin.Context) (string, error) {
		v, err := c.Cookie("session")
		if err != nil {
			return "", nil
		}
		return v, nil
	}
	r := gin.New()
	r.Any("/json", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InJSON)), whoami)
	r.Any("/json-key", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InJSON.Named("tok"))), whoami)
	r.Any("/refresh-key", auth.RefreshRequired(ginpaseto.WithTokenLocations(ginpaseto.InJSON.Named("rt"))), whoami)
	r.Any("/header", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Api-Token").Prefix("Token"))), whoami)
	r.Any("/bare", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Api-Token").Prefix(""))), whoami)
	r.Any("/query", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InQuery.Named("auth"))), whoami)
	r.Any("/query-prefix", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InQuery), ginpaseto.QueryPrefix("Token")), whoami)
	r.Any("/cookie", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InFunc(cookie))), whoami)
	r.Any("/cookie-too", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InFunc(cookie))), whoami)
	r.Any("/query-too", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InQuery, ginpaseto.InHeader)), whoami)
	r.Any("/json-then-cookie", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InJSON), ginpaseto.AddTokenLocations(ginpaseto.InFunc(cookie))), whoami)
	// Options apply in order: locations set after an addition replace it.
	r.Any("/cookie-then-json", auth.Required(ginpaseto.AddTokenLocations(ginpaseto.InFunc(cookie)), ginpaseto.WithTokenLocations(ginpaseto.InJSON)), whoami)
	r.Any("/source-error", auth.Required(ginpaseto.WithTokenLocations(ginpaseto.InFunc(func(*gin.Context) (string, error) {
		return "", io.ErrUnexpectedEOF
	}))), whoami)
	r.Any("/skip", auth.Required(ginpaseto.Skip(func(c *gin.Context) bool { return c.Query("public") == "1" })), whoami)
	r.Any("/default", auth.Required(), whoami)
	srv := serve(t, r)

	tok := token(t, auth, ginpaseto.TypeAccess)
	refresh := token(t, auth, ginpaseto.TypeRefresh)
	bearer := []string{"Authorization", "Bearer " + tok}
	tests := []struct {
		name   string
		req    request
		status int
		body   string
	}{
		{"JSON only: body", request{method: "POST", path: "/json", body: `{"access_token":"` + tok + `"}`}, 200, user("alice")},
		{"JSON only: header ignored", request{path: "/json", headers: bearer}, 401, detail(missing)},
		{"JSON key", request{method: "POST", path: "/json-key", body: `{"tok":"` + tok + `"}`}, 200, user("alice")},
		{"JSON key: default key ignored", request{method: "POST", path: "/json-key", body: `{"access_token":"` + tok + `"}`}, 401, detail(missing)},
		{"refresh JSON key", request{method: "POST", path: "/refresh-key", body: `{"rt":"` + refresh + `"}`}, 200, user("alice")},
		{"header", request{path: "/header", headers: []string{"X-Api-Token", "Token " + tok}}, 200, user("alice")},
		{"header: Authorization ignored", request{path: "/header", headers: bearer}, 401, detail(missing)},
		{"header: wrong prefix", request{path: "/header", headers: []string{"X-Api-Token", "Bearer " + tok}}, 401,
			detail("Bad X-Api-Token header. Expected value 'Token <PASETO>'")},
		{"bare header", request{path: "/bare", headers: []string{"X-Api-Token", tok}}, 200, user("alice")},
		{"query, websocket", request{path: "/query?auth=" + tok, headers: upgrade}, 200, user("alice")},
		{"query, plain request", request{path: "/query?auth=" + tok}, 200, user("alice")},
		{"query: header ignored", request{path: "/query", headers: append(slices.Clone(bearer), upgrade...)}, 401, detail(missing)},
		{"query prefix", request{path: "/query-prefix?token=Token%20" + tok}, 200, user("alice")},
		{"query prefix: bare token", request{path: "/query-prefix?token=" + tok}, 401,
			detail("Bad query parameter 'token'. Expected value 'Token <PASETO>'")},
		{"query prefix: the Authorizer's untouched", request{path: "/default?token=Token%20" + tok}, 401, detail(missing)},
		{"cookie", request{path: "/cookie", headers: []string{"Cookie", "session=" + tok}}, 200, user("alice")},
		{"cookie: header ignored", request{path: "/cookie", headers: bearer}, 401, detail(missing)},
		{"cookie: garbage", request{path: "/cookie", headers: []string{"Cookie", "session=v4.local.AAAA"}}, 401, detail("Invalid PASETO token")},
		{"added cookie", request{path: "/cookie-too", headers: []string{"Cookie", "session=" + tok}}, 200, user("alice")},
		{"added cookie: header kept", request{path: "/cookie-too", headers: bearer}, 200, user("alice")},
		{"added cookie: header first", request{path: "/cookie-too", headers: append(slices.Clone(bearer), "Cookie", "session=v4.local.AAAA")}, 200, user("alice")},
		{"added cookie: neither", request{path: "/cookie-too"}, 401, detail(missing)},
		{"added query", request{path: "/query-too?token=" + tok}, 200, user("alice")},
		{"added query: header kept", request{path: "/query-too", headers: bearer}, 200, user("alice")},
		{"added query: header first", request{path: "/query-too?token=v4.local.AAAA", headers: bearer}, 200, user("alice")},
		{"added to overridden locations", request{method: "POST", path: "/json-then-cookie", headers: []string{"Cookie", "session=" + tok}}, 200, user("alice")},
		{"added to overridden locations: JSON", request{method: "POST", path: "/json-then-cookie", body: `{"access_token":"` + tok + `"}`}, 200, user("alice")},
		{"added to overridden locations: header dropped", request{path: "/json-then-cookie", headers: bearer}, 401, detail(missing)},
		{"replaced after an addition", request{method: "POST", path: "/cookie-then-json", headers: []string{"Cookie", "session=" + tok}}, 401, detail(missing)},
		{"replaced after an addition: JSON", request{method: "POST", path: "/cookie-then-json", body: `{"access_token":"` + tok + `"}`}, 200, user("alice")},
		{"source error", request{path: "/source-error", headers: bearer}, 401, detail("Invalid PASETO token")},
		{"skipped", request{path: "/skip?public=1"}, 200, user("")},
		{"skipped even with a bad token", request{path: "/skip?public=1", token: "v4.local.AAAA"}, 200, user("")},
		{"not skipped", request{path: "/skip"}, 401, detail(missing)},
		{"not skipped, token", request{path: "/skip", headers: bearer}, 200, user("alice")},
		{"defaults untouched", request{path: "/default", headers: bearer}, 200, user("alice")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, do(t, srv, tt.req), tt.status, tt.body)
		})
	}
}

// TestCheckOptionErrors: a check option with a bad argument makes New fail
// and the check panic at registration, never a request.
func TestCheckOptionErrors(t *testing.T) {
	tests := map[string]struct {
		opt  ginpaseto.CheckOption
		want string
	}{
		"no locations":      {ginpaseto.WithTokenLocations(), "WithTokenLocations: give at least one location"},
		"unknown location":  {ginpaseto.WithTokenLocations(ginpaseto.Location{}), "unknown location"},
		"bad header name":   {ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X Token").Prefix("")), "not a valid header name"},
		"bad header prefix": {ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Token").Prefix("a b")), "single word"},
		"empty JSON key":    {ginpaseto.WithTokenLocations(ginpaseto.InJSON.Named("")), "must not be empty"},
		"empty query param": {ginpaseto.WithTokenLocations(ginpaseto.InQuery.Named("")), "must not be empty"},
		"nil token source":  {ginpaseto.WithTokenLocations(ginpaseto.InFunc(nil)), "InFunc: function is nil"},
		"nil added source":  {ginpaseto.AddTokenLocations(ginpaseto.InFunc(nil)), "InFunc: function is nil"},
		"no added location": {ginpaseto.AddTokenLocations(), "give at least one location"},
		"unknown added":     {ginpaseto.AddTokenLocations(ginpaseto.Location{}), "unknown location"},
		"bad query prefix":  {ginpaseto.QueryPrefix("a b"), "QueryPrefix"},
		"nil skipper":       {ginpaseto.Skip(nil), "Skip: skipper is nil"},
		"nil assertion":     {ginpaseto.ImplicitAssertionFrom(nil), "ImplicitAssertionFrom"},
	}
	auth := newAuth(t)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.PanicsWithValue(t, "ginpaseto: "+errText(t, tt.opt), func() { auth.Required(tt.opt) })
			_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), tt.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	t.Run("nil check option", func(t *testing.T) {
		assert.Panics(t, func() { auth.Required(nil) })
	})
}

// errText is the message of opt's error at New, without the package's
// prefix, which the panic at registration repeats.
func errText(t *testing.T, opt ginpaseto.CheckOption) string {
	t.Helper()
	_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), opt)
	require.Error(t, err)
	return strings.TrimPrefix(err.Error(), "ginpaseto: ")
}

func TestSkipper(t *testing.T) {
	auth := newAuth(t, ginpaseto.Skip(func(c *gin.Context) bool { return c.FullPath() == "/login" }))
	r := gin.New()
	r.Use(auth.Required())
	r.POST("/login", func(c *gin.Context) {
		tok, err := auth.CreateAccessToken(c, "test")
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"detail": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"access_token": tok, "user": ginpaseto.Subject(c)})
	})
	r.GET("/user", whoami)
	r.GET("/skip-too", auth.Required(ginpaseto.Skip(func(*gin.Context) bool { return true })), whoami)
	srv := serve(t, r)

	expect(t, do(t, srv, request{path: "/user"}), 401, detail(missing))
	got := do(t, srv, request{method: http.MethodPost, path: "/login", body: `{}`})
	require.Equal(t, 200, got.status, got.body)
	var login struct {
		AccessToken string `json:"access_token"`
		User        string `json:"user"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.body), &login))
	assert.Empty(t, login.User, "a skipped check authenticates nobody")
	expect(t, do(t, srv, request{path: "/user", token: login.AccessToken}), 200, user("test"))
	got = do(t, srv, request{method: http.MethodPost, path: "/login?x=1", token: "v4.local.AAAA", body: `{}`})
	assert.Equal(t, 200, got.status, "a skipped request's token is not looked at: %s", got.body)
	// The router-level check still runs before a route's own skipper.
	expect(t, do(t, srv, request{path: "/skip-too"}), 401, detail(missing))
}
