#!/usr/bin/env python3
"""Independent facts about every sample under tests/data, for tests/cli/samples.rs.

This script does NOT use tracekit. It decodes each file with the Python standard library only
(json; a small protobuf varint walker for OTLP protobuf; a small Thrift compact walker for the
Jaeger agent datagrams) following the model conventions of the brief, and prints, per file: the
span count, the trace count, and every span as
    trace_id span_id parent service kind status start_ns duration_ns shared name
The constants in tests/cli/samples.rs and tests/cli/cross_format.rs were copied from its output.

    python3 tests/tools/sample_facts.py [--json] [FILE...]   (default: every sample)

Conventions applied (the same ones the readers follow):
- times in integer ns; Jaeger/Zipkin microseconds x 1000;
- 64-bit trace ids are zero-padded to 32 hex digits;
- OTLP kind/status from the enum (integer or name); Jaeger kind from the `span.kind` tag and
  status from `error` (true or "true") / `otel.status_code`; Zipkin status Error when the `error`
  tag is present, else from `otel.status_code`;
- Jaeger parent: first CHILD_OF reference with the same trace id, else first FOLLOWS_FROM with
  the same trace id, else (JSON only) `parentSpanID`; Thrift: `parentSpanId` when non-zero, else
  the references as for JSON;
- Zipkin shared client/server halves are two spans, the server half flagged `shared`.
"""

import base64
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.normpath(os.path.join(HERE, "..", "data"))

KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"]
STATUS = ["unset", "ok", "error"]


def span(trace, sid, parent, service, name, kind, status, start, dur, shared=False):
    return dict(trace=trace, span=sid, parent=parent, service=service, name=name, kind=kind,
                status=status, start=start, dur=dur, shared=shared)


def is_hex(s):
    return len(s) > 0 and all(c in "0123456789abcdefABCDEF" for c in s)


def id_hex(s, width):
    """OTLP/Tempo id: hex (any case) or base64; '' or zero = absent."""
    if s is None or s == "":
        return None
    if is_hex(s) and len(s) <= width:
        v = int(s, 16)
    else:
        b = base64.b64decode(s + "=" * (-len(s) % 4), altchars=b"-_" if ("-" in s or "_" in s) else None)
        v = int.from_bytes(b, "big")
    if v == 0:
        return None
    return format(v, "0%dx" % width)


def kind_name(k):
    if k is None:
        return "unspecified"
    if isinstance(k, int):
        return KINDS[k]
    k = k.lower()
    if k.startswith("span_kind_"):
        k = k[len("span_kind_"):]
    return k or "unspecified"


def status_name(c):
    if c is None:
        return "unset"
    if isinstance(c, int):
        return STATUS[c]
    c = c.lower()
    if c.startswith("status_code_"):
        c = c[len("status_code_"):]
    return c or "unset"


# ---------------------------------------------------------------- OTLP JSON (+ Tempo, api_v3)

def otlp_resource_spans(doc):
    if "resourceSpans" in doc:
        return doc["resourceSpans"] or []
    if "resource_spans" in doc:
        return doc["resource_spans"] or []
    if "batches" in doc:
        return doc["batches"] or []
    if "trace" in doc:
        return otlp_resource_spans(doc["trace"] or {})
    if "result" in doc:
        return otlp_resource_spans(doc["result"] or {})
    return []


def otlp_json_doc(doc, out):
    for rs in otlp_resource_spans(doc):
        service = ""
        for kv in (rs.get("resource") or {}).get("attributes") or []:
            if kv["key"] == "service.name":
                service = kv["value"].get("stringValue", "")
        for ss in (rs.get("scopeSpans") or rs.get("instrumentationLibrarySpans") or []):
            for s in ss.get("spans") or []:
                start = int(s.get("startTimeUnixNano", 0))
                end = int(s.get("endTimeUnixNano", 0))
                out.append(span(
                    id_hex(s["traceId"], 32), id_hex(s["spanId"], 16),
                    id_hex(s.get("parentSpanId"), 16), service, s.get("name", ""),
                    kind_name(s.get("kind")), status_name((s.get("status") or {}).get("code")),
                    start, end - start))


