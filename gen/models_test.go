package gen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
)

// TestModelsReadable parses the generated models and checks the ones Go
// users meet (those package client re-exports, ../client/models.gen.go):
// every model has a doc that says more than "defines model for X"
// (descriptions come from openapi.yaml), no field is an anonymous struct
// or holds interface{} (named types and json.RawMessage come from
// gen/overlay.yaml), and no enum constant is named after a bare number
// (x-enum-varnames in the overlay).
func TestModelsReadable(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "groupme.gen.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	numbered := regexp.MustCompile(`N\d+$`)
	seen := userFacing(t)
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range gd.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				name := s.Name.Name
				if !seen[name] {
					continue
				}
				doc := gd.Doc.Text()
				if s.Doc != nil {
					doc = s.Doc.Text()
				}
				if doc == "" || strings.Contains(doc, "defines model for") {
					t.Errorf("%s: doc %q; give its schema a description in openapi.yaml", name, strings.TrimSpace(doc))
				}
				st, ok := s.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, field := range st.Fields.List {
					ast.Inspect(field.Type, func(n ast.Node) bool {
						switch n := n.(type) {
						case *ast.StructType:
							t.Errorf("%s.%s: an anonymous struct; name it with x-go-type-name in gen/overlay.yaml", name, fieldName(field))
							return false
						case *ast.InterfaceType:
							t.Errorf("%s.%s: interface{}; give it a type in gen/overlay.yaml", name, fieldName(field))
						case *ast.Ident:
							if n.Name == "any" {
								t.Errorf("%s.%s: any; give it a type in gen/overlay.yaml", name, fieldName(field))
							}
						}
						return true
					})
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if gd.Tok == token.CONST && seen[n.Name] && numbered.MatchString(n.Name) {
						t.Errorf("constant %s is named after a number; name it with x-enum-varnames in gen/overlay.yaml", n.Name)
					}
				}
			}
		}
	}
}

// userFacing returns the names package client re-exports from gen.
func userFacing(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../client/models.gen.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "gen" {
				seen[sel.Sel.Name] = true
			}
		}
		return true
	})
	if len(seen) < 100 {
		t.Fatalf("client/models.gen.go re-exports %d names from gen, expected more than 100", len(seen))
	}
	return seen
}

func fieldName(f *ast.Field) string {
	if len(f.Names) == 0 {
		return "(embedded)"
	}
	return f.Names[0].Name
}
