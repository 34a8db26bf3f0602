"""Writing what a crawl brings: pages, articles and their revisions, links, images, attachments.

Each save is one transaction (a savepoint inside a caller's `batch`), so a crash never
leaves half an article: its row, its revision, its links, images and attachments, its
legal references (`crawler.archive.references`, called inside the same transaction) and
the folded copy search matches (`crawler.archive.search.search_folded`) change together.
The upserts and every other statement that writes these tables live here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from crawler.archive import references
from crawler.archive.base import ArchiveBase, ArchiveError, json_text
from crawler.archive.schema import ARTICLE_COLUMNS, ATTACHMENT_FILE_COLUMNS, PAGE_COLUMNS
from crawler.archive.search import search_folded

__all__ = ["ArchiveWriter"]

# Article dict key -> links.kind.
_LINK_KINDS = {"related": "related", "latest": "latest", "body_links": "body", "nav_links": "nav"}

# Columns replaced when an article is captured again (everything but id and first_seen).
_ARTICLE_UPDATED = [c for c in ARTICLE_COLUMNS if c not in ("id", "url", "first_seen")]
_PAGE_UPDATED = [c for c in PAGE_COLUMNS if c != "url"]


def _upsert_sql(table: str, columns: list[str], key: str, updated: list[str]) -> str:
    """Build an INSERT … ON CONFLICT(key) DO UPDATE statement with named parameters."""
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT({key}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in updated)
    )


_ARTICLE_UPSERT = _upsert_sql(
    "articles", [c for c in ARTICLE_COLUMNS if c != "id"], "url", _ARTICLE_UPDATED
)
_PAGE_UPSERT = _upsert_sql("pages", list(PAGE_COLUMNS), "url", _PAGE_UPDATED)
_ATTACHMENT_FILE_UPSERT = _upsert_sql(
    "attachment_files", list(ATTACHMENT_FILE_COLUMNS), "url", list(ATTACHMENT_FILE_COLUMNS)[1:]
)


class ArchiveWriter(ArchiveBase):
    """Saving captures: pages, articles with what they link, attachments, documents."""

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group the writes inside into one transaction (each save still nests as a savepoint).

        A crawl commits its captures in batches: one transaction per page would make FTS5
        write an index segment per page. Whatever a crash loses of a batch is fetched
        again on resume, since its pages are not in `pages` yet.
        """
        with self._transaction():
            yield

    def save_page(self, page: dict) -> None:
        """Insert or replace the record of one fetched URL."""
        row = {column: page.get(column) for column in PAGE_COLUMNS}
        with self._transaction() as conn:
            conn.execute(_PAGE_UPSERT, row)

    def save_article(self, article: dict, fetched: str, crawl_id: int | None = None) -> str:
        """Upsert an article and replace its links, images and attachments, atomically.

        Returns "new", "changed" (a new revision) or "unchanged": what a crawl counts.
        """
        url = article.get("url")
        if not url:
            raise ArchiveError("cannot save an article without a url")
        title = article.get("title") or ""
        body_text = article.get("body_text") or ""
        row = {column: article.get(column) for column in _ARTICLE_UPDATED}
        published = row.get("published") or ""
        attachment_text = self._attachment_text(
            [a["url"] for a in article.get("attachments") or [] if a.get("url")]
        )
        row.update(
            url=url,
            title=title,
            body_text=body_text,
            breadcrumb=json_text(list(article.get("breadcrumb") or [])),
            first_seen=fetched,
            last_fetched=fetched,
            removed_at=None,  # captured again: it is back, if it had gone
            warnings=json_text(list(article["warnings"])) if article.get("warnings") else None,
            attachment_text=attachment_text,
            search_folded=search_folded(title, body_text, attachment_text),
            year=int(published[:4]) if published[:4].isdigit() else None,
        )
        links = [
            (url, link["url"], kind, link.get("title"), link.get("published"))
            for key, kind in _LINK_KINDS.items()
            for link in article.get(key) or []
            if link.get("url")
        ]
        images = [
            (url, image["src"], image.get("alt"), image.get("caption"))
            for image in article.get("images") or []
            if image.get("src")
        ]
        attachments = [
            (url, attachment["url"], attachment.get("name"))
            for attachment in article.get("attachments") or []
            if attachment.get("url")
        ]
        with self._transaction() as conn:
            previous = conn.execute(
                "SELECT content_sha256 FROM articles WHERE url = ?", (url,)
            ).fetchone()
            if previous is None:
                outcome = "new"
            else:
                outcome = "changed" if previous[0] != row.get("content_sha256") else "unchanged"
            if outcome != "unchanged":
                # Every distinct version is kept, the first one included.
                conn.execute(
                    "INSERT INTO revisions (url, fetched, content_sha256, title, published, "
                    "body_text, crawl_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (url, fetched, row.get("content_sha256"), title, row.get("published"),
                     body_text, crawl_id),
                )
            conn.execute(_ARTICLE_UPSERT, row)
            conn.execute("DELETE FROM links WHERE from_url = ?", (url,))
            conn.execute("DELETE FROM images WHERE article_url = ?", (url,))
            conn.execute("DELETE FROM attachments WHERE article_url = ?", (url,))
            # OR IGNORE + the unique indexes deduplicate; the first occurrence wins.
            conn.executemany(
                "INSERT OR IGNORE INTO links (from_url, to_url, kind, title, published) "
                "VALUES (?, ?, ?, ?, ?)",
                links,
            )
            conn.executemany(
                "INSERT OR IGNORE INTO images (article_url, src, alt, caption) "
                "VALUES (?, ?, ?, ?)",
                images,
            )
            conn.executemany(
                "INSERT OR IGNORE INTO attachments (article_url, url, name) VALUES (?, ?, ?)",
                attachments,
            )
            references.replace_refs(conn, url, "article",
                                    {"title": title, "body_text": body_text, "attachment_text": attachment_text})
        return outcome

    def save_capture(self, capture: dict, crawl_id: int | None = None) -> str | None:
        """Save everything one response brings, in one transaction, so a crash loses none of it.

        `capture` has `page` (a pages row), and optionally `article`, `attachment` (an
        attachment_files row) and `requested` (the URLs this page added to the frontier).
        Returns how the article was saved ("new", "changed", "unchanged"; see
        `save_article`), "revalidated" for a 304 of an archived article (its copy stands),
        None when no article was saved: not when it is a copy of one archived under
        another address.
        """
        page = dict(capture["page"], crawl_id=crawl_id)
        url, fetched, status = page["url"], page["fetched"], page.get("status")
        article = capture.get("article")
        outcome = None
        with self._transaction() as conn:
            if article and article.get("content_sha256"):
                same = conn.execute(
                    "SELECT url FROM articles WHERE content_sha256 = ? AND url != ? LIMIT 1",
                    (article["content_sha256"], article["url"]),
                ).fetchone()
                if same:
                    # The same article under a second address: stored once, this page points to it.
                    page["canonical_url"] = same[0]
                    page["error"] = page.get("error") or f"same article as {same[0]}"
                    article = None
            conn.execute(_PAGE_UPSERT, {column: page.get(column) for column in PAGE_COLUMNS})
            if article:
                outcome = self.save_article(article, fetched, crawl_id)
            if capture.get("document"):
                references.save_document(conn, capture["document"], fetched, crawl_id)
            if capture.get("attachment"):
                self.save_attachment_file(capture["attachment"])
            if status == 304:
                # Not modified: the archived copy stands, revalidated now.
                cursor = conn.execute("UPDATE articles SET last_fetched = ? WHERE url = ?", (fetched, url))
                outcome = "revalidated" if cursor.rowcount else outcome
            elif status in (404, 410):
                # Gone from the site: the article keeps its rows and is marked, never deleted.
                conn.execute(
                    "UPDATE articles SET removed_at = ? WHERE url = ? AND removed_at IS NULL",
                    (fetched, url),
                )
            if crawl_id is not None and capture.get("requested"):
                conn.executemany(
                    "INSERT OR IGNORE INTO frontier (crawl_id, url) VALUES (?, ?)",
                    [(crawl_id, requested) for requested in capture["requested"]],
                )
        return outcome

    def save_attachment_file(self, file: dict) -> None:
        """Record a downloaded attachment and put its text in the articles that link it."""
        row = {column: file.get(column) for column in ATTACHMENT_FILE_COLUMNS}
        with self._transaction() as conn:
            conn.execute(_ATTACHMENT_FILE_UPSERT, row)
            linking = conn.execute(
                "SELECT DISTINCT article_url FROM attachments WHERE url = ?", (row["url"],)
            ).fetchall()
            for (article_url,) in linking:
                urls = [u for (u,) in conn.execute(
                    "SELECT url FROM attachments WHERE article_url = ? ORDER BY rowid", (article_url,)
                )]  # fmt: skip
                text = self._attachment_text(urls)
                conn.execute(
                    "UPDATE articles SET attachment_text = ?, "
                    "search_folded = ? WHERE url = ?",
                    (text, search_folded(*self._title_and_body(article_url), text), article_url),
                )
                references.replace_refs(conn, article_url, "article", {"attachment_text": text})
            references.file_saved(conn, row["url"])

    def save_document(self, document: dict, fetched: str, crawl_id: int | None = None) -> None:
        """Upsert a document page's particulars, its files and the references in its summary."""
        if not document.get("url"):
            raise ArchiveError("cannot save a document without a url")
        with self._transaction() as conn:
            references.save_document(conn, document, fetched, crawl_id)

    def rebuild_refs(self) -> int:
        """Recompute every legal reference from the stored text alone; return how many were found."""
        with self._transaction() as conn:
            return references.rebuild_refs(conn)

    def _attachment_text(self, urls: list[str]) -> str | None:
        """The extracted text of these attachments, one after the other; None if none."""
        if not urls:
            return None
        marks = ", ".join("?" for _ in urls)
        texts = dict(self.db.execute(
            f"SELECT url, text FROM attachment_files WHERE url IN ({marks}) AND text != ''", urls
        ).fetchall())  # fmt: skip
        joined = "\n\n".join(texts[u] for u in dict.fromkeys(urls) if texts.get(u))
        return joined or None

    def _title_and_body(self, url: str) -> tuple[str, str]:
        row = self.db.execute("SELECT title, body_text FROM articles WHERE url = ?", (url,)).fetchone()
        return (row[0] or "", row[1] or "") if row else ("", "")
