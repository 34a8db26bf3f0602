"""`ReplicaServer`: a replica served over HTTP on a daemon thread, and the command that runs one.

The handler answers as the real portal's IIS does (its headers, 304 to a conditional
request, keep-alive); a test can hold the answers at a point it chooses (`hold`).

    python -m crawler.replica --port 8000 --articles 300 [--markup portal]
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from crawler.replica.builder import build_replica
from crawler.replica.markups import MARKUPS
from crawler.replica.model import Replica
from crawler.replica.resources import Resource


class _Handler(BaseHTTPRequestHandler):
    server_version = "Microsoft-IIS/10.0"  # what the real portal answers with
    sys_version = ""
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy expects of a real server
    # Headers and body go out in two writes; with Nagle's algorithm a keep-alive client
    # waits ~40 ms for each body.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(with_body=False)

    def _serve(self, with_body: bool) -> None:
        owner: ReplicaServer = self.server.owner  # type: ignore[attr-defined]
        number = owner._record(self.command, self.path, dict(self.headers.items()))
        owner._wait_if_held(number)
        self._send(owner.replica.get(self.path, base=owner.url), with_body)

    def _send(self, resource: Resource, with_body: bool, declared_length: int | None = None) -> None:
        """Answer with `resource` (304 to a matching conditional request).

        `declared_length`: a Content-Length other than the body's, after which the
        connection is closed short, as a server cut off mid-answer does.
        """
        if declared_length is None and resource.not_modified(self.headers):
            # 304: no body and no Content-Length, but the validators, as IIS sends them.
            self.send_response(304)
            for name in ("ETag", "Last-Modified"):
                self.send_header(name, resource.headers[name])
            self.send_header("X-Powered-By", "ASP.NET")
            self.end_headers()
            return
        self.send_response(resource.status)
        for name, value in resource.headers.items():
            self.send_header(name, value)
        declared = len(resource.body) if declared_length is None else declared_length
        self.send_header("Content-Length", str(declared))
        self.send_header("X-Powered-By", "ASP.NET")
        self.end_headers()
        if with_body:
            self.wfile.write(resource.body)
        if declared != len(resource.body):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Stay quiet: tests and the demo crawl hundreds of pages."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up mid-response (a crawler closing at shutdown)."""


class ReplicaServer:
    """Serves a `Replica` over HTTP on a daemon thread; use as a context manager.

    `url` is the base URL (no trailing slash) once started; `requests` lists every request
    as `(method, path_with_query, headers)`; `arrivals` maps each path to when it was
    requested (time.monotonic(), each time).
    """

    def __init__(self, replica: Replica, host: str = "127.0.0.1", port: int = 0) -> None:
        self.replica = replica
        self.host = host
        self.port = port
        self.url = ""
        self.requests: list[tuple[str, str, dict]] = []
        self.arrivals: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        # A gate a test closes to stop a crawl at a point it chooses (see `hold`).
        self._hold_from: int | None = None
        self._released = threading.Event()
        self.holding = threading.Event()

    def hold(self, after: int) -> threading.Event:
        """Answer `after` more requests, then hold every answer until `release()`.

        The returned event is set once an answer is held: the crawler is then waiting on
        this server, at a point the test chose, whatever the speed of the machine.
        """
        with self._lock:
            self._hold_from = len(self.requests) + after
            self._released.clear()
            self.holding.clear()
        return self.holding

    def release(self) -> None:
        """Let held answers go, and answer every later request at once."""
        with self._lock:
            self._hold_from = None
        self._released.set()

    def _wait_if_held(self, number: int) -> None:
        hold_from = self._hold_from
        if hold_from is not None and number > hold_from:
            self.holding.set()
            self._released.wait(timeout=600)

    def start(self) -> ReplicaServer:
        """Bind the port and start serving in the background."""
        if self._httpd is not None:
            return self
        httpd = _QuietServer((self.host, self.port), _Handler)
        httpd.owner = self  # type: ignore[attr-defined]
        self.port = httpd.server_address[1]
        self.url = f"http://{self.host}:{self.port}"
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"replica-{self.port}", daemon=True)  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def serve_until_interrupted(self) -> None:
        """Serve in the foreground until Ctrl-C (or SIGINT), then stop."""
        print("Press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _record(self, method: str, path: str, headers: dict) -> int:
        """Note a request; its number, counting from 1."""
        with self._lock:
            self.requests.append((method, path, headers))
            self.arrivals.setdefault(path, []).append(time.monotonic())
            return len(self.requests)

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """`python -m crawler.replica [--port N] [--articles N] [--markup NAME]`: serve the replica until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m crawler.replica", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--articles", type=int, default=300, help="number of articles (default 300)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--markup", choices=MARKUPS, default="snapshot",
                        help="the pages' template: the real site's (default) or another portal's")  # fmt: skip
    args = parser.parse_args(argv)
    replica = build_replica(args.articles, args.seed, args.markup)
    server = ReplicaServer(replica, args.host, args.port).start()
    print(f"Replica of cchc.laichau.gov.vn ({len(replica.articles)} articles, {replica.markup} markup) "
          f"at {server.url}/", flush=True)  # fmt: skip
    server.serve_until_interrupted()
