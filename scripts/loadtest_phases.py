#!/usr/bin/env python3
"""The load test's phases (scripts/loadtest.sh starts the server and runs them).

Each phase runs an attack (or a heavy load) from 127.0.0.1 while a polite
client from other loopback addresses asks for /healthz every 0.1 s and for a
small uncached run every 0.25 s. Per phase it prints what the polite client
saw (p50/p99 and errors of each), what the attack got, the server's peak RSS
during the phase and its RSS a minute after (RECOVER_SECS), with the bytes
its run cache holds then, against the targets of issue 23 on a 2-core machine:

  polite /healthz p99 <= 1 s; polite small run p99 <= 3 s;
  peak RSS <= 1.5 GB; RSS a minute after within 200 MB of the phase's start.

Phases:
  load         wrk, 64 connections on the default run
  overload     wrk, 10x the pool's capacity
  greedy       10 maximal Monte Carlos from one address at once
  heavy-runs   single runs at the one-run limit from one address (200,000
               operators for 2 years, and one with a pool per operator)
  slow-bodies  ~1,000 sockets from one address, each sending one body byte every 8 s
  slow-heads   half-sent heads, unfinished bodies and idle sockets
  never-read   100 sockets asking for the largest JSON export, never reading
  big-png      4 at once of the largest report PNG the server draws
  large-gzip   8 at once of a 23 MB JSON export with Accept-Encoding: gzip
  identical    20 identical uncached requests at once, round after round

Usage: loadtest_phases.py ADDR SERVER_PID [phase ...]   (default: every phase)
Env: PHASE_SECS (default 30), RECOVER_SECS (60), WRK_THREADS (2).
Standard library and wrk only; loopback only.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

PHASE_SECS = float(os.environ.get("PHASE_SECS", "30"))
RECOVER_SECS = float(os.environ.get("RECOVER_SECS", "60"))
WRK_THREADS = os.environ.get("WRK_THREADS", "2")
ATTACKER = "127.0.0.1"
POLITE_HEALTH = "127.0.0.9"
POLITE_RUN = "127.0.0.10"
TARGET_HEALTHZ_P99 = 1.0
TARGET_RUN_P99 = 3.0
TARGET_PEAK_RSS = 1.5 * 1024**3
TARGET_RECOVERY = 200 * 1024**2


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def request(host, port, path, source=ATTACKER, timeout=90, headers=None):
    """One GET from `source`, read to its end: (status, seconds, bytes)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, time.monotonic() - started, len(body)
    except Exception:
        return 0, time.monotonic() - started, 0
    finally:
        conn.close()


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Monitor:
    """The polite client and the RSS sampler, for the length of one phase."""

    def __init__(self, host, port, pid):
        self.host, self.port, self.pid = host, port, pid
        self.health, self.runs, self.rss = [], [], []
        self.stop = threading.Event()
        self.seed = int(time.time()) * 1000

    def _health(self):
        while not self.stop.is_set():
            status, took, _ = request(self.host, self.port, "/healthz", POLITE_HEALTH, timeout=10)
            self.health.append((status, took))
            self.stop.wait(0.1)

    def _runs(self):
        while not self.stop.is_set():
            self.seed += 1
            path = f"/api/run?operators=200&years=1&seed={self.seed}"
            status, took, _ = request(self.host, self.port, path, POLITE_RUN, timeout=30)
            self.runs.append((status, took))
            self.stop.wait(0.25)

    def _rss(self):
        while not self.stop.is_set():
            self.rss.append(rss_bytes(self.pid))
            self.stop.wait(0.25)

    def __enter__(self):
        self.threads = [threading.Thread(target=t) for t in (self._health, self._runs, self._rss)]
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()


def summary(rows):
    ok = [took for status, took in rows if status == 200]
    errors = len(rows) - len(ok)
    return percentile(ok, 50), percentile(ok, 99), len(rows), errors


def run_for(seconds, worker, count):
    """`count` threads calling worker(index, deadline) until the deadline."""
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=worker, args=(i, deadline)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def tally(results):
    statuses = {}
    for status in results:
        statuses[status] = statuses.get(status, 0) + 1
    return dict(sorted(statuses.items()))


