"""The webhook benchmark's receiver: a loopback HTTP server noting each POST's lag."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Arrivals:
    """What the receiver got: each body's occurredAt and when it arrived."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.lock = threading.Lock()
        self.count = 0
        self.last = 0.0  # perf_counter of the latest arrival

    def note(self, body: bytes) -> None:
        """Record one arrival's lag (the body's occurredAt to now)."""
        arrived = datetime.now(UTC)
        occurred = json.loads(body).get("occurredAt")
        with self.lock:
            self.count += 1
            self.last = time.perf_counter()
            if occurred:
                self.lags.append((arrived - datetime.fromisoformat(occurred)).total_seconds())


def receiver(arrivals: Arrivals) -> tuple[ThreadingHTTPServer, str]:
    """A keep-alive HTTP/1.1 receiver on a free loopback port."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            arrivals.note(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 256  # the default 5 resets connections under load
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
