package ginpaseto

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Sentinel errors. Every *Error a check produces wraps exactly one of them, so
// callers test the cause with errors.Is(err, ginpaseto.ErrTokenExpired) no
// matter which message the client saw.
var (
	// ErrTokenMissing: the request carries no token in any configured location.
	ErrTokenMissing = errors.New("ginpaseto: token missing")
	// ErrTokenInvalid: the token or the header carrying it is malformed, is of
	// a version or purpose the authorizer has no key for, fails decryption or
	// signature verification, or has claims that do not validate.
	ErrTokenInvalid = errors.New("ginpaseto: token invalid")
	// ErrTokenExpired: the token's exp claim is in the past (beyond the leeway).
	ErrTokenExpired = errors.New("ginpaseto: token expired")
	// ErrTokenRevoked: the store or the denylist reports the token as
	// revoked, or its session as ended.
	ErrTokenRevoked = errors.New("ginpaseto: token revoked")
	// ErrWrongTokenType: the token's type claim is not the one the check requires.
	ErrWrongTokenType = errors.New("ginpaseto: wrong token type")
	// ErrTokenNotFresh: FreshRequired was given an access token without fresh=true.
	ErrTokenNotFresh = errors.New("ginpaseto: token not fresh")
	// ErrRevocationUnavailable: the store or the denylist could not answer,
	// or a store write failed, so the request is refused (fail closed) with
	// 503.
	ErrRevocationUnavailable = errors.New("ginpaseto: revocation status unavailable")
	// ErrKeysUnavailable: an Authorizer built with WithKeySetURL has not
	// fetched its key set yet, so the request is refused with 503.
	ErrKeysUnavailable = errors.New("ginpaseto: token verification keys unavailable")
)

// Error is what a failed check reports: the HTTP status and the client-facing
// message the default handler writes as {"detail": Message}, and the cause.
// Message never contains key material or token contents; Err may carry more
// detail for server-side logs and always wraps one of the sentinel errors.
type Error struct {
	Status  int
	Message string
	Err     error
}

// Error returns the client-facing message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause, so errors.Is sees the sentinel errors.
func (e *Error) Unwrap() error { return e.Err }

// copy returns a copy of e, so that a caller may change it without
// changing the errors shared by every request.
func (e *Error) copy() *Error {
	c := *e
	return &c
}

// tokenPresented reports whether the client sent a token (or something in
// the token's place); RFC 6750 asks for error="invalid_token" then.
func (e *Error) tokenPresented() bool {
	return e.Status == http.StatusUnauthorized && !errors.Is(e.Err, ErrTokenMissing)
}

// Client-facing messages. Their wording is part of the API.
const (
	msgTokenMissing     = "PASETO Authorization Token required"
	msgTokenInvalid     = "Invalid PASETO token"
	msgTokenTooLarge    = "PASETO token is too large"
	msgTokenUnsupported = "PASETO token version or purpose not accepted"
	msgClaimsInvalid    = "PASETO token claims are invalid"
	msgNotYetValid      = "Token is not yet valid"
	msgIssuedInFuture   = "Token was issued in the future"
	msgWrongIssuer      = "Token issuer is not accepted"
	msgWrongAudience    = "Token audience is not accepted"
	msgTokenExpired     = "Token has expired"
	msgTokenRevoked     = "Token has been revoked"
	msgNotFresh         = "PASETO access token is not fresh"
	msgRevocationDown   = "Token revocation status unavailable"
	msgReused           = "Refresh token reuse detected"
	msgNoSession        = "Refresh token belongs to no session"
	msgServerError      = "Internal server error"
	msgKeysUnavailable  = "Token verification keys unavailable"
)

func newError(status int, sentinel error, message string) *Error {
	return &Error{Status: status, Message: message, Err: sentinel}
}

func unauthorized(sentinel error, message string) *Error {
	return newError(http.StatusUnauthorized, sentinel, message)
}

// asError turns an error from application code (an Extractor, an
// assertion function, an Authorize hook) into the refusal a check reports:
// a *Error as is, with fallback's status when its own would read as
// success; anything else as fallback, keeping the cause for logs.
func asError(err error, fallback *Error) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e == nil {
			// A nil *Error returned as an error is not nil: refuse, without
			// keeping a cause whose methods would dereference nil.
			return fallback
		}
		if e.Status < 400 || e.Status > 599 {
			fixed := e.copy()
			fixed.Status = fallback.Status
			return fixed
		}
		return e
	}
	return &Error{Status: fallback.Status, Message: fallback.Message, Err: errors.Join(fallback.Err, err)}
}

