package ginpaseto

import "github.com/gin-gonic/gin"

// claimsKey is the gin.Context key of the verified claims; unexported, so
// nothing outside the package can set or overwrite them.
type claimsKey struct{}

// GetClaims returns the claims of the token a check accepted for this
// request, and false when none was (no check ran, or Optional let an
// anonymous request through). Besides the subject and the other claims,
// they carry the token's jti (Claims.JTI, the ID to revoke it by) and its
// footer as sent (Claims.Footer; Claims.DecodeFooter decodes JSON).
func GetClaims(c *gin.Context) (*Claims, bool) {
	v, ok := c.Get(claimsKey{})
	if !ok {
		return nil, false
	}
	claims, ok := v.(*Claims)
	return claims, ok
}

// Subject returns the sub claim of the accepted token, or "" when no token
// was accepted.
func Subject(c *gin.Context) string {
	if claims, ok := GetClaims(c); ok {
		return claims.Subject
	}
	return ""
}
