package ginpaseto_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"aidanwoods.dev/go-paseto"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

func TestSessionMetadata(t *testing.T) {
	auth := newAuth(t)
	ctx := context.Background()
	md := map[string]string{"device": "Work laptop", "agent": "Firefox 140 on Linux", "note": "café ☕"}
	pair, err := auth.CreateTokenPair(ctx, "test", ginpaseto.SessionMetadata(md))
	require.NoError(t, err)
	md["device"] = "changed after the call"

	list, err := auth.Sessions(ctx, "test")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, pair.SessionID, list[0].ID)
	assert.Equal(t, map[string]string{"device": "Work laptop", "agent": "Firefox 140 on Linux", "note": "café ☕"}, list[0].Metadata)

	claims, err := auth.CheckToken(ctx, pair.AccessToken, ginpaseto.TypeAccess)
	require.NoError(t, err)
	var v string
	require.ErrorIs(t, claims.Get("device", &v), ginpaseto.ErrClaimNotPresent, "metadata is not a claim")

	const tok = "v4.local.c2VjcmV0LXBheWxvYWQtdGhhdC1tdXN0LW5vdC1sZWFr"
	long := strings.Repeat("x", 257)
	many := map[string]string{}
	for i := range 17 {
		many[string(rune('a'+i))] = "v"
	}
	big := map[string]string{}
	for i := range 10 {
		big[string(rune('a'+i))] = strings.Repeat("y", 250)
	}
	for _, tc := range []struct {
		name string
		md   map[string]string
		want string
	}{
		{"too many entries", many, "17 entries"},
		{"empty key", map[string]string{"": "x"}, "1 to 64 bytes"},
		{"long key", map[string]string{strings.Repeat("k", 65): "x"}, "1 to 64 bytes"},
		{"long value", map[string]string{"device": long}, "257 bytes"},
		{"too large in all", big, "bytes in all"},
		{"not UTF-8", map[string]string{"device": "\xff"}, "not valid UTF-8"},
		{"control character", map[string]string{"device": "a\nb"}, "control characters"},
		{"a token", map[string]string{"device": "see " + tok}, "looks like a token"},
		{"a token, upper case", map[string]string{"device": strings.ToUpper(tok)}, "looks like a token"},
		{"a wrapped token", map[string]string{"device": "djQubG9jYWwuYWJj"}, "looks like a token"},
		{"a PASERK key", map[string]string{"key": "k4.local.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "looks like a token"},
		{"a token as key", map[string]string{tok[:40]: "x"}, "looks like a token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := auth.CreateTokenPair(ctx, "meta", ginpaseto.SessionMetadata(tc.md))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "c2VjcmV0", "the error never echoes a value")
			assert.NotContains(t, err.Error(), "yyyy")
			list, err := auth.Sessions(ctx, "meta")
			require.NoError(t, err)
			assert.Empty(t, list, "no session started")
		})
	}

	t.Run("the start of a session only", func(t *testing.T) {
		opt := ginpaseto.SessionMetadata(map[string]string{"device": "phone"})
		_, err := auth.CreateAccessToken(ctx, "test", opt)
		assert.ErrorContains(t, err, "start of a session")
		_, err = auth.CreateTokenPair(ctx, "test", ginpaseto.ForToken(ginpaseto.TypeAccess, opt))
		assert.ErrorContains(t, err, "belongs to the session")
		refresh, err := auth.CheckToken(ctx, pair.RefreshToken, ginpaseto.TypeRefresh)
		require.NoError(t, err)
		_, err = auth.RotateRefreshToken(ctx, refresh, opt)
		assert.ErrorContains(t, err, "start of a session")
		next, err := auth.RotateRefreshToken(ctx, refresh)
		require.NoError(t, err)
		list, err := auth.Sessions(ctx, "test")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, next.SessionID, list[0].ID)
		assert.Equal(t, "Work laptop", list[0].Metadata["device"], "a rotation keeps the metadata")
	})
}

