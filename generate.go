// Package groupme holds the OpenAPI description of GroupMe's public v3 API
// (openapi.yaml) and embeds it, so other packages and programs can load the
// spec without knowing where the file lives on disk.
//
// The Go code generated from the spec lives in package gen (models and
// request builders); the client package, the only one Go users import,
// re-exports gen's models through generated aliases (client/models.gen.go).
package groupme

import _ "embed"

//go:generate env GOWORK=off go tool -modfile=tools/go.mod oapi-codegen -config gen/oapi-codegen.yaml openapi.yaml
//go:generate go run ./gen/aliases

// OpenAPI is the YAML text of openapi.yaml, the single source of truth for
// the API's operations, schemas, status codes and examples.
//
//go:embed openapi.yaml
var OpenAPI []byte
