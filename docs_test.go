package ginpaseto_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// markdownLink matches the target of an inline link or image,
// [text](target), or of a reference definition, [name]: target.
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)[^)]*\)|(?m)^ {0,3}\[[^\]]+\]:\s*(\S+)`)

// TestDocsLinks follows every relative link in the repository's Markdown
// files: the file or folder it names must exist and, when it names a
// heading (#anchor) of a Markdown file, that heading too.
func TestDocsLinks(t *testing.T) {
	pages := markdownFiles(t)
	require.NotEmpty(t, pages)
	for _, page := range pages {
		text, err := os.ReadFile(page)
		require.NoError(t, err)
		for _, m := range markdownLink.FindAllStringSubmatch(withoutCode(string(text)), -1) {
			target := m[1] + m[2]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			file := page
			if path != "" {
				file = filepath.Join(filepath.Dir(page), filepath.FromSlash(path))
			}
			if _, err := os.Stat(file); err != nil {
				t.Errorf("%s: link %q: %s does not exist", page, target, file)
				continue
			}
			if anchor != "" && strings.HasSuffix(file, ".md") {
				assert.Contains(t, headingAnchors(t, file), anchor, "%s: link %q: no such heading in %s", page, target, file)
			}
		}
	}
}

// TestDocsIndexed checks that the front page and the docs index link every
// page under docs/, so that a new page cannot be left unreachable.
func TestDocsIndexed(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("docs", "*.md"))
	require.NoError(t, err)
	front, err := os.ReadFile("README.md")
	require.NoError(t, err)
	index, err := os.ReadFile(filepath.Join("docs", "README.md"))
	require.NoError(t, err)
	for _, page := range pages {
		name := filepath.Base(page)
		if name == "README.md" {
			continue
		}
		assert.Contains(t, string(front), "](docs/"+name+")", "README.md's Documentation table must link %s", page)
		assert.Contains(t, string(index), "]("+name+")", "docs/README.md must link %s", page)
	}
}

// markdownFiles lists the Markdown files of the repository, outside hidden
// folders.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return nil
	})
	require.NoError(t, err)
	return files
}

// withoutCode drops fenced code blocks, whose brackets are not links.
func withoutCode(text string) string {
	var out strings.Builder
	fenced := false
	for line := range strings.Lines(text) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			out.WriteString(line)
		}
	}
	return out.String()
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown file: lower case, punctuation dropped, spaces as hyphens.
func headingAnchors(t *testing.T, file string) []string {
	t.Helper()
	text, err := os.ReadFile(file)
	require.NoError(t, err)
	var anchors []string
	for line := range strings.Lines(withoutCode(string(text))) {
		title, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !ok || !strings.HasPrefix(line, "#") {
			continue
		}
		var a strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(title)) {
			switch {
			case r == ' ':
				a.WriteRune('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				a.WriteRune(r)
			}
		}
		anchors = append(anchors, a.String())
	}
	return anchors
}
