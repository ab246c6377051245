package bench

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"aidanwoods.dev/go-paseto"
	"github.com/gin-gonic/gin"
)

// handWritten is the middleware a careful user would write with go-paseto
// alone, doing the checks ginpaseto's Required does: bearer header, size
// bound, decryption or signature, exp, nbf and iat, the claims ginpaseto
// reads, token type, and a denylist keyed by jti. Keys and the parser are
// built once, outside the request path, as they should be.
type handWritten struct {
	parse   func(tok string) (*paseto.Token, error)
	mu      sync.RWMutex
	revoked map[string]struct{}
}

// handWrittenSubjectKey is where the hand-written middleware leaves the
// subject for the handler.
const handWrittenSubjectKey = "subject"

// maxTokenSize bounds tokens before any decoding, as ginpaseto does.
const maxTokenSize = 8 << 10

var errIssuedInFuture = errors.New("token issued in the future")

// notIssuedInFuture is the iat half of paseto.ValidAt, evaluated at request
// time rather than at the time the parser was built.
func notIssuedInFuture(t paseto.Token) error {
	iat, err := t.GetIssuedAt()
	if err != nil {
		return err
	}
	if time.Now().Before(iat) {
		return errIssuedInFuture
	}
	return nil
}

// newParser returns the parser the hand-written middleware uses: NewParser
// checks exp, the added rules nbf and iat.
func newParser() paseto.Parser {
	p := paseto.NewParser()
	p.AddRule(paseto.NotBeforeNbf(), notIssuedInFuture)
	return p
}

// newHandWrittenLocal checks v4.local tokens made with key.
func newHandWrittenLocal(key paseto.V4SymmetricKey) *handWritten {
	p := newParser()
	return &handWritten{
		parse:   func(tok string) (*paseto.Token, error) { return p.ParseV4Local(key, tok, nil) },
		revoked: map[string]struct{}{},
	}
}

// newHandWrittenPublic checks v4.public tokens signed by key's secret half.
func newHandWrittenPublic(key paseto.V4AsymmetricPublicKey) *handWritten {
	p := newParser()
	return &handWritten{
		parse:   func(tok string) (*paseto.Token, error) { return p.ParseV4Public(key, tok, nil) },
		revoked: map[string]struct{}{},
	}
}

func (h *handWritten) revoke(jti string) {
	h.mu.Lock()
	h.revoked[jti] = struct{}{}
	h.mu.Unlock()
}

func (h *handWritten) isRevoked(jti string) bool {
	h.mu.RLock()
	_, ok := h.revoked[jti]
	h.mu.RUnlock()
	return ok
}

// bearerToken returns the token after a case-insensitive "Bearer ".
func bearerToken(header string) (string, bool) {
	const prefix = "Bearer "
	if len(header) <= len(prefix) || !strings.EqualFold(header[:len(prefix)], prefix) {
		return "", false
	}
	return header[len(prefix):], true
}

func (h *handWritten) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		tok, ok := bearerToken(c.GetHeader("Authorization"))
		if !ok || len(tok) > maxTokenSize {
			handWrittenFail(c, "missing or malformed Authorization header")
			return
		}
		token, err := h.parse(tok)
		if err != nil {
			handWrittenFail(c, "invalid token")
			return
		}
		sub, err := token.GetSubject()
		if err != nil {
			handWrittenFail(c, "invalid claims")
			return
		}
		typ, err := token.GetString("type")
		if err != nil {
			handWrittenFail(c, "invalid claims")
			return
		}
		var fresh bool
		if err := token.Get("fresh", &fresh); err != nil {
			handWrittenFail(c, "invalid claims")
			return
		}
		jti, err := token.GetJti()
		if err != nil {
			handWrittenFail(c, "invalid claims")
			return
		}
		if typ != "access" {
			handWrittenFail(c, "access token required")
			return
		}
		if h.isRevoked(jti) {
			handWrittenFail(c, "token revoked")
			return
		}
		c.Set(handWrittenSubjectKey, sub)
		c.Next()
	}
}

func handWrittenFail(c *gin.Context, detail string) {
	c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"detail": detail})
}

// handWrittenToken creates an access token as ginpaseto lays it out, with
// go-paseto's token builder.
func handWrittenToken(subject string) paseto.Token {
	now := time.Now()
	t := paseto.NewToken()
	t.SetSubject(subject)
	t.SetString("type", "access")
	_ = t.Set("fresh", false) // a bool always encodes
	t.SetJti(randomID())
	t.SetIssuedAt(now)
	t.SetNotBefore(now)
	t.SetExpiration(now.Add(15 * time.Minute))
	return t
}
