#!/usr/bin/env python3
"""Size figures for src/: files over 600 lines, functions over 80 lines, the longest ones.

Production code only: a file's `#[cfg(test)]` tail and files named tests.rs or under a
tests/ folder are left out. Braces are counted outside string and char literals and line
comments (raw strings spanning lines are not understood; good enough for sizes).
Usage: python3 tests/tools/code_metrics.py [--top N] [SRC_DIR]
"""
import os
import re
import sys

LITERALS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)\'|//.*$')
FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def production_lines(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        if line.strip() == "#[cfg(test)]":
            return lines[:i]
    return lines


def functions(lines):
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m or line.rstrip().endswith(";"):
            continue
        depth, started = 0, False
        for j in range(i, len(lines)):
            for ch in LITERALS.sub("", lines[j]):
                if ch == "{":
                    depth += 1
                    started = True
                elif ch == "}":
                    depth -= 1
            if started and depth == 0:
                yield m.group(6), i + 1, j - i + 1
                break


def main():
    args = sys.argv[1:]
    top = 10
    if args[:1] == ["--top"]:
        top = int(args[1])
        args = args[2:]
    root = args[0] if args else "src"
    files, fns = [], []
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            if not name.endswith(".rs") or name == "tests.rs" or "/tests/" in path:
                continue
            lines = production_lines(path)
            total = len(open(path, encoding="utf-8").read().split("\n"))
            files.append((total, path))
            fns.extend((n, path, line, name) for name, line, n in functions(lines))
    fns.sort(reverse=True)
    files.sort(reverse=True)
    print(f"files: {len(files)}; over 600 lines: {sum(1 for n, _ in files if n > 600)}")
    print(f"functions: {len(fns)}; over 80 lines: {sum(1 for f in fns if f[0] > 80)}")
    print(f"longest function: {fns[0][0]} lines")
    for n, path, line, name in fns[:top]:
        print(f"  {n:4} {path}:{line} {name}")
    print("files over 600 lines:")
    for n, path in files:
        if n > 600:
            print(f"  {n:5} {path}")


if __name__ == "__main__":
    main()
