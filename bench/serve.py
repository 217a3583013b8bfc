#!/usr/bin/env python3
"""Time from saving one section to the reloaded page being served by `brief serve`.

Usage: bench/serve.py SITE_ROOT [ROUNDS]   (a copy of the site is edited, never SITE_ROOT)
Env:   BRIEF, the binary to time (default: target/release/brief).
       AGAINST, a second binary: both serve a copy of their own, and the edits
       alternate between them, so that the machine's moods hit both alike.
       POLL=1 to fetch the page every 2 ms instead of waiting as a browser does.
Starts `brief serve` on a free loopback port, waits for the first build, then
ROUNDS times appends a unique word to the first section and waits for the page
to hold it, as an open page does: on the live-reload long poll
(`/__brief/events?since=…`), then reloading the page. Prints each latency and
the median, in ms, and the median of the rebuild alone as the server reports
it ("built … in N ms"). With POLL=1 the page is fetched over and over instead,
which on a 2-core machine takes CPU from the rebuild it is timing.
"""
import json
import os, re, shutil, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.request

root = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
default = os.path.join(os.path.dirname(__file__), "..", "target", "release", "brief")
binaries = [os.environ.get("BRIEF") or default] + [b for b in [os.environ.get("AGAINST")] if b]
busy = os.environ.get("POLL") == "1"


def fetch(address):
    try:
        with urllib.request.urlopen(address, timeout=30) as r:
            return r.read().decode()
    except OSError:
        return ""


class Server:
    """One `brief serve` of its own copy of the site, with what it measured."""

    def __init__(self, brief):
        self.brief, self.work = brief, tempfile.mkdtemp()
        site = os.path.join(self.work, "site")
        shutil.copytree(root, site, ignore=shutil.ignore_patterns("public"))
        sections = sorted(os.listdir(os.path.join(site, "content", "sections")))
        self.first = os.path.join(site, "content", "sections", sections[0])
        stem = sections[0][:-3]
        page_id = stem.split("-", 1)[1] if stem.split("-", 1)[0].isdigit() else stem
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/sections/{page_id}.html"
        self.events = f"http://127.0.0.1:{port}/__brief/events"
        self.latencies, self.rebuilds = [], []
        self.process = subprocess.Popen([brief, "serve", "--root", site, "--port", str(port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self.read_log, daemon=True).start()

    def read_log(self):
        for line in self.process.stderr:
            built = re.search(r"^built .* in (\d+) ms", line)
            if built:
                self.rebuilds.append(int(built.group(1)))

    def wait_up(self):
        deadline = time.time() + 120
        while "<html" not in fetch(self.url):
            if time.time() > deadline:
                sys.exit(f"{self.brief} serve did not come up")
            time.sleep(0.05)

    def edit(self, word):
        """Appends `word` to the first section; returns ms until the page holds it."""
        version = json.loads(fetch(self.events))["version"]
        with open(self.first, "a") as f:
            f.write(f"\n\n{word}\n")
        started = time.perf_counter()
        while word not in fetch(self.url):
            if busy:
                time.sleep(0.002)
                continue
            status = fetch(f"{self.events}?since={version}")
            version = json.loads(status)["version"] if status else version
        return (time.perf_counter() - started) * 1000

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.work, ignore_errors=True)


servers = [Server(b) for b in binaries]
try:
    for server in servers:
        server.wait_up()
    for i in range(rounds):
        for server in servers:
            server.latencies.append(server.edit(f"edited{i}x{time.time_ns()}"))
            time.sleep(0.5)
    for server in servers:
        name = server.brief if len(servers) > 1 else "median"
        rebuilt = server.rebuilds[1:]  # the first is the build before serving
        print(" ".join(f"{x:.0f}" for x in server.latencies))
        print(f"{name} edit-to-served: {statistics.median(server.latencies):.0f} ms over {rounds} edits"
              + (f"; rebuild alone {statistics.median(rebuilt):.0f} ms" if rebuilt else ""))
finally:
    for server in servers:
        server.stop()
