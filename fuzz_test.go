package ginpaseto

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"
)

// The fuzz Authorizer runs at a fixed time with fixed keys, so the seed
// tokens, in the corpus under testdata/fuzz too, stay valid.
var fuzzNow = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	fuzzLocalKey = "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"
	fuzzSeed     = "b4cbfb43df4ce210727d953e4a713307fa19bb7d9f85041438d9e11b942a3774"
)

// fuzzTokens returns the tokens the fuzz Authorizer accepts, built
// deterministically: a fixed nonce for v4.local, and Ed25519 signatures
// are deterministic. Every other string must be refused.
func fuzzTokens(t testing.TB) map[string]string {
	t.Helper()
	local := newV4Local(mustHex(t, fuzzLocalKey))
	signer := v4Signer{hide(ed25519.NewKeyFromSeed(mustHex(t, fuzzSeed)))}
	claims := func(typ, jti string) []byte {
		fresh := ""
		if typ == TypeAccess {
			fresh = `"fresh":false,`
		}
		return []byte(`{"sub":"alice","type":"` + typ + `",` + fresh + `"jti":"` + jti + `",` +
			`"iat":"2025-01-01T00:00:00Z","nbf":"2025-01-01T00:00:00Z","exp":"2025-01-01T00:15:00Z"}`)
	}
	sealLocal := func(payload, footer []byte, nonce byte) string {
		body := make([]byte, v4NonceSize+len(payload)+v4TagSize)
		for i := range v4NonceSize {
			body[i] = nonce
		}
		return local.sealWithNonce(body, payload, footer, nil)
	}
	sealPublic := func(payload, footer []byte) string {
		tok, err := signer.seal(payload, footer, nil)
		require.NoError(t, err)
		return tok
	}
	return map[string]string{
		"local":         sealLocal(claims(TypeAccess, "l1"), nil, 1),
		"local-footer":  sealLocal(claims(TypeAccess, "l2"), []byte(`{"kid":"k1"}`), 2),
		"local-refresh": sealLocal(claims(TypeRefresh, "l3"), nil, 3),
		"public":        sealPublic(claims(TypeAccess, "p1"), nil),
		"public-footer": sealPublic(claims(TypeAccess, "p2"), []byte("kid-2")),
	}
}

// fuzzDetails are every detail the fuzz engine may answer with: fixed
// messages only, so no detail can repeat client input.
var fuzzDetails = []string{
	msgTokenMissing, msgTokenInvalid, msgTokenTooLarge, msgTokenUnsupported, msgClaimsInvalid,
	msgNotYetValid, msgIssuedInFuture, msgTokenExpired, msgTokenRevoked,
	badHeaderError(defaultHeaderName, defaultHeaderPrefix).Message,
	badQueryError(defaultQueryParam, "").Message,
	wrongTypeError(TypeAccess, TypeRefresh).Message,
}

// fuzzTarget is an in-process engine with Required, Optional and a
// Required that expects base64-wrapped tokens, and the only tokens that
// may authenticate against it.
type fuzzTarget struct {
	engine  *gin.Engine
	valid   map[string]bool
	refresh string // valid, but refused by the access-token checks
}

func newFuzzTarget(t testing.TB, a *Authorizer, tokens []string, refresh string) *fuzzTarget {
	t.Helper()
	ft := &fuzzTarget{engine: gin.New(), valid: map[string]bool{refresh: true}, refresh: refresh}
	for _, tok := range tokens {
		ft.valid[tok] = true
	}
	subject := func(c *gin.Context) { c.String(http.StatusOK, "%s", Subject(c)) }
	ft.engine.GET("/required", a.Required(), subject)
	ft.engine.GET("/optional", a.Optional(), subject)
	ft.engine.GET("/base64", a.Required(Base64()), subject)
	return ft
}

func (ft *fuzzTarget) serve(t *testing.T, path, header, query string) *httptest.ResponseRecorder {
	req, err := http.NewRequest(http.MethodGet, "http://test"+path+"?"+url.Values{"token": {query}}.Encode(), nil)
	require.NoError(t, err)
	if header != "" {
		req.Header["Authorization"] = []string{header}
	}
	w := httptest.NewRecorder()
	ft.engine.ServeHTTP(w, req)
	return w
}

