#!/usr/bin/env bash
# `brief render` against bare pulldown-cmark (examples/markdown, same parser
# options) on one large Markdown file: the bodies of the first N sections of
# the generated corpus one after another, each footnote label made unique.
# Measured twice: the text as it is (a fenced code block in every tenth
# section) and the text without its code blocks, since bare pulldown-cmark
# highlights nothing. Both run in an empty folder, so `brief render` has no
# site to resolve references against.
#
# Usage: bench/render.sh [N]            default: 2000
# Env:   WORK (default /dev/shm/brief-bench), RUNS (default 30)
# Needs: hyperfine (Debian package), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
WORK=${WORK:-/dev/shm/brief-bench}
RUNS=${RUNS:-30}

cargo build --quiet --release --bin brief --example corpus --example markdown
ROOT=$PWD
corpus="$WORK/corpus-render-$N"
[ -d "$corpus" ] || target/release/examples/corpus "$N" "$corpus"
input="$WORK/render-$N"
rm -rf "$input"
mkdir -p "$input"
python3 - "$corpus/brief/content/sections" "$input" <<'EOF'
import os, re, sys
sections, out = sys.argv[1], sys.argv[2]
bodies = []
for i, name in enumerate(sorted(os.listdir(sections))):
    text = open(os.path.join(sections, name), encoding="utf-8").read()
    body = text.split("+++", 2)[2]
    bodies.append(re.sub(r"\[\^([^\]]+)\]", lambda m: f"[^s{i}-{m.group(1)}]", body))
text = "\n".join(bodies)
open(os.path.join(out, "big.md"), "w", encoding="utf-8").write(text)
nocode = re.sub(r"^```[^\n]*\n.*?^```\n", "", text, flags=re.S | re.M)
open(os.path.join(out, "big-nocode.md"), "w", encoding="utf-8").write(nocode)
EOF
cd "$input"
for file in big.md big-nocode.md; do
  echo "## $file ($(wc -c <"$file") bytes)"
  hyperfine --warmup 3 --runs "$RUNS" \
    "$ROOT/target/release/examples/markdown < $file" \
    "$ROOT/target/release/brief render - < $file"
done
