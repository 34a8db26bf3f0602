"""The SQLite archive: `Archive`, opened on a file and made of one part per responsibility.

Every SQL statement the archive runs lives in exactly one module of `crawler.archive`:

- `schema`: tables, indexes, the FTS table and its triggers, migrations of older archives;
- `writing`: saving pages, articles (with their revisions, links, images, attachments)
  and attachment files, in one transaction per capture;
- `crawls`: starting, resuming and finishing crawls, their frontier;
- `search`: planning a query (`plan_search`), running it, quoting its matches
  (`highlight` finds the words, with no SQL);
- `reading`: statistics, pages, an article's history, exports;
- `references`: documents and legal references, called from inside the others' transactions;
- `base`: the errors, and the transaction every write nests in.

This module opens the file and ties the parts together; the names other code imports
from it (errors, search planning) are re-exported here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType

import sqlite_utils

from crawler.archive.base import ArchiveError, ArchiveNotFound, one_line
from crawler.archive.crawls import ArchiveCrawls
from crawler.archive.reader import ArchiveReader
from crawler.archive.schema import ArchiveSchema
from crawler.archive.search import (
    FOLDED_COLUMN,
    MATCH_NOTHING,
    SEARCH_CANDIDATES,
    WRITTEN_COLUMNS,
    ArchiveSearch,
    SearchError,
    SearchPlan,
    has_diacritics,
    plan_search,
)
from crawler.archive.writing import ArchiveWriter

__all__ = [
    "FOLDED_COLUMN", "MATCH_NOTHING", "SEARCH_CANDIDATES", "WRITTEN_COLUMNS", "Archive", "ArchiveError",
    "ArchiveNotFound", "SearchError", "SearchPlan", "has_diacritics", "plan_search",
]  # fmt: skip


# Each part owns its methods and statements; they share only `db` and `_transaction`
# (crawler.archive.base). ArchiveReader builds on ArchiveCrawls, so it comes first.
class Archive(ArchiveSchema, ArchiveWriter, ArchiveReader, ArchiveCrawls, ArchiveSearch):
    """A SQLite archive of the crawled portal."""

    db: sqlite_utils.Database

    def __init__(self, path: str | Path, *, must_exist: bool = False) -> None:
        """Open (and create the schema of, if missing) the archive at `path`."""
        self.path = Path(path)
        if must_exist and not self.path.is_file():
            raise ArchiveNotFound(f"archive not found: {self.path}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise ArchiveError(f"cannot open archive {self.path}: {one_line(str(exc))}") from exc
        try:
            # Wait for a concurrent writer (a running crawl) instead of failing at once.
            self.db.execute("PRAGMA busy_timeout = 5000")
            self.db.enable_wal()
            # In WAL mode, NORMAL loses no committed transaction when a process dies (only
            # when the machine does), and spares an fsync per commit.
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._create_schema()
            # Crawls recorded as running whose process is gone (SIGKILL, a crash) are
            # interrupted: marked so as the archive opens, once their table is up to date.
            self._settle_crawls()
        except sqlite3.Error as exc:
            self.db.close()
            raise ArchiveError(f"cannot open archive {self.path}: {one_line(str(exc))}") from exc

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()

    def __enter__(self) -> Archive:
        """Use the archive as a context manager that closes it on exit."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the archive."""
        self.close()
