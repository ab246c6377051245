package ginpaseto

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// internalTestKey is a fixed v4.local key for internal tests.
const internalTestKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"

// smallOrderEd25519 are encodings of the Ed25519 points of order 1, 2, 4
// and 8, with and without the sign bit, and the non-canonical encodings of
// y = 0 and y = 1 that crypto/ed25519 also reads.
var smallOrderEd25519 = []struct{ name, hex string }{
	{"identity", "01" + strings.Repeat("00", 31)},
	{"identity, sign bit", "01" + strings.Repeat("00", 30) + "80"},
	{"order 2", "ec" + strings.Repeat("ff", 30) + "7f"},
	{"order 4, all zeros", strings.Repeat("00", 32)},
	{"order 4, sign bit", strings.Repeat("00", 31) + "80"},
	{"order 8", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"},
	{"order 8, sign bit", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"},
	{"order 8, other y", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"},
	{"order 8, other y, sign bit", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"},
	{"y = p, non-canonical 0", "ed" + strings.Repeat("ff", 30) + "7f"},
	{"y = p + 1, non-canonical 1", "ee" + strings.Repeat("ff", 30) + "7f"},
}

// TestSmallOrderKeysForgeable shows why small-order public keys are refused:
// crypto/ed25519 accepts a signature made without any private key.
func TestSmallOrderKeysForgeable(t *testing.T) {
	forged := make([]byte, ed25519.SignatureSize) // R = identity, S = 0
	forged[0] = 1
	identity := mustHex(t, smallOrderEd25519[0].hex)
	assert.True(t, ed25519.Verify(identity, []byte(`{"sub":"admin"}`), forged))

	// Against the all-zero key, the placeholder people type, the same
	// signature verifies one message in four.
	zero := make([]byte, ed25519.PublicKeySize)
	verified := 0
	for i := range 64 {
		if ed25519.Verify(zero, []byte(strings.Repeat("x", i)), forged) {
			verified++
		}
	}
	assert.Positive(t, verified)
}

func TestSmallOrderPublicKeysRefused(t *testing.T) {
	for _, tc := range smallOrderEd25519 {
		t.Run(tc.name, func(t *testing.T) {
			pub := mustHex(t, tc.hex)
			der, err := x509.MarshalPKIXPublicKey(ed25519.PublicKey(pub))
			require.NoError(t, err)
			for name, in := range map[string]string{
				"hex":    tc.hex,
				"paserk": encodePaserk("k4.public", pub),
				"pem":    pemEncode(t, "PUBLIC KEY", der),
			} {
				_, err := parsePublicKey(V4, in)
				require.ErrorContains(t, err, "small order", name)
				assertNoLeak(t, err.Error(), tc.hex)
			}
			_, err = parsePublicKey(versionV2, tc.hex)
			require.ErrorContains(t, err, "small order", "v2")
			_, err = New(WithPublicKey(tc.hex))
			require.ErrorContains(t, err, "WithPublicKey")
		})
	}
}

func TestRealPublicKeysAccepted(t *testing.T) {
	for range 256 {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		require.NoError(t, err)
		_, err = parsePublicKey(V4, hex.EncodeToString(pub))
		require.NoError(t, err)
	}
}

func TestPlaceholderSecretKeysRefused(t *testing.T) {
	zeros := make([]byte, 32)
	pattern := strings.Repeat("0123456789abcdef", 4)
	zeroSeedKey := ed25519.NewKeyFromSeed(zeros)
	scalarOne := strings.Repeat("00", 47) + "01"
	p384One, err := ecdsa.ParseRawPrivateKey(elliptic.P384(), mustHex(t, scalarOne))
	require.NoError(t, err)
	tests := []struct {
		name string
		opts []Option
	}{
		{"local zeros as hex", []Option{WithSecretKey(strings.Repeat("00", 32))}},
		{"local ff as hex", []Option{WithSecretKey(strings.Repeat("ff", 32))}},
		{"local repeated hex digits", []Option{WithSecretKey(pattern)}},
		{"local zeros as base64", []Option{WithSecretKey(base64.StdEncoding.EncodeToString(zeros))}},
		{"local zeros as PASERK", []Option{WithSecretKey(encodePaserk("k4.local", zeros))}},
		{"seed zeros as hex", []Option{WithPrivateKey(hex.EncodeToString(zeros))}},
		{"seed repeated hex digits", []Option{WithPrivateKey(pattern)}},
		{"zero-seed key as hex", []Option{WithPrivateKey(hex.EncodeToString(zeroSeedKey))}},
		{"zero-seed key as PASERK", []Option{WithPrivateKey(encodePaserk("k4.secret", zeroSeedKey))}},
		{"P-384 scalar 1", []Option{WithVersion(versionV3), WithPrivateKey(scalarOne)}},
		{"zero-seed key as PEM", []Option{WithPrivateKey(pkcs8PEM(t, zeroSeedKey))}},
		{"P-384 scalar 1 as PEM", []Option{WithVersion(versionV3), WithPrivateKey(pkcs8PEM(t, p384One))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts...)
			require.ErrorContains(t, err, "placeholder")
		})
	}

	// Keys with many distinct bytes, even in sequence, are accepted.
	for _, key := range []string{internalTestKey, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"} {
		_, err := New(WithSecretKey(key))
		require.NoError(t, err)
		_, err = New(WithPrivateKey(key))
		require.NoError(t, err)
	}
}

// TestErrorHandlerGetsItsOwnError: the errors a check reports are shared by
// every request, so a handler that rewords one must get its own copy, or the
// change would leak into other requests and race with them.
func TestErrorHandlerGetsItsOwnError(t *testing.T) {
	gin.SetMode(gin.TestMode)
	reworded, err := New(WithSecretKey(internalTestKey), WithErrorHandler(func(c *gin.Context, e *Error) {
		e.Message = "Sign in again: " + e.Message
		e.Status = http.StatusForbidden
		DefaultErrorHandler(c, e)
	}))
	require.NoError(t, err)
	plain, err := New(WithSecretKey(internalTestKey))
	require.NoError(t, err)

	r := gin.New()
	r.GET("/reworded", reworded.Required(), func(c *gin.Context) { c.Status(http.StatusOK) })
	r.GET("/plain", plain.Required(), func(c *gin.Context) { c.Status(http.StatusOK) })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	call := func(path, header string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	for range 3 {
		status, body := call("/reworded", "")
		assert.Equal(t, http.StatusForbidden, status)
		assert.Equal(t, `{"detail":"Sign in again: PASETO Authorization Token required"}`, body)
		status, body = call("/reworded", "Bearer v4.local.AAAA")
		assert.Equal(t, http.StatusForbidden, status)
		assert.Equal(t, `{"detail":"Sign in again: Invalid PASETO token"}`, body)
	}
	status, body := call("/plain", "")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, `{"detail":"PASETO Authorization Token required"}`, body)
}

// TestParseTokenErrorsAreNotShared: a caller that changes the *Error that
// ParseToken or CheckToken returned changes nothing for later calls.
func TestParseTokenErrorsAreNotShared(t *testing.T) {
	a, err := New(WithSecretKey(internalTestKey))
	require.NoError(t, err)
	refresh, err := a.CreateRefreshToken(context.Background(), "alice")
	require.NoError(t, err)
	calls := map[string]func() error{
		"missing": func() error { _, err := a.ParseToken(""); return err },
		"invalid": func() error { _, err := a.ParseToken("v4.local.AAAA"); return err },
		"type": func() error {
			_, err := a.CheckToken(context.Background(), refresh, TypeAccess)
			return err
		},
	}
	for name, call := range calls {
		var e *Error
		require.ErrorAs(t, call(), &e, name)
		want := *e
		e.Message, e.Status = "changed", http.StatusTeapot
		require.ErrorAs(t, call(), &e, name)
		assert.Equal(t, want, *e, name)
	}
}

// TestNilErrorFromApplicationCode: an assertion function or extractor that
// returns a nil *Error as its error (a non-nil error interface) gets the
// request refused, not a nil dereference.
func TestNilErrorFromApplicationCode(t *testing.T) {
	gin.SetMode(gin.TestMode)
	a, err := New(WithSecretKey(internalTestKey))
	require.NoError(t, err)
	tok, err := a.CreateAccessToken(context.Background(), "alice")
	require.NoError(t, err)
	nilError := func() error {
		var e *Error
		return e
	}
	r := gin.New() // no recovery: a panic would fail the request
	ok := func(c *gin.Context) { c.String(http.StatusOK, "%s", Subject(c)) }
	r.GET("/assertion", a.Required(ImplicitAssertionFrom(func(*gin.Context) ([]byte, error) { return nil, nilError() })), ok)
	r.GET("/extractor", a.Required(WithTokenLocations(InFunc(func(*gin.Context) (string, error) { return tok, nilError() }))), ok)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	for _, path := range []string{"/assertion", "/extractor"} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err, path)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, path)
		assert.Equal(t, `{"detail":"Invalid PASETO token"}`, string(body), path)
	}
}

