package ginpaseto

import "testing"

// FuzzParseKeySet: whatever a key set URL answers, parsing it never
// panics, and a set it accepts holds only public keys, each under its own
// ID.
func FuzzParseKeySet(f *testing.F) {
	pub := "k4.public.T9CZzNR9eJPf6ewkQU7LDZtUICMqrTDZHEZb4zy-ZcQ"
	kid := "k4.pid.Ku-OhR1nwngeYh94nlh6Gz-A2PVQ1HHGH5PKjRlBUj9W"
	for _, seed := range []string{
		`{"keys":[{"kid":"` + kid + `","key":"` + pub + `"}]}`,
		`{"keys":[]}`, `{}`, `[]`, `null`, `{"keys":[{"kid":"x","key":"k4.secret.AAAA"}]}`,
		`{"keys":[{"kid":"` + kid + `","key":"` + pub + `"},{"kid":"` + kid + `","key":"` + pub + `"}]}`,
		`{"keys":[{"KID":"` + kid + `","Key":"` + pub + `"}]}`, `{"keys":[{"kid":1,"key":2}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ring, err := parseKeySet(V4, body)
		if err != nil {
			return
		}
		if len(ring.keys) == 0 || ring.headers[headerV4Local] != nil || len(ring.active) != 0 {
			t.Fatalf("accepted a set that is empty, holds a local key or an active one: %q", body)
		}
		for _, k := range ring.keys {
			if k.purpose != Public || k.sealer != nil || k.kid != publicKeyID(V4, k.public.get()) {
				t.Fatalf("accepted a key that is not public, or under another ID: %q", body)
			}
		}
	})
}