// check sends header and query to every route and checks the answers.
func (ft *fuzzTarget) check(t *testing.T, header, query string) {
	// The token the checks look at: the header's when present, else the
	// query's. Only a token made by the keys may authenticate.
	presented, headerOK := query, true
	switch {
	case header != "":
		presented, headerOK = cutScheme(header, defaultHeaderPrefix)
	case query != "":
		presented, headerOK = cutScheme(query, "")
	}
	authentic := headerOK && ft.valid[presented]

	req := ft.serve(t, "/required", header, query)
	opt := ft.serve(t, "/optional", header, query)
	wrapped := ft.serve(t, "/base64", header, query)
	for _, w := range []*httptest.ResponseRecorder{req, opt, wrapped} {
		switch w.Code {
		case http.StatusOK:
		case http.StatusUnauthorized:
			var body map[string]string
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "401 body %q", w.Body.String())
			require.Len(t, body, 1)
			require.True(t, slices.Contains(fuzzDetails, body["detail"]), "unexpected detail %q", body["detail"])
		default:
			t.Fatalf("status %d for header %q query %q: %s", w.Code, header, query, w.Body.String())
		}
	}
	if req.Code == http.StatusOK {
		require.True(t, authentic, "authenticated with %q", presented)
		require.Equal(t, "alice", req.Body.String())
		require.Equal(t, http.StatusOK, opt.Code)
		require.Equal(t, "alice", opt.Body.String())
	}
	if opt.Code == http.StatusOK && opt.Body.String() != "" {
		require.True(t, authentic, "Optional authenticated %q", presented)
	}
	if authentic && presented != ft.refresh {
		require.Equal(t, http.StatusOK, req.Code, "authentic token refused: %s", req.Body.String())
	}
	if wrapped.Code == http.StatusOK {
		raw, err := base64.StdEncoding.Strict().DecodeString(presented)
		if err != nil {
			raw, err = base64.URLEncoding.Strict().DecodeString(presented)
		}
		require.NoError(t, err)
		require.True(t, headerOK && ft.valid[string(raw)], "authenticated with wrapped %q", presented)
	}
}

// addFuzzSeeds adds valid tokens as they are, wrapped, and slightly broken.
func addFuzzSeeds(f *testing.F, tokens []string) {
	for _, tok := range tokens {
		f.Add("Bearer "+tok, "")
		f.Add("", tok)
		f.Add("bearer  "+tok, "x")
		f.Add("Bearer "+tok[:len(tok)-3], "")
		f.Add("Bearer "+tok+"=", "")
		f.Add("Bearer "+tok+".", tok)
		f.Add("Bearer "+base64.StdEncoding.EncodeToString([]byte(tok)), "")
	}
	for _, h := range []string{"", "Bearer", "Bearer ", "Basic abc", "Bearer v4.local.", "Bearer v4.local..",
		"Bearer v4.public.AAAA", "Bearer v3.local.AAAA", "Bearer v2.public.AAAA", "Bearer \x00", "Bearer \xff\xfe",
		strings.Repeat("A", 9000)} {
		f.Add(h, "")
	}
}

// FuzzVerify drives Required and Optional in-process with an arbitrary
// Authorization header and token query parameter (both token locations): the answer is always 200
// or 401, never a panic or a 500; a 401 carries one of the fixed details;
// and a request is authenticated only by a token the keys really made,
// byte for byte.
func FuzzVerify(f *testing.F) {
	gin.SetMode(gin.TestMode)
	tokens := fuzzTokens(f)
	a, err := New(WithSecretKey(fuzzLocalKey), WithPrivateKey(fuzzSeed),
		WithClock(func() time.Time { return fuzzNow }), WithTokenLocations(InHeader, InQuery))
	require.NoError(f, err)
	var access []string
	for name, tok := range tokens {
		if name != "local-refresh" {
			access = append(access, tok)
		}
	}
	ft := newFuzzTarget(f, a, access, tokens["local-refresh"])
	addFuzzSeeds(f, append(access, tokens["local-refresh"]))
	f.Fuzz(func(t *testing.T, header, query string) {
		ft.check(t, header, query)
	})
}