// TestErrorWithoutStatusFromApplicationCode: an *Error whose status is not
// an error status must not let a refused request answer 200.
func TestErrorWithoutStatusFromApplicationCode(t *testing.T) {
	gin.SetMode(gin.TestMode)
	a, err := New(WithSecretKey(internalTestKey))
	require.NoError(t, err)
	r := gin.New()
	r.GET("/", a.Required(WithTokenLocations(InFunc(func(*gin.Context) (string, error) {
		return "", &Error{Message: "No session", Err: ErrTokenMissing}
	}))), func(c *gin.Context) { c.String(http.StatusOK, "reached") })
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Equal(t, `{"detail":"No session"}`, w.Body.String())
}

// TestParseTokenRefusesImplicitAssertionFrom: ParseToken has no request to
// compute the assertion from; ignoring the option would accept tokens that
// carry no assertion where the caller asked for one.
func TestParseTokenRefusesImplicitAssertionFrom(t *testing.T) {
	a, err := New(WithSecretKey(internalTestKey))
	require.NoError(t, err)
	unbound, err := a.CreateAccessToken(context.Background(), "alice")
	require.NoError(t, err)
	from := ImplicitAssertionFrom(func(*gin.Context) ([]byte, error) { return []byte("tenant-1"), nil })

	_, err = a.ParseToken(unbound, from)
	require.ErrorContains(t, err, "ImplicitAssertionFrom")
	_, err = a.CheckToken(context.Background(), unbound, TypeAccess, from)
	require.ErrorContains(t, err, "ImplicitAssertionFrom")
}

