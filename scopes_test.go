package ginpaseto_test

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

const insufficient = `{"detail":"Insufficient scope"}`

// scopeChallenge is the WWW-Authenticate value of a refusal for scopes.
func scopeChallenge(scopes string) string {
	return `Bearer error="insufficient_scope", scope="` + scopes + `"`
}

func TestScopesClaim(t *testing.T) {
	auth := newAuth(t)
	tests := []struct {
		name   string
		opts   []ginpaseto.TokenOption
		claim  string // the scope claim as written; "" for none
		scopes []string
	}{
		{"none", nil, "", nil},
		{"one", []ginpaseto.TokenOption{ginpaseto.Scopes("users:read")}, "users:read", []string{"users:read"}},
		{"several in order", []ginpaseto.TokenOption{ginpaseto.Scopes("write", "read", "admin")}, "write read admin", []string{"write", "read", "admin"}},
		{"repeats dropped", []ginpaseto.TokenOption{ginpaseto.Scopes("read", "write", "read")}, "read write", []string{"read", "write"}},
		{"later option replaces", []ginpaseto.TokenOption{ginpaseto.Scopes("read"), ginpaseto.Scopes("write")}, "write", []string{"write"}},
		{"every allowed character", []ginpaseto.TokenOption{ginpaseto.Scopes("!#[]~", "a/b:c.d-e_f")}, "!#[]~ a/b:c.d-e_f", []string{"!#[]~", "a/b:c.d-e_f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := auth.ParseToken(token(t, auth, ginpaseto.TypeAccess, tt.opts...))
			require.NoError(t, err)
			assert.Equal(t, tt.scopes, claims.Scopes)
			var raw string
			err = claims.Get("scope", &raw)
			if tt.claim == "" {
				assert.ErrorIs(t, err, ginpaseto.ErrClaimNotPresent)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.claim, raw, "a space-separated string, as RFC 9068 writes it")
		})
	}
}

func TestScopesRefusedAtCreation(t *testing.T) {
	auth := newAuth(t)
	tests := []struct {
		name   string
		scopes []string
		want   string
	}{
		{"no scope", nil, "ginpaseto: Scopes: no scope given; name at least one"},
		{"empty scope", []string{"read", ""}, "ginpaseto: Scopes: a scope must not be empty"},
		{"space", []string{"read write"}, `scope "read write" has a character`},
		{"quote", []string{`say"hi`}, `scope "say\"hi" has a character`},
		{"backslash", []string{`a\b`}, `scope "a\\b" has a character`},
		{"tab", []string{"a\tb"}, `scope "a\tb" has a character`},
		{"newline", []string{"a\nb"}, `scope "a\nb" has a character`},
		{"delete", []string{"a\x7f"}, `scope "a\x7f" has a character`},
		{"non-ASCII", []string{"lecture:é"}, `scope "lecture:é" has a character`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, tokenType := range []string{ginpaseto.TypeAccess, ginpaseto.TypeRefresh, "invite"} {
				tok, err := auth.CreateToken(context.Background(), "alice", tokenType, ginpaseto.Scopes(tt.scopes...))
				require.Error(t, err)
				assert.Empty(t, tok)
				assert.Contains(t, err.Error(), tt.want)
			}
		})
	}
}

func TestScopeIsARegisteredClaim(t *testing.T) {
	auth := newAuth(t)
	for _, name := range []string{"scope", "SCOPE", "Scope"} {
		_, err := auth.CreateAccessToken(context.Background(), "alice", ginpaseto.ExtraClaims(map[string]any{name: "admin"}))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "is reserved", name)
	}
}

