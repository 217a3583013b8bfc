#!/usr/bin/env bash
# Build benchmark: brief (with the stock theme, and with a site's own
# base.html that adds one line) against Hugo and mdBook on the same generated
# corpus, plus two floors — the bare parse + highlight + write of the same pages
# (examples/floor.rs) and copying brief's output — alternating the tools in
# every round so background noise hits them alike. Every tool writes into an
# empty folder (the previous round's output is removed outside the timing).
#
# Usage: bench/run.sh [N ...]            default: 1000 10000
# Env:   ROUNDS (default 5), WORK (default /dev/shm/brief-bench; a RAM disk),
#        SKIP_MDBOOK_ABOVE (default 5000: mdBook takes minutes beyond it),
#        AGAINST (a checkout of another revision of brief, e.g. a git worktree:
#        its release build runs in every round too, as "other", with a
#        base.html of its own made from its templates)
# Needs: hugo (Debian package), mdbook (cargo install mdbook), GNU time.
# Prints a Markdown table of medians: wall time, user+sys, peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
WORK=${WORK:-/dev/shm/brief-bench}
SKIP_MDBOOK_ABOVE=${SKIP_MDBOOK_ABOVE:-5000}
SIZES=("$@"); [ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)

cargo build --quiet --release --bin brief --example corpus --example floor
BRIEF=$PWD/target/release/brief
OTHER=
if [ -n "${AGAINST:-}" ]; then
  (cd "$AGAINST" && cargo build --quiet --release --bin brief)
  OTHER=$AGAINST/target/release/brief
fi
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"

measure() { # measure N TOOL COMMAND...
  local n=$1 tool=$2; shift 2
  local t; t=$(mktemp)
  if /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>&1; then
    read -r wall user sys rss <"$t"
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$wall" "$(echo "$user + $sys" | bc)" "$rss" >>"$RESULTS"
  else
    echo "warning: $tool failed at N=$n" >&2
  fi
  rm -f "$t"
}

own_base() { # own_base TEMPLATES SITE: corpus's brief site, its base.html from TEMPLATES with one line more
  rm -rf "$2"; cp -r "$corpus/brief" "$2"; mkdir -p "$2/templates"
  sed 's|<footer class="site-footer">|<footer class="site-footer"><p class="local">Internal briefing</p>|' \
    "$1/base.html" > "$2/templates/base.html"
}

for n in "${SIZES[@]}"; do
  corpus="$WORK/corpus-$n"
  target/release/examples/corpus "$n" "$corpus"
  "$BRIEF" build --quiet --force --root "$corpus/brief" --out "$WORK/ref-$n"   # the output the copy floor copies
  # The same site with a base.html of its own: one line more in every page.
  own_base templates "$corpus/brief-custom"
  [ -z "$OTHER" ] || own_base "$AGAINST/templates" "$corpus/brief-other-custom"
  for round in $(seq "$ROUNDS"); do
    rm -rf "$WORK/out-brief"; measure "$n" brief "$BRIEF" build --quiet --root "$corpus/brief" --out "$WORK/out-brief"
    rm -rf "$WORK/out-brief"; measure "$n" "brief, own base.html" "$BRIEF" build --quiet --root "$corpus/brief-custom" --out "$WORK/out-brief"
    if [ -n "$OTHER" ]; then
      rm -rf "$WORK/out-brief"; measure "$n" other "$OTHER" build --quiet --root "$corpus/brief" --out "$WORK/out-brief"
      rm -rf "$WORK/out-brief"; measure "$n" "other, own base.html" "$OTHER" build --quiet --root "$corpus/brief-other-custom" --out "$WORK/out-brief"
    fi
    if command -v hugo >/dev/null; then
      rm -rf "$WORK/out-hugo"; measure "$n" hugo hugo --quiet -s "$corpus/hugo" -d "$WORK/out-hugo"
    fi
    if command -v mdbook >/dev/null && [ "$n" -le "$SKIP_MDBOOK_ABOVE" ]; then
      rm -rf "$WORK/out-mdbook"; measure "$n" mdbook mdbook build "$corpus/mdbook" -d "$WORK/out-mdbook"
    fi
    measure "$n" floor target/release/examples/floor "$corpus/brief/content" "$WORK/out-floor"
    rm -rf "$WORK/out-copy"; measure "$n" copy cp -r "$WORK/ref-$n" "$WORK/out-copy"
    echo "N=$n round $round done" >&2
  done
  measure "$n" "brief check" "$BRIEF" check --quiet --root "$corpus/brief"
done

python3 - "$RESULTS" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    n, tool, wall, cpu, rss = line.split('\t')
    rows[(int(n), tool)].append((float(wall), float(cpu), int(rss)))
print("| N | tool | runs | median wall (s) | median user+sys (s) | median peak RSS (MB) |")
print("|---:|---|---:|---:|---:|---:|")
for (n, tool), runs in sorted(rows.items()):
    med = lambda i: statistics.median(r[i] for r in runs)
    print(f"| {n} | {tool} | {len(runs)} | {med(0):.2f} | {med(1):.2f} | {med(2)/1024:.0f} |")
PY
