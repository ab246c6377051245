package ginpaseto

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// FromEnv returns an Option that configures the Authorizer from PASETO_*
// environment variables, read when New applies it:
//
//	PASETO_SECRET_KEY, PASETO_PRIVATE_KEY, PASETO_PUBLIC_KEY   keys, as WithSecretKey, WithPrivateKey, WithPublicKey take them
//	PASETO_SECRET_KEY_FILE, PASETO_PRIVATE_KEY_FILE, PASETO_PUBLIC_KEY_FILE   the same keys read from files (container secrets)
//	PASETO_VERSION                  v4, v3 or v2
//	PASETO_PURPOSE                  local or public: the purpose of created tokens
//	PASETO_ACCESS_LIFETIME, PASETO_REFRESH_LIFETIME, PASETO_CUSTOM_LIFETIME   Go durations, such as 15m or 720h
//	PASETO_LEEWAY                   a Go duration, such as 30s, at most 5m
//	PASETO_REFRESH_GRACE            a Go duration from 0s (strict rotation) to 5m, as WithRefreshGrace
//	PASETO_SESSION_LIFETIME         a positive Go duration, as WithSessionLifetime
//	PASETO_ISSUER                   the iss of created tokens
//	PASETO_EXPECTED_ISSUER, PASETO_EXPECTED_AUDIENCE   what checks require
//	PASETO_TOKEN_LOCATIONS          a comma-separated list such as "header,json"
//	PASETO_HEADER_NAME, PASETO_HEADER_PREFIX   the header and its scheme; an empty prefix means bare tokens
//
// docs/configuration.md describes each. A variable that is not set
// changes nothing; one that is set, even to the empty string, is used. A
// key and its _FILE variant must not both be set. A malformed value makes
// New fail with the variable's name and what it expects; an error about
// a key never repeats the key or the file's content.
//
// Options apply in order, so options given after FromEnv override the
// variables it read, and variables that are set override the options given
// before it:
//
//	New(WithLifetime(TypeAccess, time.Hour), FromEnv(), WithIssuer("auth"))
//
// keeps an hour unless PASETO_ACCESS_LIFETIME is set, and always stamps
// iss "auth".
//
// A PASETO_ variable that FromEnv does not read, such as a misspelt
// PASETO_SECRET_KY, makes New fail with its name and the nearest one
// FromEnv reads, rather than leaving the setting it was meant for at its
// default.
func FromEnv() Option {
	return optionFunc(func(c *config) error {
		if err := unknownEnvVars(os.Environ()); err != nil {
			return err
		}
		c.fromEnv = true
		for _, v := range envVars {
			if err := v.read(c, v.name); err != nil {
				return err
			}
		}
		return nil
	})
}

// envVar is one entry of the variables FromEnv reads.
type envVar struct {
	name string
	// read looks the variable (or variables) up and applies it; an unset
	// variable is left alone.
	read func(c *config, name string) error
}