func TestSessionsArguments(t *testing.T) {
	auth := newAuth(t)
	_, err := auth.Sessions(context.Background(), "")
	assert.ErrorContains(t, err, "subject is empty")
	//nolint:staticcheck // a nil context is what the check is about
	_, err = auth.Sessions(nil, "test")
	assert.ErrorContains(t, err, "ctx is nil")
	assert.Panics(t, func() { auth.EndSessionHandler("") })
}

// devicesServer serves the device routes: POST /login/:user, GET /sessions,
// DELETE /sessions/:id, POST /logout-others and GET /p.
func devicesServer(t *testing.T, auth *ginpaseto.Authorizer) *httptest.Server {
	t.Helper()
	r := gin.New()
	r.POST("/login/:user", func(c *gin.Context) {
		_, _ = auth.StartSession(c, c.Param("user"), ginpaseto.PairOptions(func(c *gin.Context, _ string) ([]ginpaseto.TokenOption, error) {
			return []ginpaseto.TokenOption{ginpaseto.SessionMetadata(map[string]string{"agent": c.GetHeader("User-Agent")})}, nil
		}))
	})
	r.GET("/sessions", auth.Required(), auth.SessionsHandler())
	r.DELETE("/sessions/:id", auth.Required(), auth.EndSessionHandler("id"))
	r.POST("/logout-others", auth.Required(), auth.LogoutHandler(ginpaseto.Others()))
	r.GET("/p", auth.Required(), func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)}) })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// listed is one session of a GET /sessions answer.
type listed struct {
	ID        string            `json:"id"`
	Started   time.Time         `json:"started"`
	Refreshed time.Time         `json:"refreshed"`
	Expires   time.Time         `json:"expires"`
	Ends      time.Time         `json:"ends"`
	Current   bool              `json:"current"`
	Metadata  map[string]string `json:"metadata"`
}

func loginDevice(t *testing.T, srv *httptest.Server, user, agent string) *ginpaseto.TokenPair {
	t.Helper()
	got := do(t, srv, request{method: http.MethodPost, path: "/login/" + user, headers: []string{"User-Agent", agent}})
	require.Equal(t, http.StatusOK, got.status, got.body)
	var pair ginpaseto.TokenPair
	require.NoError(t, json.Unmarshal([]byte(got.body), &pair))
	return &pair
}

func listSessions(t *testing.T, srv *httptest.Server, token string) []listed {
	t.Helper()
	got := do(t, srv, request{path: "/sessions", token: token})
	require.Equal(t, http.StatusOK, got.status, got.body)
	assert.NotContains(t, got.body, "v4.", "no token in the listing")
	var out []listed
	require.NoError(t, json.Unmarshal([]byte(got.body), &out))
	return out
}

