"""The archive's schema: its tables, indexes, the FTS table and its triggers, and migrations.

The schema is created with sqlite-utils so that a plain `datasette archive.db` finds the
FTS table (via its `content=` option) and offers `?_search=` on `articles`. An archive made
by an older version is brought up to date as it opens: missing columns are added (empty,
or filled when they are derived), old values renamed, an old FTS index rebuilt. The tables
of documents and legal references are `crawler.archive.references`'s.
"""

from __future__ import annotations

from functools import lru_cache

import sqlite_utils

from crawler.archive import references
from crawler.archive.base import ArchiveBase

__all__ = [
    "ARTICLE_COLUMNS", "ATTACHMENT_COLUMNS", "ATTACHMENT_FILE_COLUMNS", "CRAWL_COLUMNS", "FRONTIER_COLUMNS",
    "FTS_COLUMNS", "FTS_TOKENIZE", "IMAGE_COLUMNS", "LINK_COLUMNS", "PAGE_COLUMNS", "REVISION_COLUMNS",
    "ArchiveSchema",
]  # fmt: skip

ARTICLE_COLUMNS: dict[str, type] = {
    "id": int,
    "url": str,
    "site_id": int,
    "title": str,
    "published": str,
    "year": int,  # of `published`: Datasette's year facet
    "published_raw": str,
    "category": str,
    "breadcrumb": str,
    "body_text": str,
    "body_html": str,
    "word_count": int,
    "content_sha256": str,
    "extraction_method": str,
    "first_seen": str,
    "last_fetched": str,
    "removed_at": str,
    "warnings": str,
    "attachment_text": str,
    "search_folded": str,
}
PAGE_COLUMNS: dict[str, type] = {
    "url": str,
    "status": int,
    "content_type": str,
    "page_type": str,
    "fetched": str,
    "error": str,
    "redirect_to": str,
    "redirected_from": str,
    "canonical_url": str,
    "extraction_method": str,
    "extraction_note": str,
    "size": int,
    "crawl_id": int,
    "etag": str,
    "last_modified": str,
    "warc_file": str,
    "warc_offset": int,
    "warc_record_type": str,
    "payload_digest": str,
    "captured": str,
}
REVISION_COLUMNS: dict[str, type] = {
    "id": int,
    "url": str,
    "fetched": str,
    "content_sha256": str,
    "title": str,
    "published": str,
    "body_text": str,
    "crawl_id": int,
}
FRONTIER_COLUMNS: dict[str, type] = {"crawl_id": int, "url": str}
ATTACHMENT_FILE_COLUMNS: dict[str, type] = {
    "url": str,
    "fetched": str,
    "status": int,
    "content_type": str,
    "size": int,
    "sha256": str,
    "kind": str,
    "text": str,
    "error": str,
}
LINK_COLUMNS: dict[str, type] = {
    "from_url": str,
    "to_url": str,
    "kind": str,
    "title": str,
    "published": str,
}
IMAGE_COLUMNS: dict[str, type] = {"article_url": str, "src": str, "alt": str, "caption": str}
ATTACHMENT_COLUMNS: dict[str, type] = {"article_url": str, "url": str, "name": str}
CRAWL_COLUMNS: dict[str, type] = {
    "id": int,
    "start_url": str,
    "started": str,
    "finished": str,
    "settings": str,
    "stats": str,
    # running | finished | interrupted. A running crawl rewrites `stats` and `updated` every
    # few seconds; `pid` on `host` tells whether its process is still there.
    "state": str,
    "pid": int,
    "host": str,
    "updated": str,
}
# The search's columns; `crawler.archive.search` explains the folded copy.
FTS_COLUMNS = ["title", "body_text", "attachment_text", "search_folded"]
# Diacritics kept: a query with them matches only those (case is still folded).
FTS_TOKENIZE = "unicode61 remove_diacritics 0"

_FTS_TRIGGERS = ("articles_ai", "articles_ad", "articles_au")


@lru_cache(maxsize=1)
def _fts_definition() -> tuple[str, ...]:
    """The statements creating articles_fts and its triggers, exactly as a new archive has them."""
    scratch = sqlite_utils.Database(memory=True)
    scratch["articles"].create(ARTICLE_COLUMNS, pk="id")
    scratch["articles"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize=FTS_TOKENIZE)
    names = ("articles_fts", *_FTS_TRIGGERS)
    sql = dict(scratch.execute(
        f"SELECT name, sql FROM sqlite_master WHERE name IN ({', '.join('?' for _ in names)})", names
    ).fetchall())  # fmt: skip
    scratch.close()
    return tuple(sql[name] for name in names)


