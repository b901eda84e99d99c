package client

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// GroupMe sends an id with every group, user, message, bot and the other
// objects whose schemas require one, so an answer like {"response":{}}
// is not an empty object but a broken answer: decoding it gives a value
// whose id is "". requireIDs finds such answers. For each payload type it
// looks (once, then from a cache) for the required ids the generated type
// holds: a field named ID that is a string and not a pointer (the spec's
// required properties are the generated types' non-pointer fields), in the
// payload itself or in a struct it holds by value (the created message of
// {"message": {...}}). An empty one is reported, so the call returns a
// *DecodeError instead of a zero value with a nil error.

// idPath is where one required id is: the field indexes, and the JSON
// names to report.
type idPath struct {
	index []int
	name  string
}

var idPaths sync.Map // reflect.Type -> []idPath

func requiredIDPaths(t reflect.Type) []idPath {
	if p, ok := idPaths.Load(t); ok {
		return p.([]idPath)
	}
	var paths []idPath
	collectIDPaths(t, nil, "", 0, &paths)
	idPaths.Store(t, paths)
	return paths
}

func collectIDPaths(t reflect.Type, index []int, prefix string, depth int, out *[]idPath) {
	if t.Kind() != reflect.Struct || depth > 1 {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := jsonName(f)
		if name == "-" {
			continue
		}
		at := append(append([]int(nil), index...), i)
		switch {
		case f.Name == "ID" && f.Type.Kind() == reflect.String:
			*out = append(*out, idPath{index: at, name: prefix + name})
		case f.Type.Kind() == reflect.Struct && !f.Anonymous:
			collectIDPaths(f.Type, at, prefix+name+".", depth+1, out)
		}
	}
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "" {
		return f.Name
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return f.Name
	}
	return name
}

// missingID returns an error naming the first required id of v (a
// pointer to a payload) that is empty, or nil.
func missingID(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil
	}
	rv = rv.Elem()
	for _, p := range requiredIDPaths(rv.Type()) {
		if rv.FieldByIndex(p.index).String() == "" {
			return fmt.Errorf("the answer has no %q: GroupMe always sends one", p.name)
		}
	}
	return nil
}
