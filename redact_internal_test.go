package ginpaseto

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/internal/paserk"
	"github.com/ginpaseto/ginpaseto/internal/tokenshape"
	"github.com/ginpaseto/ginpaseto/keyring"
)

// keyEncodings returns every spelling of raw that a leak could take: the
// bytes themselves, fmt's renderings of a byte slice (%v, %q, %x), hex,
// the four base64 alphabets and PASERK.
func keyEncodings(raw []byte, paserk string) []string {
	quoted := strconv.Quote(string(raw))
	return []string{
		string(raw),
		strings.Trim(fmt.Sprint(raw), "[]"),
		quoted[1 : len(quoted)-1],
		hex.EncodeToString(raw),
		strings.ToUpper(hex.EncodeToString(raw)),
		base64.StdEncoding.EncodeToString(raw),
		base64.URLEncoding.EncodeToString(raw),
		base64.RawStdEncoding.EncodeToString(raw),
		base64.RawURLEncoding.EncodeToString(raw),
		paserk,
	}
}

// requireNoKey fails if out holds any 12-character piece of any encoding of
// a key: a printer that shows part of a key leaks it too.
func requireNoKey(t *testing.T, what, out string, encodings []string) {
	t.Helper()
	for _, enc := range encodings {
		for i := 0; i+12 <= len(enc); i += 6 {
			if strings.Contains(out, enc[i:i+12]) {
				t.Fatalf("%s shows key material (%q of %q):\n%s", what, enc[i:i+12], enc, out)
			}
		}
	}
}

// printings renders v in every way an application might print, log or
// encode it.
func printings(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	out["Sprint"] = fmt.Sprint(v)
	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog JSON": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		slog.New(newHandler(&buf)).Info("configured", slog.Any("value", v), slog.Group("g", slog.Any("nested", v)))
		out[name] = buf.String()
	}
	if b, err := json.Marshal(v); err == nil {
		out["json.Marshal"] = string(b)
	}
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(v) == nil {
		out["gob"] = buf.String()
	}
	return out
}

// TestPrintingHidesKeys prints, logs and encodes Authorizers and everything
// in them that holds a key, for local, public and v3 keys (and v2), and
// searches the output for the keys.
func TestPrintingHidesKeys(t *testing.T) {
	localKey := make([]byte, 32)
	_, err := rand.Read(localKey)
	require.NoError(t, err)
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	p384Scalar := p384.D.FillBytes(make([]byte, p384ScalarSize))
	p384Point := compressP384(t, &p384.PublicKey)

	localHex, edHex, p384Hex := hex.EncodeToString(localKey), hex.EncodeToString(edPriv), hex.EncodeToString(p384Scalar)
	edPubHex := hex.EncodeToString(edPub)
	// A signing key stored wrapped, and the wrapping key that opens it.
	_, otherEd, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	wrapping := make([]byte, 32)
	_, err = rand.Read(wrapping)
	require.NoError(t, err)
	wrappingHex := hex.EncodeToString(wrapping)
	wrappedEd, err := paserk.Wrap(paserk.V4, paserk.Secret, otherEd, wrapping)
	require.NoError(t, err)
	tests := []struct {
		name string
		opts []Option
		keys [][]string
	}{
		{"v4 local and public", []Option{WithSecretKey(localHex), WithPrivateKey(edHex)}, [][]string{
			keyEncodings(localKey, encodePaserk("k4.local", localKey)),
			keyEncodings(edPriv.Seed(), ""),
			keyEncodings(edPriv, encodePaserk("k4.secret", edPriv)),
			keyEncodings(edPub, encodePaserk("k4.public", edPub)),
		}},
		{"v4 verify-only", []Option{WithPublicKey(edPubHex)}, [][]string{
			keyEncodings(edPub, encodePaserk("k4.public", edPub)),
		}},
		{"v3 local and public", []Option{WithVersion(versionV3), WithSecretKey(localHex), WithPrivateKey(p384Hex)}, [][]string{
			keyEncodings(localKey, encodePaserk("k3.local", localKey)),
			keyEncodings(p384Scalar, encodePaserk("k3.secret", p384Scalar)),
			{p384.D.String(), p384.D.Text(16)},
			keyEncodings(p384Point, encodePaserk("k3.public", p384Point)),
		}},
		{"keyring keys", []Option{WithKeys(keyring.SecretKey(localHex), keyring.PrivateKey(edHex).Retired(), keyring.PrivateKey(wrappedEd).Wrapped(wrappingHex))}, [][]string{
			keyEncodings(localKey, encodePaserk("k4.local", localKey)),
			keyEncodings(edPriv.Seed(), ""),
			keyEncodings(edPriv, encodePaserk("k4.secret", edPriv)),
			keyEncodings(otherEd.Seed(), ""),
			keyEncodings(otherEd, encodePaserk("k4.secret", otherEd)),
			keyEncodings(wrapping, encodePaserk("k4.local", wrapping)),
			{wrappedEd},
		}},
		{"v2 local and public", []Option{WithVersion(versionV2), WithSecretKey(localHex), WithPrivateKey(edHex)}, [][]string{
			keyEncodings(localKey, encodePaserk("k2.local", localKey)),
			keyEncodings(edPriv, encodePaserk("k2.secret", edPriv)),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var encodings []string
			for _, k := range tt.keys {
				encodings = append(encodings, k...)
			}
			// The configuration as the options leave it, before New parses it.
			cfg := defaultConfig()
			for _, o := range tt.opts {
				require.NoError(t, o.applyOption(&cfg))
			}
			a, err := New(tt.opts...)
			require.NoError(t, err)
			values := map[string]any{
				"*Authorizer": a,
				// A copy of the Authorizer, as printing *a would pass.
				"Authorizer": reflect.ValueOf(a).Elem().Interface(),
				"config":     cfg,
				"*config":    &cfg,
			}
			for _, src := range []*keySource{cfg.secretKey, cfg.privateKey, cfg.publicKey} {
				if src != nil {
					values["*keySource"], values["keySource"] = src, *src
					values["key text"] = src.value
				}
			}
			for i, d := range cfg.keys {
				values[fmt.Sprintf("keyDesc %d", i)], values[fmt.Sprintf("*keyDesc %d", i)] = d, &cfg.keys[i]
				if d.src.atRest != nil {
					values[fmt.Sprintf("atRest %d", i)] = *d.src.atRest
				}
			}
			for i, o := range tt.opts {
				values[fmt.Sprintf("option %d", i)] = o
			}
			ring := a.Keys()
			values["*Keyring"], values["Keyring"] = ring, *ring
			for _, k := range ring.keys {
				values["key "+k.kid] = *k
				values["opener "+k.kid] = k.opener
				if k.sealer != nil {
					values["sealer "+k.kid] = k.sealer
				}
			}
			for name, v := range values {
				for how, out := range printings(t, v) {
					requireNoKey(t, how+" of "+name, out, encodings)
				}
			}
		})
	}
}

// TestHiddenRedactsItself checks the placeholder for each way of printing
// or encoding a hidden value on its own; encoders that would need the bytes
// refuse.
func TestHiddenRedactsItself(t *testing.T) {
	h := hide([]byte("0123456789abcdef0123456789abcdef"))
	for how, out := range printings(t, h) {
		require.Contains(t, out, tokenshape.Redacted, how)
	}
	require.Equal(t, "0123456789abcdef0123456789abcdef", string(h.get()))
	var buf bytes.Buffer
	require.ErrorIs(t, gob.NewEncoder(&buf).Encode(h), errHiddenEncode)
}