// TestScopeClaimFromOtherIssuers reads scope claims as other issuers may
// write them, sealed with the test key.
func TestScopeClaimFromOtherIssuers(t *testing.T) {
	auth := newAuth(t)
	key := key32(t)
	tests := []struct {
		name   string
		scope  string // JSON value of the scope claim
		scopes []string
		ok     bool
	}{
		{"repeated spaces", `"  read   write "`, []string{"read", "write"}, true},
		{"empty string", `""`, nil, true},
		{"null", `null`, nil, true},
		{"array", `["read"]`, nil, false},
		{"number", `1`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := `{"sub":"alice","type":"access","exp":"2999-01-01T00:00:00Z","scope":` + tt.scope + `}`
			claims, err := auth.ParseToken(ginpaseto.SealV4LocalForTest(key, []byte(payload), nil, nil))
			if !tt.ok {
				require.Error(t, err)
				assert.Equal(t, "PASETO token claims are invalid", err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.scopes, claims.Scopes)
		})
	}
	for _, key := range []string{"SCOPE", "Scope", "ſcope"} {
		t.Run("folded key "+key, func(t *testing.T) {
			// encoding/json would read it as scope in ClaimsAs and Decode.
			payload := `{"sub":"alice","type":"access","scope":"read","` + key + `":"admin"}`
			_, err := auth.ParseToken(ginpaseto.SealV4LocalForTest(key32(t), []byte(payload), nil, nil))
			require.Error(t, err)
		})
	}
	t.Run("twice", func(t *testing.T) {
		payload := `{"sub":"alice","type":"access","scope":"read","scope":"admin"}`
		_, err := auth.ParseToken(ginpaseto.SealV4LocalForTest(key32(t), []byte(payload), nil, nil))
		require.Error(t, err, "a second scope claim must not go unnoticed")
	})
}

// TestRequireScopesErrors: invalid scopes make New fail and the check
// panic at registration.
func TestRequireScopesErrors(t *testing.T) {
	tests := []struct {
		name   string
		scopes []string
		want   string
	}{
		{"no scope", nil, "ginpaseto: RequireScopes: no scope given; name at least one"},
		{"empty scope", []string{""}, "ginpaseto: RequireScopes: a scope must not be empty"},
		{"space", []string{"users:read users:write"}, `ginpaseto: RequireScopes: scope "users:read users:write" has a character`},
		{"quote", []string{`"admin"`}, `ginpaseto: RequireScopes: scope "\"admin\"" has a character`},
	}
	auth := newAuth(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.RequireScopes(tt.scopes...))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "error %q, want prefix %q", err, tt.want)
			defer func() {
				msg, _ := recover().(string)
				assert.True(t, strings.HasPrefix(msg, tt.want), "panic %q, want prefix %q", msg, tt.want)
			}()
			auth.Required(ginpaseto.RequireScopes(tt.scopes...))
			t.Fatal("the check did not panic")
		})
	}
}

// scopeRoutes serves checks that need scopes, answering with the subject.
func scopeRoutes(auth *ginpaseto.Authorizer) *gin.Engine {
	r := gin.New()
	r.GET("/read", auth.Required(ginpaseto.RequireScopes("read")), whoami)
	r.GET("/read-write", auth.Required(ginpaseto.RequireScopes("read", "write")), whoami)
	r.GET("/added-up", auth.Required(ginpaseto.RequireScopes("read"), ginpaseto.RequireScopes("write", "read")), whoami)
	r.GET("/optional", auth.Optional(ginpaseto.RequireScopes("read")), whoami)
	r.GET("/fresh", auth.FreshRequired(ginpaseto.RequireScopes("admin")), whoami)
	r.GET("/refresh", auth.RefreshRequired(ginpaseto.RequireScopes("offline")), whoami)
	return r
}