def otlp_json(text):
    out = []
    stripped = text.strip()
    try:
        docs = [json.loads(stripped)]
    except json.JSONDecodeError:
        docs = [json.loads(line) for line in stripped.splitlines() if line.strip()]
    for d in docs:
        otlp_json_doc(d, out)
    return out


# ---------------------------------------------------------------- OTLP protobuf

def varint(b, i):
    shift = 0
    v = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def pb_fields(b):
    """Walk one message: list of (field number, wire type, value)."""
    i = 0
    out = []
    while i < len(b):
        key, i = varint(b, i)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            v = struct.unpack_from("<Q", b, i)[0]
            i += 8
        elif wt == 2:
            n, i = varint(b, i)
            v = b[i:i + n]
            i += n
        elif wt == 5:
            v = struct.unpack_from("<I", b, i)[0]
            i += 4
        else:
            raise ValueError("wire type %d" % wt)
        out.append((f, wt, v))
    return out


def pb_get(fields, n):
    return [v for (f, _, v) in fields if f == n]


def otlp_pb_message(msg, out):
    for rs in pb_get(pb_fields(msg), 1):
        rsf = pb_fields(rs)
        service = ""
        for res in pb_get(rsf, 1):
            for kv in pb_get(pb_fields(res), 1):
                kvf = pb_fields(kv)
                if pb_get(kvf, 1)[0].decode() == "service.name":
                    service = pb_get(pb_fields(pb_get(kvf, 2)[0]), 1)[0].decode()
        for ss in pb_get(rsf, 2):
            for sp in pb_get(pb_fields(ss), 2):
                f = pb_fields(sp)
                one = lambda n, d=None: (pb_get(f, n) or [d])[0]
                tid = one(1, b"")
                parent = one(4, b"")
                start, end = one(7, 0), one(8, 0)
                code = 0
                for st in pb_get(f, 15):
                    code = (pb_get(pb_fields(st), 3) or [0])[0]
                out.append(span(
                    format(int.from_bytes(tid, "big"), "032x"), one(2).hex(),
                    parent.hex() if parent and int.from_bytes(parent, "big") else None,
                    service, one(5, b"").decode(), KINDS[one(6, 0)], STATUS[code],
                    start, end - start))


def otlp_pb(data):
    out = []
    # Collector file exporter framing: 4-byte big-endian length per message; else one message.
    i, msgs = 0, []
    while i + 4 <= len(data):
        n = struct.unpack_from(">I", data, i)[0]
        if i + 4 + n > len(data):
            break
        msgs.append(data[i + 4:i + 4 + n])
        i += 4 + n
    if i != len(data) or not data or data[0] == 0x0A:
        msgs = [data]
    for m in msgs:
        otlp_pb_message(m, out)
    return out


# ---------------------------------------------------------------- Jaeger JSON

def jaeger_truthy(v):
    return v is True or (isinstance(v, str) and v.lower() == "true")


def jaeger_span(s, processes, out):
    tid = format(int(s["traceID"], 16), "032x")
    parent = None
    refs = s.get("references") or []
    same = [r for r in refs if int(r["traceID"], 16) == int(tid, 16)]
    for want in ("CHILD_OF", "FOLLOWS_FROM"):
        cands = [r for r in same if r["refType"] == want]
        if cands:
            parent = format(int(cands[0]["spanID"], 16), "016x")
            break
    if parent is None and s.get("parentSpanID") and int(s["parentSpanID"], 16):
        parent = format(int(s["parentSpanID"], 16), "016x")
    kind, status = "unspecified", "unset"
    for t in s.get("tags") or []:
        if t["key"] == "span.kind":
            kind = t["value"] or "unspecified"
        elif t["key"] == "error" and jaeger_truthy(t["value"]):
            status = "error"
        elif t["key"] == "otel.status_code":
            status = status_name(t["value"])
    proc = s.get("process") or processes.get(s.get("processID"), {})
    out.append(span(tid, format(int(s["spanID"], 16), "016x"), parent, proc.get("serviceName", ""),
                    s.get("operationName", ""), kind, status,
                    s["startTime"] * 1000, s["duration"] * 1000))