// Tokens of the legacy fuzz Authorizers, created once by ginpaseto at
// fuzzNow: v3 tokens are randomized, and the fuzzing workers, each in its
// own process, must agree on which tokens are valid.
const (
	fuzzV3SecretKey = "20347609607477aca8fbfbc5e6218455f3199669792ef8b466faa87bdc67798144c848dd03661eed5ac62461340cea96"

	fuzzV3Local   = "v3.local.BqQHm4OibSLkRpVUkrNVicKXHZgPf2-bS1YrA67bSIZHk7By7SD2hiKaxJ9ZW5XGmcv15nul4JF3RZISfiamuGKKhVAsaoutANINRQkkUSp_s9GPma7NztfKIfPJeM3jvnO7EiZxNSWLwqnAYSYldDOWSls8cKTbD9ZxuaCx76rUG0doodQACYuydCnsGVT_ixlq99u49bGthdEXtqJxJyj-SbigYwfqTuWsa8QI0LkcBQXs35_w_7CIGPFxABOU7peqWulx9ss2v9R3ez-DFs7txySO4Pri5lobCJ45J3MUvIajpx7GbfnFGCfwvxw7aSZLKWFj_ANSJ4SiLMtK4JM.a2lkLTE"
	fuzzV3Public  = "v3.public.eyJleHAiOiIyMDI1LTAxLTAxVDAwOjE1OjAwWiIsImZyZXNoIjpmYWxzZSwiaWF0IjoiMjAyNS0wMS0wMVQwMDowMDowMFoiLCJqdGkiOiIyMGEwMGFiYS1jNWQ5LTQ3ZTEtYWUwNC0wOTc4Y2Q0MTMzM2IiLCJuYmYiOiIyMDI1LTAxLTAxVDAwOjAwOjAwWiIsInN1YiI6ImFsaWNlIiwidHlwZSI6ImFjY2VzcyJ9X_6AbzlLj8Vwx5hUhxEhijmVXRWIdcDUimzXbKdOT3jd-hj1o-9w_OK9n_2VE_jZi8Fl3dWj6GfWSR08VcWfYhWikh2fUKSmf-bfh8mvYW44ru8zpncGI6QM3wSuTKQL"
	fuzzV3Refresh = "v3.local.wPdACvrzh8B_Uw0bjbgUHs6u4Ujss3Z2-kwd9-0LtQ_LHDPw8Uim4ec9D8W9haWlSmZc6M7T340SzwNbmjFJzUgcSBYUw9yJj6uut8YXvhJ3PplZW-EmBigySBhqhLftk7NHVLt_4W6WbDcGgvZCekyRd8jWWXWyVIz9o2tWjNfAvs3rvRsH4T6lpn7DKOpQtDSYp8O6yIYv94vEMLzTP_IC6VpOj0RWzxyJx_za9rkcNifG93mpN3g9wI7UuTHOpIx8MQYdHwJNKIHwmmYzkKjYsn_ZXcSPk54MYR87tGscWv2ClJp9OyujL31RMWSVXy8_fA"
	fuzzV2Local   = "v2.local.PsT97bHu5BECqNUkWEeywc7G36Svc6ftbW_gJ4fvqrFq4-5mcxyM9xA2UNMh9yWjGmksHL6xY06uqfLkdD8LJhqpV2wbb3G-ON6LpFmnn2XvQ9pWICtVntSVz_g-f9u63LAWdnAgjxtIz0ujBpxXQziwmlU7s6PVZ6iLrXGL0LAgUkREDgkS9Se2bSUD927f3fpo4XFtPi3lal6sLb9yn1VRA329OC4K2Ya1P3fDpDcJ88mKM-bUZd385eQ38wsk-9x1mpmpUqjge7_2FGePAMrx-G3z1nAU3w.a2lkLTE"
	fuzzV2Public  = "v2.public.eyJleHAiOiIyMDI1LTAxLTAxVDAwOjE1OjAwWiIsImZyZXNoIjpmYWxzZSwiaWF0IjoiMjAyNS0wMS0wMVQwMDowMDowMFoiLCJqdGkiOiI2ODhlMjYyZS1iODUxLTQ5OWYtOWQ5OS04MmJhZjhiZjJlMGYiLCJuYmYiOiIyMDI1LTAxLTAxVDAwOjAwOjAwWiIsInN1YiI6ImFsaWNlIiwidHlwZSI6ImFjY2VzcyJ9w1x1uu1RXBnOdQgSy9WL2k9rC7So98beYr_8FzeYBElCUp3SoFdFc5CNiy_y1kYLxCSQ1nvnrK6UxQkr39dlAg"
	fuzzV2Refresh = "v2.local.fgwlD-B9yzWCocVrjyPtDV3a-NFbg3qwj-aFqGzpsVQrOrYyZJzML0wVSF94NSDQVTIv6k8WJ6j_R-M6WrmdMpjsOtxGM55fCuX-H8ks5XCSiHDfJ5P9F8HOAIFIdwQjFyu09IxbdUe2V-qSCBfHN871yV67HFbe67HQVpL1H3nyppQPnyr79NniBPjs_0g0URvURGzLVYo6tS52IHm3O3AZ_zlFIl7p8vMNlsQAEHa4e7J5DwzEavIsR0ArIiWHomA_en2TsrkybdzO"
)

