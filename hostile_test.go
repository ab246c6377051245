package ginpaseto_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// Client-facing details the hostile cases expect.
const (
	detailMissing     = "PASETO Authorization Token required"
	detailBadHeader   = "Bad Authorization header. Expected value 'Bearer <PASETO>'"
	detailInvalid     = "Invalid PASETO token"
	detailTooLarge    = "PASETO token is too large"
	detailUnsupported = "PASETO token version or purpose not accepted"
	detailBadClaims   = "PASETO token claims are invalid"
)

const b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// guardedServer serves GET /p behind mw and fails t if anything panics,
// instead of letting net/http swallow the panic with the connection.
func guardedServer(t *testing.T, mw gin.HandlerFunc) *httptest.Server {
	t.Helper()
	r := gin.New()
	r.Use(func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("panic serving %q: %v", c.GetHeader("Authorization"), p)
				c.AbortWithStatus(http.StatusInternalServerError)
			}
		}()
		c.Next()
	})
	r.GET("/p", mw, func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"user": ginpaseto.Subject(c)})
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// rawGet sends GET /p with headerLines written as they are, CR, LF and NUL
// included, which net/http's client refuses to send.
func rawGet(t *testing.T, srv *httptest.Server, headerLines string) reply {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "GET /p HTTP/1.1\r\nHost: test\r\n%s\r\nConnection: close\r\n\r\n", headerLines)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{resp.StatusCode, string(body), resp.Header.Get("WWW-Authenticate")}
}

// flipChar replaces the base64url character at i with another one.
func flipChar(tok string, i int) string {
	c := strings.IndexByte(b64url, tok[i])
	return tok[:i] + string(b64url[(c+32)%64]) + tok[i+1:]
}

// nonCanonical sets an unused low bit of the last character of a base64url
// segment ending at end (exclusive) that encodes n bytes. Lenient decoders
// ignore those bits and decode the same bytes.
func nonCanonical(t *testing.T, tok string, end, n int) string {
	t.Helper()
	require.NotZero(t, n%3, "a segment of %d bytes has no unused bits", n)
	i := end - 1
	c := strings.IndexByte(b64url, tok[i])
	require.Zero(t, c&1, "canonical encodings have zero unused bits")
	out := tok[:i] + string(b64url[c|1]) + tok[i+1:]
	start := strings.LastIndexByte(tok[:end], '.') + 1
	want, err := base64.RawURLEncoding.DecodeString(tok[start:end])
	require.NoError(t, err)
	lenient, err := base64.RawURLEncoding.DecodeString(out[start:end])
	require.NoError(t, err, "a lenient decoder must accept the altered segment")
	require.Equal(t, want, lenient, "the altered segment must decode to the same bytes")
	return out
}

// paddedPayload returns valid access-token claims whose v4.local body (32
// bytes of nonce, the payload, 32 bytes of tag) leaves 4 unused bits in the
// last base64url character.
func paddedPayload(exp time.Time) []byte {
	for pad := ""; ; pad += "x" {
		p := fmt.Sprintf(`{"sub":"alice","type":"access","fresh":false,"jti":"j1","exp":%q,"pad":%q}`,
			exp.UTC().Format(time.RFC3339), pad)
		if (64+len(p))%3 == 1 {
			return []byte(p)
		}
	}
}

// assertNoTokenEcho fails if detail repeats any 8 characters of sent.
func assertNoTokenEcho(t *testing.T, detail, sent string) {
	t.Helper()
	const window = 8
	for i := 0; i+window <= len(sent); i++ {
		part := sent[i : i+window]
		if strings.TrimSpace(part) == "" {
			continue
		}
		if !assert.NotContains(t, detail, part, "detail echoes the token") {
			return
		}
	}
}

