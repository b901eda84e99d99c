#!/usr/bin/env bash
# `make consumer`: what a service that imports the client pays. A throwaway
# module imports github.com/groupme-go/groupme/client (replaced by this
# checkout) and `go list -m all` must name at most MAX modules (the throwaway
# module itself included), and none of the maintainers' tools: a generator,
# linter, spec-diff or config library in that list would reach every user
# through minimal version selection. Run from the repository root; works
# offline once the module cache holds the library's requirements.
set -euo pipefail
GO=${GO:-go}
MAX=${MAX:-32}
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/go.mod" <<MOD
module example.com/consumer

go 1.25.0

require github.com/groupme-go/groupme v0.0.0

replace github.com/groupme-go/groupme => $root
MOD
cat >"$tmp/main.go" <<'GO'
package main

import "github.com/groupme-go/groupme/client"

func main() { _, _ = client.New("") }
GO
cd "$tmp"
export GOWORK=off GOFLAGS=-mod=mod
"$GO" mod tidy >/dev/null 2>&1 || "$GO" mod tidy
"$GO" build ./...
"$GO" list -m all >modules.txt
n=$(wc -l <modules.txt)
bad=$(grep -E 'oapi-codegen/oapi-codegen|oasdiff|staticcheck|honnef\.co|golangci|viper' modules.txt || true)
echo "consumer: a module importing client has $n modules in 'go list -m all' (at most $MAX)"
if [ -n "$bad" ]; then
	echo "consumer: maintainers' tools in a user's module graph:" >&2
	echo "$bad" >&2
	exit 1
fi
if [ "$n" -gt "$MAX" ]; then
	echo "consumer: more than $MAX modules:" >&2
	cat modules.txt >&2
	exit 1
fi
