package ginpaseto

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"

	"github.com/ginpaseto/ginpaseto/accesslog"
)

// TestAccessLogRedactsDefaultNames: package accesslog, which does not
// import this one, always redacts the values of the query parameters and
// headers the checks read tokens and CSRF values from by default.
func TestAccessLogRedactsDefaultNames(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/p?"+defaultQueryParam+"=a&"+defaultJSONAccessKey+"=b&"+defaultJSONRefreshKey+"=c&page=2", nil)
	req.Header.Set(defaultHeaderName, "opaque")
	req.Header.Set(defaultCSRFHeader, "opaque")
	p := accesslog.Params(gin.LogFormatterParams{Request: req, Path: req.RequestURI})
	assert.Equal(t, "/p?"+defaultQueryParam+"=[REDACTED]&"+defaultJSONAccessKey+"=[REDACTED]&"+defaultJSONRefreshKey+"=[REDACTED]&page=2", p.Path)
	for _, h := range []string{defaultHeaderName, defaultCSRFHeader} {
		assert.Equal(t, "[REDACTED]", p.Request.Header.Get(h), h)
	}
}