// envVars are the variables FromEnv reads, in the order it applies them.
var envVars = []envVar{
	{"PASETO_SECRET_KEY", envKey(func(c *config) **keySource { return &c.secretKey })},
	{"PASETO_PRIVATE_KEY", envKey(func(c *config) **keySource { return &c.privateKey })},
	{"PASETO_PUBLIC_KEY", envKey(func(c *config) **keySource { return &c.publicKey })},
	{"PASETO_VERSION", envValue(func(c *config, name, s string) error {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "v4", "4":
			c.version = V4
		case "v3", "3":
			c.version = versionV3
		case "v2", "2":
			c.version = versionV2
		default:
			return fmt.Errorf("ginpaseto: %s: %q is not a PASETO version; use v4 (the default), v3 or v2", name, s)
		}
		return nil
	})},
	{"PASETO_PURPOSE", envValue(func(c *config, name, s string) error {
		p := Purpose(strings.ToLower(strings.TrimSpace(s)))
		if !p.valid() {
			return fmt.Errorf("ginpaseto: %s: %q is not a purpose; use local or public", name, s)
		}
		c.purpose, c.purposeSet, c.purposeBy = p, true, name
		return nil
	})},
	{"PASETO_ACCESS_LIFETIME", envLifetime(func(c *config) *time.Duration { return &c.accessLifetime })},
	{"PASETO_REFRESH_LIFETIME", envLifetime(func(c *config) *time.Duration { return &c.refreshLifetime })},
	{"PASETO_CUSTOM_LIFETIME", envLifetime(func(c *config) *time.Duration { return &c.customLifetime })},
	{"PASETO_LEEWAY", envValue(func(c *config, name, s string) error {
		d, err := envDuration(name, s)
		if err != nil {
			return err
		}
		if err := checkLeeway(d); err != nil {
			return fmt.Errorf("ginpaseto: %s: %w", name, err)
		}
		c.leeway = d
		return nil
	})},
	{"PASETO_REFRESH_GRACE", envValue(func(c *config, name, s string) error {
		d, err := envDuration(name, s)
		if err != nil {
			return err
		}
		if d < 0 || d > maxRefreshGrace {
			return fmt.Errorf("ginpaseto: %s: %v is out of range; use 0s (strict rotation) to %v (default %v)", name, d, maxRefreshGrace, defaultRefreshGrace)
		}
		c.refreshGrace = d
		c.createsWith(name)
		return nil
	})},
	{"PASETO_SESSION_LIFETIME", envValue(func(c *config, name, s string) error {
		d, err := envDuration(name, s)
		if err != nil {
			return err
		}
		return sessionLifetimeOption(name, d).applyOption(c)
	})},
	{"PASETO_ISSUER", envValue(func(c *config, name, s string) error { c.issuer = s; c.createsWith(name); return nil })},
	{"PASETO_EXPECTED_ISSUER", envValue(func(c *config, name, s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("ginpaseto: %s: is set but empty or blank; unset it to accept any issuer", name)
		}
		c.expectedIssuer = s
		return nil
	})},
	{"PASETO_EXPECTED_AUDIENCE", envValue(func(c *config, name, s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("ginpaseto: %s: is set but empty or blank; unset it to accept any audience", name)
		}
		c.expectedAudience = s
		return nil
	})},
	{"PASETO_TOKEN_LOCATIONS", envValue(func(c *config, name, s string) error {
		locs, err := parseLocations(name, s)
		if err != nil {
			return err
		}
		c.check.locations, c.check.locationsBy = locs, name
		return nil
	})},
	{"PASETO_HEADER_NAME", envValue(func(c *config, name, s string) error {
		if err := validHeader(name, s, c.check.headerPrefix); err != nil {
			return err
		}
		c.check.headerName = s
		return nil
	})},
	{"PASETO_HEADER_PREFIX", envValue(func(c *config, name, s string) error {
		if err := validHeader(name, c.check.headerName, s); err != nil {
			return err
		}
		c.check.headerPrefix = s
		return nil
	})},
}

// envPrefix starts every variable FromEnv reads.
const envPrefix = "PASETO_"

// envSpelling rewrites the advice of a key error, written for the options,
// for a key FromEnv read: the variables to set instead of the options to
// pass.
var envSpelling = strings.NewReplacer(
	"add WithVersion(legacy.V2)", "set PASETO_VERSION=v2",
	"add WithVersion(legacy.V3)", "set PASETO_VERSION=v3",
	"add WithVersion(ginpaseto.V4)", "set PASETO_VERSION=v4",
	"remove WithVersion(legacy.V3)", "unset PASETO_VERSION",
	"use WithVersion with ginpaseto.V4, or legacy.V3 or legacy.V2", "set PASETO_VERSION to v4, v3 or v2",
	"PASETO_PRIVATE_KEY / WithPrivateKey, which take", "PASETO_PRIVATE_KEY, which takes",
	"PASETO_PUBLIC_KEY / WithPublicKey, which take", "PASETO_PUBLIC_KEY, which takes",
	"PASETO_PRIVATE_KEY / WithPrivateKey", "PASETO_PRIVATE_KEY",
	"PASETO_PUBLIC_KEY / WithPublicKey", "PASETO_PUBLIC_KEY",
	"PASETO_SECRET_KEY / WithSecretKey", "PASETO_SECRET_KEY",
	"pass it to WithPrivateKey", "set it as PASETO_PRIVATE_KEY",
	"pass it to WithPublicKey", "set it as PASETO_PUBLIC_KEY",
	"pass it to WithSecretKey", "set it as PASETO_SECRET_KEY",
	"WithPrivateKey", "PASETO_PRIVATE_KEY",
	"WithPublicKey", "PASETO_PUBLIC_KEY",
	"WithSecretKey", "PASETO_SECRET_KEY",
	"WithVersion", "PASETO_VERSION",
)

// purposeName says where the purpose of created tokens was set, for
// messages: "PASETO_PURPOSE=local", "WithPurpose(ginpaseto.Public)", or
// the default.
func (c *config) purposeName() string {
	switch {
	case c.purposeBy == "PASETO_PURPOSE":
		return "PASETO_PURPOSE=" + string(c.purpose)
	case c.purposeSet && c.purpose == Public:
		return "WithPurpose(ginpaseto.Public)"
	case c.purposeSet:
		return "WithPurpose(ginpaseto.Local)"
	}
	return "the default"
}

// envKnown lists every variable FromEnv reads: the names of envVars, and
// the _FILE variants of the keys.
func envKnown() []string {
	var names []string
	for _, v := range envVars {
		names = append(names, v.name)
		if strings.HasSuffix(v.name, "_KEY") {
			names = append(names, v.name+"_FILE")
		}
	}
	return names
}

