package paserk

import (
	"crypto/ed25519"
	"testing"
)

// FuzzParse feeds arbitrary text to everything that reads a PASERK: none
// may panic, and what they accept must be well formed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"k4.local.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8",
		"k4.local-wrap.pie.y-PC8Zh6P1DoOBUdhRr7W8GWSgHtRKvE8PWWYA-qXy3fxJDmaRsxcZVQzuvXHZuBg5MqCgh_y5K0WbukJCrDX73Wdf631VBnE1DNHafbjnGNzFNWP59ba9ifsOAgE7Bw",
		"k4.local-pw.9VvzoqE_i23NOqsP9xoijQAAAAAEAAAAAAAAAgAAAAG_uxDZC-NsYyOW8OUOqISJqgHN8xIfAXiPfmFTfB4GPidUzm4aKzMGJmZtRPeyZCV11MxEJS3VMIRHXxYsfUQsmWLALpFwqUhxZdk_ymFcK2Nk0-N7CVp-",
		"k4.seal.OPFn-AEUsKUWtAUZrutVvd9YaZ4CmV4_lk6ii8N72l5gTnl8RlL_zRFqWTZZV9gSnPzARQ_QklrZ2Qs6cJGKOENNOnsDXL5haXcr-QbTXgoLVBvT4ruJ8MdjWXGRTVc9",
		"k3.public.AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"k4.lid.", "k9.seal.", "k4..", "", "k4.local-wrap.pie", "k4.local-wrap.x.y",
	} {
		f.Add(s)
	}
	wk := make([]byte, WrappingKeySize)
	_, sk, _ := ed25519.GenerateKey(nil)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err == nil && (!p.Type.Known() || p.Version < 1 || p.Version > 9) {
			t.Fatalf("Parse accepted %q as %v", s, p)
		}
		if err == nil && (p.Type == LocalPW || p.Type == SecretPW) {
			if params, err := PasswordParams(p); err == nil {
				if params.Check() != nil {
					t.Fatalf("parameters out of bounds accepted: %+v", params)
				}
			}
		}
		for _, v := range []Version{V2, V3, V4} {
			for _, typ := range []Type{Local, Secret, Public} {
				if key, err := Decode(v, typ, s); err == nil {
					if n, _ := KeySize(v, typ); len(key) != n {
						t.Fatalf("Decode returned %d bytes for %s", len(key), typ)
					}
				}
			}
			if _, err := Unwrap(v, Local, s, wk); err == nil {
				t.Fatalf("a random PASERK opened with a zero wrapping key: %q", s)
			}
			if _, err := UnsealKey(v, s, sk); err == nil {
				t.Fatalf("a random PASERK unsealed: %q", s)
			}
		}
		_, _ = IDOf(s)
	})
}