func TestRequireScopes(t *testing.T) {
	auth := newAuth(t)
	srv := serve(t, scopeRoutes(auth))
	access := func(opts ...ginpaseto.TokenOption) string { return token(t, auth, ginpaseto.TypeAccess, opts...) }
	var (
		none      = access()
		read      = access(ginpaseto.Scopes("read"))
		write     = access(ginpaseto.Scopes("write"))
		readWrite = access(ginpaseto.Scopes("write", "read", "delete"))
		prefix    = access(ginpaseto.Scopes("reader", "rea"))
		admin     = access(ginpaseto.Scopes("admin"))
		freshAdm  = access(ginpaseto.Scopes("admin"), ginpaseto.Fresh())
		refresh   = token(t, auth, ginpaseto.TypeRefresh, ginpaseto.Scopes("offline"))
		refreshNo = token(t, auth, ginpaseto.TypeRefresh)
	)
	tests := []struct {
		name      string
		path      string
		token     string
		status    int
		body      string
		challenge string
	}{
		{"read: no token", "/read", "", 401, detail("PASETO Authorization Token required"), "Bearer"},
		{"read: no scopes", "/read", none, 403, insufficient, scopeChallenge("read")},
		{"read: other scope", "/read", write, 403, insufficient, scopeChallenge("read")},
		{"read: names are not prefixes", "/read", prefix, 403, insufficient, scopeChallenge("read")},
		{"read: granted", "/read", read, 200, user("alice"), ""},
		{"read: more than needed", "/read", readWrite, 200, user("alice"), ""},

		{"read-write: one of two", "/read-write", read, 403, insufficient, scopeChallenge("read write")},
		{"read-write: the other", "/read-write", write, 403, insufficient, scopeChallenge("read write")},
		{"read-write: both, any order", "/read-write", readWrite, 200, user("alice"), ""},
		{"added up: one", "/added-up", read, 403, insufficient, scopeChallenge("read write")},
		{"added up: both", "/added-up", readWrite, 200, user("alice"), ""},

		{"optional: anonymous", "/optional", "", 200, user(""), ""},
		{"optional: a token without the scope is refused", "/optional", none, 403, insufficient, scopeChallenge("read")},
		{"optional: granted", "/optional", read, 200, user("alice"), ""},

		{"fresh: not fresh comes first", "/fresh", admin, 401, detail("PASETO access token is not fresh"), `Bearer error="invalid_token"`},
		{"fresh: fresh without scope", "/fresh", access(ginpaseto.Fresh()), 403, insufficient, scopeChallenge("admin")},
		{"fresh: granted", "/fresh", freshAdm, 200, user("alice"), ""},

		{"refresh: type comes first", "/refresh", admin, 401, detail("Refresh token required but access provided"), `Bearer error="invalid_token"`},
		{"refresh: without scope", "/refresh", refreshNo, 403, insufficient, scopeChallenge("offline")},
		{"refresh: granted", "/refresh", refresh, 200, user("alice"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, srv, request{path: tt.path, token: tt.token})
			expect(t, got, tt.status, tt.body)
			assert.Equal(t, tt.challenge, got.challenge)
		})
	}
	t.Run("revoked comes first", func(t *testing.T) {
		tok := access()
		revoke(t, auth, tok)
		expect(t, do(t, srv, request{path: "/read", token: tok}), 401, detail("Token has been revoked"))
	})
}

