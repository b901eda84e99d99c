# The two commands a newcomer needs are `make demo` and `make test`;
# `make check` is what CI and every commit run.

GO ?= go
NPM ?= npm
export REDOCLY_TELEMETRY := off
export GOFLAGS := -buildvcs=false

.PHONY: all demo test generate check-generated lint vet spec-validate redocly check bench clean

all: check

## demo: the tour of the command-line program against the embedded fake GroupMe.
demo:
	$(GO) run ./cmd/groupme demo

## test: every Go test, with the race detector.
test:
	$(GO) test -race -count=1 ./...

## generate: regenerate gen/ from openapi.yaml.
generate:
	$(GO) generate ./...

## check-generated: fail when gen/ or client/models.gen.go differs from what openapi.yaml produces (untracked files too).
check-generated: generate
	@if [ -n "$$(git status --porcelain -- gen/ client/models.gen.go)" ]; then \
		echo "generated code is stale: run 'make generate' and commit gen/ and client/models.gen.go" >&2; \
		git status --porcelain -- gen/ client/models.gen.go >&2; \
		exit 1; \
	fi

## lint: go vet, kin-openapi validation of the spec, Redocly lint (recommended rules).
lint: vet spec-validate redocly

vet:
	$(GO) vet ./...

spec-validate:
	$(GO) test -count=1 -run '^TestSpecIsValid$$' ./contracttest/

tools/node_modules/.package-lock.json: tools/package.json tools/package-lock.json
	cd tools && $(NPM) ci --no-audit --no-fund
	@touch $@

redocly: tools/node_modules/.package-lock.json
	cd tools && ./node_modules/.bin/redocly lint ../openapi.yaml --config ../redocly.yaml

## check: everything CI runs.
check: check-generated lint test

## bench: the client's benchmarks against a local server.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./client/

clean:
	rm -rf tools/node_modules

## asyncapi: validate asyncapi.yaml (the push service, reusing openapi.yaml's
## schemas) with @asyncapi/parser pinned in tools/asyncapi/, offline.
## tools/asyncapi/validate.mjs says why it is not the AsyncAPI CLI.
.PHONY: asyncapi
lint: asyncapi

tools/asyncapi/node_modules/.package-lock.json: tools/asyncapi/package.json tools/asyncapi/package-lock.json
	cd tools/asyncapi && $(NPM) ci --no-audit --no-fund
	@touch $@

asyncapi: tools/asyncapi/node_modules/.package-lock.json
	cd tools/asyncapi && node validate.mjs ../../asyncapi.yaml
clean: clean-asyncapi
.PHONY: clean-asyncapi
clean-asyncapi:
	rm -rf tools/asyncapi/node_modules
