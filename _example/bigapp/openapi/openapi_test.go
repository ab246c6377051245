// Package openapi checks that bigapp's committed OpenAPI description,
// ../docs/swagger.json, is what swag generates from bigapp's annotations
// now. It is a module of its own so that swag never becomes a dependency
// of ginpaseto; bigapp's own tests check the description against the
// router.
package openapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/swaggo/swag"
)

var update = flag.Bool("update", false, "rewrite ../docs/swagger.json with the generated description")

const (
	bigapp     = ".."
	generalAPI = "openapi.go" // the file with the general API annotations
)

var committed = filepath.Join(bigapp, "docs", "swagger.json")

// generate runs swag on bigapp's sources, as `swag init -g openapi.go
// --outputTypes json` would, and returns the description as swag writes it.
func generate(t *testing.T) []byte {
	t.Helper()
	p := swag.New(
		swag.SetExcludedDirsAndFiles("openapi,docs"),
		swag.SetDebugger(log.New(io.Discard, "", 0)),
		swag.SetStrict(true), // warnings, such as a repeated route, are errors
	)
	require.NoError(t, p.ParseAPI(bigapp, generalAPI, 100))
	b, err := json.MarshalIndent(p.GetSwagger(), "", "    ")
	require.NoError(t, err)
	return append(b, '\n')
}

func TestDescriptionIsCurrent(t *testing.T) {
	got := generate(t)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(committed), 0o755))
		require.NoError(t, os.WriteFile(committed, got, 0o644))
	}
	want, err := os.ReadFile(committed)
	require.NoError(t, err, "generate it with: go test ./... -update")
	if !bytes.Equal(want, got) {
		assert.JSONEq(t, string(want), string(got), "%s is stale: run go test ./... -update in %s", committed, "_example/bigapp/openapi")
		assert.Equal(t, string(want), string(got), "%s is not formatted as swag writes it: run go test ./... -update", committed)
	}
}

// TestDescriptionIsComplete checks what the bigapp test cannot see from
// the router alone: every operation has a summary and documents its
// refusals with the detail schema.
func TestDescriptionIsComplete(t *testing.T) {
	var doc struct {
		SecurityDefinitions map[string]struct {
			Type, Name, In string
		}
		Paths map[string]map[string]struct {
			Summary   string
			Security  []map[string][]string
			Responses map[string]struct {
				Schema struct {
					Ref string `json:"$ref"`
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal(generate(t), &doc))
	require.NotEmpty(t, doc.SecurityDefinitions)
	for name, s := range doc.SecurityDefinitions {
		assert.Equal(t, "apiKey", s.Type, name)
		assert.Equal(t, "header", s.In, name)
		assert.Equal(t, "Authorization", s.Name, name)
	}
	require.NotEmpty(t, doc.Paths)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			assert.NotEmpty(t, op.Summary, "%s %s: no summary", method, path)
			for code, res := range op.Responses {
				if code >= "400" {
					assert.Equal(t, "#/definitions/main.detailResponse", res.Schema.Ref, "%s %s %s: refusals are {\"detail\"}", method, path, code)
				}
			}
			if len(op.Security) > 0 {
				assert.Contains(t, op.Responses, "401", "%s %s: a protected operation documents 401", method, path)
			}
			for _, req := range op.Security {
				for scheme, scopes := range req {
					assert.Contains(t, doc.SecurityDefinitions, scheme, "%s %s", method, path)
					if len(scopes) > 0 {
						assert.Contains(t, op.Responses, "403", "%s %s: an operation that needs scopes documents 403", method, path)
					}
				}
			}
		}
	}
}
