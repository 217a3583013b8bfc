#!/usr/bin/env python3
"""Time from saving one section to the reloaded page being served by `brief serve`.

Usage: bench/serve.py SITE_ROOT [ROUNDS]   (a copy of the site is edited, never SITE_ROOT)
Env:   BRIEF, the binary to time (default: target/release/brief), for paired runs.
       POLL=1 to fetch the page every 2 ms instead of waiting as a browser does.
Starts `target/release/brief serve` on a free loopback port, waits for the first
build, then ROUNDS times appends a unique word to the first section and waits
for the page to hold it, as an open page does: on the live-reload long poll
(`/__brief/events?since=…`), then reloading the page. Prints each latency and
the median, in ms. With POLL=1 the page is fetched over and over instead,
which on a 2-core machine takes CPU from the rebuild it is timing.
"""
import json
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

def fetch(address=None):
    try:
        with urllib.request.urlopen(address or url, timeout=30) as r:
            return r.read().decode()
    except OSError:
        return ""

events = f"http://127.0.0.1:{port}/__brief/events"
busy = os.environ.get("POLL") == "1"

def wait(word, version):
    """Until the page holds `word`: as the live-reload script does, or by
    fetching the page over and over with POLL=1. Returns the last version."""
    while word not in fetch():
        if busy:
            time.sleep(0.002)
            continue
        status = fetch(f"{events}?since={version}")
        version = json.loads(status)["version"] if status else version
    return version

try:
    deadline = time.time() + 120
    while "<html" not in fetch():
        if time.time() > deadline:
            sys.exit("serve did not come up")
        time.sleep(0.05)
    latencies = []
    for i in range(rounds):
        word = f"edited{i}x{time.time_ns()}"
        version = json.loads(fetch(events))["version"]
        with open(first, "a") as f:
            f.write(f"\n\n{word}\n")
        started = time.perf_counter()
        wait(word, version)
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.5)
    print(" ".join(f"{x:.0f}" for x in latencies))
    print(f"median edit-to-served: {statistics.median(latencies):.0f} ms over {rounds} edits")
finally:
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)