// TestHostileRequests sends malformed headers and tokens over HTTP: each
// must get a 401 with a JSON detail that says nothing about the token, or
// a 400 from net/http when the request never reaches the middleware.
func TestHostileRequests(t *testing.T) {
	key, err := hex.DecodeString(testKey)
	require.NoError(t, err)
	auth := newAuth(t)
	srv := guardedServer(t, auth.Required())
	small, err := ginpaseto.New(ginpaseto.WithSecretKey(testKey), ginpaseto.WithMaxTokenSize(128))
	require.NoError(t, err)
	smallSrv := guardedServer(t, small.Required())

	_, signing, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	signer, err := ginpaseto.New(ginpaseto.WithPrivateKey(hex.EncodeToString(signing)))
	require.NoError(t, err)

	valid := token(t, auth, ginpaseto.TypeAccess)
	footed := token(t, auth, ginpaseto.TypeAccess, ginpaseto.Footer("kid-0001"))
	publicTok := token(t, signer, ginpaseto.TypeAccess)
	const header = "v4.local."
	rest := strings.TrimPrefix(valid, header)
	dot := strings.LastIndexByte(footed, '.')

	exp := time.Now().Add(time.Hour)
	padded := ginpaseto.SealV4LocalForTest(key, paddedPayload(exp), nil, nil)
	footer := []byte("abcd") // 4 bytes: 4 unused bits in the last character
	paddedFooted := ginpaseto.SealV4LocalForTest(key, paddedPayload(exp), footer, nil)
	footerStart := strings.LastIndexByte(paddedFooted, '.') + 1
	seal := func(payload string) string { return ginpaseto.SealV4LocalForTest(key, []byte(payload), nil, nil) }
	expStr := exp.UTC().Format(time.RFC3339)

	// The tokens tampered with below are accepted as they are.
	for _, tok := range []string{valid, footed, padded, paddedFooted} {
		require.Equal(t, http.StatusOK, get(t, srv, "/p", "Authorization", "Bearer "+tok).status)
	}

	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	tests := []struct {
		name    string
		srv     *httptest.Server // default srv
		headers []string         // sent with net/http's client
		raw     string           // or written as they are
		status  int              // default 401
		detail  string
	}{
		{name: "truncated", headers: bearer(valid[:len(valid)-5]), detail: detailInvalid},
		{name: "truncated to header", headers: bearer(header), detail: detailInvalid},
		{name: "truncated below nonce and tag", headers: bearer(valid[:len(header)+40]), detail: detailInvalid},
		{name: "flipped nonce char", headers: bearer(flipChar(valid, len(header)+3)), detail: detailInvalid},
		{name: "flipped ciphertext char", headers: bearer(flipChar(valid, len(header)+50)), detail: detailInvalid},
		{name: "flipped tag char", headers: bearer(flipChar(valid, len(valid)-4)), detail: detailInvalid},
		{name: "flipped footer char", headers: bearer(flipChar(footed, dot+2)), detail: detailInvalid},
		{name: "footer removed", headers: bearer(footed[:dot]), detail: detailInvalid},
		{name: "footer added", headers: bearer(valid + ".eyJ9"), detail: detailInvalid},
		{name: "oversized 9 KiB", headers: bearer(header + strings.Repeat("A", 9<<10)), detail: detailTooLarge},
		{name: "valid token over a small cap", srv: smallSrv, headers: bearer(valid), detail: detailTooLarge},
		{name: "padding appended", headers: bearer(valid + "="), detail: detailInvalid},
		{name: "double padding appended", headers: bearer(valid + "=="), detail: detailInvalid},
		{name: "padding in footer", headers: bearer(footed + "="), detail: detailInvalid},
		{name: "non-canonical body", headers: bearer(nonCanonical(t, padded, len(padded), 64+len(paddedPayload(exp)))), detail: detailInvalid},
		{name: "non-canonical footer", headers: bearer(nonCanonical(t, paddedFooted, len(paddedFooted), len(footer))), detail: detailInvalid},
		{name: "standard base64 alphabet", headers: bearer(strings.NewReplacer("-", "+", "_", "/").Replace(valid) + "+/"), detail: detailInvalid},
		{name: "empty body", headers: bearer(header), detail: detailInvalid},
		{name: "empty body with footer", headers: bearer(header + "." + paddedFooted[footerStart:]), detail: detailInvalid},
		{name: "trailing dot", headers: bearer(valid + "."), detail: detailInvalid},
		{name: "five parts", headers: bearer(footed + ".eA"), detail: detailInvalid},
		{name: "dots only", headers: bearer("...."), detail: detailInvalid},
		{name: "no version", headers: bearer(".local." + rest), detail: detailInvalid},
		{name: "v3 header", headers: bearer("v3.local." + rest), detail: detailUnsupported},
		{name: "v1 header", headers: bearer("v1.local." + rest), detail: detailUnsupported},
		{name: "v9 header", headers: bearer("v9.local." + rest), detail: detailUnsupported},
		{name: "upper-case header", headers: bearer("V4.LOCAL." + rest), detail: detailUnsupported},
		{name: "unknown purpose", headers: bearer("v4.secret." + rest), detail: detailUnsupported},
		{name: "public token to a local-only authorizer", headers: bearer(publicTok), detail: detailUnsupported},
		{name: "local header on a public token", headers: bearer(header + strings.TrimPrefix(publicTok, "v4.public.")), detail: detailInvalid},
		{name: "non-ASCII in token", headers: bearer(valid[:20] + "é" + valid[20:]), detail: detailInvalid},
		{name: "invalid UTF-8 in token", headers: bearer(valid[:20] + "\xff\xfe" + valid[20:]), detail: detailInvalid},
		{name: "tab after scheme", headers: []string{"Authorization", "Bearer\t" + valid}, detail: detailBadHeader},
		{name: "tab inside token", headers: bearer(valid[:20] + "\t" + valid[20:]), detail: detailBadHeader},
		{name: "two tokens", headers: bearer(valid + " " + valid), detail: detailBadHeader},
		{name: "two headers", headers: append(bearer(valid), bearer(valid)...), detail: detailBadHeader},
		{name: "scheme only", headers: []string{"Authorization", "Bearer"}, detail: detailBadHeader},
		{name: "scheme glued to token", headers: []string{"Authorization", "Bearer" + valid}, detail: detailBadHeader},
		{name: "bare token", headers: []string{"Authorization", valid}, detail: detailBadHeader},
		{name: "10000-char token", headers: bearer(strings.Repeat("A", 10000)), detail: detailTooLarge},
		{name: "10000-char header", headers: []string{"Authorization", strings.Repeat("x", 10000)}, detail: detailBadHeader},
		{name: "1000 spaces", headers: []string{"Authorization", strings.Repeat(" ", 1000)}, detail: detailMissing},
		{name: "scheme and 1000 spaces", headers: []string{"Authorization", "Bearer" + strings.Repeat(" ", 1000)}, detail: detailBadHeader},
		{name: "1000 spaces before garbage", headers: bearer(strings.Repeat(" ", 1000) + "garbage-token"), detail: detailInvalid},
		{name: "payload not JSON", headers: bearer(seal("not json at all")), detail: detailBadClaims},
		{name: "payload empty", headers: bearer(seal("")), detail: detailBadClaims},
		{name: "payload JSON array", headers: bearer(seal(`["sub","alice"]`)), detail: detailBadClaims},
		{name: "payload JSON string", headers: bearer(seal(`"alice"`)), detail: detailBadClaims},
		{name: "payload JSON null", headers: bearer(seal(`null`)), detail: detailBadClaims},
		{name: "payload truncated JSON", headers: bearer(seal(`{"sub":"alice","type":"acc`)), detail: detailBadClaims},
		{name: "sub not a string", headers: bearer(seal(`{"sub":5,"type":"access","exp":"` + expStr + `"}`)), detail: detailBadClaims},
		{name: "exp not a time", headers: bearer(seal(`{"sub":"alice","type":"access","exp":"yesterday"}`)), detail: detailBadClaims},
		{name: "exp as a number", headers: bearer(seal(`{"sub":"alice","type":"access","exp":1700000000}`)), detail: detailBadClaims},
		{name: "fresh not a bool", headers: bearer(seal(`{"sub":"alice","type":"access","fresh":"yes","exp":"` + expStr + `"}`)), detail: detailBadClaims},
		{name: "aud not a string", headers: bearer(seal(`{"sub":"alice","type":"access","aud":{},"exp":"` + expStr + `"}`)), detail: detailBadClaims},
		{name: "expired", headers: bearer(seal(`{"sub":"alice","type":"access","exp":"2001-01-01T00:00:00Z"}`)), detail: "Token has expired"},
		{name: "no type", headers: bearer(seal(`{"sub":"alice","exp":"` + expStr + `"}`)), detail: "Access token required but untyped provided"},
		{name: "CRLF injecting a second token", raw: "Authorization: Bearer " + valid + "\r\nAuthorization: Bearer " + valid, detail: detailBadHeader},
		{name: "CRLF injecting a header", raw: "Authorization: Bearer " + valid[:30] + "\r\nX-Injected: 1", detail: detailInvalid},
		// net/http refuses these before any handler runs.
		{name: "NUL byte", raw: "Authorization: Bearer " + valid[:30] + "\x00" + valid[30:], status: http.StatusBadRequest},
		{name: "bare CR", raw: "Authorization: Bearer " + valid[:30] + "\r" + valid[30:], status: http.StatusBadRequest},
		{name: "bare LF", raw: "Authorization: Bearer " + valid[:30] + "\n" + valid[30:], status: http.StatusBadRequest},
		{name: "DEL byte", raw: "Authorization: Bearer " + valid[:30] + "\x7f" + valid[30:], status: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := srv
			if tt.srv != nil {
				s = tt.srv
			}
			want := tt.status
			if want == 0 {
				want = http.StatusUnauthorized
			}
			var got reply
			var sent string
			if tt.raw != "" {
				got = rawGet(t, s, tt.raw)
				sent = strings.NewReplacer("Authorization: ", "\n", "X-Injected: ", "\n").Replace(tt.raw)
			} else {
				got = get(t, s, "/p", tt.headers...)
				for i := 1; i < len(tt.headers); i += 2 {
					sent += tt.headers[i] + "\n"
				}
			}
			require.Equal(t, want, got.status, "body %s", got.body)
			if want != http.StatusUnauthorized {
				return
			}
			var body map[string]string
			require.NoError(t, json.Unmarshal([]byte(got.body), &body), "body %q", got.body)
			assert.Equal(t, map[string]string{"detail": tt.detail}, body)
			assert.True(t, strings.HasPrefix(got.challenge, "Bearer"), "WWW-Authenticate %q", got.challenge)
			assertNoTokenEcho(t, got.body, sent)
		})
	}
}

