# The two commands a newcomer needs are `make demo` and `make test`;
# `make check` is what CI and every commit run.

GO ?= go
NPM ?= npm
export REDOCLY_TELEMETRY := off
export GOFLAGS := -buildvcs=false

# Two modules, one workspace (go.work): the library at the root and the
# command-line program in cmd/groupme. In workspace mode `./...` stays inside
# the root module, so every Go target names both trees.
PKGS = ./... ./cmd/groupme/...
# The maintainers' Go tools are pinned in tools/go.mod, outside the library's
# module graph; -modfile cannot be combined with the workspace, hence GOWORK=off.
GOTOOL = GOWORK=off $(GO) tool -modfile=tools/go.mod

.PHONY: all demo test generate check-generated lint vet golangci consumer spec-validate redocly spectral prism docs docs-test view-test breaking check bench fuzz clean ts-check ts-build compat

all: check

## demo: the tour of the command-line program against the embedded fake GroupMe.
demo:
	$(GO) run ./cmd/groupme demo

## test: every Go test, with the race detector.
test:
	$(GO) test -race -count=1 $(PKGS)

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

## lint: go vet, golangci-lint (.golangci.yml; staticcheck is one of its linters), kin-openapi validation of the spec, Redocly lint (recommended rules), Spectral (spectral:oas).
lint: vet golangci spec-validate redocly spectral

vet:
	$(GO) vet $(PKGS)

## golangci: golangci-lint v2 (pinned in tools/go.mod) over both modules, with the
## repository's .golangci.yml; any finding fails. The binary is built outside the
## workspace and run inside it, so it sees the library and the CLI together.
golangci:
	$$($(GOTOOL) -n golangci-lint) run $(PKGS)

## consumer: a module that imports the client has at most 32 modules in its
## graph and none of the maintainers' tools (tools/consumer-check.sh).
consumer:
	GO=$(GO) tools/consumer-check.sh

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

## view-test: `groupme view` on a backup of the in-process fake (`groupme --fake backup --images`),
## read in headless Chromium (conversations, scrolling, pictures, search, nothing leaves
## 127.0.0.1); screenshot in tools/out/view.png.
VIEW_BACKUP = tools/out/view-backup
view-test: tools/node_modules/.package-lock.json
	rm -rf $(VIEW_BACKUP) && mkdir -p $(VIEW_BACKUP)
	$(GO) build -o bin/groupme ./cmd/groupme
	bin/groupme --fake backup --images $(VIEW_BACKUP) > /dev/null
	cd tools && VIEW_BACKUP=$(CURDIR)/$(VIEW_BACKUP) GROUPME=$(CURDIR)/bin/groupme node --test --test-timeout=180000 view.test.mjs

## breaking: oasdiff against the previous release tag (or HEAD^, or BASE=<rev>); breaking changes must be declared in openapi.yaml's x-changelog.
breaking:
	GO=$(GO) tools/spec-breaking.sh

## ts-check: openapi-typescript types of openapi.yaml compile under tsc --strict, and an
## openapi-fetch smoke test drives `groupme fake` (tools/ts, pinned npm packages).
ts-check: ts-build
	cd tools/ts && node --test --test-timeout=180000 build/smoke.test.js

ts-build: tools/ts/node_modules/.package-lock.json
	cd tools/ts && ./node_modules/.bin/openapi-typescript ../../openapi.yaml -o generated/groupme.d.ts
	cd tools/ts && ./node_modules/.bin/tsc -p tsconfig.json

tools/ts/node_modules/.package-lock.json: tools/ts/package.json tools/ts/package-lock.json
	cd tools/ts && $(NPM) ci --no-audit --no-fund
	@touch $@

## compat: third-party clients against `groupme fake`: node-groupme's REST calls, and two
## realtime clients on its push service (the faye reference client, node-groupme's).
compat: ts-build
	cd tools/ts && node --test --test-timeout=180000 compat/node-groupme.test.mjs compat/realtime.test.mjs

## check: everything CI runs.
check: check-generated lint consumer test ts-check compat prism docs-test view-test breaking

