#!/usr/bin/env bash
# Load test of the server, against 127.0.0.1 only, bounded in time.
#
#   scripts/loadtest.sh [phase ...]     (or: make loadtest)
#
# Starts the release server on a free loopback port, then runs the phases of
# scripts/loadtest_phases.py (every one unless named): heavy load with wrk, and
# each attack the red team of issue 23 made (slow bodies, never-read
# downloads, big PNGs, heavy single runs, greedy Monte Carlos, slow heads,
# large gzip bodies, identical requests). During each phase a polite client
# from other loopback addresses asks for /healthz and small runs; per phase it
# prints their p50/p99 and errors, the server's peak RSS and its RSS a minute
# after, against the targets (exit 1 if one is missed).
# Needs wrk (Debian: apt-get install wrk). Env: HASHLAB_BIN, PHASE_SECS (30),
# RECOVER_SECS (60), WRK_THREADS (2), and the server's own HASHLAB_* settings.
# About 20 minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${HASHLAB_BIN:-$ROOT/target/release/hashlab}"
command -v wrk >/dev/null || { echo "loadtest: wrk is missing (apt-get install wrk)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "loadtest: $BIN is missing (cargo build --release -p server)" >&2; exit 2; }

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ADDR="127.0.0.1:$PORT"
WORK="$(mktemp -d)"
HASHLAB_ADDR="$ADDR" RUST_LOG="${RUST_LOG:-warn}" "$BIN" serve >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 200); do
    curl -fsS "http://$ADDR/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "http://$ADDR/healthz" >/dev/null
# Let the page's run-cache warm-up finish so it does not compete.
sleep 5

echo "== Hashlab load test: $ADDR, $(nproc) cores; $(curl -fsS "http://$ADDR/api/status")"
STATUS=0
python3 "$ROOT/scripts/loadtest_phases.py" "$ADDR" "$SERVER" "$@" || STATUS=$?
echo
echo "== server: peak RSS (VmHWM) $(awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status") KiB"
curl -fsS "http://$ADDR/api/status"; echo
curl -fsS "http://$ADDR/healthz" >/dev/null && echo "still serving: /healthz ok"
exit "$STATUS"
