"""Re-crawl cost: a first crawl of a replica, a second of the unchanged site, a third after changes.

Prints requests and bytes of each crawl. Goals: the unchanged re-crawl sends at most 10%
of the first crawl's requests; after 5% of the articles changed, a revalidating crawl
(`--refresh-after 0`) finds every change. Run: `.venv/bin/python bench/recrawl.py`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlite_utils

from crawler.replica import ReplicaServer, build_replica

CLI = str(Path(sys.executable).with_name("cchc-archive"))


def crawl(server: ReplicaServer, db_path: Path, *options: str) -> dict:
    """One `cchc-archive crawl` of the replica; requests the server saw and bytes it sent."""
    server.requests.clear()
    command = [CLI, "crawl", "--start-url", server.url + "/", "--db", str(db_path), "--delay", "0", *options]
    subprocess.run(command, check=True, capture_output=True, text=True)
    stats = json.loads(sqlite_utils.Database(db_path).execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()[0])
    return {"requests": len(server.requests), "bytes": stats.get("bytes", 0)}


def main() -> None:
    """Run the three crawls and print the figures against the goals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--changed", type=float, default=0.05, help="share of articles changed before the third crawl")
    args = parser.parse_args()

    replica = build_replica(n_articles=args.articles)
    with tempfile.TemporaryDirectory() as folder, ReplicaServer(replica) as server:
        db_path = Path(folder) / "archive.db"
        first = crawl(server, db_path)
        second = crawl(server, db_path)
        changed = [article.path for article in replica.articles[:: max(1, round(1 / args.changed))]]
        replica.revise(changed)
        third = crawl(server, db_path, "--refresh-after", "0")
        db = sqlite_utils.Database(db_path)
        last = db.execute("SELECT max(id) FROM crawls").fetchone()[0]
        found = {row[0] for row in db.execute("SELECT url FROM revisions WHERE crawl_id = ?", [last])}
        expected = {server.url + path for path in changed}

    ratio = second["requests"] / first["requests"]
    print(f"replica: {args.articles} articles; {len(changed)} changed before the third crawl")
    print(f"{'crawl':<34}{'requests':>10}{'bytes':>14}")
    print(f"{'first (empty archive)':<34}{first['requests']:>10}{first['bytes']:>14}")
    print(f"{'second (unchanged site)':<34}{second['requests']:>10}{second['bytes']:>14}")
    print(f"{'third (revalidate, 5% changed)':<34}{third['requests']:>10}{third['bytes']:>14}")
    print(f"unchanged re-crawl: {ratio:.1%} of the first crawl's requests (goal: at most 10%) -> "
          f"{'meets' if ratio <= 0.10 else 'misses'} the goal")  # fmt: skip
    print(f"changes found: {len(found & expected)}/{len(expected)} (goal: all; {len(found - expected)} reported wrongly) -> "
          f"{'meets' if found == expected else 'misses'} the goal")  # fmt: skip


if __name__ == "__main__":
    main()
