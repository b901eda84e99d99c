#!/usr/bin/env bash
# Starts `prism mock --errors openapi.yaml` on a free loopback port, waits
# (at most 60 s) until it listens, runs the Go client's TestPrismMock against
# it, and stops Prism whatever happens. Run from the repository root through
# `make prism`, after tools/node_modules is installed.
set -euo pipefail
GO=${GO:-go}
log=$(mktemp)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -f "$log"
}
trap cleanup EXIT
# --errors: a request the spec does not allow gets an error answer, so the
# test also checks what the client sends.
tools/node_modules/.bin/prism mock --errors --host 127.0.0.1 --port 0 openapi.yaml >"$log" 2>&1 &
pid=$!
url=
for _ in $(seq 1 120); do
	url=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$log" | head -n1 | sed 's/^listening on //' || true)
	[ -n "$url" ] && break
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "prism exited before listening:" >&2; cat "$log" >&2; exit 1
	fi
	sleep 0.5
done
if [ -z "$url" ]; then
	echo "prism did not listen within 60 s:" >&2; cat "$log" >&2; exit 1
fi
echo "prism mock listening on $url"
if ! GROUPME_PRISM_URL=$url "$GO" test -count=1 -run '^TestPrism' ./client/; then
	echo "--- prism log" >&2; cat "$log" >&2; exit 1
fi
