package ginpaseto_test

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// optionPages says which page lists the constructors of each option type
// of the root package, in a table whose header's first cell names an
// option ("option", "token option", "check option", ...).
var optionPages = map[string]string{
	"Option":        "docs/options.md",
	"CheckOption":   "docs/options.md",
	"TokenOption":   "docs/tokens.md",
	"SharedOption":  "docs/tokens.md",
	"HandlerOption": "docs/revocation-and-sessions.md",
}

// optionTablePages are the pages whose option tables may name only option
// constructors of the root package: those of optionPages, the front page and
// the per-route table of the checks.
var optionTablePages = []string{"README.md", "docs/options.md", "docs/tokens.md",
	"docs/revocation-and-sessions.md", "docs/keys.md", "docs/checks-and-transports.md"}

// TestOptionTablesComplete keeps the option tables and the code in step:
// every exported function of the root package that returns an option is
// listed, as `Name(`, in an option table of the page optionPages gives for
// its type, and every `Name(` in the first column of an option table of
// optionTablePages is such a function.
func TestOptionTablesComplete(t *testing.T) {
	constructors := optionConstructors(t)
	require.NotEmpty(t, constructors)
	listed := map[string]map[string]bool{} // page → names in its option tables
	for _, page := range optionTablePages {
		listed[page] = map[string]bool{}
		for _, row := range optionTableRows(t, page) {
			for _, m := range callName.FindAllStringSubmatch(row, -1) {
				name := m[1]
				listed[page][name] = true
				if _, ok := constructors[name]; !ok {
					t.Errorf("%s: option table lists `%s(`, which is not an option of package ginpaseto (renamed or removed?)", page, name)
				}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(constructors)) {
		typ := constructors[name]
		page, ok := optionPages[typ]
		if !ok {
			t.Errorf("%s returns %s, an option type with no page in optionPages", name, typ)
			continue
		}
		if listed[page] == nil {
			listed[page] = map[string]bool{}
			for _, row := range optionTableRows(t, page) {
				for _, m := range callName.FindAllStringSubmatch(row, -1) {
					listed[page][m[1]] = true
				}
			}
		}
		assert.True(t, listed[page][name], "%s: no option table lists `%s(` (a %s)", page, name, typ)
	}
}

// TestReadmeOptionsSessionFirst checks that the front page's option table
// starts with what the session flow of a real application needs.
func TestReadmeOptionsSessionFirst(t *testing.T) {
	var first []string
	for _, row := range optionTableRows(t, "README.md") {
		for _, m := range callName.FindAllStringSubmatch(row, -1) {
			first = append(first, m[1])
		}
	}
	require.GreaterOrEqual(t, len(first), 3, "README.md has no option table")
	assert.ElementsMatch(t, []string{"FromEnv", "WithStore", "WithCookies"}, first[:3],
		"README.md's option table must list the session flow's options first")
}

// callName matches `Name( in Markdown: an exported function or method
// called in inline code.
var callName = regexp.MustCompile("`([A-Z][A-Za-z0-9_]*)\\(")

// optionTableRows returns the first cell of every row of the option
// tables of a page: the Markdown tables, outside code blocks, whose
// header's first cell contains "option".
func optionTableRows(t *testing.T, page string) []string {
	t.Helper()
	text, err := os.ReadFile(filepath.FromSlash(page))
	require.NoError(t, err)
	var rows []string
	inTable, optionTable := false, false
	for line := range strings.Lines(withoutCode(string(text))) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		cells := strings.Split(line, "|")
		first := strings.TrimSpace(cells[1])
		switch {
		case !inTable:
			inTable = true
			optionTable = strings.Contains(strings.ToLower(first), "option")
		case optionTable && strings.Trim(first, "-: ") != "":
			rows = append(rows, first)
		}
	}
	return rows
}

// sourceFiles parses the Go files of one directory, tests left out.
func sourceFiles(t *testing.T, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	var files []*ast.File
	fset := gotoken.NewFileSet()
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		files = append(files, f)
	}
	return files
}

// optionConstructors parses the root package and returns its exported
// functions that return an option type (a type whose name ends in
// "Option"), by name, with that type.
func optionConstructors(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	for _, f := range sourceFiles(t, ".") {
		if f.Name.Name != "ginpaseto" {
			continue
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			if typ, ok := fn.Type.Results.List[0].Type.(*ast.Ident); ok && typ.IsExported() && strings.HasSuffix(typ.Name, "Option") {
				found[fn.Name.Name] = typ.Name
			}
		}
	}
	return found
}