// unknownEnvVars reports the variables of environ (as os.Environ gives
// them) whose names start with PASETO_, in any letter case, but that
// FromEnv does not read: most likely a misspelt name, whose setting would
// otherwise be silently ignored. Only names are reported, never values.
func unknownEnvVars(environ []string) error {
	known := envKnown()
	var unknown []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if len(name) < len(envPrefix) || !strings.EqualFold(name[:len(envPrefix)], envPrefix) {
			continue
		}
		// Windows spells names in any case and finds them so.
		if slices.Contains(known, name) || runtime.GOOS == "windows" && slices.ContainsFunc(known, func(k string) bool { return strings.EqualFold(k, name) }) {
			continue
		}
		unknown = append(unknown, name)
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	unknown = slices.Compact(unknown)
	var b strings.Builder
	b.WriteString("ginpaseto: FromEnv: unknown variable")
	if len(unknown) > 1 {
		b.WriteString("s")
	}
	guessed := true
	for i, name := range unknown {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(" " + name)
		if near := nearestName(strings.ToUpper(name), known); near != "" {
			b.WriteString(" (did you mean " + near + "?)")
		} else {
			guessed = false
		}
	}
	b.WriteString("; correct the name or unset the variable")
	if !guessed {
		b.WriteString(" (FromEnv reads " + strings.Join(known, ", ") + ")")
	}
	return errors.New(b.String())
}

// nearestName returns the name of names nearest to s, if it is within
// three edits of it, else "".
func nearestName(s string, names []string) string {
	best, bestDist := "", 4
	for _, n := range names {
		if d := editDistance(s, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// envValue reads a plain variable.
func envValue(apply func(c *config, name, value string) error) func(*config, string) error {
	return func(c *config, name string) error {
		value, ok := os.LookupEnv(name)
		if !ok {
			return nil
		}
		return apply(c, name, value)
	}
}

// envKey reads a key from name, or from the file that name+"_FILE" gives.
// The value is kept hidden and parsed by New like an option's, with errors
// that name the variable.
func envKey(field func(*config) **keySource) func(*config, string) error {
	return func(c *config, name string) error {
		fileName := name + "_FILE"
		value, isSet := os.LookupEnv(name)
		path, fileSet := os.LookupEnv(fileName)
		switch {
		case isSet && fileSet:
			return fmt.Errorf("ginpaseto: %s and %s are both set; set only one: the key, or the path of a file holding it", name, fileName)
		case isSet:
			*field(c) = &keySource{value: hide(value), origin: name}
		case fileSet:
			if path == "" {
				return fmt.Errorf("ginpaseto: %s: is set but empty; set it to the path of the key file", fileName)
			}
			*field(c) = &keySource{path: path, origin: fileName}
		}
		return nil
	}
}

// envLifetime reads a token lifetime, which must be positive.
func envLifetime(field func(*config) *time.Duration) func(*config, string) error {
	return envValue(func(c *config, name, s string) error {
		d, err := envDuration(name, s)
		if err != nil {
			return err
		}
		return lifetimeOption(name, d, field).applyOption(c)
	})
}

func envDuration(name, s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("ginpaseto: %s: %q is not a Go duration; write it as 90s, 15m, 12h or 720h (30 days)", name, s)
	}
	return d, nil
}

// parseLocations reads a comma-separated list of token locations, each
// named as its In… variable with or without the "In" ("InHeader", "header"),
// in any letter case.
func parseLocations(name, s string) ([]Location, error) {
	var locs []Location
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		loc, ok := locationByName(item)
		if !ok {
			return nil, fmt.Errorf("ginpaseto: %s: unknown location %q; use a comma-separated list of %s", name, item, envLocationNames())
		}
		locs = append(locs, loc)
	}
	if err := validLocations(name, locs); err != nil {
		return nil, err
	}
	return locs, nil
}

func locationByName(s string) (Location, bool) {
	for _, l := range envLocations {
		full := l.String()
		if s != "" && (strings.EqualFold(s, full) || strings.EqualFold(s, strings.TrimPrefix(full, "In"))) {
			return l, true
		}
	}
	return Location{}, false
}

// envLocations are the locations PASETO_TOKEN_LOCATIONS can name: those
// without a function.
var envLocations = []Location{InHeader, InQuery, InJSON, InWebSocketProtocol, InCookie}

// envLocationNames lists the short location names, such as "header, query".
func envLocationNames() string {
	var names []string
	for _, l := range envLocations {
		names = append(names, strings.ToLower(strings.TrimPrefix(l.String(), "In")))
	}
	return strings.Join(names, ", ")
}
