#!/usr/bin/env python3
"""Whole-process throughput of tracekit's commands on a big input, beside the peers installed.

    tests/bench/perf.py [--mb 1000] [--reps 3] [--before OLD_BIN] [--only REGEX] [--dir DIR]

Generates (once, kept in DIR, default /tmp/tracekit-perf) about MB megabytes of OTLP JSON lines
with `tracekit synth`, and the same spans (same seed) as Jaeger JSON, Zipkin v2 JSON, OTLP
protobuf, Jaeger Thrift and gzip-compressed JSON lines. Then runs each row's command REPS times,
rows alternated within each repetition (so a busy spell of the machine spreads over all rows),
and prints a Markdown table of medians: wall seconds, MB/s (input bytes, 10^6, over wall
seconds), CPU seconds (user + system of the process and its threads), peak RSS.

With --before OLD_BIN (e.g. a release build of an earlier commit), each tracekit row also runs
the old binary, alternated with the new one, and the table gains its median and the speedup;
the two binaries' stdout are compared byte for byte on every run (column "same": the faster
path must give the same answer). Peers, when found: jq (JSON lines), DuckDB and polars (Python
modules, e.g. from a venv given with --python). Peers compute the same numbers as
`stats --group-by operation` (count and nearest-rank P95 of span durations per service and
span name), to compare like with like; their answers are not checked.

Needs python3 3.9+, and a release build (`cargo build --release`; --bin to name another).
No timing is asserted anywhere: this prints figures for people.
"""

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The same numbers as `stats --group-by operation` (count, nearest-rank P95 per service and name).
JQ_STATS = r"""
[inputs | .resourceSpans[]
  | ([.resource.attributes[]? | select(.key == "service.name") | .value.stringValue][0]) as $svc
  | .scopeSpans[].spans[]
  | [($svc + " " + .name), ((.endTimeUnixNano | tonumber) - (.startTimeUnixNano | tonumber))]]
| group_by(.[0])
| map([.[0][0], (map(.[1]) | sort | {n: length, p95: .[((length * 0.95) | ceil) - 1]})])
"""

DUCKDB_STATS = r"""
import duckdb, sys
q = '''
with rs as (select unnest(resourceSpans) as r from read_json(?, format='newline_delimited',
            maximum_object_size=1073741824)),
     sp as (select list_filter(r.resource.attributes, lambda a: a.key = 'service.name')[1].value.stringValue as svc,
                   unnest(flatten(list_transform(r.scopeSpans, lambda s: s.spans))) as s from rs)
select svc, s.name, count(*) as n,
       quantile_disc(cast(s.endTimeUnixNano as hugeint) - cast(s.startTimeUnixNano as hugeint), 0.95) as p95
from sp group by all order by all
'''
for row in duckdb.execute(q, [sys.argv[1]]).fetchall():
    print(*row)
"""

POLARS_STATS = r"""
import polars as pl, sys
df = (pl.scan_ndjson(sys.argv[1], infer_schema_length=1000)
      .explode("resourceSpans").select(pl.col("resourceSpans").struct.field("resource").alias("res"),
                                        pl.col("resourceSpans").struct.field("scopeSpans").alias("ss"))
      .with_columns(pl.col("res").struct.field("attributes").list.eval(
          pl.element().filter(pl.element().struct.field("key") == "service.name")
          .struct.field("value").struct.field("stringValue")).list.first().alias("svc"))
      .explode("ss").select("svc", pl.col("ss").struct.field("spans").alias("sp"))
      .explode("sp").select("svc", pl.col("sp").struct.field("name").alias("name"),
          (pl.col("sp").struct.field("endTimeUnixNano").cast(pl.Int64)
           - pl.col("sp").struct.field("startTimeUnixNano").cast(pl.Int64)).alias("d"))
      .group_by("svc", "name").agg(pl.len().alias("n"), pl.col("d").sort()
          .gather(((pl.len() * 0.95).ceil() - 1).cast(pl.Int64)).first().alias("p95"))
      .sort("svc", "name").collect())
print(df)
"""