// TestRevocationHoldsAtExpInstant: a token is still accepted at exactly
// exp plus the leeway, so its revocation must hold at that instant too,
// even when a sweep runs then.
func TestRevocationHoldsAtExpInstant(t *testing.T) {
	ctx := context.Background()
	clk := newFakeTime()
	a, err := New(WithSecretKey(internalTestKey), WithLeeway(30*time.Second), WithClock(clk.now))
	require.NoError(t, err)
	tok, err := a.CreateAccessToken(ctx, "alice")
	require.NoError(t, err)
	claims, err := a.ParseToken(tok)
	require.NoError(t, err)
	require.NoError(t, a.Revoke(ctx, claims))

	clk.set(claims.Expiration.Add(30 * time.Second))
	other, err := a.CreateAccessToken(ctx, "bob")
	require.NoError(t, err)
	otherClaims, err := a.ParseToken(other)
	require.NoError(t, err)
	require.NoError(t, a.Revoke(ctx, otherClaims)) // sweeps: over a minute since the last
	_, err = a.CheckToken(ctx, tok, TypeAccess)
	require.ErrorIs(t, err, ErrTokenRevoked)

	clk.advance(time.Nanosecond)
	_, err = a.CheckToken(ctx, tok, TypeAccess)
	require.ErrorIs(t, err, ErrTokenExpired)
}

// TestWithDenylistNilPointer: a nil pointer in the Denylist interface would
// pass a nil check and panic on the first request.
func TestWithDenylistNilPointer(t *testing.T) {
	var m *MemoryStore
	_, err := New(WithSecretKey(internalTestKey), WithDenylist(m))
	require.ErrorContains(t, err, "denylist is nil")
	_, err = New(WithSecretKey(internalTestKey), WithStore(m))
	require.ErrorContains(t, err, "store is nil")
	_, err = New(WithSecretKey(internalTestKey), WithDenylist(nil))
	require.ErrorContains(t, err, "denylist is nil")
	require.False(t, errors.Is(err, ErrTokenInvalid))
}
