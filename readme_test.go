package groupme_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmePrelude declares what the README's snippets take as given: a
// context, a client, a *testing.T and the reader's own token storage.
const readmePrelude = `
var (
	ctx = context.Background()
	c   *client.Client
	t   *testing.T
)

func saveToken(*http.Request, string) error { return nil }
`

// readmeImports are the packages a snippet may use without importing them,
// by the name it uses.
var readmeImports = map[string]string{
	"client":       "github.com/groupme-go/groupme/client",
	"contracttest": "github.com/groupme-go/groupme/contracttest",
	"context":      "context",
	"errors":       "errors",
	"fmt":          "fmt",
	"http":         "net/http",
	"os":           "os",
	"slog":         "log/slog",
	"testing":      "testing",
	"time":         "time",
}

// TestREADMESnippetsCompile extracts every ```go block of README.md and
// builds it with `go build`: a block of
// declarations (starting with func or type) as it stands, any other block
// as the body of a function returning error. The generated package exists
// only in a build overlay; nothing is written into the tree.
func TestREADMESnippetsCompile(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?ms)^```go\n(.*?)^```").FindAllSubmatch(readme, -1)
	if len(blocks) < 4 {
		t.Fatalf("README.md has %d Go snippets, expected at least 4", len(blocks))
	}
	var body strings.Builder
	imports := map[string]bool{"context": true, "github.com/groupme-go/groupme/client": true, "net/http": true, "testing": true}
	for i, b := range blocks {
		var lines []string
		for _, line := range strings.Split(string(b[1]), "\n") {
			if path, ok := strings.CutPrefix(line, "import "); ok {
				imports[strings.Trim(path, `"`)] = true
				continue
			}
			lines = append(lines, line)
		}
		code := strings.TrimSpace(strings.Join(lines, "\n"))
		for name, path := range readmeImports {
			if strings.Contains(code, name+".") {
				imports[path] = true
			}
		}
		fmt.Fprintf(&body, "\n// snippet %d\n", i+1)
		if strings.HasPrefix(code, "func ") || strings.HasPrefix(code, "type ") {
			body.WriteString(code + "\n")
		} else {
			fmt.Fprintf(&body, "func snippet%d() error {\n%s\nreturn nil\n}\n", i+1, code)
		}
	}
	var src strings.Builder
	src.WriteString("// Code assembled by TestREADMESnippetsCompile from README.md.\n\npackage readme\n\nimport (\n")
	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		fmt.Fprintf(&src, "\t%q\n", p)
	}
	src.WriteString(")\n" + readmePrelude + body.String())

	dir := t.TempDir()
	file := filepath.Join(dir, "readme.go")
	if err := os.WriteFile(file, []byte(src.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(root, "readme_snippets", "readme.go"): file},
	})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o600); err != nil {
		t.Fatal(err)
	}
	// go test puts the go command that runs it first on PATH.
	cmd := exec.CommandContext(t.Context(), "go", "build", "-overlay", overlayFile, "./readme_snippets")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("the README's Go snippets do not build: %v\n%s\nthe assembled source:\n%s", err, out.String(), numbered(src.String()))
	}
}

func numbered(s string) string {
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		fmt.Fprintf(&b, "%4d %s\n", i+1, line)
	}
	return b.String()
}