class ArchiveSchema(ArchiveBase):
    """Creating the schema of a new archive, and bringing an older archive's up to date."""

    def _create_schema(self) -> None:
        """Create missing tables, indexes, the FTS table and its triggers."""
        db = self.db
        db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"url"}, if_not_exists=True)
        db["articles"].create_index(["url"], unique=True, if_not_exists=True)
        db["articles"].create_index(["content_sha256"], if_not_exists=True)
        if not db["articles_fts"].exists():
            db["articles"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize=FTS_TOKENIZE)
        elif " ".join(db["articles_fts"].schema.split()) != " ".join(_fts_definition()[0].split()):
            self._rebuild_fts()
        db["pages"].create(PAGE_COLUMNS, pk="url", if_not_exists=True)
        db["links"].create(
            LINK_COLUMNS, not_null={"from_url", "to_url", "kind"}, if_not_exists=True
        )
        db["links"].create_index(["from_url", "to_url", "kind"], unique=True, if_not_exists=True)
        db["links"].create_index(["to_url"], if_not_exists=True)
        db["images"].create(IMAGE_COLUMNS, not_null={"article_url", "src"}, if_not_exists=True)
        db["images"].create_index(["article_url", "src"], unique=True, if_not_exists=True)
        db["images"].create_index(["article_url"], if_not_exists=True)
        db["attachments"].create(
            ATTACHMENT_COLUMNS, not_null={"article_url", "url"}, if_not_exists=True
        )
        db["attachments"].create_index(["article_url", "url"], unique=True, if_not_exists=True)
        db["attachments"].create_index(["article_url"], if_not_exists=True)
        db["crawls"].create(CRAWL_COLUMNS, pk="id", if_not_exists=True)
        db["revisions"].create(REVISION_COLUMNS, pk="id", not_null={"url"}, if_not_exists=True)
        db["revisions"].create_index(["url"], if_not_exists=True)
        db["frontier"].create(FRONTIER_COLUMNS, pk=("crawl_id", "url"), if_not_exists=True)
        db["attachment_files"].create(ATTACHMENT_FILE_COLUMNS, pk="url", if_not_exists=True)
        references.create_schema(db)
        fill_year = "year" not in db["articles"].columns_dict
        # An archive made by an older version gains the newer columns, empty.
        missing_pages: dict = {}
        for table, columns in (("articles", ARTICLE_COLUMNS), ("pages", PAGE_COLUMNS)):
            missing = {c: t for c, t in columns.items() if c not in db[table].columns_dict}
            for column, column_type in missing.items():
                db[table].add_column(column, column_type)
            if table == "pages":
                missing_pages = missing
        if "extraction_method" in missing_pages:
            # Older archives named the two extractors `site` and `fallback`.
            with self._transaction() as conn:
                conn.execute("UPDATE articles SET extraction_method = 'profile' WHERE extraction_method = 'site'")
                conn.execute("UPDATE articles SET extraction_method = 'generic' WHERE extraction_method = 'fallback'")
        self._migrate_crawls()
        # The reading room's table, newest first, faceted by category and year (indexed once an
        # older archive has its year column): without these each page scans every article.
        db["articles"].create_index(["published"], if_not_exists=True)
        db["articles"].create_index(["category", "published"], if_not_exists=True)
        db["articles"].create_index(["year"], if_not_exists=True)
        db["articles"].create_index(["category", "year"], if_not_exists=True)
        if fill_year:  # the year is derived, so an older archive can have it at once
            with self._transaction() as conn:
                conn.execute(
                    "UPDATE articles SET year = CAST(substr(published, 1, 4) AS INTEGER) "
                    "WHERE published GLOB '[0-9][0-9][0-9][0-9]*'"
                )

    def _rebuild_fts(self) -> None:
        """Index an older archive's articles again, as a new archive indexes them, in one transaction.

        Older archives folded tone marks in the index (`remove_diacritics 2`), so `Đảng bộ`
        also found "đang bộ". The table and its triggers are made again exactly as a new
        archive has them, then filled from `articles`; a crash leaves the old index whole.
        """
        with self._transaction() as conn:
            for trigger in _FTS_TRIGGERS:
                conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            conn.execute("DROP TABLE articles_fts")
            for statement in _fts_definition():
                conn.execute(statement)
            conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")

    def _migrate_crawls(self) -> None:
        """Give an older archive's crawls a state (the crawls whose process is gone are settled on opening)."""
        missing = {c: t for c, t in CRAWL_COLUMNS.items() if c not in self.db["crawls"].columns_dict}
        for column, column_type in missing.items():
            self.db["crawls"].add_column(column, column_type)
        if "state" in missing:
            # Made before crawls recorded their process: an unfinished one is not running now.
            with self._transaction() as conn:
                conn.execute(
                    "UPDATE crawls SET state = CASE WHEN finished IS NULL THEN 'interrupted' ELSE 'finished' END "
                    "WHERE state IS NULL"
                )
