package ginpaseto

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzFooterKID holds the footer parse to encoding/json's reading of the
// same footer: a kid it finds is the one encoding/json decodes, a footer
// in which it finds none has none, and nothing makes it panic.
func FuzzFooterKID(f *testing.F) {
	for _, seed := range []string{
		``, `x`, `{}`, `{"kid":"k4.lid.abc"}`, `{"a":1,"kid":"k"}`, `{"kid":1}`,
		`{"kid":"a","kid":"b"}`, `{"\u006bid":"a"}`, `{"kid":"a\"b"}`, `{"x":{"kid":"inner"}}`,
		`{"x":[[[[[[[[[1]]]]]]]]]}`, ` {"kid":"a"}`, `{"kid":"é"}`, `{"kid":"\ud800"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, footer []byte) {
		kid, found, err := footerKID(footer)
		if len(footer) == 0 || footer[0] != '{' || len(footer) > maxFooterJSON || !json.Valid(footer) {
			if found && !json.Valid(footer) {
				t.Fatalf("a kid found in a footer that is not JSON: %q", footer)
			}
			return
		}
		var members map[string]json.RawMessage
		if json.Unmarshal(footer, &members) != nil {
			t.Fatalf("valid JSON starting with { is not an object: %q", footer)
		}
		raw, has := members[footerKIDClaim]
		switch {
		case err == errDuplicateKID:
			if !has || bytes.Count(footer, []byte(`"`)) < 4 {
				t.Fatalf("kid twice in %q", footer)
			}
		case err == errKIDNotString:
			if !has || bytes.HasPrefix(raw, []byte(`"`)) && !bytes.Contains(footer, []byte(`\u`)) {
				t.Fatalf("kid not a string in %q", footer)
			}
		case err != nil:
			// a bound: depth or members
		case found:
			var want string
			if json.Unmarshal(raw, &want) != nil {
				t.Fatalf("found kid %q, but encoding/json reads %s in %q", kid, raw, footer)
			}
			if got := string(kid); got != want {
				t.Fatalf("found kid %q, encoding/json reads %q in %q", got, want, footer)
			}
		default:
			if has {
				t.Fatalf("no kid found, but encoding/json reads %s in %q", raw, footer)
			}
		}
	})
}