// Errors without per-request detail are allocated once.
var (
	errMissing      = unauthorized(ErrTokenMissing, msgTokenMissing)
	errInvalid      = unauthorized(ErrTokenInvalid, msgTokenInvalid)
	errTooLarge     = unauthorized(ErrTokenInvalid, msgTokenTooLarge)
	errUnsupported  = unauthorized(ErrTokenInvalid, msgTokenUnsupported)
	errBadClaims    = unauthorized(ErrTokenInvalid, msgClaimsInvalid)
	errNotYetValid  = unauthorized(ErrTokenInvalid, msgNotYetValid)
	errFutureIssued = unauthorized(ErrTokenInvalid, msgIssuedInFuture)
	errWrongIssuer  = unauthorized(ErrTokenInvalid, msgWrongIssuer)
	errWrongAud     = unauthorized(ErrTokenInvalid, msgWrongAudience)
	errExpired      = unauthorized(ErrTokenExpired, msgTokenExpired)
	errRevoked      = unauthorized(ErrTokenRevoked, msgTokenRevoked)
	errNotFresh     = unauthorized(ErrTokenNotFresh, msgNotFresh)
	errReused       = unauthorized(ErrRefreshTokenReused, msgReused)

	errKeysUnavailable = newError(http.StatusServiceUnavailable, ErrKeysUnavailable, msgKeysUnavailable)
)

// badHeaderError is the message for a header that is present but does not
// hold "<prefix> <token>".
func badHeaderError(name, prefix string) *Error {
	return unauthorized(ErrTokenInvalid, "Bad "+name+" header. Expected value '"+expectedValue(prefix)+"'")
}

// badJSONError is the message for a JSON body key that is present but does
// not hold a string "<prefix> <token>".
func badJSONError(key, prefix string) *Error {
	return unauthorized(ErrTokenInvalid, "Bad JSON token in '"+key+"'. Expected a string '"+expectedValue(prefix)+"'")
}

// badQueryError is the message for a query parameter that is present but
// does not hold "<prefix> <token>", or is given twice.
func badQueryError(name, prefix string) *Error {
	return unauthorized(ErrTokenInvalid, "Bad query parameter '"+name+"'. Expected value '"+expectedValue(prefix)+"'")
}

// badProtocolError is the message for a Sec-WebSocket-Protocol header that
// names WebSocketProtocol but does not hold one token after it.
func badProtocolError() *Error {
	return unauthorized(ErrTokenInvalid, "Bad Sec-WebSocket-Protocol header. Expected value '"+WebSocketProtocol+", <PASETO>'")
}

// expectedValue shows what a token source should hold: "<prefix> <PASETO>".
func expectedValue(prefix string) string {
	if prefix == "" {
		return "<PASETO>"
	}
	return prefix + " <PASETO>"
}

// wrongTypeError is the message for a token of another type than required.
// The access and refresh messages are capitalized as fastapi-paseto writes
// them; custom type names are shown as the application spelled them.
func wrongTypeError(want, got string) *Error {
	label := want
	if want == TypeAccess || want == TypeRefresh {
		label = strings.ToUpper(want[:1]) + want[1:]
	}
	if got == "" {
		got = "untyped"
	}
	return unauthorized(ErrWrongTokenType, label+" token required but "+got+" provided")
}

// revocationUnavailable wraps the store's error for logs; the client only
// learns that the status is unavailable.
func revocationUnavailable(cause error) *Error {
	return &Error{
		Status:  http.StatusServiceUnavailable,
		Message: msgRevocationDown,
		Err:     errors.Join(ErrRevocationUnavailable, cause),
	}
}

// DefaultErrorHandler writes {"detail": err.Message} with err.Status and,
// on 401 and on 403 for a missing scope, the WWW-Authenticate challenge
// RFC 6750 describes (Error.Challenge). It is what an Authorizer uses
// unless WithErrorHandler replaces it.
func DefaultErrorHandler(c *gin.Context, err *Error) {
	if challenge := err.Challenge(); challenge != "" {
		c.Header("WWW-Authenticate", challenge)
	}
	c.Abort()
	c.Data(err.Status, "application/json; charset=utf-8", detailJSON(err.Message))
}

// detailJSON encodes {"detail": message} as c.JSON would, but keeps "<" and
// ">" in messages such as 'Bearer <PASETO>' readable instead of escaping
// them for HTML.
func detailJSON(message string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]string{"detail": message}) // a string map always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
