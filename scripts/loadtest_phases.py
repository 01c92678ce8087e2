#!/usr/bin/env python3
"""Load-test phases wrk cannot drive (scripts/loadtest.sh runs them):

  greedy   one greedy client address (127.0.0.1) keeps GREEDY concurrent
           maximal Monte Carlos going, beside POLITE well-behaved clients,
           each from its own loopback address (127.0.0.2, ...), each asking
           for one small run at a time; reports each side's success rate, p50
           and p99 latency, and the statuses it got.
  slow     opens SLOW connections that send half a request head, SLOW that
           send a head and then a body that never finishes, and SLOW idle
           ones; reports how many the server closed, and when, and whether
           /healthz answered meanwhile.

Usage: loadtest_phases.py ADDR greedy|slow [seconds]
Standard library only; loopback only.
"""

import http.client
import socket
import statistics
import sys
import threading
import time

GREEDY = 10
POLITE = 4
SLOW = 150
GREEDY_PATH = "/api/montecarlo?operators=2000&years=4&runs=1000"


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def request(host, port, source, path, timeout=90):
    """One GET from `source`, read to its end: (status, seconds)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except Exception:
        return 0, time.monotonic() - started
    finally:
        conn.close()


def greedy_phase(host, port, seconds):
    deadline = time.monotonic() + seconds
    results = {"greedy": [], "polite": []}
    lock = threading.Lock()

    def greedy_worker():
        while time.monotonic() < deadline:
            status, took = request(host, port, "127.0.0.1", GREEDY_PATH, timeout=seconds + 90)
            with lock:
                results["greedy"].append((status, took))
            if status != 200:
                time.sleep(0.2)

    def polite_worker(index):
        source = f"127.0.0.{index + 2}"
        n = 0
        while time.monotonic() < deadline:
            n += 1
            path = f"/api/run?operators=200&years=1&seed={index * 100000 + n}"
            status, took = request(host, port, source, path)
            with lock:
                results["polite"].append((status, took))
            time.sleep(0.1)

    threads = [threading.Thread(target=greedy_worker) for _ in range(GREEDY)]
    threads += [threading.Thread(target=polite_worker, args=(i,)) for i in range(POLITE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for side, count in (("greedy", GREEDY), ("polite", POLITE)):
        rows = results[side]
        ok = [took for status, took in rows if status == 200]
        statuses = {}
        for status, _ in rows:
            statuses[status] = statuses.get(status, 0) + 1
        rate = 100.0 * len(ok) / len(rows) if rows else 0.0
        print(
            f"{side} ({count} connection{'s' if count > 1 else ''}): {len(rows)} requests, "
            f"{rate:.1f}% answered 200; p50 {percentile(ok, 50) * 1000:.0f} ms, p99 {percentile(ok, 99) * 1000:.0f} ms "
            f"(of the 200s); statuses {dict(sorted(statuses.items()))}"
        )


def slow_phase(host, port, seconds):
    kinds = {
        "half a request head": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ",
        "a body that never finishes": b"POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"operators\":",
        "nothing (idle)": b"",
    }
    opened = []
    started = time.monotonic()
    for kind, payload in kinds.items():
        for _ in range(SLOW):
            s = socket.create_connection((host, port), timeout=5)
            if payload:
                s.sendall(payload)
            s.setblocking(False)
            opened.append((kind, s))
    closed_at = {}
    healthz = []
    deadline = started + seconds
    while time.monotonic() < deadline and len(closed_at) < len(opened):
        for index, (kind, s) in enumerate(opened):
            if index in closed_at:
                continue
            try:
                # An answer (e.g. a 408) may come before the close: read on to EOF.
                if s.recv(4096) == b"":
                    closed_at[index] = time.monotonic() - started
            except BlockingIOError:
                pass
            except OSError:
                closed_at[index] = time.monotonic() - started
        status, took = request(host, port, "127.0.0.1", "/healthz", timeout=5)
        healthz.append((status, took))
        time.sleep(0.25)
    for kind in kinds:
        times = [closed_at[i] for i, (k, _) in enumerate(opened) if k == kind and i in closed_at]
        total = sum(1 for k, _ in opened if k == kind)
        when = f"after {min(times):.1f}-{max(times):.1f} s (median {statistics.median(times):.1f} s)" if times else "none"
        print(f"slow: {len(times)} of {total} connections sending {kind} closed by the server {when}")
    good = [took for status, took in healthz if status == 200]
    print(
        f"slow: /healthz meanwhile {len(good)} of {len(healthz)} answered 200, "
        f"p99 {percentile(good, 99) * 1000:.0f} ms"
    )
    for _, s in opened:
        s.close()


def main():
    addr, phase = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    host, port = addr.rsplit(":", 1)
    if phase == "greedy":
        greedy_phase(host, int(port), seconds)
    elif phase == "slow":
        slow_phase(host, int(port), seconds)
    else:
        sys.exit(f"unknown phase {phase}: greedy or slow")


if __name__ == "__main__":
    main()
