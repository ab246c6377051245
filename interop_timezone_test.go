package ginpaseto

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	paseto "aidanwoods.dev/go-paseto"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// timezoneKey is a fixed v4.local and v3.local key for these tests only.
const timezoneKey = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"

// fastAPIPayload is an access token payload byte for byte as fastapi-paseto
// writes it (Python's json.dumps): its own key order, a space after every
// separator, and times spelled with +00:00 rather than Z.
const fastAPIPayload = `{"sub": "alice", "nbf": "2026-12-01T18:49:31+00:00", "jti": "fb637af0-2822-4ec9-822c-68b6137f5930", "type": "access", "fresh": true, "exp": "2026-12-01T19:04:31+00:00", "iat": "2026-12-01T18:49:31+00:00"}`

// TestTimezoneSpellingAccepted sends tokens whose times read +00:00 to
// Required over HTTP, at moments before, within and after their lifetime,
// so the times are shown to be read and not merely tolerated.
func TestTimezoneSpellingAccepted(t *testing.T) {
	key, err := hex.DecodeString(timezoneKey)
	require.NoError(t, err)
	v4l, err := paseto.V4SymmetricKeyFromBytes(key)
	require.NoError(t, err)
	v3l, err := paseto.V3SymmetricKeyFromBytes(key)
	require.NoError(t, err)
	v4s := paseto.NewV4AsymmetricSecretKey()
	foreign := func(t *testing.T) *paseto.Token {
		tok, err := paseto.NewTokenFromClaimsJSON([]byte(fastAPIPayload), nil)
		require.NoError(t, err)
		return tok
	}

	issued := time.Date(2026, 12, 1, 18, 49, 31, 0, time.UTC)
	expires := issued.Add(15 * time.Minute)
	for _, tc := range []struct {
		name  string
		opts  []Option
		token func(t *testing.T) string
	}{
		{"v4.local, fastapi-paseto's exact payload", []Option{WithSecretKey(timezoneKey)}, func(t *testing.T) string {
			tok, err := newV4Local(key).seal([]byte(fastAPIPayload), nil, nil)
			require.NoError(t, err)
			return tok
		}},
		{"v4.local, sealed by go-paseto", []Option{WithSecretKey(timezoneKey)}, func(t *testing.T) string {
			return foreign(t).V4Encrypt(v4l, nil)
		}},
		{"v4.public, signed by go-paseto", []Option{WithPublicKey(v4s.Public().ExportHex())}, func(t *testing.T) string {
			return foreign(t).V4Sign(v4s, nil)
		}},
		{"v3.local, sealed by go-paseto", []Option{WithVersion(versionV3), WithSecretKey(timezoneKey)}, func(t *testing.T) string {
			return foreign(t).V3Encrypt(v3l, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := tc.token(t)
			for _, at := range []struct {
				name   string
				now    time.Time
				status int
				body   string
			}{
				{"before nbf", issued.Add(-time.Second), http.StatusUnauthorized, `{"detail":"Token is not yet valid"}`},
				{"at nbf", issued, http.StatusOK, `{"sub":"alice","fresh":true,"exp":"2026-12-01T19:04:31Z"}`},
				{"a second before exp", expires.Add(-time.Second), http.StatusOK, `{"sub":"alice","fresh":true,"exp":"2026-12-01T19:04:31Z"}`},
				{"a second after exp", expires.Add(time.Second), http.StatusUnauthorized, `{"detail":"Token has expired"}`},
			} {
				t.Run(at.name, func(t *testing.T) {
					now := at.now
					auth, err := New(append(tc.opts, WithClock(func() time.Time { return now }))...)
					require.NoError(t, err)
					status, body := getWithToken(t, auth, tok)
					assert.Equal(t, at.status, status)
					assert.JSONEq(t, at.body, body)
				})
			}
		})
	}
}

// TestTimezoneSpellingForGoPaseto checks that the times ginpaseto writes
// are spelled with Z and that go-paseto reads them as the same instants.
func TestTimezoneSpellingForGoPaseto(t *testing.T) {
	v4l, err := paseto.V4SymmetricKeyFromHex(timezoneKey)
	require.NoError(t, err)
	issued := time.Now().UTC().Truncate(time.Second)
	auth, err := New(WithSecretKey(timezoneKey), WithClock(func() time.Time { return issued }))
	require.NoError(t, err)
	tok, err := auth.CreateAccessToken(context.Background(), "alice")
	require.NoError(t, err)

	parsed, err := paseto.NewParser().ParseV4Local(v4l, tok, nil)
	require.NoError(t, err, "go-paseto refused a ginpaseto token")
	want := map[string]time.Time{"iat": issued, "nbf": issued, "exp": issued.Add(defaultAccessLifetime)}
	for claim, at := range want {
		raw, err := parsed.GetString(claim)
		require.NoError(t, err)
		assert.Equal(t, at.Format("2006-01-02T15:04:05Z"), raw, claim)
		got, err := parsed.GetTime(claim)
		require.NoError(t, err)
		assert.True(t, at.Equal(got), "%s: go-paseto read %v, want %v", claim, got, at)
	}
}

// getWithToken sends GET /p with tok in the Authorization header to a
// server whose route is behind auth.Required, and returns the status and
// body: the error, or the claims the handler saw.
func getWithToken(t *testing.T, auth *Authorizer, tok string) (int, string) {
	t.Helper()
	r := gin.New()
	r.GET("/p", auth.Required(), func(c *gin.Context) {
		claims, _ := GetClaims(c)
		c.JSON(http.StatusOK, gin.H{
			"sub": claims.Subject, "fresh": claims.Fresh,
			"exp": claims.Expiration.UTC().Format(time.RFC3339),
		})
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/p", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// The payload above must stay a valid JSON object with the claims it
// claims to hold, or the tests would prove nothing.
func TestFastAPIPayloadIsWellFormed(t *testing.T) {
	var claims map[string]any
	require.NoError(t, json.Unmarshal([]byte(fastAPIPayload), &claims))
	for _, name := range []string{"sub", "nbf", "jti", "type", "fresh", "exp", "iat"} {
		assert.Contains(t, claims, name)
	}
	assert.True(t, strings.HasSuffix(claims["exp"].(string), "+00:00"))
}