// FuzzVerifyLegacy is FuzzVerify for v3 and v2 Authorizers, whose tokens
// go through go-paseto.
func FuzzVerifyLegacy(f *testing.F) {
	gin.SetMode(gin.TestMode)
	clock := WithClock(func() time.Time { return fuzzNow })
	var targets []*fuzzTarget
	var seeds []string
	for _, tc := range []struct {
		opts    []Option
		access  []string
		refresh string
	}{
		{[]Option{WithVersion(versionV3), WithPrivateKey(fuzzV3SecretKey)}, []string{fuzzV3Local, fuzzV3Public}, fuzzV3Refresh},
		{[]Option{WithVersion(versionV2), WithPrivateKey(fuzzSeed)}, []string{fuzzV2Local, fuzzV2Public}, fuzzV2Refresh},
	} {
		a, err := New(append(tc.opts, WithSecretKey(fuzzLocalKey), clock, WithTokenLocations(InHeader, InQuery))...)
		require.NoError(f, err)
		for _, tok := range append(tc.access, tc.refresh) {
			_, err := a.ParseToken(tok)
			require.NoError(f, err, "fixed token no longer verifies")
		}
		targets = append(targets, newFuzzTarget(f, a, tc.access, tc.refresh))
		seeds = append(seeds, append(tc.access, tc.refresh)...)
	}
	addFuzzSeeds(f, seeds)
	f.Fuzz(func(t *testing.T, header, query string) {
		for _, ft := range targets {
			ft.check(t, header, query)
		}
	})
}

// FuzzSplitToken checks the token splitter on arbitrary strings: it never
// panics; what it accepts splits back into the same string; and any part
// that decodes has exactly one spelling, so a token cannot be altered
// without changing the bytes that are authenticated.
func FuzzSplitToken(f *testing.F) {
	for _, tok := range fuzzTokens(f) {
		f.Add(tok)
		f.Add(tok + "=")
		f.Add(tok + ".")
	}
	for _, s := range []string{"", ".", "..", "...", "v4.local.", "v4.local..", "v4.local.AA", "v4.local.AB.AC",
		"v4.local.A.B.C", "v4..AA", ".local.AA", "v4.local.AA==", "v4.local.A+/A", "v4.local.AAAA\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		header, body, footer, ok := splitToken(s)
		if !ok {
			return
		}
		joined := header + body
		if footer != "" {
			joined += "." + footer
		}
		require.Equal(t, s, joined)
		require.Equal(t, 2, strings.Count(header, "."))
		require.True(t, strings.HasSuffix(header, "."))
		require.NotEmpty(t, body)
		require.NotContains(t, body, ".")
		require.NotContains(t, footer, ".")

		rawBody, err := b64.DecodeString(body)
		if err != nil {
			return
		}
		require.Equal(t, body, b64.EncodeToString(rawBody))
		var rawFooter []byte
		if footer != "" {
			if rawFooter, err = b64.DecodeString(footer); err != nil {
				return
			}
			require.Equal(t, footer, b64.EncodeToString(rawFooter))
		}
		require.Equal(t, s, encodeToken(header, rawBody, rawFooter))
	})
}

// jsonClaimProbe is a struct with one field per registered claim, tagged
// with its name, so that encoding/json itself says which claim a key would
// fill when an application decodes the payload into its own struct.
var jsonClaimProbe = func() reflect.Type {
	fields := make([]reflect.StructField, len(reservedClaims))
	for i, name := range reservedClaims {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[json.RawMessage](),
			Tag: reflect.StructTag(`json:"` + name + `"`)}
	}
	return reflect.StructOf(fields)
}()

// jsonMatchedClaim returns the registered claim whose field encoding/json
// fills from key, or "" if none.
func jsonMatchedClaim(key string) string {
	quoted, _ := json.Marshal(key)
	probe := reflect.New(jsonClaimProbe)
	if json.Unmarshal([]byte(`{`+string(quoted)+`:0}`), probe.Interface()) != nil {
		return ""
	}
	for i, name := range reservedClaims {
		if probe.Elem().Field(i).Len() > 0 {
			return name
		}
	}
	return ""
}

