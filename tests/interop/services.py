#!/usr/bin/env python3
"""Real-producer interop run for tracekit's tests (tests/cli/interop.rs).

Four Flask services, each its own process with its own `service.name`, instrumented with the
pinned OpenTelemetry Python SDK (tests/interop/requirements-otel.txt): Flask
instrumentation for the server side, requests instrumentation for the client side, W3C trace
context propagated over loopback HTTP. Every span is exported twice:
  - by the OTLP JSON file exporter (opentelemetry-exporter-otlp-json-file) to
    OUT/otlp/<service>.jsonl, and
  - by the Zipkin v2 JSON exporter (opentelemetry-exporter-zipkin-json) to a small loopback sink
    this script runs, which stores every POST body; they are written, concatenated into one
    span list, to OUT/zipkin.json.

One request (`GET /checkout` on the frontend, sent by this script with plain urllib, so that the
frontend SERVER span is the root) gives this tree, 10 spans:

    frontend   SERVER   GET /checkout
      frontend   CLIENT   POST                 -> checkout
        checkout   SERVER   POST /orders
          checkout   INTERNAL validate-cart
          checkout   CLIENT   POST             -> payment
            payment    SERVER   POST /charge
          checkout   CLIENT   POST             -> payment (answers HTTP 500)
            payment    SERVER   POST /fraud-check   (raises; status ERROR, exception event)
      frontend   CLIENT   GET                  -> inventory
        inventory  SERVER   GET /stock/<sku>

Usage: services.py OUT_DIR [--requests N] [--timeout SECONDS] [--slow-inventory-ms MS]
                   [--without-channel]

Faults for the CI gate/diff test: --slow-inventory-ms makes inventory's GET /stock sleep that
long (a slowed dependency); --without-channel stops checkout from setting its
`app.order.channel` attribute on the POST /orders span (a missing attribute).
Writes OUT/run.json: {"requests": N, "trace_ids": [...], "spans_per_trace": 10, ...}.
Exit status 0 on success; non-zero (with a message on stderr) on any failure or timeout.
Every child process is stopped (SIGTERM, then SIGKILL) before the script returns.
"""

import argparse
import http.server
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

SPANS_PER_TRACE = 10
SERVICES = ["payment", "inventory", "checkout", "frontend"]  # start order: callees first


# ------------------------------------------------------------------------------------ a service

def serve(name, out_dir, zipkin_url, downstream, slow_inventory_ms=0, without_channel=False):
    """Run one instrumented service until SIGTERM or stdin closes; then flush and exit."""
    from flask import Flask, jsonify, request
    import requests
    from werkzeug.serving import make_server

    from opentelemetry import trace
    from opentelemetry.exporter.otlp.json.file.trace_exporter import FileSpanExporter
    from opentelemetry.exporter.zipkin.json import ZipkinExporter
    from opentelemetry.instrumentation.flask import FlaskInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({
        "service.name": name,
        "service.namespace": "tracekit-interop",
        "service.version": "1.0.0",
    }))
    provider.add_span_processor(BatchSpanProcessor(
        FileSpanExporter(path=os.path.join(out_dir, "otlp", name + ".jsonl")),
        schedule_delay_millis=200))
    provider.add_span_processor(BatchSpanProcessor(
        ZipkinExporter(endpoint=zipkin_url, timeout=5), schedule_delay_millis=200))
    trace.set_tracer_provider(provider)
    tracer = trace.get_tracer("tracekit.interop", "1.0.0")

    app = Flask(name)
    # Quiet: the expected exception of /fraud-check and werkzeug's access log are not news.
    app.logger.disabled = True
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    FlaskInstrumentor().instrument_app(app)
    # Exporters already suppress instrumentation of their own requests; excluding the sink too
    # keeps that independent of SDK internals.
    RequestsInstrumentor().instrument(excluded_urls=zipkin_url)
    http = requests.Session()

    if name == "frontend":
        @app.get("/checkout")
        def checkout():
            ctx = trace.get_current_span().get_span_context()
            order = http.post(downstream["checkout"] + "/orders", json={"sku": "A-1", "qty": 2},
                              timeout=10)
            stock = http.get(downstream["inventory"] + "/stock/A-1", timeout=10)
            return jsonify(trace_id=format(ctx.trace_id, "032x"),
                           order=order.status_code, stock=stock.status_code)

    elif name == "checkout":
        @app.post("/orders")
        def orders():
            body = request.get_json(force=True)
            if not without_channel:
                trace.get_current_span().set_attribute("app.order.channel", "web")
            with tracer.start_as_current_span("validate-cart") as span:
                span.set_attribute("cart.items", int(body.get("qty", 0)))
            charge = http.post(downstream["payment"] + "/charge", json={"cents": 1999}, timeout=10)
            fraud = http.post(downstream["payment"] + "/fraud-check", json={"cents": 1999},
                              timeout=10)
            return jsonify(charge=charge.status_code, fraud=fraud.status_code)

    elif name == "payment":
        @app.post("/charge")
        def charge():
            return jsonify(ok=True)

        @app.post("/fraud-check")
        def fraud_check():
            raise RuntimeError("fraud service unavailable")

    elif name == "inventory":
        @app.get("/stock/<sku>")
        def stock(sku):
            if slow_inventory_ms:
                time.sleep(slow_inventory_ms / 1000.0)
            return jsonify(sku=sku, count=7)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    stopping = threading.Event()

    def stop(*_):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)

    def watch_stdin():
        # The parent holds our stdin open; when it goes away (even killed), we stop too.
        sys.stdin.read()
        stop()

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(json.dumps({"service": name, "port": server.server_port}), flush=True)
    server.serve_forever(poll_interval=0.1)
    provider.shutdown()  # flushes both batch processors: file lines and Zipkin POSTs
    return 0