## bench: every benchmark (client vs hand-written net/http + encoding/json,
## export vs the floor (a minimal byte-scanning pager), the fake's
## throughput, backup against a rate-limited fake: its wall time over the
## bucket's floor and the share of refused requests), BENCH_COUNT rounds,
## then the median of each and, for every BenchmarkX[/sub] with a
## BenchmarkXRaw[/sub] baseline, the ratio of time and allocations (and of
## the client's CPU time where a benchmark reports cpu-ns/op). Each round
## runs every package's benchmarks once, one package at a time, so a pair
## is measured close together and a machine that drifts (a shared VM's
## speed does) moves both sides alike. bench.out is benchstat's input.
BENCH_COUNT ?= 6
BENCH_BIN = bin/bench
bench:
	@rm -f bench.out; mkdir -p $(BENCH_BIN)
	@for d in $$($(GO) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.Dir}}{{end}}' $(PKGS)); do \
		$(GO) test -c -o $(BENCH_BIN)/$$(echo $${d#$(CURDIR)} | tr / _).test $$d || exit 1; done
	@for i in $$(seq $(BENCH_COUNT)); do \
		for d in $$($(GO) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.Dir}}{{end}}' $(PKGS)); do \
			(cd $$d && $(CURDIR)/$(BENCH_BIN)/$$(echo $${d#$(CURDIR)} | tr / _).test -test.run '^$$' -test.bench . -test.benchmem) | grep -v '^PASS$$' | tee -a bench.out || exit 1; \
		done; done
	@awk '$$1 ~ /^Benchmark/ { n = $$1; sub(/-[0-9]+$$/, "", n); \
		for (i = 3; i < NF; i++) { if ($$(i+1) == "ns/op") t[n] = t[n] " " $$i; if ($$(i+1) == "allocs/op") a[n] = a[n] " " $$i; if ($$(i+1) == "msgs/s") r[n] = r[n] " " $$i; if ($$(i+1) == "cpu-ns/op") u[n] = u[n] " " $$i; \
			if ($$(i+1) == "floor-ratio") fr[n] = fr[n] " " $$i; if ($$(i+1) == "refused-%") rf[n] = rf[n] " " $$i; if ($$(i+1) == "peak-heap-MB") ph[n] = ph[n] " " $$i } } \
		function med(s,   v, k, j, x, c) { c = split(s, v, " "); for (k = 2; k <= c; k++) { x = v[k]; for (j = k - 1; j >= 1 && v[j] + 0 > x + 0; j--) v[j+1] = v[j]; v[j+1] = x } \
			return c % 2 ? v[(c+1)/2] : (v[c/2] + v[c/2+1]) / 2 } \
		END { \
			for (n in t) { k = index(n "/", "/"); b = substr(n, 1, k - 1) "Raw" substr(n, k); line = sprintf("%-36s %12.0f ns/op %8.0f allocs/op", n, med(t[n]), med(a[n])); if (n in r) line = line sprintf(" %9.0f msgs/s", med(r[n])); \
				if (b in t) line = line sprintf("   time %.2fx  allocs %.2fx", med(t[n]) / med(t[b]), (med(a[b]) ? med(a[n]) / med(a[b]) : 0)); \
				if ((b in t) && (n in u) && (b in u)) line = line sprintf("  client CPU %.2fx", med(u[n]) / med(u[b])); \
				if (b in t) line = line " of " b; \
				if (n in fr) line = line sprintf("   %.3fx the bucket floor, %.1f%% refused, live heap +%.1f MB", med(fr[n]), med(rf[n]), med(ph[n])); \
				print line } }' bench.out | sort > bench.summary
	@printf '\nmedians of $(BENCH_COUNT) runs, and ratios to the Raw baselines (lower is better):\n'
	@cat bench.summary

## fuzz: each fuzz target explores for FUZZTIME (its seed corpus already runs in `make test`).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzEnvelope$$' -fuzztime $(FUZZTIME) ./client/
	$(GO) test -run '^$$' -fuzz '^FuzzAttachment$$' -fuzztime $(FUZZTIME) ./client/
	$(GO) test -run '^$$' -fuzz '^FuzzCallback$$' -fuzztime $(FUZZTIME) ./client/
	$(GO) test -run '^$$' -fuzz '^FuzzSplitText$$' -fuzztime $(FUZZTIME) ./client/
	$(GO) test -run '^$$' -fuzz '^FuzzArchivePage$$' -fuzztime $(FUZZTIME) ./client/
	$(GO) test -run '^$$' -fuzz '^FuzzScanExport$$' -fuzztime $(FUZZTIME) ./cmd/groupme/

clean:
	rm -rf tools/node_modules tools/out tools/ts/node_modules tools/ts/build tools/ts/generated

## asyncapi: validate asyncapi.yaml (the push service, reusing openapi.yaml's
## schemas) with the stock AsyncAPI CLI (`asyncapi validate`) and with
## @asyncapi/parser as its documentation shows, both pinned in
## tools/asyncapi/, offline (the CLI's metrics are off through
## tools/asyncapi/analytics.json).
.PHONY: asyncapi
lint: asyncapi

tools/asyncapi/node_modules/.package-lock.json: tools/asyncapi/package.json tools/asyncapi/package-lock.json
	cd tools/asyncapi && $(NPM) ci --no-audit --no-fund
	@touch $@

asyncapi: tools/asyncapi/node_modules/.package-lock.json
	cd tools/asyncapi && ASYNCAPI_METRICS_CONFIG_PATH=$(CURDIR)/tools/asyncapi/analytics.json SUPPRESS_NO_CONFIG_WARNING=1 \
		./node_modules/.bin/asyncapi validate ../../asyncapi.yaml --fail-severity error
	cd tools/asyncapi && node validate.mjs ../../asyncapi.yaml
clean: clean-asyncapi
.PHONY: clean-asyncapi
clean-asyncapi:
	rm -rf tools/asyncapi/node_modules
