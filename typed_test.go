package ginpaseto_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

// appClaims is an application's claim struct: registered claims it wants
// alongside its own.
type appClaims struct {
	Subject string    `json:"sub"`
	Expires time.Time `json:"exp"`
	Tenant  string    `json:"tenant"`
	Roles   []string  `json:"roles"`
}

// decodes counts how often a countedClaims is decoded from JSON.
var decodes atomic.Int32

// countedClaims counts its decodings, to show that ClaimsAs parses the
// payload once per request.
type countedClaims struct{ Tenant string }

func (c *countedClaims) UnmarshalJSON(b []byte) error {
	decodes.Add(1)
	var v struct {
		Tenant string `json:"tenant"`
	}
	err := json.Unmarshal(b, &v)
	c.Tenant = v.Tenant
	return err
}

func TestClaimsAs(t *testing.T) {
	auth := newAuth(t)
	tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"tenant": "acme", "roles": []string{"admin", "dev"}}))
	r := gin.New()
	r.GET("/p", auth.Required(), func(c *gin.Context) {
		got, err := ginpaseto.ClaimsAs[appClaims](c)
		require.NoError(t, err)
		claims, _ := ginpaseto.GetClaims(c)
		assert.Equal(t, claims.Subject, got.Subject, "registered claims agree with the Claims fields")
		assert.True(t, claims.Expiration.Equal(got.Expires))
		c.JSON(http.StatusOK, got)
	})
	got := do(t, serve(t, r), request{token: tok})
	require.Equal(t, 200, got.status, got.body)
	var body appClaims
	require.NoError(t, json.Unmarshal([]byte(got.body), &body))
	assert.Equal(t, "alice", body.Subject)
	assert.Equal(t, "acme", body.Tenant)
	assert.Equal(t, []string{"admin", "dev"}, body.Roles)
}

// TestClaimsAsDecodesOnce: an Authorize hook and two handlers read the
// typed claims; the payload is decoded once per request, and each request
// gets its own.
func TestClaimsAsDecodesOnce(t *testing.T) {
	auth := newAuth(t)
	read := func(c *gin.Context) *countedClaims {
		v, err := ginpaseto.ClaimsAs[countedClaims](c)
		require.NoError(t, err)
		return v
	}
	var first atomic.Pointer[countedClaims]
	tenantOnly := ginpaseto.Authorize(func(c *gin.Context, _ *ginpaseto.Claims) error {
		first.Store(read(c))
		return nil
	})
	r := gin.New()
	r.GET("/p", auth.Required(tenantOnly), func(c *gin.Context) {
		assert.Same(t, first.Load(), read(c), "later handlers share the hook's value")
		c.Next()
	}, func(c *gin.Context) {
		c.String(http.StatusOK, read(c).Tenant)
	})
	srv := serve(t, r)
	for _, tenant := range []string{"acme", "globex"} {
		decodes.Store(0)
		tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"tenant": tenant}))
		expect(t, do(t, srv, request{token: tok}), 200, tenant)
		assert.Equal(t, int32(1), decodes.Load(), "one decoding for three reads")
	}
}

func TestClaimsAsLaterCallsAllocateNothing(t *testing.T) {
	auth := newAuth(t)
	tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"tenant": "acme"}))
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/p", nil)
	c.Request.Header.Set("Authorization", "Bearer "+tok)
	auth.Required()(c)
	require.False(t, c.IsAborted())

	decodes.Store(0)
	// AllocsPerRun makes one call before it measures: that one decodes.
	allocs := testing.AllocsPerRun(100, func() {
		v, err := ginpaseto.ClaimsAs[countedClaims](c)
		if err != nil || v.Tenant != "acme" {
			t.Fatal("wrong typed claims")
		}
	})
	assert.Equal(t, int32(1), decodes.Load(), "decoded on the first call only")
	assert.Zero(t, allocs, "later calls only look up the decoded value")
}

// TestClaimsAsFollowsTheAcceptedToken: when a second check in the chain
// accepts another token, the typed claims are those of the new one.
func TestClaimsAsFollowsTheAcceptedToken(t *testing.T) {
	auth := newAuth(t)
	access := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"tenant": "from-header"}))
	step := token(t, auth, "step-up", ginpaseto.ExtraClaims(map[string]any{"tenant": "from-step-up"}))
	tenant := func(c *gin.Context) string {
		v, err := ginpaseto.ClaimsAs[countedClaims](c)
		require.NoError(t, err)
		return v.Tenant
	}
	var before string
	r := gin.New()
	r.GET("/p", auth.Required(), func(c *gin.Context) { before = tenant(c) },
		auth.TypeRequired("step-up", ginpaseto.WithTokenLocations(ginpaseto.InHeader.Named("X-Step-Up").Prefix(""))),
		func(c *gin.Context) { c.String(http.StatusOK, tenant(c)) })
	got := do(t, serve(t, r), request{token: access, headers: []string{"X-Step-Up", step}})
	expect(t, got, 200, "from-step-up")
	assert.Equal(t, "from-header", before)
}

func TestClaimsAsErrors(t *testing.T) {
	auth := newAuth(t)
	tok := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"roles": "admin"}))
	var errs []error
	r := gin.New()
	r.GET("/anonymous", auth.Optional(), func(c *gin.Context) {
		_, err := ginpaseto.ClaimsAs[appClaims](c)
		errs = append(errs, err)
	})
	r.GET("/mismatch", auth.Required(), func(c *gin.Context) {
		for range 2 { // a failed decoding is not remembered as a success
			v, err := ginpaseto.ClaimsAs[appClaims](c)
			assert.Nil(t, v)
			errs = append(errs, err)
		}
	})
	srv := serve(t, r)
	do(t, srv, request{path: "/anonymous"})
	do(t, srv, request{path: "/mismatch", token: tok})
	require.Len(t, errs, 3)
	assert.EqualError(t, errs[0], "ginpaseto: no claims: no check accepted a token for this request")
	for _, err := range errs[1:] {
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ginpaseto: decoding claims:")
	}
}