// TestHostileOptional checks that Optional lets a request with a token
// that fails verification through anonymously, but refuses one that
// verifies and is of the wrong type.
func TestHostileOptional(t *testing.T) {
	key, err := hex.DecodeString(testKey)
	require.NoError(t, err)
	auth := newAuth(t)
	srv := guardedServer(t, auth.Optional())
	valid := token(t, auth, ginpaseto.TypeAccess)
	refresh, err := auth.CreateRefreshToken(context.Background(), "alice")
	require.NoError(t, err)
	seal := func(payload string) string { return ginpaseto.SealV4LocalForTest(key, []byte(payload), nil, nil) }

	tests := []struct {
		name   string
		tok    string
		status int
		body   string
	}{
		{"valid", valid, 200, `{"user":"alice"}`},
		{"truncated", valid[:len(valid)-5], 200, `{"user":""}`},
		{"flipped", flipChar(valid, len(valid)-4), 200, `{"user":""}`},
		{"padding", valid + "=", 200, `{"user":""}`},
		{"garbage", "garbage", 200, `{"user":""}`},
		{"payload not JSON", seal("not json"), 200, `{"user":""}`},
		{"payload JSON null", seal("null"), 200, `{"user":""}`},
		{"payload JSON array", seal("[]"), 200, `{"user":""}`},
		{"exp not a time", seal(`{"sub":"alice","type":"access","exp":"yesterday"}`), 200, `{"user":""}`},
		{"refresh token", refresh, 401, `{"detail":"Access token required but refresh provided"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(t, srv, "/p", "Authorization", "Bearer "+tt.tok)
			assert.Equal(t, tt.status, got.status)
			assert.Equal(t, tt.body, got.body)
		})
	}
}
