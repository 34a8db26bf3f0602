"""`HostileServer`: a hostile replica served over HTTP, and the command that runs one.

    python -m crawler.replica.hostile --port 8000 --articles 60 --slow-seconds 5
"""

from __future__ import annotations

import argparse
import threading
from collections import Counter

from crawler.replica.hostile.builder import build_hostile_replica
from crawler.replica.hostile.model import HostileReplica
from crawler.replica.server import ReplicaServer, _Handler


class _HostileHandler(_Handler):
    def _serve(self, with_body: bool) -> None:
        owner: HostileServer = self.server.owner  # type: ignore[attr-defined]
        attempt = owner._attempt(self.command, self.path, dict(self.headers.items()))
        answer = owner.hostile.answer(self.path, attempt, base=owner.url)
        if answer.delay and owner._stopping.wait(answer.delay):
            self.close_connection = True  # the server is stopping: drop the slow answer
            return
        self._send(answer.resource, with_body, answer.declared_length)


class HostileServer(ReplicaServer):
    """Serves a `HostileReplica` over HTTP; like `ReplicaServer`, plus `attempts` per path.

    `attempts` counts requests per path and query (fragment dropped); the transient
    errors answer by it, so they succeed on a retry to the same server.
    """

    def __init__(self, hostile: HostileReplica, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(hostile.replica, host, port)
        self.hostile = hostile
        self.attempts: Counter[str] = Counter()
        self._stopping = threading.Event()

    def start(self) -> HostileServer:
        """Bind the port and start serving in the background."""
        self._stopping.clear()
        super().start()
        # No client knows a free port before start() returns, so no request met the plain handler.
        self._httpd.RequestHandlerClass = _HostileHandler  # type: ignore[union-attr]
        return self

    def stop(self) -> None:
        """Stop serving: slow answers still waiting are dropped."""
        self._stopping.set()
        super().stop()

    def _attempt(self, method: str, path: str, headers: dict) -> int:
        self._record(method, path, headers)
        key = path.split("#", 1)[0] or "/"
        with self._lock:
            self.attempts[key] += 1
            return self.attempts[key]

    def __enter__(self) -> HostileServer:
        return self.start()


def main(argv: list[str] | None = None) -> None:
    """`python -m crawler.replica.hostile [--port N] [--articles N] [--slow-seconds S]`: serve until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m crawler.replica.hostile", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--articles", type=int, default=60, help="articles of the ordinary site (default 60)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--slow-seconds", type=float, default=5.0, help="delay of the slow page (default 5)")
    args = parser.parse_args(argv)
    hostile = build_hostile_replica(args.articles, args.seed, args.slow_seconds)
    server = HostileServer(hostile, args.host, args.port).start()
    print(f"Hostile replica of cchc.laichau.gov.vn at {server.url}/", flush=True)
    for case in hostile.cases.values():
        shown = case.path if len(case.path) < 100 else case.path[:60] + f"… ({len(case.path)} characters)"
        print(f"  {case.name:<24} {shown}", flush=True)
    server.serve_until_interrupted()
