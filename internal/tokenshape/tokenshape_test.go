package tokenshape

import (
	"encoding/base64"
	"strings"
	"testing"
)

// A made-up local token: header, a body of 90 base64url characters and a
// footer.
var (
	body  = strings.Repeat("AbC-_9", 15)
	token = "v4.local." + body + ".eyJraWQiOiJrIn0"
)

func TestContains(t *testing.T) {
	for _, s := range []string{
		token,
		"Bearer " + token,
		"v2.public.x",
		base64.StdEncoding.EncodeToString([]byte(token)),
		base64.URLEncoding.EncodeToString([]byte("v3.public." + body)),
	} {
		if !Contains(s) {
			t.Errorf("Contains(%q) = false", s)
		}
	}
	for _, s := range []string{"", "v4.localhost", "Mozilla/5.0", "v5.local.x", body} {
		if Contains(s) {
			t.Errorf("Contains(%q) = true", s)
		}
	}
}

func TestRedact(t *testing.T) {
	wrapped := base64.StdEncoding.EncodeToString([]byte(token))
	tests := []struct{ in, want string }{
		{"", ""},
		{"nothing here", "nothing here"},
		{"Bearer " + token, "Bearer " + Redacted},
		{"a=" + token + "&b=" + token + ";", "a=" + Redacted + "&b=" + Redacted + ";"},
		{"x " + wrapped + " y", "x " + Redacted + " y"},
		{"v4.local.", Redacted},
		// Redact goes by the marker alone: a body without one stays.
		{"id=" + body, "id=" + body},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactSecrets(t *testing.T) {
	run80, run79 := strings.Repeat("a", MinSecretRun), strings.Repeat("a", MinSecretRun-1)
	tests := []struct{ in, want string }{
		{"v4&#46;local&#46;" + body, "v4&#46;local&#46;" + Redacted},
		{"v4\u2024local\u2024" + body + ".footer", "v4\u2024local\u2024" + Redacted + ".footer"},
		{"/p/" + token + "/x", "/p/" + Redacted + "/x"},
		{"id=" + run80, "id=" + Redacted},
		{"id=" + run79, "id=" + run79},
		{"uuid 123e4567-e89b-12d3-a456-426614174000", "uuid 123e4567-e89b-12d3-a456-426614174000"},
	}
	for _, tt := range tests {
		if got := RedactSecrets(tt.in); got != tt.want {
			t.Errorf("RedactSecrets(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if HasLongRun(run79) || !HasLongRun("."+run80+".") {
		t.Error("HasLongRun does not count runs of MinSecretRun")
	}
}
