#!/usr/bin/env python3
"""Lines of non-test Rust in src/: lines that are neither blank nor comments,
outside `#[cfg(test)]` modules, `tests.rs` files and the `tests/` folders
beside them.

Usage: bench/loc.py [ROOT]   (default: the repository this script is in)
Prints the total, then each file's count with --files.
"""
import glob, os, re, sys

root = next((a for a in sys.argv[1:] if not a.startswith("-")),
            os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
rows = []
for path in sorted(glob.glob(os.path.join(root, "src", "**", "*.rs"), recursive=True)):
    if path.endswith("tests.rs") or f"{os.sep}tests{os.sep}" in os.path.relpath(path, root):
        continue
    lines = open(path, encoding="utf-8").read().splitlines()
    kept, i = [], 0
    while i < len(lines):
        if lines[i].strip() == "#[cfg(test)]" and i + 1 < len(lines) \
                and re.match(r"\s*(pub(\(crate\))? )?mod \w+", lines[i + 1]):
            depth, started, i = 0, False, i + 1
            while i < len(lines):
                depth += lines[i].count("{") - lines[i].count("}")
                started = started or "{" in lines[i]
                i += 1
                if started and depth <= 0:
                    break
            continue
        kept.append(lines[i])
        i += 1
    code = sum(1 for l in kept if l.strip() and not l.strip().startswith("//"))
    rows.append((code, os.path.relpath(path, root)))
if "--files" in sys.argv:
    for code, path in sorted(rows):
        print(f"{code:6} {path}")
print(sum(code for code, _ in rows))
