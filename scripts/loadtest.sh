#!/usr/bin/env bash
# Load test of the JSON API, against 127.0.0.1 only, bounded in time.
#
#   scripts/loadtest.sh            (or: make loadtest)
#
# Starts the release server on a free loopback port, then drives
# `GET /api/run?` (the default scenario: 2,000 operators, 4 years) with wrk:
#   1. $DURATION (default 60 s) at $CLIENTS (default 64) connections;
#   2. $DURATION2 (default 30 s) at 10x the pool's capacity (workers + queue);
#   3. $DURATION3 (default 60 s): one greedy client address keeping 10 maximal
#      Monte Carlos going beside 4 polite clients (other loopback addresses),
#      each side's success rate and p99 (scripts/loadtest_phases.py);
#   4. slow connections: half-sent heads, unfinished bodies and idle ones,
#      how many the server closed and when, and /healthz meanwhile.
# Prints requests/s, p50/p99 latency, responses by status, and the server's
# RSS (sampled each second, and the kernel's peak, VmHWM).
# Needs wrk (Debian: apt-get install wrk). Env: HASHLAB_BIN, HASHLAB_WORKERS,
# HASHLAB_QUEUE, DURATION, DURATION2, DURATION3, DURATION4, CLIENTS, THREADS.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${HASHLAB_BIN:-$ROOT/target/release/hashlab}"
DURATION="${DURATION:-60s}"
DURATION2="${DURATION2:-30s}"
DURATION3="${DURATION3:-60}"
DURATION4="${DURATION4:-40}"
CLIENTS="${CLIENTS:-64}"
THREADS="${THREADS:-2}"
PATH_QUERY="${PATH_QUERY:-/api/run?}"
command -v wrk >/dev/null || { echo "loadtest: wrk is missing (apt-get install wrk)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "loadtest: $BIN is missing (cargo build --release -p server)" >&2; exit 2; }

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ADDR="127.0.0.1:$PORT"
WORK="$(mktemp -d)"
HASHLAB_ADDR="$ADDR" RUST_LOG="${RUST_LOG:-warn}" "$BIN" serve >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER=$!
SAMPLER=""
cleanup() {
    [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
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

STATUS="$(curl -fsS "http://$ADDR/api/status")"
WORKERS="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["pool"]["workers"])' <<<"$STATUS")"
QUEUE="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["pool"]["queue"])' <<<"$STATUS")"
CAPACITY=$((WORKERS + QUEUE))
# Let the page's run-cache warm-up finish so it does not compete.
sleep 5

rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status"; }
( while kill -0 "$SERVER" 2>/dev/null; do echo "$(date +%s) $(rss)"; sleep 1; done ) >"$WORK/rss.log" &
SAMPLER=$!

cat >"$WORK/status.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + n end
  end
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("requests %d in %.1f s: %.1f req/s; socket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  for code, n in pairs(total) do io.write(string.format("status %d: %d\n", code, n)) end
end
LUA

echo "== Hashlab load test: $ADDR, pool $WORKERS workers + $QUEUE queue, $(nproc) cores"
echo "RSS before: $(rss) KiB"
echo
echo "== 1. $CLIENTS clients for $DURATION on $PATH_QUERY"
wrk -t"$THREADS" -c"$CLIENTS" -d"$DURATION" --timeout 30s -s "$WORK/status.lua" "http://$ADDR$PATH_QUERY" | grep -v "^Running\|^  [0-9]* threads"
echo "RSS after phase 1: $(rss) KiB"
echo
C2=$((CAPACITY * 10))
echo "== 2. $C2 clients (10x capacity $CAPACITY) for $DURATION2 on $PATH_QUERY"
wrk -t"$THREADS" -c"$C2" -d"$DURATION2" --timeout 30s -s "$WORK/status.lua" "http://$ADDR$PATH_QUERY" | grep -v "^Running\|^  [0-9]* threads"
echo "RSS after phase 2: $(rss) KiB"
echo
echo "== 3. one greedy client beside polite ones for ${DURATION3} s"
python3 "$ROOT/scripts/loadtest_phases.py" "$ADDR" greedy "$DURATION3"
echo "RSS after phase 3: $(rss) KiB"
echo
echo "== 4. slow connections (up to ${DURATION4} s)"
python3 "$ROOT/scripts/loadtest_phases.py" "$ADDR" slow "$DURATION4"
echo
echo "== server"
echo "peak RSS (VmHWM): $(hwm) KiB; RSS samples min/max: $(awk 'NR==1{min=$2;max=$2} {if($2<min)min=$2; if($2>max)max=$2} END{print min" / "max}' "$WORK/rss.log") KiB"
curl -fsS "http://$ADDR/api/status"; echo
curl -fsS "http://$ADDR/healthz" >/dev/null && echo "still serving: /healthz ok"