// docPackages are the packages of this repository that the Markdown files
// name as pkg.Name, by the directory that holds them.
var docPackages = map[string]string{
	"ginpaseto":  ".",
	"redisstore": "redisstore",
	"otelpaseto": "otelpaseto",
	"storetest":  "storetest",
	"keyring":    "keyring",
	"observe":    "observe",
	"accesslog":  "accesslog",
	"legacy":     "legacy",
	"exampleapp": "_example/exampleapp",
}

// qualifiedName matches pkg.Name for the packages of docPackages.
var qualifiedName = regexp.MustCompile(`\b(ginpaseto|redisstore|otelpaseto|storetest|keyring|observe|accesslog|legacy|exampleapp)\.([A-Z][A-Za-z0-9_]*)`)

// foreignCalls are the functions and methods of other modules that the
// Markdown files call in inline code without their package.
var foreignCalls = map[string]bool{
	"SetTrustedProxies": true, // gin.Engine
}

// TestDocsNamesExist checks that the Markdown files speak of the API that
// exists: every pkg.Name of a package of this repository, in prose and in
// code blocks alike, is an exported name of that package, and every
// `Name( in inline code is an exported function, method or type of the
// repository (or one of foreignCalls). A name renamed or removed in the
// code then fails here until the pages say the new one.
func TestDocsNamesExist(t *testing.T) {
	pkgNames := map[string]map[string]bool{}
	all := map[string]bool{}
	for pkg, dir := range docPackages {
		if _, err := os.Stat(dir); err == nil {
			pkgNames[pkg] = exportedNames(t, dir, all)
		}
	}
	require.NotEmpty(t, pkgNames["ginpaseto"])
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() && path != "." && !slices.Contains(slices.Collect(maps.Values(docPackages)), path) {
			exportedNames(t, path, all) // names of every other package, for unqualified calls
		}
		return nil
	})
	require.NoError(t, err)
	for _, page := range markdownFiles(t) {
		text, err := os.ReadFile(page)
		require.NoError(t, err)
		for _, m := range qualifiedName.FindAllStringSubmatch(string(text), -1) {
			names, ok := pkgNames[m[1]]
			if !ok {
				t.Errorf("%s: %s.%s: there is no package %s (%s)", page, m[1], m[2], m[1], docPackages[m[1]])
				continue
			}
			if !names[m[2]] {
				t.Errorf("%s: %s.%s does not exist (renamed or removed?)", page, m[1], m[2])
			}
		}
		for _, m := range callName.FindAllStringSubmatch(withoutCode(string(text)), -1) {
			if !all[m[1]] && !foreignCalls[m[1]] {
				t.Errorf("%s: `%s(` names no function, method or type of this repository (renamed or removed?)", page, m[1])
			}
		}
	}
}

// exportedNames parses the non-test Go files of one directory and returns
// its exported package-level names; it also adds them, with the exported
// methods and interface methods, to all.
func exportedNames(t *testing.T, dir string, all map[string]bool) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, f := range sourceFiles(t, dir) {
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Name.IsExported() {
					all[decl.Name.Name] = true
					if decl.Recv == nil {
						names[decl.Name.Name] = true
					}
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						if spec.Name.IsExported() {
							names[spec.Name.Name], all[spec.Name.Name] = true, true
						}
						if iface, ok := spec.Type.(*ast.InterfaceType); ok {
							for _, method := range iface.Methods.List {
								for _, name := range method.Names {
									all[name.Name] = all[name.Name] || name.IsExported()
								}
							}
						}
					case *ast.ValueSpec:
						for _, name := range spec.Names {
							if name.IsExported() {
								names[name.Name], all[name.Name] = true, true
							}
						}
					}
				}
			}
		}
	}
	return names
}

// TestDocsPageScript checks that the page script docs/browser.md shows is
// the one the cookies example's page runs, and so the one its browser test
// exercises.
func TestDocsPageScript(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "browser.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "\n## The page's script\n")
	require.True(t, ok, "docs/browser.md has a section \"The page's script\"")
	_, block, ok := strings.Cut(section, "\n```js\n")
	require.True(t, ok, "the section shows the script")
	script, _, ok := strings.Cut(block, "\n```\n")
	require.True(t, ok)
	page, err := os.ReadFile(filepath.Join("_example", "cookies", "page.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), script+"\n", "_example/cookies/page.html must run the script of docs/browser.md verbatim")
}

// TestReadmeSessionProgram checks that the session program the front page
// shows is the one _example/sessions/minimal builds, whose test runs it.
func TestReadmeSessionProgram(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	program, err := os.ReadFile(filepath.Join("_example", "sessions", "minimal", "main.go"))
	require.NoError(t, err)
	_, code, ok := strings.Cut(string(program), "\npackage main\n")
	require.True(t, ok)
	assert.Contains(t, string(readme), "```go\npackage main\n"+code+"```\n",
		"README.md must show _example/sessions/minimal/main.go from its package clause on, verbatim")
}
