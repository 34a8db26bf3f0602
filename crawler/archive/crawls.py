"""The crawls an archive records: starting, resuming and finishing one, and its frontier.

A crawl is a `crawls` row whose `state` is running, finished or interrupted. A running
crawl is known by its process (`pid` on `host`), so that one left by a SIGKILL or a crash
is marked interrupted (settled) and resumed from the `frontier` it requested, never run
twice at once. What a crawl saves of each response is `crawler.archive.writing`'s.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path

from crawler.archive.base import ArchiveBase, ArchiveError, json_text
from crawler.dates import now

__all__ = ["ArchiveCrawls"]

# A crawl is known to be running by its process: on this host, its pid; on another, a row
# updated in the last hour (a running crawl updates it every few seconds).
_CRAWL_STALE_SECONDS = 3600


def _crawl_alive(pid: int | None, host: str | None, updated: str | None) -> bool:
    """Whether the process of a crawl recorded as running is still there.

    On this host the pid tells (a zombie is gone too); a pid that has kept no row up
    to date for an hour belongs to another program by now, and a crawl on another host
    is known only by that.
    """
    same_host = host == socket.gethostname()
    if same_host and pid == os.getpid():
        return True
    try:
        quiet = (datetime.now(timezone.utc) - datetime.fromisoformat(updated)).total_seconds()
    except (TypeError, ValueError):  # no time, or one without a zone
        quiet = 0.0
    if quiet > _CRAWL_STALE_SECONDS:
        return False
    if not same_host or not pid:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: there
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc (macOS), or it just ended
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _running_message(crawl: dict) -> str:
    """One line: which crawl is running, where."""
    return (f"crawl {crawl['id']} of this start URL is running (process {crawl['pid']} on {crawl['host']}, "
            f"last update {crawl['updated']}); wait for it, or stop it and run the command again to resume it")


class ArchiveCrawls(ArchiveBase):
    """The life of a crawl: begun or resumed, kept up to date, finished or interrupted."""

    def start_crawl(self, start_url: str, settings: dict, started: str) -> int:
        """Record the start of a crawl, running in this process, and return its id."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO crawls (start_url, started, settings, state, pid, host, updated) "
                "VALUES (?, ?, ?, 'running', ?, ?, ?)",
                (start_url, started, json_text(settings), os.getpid(), socket.gethostname(), started),
            )
        return int(cursor.lastrowid)

    def update_crawl(self, crawl_id: int, stats: dict, updated: str) -> None:
        """Record a running crawl's figures so far: what `stats` and Datasette show while it runs."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE crawls SET stats = ?, updated = ?, state = 'running' WHERE id = ? AND finished IS NULL",
                (json_text(stats), updated, crawl_id),
            )

    def finish_crawl(self, crawl_id: int, stats: dict, finished: str | None) -> None:
        """Record the end time and statistics of a crawl; `finished=None`: interrupted, to resume."""
        updated = finished or now()
        with self._transaction() as conn:
            conn.execute(
                "UPDATE crawls SET finished = ?, stats = ?, state = ?, updated = ? WHERE id = ?",
                (finished, json_text(stats), "finished" if finished else "interrupted", updated, crawl_id),
            )
            if finished:
                # The frontier only serves to resume; a finished crawl needs it no more.
                conn.execute("DELETE FROM frontier WHERE crawl_id = ?", (crawl_id,))

    def begin_crawl(self, start_url: str, settings: dict, started: str) -> tuple[int, bool]:
        """Resume the unfinished crawl of `start_url`, or start a new one: (crawl id, resumed).

        Raises ArchiveError when that crawl is still running in another process: two
        processes resuming one crawl would each fetch its frontier.
        """
        running = self.running_crawl(start_url)
        if running and running["pid"] != os.getpid():
            raise ArchiveError(_running_message(running))
        row = self.db.execute(
            "SELECT id FROM crawls WHERE start_url = ? AND finished IS NULL ORDER BY id DESC LIMIT 1",
            (start_url,),
        ).fetchone()
        if row:
            with self._transaction() as conn:
                conn.execute(
                    "UPDATE crawls SET state = 'running', pid = ?, host = ?, updated = ? WHERE id = ?",
                    (os.getpid(), socket.gethostname(), started, row[0]),
                )
            return int(row[0]), True
        return self.start_crawl(start_url, settings, started), False

    def running_crawl(self, start_url: str) -> dict | None:
        """The crawl of `start_url` whose process is still at work, if any (id, pid, host, updated)."""
        self._settle_crawls()
        row = self.db.execute(
            "SELECT id, pid, host, updated FROM crawls WHERE start_url = ? AND state = 'running' "
            "ORDER BY id DESC LIMIT 1",
            (start_url,),
        ).fetchone()
        return dict(zip(("id", "pid", "host", "updated"), row)) if row else None

    def _settle_crawls(self) -> None:
        """Mark interrupted the crawls recorded as running whose process is gone (SIGKILL, a crash)."""
        rows = self.db.execute("SELECT id, pid, host, updated FROM crawls WHERE state = 'running'").fetchall()
        gone = [crawl_id for crawl_id, pid, host, updated in rows if not _crawl_alive(pid, host, updated)]
        if gone:
            with self._transaction() as conn:
                conn.executemany(
                    "UPDATE crawls SET state = 'interrupted' WHERE id = ? AND state = 'running'",
                    [(crawl_id,) for crawl_id in gone],
                )

    def pending(self, crawl_id: int) -> list[str]:
        """URLs a crawl requested that it has not fetched yet: where a resumed crawl goes on."""
        return [url for (url,) in self.db.execute(
            "SELECT f.url FROM frontier AS f LEFT JOIN pages AS p ON p.url = f.url "
            "WHERE f.crawl_id = ? AND (p.url IS NULL OR p.crawl_id IS NOT f.crawl_id) "
            "ORDER BY f.rowid",
            (crawl_id,),
        )]  # fmt: skip

    def known_pages(self) -> dict[str, dict]:
        """Every URL fetched before, with what a re-crawl needs to know of it."""
        columns = ("url", "page_type", "status", "fetched", "crawl_id", "etag", "last_modified",
                   "payload_digest", "captured")  # fmt: skip
        cursor = self.db.execute(f"SELECT {', '.join(columns)} FROM pages")
        return {row[0]: dict(zip(columns, row)) for row in cursor}

    def _crawls(self, limit: int) -> list[dict]:
        """The latest crawls, newest first, with settings and stats decoded.

        A running crawl's stats are its figures so far, `progress` among them.
        """
        self._settle_crawls()
        cursor = self.db.execute(
            "SELECT id, start_url, started, finished, settings, stats, state, pid, host, updated FROM crawls "
            "ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        names = [d[0] for d in cursor.description]
        crawls = []
        for values in cursor.fetchall():
            crawl = dict(zip(names, values))
            # An unfinished crawl has no stats yet: {} keeps the type stable for callers.
            crawl["settings"] = json.loads(crawl["settings"]) if crawl["settings"] else {}
            crawl["stats"] = json.loads(crawl["stats"]) if crawl["stats"] else {}
            crawls.append(crawl)
        return crawls

    def last_crawl(self) -> dict | None:
        """The most recent crawl (id, start_url, started, finished, settings, stats, state, pid, host, updated)."""
        crawls = self._crawls(limit=1)
        return crawls[0] if crawls else None