// referenceClaims decodes the registered claims of payload with
// encoding/json alone, as the specification of parseClaims: a JSON object
// whose registered claims, matched by exact name, appear at most once and,
// unless null, have their registered types, and that holds no other key
// encoding/json would match to a registered claim.
func referenceClaims(payload []byte) (*Claims, bool) {
	if !json.Valid(payload) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return nil, false
	}
	c := &Claims{}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name := tok.(string)
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return nil, false
		}
		if !slices.Contains(reservedClaims, name) {
			if jsonMatchedClaim(name) != "" {
				return nil, false
			}
			continue
		}
		if seen[name] {
			return nil, false
		}
		seen[name] = true
		if string(raw) == "null" {
			continue
		}
		if name == "fresh" {
			if json.Unmarshal(raw, &c.Fresh) != nil {
				return nil, false
			}
			continue
		}
		if name == "aud" && raw[0] == '[' {
			if json.Unmarshal(raw, &c.Audience) != nil {
				return nil, false
			}
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		switch name {
		case "sub":
			c.Subject = s
		case "type":
			c.Type = s
		case "jti":
			c.JTI = s
		case "iss":
			c.Issuer = s
		case "aud":
			c.Audience = []string{s}
		case "scope":
			for _, name := range strings.Split(s, " ") {
				if name != "" {
					c.Scopes = append(c.Scopes, name)
				}
			}
		default:
			at, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return nil, false
			}
			*map[string]*time.Time{"iat": &c.IssuedAt, "nbf": &c.NotBefore, "exp": &c.Expiration}[name] = at
		}
	}
	return c, true
}

// FuzzParseClaimsEquivalence compares parseClaims, which scans the payload
// by hand for speed, with referenceClaims on every field and on whether the
// payload is accepted at all.
func FuzzParseClaimsEquivalence(f *testing.F) {
	for _, s := range []string{
		`{"sub":"alice","type":"access","fresh":false,"jti":"j","iat":"2025-01-01T00:00:00Z","nbf":"2025-01-01T00:00:00Z","exp":"2025-01-01T00:15:00Z"}`,
		`{"sub":"a","sub":"b"}`, `{"\u0073ub":"x"}`, `{"SUB":"x","sub":"y"}`, `{"sub":null,"sub":"x"}`,
		`{"aud":["a",null]}`, `{"aud":"a","iss":"i"}`, `{"exp":"2025-01-01T00:00:00+01:00"}`, `{"exp":1}`,
		`null`, `[]`, ` {"fresh":true} `, `{"fresh":"true"}`, `{"a":{"b":[1,"}",{"c":"\""}]},"sub":"x\ty\u00e9"}`,
		`{"x":[[[]]],"type":"refresh","y":-1.5e3,"z":true}`, `{}`, ``, `{"sub":"x",}`,
		`{"scope":"a b"}`, `{"scope":"  a  "}`, `{"scope":""}`, `{"scope":["a"]}`, `{"scope":"a","scope":"b"}`, `{"scope":"a\u0020b"}`,
		`{"sub":"alice","SUB":"admin"}`, `{"ſub":"x"}`, `{"\u017fub":"x"}`, `{"Exp":"2025-01-01T00:00:00Z"}`,
		`{"Key":1}`, `{"ıat":1}`, `{"fReSh":true}`,
		// Malformed JSON the scanner must refuse as json.Valid does.
		"{\"sub\":\"a\x01\"}", `{"sub":"\q"}`, `{"sub":"\u12G4"}`, `{"sub":"\u12"}`, `{"a":tru}`, `{"sub":"x"} x`,
		`{"fresh":truex}`, `{"fresh":nul}`, `{"sub":"x" "y"}`, `{"x":1,}`, `{"aud":["a",]}`, `{"sub" "x"}`, `{"sub":"x"`,
		`{"a":{"b":1]}`, `{"x":"\"}`, `{"\u0073ub":"x","a\x":1}`, `{"sub":"x"}{}`, `{"jti":"a\"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		got, err := parseClaims(payload, nil)
		want, ok := referenceClaims(payload)
		require.Equal(t, ok, err == nil, "parseClaims error %v", err)
		if !ok {
			return
		}
		want.payload = payload
		for _, ts := range [][2]*time.Time{{&want.IssuedAt, &got.IssuedAt}, {&want.NotBefore, &got.NotBefore}, {&want.Expiration, &got.Expiration}} {
			require.True(t, ts[0].Equal(*ts[1]), "time %v read as %v", *ts[0], *ts[1])
			*ts[1] = *ts[0] // same instant; the *time.Location may differ
		}
		require.Equal(t, want, got)
	})
}
