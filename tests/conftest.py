"""Shared fixtures: the replica of the site served on 127.0.0.1, and one crawl of it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.replica import ReplicaServer, build_replica

ROOT = Path(__file__).resolve().parent.parent
REPLICA_ARTICLES = 120


@pytest.fixture(scope="session")
def replica():
    """A replica of the site, built once for the session."""
    return build_replica(n_articles=REPLICA_ARTICLES)


@pytest.fixture(scope="session")
def replica_server(replica):
    """The replica served over real HTTP on 127.0.0.1 (a free port)."""
    with ReplicaServer(replica) as server:
        yield server


def run_scrapy_crawl(start_url: str, db_path: Path, *extra: str) -> subprocess.CompletedProcess:
    """`scrapy crawl cchc` in the project folder, as a researcher would run it."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", "cchc", "-a", f"start_url={start_url}",
        "-s", f"ARCHIVE_DB={db_path}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO", *extra,
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@dataclass
class Crawl:
    """One finished crawl: where its archive is, what it logged, what the server saw."""

    db_path: Path
    log: str
    url: str
    requests: list = field(default_factory=list)


@pytest.fixture(scope="session")
def crawled(replica, tmp_path_factory) -> Crawl:
    """One full crawl of the replica by the real spider, on a server of its own."""
    db_path = tmp_path_factory.mktemp("crawl") / "archive.db"
    with ReplicaServer(replica) as server:
        result = run_scrapy_crawl(server.url + "/", db_path)
        requests = list(server.requests)
    assert result.returncode == 0, result.stderr[-3000:]
    return Crawl(db_path, result.stderr, server.url, requests)
