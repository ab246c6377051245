package ginpaseto

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseClaims(t *testing.T) {
	exp := time.Date(2026, 11, 29, 18, 44, 36, 0, time.UTC)
	tests := []struct {
		name    string
		payload string
		want    *Claims // nil: the payload must be refused
	}{
		{"registered layout",
			`{"sub":"test","type":"access","fresh":true,"jti":"id","iat":"2026-11-29T18:29:36Z","nbf":"2026-11-29T18:29:36Z","exp":"2026-11-29T18:44:36Z","iss":"me","aud":"api"}`,
			&Claims{Subject: "test", Type: "access", Fresh: true, JTI: "id", Issuer: "me", Audience: []string{"api"},
				IssuedAt: exp.Add(-15 * time.Minute), NotBefore: exp.Add(-15 * time.Minute), Expiration: exp}},
		{"empty object", `{}`, &Claims{}},
		{"whitespace everywhere", " {\n\t\"sub\" :\r \"a\" , \"fresh\" : false }\n", &Claims{Subject: "a"}},
		{"other claims of every shape are skipped",
			`{"a":{"sub":"x","b":[1,{"c":"}"}]},"sub":"real","n":-1.5e3,"t":true,"z":null,"s":"\"sub\":\"y\"","l":[]}`,
			&Claims{Subject: "real"}},
		{"a name that folds to no registered one", `{"subs":"x","Key":1,"ıat":1,"İss":1,"su":1}`, &Claims{}},
		{"an escaped name is the name it spells", `{"\u0073ub":"alice"}`, &Claims{Subject: "alice"}},
		{"a time with escapes", `{"exp":"2026-11-29T18:44:36\u005a"}`, &Claims{Expiration: exp}},
		{"custom type", `{"type":"invite"}`, &Claims{Type: "invite"}},
		{"escaped values are decoded", `{"sub":"a\"b\\c\u00e9"}`, &Claims{Subject: "a\"b\\cé"}},
		{"null is absent", `{"sub":null,"exp":null,"aud":null,"fresh":null}`, &Claims{}},
		{"audience array", `{"aud":["a","b"]}`, &Claims{Audience: []string{"a", "b"}}},
		{"offset and fractional times", `{"exp":"2026-11-29T19:44:36.5+01:00"}`, &Claims{Expiration: exp.Add(500 * time.Millisecond)}},

		{"duplicate registered claim", `{"sub":"alice","sub":"bob"}`, nil},
		{"a registered name in another case", `{"sub":"alice","SUB":"admin"}`, nil},
		{"another case alone", `{"Exp":"2026-11-29T18:44:36Z"}`, nil},
		{"another case, null", `{"TYPE":null}`, nil},
		{"long s folds to s", `{"sub":"alice","ſub":"admin"}`, nil},
		{"long s escaped", `{"\u017fub":"admin"}`, nil},
		{"duplicate through an escape", `{"sub":"alice","\u0073ub":"bob"}`, nil},
		{"subject not a string", `{"sub":5}`, nil},
		{"fresh not a bool", `{"fresh":"true"}`, nil},
		{"audience of numbers", `{"aud":[1]}`, nil},
		{"audience object", `{"aud":{}}`, nil},
		{"time not RFC 3339", `{"exp":"yesterday"}`, nil},
		{"time as a number", `{"exp":1700000000}`, nil},
		{"a day that does not exist", `{"exp":"2026-02-30T00:00:00Z"}`, nil},
		{"hour 24", `{"exp":"2026-11-29T24:00:00Z"}`, nil},
		{"leap second", `{"exp":"2026-12-31T23:59:60Z"}`, nil},
		{"lower-case z", `{"exp":"2026-11-29T18:44:36z"}`, nil},
		{"array", `[]`, nil},
		{"string", `"sub"`, nil},
		{"null", `null`, nil},
		{"invalid JSON", `{"sub":"a"`, nil},
		{"trailing data", `{"sub":"a"}{}`, nil},
		{"empty", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseClaims([]byte(tt.payload), nil)
			if tt.want == nil {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			tt.want.payload = []byte(tt.payload)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestReservedClaimsAreTheScannedOnes keeps the two lists of registered
// names in step: the names CreateToken refuses as extra claims are exactly
// the ones the scanner reads into Claims fields.
func TestReservedClaimsAreTheScannedOnes(t *testing.T) {
	for _, name := range reservedClaims {
		assert.NotEqual(t, fieldNone, fieldOf([]byte(name)), name)
	}
	assert.Len(t, reservedClaims, int(numFields)-1, "one reserved name per scanned field")
}

// TestClaimNameFoldingMatchesEncodingJSON spells every registered name in
// every letter case, and with the non-ASCII letters that fold to ASCII
// ones, and checks that parseClaims refuses exactly the keys that
// encoding/json would decode into the claim's field, other than the name
// itself.
func TestClaimNameFoldingMatchesEncodingJSON(t *testing.T) {
	// Runes to try in place of each letter: its two cases, and the other
	// members of its case-folding orbit or look-alikes that are not in it.
	variants := func(r rune) []string {
		out := []string{string(r), strings.ToUpper(string(r))}
		switch r {
		case 's':
			out = append(out, "ſ") // U+017F folds to s
		case 'k':
			out = append(out, "\u212a") // the Kelvin sign folds to k
		case 'i':
			out = append(out, "ı", "İ") // dotless and dotted I do not fold to i
		case 'a':
			out = append(out, "å")
		}
		return out
	}
	names := append([]string{"kid", "sid"}, reservedClaims...) // names that are not registered must pass
	refused, checked := 0, 0
	for _, name := range names {
		spellings := []string{""}
		for _, r := range name {
			var next []string
			for _, prefix := range spellings {
				for _, v := range variants(r) {
					next = append(next, prefix+v)
				}
			}
			spellings = next
		}
		for _, key := range spellings {
			payload := []byte(`{"` + key + `":null}`)
			var decoded string
			require.NoError(t, json.Unmarshal([]byte(`"`+key+`"`), &decoded))
			matched := jsonMatchedClaim(decoded)
			_, err := parseClaims(payload, nil)
			checked++
			if matched != "" && decoded != matched {
				refused++
				require.ErrorIs(t, err, errFoldedClaim, "%s matches %s in encoding/json", payload, matched)
			} else {
				require.NoError(t, err, "%s", payload)
			}
		}
	}
	t.Logf("%d spellings, %d refused", checked, refused)
	require.Positive(t, refused)
}
