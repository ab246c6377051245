package ginpaseto

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Scopes are what a token allows its bearer to do, as OAuth 2.0 names
// them: claim scope holds them as one space-separated string (RFC 8693
// §4.2, RFC 9068 §2.2.3), and a check refuses a token that lacks one of
// the scopes it requires with 403 and an insufficient_scope challenge
// (RFC 6750 §3.1).

// ErrInsufficientScope: the token lacks a scope that RequireScopes asks
// for. The check answers 403 "Insufficient scope", and the WWW-Authenticate
// challenge lists the scopes the route needs (see Error.Challenge).
var ErrInsufficientScope = errors.New("ginpaseto: insufficient scope")

const msgInsufficientScope = "Insufficient scope"

// Scopes writes claim scope: the given scopes, space-separated, in the
// order given, each once. Scope names are 1 or more of the characters RFC
// 6749 §3.3 allows (printable ASCII except space, '"' and '\'); an invalid
// name, or no scope at all, makes the Create method report an error. A
// later Scopes option replaces an earlier one.
func Scopes(scopes ...string) TokenOption {
	list, err := scopeList("Scopes", scopes)
	joined := strings.Join(list, " ")
	return tokenOptionFunc(func(t *tokenConfig) {
		if err != nil {
			t.fail(err)
			return
		}
		t.scope = joined
	})
}

// RequireScopes makes the check refuse, with ErrInsufficientScope, a token
// whose scope claim lacks any of scopes. Several RequireScopes options on
// one check add up: the token needs every scope named; given to New, the
// scopes are required by every check, RefreshRequired included, on top of
// the check's own. It runs after the type and freshness checks, before
// any Authorize hook. An invalid scope name or an empty list, which Scopes
// refuses too, makes New fail, or the check panic at registration.
func RequireScopes(scopes ...string) CheckOption {
	list, err := scopeList("RequireScopes", scopes)
	return newCheckOption(err, func(c *checkConfig) {
		for _, s := range list {
			if !slices.Contains(c.rules.scopes, s) {
				c.rules.scopes = append(c.rules.scopes, s)
			}
		}
	})
}

// HasScope reports whether scope is one of the token's scopes.
func (c *Claims) HasScope(scope string) bool {
	return c != nil && slices.Contains(c.Scopes, scope)
}

// scopeList validates scope names and drops repeats, keeping the order.
func scopeList(option string, scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return nil, fmt.Errorf("ginpaseto: %s: no scope given; name at least one", option)
	}
	list := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if err := validScope(s); err != nil {
			return nil, fmt.Errorf("ginpaseto: %s: %w", option, err)
		}
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list, nil
}

// validScope checks a scope name against RFC 6749 §3.3:
// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
func validScope(s string) error {
	if s == "" {
		return errors.New("a scope must not be empty")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			// %q shows a space or a control character unambiguously.
			return fmt.Errorf("scope %q has a character scopes may not contain (allowed: printable ASCII except space, '\"' and '\\\\')", s)
		}
	}
	return nil
}

// splitScopes reads the scope claim: names separated by spaces. Repeated
// spaces are tolerated, as tokens from other issuers may have them; a claim
// with no name gives nil.
func splitScopes(claim string) []string {
	var scopes []string
	for s := range strings.SplitSeq(claim, " ") {
		if s != "" {
			scopes = append(scopes, s)
		}
	}
	return scopes
}

// scopeError is the cause of an insufficient-scope refusal; it carries
// the scopes the check requires, so that the challenge can list them
// whatever an error handler does to the *Error's status or message.
type scopeError struct {
	required []string
}

func (e *scopeError) Error() string {
	return "ginpaseto: insufficient scope: requires " + strings.Join(e.required, " ")
}

func (e *scopeError) Unwrap() error { return ErrInsufficientScope }

// insufficientScope is the refusal of a check that requires scopes; built
// once per check, at registration.
func insufficientScope(required []string) *Error {
	return newError(http.StatusForbidden, &scopeError{required: required}, msgInsufficientScope)
}

// Challenge returns the WWW-Authenticate value RFC 6750 asks for with this
// error, or "" when none applies: "Bearer" when no token was sent,
// `Bearer error="invalid_token"` for any other 401, and
// `Bearer error="insufficient_scope", scope="…"` with the scopes the route
// requires for a 403 caused by ErrInsufficientScope. DefaultErrorHandler
// writes it; an error handler of the application's should too:
//
//	if ch := err.Challenge(); ch != "" {
//		c.Header("WWW-Authenticate", ch)
//	}
//
// The scopes live in the cause (Err), so the challenge stays right when the
// handler rewords Message.
func (e *Error) Challenge() string {
	var se *scopeError
	switch {
	case e.Status == http.StatusForbidden && errors.As(e.Err, &se):
		return `Bearer error="insufficient_scope", scope="` + strings.Join(se.required, " ") + `"`
	case e.Status != http.StatusUnauthorized:
		return ""
	case e.tokenPresented():
		return `Bearer error="invalid_token"`
	}
	return "Bearer"
}
