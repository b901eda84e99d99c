#!/usr/bin/env bash
# `make breaking`: compares openapi.yaml with the one of the previous release
# (the newest tag vX.Y.Z before HEAD), or of HEAD's first parent when there
# is no release tag (on main: main's previous commit), or of BASE=<rev> when
# given. oasdiff (pinned in tools/go.mod) lists the breaking
# changes, and TestBreakingChangesDeclared fails on any that x-changelog in
# openapi.yaml does not declare. A release's version is closed; a commit's
# version may still be unreleased, its changelog entry still growing.
# Run from the repository root.
set -euo pipefail
GO=${GO:-go}
base=${BASE:-}
kind=commit
if [ -n "$base" ]; then
	if git describe --tags --exact-match --match 'v[0-9]*' "$base" >/dev/null 2>&1; then kind=release; fi
else
	if tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*' HEAD^ 2>/dev/null); then
		base=$tag
		kind=release
	elif git rev-parse -q --verify 'HEAD^{commit}' >/dev/null && git rev-parse -q --verify 'HEAD^1^{commit}' >/dev/null; then
		base=$(git rev-parse --short HEAD^1)
	else
		echo "breaking: no release tag and no previous commit (first commit, or a shallow clone): nothing to compare with, skipped"
		exit 0
	fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! git show "$base:openapi.yaml" >"$tmp/base.yaml" 2>/dev/null; then
	echo "breaking: $base has no openapi.yaml: nothing to compare with, skipped"
	exit 0
fi
if cmp -s "$tmp/base.yaml" openapi.yaml; then
	echo "breaking: openapi.yaml is unchanged since $base"
	exit 0
fi
echo "breaking: openapi.yaml against $base ($kind)"
GOWORK=off "$GO" tool -modfile=tools/go.mod oasdiff breaking "$tmp/base.yaml" openapi.yaml --format text || true
GOWORK=off "$GO" tool -modfile=tools/go.mod oasdiff breaking "$tmp/base.yaml" openapi.yaml --format json >"$tmp/report.json"
GROUPME_BREAKING_BASE=$tmp/base.yaml GROUPME_BREAKING_BASE_KIND=$kind GROUPME_BREAKING_REPORT=$tmp/report.json \
	"$GO" test -count=1 -v -run '^TestBreakingChangesDeclared$' ./contracttest/ | grep -v '^=== RUN'
