// Package groupme holds the OpenAPI description of GroupMe's public v3 API
// (openapi.yaml) and embeds it, so other packages and programs can load the
// spec without knowing where the file lives on disk.
//
// The Go code generated from the spec lives in package gen; the hand-written
// client people import lives in package client.
package groupme

import _ "embed"

//go:generate go tool oapi-codegen -config gen/oapi-codegen.yaml openapi.yaml

// OpenAPI is the YAML text of openapi.yaml, the single source of truth for
// the API's operations, schemas, status codes and examples.
//
//go:embed openapi.yaml
var OpenAPI []byte
