#!/usr/bin/env python3
"""Growth from 1,000 to 10,000 sections: builds the two corpora one after the
other, alternating, so that the machine's drift between runs hits both alike,
and reports the median of each and the ratio of the medians (linear growth is
10; the target is at most 11).

Usage: bench/growth.py [ROUNDS]   default 12, after 2 warm-up rounds
Env:   WORK (default /dev/shm/brief-bench), where bench/run.sh left the
       corpora corpus-1000 and corpus-10000.
"""

import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(ROOT, "target", "release", "brief")
WORK = os.environ.get("WORK", "/dev/shm/brief-bench")
SIZES = (1000, 10000)


def build(n, out):
    shutil.rmtree(out, ignore_errors=True)
    corpus = os.path.join(WORK, f"corpus-{n}", "brief")
    start = time.perf_counter()
    subprocess.run([BRIEF, "build", "--quiet", "--root", corpus, "--out", out], check=True)
    return time.perf_counter() - start


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "brief"], cwd=ROOT, check=True)
    out = os.path.join(WORK, "out-growth")
    times = {n: [] for n in SIZES}
    for round in range(rounds + 2):
        for n in SIZES:
            took = build(n, out)
            if round >= 2:
                times[n].append(took)
    small, large = (statistics.median(times[n]) for n in SIZES)
    pairs = [b / a for a, b in zip(times[SIZES[0]], times[SIZES[1]])]
    print(f"1k median {small * 1000:.1f} ms, 10k median {large * 1000:.0f} ms: "
          f"{large / small:.2f}x (round by round {min(pairs):.2f}-{max(pairs):.2f}x)")


if __name__ == "__main__":
    main()