# ------------------------------------------------------------------------- the Zipkin sink

class Sink:
    """Stores the body of every POST (a Zipkin v2 JSON span list)."""

    def __init__(self):
        self.bodies = []
        lock = threading.Lock()
        bodies = self.bodies

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with lock:
                    bodies.append(body)
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/api/v2/spans" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def spans(self):
        out = []
        for b in self.bodies:
            out.extend(json.loads(b))
        return out


# ----------------------------------------------------------------------------- orchestration

def fail(msg):
    print("services.py: " + msg, file=sys.stderr)
    return 1


def read_port(proc, name, deadline):
    """The first stdout line of a service is {"service": …, "port": N}."""
    result = {}

    def reader():
        line = proc.stdout.readline()
        if line:
            result["port"] = json.loads(line)["port"]

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    t.join(max(0.1, deadline - time.monotonic()))
    if "port" not in result:
        raise RuntimeError("service %s did not start (exit status %s)" % (name, proc.poll()))
    return result["port"]


def stop_all(procs, deadline):
    for p in procs.values():
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for name, p in procs.items():
        try:
            p.wait(timeout=max(0.5, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print("services.py: %s did not stop in time; killed" % name, file=sys.stderr)
            p.kill()
            p.wait()
    return all(p.returncode == 0 for p in procs.values())


def orchestrate(out_dir, n_requests, timeout, faults=()):
    deadline = time.monotonic() + timeout
    os.makedirs(os.path.join(out_dir, "otlp"), exist_ok=True)
    sink = Sink()
    procs = {}
    urls = {}
    trace_ids = []
    ok = False
    try:
        for name in SERVICES:
            downstream = {
                "frontend": ["checkout", "inventory"],
                "checkout": ["payment"],
            }.get(name, [])
            cmd = [sys.executable, os.path.abspath(__file__), "--serve", name, "--zipkin", sink.url,
                   out_dir] + ["--downstream=%s=%s" % (d, urls[d]) for d in downstream] + list(faults)
            procs[name] = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           text=True)
            urls[name] = "http://127.0.0.1:%d" % read_port(procs[name], name, deadline)
        for i in range(n_requests):
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("timed out after %d of %d requests" % (i, n_requests))
            with urllib.request.urlopen(urls["frontend"] + "/checkout?i=%d" % i,
                                        timeout=min(left, 15)) as r:
                answer = json.loads(r.read())
            if answer.get("order") != 200 or answer.get("stock") != 200:
                raise RuntimeError("unexpected answer %r" % answer)
            trace_ids.append(answer["trace_id"])
        ok = True
    except Exception as e:  # noqa: BLE001 - reported, then everything is stopped
        print("services.py: %s" % e, file=sys.stderr)
    finally:
        # Stop callers first so that nothing is in flight when a callee stops.
        clean = stop_all(dict(reversed(list(procs.items()))), deadline + 10)
        sink.close()
    if not ok:
        return 1
    if not clean:
        return fail("a service did not exit cleanly")
    with open(os.path.join(out_dir, "zipkin.json"), "w", encoding="utf-8") as f:
        json.dump(sink.spans(), f, indent=1)
    run = {
        "requests": n_requests,
        "trace_ids": trace_ids,
        "spans_per_trace": SPANS_PER_TRACE,
        "services": SERVICES,
        "zipkin_posts": len(sink.bodies),
    }
    with open(os.path.join(out_dir, "run.json"), "w", encoding="utf-8") as f:
        json.dump(run, f, indent=1)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--requests", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="bound on the whole run, seconds")
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    ap.add_argument("--zipkin", help=argparse.SUPPRESS)
    ap.add_argument("--downstream", action="append", default=[], help=argparse.SUPPRESS)
    ap.add_argument("--slow-inventory-ms", type=int, default=0,
                    help="inventory's GET /stock sleeps this long")
    ap.add_argument("--without-channel", action="store_true",
                    help="checkout does not set app.order.channel")
    args = ap.parse_args()
    if args.serve:
        downstream = dict(d.split("=", 1) for d in args.downstream)
        return serve(args.serve, args.out_dir, args.zipkin, downstream,
                     args.slow_inventory_ms, args.without_channel)
    faults = []
    if args.slow_inventory_ms:
        faults.append("--slow-inventory-ms=%d" % args.slow_inventory_ms)
    if args.without_channel:
        faults.append("--without-channel")
    return orchestrate(os.path.abspath(args.out_dir), args.requests, args.timeout, faults)


if __name__ == "__main__":
    sys.exit(main())
