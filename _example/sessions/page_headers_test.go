package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/_example/exampletest"
)

// TestPageHeaders: the page, which holds tokens in its script, carries a
// policy of its own and may not be framed by any origin.
func TestPageHeaders(t *testing.T) {
	auth, err := ginpaseto.New(ginpaseto.WithSecretKey(exampletest.SecretKey))
	require.NoError(t, err)
	srv := exampletest.Serve(t, newRouter(auth))
	resp := srv.Call(http.MethodGet, "/", nil)
	require.Equal(t, http.StatusOK, resp.Status)
	exampletest.PageHeaders(t, resp.Header)
}
