#!/usr/bin/env python3
"""Time from saving one section to the reloaded page being served by `brief serve`.

Usage: bench/serve.py SITE_ROOT [ROUNDS]   (a copy of the site is edited, never SITE_ROOT)
Env:   BRIEF, the binary to time (default: target/release/brief), for paired runs.
Starts `target/release/brief serve` on a free loopback port, waits for the first
build, then ROUNDS times appends a unique word to the first section and polls
its page until the word is served. Prints each latency and the median, in ms.
"""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

root = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
brief = os.environ.get("BRIEF") or os.path.join(os.path.dirname(__file__), "..", "target", "release", "brief")
work = tempfile.mkdtemp()
site = os.path.join(work, "site")
shutil.copytree(root, site, ignore=shutil.ignore_patterns("public"))
sections = sorted(os.listdir(os.path.join(site, "content", "sections")))
first = os.path.join(site, "content", "sections", sections[0])
stem = sections[0][:-3]
page_id = stem.split("-", 1)[1] if stem.split("-", 1)[0].isdigit() else stem

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
server = subprocess.Popen([brief, "serve", "--quiet", "--root", site, "--port", str(port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
url = f"http://127.0.0.1:{port}/sections/{page_id}.html"

def fetch():
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()
    except OSError:
        return ""

try:
    deadline = time.time() + 120
    while "<html" not in fetch():
        if time.time() > deadline:
            sys.exit("serve did not come up")
        time.sleep(0.05)
    latencies = []
    for i in range(rounds):
        word = f"edited{i}x{time.time_ns()}"
        with open(first, "a") as f:
            f.write(f"\n\n{word}\n")
        started = time.perf_counter()
        while word not in fetch():
            if time.perf_counter() - started > 60:
                sys.exit("edit never appeared")
            time.sleep(0.002)
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.5)
    print(" ".join(f"{x:.0f}" for x in latencies))
    print(f"median edit-to-served: {statistics.median(latencies):.0f} ms over {rounds} edits")
finally:
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)
