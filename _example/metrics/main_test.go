package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
)

// client talks to the service over real HTTP.
type client struct {
	t   *testing.T
	srv *httptest.Server
}

func (c client) send(method, path, token, body string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.srv.Client().Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, string(b)
}

func (c client) pair(path, token, body string) ginpaseto.TokenPair {
	c.t.Helper()
	status, got := c.send("POST", path, token, body)
	require.Equal(c.t, http.StatusOK, status, got)
	var p ginpaseto.TokenPair
	require.NoError(c.t, json.Unmarshal([]byte(got), &p))
	return p
}

// TestMetricsAfterASession scripts a session over real HTTP (a login, two
// refreshes, the reuse of the first refresh token after the refresh grace,
// an expired token, a login and its logout), then scrapes /metrics and finds the series each
// step produced, and one security record for the reuse and one for the
// logout. Neither the metrics nor the log hold a token.
func TestMetricsAfterASession(t *testing.T) {
	var logs bytes.Buffer
	var clock exampletest.Clock
	r, auth, err := newService(slog.New(slog.NewJSONHandler(&logs, nil)), ginpaseto.WithSecretKey(exampletest.SecretKey), ginpaseto.WithClock(clock.Now))
	require.NoError(t, err)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	c := client{t, srv}
	login := `{"username":"test","password":"test"}`

	first := c.pair("/login", "", login)
	second := c.pair("/refresh", first.RefreshToken, "")
	third := c.pair("/refresh", second.RefreshToken, "")
	clock.Advance(time.Minute) // past the refresh grace of both rotations
	status, body := c.send("POST", "/refresh", first.RefreshToken, "")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"detail":"Refresh token reuse detected"}`, body)
	expired, err := auth.CreateAccessToken(context.Background(), "test", ginpaseto.ExpiresAt(time.Now().Add(-time.Minute)))
	require.NoError(t, err)
	status, body = c.send("GET", "/user", expired, "")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"detail":"Token has expired"}`, body)
	fourth := c.pair("/login", "", login)
	status, _ = c.send("GET", "/user", fourth.AccessToken, "")
	assert.Equal(t, http.StatusOK, status)
	status, _ = c.send("POST", "/logout", fourth.AccessToken, "")
	assert.Equal(t, http.StatusNoContent, status)

	status, metrics := c.send("GET", "/metrics", "", "")
	require.Equal(t, http.StatusOK, status)
	series := []struct {
		name   string
		labels []string
		value  float64
	}{
		{"ginpaseto_checks_total", []string{"ginpaseto_outcome", "refused", "ginpaseto_reason", "expired", "ginpaseto_token_type", "access"}, 1},
		{"ginpaseto_checks_total", []string{"ginpaseto_outcome", "allowed", "ginpaseto_reason", "allowed", "ginpaseto_token_type", "refresh"}, 3},
		{"ginpaseto_checks_total", []string{"ginpaseto_outcome", "allowed", "ginpaseto_reason", "allowed", "ginpaseto_token_type", "access"}, 2},
		{"ginpaseto_sessions_total", []string{"ginpaseto_event", "started"}, 2},
		{"ginpaseto_sessions_total", []string{"ginpaseto_event", "rotated"}, 2},
		{"ginpaseto_sessions_total", []string{"ginpaseto_event", "reuse_detected"}, 1},
		{"ginpaseto_sessions_total", []string{"ginpaseto_event", "ended"}, 1},
		{"ginpaseto_cache_lookups_total", []string{"ginpaseto_cache_hit", "false"}, 4},
		{"ginpaseto_cache_lookups_total", []string{"ginpaseto_cache_hit", "true"}, 2},
		{"ginpaseto_check_duration_seconds_count", []string{"ginpaseto_reason", "expired"}, 1},
		{"ginpaseto_store_duration_seconds_count", []string{"ginpaseto_store_operation", "rotate_session", "ginpaseto_result", "ok"}, 2},
		{"ginpaseto_store_duration_seconds_count", []string{"ginpaseto_store_operation", "rotate_session", "ginpaseto_result", "refused"}, 1},
		{"ginpaseto_store_duration_seconds_count", []string{"ginpaseto_store_operation", "revoke_session", "ginpaseto_result", "ok"}, 1},
	}
	for _, s := range series {
		assert.Equal(t, s.value, sample(t, metrics, s.name, s.labels...), "%s%v in:\n%s", s.name, s.labels, metrics)
	}

	logged := logs.String()
	assert.Equal(t, 1, strings.Count(logged, `"msg":"ginpaseto: refresh token reuse detected"`), logged)
	assert.Equal(t, 1, strings.Count(logged, `"msg":"ginpaseto: session ended"`), logged)
	for _, tok := range []string{first.AccessToken, first.RefreshToken, second.RefreshToken, third.RefreshToken, fourth.AccessToken, expired, exampletest.SecretKey} {
		for _, part := range append(strings.Split(tok, ".")[min(2, strings.Count(tok, ".")):], tok) {
			assert.NotContains(t, metrics, part)
			assert.NotContains(t, logged, part)
		}
	}
}

// sample returns the value of the series name whose labels include the
// given pairs, summed over the series that match; 0 when none does.
func sample(t *testing.T, exposition, name string, labels ...string) float64 {
	t.Helper()
	line := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `\{([^}]*)\} (\S+)$`)
	var sum float64
	for _, l := range strings.Split(exposition, "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			if !strings.Contains(","+m[1]+",", ","+labels[i]+`="`+labels[i+1]+`",`) {
				match = false
			}
		}
		if match {
			v, err := strconv.ParseFloat(m[2], 64)
			require.NoError(t, err)
			sum += v
		}
	}
	return sum
}

func TestMain(m *testing.M) { exampletest.Main(m, main) }

// TestLogsHoldNoToken runs the program as a service would and sends it
// tokens every way a client might: none reaches its output.
func TestLogsHoldNoToken(t *testing.T) {
	exampletest.LogsHoldNoToken(t, exampletest.Program(t))
}
