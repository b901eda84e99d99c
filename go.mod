module github.com/groupme-go/groupme

// Go 1.25, the oldest Go release still supported. Two requirements decide
// it: gen/ imports nothing outside the standard library (its request
// builders encode parameters themselves, gen/templates/client.tmpl), so
// oapi-codegen's runtime (go 1.26 from v1.9.0; v1.8.0's go.mod brings gin,
// echo and iris into every user's module graph) is not needed; and
// github.com/go-json-experiment/json is required at the pseudo-version
// v0.0.0-20251027170946-4849db3c2f7e, the last code of that repository
// whose go.mod says go 1.25 (the one later go 1.25 commit changes only its
// README): every tagged version (v1.27.0 to v1.27.2) says go 1.26. The
// client uses only what that commit already has (Unmarshal with
// MatchCaseInsensitiveNames, jsontext's AllowDuplicateNames,
// AllowInvalidUTF8, Decoder, Token, Value) and passes the same tests with
// it. Moving to a tagged version means requiring go 1.26.
go 1.25.0

require (
	github.com/coder/websocket v1.8.15
	github.com/getkin/kin-openapi v0.153.0
	github.com/go-json-experiment/json v0.0.0-20251027170946-4849db3c2f7e
	golang.org/x/mod v0.33.0
)

require (
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/gorilla/mux v1.8.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)
