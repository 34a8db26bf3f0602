"""What every part of the archive shares: its errors, the connection and the transaction.

`Archive` (crawler.archive.storage) is made of one class per responsibility (schema,
writing, crawls, search, reading), each a mixin of `ArchiveBase`: they all work on the
one `db` connection, and their writes nest through `_transaction`. The BEGIN, COMMIT and
SAVEPOINT statements live here, and nowhere else.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

__all__ = ["ArchiveBase", "ArchiveError", "ArchiveNotFound", "json_text", "one_line"]


class ArchiveError(Exception):
    """Base error of the archive; its message is one line meant for the user."""


class ArchiveNotFound(ArchiveError):
    """The archive file does not exist (and the caller required it to)."""


def one_line(text: str) -> str:
    """Collapse whitespace so an error message stays on one line."""
    return " ".join(str(text).split())


def json_text(value: Any) -> str | None:
    """Serialise to JSON text keeping Vietnamese readable; Scrapy stats hold datetimes."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


class ArchiveBase:
    """The open archive every part works on: its file and its connection."""

    path: Path
    db: sqlite_utils.Database

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN … COMMIT (ROLLBACK on error), independent of the sqlite-utils version."""
        conn = self.db.conn
        if conn.in_transaction:
            # A caller's transaction is open: nest as a savepoint rather than commit it.
            conn.execute("SAVEPOINT archive_write")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK TO archive_write")
                conn.execute("RELEASE archive_write")
                raise
            conn.execute("RELEASE archive_write")
            return
        conn.execute("BEGIN")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
