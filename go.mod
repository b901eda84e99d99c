module github.com/groupme-go/groupme

// Go 1.26, not 1.25: every version of github.com/go-json-experiment/json on
// the module proxy, and github.com/oapi-codegen/runtime v1.9.0, declare go
// 1.26. runtime v1.8.0 (go 1.24) compiles with gen/, but its go.mod would
// put gin, echo and iris into every user's module graph (90 modules for a
// program importing client, against 25 with v1.9.0).
go 1.26.0

require (
	github.com/coder/websocket v1.8.15
	github.com/getkin/kin-openapi v0.153.0
	github.com/go-json-experiment/json v1.27.2
	github.com/oapi-codegen/runtime v1.9.0
	golang.org/x/mod v0.33.0
)

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/gorilla/mux v1.8.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)