func TestSessionsHandlers(t *testing.T) {
	start := time.Now()
	auth := newAuth(t, ginpaseto.WithSessionLifetime(24*time.Hour))
	srv := devicesServer(t, auth)
	phone := loginDevice(t, srv, "test", "phone")
	laptop := loginDevice(t, srv, "test", "laptop")
	tablet := loginDevice(t, srv, "test", "tablet")
	alice := loginDevice(t, srv, "alice", "alice's phone")

	list := listSessions(t, srv, laptop.AccessToken)
	require.Len(t, list, 3)
	for i, agent := range []string{"phone", "laptop", "tablet"} {
		assert.Equal(t, agent, list[i].Metadata["agent"], "oldest first")
		assert.Equal(t, i == 1, list[i].Current, "current marks the caller's session only")
		assert.False(t, list[i].Started.Before(start.Truncate(time.Second)))
		assert.Equal(t, list[i].Started, list[i].Refreshed)
		assert.True(t, list[i].Expires.After(list[i].Started))
		assert.WithinDuration(t, list[i].Started.Add(24*time.Hour), list[i].Ends, time.Second)
	}
	// The pair's SessionID is not sent to clients; the listing names them.
	phone.SessionID, laptop.SessionID, tablet.SessionID = list[0].ID, list[1].ID, list[2].ID
	alice.SessionID = listSessions(t, srv, alice.AccessToken)[0].ID
	var raw []map[string]any
	require.NoError(t, json.Unmarshal([]byte(do(t, srv, request{path: "/sessions", token: laptop.AccessToken}).body), &raw))
	for _, s := range raw {
		for k := range s {
			assert.Contains(t, []string{"id", "started", "refreshed", "expires", "ends", "current", "metadata"}, k, "no refresh jti, nothing else")
		}
	}

	t.Run("another user's session is not found", func(t *testing.T) {
		expect(t, do(t, srv, request{method: http.MethodDelete, path: "/sessions/" + phone.SessionID, token: alice.AccessToken}),
			http.StatusNotFound, detail("Session not found"))
		expect(t, do(t, srv, request{path: "/p", token: phone.AccessToken}), http.StatusOK, `{"user":"test"}`)
		expect(t, do(t, srv, request{method: http.MethodDelete, path: "/sessions/" + alice.SessionID, token: phone.AccessToken}),
			http.StatusNotFound, detail("Session not found"))
		expect(t, do(t, srv, request{path: "/p", token: alice.AccessToken}), http.StatusOK, `{"user":"alice"}`)
		for _, id := range []string{"00000000-0000-4000-8000-000000000000", strings.Repeat("a", 65), "%20"} {
			expect(t, do(t, srv, request{method: http.MethodDelete, path: "/sessions/" + id, token: laptop.AccessToken}),
				http.StatusNotFound, detail("Session not found"))
		}
	})
	t.Run("end one of the caller's other sessions", func(t *testing.T) {
		expect(t, do(t, srv, request{method: http.MethodDelete, path: "/sessions/" + phone.SessionID, token: laptop.AccessToken}),
			http.StatusNoContent, "")
		expect(t, do(t, srv, request{path: "/p", token: phone.AccessToken}), http.StatusUnauthorized, detail("Token has been revoked"))
		expect(t, do(t, srv, request{path: "/p", token: laptop.AccessToken}), http.StatusOK, `{"user":"test"}`)
		assert.Len(t, listSessions(t, srv, tablet.AccessToken), 2)
		expect(t, do(t, srv, request{method: http.MethodDelete, path: "/sessions/" + phone.SessionID, token: laptop.AccessToken}),
			http.StatusNotFound, detail("Session not found"))
	})
	t.Run("end the others", func(t *testing.T) {
		more := loginDevice(t, srv, "test", "desktop")
		expect(t, do(t, srv, request{method: http.MethodPost, path: "/logout-others", token: tablet.AccessToken}), http.StatusNoContent, "")
		for _, p := range []*ginpaseto.TokenPair{laptop, more} {
			expect(t, do(t, srv, request{path: "/p", token: p.AccessToken}), http.StatusUnauthorized, detail("Token has been revoked"))
		}
		expect(t, do(t, srv, request{path: "/p", token: tablet.AccessToken}), http.StatusOK, `{"user":"test"}`)
		list := listSessions(t, srv, tablet.AccessToken)
		require.Len(t, list, 1)
		assert.True(t, list[0].Current)
		expect(t, do(t, srv, request{path: "/p", token: alice.AccessToken}), http.StatusOK, `{"user":"alice"}`)
	})
	t.Run("end the caller's own session", func(t *testing.T) {
		expect(t, do(t, srv, request{method: http.MethodDelete, path: "/sessions/" + tablet.SessionID, token: tablet.AccessToken}),
			http.StatusNoContent, "")
		expect(t, do(t, srv, request{path: "/p", token: tablet.AccessToken}), http.StatusUnauthorized, detail("Token has been revoked"))
	})
}

// downStore is a MemoryStore whose listing fails.
type downStore struct{ *ginpaseto.MemoryStore }

func (downStore) Sessions(context.Context, string) ([]ginpaseto.Session, error) {
	return nil, errors.New("connection refused")
}

