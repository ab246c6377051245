package accesslog_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ginpaseto/ginpaseto/accesslog"
)

// A client may put a token in a URL where the server never looks for one;
// Formatter keeps it out of the access log all the same.
func ExampleFormatter() {
	var logs strings.Builder
	r := gin.New()
	r.Use(gin.LoggerWithConfig(gin.LoggerConfig{
		Formatter: accesslog.Formatter("key"),
		Output:    &logs, // os.Stdout by default
	}))
	r.GET("/search", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search?q=gin&token=v4.local.c2VjcmV0&key=abc", nil))

	// The line is Gin's usual one; past the time, the latency and the
	// address, it ends with the method and the path.
	line := logs.String()
	fmt.Print(line[strings.LastIndex(line, "|")+2:])
	// Output:
	// GET      "/search?q=gin&token=[REDACTED]&key=[REDACTED]"
}

// Params serves a log format of your own.
func ExampleParams() {
	format := func(p gin.LogFormatterParams) string {
		p = accesslog.Params(p)
		return fmt.Sprintf("%d %s %s protocol=%q\n", p.StatusCode, p.Method, p.Path, p.Request.Header.Get("Sec-WebSocket-Protocol"))
	}
	r := gin.New()
	r.Use(gin.LoggerWithConfig(gin.LoggerConfig{Formatter: format, Output: os.Stdout}))
	r.GET("/ws", func(c *gin.Context) { c.Status(http.StatusUnauthorized) })

	req := httptest.NewRequest("GET", "/ws?access_token=v4.local.c2VjcmV0", nil)
	req.Header.Set("Sec-WebSocket-Protocol", "paseto, v4.local.c2VjcmV0")
	r.ServeHTTP(httptest.NewRecorder(), req)
	// Output:
	// 401 GET /ws?access_token=[REDACTED] protocol="[REDACTED]"
}
