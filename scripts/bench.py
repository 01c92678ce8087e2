#!/usr/bin/env python3
"""Hashlab's speed, measured as users meet it: `make bench`.

Times the release binary end to end (`hashlab run ... --format csv`, the
whole process: start, model, CSV out) for 10,000 to 200,000 operators over
4 simulated years, and `hashlab montecarlo --runs 1000` (the default
scenario, 2,000 operators x 4 years, on every core); reads criterion's
estimate of the reference run (`run_4_years/10000`) if `cargo bench` left
one. Prints a Markdown table and, with --readme, rewrites README.md between
its `<!-- bench:start -->` and `<!-- bench:end -->` lines.

Nothing else should run on the machine meanwhile: each figure is the
fastest of its repeats (noise only ever adds time).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

DAYS_4_YEARS = 1461  # the default scenario's 4 years, in days
POPULATIONS = [(10_000, 7), (30_000, 3), (50_000, 3), (100_000, 2), (200_000, 1)]
MONTE_CARLO_RUNS = 1000
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def fastest(command, repeats):
    best = None
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def criterion_reference_ns(target_dir):
    """Criterion's mean for run_4_years/10000, in ns per operator-day, if measured."""
    path = os.path.join(target_dir, "criterion", "run_4_years", "10000", "new", "estimates.json")
    try:
        with open(path) as f:
            estimate = json.load(f)["mean"]
    except (OSError, KeyError, ValueError):
        return None
    per = 10_000 * DAYS_4_YEARS
    return (estimate["point_estimate"] / per, estimate["confidence_interval"]["lower_bound"] / per,
            estimate["confidence_interval"]["upper_bound"] / per)


def table(binary, target_dir):
    rows = []
    reference = None
    for operators, repeats in POPULATIONS:
        seconds = fastest([binary, "run", "--operators", str(operators), "--years", "4", "--format", "csv"], repeats)
        ns = seconds * 1e9 / (operators * DAYS_4_YEARS)
        reference = reference or ns
        rows.append(f"| {operators:,} | {seconds:.3f} s | {ns:.1f} | {ns / reference:.2f}x |")
        print(rows[-1], file=sys.stderr)
    monte_carlo = fastest([binary, "montecarlo", "--runs", str(MONTE_CARLO_RUNS)], 1)
    print(f"montecarlo --runs {MONTE_CARLO_RUNS}: {monte_carlo:.2f} s", file=sys.stderr)
    lines = [
        f"Measured by `make bench` ({datetime.date.today().isoformat()}, model {model_version(binary)}, release,",
        f"this {os.cpu_count()}-core machine, fastest of its repeats): `hashlab run --operators N --years 4",
        "--format csv`, the whole process, block-exact:",
        "",
        "| operators | wall | ns per operator-day | vs 10,000 |",
        "|---:|---:|---:|---:|",
        *rows,
        "",
        f"`hashlab montecarlo --runs {MONTE_CARLO_RUNS}` (the default scenario, 2,000 operators x 4 years, every core): "
        f"{monte_carlo:.1f} s.",
    ]
    criterion = criterion_reference_ns(target_dir)
    if criterion:
        mean, low, high = criterion
        lines += ["", f"Criterion, the reference run alone (`run_4_years/10000`, one core): {mean:.2f} ns per operator-day "
                  f"({low:.2f}-{high:.2f})."]
    return "\n".join(lines) + "\n"


def model_version(binary):
    out = subprocess.run([binary, "run", "--operators", "50", "--years", "0.1", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out).get("model_version", "?")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the release hashlab binary")
    parser.add_argument("--target-dir", default="target", help="cargo's target directory (criterion's estimates)")
    parser.add_argument("--readme", help="README.md to rewrite between its bench markers")
    args = parser.parse_args()
    text = table(args.bin, args.target_dir)
    print(text)
    if args.readme:
        with open(args.readme) as f:
            readme = f.read()
        if START not in readme or END not in readme:
            sys.exit(f"{args.readme} has no {START} ... {END} lines to rewrite")
        head, rest = readme.split(START, 1)
        _, tail = rest.split(END, 1)
        with open(args.readme, "w") as f:
            f.write(head + START + "\n" + text + END + tail)


if __name__ == "__main__":
    main()
