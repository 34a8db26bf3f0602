"""Reading the archive back: statistics, pages, an article's history, exports, legal references.

What the `stats`, `history`, `export` and `refs` commands, the WACZ packager and `reparse`
read. Full-text search is `crawler.archive.search`'s; the statements on documents and
legal references are `crawler.archive.references`'s, called here on the archive's
connection.
"""

from __future__ import annotations

from collections.abc import Iterator

from crawler.archive import references
from crawler.archive.base import one_line
from crawler.archive.crawls import ArchiveCrawls
from crawler.archive.schema import ARTICLE_COLUMNS, PAGE_COLUMNS
from crawler.archive.search import SearchError
from crawler.text import nfc

__all__ = ["ArchiveReader"]


# On ArchiveCrawls: the statistics end with the latest crawls, settled first.
class ArchiveReader(ArchiveCrawls):
    """What the archive holds, counted and read back."""

    def stats(self) -> dict:
        """Counts of articles and pages by facet, errors and the last five crawls."""

        def rows(sql: str) -> list[tuple]:
            return self.db.execute(sql).fetchall()

        year = (
            "CASE WHEN published IS NULL OR published = '' THEN 'unknown' "
            "ELSE substr(published, 1, 4) END"
        )
        crawls = [
            {key: crawl[key] for key in ("id", "start_url", "started", "finished", "state", "updated", "stats")}
            for crawl in self._crawls(limit=5)
        ]
        return {
            "articles": rows("SELECT count(*) FROM articles")[0][0],
            **references.counts(self.db.conn),
            "articles_by_category": [
                {"category": category, "count": count}
                for category, count in rows(
                    "SELECT category, count(*) AS n FROM articles "
                    "GROUP BY category ORDER BY n DESC, category"
                )
            ],
            "articles_by_year": [
                {"year": y, "count": count}
                for y, count in rows(
                    f"SELECT {year} AS y, count(*) FROM articles "
                    "GROUP BY y ORDER BY y = 'unknown', y DESC"
                )
            ],
            "articles_by_method": [
                {"extraction_method": method, "count": count}
                for method, count in rows(
                    "SELECT extraction_method, count(*) AS n FROM articles "
                    "GROUP BY extraction_method ORDER BY n DESC, extraction_method"
                )
            ],
            "pages_by_method": [
                {"extraction_method": method, "count": count}
                for method, count in rows(
                    "SELECT coalesce(extraction_method, 'none'), count(*) AS n FROM pages "
                    "WHERE page_type IN ('article', 'listing', 'page', 'document') "
                    "GROUP BY 1 ORDER BY n DESC, 1"
                )
            ],
            "pages_by_type": [
                {"page_type": page_type, "count": count}
                for page_type, count in rows(
                    "SELECT page_type, count(*) AS n FROM pages "
                    "GROUP BY page_type ORDER BY n DESC, page_type"
                )
            ],
            "pages_by_status": [
                {"status": status, "count": count}
                for status, count in rows(
                    "SELECT status, count(*) FROM pages "
                    "GROUP BY status ORDER BY status IS NULL, status"
                )
            ],
            "errors": rows(
                "SELECT count(*) FROM pages "
                "WHERE (error IS NOT NULL AND error != '') OR status >= 400"
            )[0][0],
            "crawls": crawls,
        }

    def page(self, url: str) -> dict | None:
        """The `pages` row of `url` as a dict, or None if it was never fetched."""
        cursor = self.db.execute(
            f"SELECT {', '.join(PAGE_COLUMNS)} FROM pages WHERE url = ?", (url,)
        )
        row = cursor.fetchone()
        return dict(zip(PAGE_COLUMNS, row)) if row else None

    def urls_read_by(self, method: str) -> dict[str, str]:
        """URL → page type of every page that this extractor (`profile` or `generic`) read."""
        cursor = self.db.execute("SELECT url, page_type FROM pages WHERE extraction_method = ?", (method,))
        return dict(cursor.fetchall())

    def replay_pages(self) -> Iterator[dict]:
        """The pages worth opening in a replay tool: every HTML page fetched, with its title."""
        # The time of the capture itself (its WARC-Date), so replay tools find the record.
        cursor = self.db.execute(
            "SELECT p.url, coalesce(p.captured, p.fetched), a.title FROM pages AS p "
            "LEFT JOIN articles AS a ON a.url = p.url "
            "WHERE p.status = 200 AND p.page_type IN ('article', 'listing', 'page', 'document') ORDER BY p.fetched"
        )
        for url, captured, title in cursor:
            yield {"url": url, "ts": captured, "title": title or url}

    def history(self, url: str) -> list[dict]:
        """The archived versions of an article, oldest first."""
        cursor = self.db.execute(
            "SELECT id, url, fetched, content_sha256, title, published, body_text, crawl_id "
            "FROM revisions WHERE url = ? ORDER BY id",
            (url,),
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    # --- for researchers: export and references -------------------------------------

    @staticmethod
    def public_article_columns() -> list[str]:
        """The articles' columns meant for researchers: all but the folded copy for search; then their references."""
        return [column for column in ARTICLE_COLUMNS if column != "search_folded"] + ["legal_refs"]

    def iter_articles(
        self, *, since: str | None = None, category: str | None = None
    ) -> Iterator[dict]:
        """Articles' public columns, one dict at a time, by id; `since` is YYYY-MM-DD.

        `legal_refs` lists the article's references to documents (see `article_refs`).
        """
        columns = self.public_article_columns()[:-1]
        # A cursor read lazily, and by id (the primary key, so no sort): a large archive
        # never sits in memory. ISO 8601 dates compare as text: "2021-09-24T…" >= "2021-09-24".
        cursor = self.db.conn.execute(
            f"SELECT {', '.join(columns)} FROM articles "
            "WHERE (:since IS NULL OR published >= :since) "
            "AND (:category IS NULL OR category = :category) ORDER BY id",
            {"since": since, "category": category},
        )
        try:
            for values in cursor:
                article = dict(zip(columns, values))
                article["legal_refs"] = self.article_refs(article["url"])
                yield article
        finally:
            cursor.close()

    def citing_articles(self, number: str) -> list[dict]:
        """The articles citing a document (its number in any written form), newest first."""
        normalised = references.query_number(nfc(number))
        if normalised is None:
            raise SearchError(f"not a document number: {one_line(number)}")
        return references.citing_articles(self.db.conn, normalised)

    def most_cited(self, limit: int = 20) -> list[dict]:
        """The documents cited by the most articles."""
        return references.most_cited(self.db.conn, limit)

    def article_refs(self, url: str) -> list[dict]:
        """The legal references of one article, in reading order."""
        return references.article_refs(self.db.conn, url)
