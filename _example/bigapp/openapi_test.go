package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The security schemes of docs/swagger.json and the token type each one
// stands for.
const (
	schemeAccess  = "Bearer"
	schemeRefresh = "BearerRefresh"
)

// openAPI is the part of docs/swagger.json these tests read.
type openAPI struct {
	Paths map[string]map[string]struct {
		Security []map[string][]string `json:"security"`
	} `json:"paths"`
}

// requirement is what the description says a route needs: a scheme ("" for
// none) and the scopes.
type requirement struct {
	scheme string
	scopes []string
}

func readDescription(t *testing.T) map[string]requirement {
	t.Helper()
	b, err := os.ReadFile("docs/swagger.json")
	require.NoError(t, err)
	var doc openAPI
	require.NoError(t, json.Unmarshal(b, &doc))
	ops := map[string]requirement{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			var req requirement
			require.LessOrEqual(t, len(op.Security), 1, "%s %s: one security requirement at most", method, path)
			for _, alt := range op.Security {
				require.Len(t, alt, 1, "%s %s: one scheme per requirement", method, path)
				for scheme, scopes := range alt {
					req = requirement{scheme, slices.Sorted(slices.Values(scopes))}
				}
			}
			ops[strings.ToUpper(method)+" "+path] = req
		}
	}
	return ops
}

// ginParam matches a path parameter as Gin writes it, :id or *rest;
// docParam as OpenAPI does, {id}.
var (
	ginParam = regexp.MustCompile(`[:*]([^/]+)`)
	docParam = regexp.MustCompile(`\{[^/]+\}`)
)

// TestDescriptionMatchesRouter holds docs/swagger.json to what the router
// does. Every route is documented and every documented operation is a
// route; then each route is probed over HTTP, and its answers must be
// those of the middleware the description promises. The scopes come from
// the middleware's own insufficient_scope challenge, so a route whose
// RequireScopes changes without its @Security annotation fails here.
func TestDescriptionMatchesRouter(t *testing.T) {
	described := readDescription(t)
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	router := newRouter(&app{auth: auth, users: demoUsers})
	srv := exampletest.Serve(t, router)

	// Each route is probed with a session of its own, of a subject of its
	// own, with no scopes, so that a probe that reaches a handler (logout,
	// say) cannot change what the next probes see. The probes carry no
	// body.
	ctx := context.Background()
	probeSession := func(i int) *ginpaseto.TokenPair {
		pair, err := auth.CreateTokenPair(ctx, fmt.Sprintf("probe-%d", i))
		require.NoError(t, err)
		return pair
	}

	var routes []string
	for _, r := range router.Routes() {
		routes = append(routes, r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}"))
	}
	require.NotEmpty(t, routes)
	assert.ElementsMatch(t, slices.Collect(maps.Keys(described)), routes, "documented operations and routes differ")

	for i, route := range routes {
		want, ok := described[route]
		if !ok {
			continue
		}
		t.Run(route, func(t *testing.T) {
			pair := probeSession(i)
			access, refresh := pair.AccessToken, pair.RefreshToken
			method, path, _ := strings.Cut(route, " ")
			path = docParam.ReplaceAllString(path, "x")
			probe := func(token string) exampletest.Response {
				var headers []string
				if token != "" {
					headers = exampletest.Bearer(token)
				}
				return srv.Call(method, path, nil, headers...)
			}

			anonymous := probe("")
			if want.scheme == "" {
				assert.Empty(t, anonymous.Header.Get("WWW-Authenticate"), "undocumented check: %d %s", anonymous.Status, anonymous.Body)
				return
			}
			assert.Equal(t, http.StatusUnauthorized, anonymous.Status, "no token: %s", anonymous.Body)
			assert.Equal(t, "Bearer", anonymous.Header.Get("WWW-Authenticate"))

			switch want.scheme {
			case schemeAccess:
				res := probe(refresh)
				assert.Equal(t, http.StatusUnauthorized, res.Status, res.Body)
				assert.JSONEq(t, `{"detail":"Access token required but refresh provided"}`, res.Body)
			case schemeRefresh:
				res := probe(access)
				assert.Equal(t, http.StatusUnauthorized, res.Status, res.Body)
				assert.JSONEq(t, `{"detail":"Refresh token required but access provided"}`, res.Body)
				require.Empty(t, want.scopes, "scopes on refresh routes are not probed")
				return
			default:
				t.Fatalf("unknown scheme %q", want.scheme)
			}

			// An access token without scopes: the challenge names the
			// scopes the route requires, or there is none.
			res := probe(access)
			var required []string
			if ch := res.Header.Get("WWW-Authenticate"); strings.HasPrefix(ch, `Bearer error="insufficient_scope"`) {
				_, list, _ := strings.Cut(ch, `scope="`)
				required = strings.Fields(strings.TrimSuffix(list, `"`))
				assert.Equal(t, http.StatusForbidden, res.Status)
				slices.Sort(required)
			}
			assert.Equal(t, want.scopes, required, "scopes required by the middleware")
		})
	}
}
