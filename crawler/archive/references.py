"""The archive's documents and legal references: their tables and every SQL statement on them.

`documents` holds one row per document page of the site (its particulars, see
`crawler.extraction.documents`), `document_files` its files (joined to `attachment_files` by URL),
and `legal_refs` every reference to a legal or administrative document found in an
article's title, body and attached files' text, and in document summaries (see
`crawler.extraction.legal`). A reference names the `documents` row of its number when the archive
holds that document, whichever of the two was archived first.

`crawler.archive.storage.Archive` calls these inside its own transactions; the references of a
text are always replaced as a whole, so they are never stale.

Two tables sum the references up as they are written, so that the reading room's
questions (which articles cite this plan, newest first? which documents are cited most?
how often, year by year?) are answered from a few rows, not from every reference:
`citations` has one row per document number and citing article, `cited_by_year` the
number of citing articles (and mentions) per document and year of publication. An
article's rows are replaced with its references; `rebuild_refs` recomputes both.
"""

from __future__ import annotations

import json
import re
import sqlite3

import sqlite_utils

from crawler.extraction.legal import find_refs, normalize_number

DOCUMENT_COLUMNS: dict[str, type] = {
    "url": str,
    "number": str,  # normalised: 107/2020/NĐ-CP
    "number_raw": str,  # as printed
    "kind": str,
    "issuer": str,
    "issued": str,  # ISO date
    "issued_raw": str,
    "year": int,
    "effective": str,
    "effective_raw": str,
    "signer": str,
    "field": str,
    "summary": str,
    "title": str,
    "other": str,  # JSON: the particulars under labels no field knows, as printed
    "file_text": str,  # the text of its files, searchable
    "fetched": str,
    "crawl_id": int,
}
DOCUMENT_FILE_COLUMNS: dict[str, type] = {"document_url": str, "url": str, "name": str}
REF_COLUMNS: dict[str, type] = {
    "id": int,
    "source_url": str,
    "source_kind": str,  # article | document
    "field": str,  # title | body_text | attachment_text | summary
    "char_offset": int,  # where `text` starts in that field
    "text": str,  # as written
    "number": str,  # normalised
    "kind": str,
    "issuer": str,
    "year": int,
    "date": str,  # ISO date written beside it
    "document_url": str,  # the documents row of `number`, when archived
}
CITATION_COLUMNS: dict[str, type] = {
    "number": str,
    "article_url": str,
    "published": str,  # the citing article's publication date
    "year": int,
    "mentions": int,  # how many times the article cites it (title, text and attached files)
    "written": str,  # how the article wrote it, each form once, separated by commas
    "fields": str,  # where: title, body_text, attachment_text
    "kind": str,
    "issuer": str,
}
BY_YEAR_COLUMNS: dict[str, type] = {"number": str, "year": int, "articles": int, "mentions": int}  # year 0: undated
ARTICLE_FIELDS = ("title", "body_text", "attachment_text")
DOCUMENT_FIELDS = ("summary",)
_DOCUMENT_UPDATED = [c for c in DOCUMENT_COLUMNS if c != "url"]
_DOCUMENT_UPSERT = (
    f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) VALUES ({', '.join(':' + c for c in DOCUMENT_COLUMNS)}) "
    f"ON CONFLICT(url) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _DOCUMENT_UPDATED)}"
)
_REF_INSERT = (
    "INSERT INTO legal_refs (source_url, source_kind, field, char_offset, text, number, kind, issuer, year, date, "
    "document_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "(SELECT url FROM documents WHERE number = ? ORDER BY url LIMIT 1))"
)
_SPACED_NUMBER = re.compile(r"^\s*(\d+)(?:\s+(\d{4}))?\s+(.+?)\s*$")


def create_schema(db: sqlite_utils.Database) -> None:
    """Create the tables, indexes and the documents' full-text index, where missing."""
    db["documents"].create(DOCUMENT_COLUMNS, pk="url", if_not_exists=True)
    db["documents"].create_index(["number"], if_not_exists=True)
    if not db["documents_fts"].exists():
        db["documents"].enable_fts(["number_raw", "summary", "file_text"], create_triggers=True,
                                   tokenize="unicode61 remove_diacritics 2")  # fmt: skip
    db["document_files"].create(DOCUMENT_FILE_COLUMNS, not_null={"document_url", "url"}, if_not_exists=True)
    db["document_files"].create_index(["document_url", "url"], unique=True, if_not_exists=True)
    db["document_files"].create_index(["url"], if_not_exists=True)
    db["legal_refs"].create(REF_COLUMNS, pk="id", not_null={"source_url", "number"}, if_not_exists=True)
    db["legal_refs"].create_index(["source_url"], if_not_exists=True)
    db["legal_refs"].create_index(["number"], if_not_exists=True)
    summed = db["citations"].exists()
    db["citations"].create(CITATION_COLUMNS, pk=("number", "article_url"), if_not_exists=True)
    db["citations"].create_index(["number", "published", "article_url"], if_not_exists=True)
    db["citations"].create_index(["article_url"], if_not_exists=True)
    db["cited_by_year"].create(BY_YEAR_COLUMNS, pk=("number", "year"), if_not_exists=True)
    if not summed:  # an archive whose references were found before they were summed up
        with db.conn:
            _sum_all(db.conn)


