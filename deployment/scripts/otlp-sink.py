#!/usr/bin/env python3
"""A stand-in for an OpenTelemetry collector when measuring what tracing costs the platform: it
accepts OTLP/HTTP exports (POST /v1/traces), answers each with an empty success, and counts them.
It decodes nothing, so its own CPU stays out of the platform's figures.

    deployment/scripts/otlp-sink.py PORT      # then OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:PORT
On SIGTERM or Ctrl-C it prints the requests and bytes it received."""
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

received = {"requests": 0, "bytes": 0}


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        received["requests"] += 1
        received["bytes"] += length
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def report(*_):
    print(f"otlp-sink: {received['requests']} exports, {received['bytes']} bytes", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, report)
    signal.signal(signal.SIGINT, report)
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
