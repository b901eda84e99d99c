package groupme

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoUnsafe parses every Go file of the library's packages (client,
// gen, contracttest and internal, tests included, and the packages under
// them) and fails on any that imports unsafe: the library is plain Go. It
// lives outside the packages it checks, so none of them has to name the
// package it forbids.
func TestNoUnsafe(t *testing.T) {
	t.Parallel()
	files := 0
	for _, root := range []string{"client", "gen", "contracttest", "internal"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			files++
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == "unsafe" {
					t.Errorf("%s imports unsafe", path)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 100 {
		t.Fatalf("only %d Go files parsed: the walk missed the packages", files)
	}
}
