#!/usr/bin/env python3
"""Replay recorded tracing-backend answers for tracekit's tests, with faults on demand.

Python 3.11 standard library only. Usage:

    replay_server.py --responses DIR [--responses DIR ...] [--log FILE]
                     [--cert PEM --key PEM]

Each DIR holds an index.json: a list of {"request": "/path?query", "accept": null | "type",
"status": N, "content_type": "type" | null, "file": "relative/path"} (the format of
shared/samples/generated/backend-responses/index.json). Later DIRs win over earlier ones.

Matching: the path must be equal; recorded query parameters that the request also has must have
the same value (parameters only one side has are ignored); the entry with the most equal
parameters wins. An entry recorded with an Accept header matches only requests that accept that
type; an entry recorded without one does not answer a request for application/protobuf.
Anything else is answered like Go's mux does: 404 "404 page not found".

Faults: a path starting with /__fault/SPEC/ is answered for the rest of the path after applying
SPEC, a comma-separated list of:
    delay=SECONDS          wait before answering
    fail=N                 the first N requests under this SPEC answer `status` (default 500)
    status=CODE            the status for fail=N
    retry_after=VALUE      a Retry-After header on those failures
    always=CODE            every request answers CODE
    truncate               announce the whole body, send half of it, close the connection
    html                   answer 200 with an HTML page
    bearer=TOKEN           answer 401 unless "Authorization: Bearer TOKEN"
    tenant=ORG             answer 401 unless "X-Scope-OrgID: ORG"

The chosen port is printed as "PORT <n>" on stdout. Every request is appended to the log file as
one JSON line. The server exits when its standard input closes (the test that started it ended).
"""

import argparse
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ENTRIES = []
LOG_PATH = None
LOG_LOCK = threading.Lock()
COUNTERS = {}
COUNTERS_LOCK = threading.Lock()


def load(dirs):
    entries = []
    for d in dirs:
        with open(os.path.join(d, "index.json"), encoding="utf-8") as f:
            index = json.load(f)
        for e in index:
            path, _, query = e["request"].partition("?")
            entries.insert(0, {
                "path": path,
                "params": urllib.parse.parse_qsl(query, keep_blank_values=True),
                "accept": e.get("accept"),
                "status": e["status"],
                "content_type": e.get("content_type"),
                "file": os.path.join(d, e["file"]),
            })
    return entries


def find(path, params, accept):
    accept = accept or ""
    wants_protobuf = "application/protobuf" in accept
    request = {}
    for k, v in params:
        request.setdefault(k, v)
    best, best_score = None, -1
    for e in ENTRIES:
        if e["path"] != path:
            continue
        if e["accept"]:
            if e["accept"] not in accept:
                continue
        elif wants_protobuf:
            continue
        recorded = dict(e["params"])
        if any(k in request and request[k] != v for k, v in recorded.items()):
            continue
        score = 2 * sum(1 for k, v in recorded.items() if request.get(k) == v)
        score += 1 if e["accept"] else 0
        if score > best_score:
            best, best_score = e, score
    return best


def parse_spec(spec):
    out = {}
    for part in spec.split(","):
        if not part:
            continue
        k, _, v = part.partition("=")
        out[k] = v
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "replay/1"

    def log_message(self, fmt, *args):  # quiet: the log file has the requests
        pass

    def log_request_line(self, fault, path):
        if not LOG_PATH:
            return
        rec = {
            "raw": self.path,
            "path": path,
            "fault": fault,
            "accept": self.headers.get("Accept"),
            "authorization": self.headers.get("Authorization") is not None,
            "tenant": self.headers.get("X-Scope-OrgID"),
            "user_agent": self.headers.get("User-Agent"),
            "time": time.time(),
        }
        with LOG_LOCK, open(LOG_PATH, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")

    def send(self, status, body, content_type="text/plain; charset=utf-8", headers=None,
             truncate=False):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        self.wfile.write(body)

    def do_GET(self):
        raw = self.path
        url = urllib.parse.urlsplit(raw)
        path = url.path
        fault = None
        if path.startswith("/__fault/"):
            rest = path[len("/__fault/"):]
            fault, _, tail = rest.partition("/")
            path = "/" + tail
        self.log_request_line(fault, path)
        spec = parse_spec(fault or "")
        if "delay" in spec:
            time.sleep(float(spec["delay"]))
        if "bearer" in spec:
            if self.headers.get("Authorization") != "Bearer " + spec["bearer"]:
                return self.send(401, b"unauthorized\n")
        if "tenant" in spec:
            if self.headers.get("X-Scope-OrgID") != spec["tenant"]:
                return self.send(401, b"no org id\n")
        if "always" in spec:
            code = int(spec["always"])
            return self.send(code, b"injected failure\n")
        if "fail" in spec:
            with COUNTERS_LOCK:
                n = COUNTERS.get(fault, 0)
                COUNTERS[fault] = n + 1
            if n < int(spec["fail"]):
                headers = {}
                if "retry_after" in spec:
                    headers["Retry-After"] = spec["retry_after"]
                return self.send(int(spec.get("status", "500")), b"injected failure\n",
                                 headers=headers)
        if "html" in spec:
            page = (b"<!DOCTYPE html><html><head><title>Sign in - Example SSO</title></head>"
                    b"<body><form>login</form></body></html>\n")
            return self.send(200, page, "text/html; charset=utf-8")
        params = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        entry = find(path, params, self.headers.get("Accept"))
        if entry is None:
            return self.send(404, b"404 page not found\n")
        with open(entry["file"], "rb") as f:
            body = f.read()
        self.send(entry["status"], body, entry["content_type"], truncate="truncate" in spec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--responses", action="append", required=True)
    ap.add_argument("--log")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()
    global ENTRIES, LOG_PATH
    ENTRIES = load(args.responses)
    LOG_PATH = args.log
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("PORT", server.server_address[1], flush=True)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
