#!/usr/bin/env python3
"""Big OTLP/JSON traces for the memory measurements (tests/bench/memory.sh).

Python 3 standard library only. Every file is JSON lines: one `TracesData` document per line,
each holding one `ResourceSpans` of at most --batch spans (as the Collector's file exporter
writes them). Spans have two attributes and cycle through four services and 50 operation names.

    big_traces.py fan N OUT          one trace: a root with N children (N + 1 spans)
    big_traces.py chain N OUT        one trace: a parent chain of depth N (N spans)
    big_traces.py chain-pair N DIR   DIR/base.otlp.jsonl and DIR/cand.otlp.jsonl: two chains of
                                     depth N that differ slightly (durations of every 97th span
                                     doubled, one operation renamed, the deepest span dropped)
"""

import argparse
import json
import os
import sys

SERVICES = ["frontend", "checkout", "payment", "inventory"]
BASE_NS = 1_768_471_200_000_000_000


def span_json(trace_id, i, parent, name, start, end, attrs):
    s = {
        "traceId": trace_id,
        "spanId": "%016x" % (i + 1),
        "name": name,
        "kind": 2 if parent is None else 3,
        "startTimeUnixNano": str(BASE_NS + start),
        "endTimeUnixNano": str(BASE_NS + end),
        "attributes": [
            {"key": "http.request.method", "value": {"stringValue": "GET"}},
            {"key": "peer.index", "value": {"intValue": str(i % 1000)}},
        ]
        + attrs,
    }
    if parent is not None:
        s["parentSpanId"] = "%016x" % (parent + 1)
    return s


def write_batches(path, spans, batch):
    """`spans` yields (service index, span dict); consecutive spans of one service share a line."""
    with open(path, "w", encoding="utf-8") as f:
        cur, buf = None, []

        def flush():
            if not buf:
                return
            doc = {
                "resourceSpans": [
                    {
                        "resource": {
                            "attributes": [
                                {"key": "service.name", "value": {"stringValue": SERVICES[cur]}}
                            ]
                        },
                        "scopeSpans": [{"scope": {"name": "bench"}, "spans": buf}],
                    }
                ]
            }
            f.write(json.dumps(doc, separators=(",", ":")))
            f.write("\n")

        for svc, s in spans:
            if svc != cur or len(buf) >= batch:
                flush()
                cur, buf = svc, []
            buf.append(s)
        flush()


def fan(n, trace_id):
    # The root spans all children; children run one after the other (10 ns apart, 8 ns long).
    yield 0, span_json(trace_id, 0, None, "GET /fan", 0, 10 * n + 10, [])
    for k in range(n):
        i = k + 1
        start = 1 + 10 * k
        yield (i // 5000) % len(SERVICES), span_json(
            trace_id, i, 0, "op-%d" % (i % 50), start, start + 8, []
        )


def chain(n, trace_id, variant=False):
    # Span i is the parent of span i + 1; each one starts 1 ns after its parent and ends 1 ns
    # before it, so the chain nests strictly. The variant doubles every 97th span's own tail,
    # renames one operation and stops one level short.
    depth = n - 1 if variant else n
    for i in range(depth):
        start = i
        end = 2 * n - i
        if variant and i % 97 == 0:
            end += 1
        name = "op-%d" % (i % 50)
        if variant and i == n // 2:
            name = "op-renamed"
        yield (i // 5000) % len(SERVICES), span_json(
            trace_id, i, None if i == 0 else i - 1, name, start, end, []
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shape", choices=["fan", "chain", "chain-pair"])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--batch", type=int, default=5000, help="spans per line (default 5000)")
    a = ap.parse_args()
    if a.n < 1:
        sys.exit("N must be at least 1")
    tid = "4bf92f3577b34da6a3ce929d0e0e4736"
    if a.shape == "fan":
        write_batches(a.out, fan(a.n, tid), a.batch)
    elif a.shape == "chain":
        write_batches(a.out, chain(a.n, tid), a.batch)
    else:
        os.makedirs(a.out, exist_ok=True)
        write_batches(os.path.join(a.out, "base.otlp.jsonl"), chain(a.n, tid), a.batch)
        write_batches(os.path.join(a.out, "cand.otlp.jsonl"), chain(a.n, tid, True), a.batch)


if __name__ == "__main__":
    main()
