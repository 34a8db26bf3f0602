"""The replica served for benchmarks: `crawler.replica`'s server with Nagle's algorithm off.

`ReplicaServer` writes a response's headers and body in two sends; on a keep-alive
connection Nagle's algorithm then holds the body until the client's delayed ACK, about
40 ms, so every connection tops out near 25 responses a second whatever the crawler
does. A benchmark of the crawler must not measure that stall.

    .venv/bin/python bench/replica_server.py --articles 2000   # prints its URL, serves until Ctrl-C
"""

from __future__ import annotations

import argparse
import threading

from crawler.replica import ReplicaServer, _Handler, build_replica


class _NoDelayHandler(_Handler):
    disable_nagle_algorithm = True  # TCP_NODELAY on every accepted connection


def main() -> None:
    """Build the replica and serve it until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    replica = build_replica(args.articles, args.seed)
    server = ReplicaServer(replica, port=args.port).start()
    # No client knows the free port before start() returns, so none met the plain handler.
    server._httpd.RequestHandlerClass = _NoDelayHandler
    print(f"Replica ({len(replica.articles)} articles) at {server.url}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
