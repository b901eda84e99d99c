# The two commands a newcomer needs are `make demo` and `make test`;
# `make check` is what CI and every commit run.

GO ?= go
NPM ?= npm
export REDOCLY_TELEMETRY := off
export GOFLAGS := -buildvcs=false

.PHONY: all demo test generate check-generated lint vet spec-validate redocly spectral prism docs docs-test breaking check bench clean

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

## check-generated: fail when gen/ differs from what openapi.yaml produces (untracked files too).
check-generated: generate
	@if [ -n "$$(git status --porcelain -- gen/)" ]; then \
		echo "gen/ is stale: run 'make generate' and commit gen/" >&2; \
		git status --porcelain -- gen/ >&2; \
		exit 1; \
	fi

## lint: go vet, kin-openapi validation of the spec, Redocly lint (recommended rules), Spectral (spectral:oas).
lint: vet spec-validate redocly spectral

vet:
	$(GO) vet ./...

spec-validate:
	$(GO) test -count=1 -run '^TestSpecIsValid$$' ./contracttest/

tools/node_modules/.package-lock.json: tools/package.json tools/package-lock.json
	cd tools && $(NPM) ci --no-audit --no-fund
	@touch $@

redocly: tools/node_modules/.package-lock.json
	cd tools && ./node_modules/.bin/redocly lint ../openapi.yaml --config ../redocly.yaml

## spectral: Spectral's OpenAPI ruleset (tools/.spectral.yaml); any finding fails, hints included.
spectral: tools/node_modules/.package-lock.json
	cd tools && ./node_modules/.bin/spectral lint ../openapi.yaml --ruleset .spectral.yaml --fail-severity hint

## prism: the Go client calls every operation against `prism mock openapi.yaml` (tools/prism-test.sh).
prism: tools/node_modules/.package-lock.json
	GO=$(GO) tools/prism-test.sh

## docs: the reference page, one self-contained HTML file: tools/out/groupme-api.html.
docs: tools/node_modules/.package-lock.json
	mkdir -p tools/out
	cd tools && ./node_modules/.bin/redocly build-docs ../openapi.yaml --config ../redocly.yaml -o out/redoc-cdn.html
	cd tools && node docs-inline.mjs out/redoc-cdn.html out/groupme-api.html && rm out/redoc-cdn.html

## docs-test: open the page in headless Chromium (every operation, search, offline); screenshot in tools/out/.
docs-test: docs
	cd tools && node --test docs.test.mjs

## breaking: oasdiff against the previous release tag (or HEAD^, or BASE=<rev>); breaking changes must be declared in openapi.yaml's x-changelog.
breaking:
	GO=$(GO) tools/spec-breaking.sh

## check: everything CI runs.
check: check-generated lint test prism docs-test breaking

## bench: the client's benchmarks against a local server.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./client/

clean:
	rm -rf tools/node_modules tools/out
