#!/usr/bin/env bash
# tools/bump-cmd-library.sh [COMMIT]: make cmd/groupme require the library
# at COMMIT (default: main), which must already be on main where users'
# `go install github.com/groupme-go/groupme/cmd/groupme@latest` fetches it.
#
# cmd/groupme is a module of its own; in the workspace (go.work) it builds
# against this checkout, but `go install ...@latest` ignores go.work and
# builds it against the library version its go.mod requires. So when the
# CLI starts using library code newer than that version, raise it once the
# library change is on main. The version is the commit's pseudo-version,
# v0.0.0-<UTC commit time>-<12 hex> (vX.Y.(Z+1)-0.<time>-<hex> after a
# release tag vX.Y.Z), the name the module proxy knows the commit by; the
# replace in go.work is moved along so the workspace needs no download.
# Run from the repository root.
set -euo pipefail
GO=${GO:-go}
rev=$(git rev-parse --verify "${1:-main}^{commit}")
when=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S "$rev")
hash=$(git rev-parse --short=12 "$rev")
if tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' "$rev" 2>/dev/null); then
	IFS=. read -r major minor patch <<<"${tag%%[-+]*}"
	version="$major.$minor.$((patch + 1))-0.$when-$hash"
else
	version="v0.0.0-$when-$hash"
fi
old=$(awk '$1 == "github.com/groupme-go/groupme" { print $2 } $2 == "github.com/groupme-go/groupme" { print $3 }' cmd/groupme/go.mod)
GOWORK=off "$GO" mod edit -require="github.com/groupme-go/groupme@$version" cmd/groupme/go.mod
"$GO" work edit -dropreplace="github.com/groupme-go/groupme@${old:-none}" 2>/dev/null || true
"$GO" work edit -replace="github.com/groupme-go/groupme@$version=./"
echo "cmd/groupme now requires github.com/groupme-go/groupme $version (was ${old:-?})"