// TestScopeChallengeWithErrorHandler: the scopes live in the cause, so an
// application's handler that rewords the message, or writes a body of its
// own, still has the right challenge.
func TestScopeChallengeWithErrorHandler(t *testing.T) {
	var seen []error
	reword := func(c *gin.Context, err *ginpaseto.Error) {
		seen = append(seen, err)
		err.Message = "You may not do that"
		ginpaseto.DefaultErrorHandler(c, err)
	}
	own := func(c *gin.Context, err *ginpaseto.Error) {
		if ch := err.Challenge(); ch != "" {
			c.Header("WWW-Authenticate", ch)
		}
		c.AbortWithStatusJSON(err.Status, gin.H{"error": err.Message, "insufficient_scope": errors.Is(err, ginpaseto.ErrInsufficientScope)})
	}
	for _, tt := range []struct {
		name    string
		handler func(*gin.Context, *ginpaseto.Error)
		body    string
	}{
		{"reworded, then the default handler", reword, `{"detail":"You may not do that"}`},
		{"a body of its own", own, `{"error":"Insufficient scope","insufficient_scope":true}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			auth := newAuth(t, ginpaseto.WithErrorHandler(tt.handler))
			srv := serve(t, scopeRoutes(auth))
			got := do(t, srv, request{path: "/read-write", token: token(t, auth, ginpaseto.TypeAccess, ginpaseto.Scopes("read"))})
			expect(t, got, 403, tt.body)
			assert.Equal(t, scopeChallenge("read write"), got.challenge)
		})
	}
	require.Len(t, seen, 1)
	assert.ErrorIs(t, seen[0], ginpaseto.ErrInsufficientScope)
	assert.NotErrorIs(t, seen[0], ginpaseto.ErrForbidden)
	assert.Contains(t, errors.Unwrap(seen[0]).Error(), "requires read write", "the cause names the scopes, for logs")

	// Rewording one request's error must not change the next one's.
	auth := newAuth(t)
	srv := serve(t, scopeRoutes(auth))
	got := do(t, srv, request{path: "/read", token: token(t, auth, ginpaseto.TypeAccess)})
	expect(t, got, 403, insufficient)
}

func TestChallenge(t *testing.T) {
	scopeErr := func() *ginpaseto.Error {
		auth := newAuth(t)
		_, err := auth.CheckToken(context.Background(), token(t, auth, ginpaseto.TypeAccess), ginpaseto.TypeAccess, ginpaseto.RequireScopes("a", "b"))
		var e *ginpaseto.Error
		require.ErrorAs(t, err, &e)
		return e
	}
	hidden := scopeErr()
	hidden.Status = http.StatusNotFound
	tests := []struct {
		name string
		err  *ginpaseto.Error
		want string
	}{
		{"scope", scopeErr(), scopeChallenge("a b")},
		{"scope hidden as 404", hidden, ""},
		{"missing", &ginpaseto.Error{Status: 401, Err: ginpaseto.ErrTokenMissing}, "Bearer"},
		{"invalid", &ginpaseto.Error{Status: 401, Err: ginpaseto.ErrTokenInvalid}, `Bearer error="invalid_token"`},
		{"forbidden", &ginpaseto.Error{Status: 403, Err: ginpaseto.ErrForbidden}, ""},
		{"unavailable", &ginpaseto.Error{Status: 503, Err: ginpaseto.ErrRevocationUnavailable}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Challenge())
		})
	}
}

func TestCheckTokenScopes(t *testing.T) {
	auth := newAuth(t)
	ctx := context.Background()
	read := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Scopes("read"))

	claims, err := auth.CheckToken(ctx, read, ginpaseto.TypeAccess, ginpaseto.RequireScopes("read"))
	require.NoError(t, err)
	assert.True(t, claims.HasScope("read"))

	_, err = auth.CheckToken(ctx, read, ginpaseto.TypeAccess, ginpaseto.RequireScopes("write"))
	var e *ginpaseto.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 403, e.Status)
	assert.Equal(t, "Insufficient scope", e.Message)
	assert.ErrorIs(t, err, ginpaseto.ErrInsufficientScope)

	_, err = auth.CheckToken(ctx, read, ginpaseto.TypeAccess, ginpaseto.Authorize(func(*gin.Context, *ginpaseto.Claims) error { return nil }))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Authorize needs a request")
}

func TestHasScope(t *testing.T) {
	var none *ginpaseto.Claims
	assert.False(t, none.HasScope("read"))
	c := &ginpaseto.Claims{Scopes: []string{"read", "write"}}
	assert.True(t, c.HasScope("write"))
	assert.False(t, c.HasScope("rea"))
	assert.False(t, c.HasScope(""))
}

// key32 is testKey as bytes, for sealing payloads directly.
func key32(t *testing.T) []byte {
	t.Helper()
	key, err := hex.DecodeString(testKey)
	require.NoError(t, err)
	return key
}

// TestScopesOnTokenPairs: a pair carries the scopes it was created with,
// and a rotation the ones it is given, not those of the spent token.
func TestScopesOnTokenPairs(t *testing.T) {
	auth := newAuth(t)
	ctx := context.Background()
	pair, err := auth.CreateTokenPair(ctx, "alice", ginpaseto.Scopes("read", "write"))
	require.NoError(t, err)
	access, err := auth.ParseToken(pair.AccessToken)
	require.NoError(t, err)
	refresh, err := auth.ParseToken(pair.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, []string{"read", "write"}, access.Scopes)
	assert.Equal(t, []string{"read", "write"}, refresh.Scopes)

	kept, err := auth.RotateRefreshToken(ctx, refresh, ginpaseto.Scopes(refresh.Scopes...))
	require.NoError(t, err)
	next, err := auth.ParseToken(kept.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, []string{"read", "write"}, next.Scopes)

	nextRefresh, err := auth.ParseToken(kept.RefreshToken)
	require.NoError(t, err)
	narrowed, err := auth.RotateRefreshToken(ctx, nextRefresh, ginpaseto.Scopes("read"))
	require.NoError(t, err)
	last, err := auth.ParseToken(narrowed.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, []string{"read"}, last.Scopes)
}