def run(argv, stdout_path, env=None):
    """Run argv; return (wall s, cpu s, peak RSS MiB, exit code, sha256 of stdout)."""
    with open(stdout_path, "wb") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                             env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    h = hashlib.sha256()
    with open(stdout_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, rc, h.hexdigest()


def generate(binary, d, mb):
    """The inputs, generated once: the same spans in every format."""
    os.makedirs(d, exist_ok=True)
    probe = os.path.join(d, "probe.jsonl")
    subprocess.run([binary, "synth", "-n", "200", "--seed", "7", "-o", probe], check=True)
    per_trace = os.path.getsize(probe) / 200
    os.remove(probe)
    n = max(1, int(mb * 1e6 / per_trace))
    files = {
        "otlp-jsonl": "spans.otlp.jsonl",
        "jaeger": "spans.jaeger.json",
        "zipkin": "spans.zipkin.json",
        "otlp-proto": "spans.otlp.pb",
        "jaeger-thrift": "spans.thrift",
    }
    paths = {}
    for to, name in files.items():
        path = os.path.join(d, f"{n}-{name}")
        if not os.path.exists(path):
            print(f"generating {path}", file=sys.stderr)
            tmp = path + ".tmp"
            subprocess.run([binary, "synth", "-q", "-n", str(n), "--seed", "7", "--to", to,
                            "-o", tmp], check=True)
            os.replace(tmp, path)
        paths[to] = path
    gz = paths["otlp-jsonl"] + ".gz"
    if not os.path.exists(gz):
        print(f"generating {gz}", file=sys.stderr)
        with open(gz + ".tmp", "wb") as out:
            subprocess.run(["gzip", "-c", "-6", paths["otlp-jsonl"]], stdout=out, check=True)
        os.replace(gz + ".tmp", gz)
    paths["otlp-jsonl.gz"] = gz
    return paths


def middle_trace_id(path):
    """A trace id from the middle of a JSON lines file (what `show --trace` looks up)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        f.seek(size // 2)
        f.readline()
        line = f.readline().decode()
    m = re.search(r'"traceId":"([0-9a-f]{32})"', line)
    return m.group(1)


def rows(paths, trace_id):
    """(label, input key, tracekit args, env) for each tracekit row."""
    j = paths["otlp-jsonl"]
    one = {"RAYON_NUM_THREADS": "1"}
    return [
        ("stats --group-by operation", "otlp-jsonl", ["stats", "--group-by", "operation", "--format", "json", j], {}),
        ("stats, 1 thread", "otlp-jsonl", ["stats", "--group-by", "operation", "--format", "json", j], one),
        ("show --trace ID", "otlp-jsonl", ["show", j, "--trace", trace_id, "--format", "json"], {}),
        ("check", "otlp-jsonl", ["check", "--format", "json", j], {}),
        ("skew", "otlp-jsonl", ["skew", "--format", "json", j], {}),
        ("lint", "otlp-jsonl", ["lint", "--format", "json", j], {}),
        ("critical-path --aggregate", "otlp-jsonl", ["critical-path", "--aggregate", "--format", "json", j], {}),
        ("stats, gzip", "otlp-jsonl.gz", ["stats", "--group-by", "operation", "--format", "json", paths["otlp-jsonl.gz"]], {}),
        ("stats, Jaeger JSON", "jaeger", ["stats", "--group-by", "operation", "--format", "json", paths["jaeger"]], {}),
        ("stats, Zipkin v2 JSON", "zipkin", ["stats", "--group-by", "operation", "--format", "json", paths["zipkin"]], {}),
        ("stats, OTLP protobuf", "otlp-proto", ["stats", "--group-by", "operation", "--format", "json", paths["otlp-proto"]], {}),
        ("stats, Jaeger Thrift", "jaeger-thrift", ["stats", "--group-by", "operation", "--format", "json", paths["jaeger-thrift"]], {}),
    ]


def peers(paths, trace_id, python):
    j = paths["otlp-jsonl"]
    out = []
    if shutil.which("grep"):
        out.append(("grep -F ID", "otlp-jsonl", ["grep", "-F", trace_id, j]))
    if shutil.which("jq"):
        out.append(("jq (stats by operation)", "otlp-jsonl", ["jq", "-n", "-c", JQ_STATS, j]))
    for name, code in (("duckdb", DUCKDB_STATS), ("polars", POLARS_STATS)):
        ok = subprocess.run([python, "-c", f"import {name}"], capture_output=True).returncode == 0
        if ok:
            out.append((f"{name} (stats by operation)", "otlp-jsonl", [python, "-c", code, j]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=1000, help="size of the JSON lines input, MB")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/tracekit-perf")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/tracekit"))
    ap.add_argument("--before", help="an older tracekit binary to compare with")
    ap.add_argument("--only", default=".", help="regex of row labels to run")
    ap.add_argument("--python", default=sys.executable, help="the Python with duckdb/polars")
    ap.add_argument("--no-peers", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(a.bin):
        sys.exit(f"{a.bin} not found: cargo build --release (or --bin)")
    paths = generate(a.bin, a.dir, a.mb)
    trace_id = middle_trace_id(paths["otlp-jsonl"])
    only = re.compile(a.only)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACEKIT_")}
    base_env["NO_COLOR"] = "1"

    jobs = []  # (label, key, side, argv, env)
    for label, key, args, env in rows(paths, trace_id):
        if not only.search(label):
            continue
        e = dict(base_env, **env)
        jobs.append((label, key, "new", [a.bin, "--quiet", *args], e))
        if a.before:
            jobs.append((label, key, "old", [a.before, "--quiet", *args], e))
    if not a.no_peers:
        for label, key, argv in peers(paths, trace_id, a.python):
            if only.search(label):
                jobs.append((label, key, "peer", argv, base_env))

    results = {}
    tmp = tempfile.mkdtemp()
    try:
        for rep in range(a.reps):
            for label, key, side, argv, env in jobs:
                r = run(argv, os.path.join(tmp, "out"), env)
                results.setdefault((label, side), []).append(r)
                print(f"rep {rep + 1}/{a.reps} {side:4} {label}: {r[0]:.2f} s, "
                      f"{r[2]:.0f} MiB, exit {r[3]}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp)

    def med(label, side, i):
        return statistics.median(r[i] for r in results[(label, side)])

    print(f"\nInput: {paths['otlp-jsonl']} ({os.path.getsize(paths['otlp-jsonl']) / 1e6:,.0f} MB); "
          f"{os.cpu_count()} CPUs; medians of {a.reps}.\n")
    head = "| command | input MB | wall s | MB/s | CPU s | peak RSS MiB | exit |"
    sep = "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    if a.before:
        head += " before s | before RSS MiB | speedup | same output |"
        sep += " ---: | ---: | ---: | --- |"
    print(head)
    print(sep)
    seen = []
    for label, key, side, _, _ in jobs:
        if side == "old" or (label, side) in seen:
            continue
        seen.append((label, side))
        mb = os.path.getsize(paths[key]) / 1e6
        wall = med(label, side, 0)
        exits = sorted({r[3] for r in results[(label, side)]})
        line = (f"| {label} | {mb:,.0f} | {wall:.2f} | {mb / wall:,.0f} | {med(label, side, 1):.2f} | "
                f"{med(label, side, 2):,.0f} | {','.join(map(str, exits))} |")
        if a.before:
            if side == "new":
                old = med(label, "old", 0)
                same = all(n[4] == o[4] for n, o in zip(results[(label, "new")], results[(label, "old")]))
                line += (f" {old:.2f} | {med(label, 'old', 2):,.0f} | {old / wall:.2f}× | "
                         f"{'yes' if same else '**no**'} |")
            else:
                line += " | | | |"
        print(line)


if __name__ == "__main__":
    main()