def jaeger_json(doc):
    out = []
    if isinstance(doc, dict) and "data" in doc:
        traces = doc["data"] or []
    elif isinstance(doc, dict):
        traces = [doc]
    else:
        traces = doc
    for t in traces:
        for s in t["spans"]:
            jaeger_span(s, t.get("processes") or {}, out)
    return out


# ---------------------------------------------------------------- Zipkin v1 / v2 JSON

V1_CORE = {"cs": "client", "cr": "client", "sr": "server", "ss": "server",
           "ms": "producer", "mr": "consumer"}


def zipkin_status(tags):
    if "error" in tags:
        return "error"
    return status_name(tags.get("otel.status_code"))


def zipkin_v2_span(s):
    tags = s.get("tags") or {}
    return span(format(int(s["traceId"], 16), "032x"), s["id"],
                s.get("parentId") if s.get("parentId") and int(s["parentId"], 16) else None,
                (s.get("localEndpoint") or {}).get("serviceName", ""), s.get("name", ""),
                (s.get("kind") or "unspecified").lower(), zipkin_status(tags),
                s.get("timestamp", 0) * 1000, s.get("duration", 0) * 1000, bool(s.get("shared")))


def zipkin_v1_span(s):
    kind, service = "unspecified", ""
    for a in s.get("annotations") or []:
        if a["value"] in V1_CORE:
            kind = V1_CORE[a["value"]]
            service = (a.get("endpoint") or {}).get("serviceName", "")
    tags = {b["key"]: b["value"] for b in s.get("binaryAnnotations") or []}
    return span(format(int(s["traceId"], 16), "032x"), s["id"], s.get("parentId"), service,
                s.get("name", ""), kind, zipkin_status(tags),
                s.get("timestamp", 0) * 1000, s.get("duration", 0) * 1000)


def zipkin_json(doc):
    out = []
    flat = []
    for x in doc:
        flat.extend(x if isinstance(x, list) else [x])
    for s in flat:
        v1 = "binaryAnnotations" in s or any(
            "endpoint" in a for a in s.get("annotations") or [])
        out.append(zipkin_v1_span(s) if v1 else zipkin_v2_span(s))
    return out


# ---------------------------------------------------------------- Jaeger Thrift (compact)

class Compact:
    def __init__(self, b):
        self.b = b
        self.i = 0

    def byte(self):
        c = self.b[self.i]
        self.i += 1
        return c

    def uvar(self):
        v, self.i = varint(self.b, self.i)
        return v

    def zz(self):
        v = self.uvar()
        return (v >> 1) ^ -(v & 1)

    def value(self, t):
        if t in (1, 2):            # bool as a field (value in the type nibble)
            return t == 1
        if t == 3:
            return struct.unpack("b", bytes([self.byte()]))[0]
        if t in (4, 5, 6):
            return self.zz()
        if t == 7:
            v = struct.unpack_from("<d", self.b, self.i)[0]
            self.i += 8
            return v
        if t == 8:
            n = self.uvar()
            v = self.b[self.i:self.i + n]
            self.i += n
            return v
        if t in (9, 10):
            h = self.byte()
            n, et = h >> 4, h & 15
            if n == 15:
                n = self.uvar()
            if et in (1, 2):
                return [self.byte() == 1 for _ in range(n)]
            return [self.value(et) for _ in range(n)]
        if t == 12:
            return self.struct()
        raise ValueError("compact type %d" % t)

    def struct(self):
        fields = {}
        last = 0
        while True:
            h = self.byte()
            if h == 0:
                return fields
            delta, t = h >> 4, h & 15
            fid = last + delta if delta else self.zz()
            last = fid
            fields[fid] = self.value(t)


