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
	// ErrRevocationUnavailable: the store or the denylist could not answer
	// a check, so the request is refused (fail closed) with 503 "Token
	// revocation status unavailable".
	ErrRevocationUnavailable = errors.New("ginpaseto: revocation status unavailable")
	// ErrStoreUnavailable: a write to the store (starting, rotating or
	// ending a session, a revocation) failed, so nothing was done and the
	// request is refused with 503 "Session store unavailable".
	ErrStoreUnavailable = errors.New("ginpaseto: session store unavailable")
	// ErrKeysUnavailable: an Authorizer built with WithKeySet has not
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

// Error returns the client-facing message and, on the same line, the
// cause when it says more than the sentinel error the message stands for:
// "Session store unavailable: ginpaseto: session store unavailable; dial
// tcp 10.0.0.7:6379: connection refused". A log line then holds the whole
// story; clients only ever see Message.
func (e *Error) Error() string {
	if e.Err == nil || isSentinel(e.Err) {
		return e.Message
	}
	return e.Message + ": " + oneLine(e.Err.Error())
}

// isSentinel reports whether err is one of the package's sentinel errors
// itself, which the message already says.
func isSentinel(err error) bool {
	switch err {
	case ErrTokenMissing, ErrTokenInvalid, ErrTokenExpired, ErrTokenRevoked,
		ErrWrongTokenType, ErrTokenNotFresh, ErrRevocationUnavailable,
		ErrStoreUnavailable, ErrKeysUnavailable, ErrRefreshTokenReused,
		ErrInsufficientScope, ErrForbidden, ErrCrossOrigin,
		ErrCSRFTokenMissing, ErrCSRFTokenMismatch, ErrSessionNotFound:
		return true
	}
	return false
}

// oneLine joins the lines of a message, such as that of errors.Join, with
// "; ", so that one error is one log line.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "; ")
}

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
	msgStoreDown        = "Session store unavailable"
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

// asError turns an error from application code (an InFunc location, an
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

// storeUnavailable wraps the error of a store write for logs; the client
// only learns that the store is unavailable.
func storeUnavailable(cause error) *Error {
	return &Error{
		Status:  http.StatusServiceUnavailable,
		Message: msgStoreDown,
		Err:     errors.Join(ErrStoreUnavailable, cause),
	}
}

// Abort answers err through the Authorizer's error handler (WithErrorHandler,
// DefaultErrorHandler by default) and aborts the request, so that a
// handler of the application refuses a request exactly as the checks do:
//
//	if err := auth.RevokeSubject(c, ginpaseto.Subject(c)); err != nil {
//		auth.Abort(c, err)
//		return
//	}
//
// A *Error, or an error wrapping one, is answered as it is. Any other
// error wrapping one of the package's sentinel errors gets that sentinel's
// status and message, such as 401 "Token has expired" for ErrTokenExpired
// and 503 "Session store unavailable" for ErrStoreUnavailable; anything
// else is 500 "Internal server error". The cause stays in Error.Err and is
// added to the request's errors (c.Error) for the application's logger,
// never sent to the client.
func (a *Authorizer) Abort(c *gin.Context, err error) {
	e, usable := errorFor(err)
	if usable {
		_ = c.Error(err) // for the application's logger
	}
	a.cfg.errorHandler(c, e)
	c.Abort()
}

// errorFor returns the *Error that Abort answers for err, a copy that the
// error handler may change, and whether err itself can be kept: neither
// nil nor a nil *Error, whose methods would dereference nil.
func errorFor(err error) (*Error, bool) {
	var e *Error
	switch {
	case err == nil:
		return &Error{Status: http.StatusInternalServerError, Message: msgServerError, Err: errors.New("ginpaseto: Abort: the error is nil")}, false
	case errors.As(err, &e) && e == nil:
		return &Error{Status: http.StatusInternalServerError, Message: msgServerError, Err: errors.New("ginpaseto: Abort: the error is a nil *Error")}, false
	case e != nil:
		return e.copy(), true
	}
	for _, known := range sentinelErrors {
		if errors.Is(err, known.Err) {
			return &Error{Status: known.Status, Message: known.Message, Err: err}, true
		}
	}
	return &Error{Status: http.StatusInternalServerError, Message: msgServerError, Err: err}, true
}

// sentinelErrors gives each sentinel error the status and message Abort
// answers for it, the more specific first: a reuse is also a refusal.
var sentinelErrors = []*Error{
	errReused,
	errRevoked,
	errMissing,
	errExpired,
	errNotFresh,
	unauthorized(ErrWrongTokenType, msgTokenInvalid),
	errInvalid,
	newError(http.StatusServiceUnavailable, ErrStoreUnavailable, msgStoreDown),
	newError(http.StatusServiceUnavailable, ErrRevocationUnavailable, msgRevocationDown),
	errKeysUnavailable,
	newError(http.StatusForbidden, ErrInsufficientScope, msgInsufficientScope),
	errForbidden,
	errCrossOrigin,
	errCSRFMissing,
	errCSRFMismatch,
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