def looped(host, port, paths, count, seconds, headers=None):
    """`count` attackers, each asking for paths(i, n) one after another: statuses."""
    results = []
    lock = threading.Lock()

    def worker(index, deadline):
        n = 0
        while time.monotonic() < deadline:
            n += 1
            status, _, _ = request(host, port, paths(index, n), headers=headers, timeout=seconds + 90)
            with lock:
                results.append(status)
            if status != 200:
                time.sleep(0.2)

    run_for(seconds, worker, count)
    return f"statuses {tally(results)}"


def wrk(addr, connections, seconds):
    out = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "30s", f"http://{addr}/api/run?"],
        capture_output=True,
        text=True,
    ).stdout
    requests = [line.strip() for line in out.splitlines() if "requests in" in line or "Non-2xx" in line or "Socket errors" in line]
    return "; ".join(requests) or out.strip()[-200:]


def phase_load(host, port, addr, status):
    return "wrk 64 connections: " + wrk(addr, 64, PHASE_SECS * 2)


def phase_overload(host, port, addr, status):
    capacity = status["pool"]["workers"] + status["pool"]["queue"]
    return f"wrk {capacity * 10} connections: " + wrk(addr, capacity * 10, PHASE_SECS)


def phase_greedy(host, port, addr, status):
    path = "/api/montecarlo?operators=2000&years=4&runs=1000"
    return "10 Monte Carlos of 1,000 runs: " + looped(host, port, lambda i, n: f"{path}&seed={i * 1000 + n}", 10, PHASE_SECS * 2)


def phase_heavy_runs(host, port, addr, status):
    def path(index, n):
        if index % 2 == 0:
            return f"/api/simulate?operators=200000&years=2&seed={index * 1000 + n}"
        return f"/api/simulate?operators=200000&years=2&own_pool_min_ehs=0.000001&seed={index * 1000 + n}"

    return "4 runs at the one-run limit at once: " + looped(host, port, path, 4, PHASE_SECS)


def open_sockets(host, port, count, payload):
    opened = []
    for _ in range(count):
        try:
            s = socket.create_connection((host, port), timeout=5, source_address=(ATTACKER, 0))
            if payload:
                s.sendall(payload)
            s.setblocking(False)
            opened.append(s)
        except OSError:
            break
    return opened


def closed_by_server(opened):
    """How many of `opened` the server has closed (an answer such as a 408 may come first: read on to the end)."""
    closed = 0
    for s in opened:
        try:
            while True:
                if s.recv(65536) == b"":
                    closed += 1
                    break
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    return closed


def phase_slow_bodies(host, port, addr, status):
    head = b"POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    opened = open_sockets(host, port, 1000, head)
    deadline = time.monotonic() + PHASE_SECS + 10
    while time.monotonic() < deadline:
        for s in opened:
            try:
                s.send(b" ")
            except OSError:
                pass
        time.sleep(8)
    closed = closed_by_server(opened)
    for s in opened:
        s.close()
    return f"{len(opened)} sockets trickling a body byte every 8 s: {closed} closed by the server within {PHASE_SECS + 10:.0f} s"


def phase_slow_heads(host, port, addr, status):
    kinds = [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ",
        b"POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"operators\":",
        b"",
    ]
    opened = [s for payload in kinds for s in open_sockets(host, port, 40, payload)]
    time.sleep(PHASE_SECS)
    closed = closed_by_server(opened)
    for s in opened:
        s.close()
    return f"{len(opened)} sockets with half a head, half a body or nothing: {closed} closed by the server within {PHASE_SECS:.0f} s"


def phase_never_read(host, port, addr, status):
    request_line = b"GET /api/export.json?operators=13333&years=30&seed=%d HTTP/1.1\r\nHost: x\r\n\r\n"
    opened = []
    for n in range(100):
        opened += open_sockets(host, port, 1, request_line % (n % 5))
    time.sleep(PHASE_SECS + 10)
    for s in opened:
        s.close()
    return f"{len(opened)} sockets asking for a 23 MB export and never reading it, for {PHASE_SECS + 10:.0f} s"


def phase_big_png(host, port, addr, status):
    refused, _, _ = request(host, port, "/api/chart/pool-shares.png?width=2400&height=1600&scale=4")
    path = "/api/chart/pool-shares.png?width=1400&height=1400&scale=2&operators=2000&seed={}"
    return f"2400x1600 at scale 4: {refused}; 4 at once of 1400x1400 at scale 2: " + looped(
        host, port, lambda i, n: path.format(i * 1000 + n), 4, PHASE_SECS
    )