def query_number(written: str) -> str | None:
    """A number as a researcher types it, normalised: any written form, or `2524 kh ubnd`."""
    number = normalize_number(written)
    if number is None:
        match = _SPACED_NUMBER.match(written)
        if match:
            head = "/".join(part for part in match.group(1, 2) if part)
            number = normalize_number(f"{head}/{'-'.join(match.group(3).split())}")
    return number


def replace_refs(conn: sqlite3.Connection, source_url: str, source_kind: str, texts: dict[str, str | None]) -> int:
    """Replace the references found in these fields of one article or document; return how many."""
    fields = list(texts)
    marks = ", ".join("?" for _ in fields)
    conn.execute(f"DELETE FROM legal_refs WHERE source_url = ? AND field IN ({marks})", [source_url, *fields])
    rows = [
        (source_url, source_kind, field, ref.start, ref.text, ref.number, ref.kind, ref.issuer, ref.year, ref.date,
         ref.number)
        for field, text in texts.items()
        if text
        for ref in find_refs(text)
    ]  # fmt: skip
    conn.executemany(_REF_INSERT, rows)
    if source_kind == "article":
        _sum_article(conn, source_url)
    return len(rows)


_CITATIONS_OF = (
    "SELECT r.number, r.source_url, a.published, a.year, count(*), group_concat(DISTINCT r.text), "
    "group_concat(DISTINCT r.field), max(r.kind), max(r.issuer) "
    "FROM legal_refs AS r JOIN articles AS a ON a.url = r.source_url WHERE r.source_kind = 'article' {where} "
    "GROUP BY r.number, r.source_url"
)


def _sum_article(conn: sqlite3.Connection, url: str) -> None:
    """Replace one article's `citations` rows and move its counts in `cited_by_year`."""
    before = conn.execute("SELECT number, coalesce(year, 0), mentions FROM citations WHERE article_url = ?",
                          (url,)).fetchall()  # fmt: skip
    conn.execute("DELETE FROM citations WHERE article_url = ?", (url,))
    conn.execute(f"INSERT INTO citations SELECT * FROM ({_CITATIONS_OF.format(where='AND r.source_url = ?')})", (url,))
    after = conn.execute("SELECT number, coalesce(year, 0), mentions FROM citations WHERE article_url = ?",
                         (url,)).fetchall()  # fmt: skip
    for rows, sign in ((before, -1), (after, 1)):
        conn.executemany(
            "INSERT INTO cited_by_year (number, year, articles, mentions) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(number, year) DO UPDATE SET articles = articles + excluded.articles, "
            "mentions = mentions + excluded.mentions",
            [(number, year, sign, sign * mentions) for number, year, mentions in rows],
        )
    if before:
        conn.execute("DELETE FROM cited_by_year WHERE articles <= 0")


def _sum_all(conn: sqlite3.Connection) -> None:
    """Recompute `citations` and `cited_by_year` from every reference."""
    conn.execute("DELETE FROM citations")
    conn.execute("DELETE FROM cited_by_year")
    conn.execute(f"INSERT INTO citations SELECT * FROM ({_CITATIONS_OF.format(where='')})")
    conn.execute("INSERT INTO cited_by_year SELECT number, coalesce(year, 0), count(*), sum(mentions) FROM citations "
                 "GROUP BY 1, 2")  # fmt: skip