def u64(v):
    return v & 0xFFFFFFFFFFFFFFFF


def thrift_span(s, service, out):
    tid = format((u64(s.get(2, 0)) << 64) | u64(s[1]), "032x")
    parent = u64(s.get(4, 0))
    if not parent:
        refs = [r for r in s.get(6, []) if (u64(r.get(3, 0)) << 64 | u64(r[2])) == int(tid, 16)]
        for want in (0, 1):  # CHILD_OF, FOLLOWS_FROM
            c = [r for r in refs if r[1] == want]
            if c:
                parent = u64(c[0][4])
                break
    kind, status = "unspecified", "unset"
    for t in s.get(10, []):
        key = t[1].decode()
        sval = t.get(3, b"").decode() if isinstance(t.get(3), bytes) else None
        if key == "span.kind":
            kind = sval
        elif key == "error" and (t.get(5) is True or sval == "true"):
            status = "error"
    out.append(span(tid, format(u64(s[3]), "016x"), format(parent, "016x") if parent else None,
                    service, s[5].decode(), kind, status, s[8] * 1000, s[9] * 1000))


def jaeger_thrift_bin(data):
    c = Compact(data)
    assert c.byte() == 0x82
    c.byte()          # version and message type
    c.uvar()          # sequence id
    c.value(8)        # method name
    args = c.struct()
    batch = args[1]
    service = batch[1][1].decode()
    out = []
    for s in batch[2]:
        thrift_span(s, service, out)
    return out


def jaeger_thrift_decoded(doc):
    out = []
    for m in doc:
        b = m["batch"]
        service = b["process"]["serviceName"]
        for s in b["spans"]:
            st = {1: s["traceIdLow"], 2: s["traceIdHigh"], 3: s["spanId"], 4: s["parentSpanId"],
                  5: s["operationName"].encode(), 8: s["startTime"], 9: s["duration"],
                  6: [{1: r["refType"], 2: r["traceIdLow"], 3: r["traceIdHigh"], 4: r["spanId"]}
                      for r in s.get("references") or []],
                  10: [{1: t["key"].encode(), 3: (t.get("vStr") or "").encode(), 5: t.get("vBool")}
                       for t in s.get("tags") or []]}
            thrift_span(st, service, out)
    return out


# ---------------------------------------------------------------- dispatch