func TestSessionsHandlersStoreDown(t *testing.T) {
	mem := &ginpaseto.MemoryStore{}
	auth := newAuth(t, ginpaseto.WithStore(downStore{mem}))
	srv := devicesServer(t, auth)
	pair := loginDevice(t, srv, "test", "phone")
	other := loginDevice(t, srv, "test", "laptop")
	down := detail("Session store unavailable")
	otherClaims, err := auth.CheckToken(context.Background(), other.AccessToken, ginpaseto.TypeAccess)
	require.NoError(t, err)
	expect(t, do(t, srv, request{path: "/sessions", token: pair.AccessToken}), http.StatusServiceUnavailable, down)
	expect(t, do(t, srv, request{method: http.MethodDelete, path: "/sessions/" + otherClaims.SessionID, token: pair.AccessToken}), http.StatusServiceUnavailable, down)
	expect(t, do(t, srv, request{method: http.MethodPost, path: "/logout-others", token: pair.AccessToken}), http.StatusServiceUnavailable, down)
	expect(t, do(t, srv, request{path: "/p", token: other.AccessToken}), http.StatusOK, `{"user":"test"}`)
}

func TestSessionNotFoundIs(t *testing.T) {
	var got error
	auth := newAuth(t, ginpaseto.WithErrorHandler(func(c *gin.Context, err *ginpaseto.Error) {
		got = err
		c.AbortWithStatusJSON(err.Status, gin.H{"detail": err.Message})
	}))
	srv := devicesServer(t, auth)
	pair := loginDevice(t, srv, "test", "phone")
	expect(t, do(t, srv, request{method: http.MethodDelete, path: "/sessions/none", token: pair.AccessToken}),
		http.StatusNotFound, detail("Session not found"))
	assert.ErrorIs(t, got, ginpaseto.ErrSessionNotFound)
}

// TestSessionMetadataFromTheClient: metadata taken from the request, as a
// User-Agent or a label the user chose, that breaks the bounds refuses the
// login with 400 "Invalid session metadata", never a server fault, and
// starts no session.
func TestSessionMetadataFromTheClient(t *testing.T) {
	auth := newAuth(t)
	srv := devicesServer(t, auth)
	for _, agent := range []string{strings.Repeat("Mozilla/5.0 ", 30), "v4.local.AAAA"} {
		got := do(t, srv, request{method: http.MethodPost, path: "/login/test", headers: []string{"User-Agent", agent}})
		expect(t, got, http.StatusBadRequest, detail("Invalid session metadata"))
		assert.NotContains(t, got.body, agent, "the value is not echoed")
	}
	list, err := auth.Sessions(context.Background(), "test")
	require.NoError(t, err)
	assert.Empty(t, list)
	_, err = auth.CreateTokenPair(context.Background(), "test", ginpaseto.SessionMetadata(map[string]string{"": "x"}))
	var e *ginpaseto.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusBadRequest, e.Status)
	assert.ErrorContains(t, err, "a key must have 1 to 64 bytes")
}

// TestSessionsTokenWithoutSubject: a valid token of another issuer without
// sub names no user: the routes that list or end a user's sessions refuse
// it as 401, never as a server fault.
func TestSessionsTokenWithoutSubject(t *testing.T) {
	auth := newAuth(t)
	r := gin.New()
	r.GET("/sessions", auth.Required(), auth.SessionsHandler())
	r.POST("/logout-all", auth.LogoutHandler(ginpaseto.Everywhere()))
	r.POST("/logout-others", auth.LogoutHandler(ginpaseto.Others()))
	r.DELETE("/sessions/:id", auth.Required(), auth.EndSessionHandler("id"))
	srv := serve(t, r)
	key, err := hex.DecodeString(testKey)
	require.NoError(t, err)
	k, err := paseto.V4SymmetricKeyFromBytes(key)
	require.NoError(t, err)
	tok := paseto.NewToken()
	tok.SetString("type", ginpaseto.TypeAccess)
	tok.SetJti("3f1d1c55-8a54-4a8e-9b0e-5d0c0b4f3b0a")
	tok.SetIssuedAt(time.Now())
	tok.SetExpiration(time.Now().Add(time.Minute))
	anonymous := tok.V4Encrypt(k, nil)
	for _, req := range []request{
		{path: "/sessions"},
		{method: http.MethodPost, path: "/logout-all"},
		{method: http.MethodPost, path: "/logout-others"},
		{method: http.MethodDelete, path: "/sessions/x"},
	} {
		req.token = anonymous
		expect(t, do(t, srv, req), 401, detail("Invalid PASETO token"))
	}
}