def save_document(conn: sqlite3.Connection, document: dict, fetched: str, crawl_id: int | None) -> None:
    """Upsert a document page's row, replace its files and summary references, and link references to it."""
    url = document["url"]
    row = {column: document.get(column) for column in DOCUMENT_COLUMNS}
    row.update(other=json.dumps(document.get("other") or {}, ensure_ascii=False), fetched=fetched,
               crawl_id=crawl_id, file_text=None)  # fmt: skip
    conn.execute(_DOCUMENT_UPSERT, row)
    conn.execute("DELETE FROM document_files WHERE document_url = ?", (url,))
    conn.executemany(
        "INSERT OR IGNORE INTO document_files (document_url, url, name) VALUES (?, ?, ?)",
        [(url, file["url"], file.get("name")) for file in document.get("files") or [] if file.get("url")],
    )
    _refresh_file_text(conn, url)
    replace_refs(conn, url, "document", {"summary": document.get("summary")})
    if row["number"]:
        conn.execute(
            "UPDATE legal_refs SET document_url = (SELECT url FROM documents WHERE number = ? ORDER BY url LIMIT 1) "
            "WHERE number = ?",
            (row["number"], row["number"]),
        )


def file_saved(conn: sqlite3.Connection, file_url: str) -> None:
    """A file's text is in `attachment_files` now: put it in the documents that list the file."""
    for (document_url,) in conn.execute(
        "SELECT DISTINCT document_url FROM document_files WHERE url = ?", (file_url,)
    ).fetchall():
        _refresh_file_text(conn, document_url)


def _refresh_file_text(conn: sqlite3.Connection, document_url: str) -> None:
    texts = [text for (text,) in conn.execute(
        "SELECT f.text FROM document_files AS d JOIN attachment_files AS f ON f.url = d.url "
        "WHERE d.document_url = ? AND f.text != '' ORDER BY d.rowid", (document_url,)
    )]  # fmt: skip
    conn.execute("UPDATE documents SET file_text = ? WHERE url = ?", ("\n\n".join(texts) or None, document_url))


def rebuild_refs(conn: sqlite3.Connection) -> int:
    """Recompute every reference from the stored text of articles and documents; return how many."""
    conn.execute("DELETE FROM legal_refs")
    count = 0
    articles = conn.execute(f"SELECT url, {', '.join(ARTICLE_FIELDS)} FROM articles ORDER BY id").fetchall()
    for url, *texts in articles:
        count += replace_refs(conn, url, "article", dict(zip(ARTICLE_FIELDS, texts)))
    for url, summary in conn.execute("SELECT url, summary FROM documents ORDER BY url").fetchall():
        count += replace_refs(conn, url, "document", {"summary": summary})
    _sum_all(conn)
    return count


def citing_articles(conn: sqlite3.Connection, number: str) -> list[dict]:
    """The articles that cite `number` (normalised), newest first, each with how it was written."""
    cursor = conn.execute(
        "SELECT a.url, a.title, a.published, c.written, c.mentions "
        "FROM citations AS c JOIN articles AS a ON a.url = c.article_url "
        "WHERE c.number = ? ORDER BY c.published DESC, c.article_url DESC",
        (number,),
    )
    return _dicts(cursor)


def most_cited(conn: sqlite3.Connection, limit: int) -> list[dict]:
    """The documents cited by the most articles, with the archived document's summary where there is one."""
    cursor = conn.execute(
        "WITH cited AS (SELECT number, sum(articles) AS articles, sum(mentions) AS mentions FROM cited_by_year "
        "GROUP BY number ORDER BY articles DESC, mentions DESC, number LIMIT ?) "
        "SELECT cited.number, (SELECT kind FROM citations WHERE number = cited.number LIMIT 1) AS kind, "
        "(SELECT issuer FROM citations WHERE number = cited.number LIMIT 1) AS issuer, cited.articles, "
        "cited.mentions, d.summary, d.url AS document_url FROM cited "
        "LEFT JOIN documents AS d ON d.url = (SELECT url FROM documents WHERE number = cited.number ORDER BY url LIMIT 1) "
        "ORDER BY cited.articles DESC, cited.mentions DESC, cited.number",
        (limit,),
    )
    return _dicts(cursor)


def article_refs(conn: sqlite3.Connection, url: str) -> list[dict]:
    """One article's references, in the order of its fields and offsets."""
    cursor = conn.execute(
        "SELECT field, char_offset, text, number, kind, issuer, year, date, document_url FROM legal_refs "
        "WHERE source_url = ? ORDER BY CASE field WHEN 'title' THEN 0 WHEN 'body_text' THEN 1 ELSE 2 END, "
        "char_offset",
        (url,),
    )
    return _dicts(cursor)


def counts(conn: sqlite3.Connection) -> dict:
    """How many documents and references the archive holds."""
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    refs, numbers = conn.execute("SELECT count(*), count(DISTINCT number) FROM legal_refs").fetchone()
    return {"documents": documents, "legal_refs": refs, "documents_cited": numbers}


def _dicts(cursor: sqlite3.Cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]