def decode(path):
    data = open(path, "rb").read()
    head = data.lstrip()[:1]
    if head == b"\x82":
        return "jaeger-thrift", jaeger_thrift_bin(data)
    if head not in (b"{", b"["):
        return "otlp-proto", otlp_pb(data)
    text = data.decode("utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return "otlp-json", otlp_json(text)
    if isinstance(doc, list):
        first = doc[0] if doc else {}
        if isinstance(first, list):
            return "zipkin", zipkin_json(doc)
        if "batch" in first:
            return "jaeger-thrift", jaeger_thrift_decoded(doc)
        if "spans" in first:
            return "jaeger", jaeger_json(doc)
        return "zipkin", zipkin_json(doc)
    if "data" in doc or "processes" in doc:
        return "jaeger", jaeger_json(doc)
    if "batches" in doc or "trace" in doc:
        return "tempo", otlp_json(text)
    return "otlp-json", otlp_json(text)


TRACE_FILES = [
    # (path under samples/): every file that holds spans (the others are checked as rejects)
    "jaeger-apiv3_gettrace-response_snapshot.json",
    "jaeger-ui-json_api-traces-response_otlp2jaeger-out.json",
    "jaeger-ui-json_trace-object_ui_01.json",
    "otlp-json_jaeger-ui_otlp2jaeger-in.json",
    "otlp-json_otel-proto-example_trace.json",
    "otlp-jsonl_jaeger-ui_multi-in.jsonl",
    "otlp-protobuf_TracesData_from-otel-proto-example.binpb",
    "otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb",
    "tempo-v1-batches_tempopb_trace.json",
    "tempo-v1-style_DERIVED_base64-ids_enum-names.json",
    "zipkin-v1_span_from-zipkin-encoder-test.json",
    "zipkin-v2_messaging-128bit.json",
    "zipkin-v2_skew.json",
    "zipkin-v2_smartthings-oauth-authorization_175spans.json",
    "zipkin-v2_yelp.json",
    "generated/jaeger-thrift/jaeger-client-emitBatch-decoded.json",
    "generated/jaeger-thrift/jaeger-client-udp-emitBatch-1.bin",
    "generated/jaeger-thrift/jaeger-client-udp-emitBatch-2.bin",
    "generated/jaeger-thrift/jaeger-client-udp-emitBatch-3.bin",
    "generated/otlp-json/otel-python-file-exporter.jsonl",
    "generated/otlp-json/otel-python-merged-resourceSpans.json",
    "generated/otlp-json/otel-python-otlp-http-json-body.json",
    "generated/zipkin-v2/otel-python-zipkin-exporter.json",
    "generated/zipkin-v2/py_zipkin-v2.json",
] + [
    "generated/backend-responses/tempo/api-%straces-%s.%s" % (v2, t, ext)
    for t in ["00000000000000003241afc70b0e852d", "00000000000000005fd2313cb180424c",
              "0000000000000000aae948beea5ddf1e", "0000000000000000f5c3b274e732dd87",
              "0cb0f836124d98d806e10d0ea1575e6a", "38c6c08e70c627fd937d19b8cb66d0da",
              "a12870d7e5dd88b5133d7422bb14b64e"]
    for (v2, ext) in [("", "json"), ("v2-", "json")]
] + [
    "generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.pb",
] + [
    "generated/backend-responses/victoriatraces/traces-%s.json" % t
    for t in ["00000000000000003241afc70b0e852d", "00000000000000005fd2313cb180424c",
              "0000000000000000aae948beea5ddf1e", "0000000000000000f5c3b274e732dd87",
              "0cb0f836124d98d806e10d0ea1575e6a", "38c6c08e70c627fd937d19b8cb66d0da",
              "a12870d7e5dd88b5133d7422bb14b64e", "notfound", "search-frontend",
              "search-op-minduration"]
]


def summary(spans):
    traces = {}
    for s in spans:
        traces.setdefault(s["trace"], []).append(s)
    roots = orphans = 0
    for ss in traces.values():
        ids = {s["span"] for s in ss}
        for s in ss:
            if s["parent"] is None:
                roots += 1
            elif s["parent"] not in ids:
                orphans += 1
    return dict(spans=len(spans), traces=len(traces), roots=roots, orphans=orphans,
                shared=sum(1 for s in spans if s["shared"]),
                errors=sum(1 for s in spans if s["status"] == "error"))


def main(argv):
    as_json = "--json" in argv
    files = [a for a in argv if a != "--json"] or TRACE_FILES
    result = {}
    for rel in files:
        path = rel if os.path.isabs(rel) else os.path.join(SAMPLES, rel)
        fmt, spans = decode(path)
        result[rel] = dict(format=fmt, summary=summary(spans), spans=spans)
    if as_json:
        json.dump(result, sys.stdout, indent=1)
        return
    for rel, r in result.items():
        s = r["summary"]
        print("== %s [%s] spans=%d traces=%d roots=%d orphans=%d shared=%d errors=%d" % (
            rel, r["format"], s["spans"], s["traces"], s["roots"], s["orphans"], s["shared"],
            s["errors"]))
        for sp in r["spans"]:
            print("  %s %s %-16s %-14s %-11s %-5s %d %d %s %r" % (
                sp["trace"], sp["span"], sp["parent"] or "-", sp["service"] or "''", sp["kind"],
                sp["status"], sp["start"], sp["dur"], "shared" if sp["shared"] else "-",
                sp["name"]))


if __name__ == "__main__":
    main(sys.argv[1:])