def phase_large_gzip(host, port, addr, status):
    path = "/api/export.json?operators=13333&years=30&seed={}"
    return "8 at once of a 23 MB JSON export, gzip asked for: " + looped(
        host, port, lambda i, n: path.format(n % 3), 8, PHASE_SECS, headers={"Accept-Encoding": "gzip"}
    )


def phase_identical(host, port, addr, status):
    before = status["pool"]["completed"]
    deadline = time.monotonic() + PHASE_SECS
    rounds, results = 0, []
    lock = threading.Lock()
    while time.monotonic() < deadline:
        rounds += 1
        path = f"/api/run?operators=5000&years=4&seed={900000 + rounds}"

        def one(_index, _deadline):
            code, _, _ = request(host, port, path)
            with lock:
                results.append(code)

        run_for(0, one, 20)
    after = current_status(host, port)["pool"]["completed"]
    return f"{rounds} rounds of 20 identical uncached runs: statuses {tally(results)}; the pool completed {after - before} runs"


PHASES = {
    "load": phase_load,
    "overload": phase_overload,
    "greedy": phase_greedy,
    "heavy-runs": phase_heavy_runs,
    "slow-bodies": phase_slow_bodies,
    "slow-heads": phase_slow_heads,
    "never-read": phase_never_read,
    "big-png": phase_big_png,
    "large-gzip": phase_large_gzip,
    "identical": phase_identical,
}


def current_status(host, port):
    conn = http.client.HTTPConnection(host, port, timeout=10, source_address=(POLITE_HEALTH, 0))
    try:
        conn.request("GET", "/api/status")
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def mb(n):
    return f"{n / 1024**2:,.0f} MB"


def main():
    addr, pid = sys.argv[1], int(sys.argv[2])
    chosen = sys.argv[3:] or list(PHASES)
    unknown = [p for p in chosen if p not in PHASES]
    if unknown:
        sys.exit(f"unknown phase {unknown[0]}: one of {', '.join(PHASES)}")
    host, port = addr.rsplit(":", 1)
    port = int(port)
    print(f"RSS at the start: {mb(rss_bytes(pid))}")
    failures = []
    for name in chosen:
        status = current_status(host, port)
        start_rss = rss_bytes(pid)
        with Monitor(host, port, pid) as monitor:
            what = PHASES[name](host, port, addr, status)
        h50, h99, hn, herr = summary(monitor.health)
        r50, r99, rn, rerr = summary(monitor.runs)
        peak = max(monitor.rss or [0])
        time.sleep(RECOVER_SECS)
        after = rss_bytes(pid)
        cache = current_status(host, port)["cache"]
        print(f"== {name}: {what}")
        print(
            f"   polite /healthz p50 {h50 * 1000:.0f} ms, p99 {h99 * 1000:.0f} ms ({hn} asked, {herr} errors); "
            f"small run p50 {r50 * 1000:.0f} ms, p99 {r99 * 1000:.0f} ms ({rn} asked, {rerr} errors)"
        )
        print(
            f"   RSS at the phase's start {mb(start_rss)}, peak {mb(peak)}, {RECOVER_SECS:.0f} s after {mb(after)} "
            f"(the run cache then: {cache['runs']} runs, {mb(cache['run_bytes'])} of {mb(cache['run_capacity_bytes'])}; "
            f"{cache['montecarlos']} Monte Carlos)"
        )
        checks = [
            ("/healthz p99 <= 1 s", h99 <= TARGET_HEALTHZ_P99 and herr == 0),
            ("small run p99 <= 3 s", r99 <= TARGET_RUN_P99 and rerr == 0),
            ("peak RSS <= 1.5 GB", peak <= TARGET_PEAK_RSS),
            ("RSS back within 200 MB", after <= start_rss + TARGET_RECOVERY),
        ]
        missed = [label for label, ok in checks if not ok]
        print(f"   targets: {'all met' if not missed else 'MISSED ' + ', '.join(missed)}", flush=True)
        failures += [f"{name}: {label}" for label in missed]
    print()
    print("every target met in every phase" if not failures else "targets missed: " + "; ".join(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
