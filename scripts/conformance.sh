#!/usr/bin/env bash
# Run the official MCP conformance suite against `docshelf serve --http` on a loopback port.
#
# Installs Node 22 (the npm package node@22) and @modelcontextprotocol/conformance into
# .cache/conformance the first time, serves a small docs tree on a free 127.0.0.1 port,
# runs the suite's active server scenarios and compares them with
# tests/conformance-expected-failures.yml. Exits non-zero on an unexpected failure, and on
# an expected failure that now passes (the list must then be shortened).
set -euo pipefail
cd "$(dirname "$0")/.."

SUITE_VERSION=0.1.16
NODE_PACKAGE=node@22
CACHE=.cache/conformance
EXPECTED=tests/conformance-expected-failures.yml
if [[ -n "${PYTHON:-}" ]]; then :
elif [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python
else PYTHON=python3
fi

marker="$CACHE/.installed-$SUITE_VERSION-$NODE_PACKAGE"
if [[ ! -f "$marker" ]]; then
    echo "conformance: installing $NODE_PACKAGE and @modelcontextprotocol/conformance@$SUITE_VERSION into $CACHE"
    mkdir -p "$CACHE"
    npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
        "$NODE_PACKAGE" "@modelcontextprotocol/conformance@$SUITE_VERSION"
    touch "$marker"
fi
export PATH="$PWD/$CACHE/node_modules/.bin:$PATH"
echo "conformance: node $(node --version), suite $SUITE_VERSION, $("$PYTHON" -m docshelf --version)"

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/docs/guides"
printf '# Demo docs\n\nStart with the guides.\n' > "$work/docs/index.md"
printf '# Agents\n\nAgents call tools.\n\n## Memory\n\nAgents remember.\n' > "$work/docs/guides/agents.md"
"$PYTHON" -m docshelf --home "$work/home" add "$work/docs" --name demo --quiet

"$PYTHON" -m docshelf --home "$work/home" serve --http --port 0 --no-default \
    2> "$work/server.log" &
server_pid=$!
url=""
for _ in $(seq 1 300); do  # up to 30 s for the server to start
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' "$work/server.log" || true)
    [[ -n "$url" ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z "$url" ]]; then
    echo "conformance: the server did not start:" >&2
    cat "$work/server.log" >&2
    exit 1
fi

status=0
timeout 600 conformance server --url "$url" --expected-failures "$EXPECTED" \
    --output-dir "$work/results" > "$work/suite.log" 2>&1 || status=$?
sed -n '/=== SUMMARY ===/,$p' "$work/suite.log"
if [[ $status -ne 0 ]]; then
    echo "conformance: FAILED (exit $status): a scenario failed that is not in $EXPECTED," \
        "or one listed there now passes (remove it). Full log:" >&2
    cat "$work/suite.log" >&2
    echo "--- server log ---" >&2
    cat "$work/server.log" >&2
    exit "$status"
fi
echo "conformance: OK (failures all listed in $EXPECTED)"
