"""The SQLite archive: schema, upserts, full-text search and statistics.

Every SQL statement of the project lives here, and those on documents and legal
references in `crawler.archive.references`, called from here. The schema is created with sqlite-utils
so that a plain `datasette archive.db` finds the FTS table (via its `content=` option)
and offers `?_search=` on `articles`.

Vietnamese search: a reader who types diacritics means them, one who does not may mean any
of them. The FTS5 tokenizer `unicode61 remove_diacritics 0` keeps every diacritic (case is
still ignored), so "Đảng" and "đang" are different words in title, body_text and
attachment_text; each article also stores `search_folded` = fold(title + body + attachments)
(lower case, no diacritics, đ → d), indexed in the same FTS table. A query with diacritics
is matched against the three text columns, as written; one without against the folded copy,
where "dang bo" finds "Đảng bộ", "đang … bộ" and "dạng bố" alike (see `plan_search`).
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlite_utils

from crawler.archive import references
from crawler.dates import now
from crawler.text import fold, nfc

__all__ = ["Archive", "ArchiveError", "ArchiveNotFound", "SearchError", "SearchPlan", "has_diacritics", "plan_search"]


class ArchiveError(Exception):
    """Base error of the archive; its message is one line meant for the user."""


class ArchiveNotFound(ArchiveError):
    """The archive file does not exist (and the caller required it to)."""


class SearchError(ArchiveError):
    """The search query is empty or not valid FTS5 syntax; `reason` is then FTS5's own message."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


# --- schema ------------------------------------------------------------------------

_ARTICLE_COLUMNS: dict[str, type] = {
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
_PAGE_COLUMNS: dict[str, type] = {
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
_REVISION_COLUMNS: dict[str, type] = {
    "id": int,
    "url": str,
    "fetched": str,
    "content_sha256": str,
    "title": str,
    "published": str,
    "body_text": str,
    "crawl_id": int,
}
_FRONTIER_COLUMNS: dict[str, type] = {"crawl_id": int, "url": str}
_ATTACHMENT_FILE_COLUMNS: dict[str, type] = {
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
_LINK_COLUMNS: dict[str, type] = {
    "from_url": str,
    "to_url": str,
    "kind": str,
    "title": str,
    "published": str,
}
_IMAGE_COLUMNS: dict[str, type] = {"article_url": str, "src": str, "alt": str, "caption": str}
_ATTACHMENT_COLUMNS: dict[str, type] = {"article_url": str, "url": str, "name": str}
_CRAWL_COLUMNS: dict[str, type] = {
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
# A crawl is known to be running by its process: on this host, its pid; on another, a row
# updated in the last hour (a running crawl updates it every few seconds).
_CRAWL_STALE_SECONDS = 3600
_FTS_COLUMNS = ["title", "body_text", "attachment_text", "search_folded"]
# Diacritics kept: a query with them matches only those (case is still folded).
_FTS_TOKENIZE = "unicode61 remove_diacritics 0"

_FTS_TRIGGERS = ("articles_ai", "articles_ad", "articles_au")


@lru_cache(maxsize=1)
def _fts_definition() -> tuple[str, ...]:
    """The statements creating articles_fts and its triggers, exactly as a new archive has them."""
    scratch = sqlite_utils.Database(memory=True)
    scratch["articles"].create(_ARTICLE_COLUMNS, pk="id")
    scratch["articles"].enable_fts(_FTS_COLUMNS, create_triggers=True, tokenize=_FTS_TOKENIZE)
    names = ("articles_fts", *_FTS_TRIGGERS)
    sql = dict(scratch.execute(
        f"SELECT name, sql FROM sqlite_master WHERE name IN ({', '.join('?' for _ in names)})", names
    ).fetchall())  # fmt: skip
    scratch.close()
    return tuple(sql[name] for name in names)


# Article dict key -> links.kind.
_LINK_KINDS = {"related": "related", "latest": "latest", "body_links": "body", "nav_links": "nav"}

# Columns replaced when an article is captured again (everything but id and first_seen).
_ARTICLE_UPDATED = [c for c in _ARTICLE_COLUMNS if c not in ("id", "url", "first_seen")]
_PAGE_UPDATED = [c for c in _PAGE_COLUMNS if c != "url"]


def _upsert_sql(table: str, columns: list[str], key: str, updated: list[str]) -> str:
    """Build an INSERT … ON CONFLICT(key) DO UPDATE statement with named parameters."""
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT({key}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in updated)
    )


_ARTICLE_UPSERT = _upsert_sql(
    "articles", [c for c in _ARTICLE_COLUMNS if c != "id"], "url", _ARTICLE_UPDATED
)
_PAGE_UPSERT = _upsert_sql("pages", list(_PAGE_COLUMNS), "url", _PAGE_UPDATED)
_ATTACHMENT_FILE_UPSERT = _upsert_sql(
    "attachment_files", list(_ATTACHMENT_FILE_COLUMNS), "url", list(_ATTACHMENT_FILE_COLUMNS)[1:]
)

# --- search helpers ----------------------------------------------------------------

# A token character as FTS5 unicode61 sees it: letters and digits, not punctuation
# (so not "_" either, which \w would include).
_TOKEN = r"[^\W_]"
_QUERY_TERM = re.compile(rf"({_TOKEN}+)(\*?)")
_BAREWORD = re.compile(rf"{_TOKEN}+\*?")
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_COLUMN_SET = re.compile(r"-?\{[^}]*\}")
# Characters that only make sense as FTS5 syntax; a query using them (or an uppercase
# operator) is an explicit advanced query whose syntax errors are the user's to fix.
_ADVANCED_CHARS = frozenset('"(){}')
_SNIPPET_WORDS = 30
# Search ranks (bm25) at most this many matches, the ones archived last, so that a word
# found in nearly every article still answers at once; the rest of a query's matches
# are only the tail of a very long list.
SEARCH_CANDIDATES = 5000
# For plain queries of several words, the articles holding them side by side come first:
# `dang bo` wants "Đảng bộ" before an article with "đang" in one place and "Bộ" in another.
# The phrase is looked for only among the candidates (a rowid range FTS5 seeks to).
_SEARCH_ADJACENT_FIRST_SQL = """
WITH matches AS MATERIALIZED (
    SELECT rowid, bm25(articles_fts) AS rank FROM articles_fts
    WHERE articles_fts MATCH :query ORDER BY rowid DESC LIMIT :candidates),
adjacent AS MATERIALIZED (
    SELECT rowid FROM articles_fts
    WHERE articles_fts MATCH :phrase AND rowid >= (SELECT min(rowid) FROM matches)),
top AS (
    SELECT rowid, rank, rowid IN adjacent AS side_by_side FROM matches
    ORDER BY side_by_side DESC, rank, rowid LIMIT :limit)
SELECT a.url, a.title, a.published, a.category, a.body_text, top.rank
FROM top JOIN articles AS a ON a.id = top.rowid ORDER BY top.side_by_side DESC, top.rank, a.id
"""
_SEARCH_SQL = """
WITH matches AS MATERIALIZED (
    SELECT rowid, bm25(articles_fts) AS rank FROM articles_fts
    WHERE articles_fts MATCH :query ORDER BY rowid DESC LIMIT :candidates),
top AS (SELECT rowid, rank FROM matches ORDER BY rank, rowid LIMIT :limit)
SELECT a.url, a.title, a.published, a.category, a.body_text, top.rank
FROM top JOIN articles AS a ON a.id = top.rowid ORDER BY top.rank, a.id
"""
_SNIPPET_LEAD = 10  # words of context kept before the first match
# Highlights separated only by spaces or by one punctuation mark ("2524/KH-UBND")
# are merged, so a phrase reads as one highlight.
_MERGE_GAP = re.compile(r"\s+|[^\w\s]")


def _json(value: Any) -> str | None:
    """Serialise to JSON text keeping Vietnamese readable; Scrapy stats hold datetimes."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


def _one_line(text: str) -> str:
    """Collapse whitespace so an error message stays on one line."""
    return " ".join(str(text).split())


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


def _is_advanced(query: str) -> bool:
    """True when the query uses FTS5 syntax beyond plain words."""
    if any(c in _ADVANCED_CHARS for c in query):
        return True
    return any(word in _OPERATORS or word.startswith("NEAR(") for word in query.split())


def _quote_terms(query: str) -> str:
    """Quote every whitespace-separated term so punctuation such as 2524/KH-UBND is literal."""
    parts = []
    for word in query.split():
        prefix = word.endswith("*")
        core = word.rstrip("*")
        # A term with no token characters would be an empty phrase: drop it.
        if not re.search(_TOKEN, core):
            continue
        parts.append('"' + core.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(parts)


def _folded(title: str, body_text: str, attachment_text: str | None) -> str:
    """What queries without diacritics are matched against: title, body, attachments."""
    return fold(nfc("\n".join(part for part in (title, body_text, attachment_text) if part)))


def _as_phrase(query: str) -> str:
    """The whole query as one FTS5 phrase: its words in this order, side by side."""
    return '"' + " ".join(query.replace('"', " ").split()) + '"'


# Where a query is matched: the text as written, or its folded copy.
WRITTEN_COLUMNS = "{title body_text attachment_text}"
FOLDED_COLUMN = "search_folded"
# Matches no article, and is valid FTS5: what an empty or wordless query stands for in SQL.
MATCH_NOTHING = '""'


def has_diacritics(query: str) -> bool:
    """True when `query` has a letter with a diacritic (đ among them): it is then matched as written."""
    lowered = query.lower()
    return fold(lowered) != lowered


def _names_columns(query: str) -> bool:
    """True when the query picks its own columns (`title:…`, `{title body_text}:…`) outside quotes."""
    quoted = False
    for char in query:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in ":{":
            return True
    return False


@dataclass(frozen=True)
class SearchPlan:
    """How one query is matched: the FTS5 expressions that `Archive.search` and Datasette run.

    `match` selects the articles; `phrase`, for a plain query of several words, the ones
    holding them side by side, which come first. `written` tells whether the query is
    matched as written (it has diacritics) or in every form (the folded copy); `own_columns`
    whether it names its columns itself. `note` says why an advanced query that is not valid
    FTS5 was read as plain words instead.
    """

    query: str
    written: bool
    match: str
    phrase: str | None
    advanced: bool
    quoted: bool
    own_columns: bool
    note: str | None = None


_checker = threading.local()


@lru_cache(maxsize=1024)
def _syntax_error(expression: str) -> str | None:
    """FTS5's own message if `expression` is not a valid query of articles_fts, else None."""
    conn = getattr(_checker, "conn", None)
    if conn is None:
        # An empty table of the same columns: FTS5 parses the query (column names included)
        # before it reads a row.
        conn = _checker.conn = sqlite3.connect(":memory:")
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5({', '.join(_FTS_COLUMNS)}, tokenize='{_FTS_TOKENIZE}')")
    try:
        conn.execute("SELECT 1 FROM t WHERE t MATCH ?", (expression,)).fetchall()
    except sqlite3.OperationalError as exc:
        return _one_line(str(exc))
    return None


def plan_search(query: str, *, lenient: bool = False) -> SearchPlan:
    """The FTS5 expressions for a reader's query; SearchError if it is empty or invalid.

    With diacritics anywhere in it, the query is matched against title, body_text and
    attachment_text as written (case ignored): `Đảng bộ` finds neither "đang … bộ" nor
    "dang bo". Without, against the folded copy, so every form matches. A query naming its
    own columns (`title:Đảng`) is run as it is. Plain words with punctuation (2524/KH-UBND,
    19-NQ/TW) are quoted, each the phrase of its tokens; an advanced query (quotes,
    parentheses, AND/OR/NOT/NEAR) that is not valid FTS5 raises SearchError, or with
    `lenient` is read as its words, `note` saying so.
    """
    query = nfc(query or "").strip()
    if not query:
        raise SearchError("empty search query")
    written = has_diacritics(query)
    advanced = _is_advanced(query)
    note = None
    own_columns = _names_columns(query)
    match = query if own_columns else _in_columns(query, query, written, plain=False)
    error = _syntax_error(query) or _syntax_error(match)
    quoted = error is not None
    if quoted:
        if advanced and not lenient:
            raise SearchError(f'invalid search query "{_one_line(query)}": {error}', error)
        words = _quote_terms(query)
        if not words:
            raise SearchError(f'search query "{_one_line(query)}" has no words')
        if advanced:
            note = f"not valid search syntax ({error}): its words were searched for instead"
        match, own_columns = _in_columns(words, query, written, plain=True), False
    # Side by side, the words are in one column: as written if one of them has diacritics
    # (the folded copy has none), else the folded copy, where any form written so is too.
    phrase = _as_phrase(query) if not advanced and len(query.split()) > 1 and not own_columns else None
    return SearchPlan(query, written, match, phrase, advanced, quoted, own_columns, note)


def _in_columns(expression: str, query: str, written: bool, *, plain: bool) -> str:
    """`expression` limited to the columns `query` is matched in, where that changes what it matches.

    The folded copy holds every word of the text in its folded form, and only those: a query
    without diacritics matches the same articles in every column as in the folded copy alone,
    and a word with diacritics occurs only as written. Only a query mixing both (`Lai Châu`)
    must keep its bare words (`lai`) out of the folded copy, where "lại" would match them.
    FTS5 checks the column of every position it reads under a column filter, so a plain
    query filters its bare words alone: `({title body_text attachment_text} : "Lai") AND "Châu"`.
    """
    if not written or all(has_diacritics(term) for term, _ in _query_terms(query, plain=plain, written=True)):
        return expression
    words = query.split()
    if not _is_advanced(query) and (plain or all(_BAREWORD.fullmatch(word) for word in words)):
        parts = [(word, quoted) for word in words if (quoted := _quote_terms(word))]
        return " AND ".join(quoted if has_diacritics(word) else f"({WRITTEN_COLUMNS} : {quoted})"
                            for word, quoted in parts)  # fmt: skip
    return f"{WRITTEN_COLUMNS} : ({expression})"


def _query_terms(query: str, *, plain: bool, written: bool = False) -> list[tuple[str, bool]]:
    """(term, is_prefix) pairs to highlight, folded or, `written`, lower case; operators and column names skipped."""
    terms: dict[tuple[str, bool], None] = {}
    if not plain:
        query = _COLUMN_SET.sub(" ", query)  # {title body_text}: names columns, not words
    for match in _QUERY_TERM.finditer(query):
        word = match.group(1)
        if not plain:
            if word in _OPERATORS:
                continue
            if query[match.end() : match.end() + 1] == ":":  # column filter "title:"
                continue
        terms[(_lower(word) if written else fold(word), bool(match.group(2)))] = None
    return list(terms)


def _lower(text: str) -> str:
    """`text` in lower case, one character for one, so offsets in it are offsets in `text`."""
    lowered = text.lower()
    if len(lowered) == len(text):  # lower() only ever lengthens (İ → i̇), so the same length aligns
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


@lru_cache(maxsize=256)
def _terms_pattern(terms: tuple[tuple[str, bool], ...]) -> re.Pattern:
    """One regex for the folded terms, whole tokens only (a `*` term as a prefix)."""
    # Longest first so the alternation prefers "bien che" parts over shorter overlaps.
    alternatives = [
        re.escape(term) + (f"{_TOKEN}*" if prefix else "")
        for term, prefix in sorted(terms, key=lambda t: -len(t[0]))
    ]
    return re.compile(rf"(?<!{_TOKEN})(?:{'|'.join(alternatives)})(?!{_TOKEN})")


def _match_spans(text: str, terms: list[tuple[str, bool]], written: bool = False) -> list[tuple[int, int]]:
    """Spans of `text` whose folded (`written`: lower-case) form matches a term, merged across short gaps."""
    if not terms or not text:
        return []
    # fold() and _lower() map one character to one, so offsets in their text are offsets in text.
    spans: list[tuple[int, int]] = []
    for match in _terms_pattern(tuple(terms)).finditer(_lower(text) if written else fold(text)):
        start, end = match.span()
        if spans and _MERGE_GAP.fullmatch(text[spans[-1][1] : start]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _terms_found(text: str, terms: list[tuple[str, bool]], written: bool = False) -> int:
    """How many of the query's terms occur in `text` (case ignored; diacritics too unless `written`)."""
    seen = _lower(text or "") if written else fold(text or "")
    return sum(1 for term in terms if _terms_pattern((term,)).search(seen))


def _snippet(text: str, spans: list[tuple[int, int]], start: str, end: str) -> str:
    """A ~30-word window of `text` around the first span, spans wrapped in markers."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    if not words:
        return ""
    first = 0
    if spans:
        first = next(i for i, (_, word_end) in enumerate(words) if word_end > spans[0][0])
    lo = max(0, first - _SNIPPET_LEAD)
    hi = min(len(words), lo + _SNIPPET_WORDS)
    lo = max(0, hi - _SNIPPET_WORDS)
    window_start, window_end = words[lo][0], words[hi - 1][1]
    pieces, pos = [], window_start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, window_start), min(span_end, window_end)
        if span_start >= span_end:
            continue
        pieces += [text[pos:span_start], start, text[span_start:span_end], end]
        pos = span_end
    pieces.append(text[pos:window_end])
    snippet = re.sub(r"\s+", " ", "".join(pieces))
    return ("… " if lo > 0 else "") + snippet + (" …" if hi < len(words) else "")


# --- the archive -------------------------------------------------------------------


class Archive:
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
            raise ArchiveError(f"cannot open archive {self.path}: {_one_line(str(exc))}") from exc
        try:
            # Wait for a concurrent writer (a running crawl) instead of failing at once.
            self.db.execute("PRAGMA busy_timeout = 5000")
            self.db.enable_wal()
            # In WAL mode, NORMAL loses no committed transaction when a process dies (only
            # when the machine does), and spares an fsync per commit.
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._create_schema()
        except sqlite3.Error as exc:
            self.db.close()
            raise ArchiveError(f"cannot open archive {self.path}: {_one_line(str(exc))}") from exc

    def _create_schema(self) -> None:
        """Create missing tables, indexes, the FTS table and its triggers."""
        db = self.db
        db["articles"].create(_ARTICLE_COLUMNS, pk="id", not_null={"url"}, if_not_exists=True)
        db["articles"].create_index(["url"], unique=True, if_not_exists=True)
        db["articles"].create_index(["content_sha256"], if_not_exists=True)
        if not db["articles_fts"].exists():
            db["articles"].enable_fts(_FTS_COLUMNS, create_triggers=True, tokenize=_FTS_TOKENIZE)
        elif " ".join(db["articles_fts"].schema.split()) != " ".join(_fts_definition()[0].split()):
            self._rebuild_fts()
        db["pages"].create(_PAGE_COLUMNS, pk="url", if_not_exists=True)
        db["links"].create(
            _LINK_COLUMNS, not_null={"from_url", "to_url", "kind"}, if_not_exists=True
        )
        db["links"].create_index(["from_url", "to_url", "kind"], unique=True, if_not_exists=True)
        db["links"].create_index(["to_url"], if_not_exists=True)
        db["images"].create(_IMAGE_COLUMNS, not_null={"article_url", "src"}, if_not_exists=True)
        db["images"].create_index(["article_url", "src"], unique=True, if_not_exists=True)
        db["images"].create_index(["article_url"], if_not_exists=True)
        db["attachments"].create(
            _ATTACHMENT_COLUMNS, not_null={"article_url", "url"}, if_not_exists=True
        )
        db["attachments"].create_index(["article_url", "url"], unique=True, if_not_exists=True)
        db["attachments"].create_index(["article_url"], if_not_exists=True)
        db["crawls"].create(_CRAWL_COLUMNS, pk="id", if_not_exists=True)
        db["revisions"].create(_REVISION_COLUMNS, pk="id", not_null={"url"}, if_not_exists=True)
        db["revisions"].create_index(["url"], if_not_exists=True)
        db["frontier"].create(_FRONTIER_COLUMNS, pk=("crawl_id", "url"), if_not_exists=True)
        db["attachment_files"].create(_ATTACHMENT_FILE_COLUMNS, pk="url", if_not_exists=True)
        references.create_schema(db)
        fill_year = "year" not in db["articles"].columns_dict
        # An archive made by an older version gains the newer columns, empty.
        missing_pages: dict = {}
        for table, columns in (("articles", _ARTICLE_COLUMNS), ("pages", _PAGE_COLUMNS)):
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

    # --- writing -------------------------------------------------------------------

    def start_crawl(self, start_url: str, settings: dict, started: str) -> int:
        """Record the start of a crawl, running in this process, and return its id."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO crawls (start_url, started, settings, state, pid, host, updated) "
                "VALUES (?, ?, ?, 'running', ?, ?, ?)",
                (start_url, started, _json(settings), os.getpid(), socket.gethostname(), started),
            )
        return int(cursor.lastrowid)

    def update_crawl(self, crawl_id: int, stats: dict, updated: str) -> None:
        """Record a running crawl's figures so far: what `stats` and Datasette show while it runs."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE crawls SET stats = ?, updated = ?, state = 'running' WHERE id = ? AND finished IS NULL",
                (_json(stats), updated, crawl_id),
            )

    def finish_crawl(self, crawl_id: int, stats: dict, finished: str | None) -> None:
        """Record the end time and statistics of a crawl; `finished=None`: interrupted, to resume."""
        updated = finished or now()
        with self._transaction() as conn:
            conn.execute(
                "UPDATE crawls SET finished = ?, stats = ?, state = ?, updated = ? WHERE id = ?",
                (finished, _json(stats), "finished" if finished else "interrupted", updated, crawl_id),
            )
            if finished:
                # The frontier only serves to resume; a finished crawl needs it no more.
                conn.execute("DELETE FROM frontier WHERE crawl_id = ?", (crawl_id,))

    def save_page(self, page: dict) -> None:
        """Insert or replace the record of one fetched URL."""
        row = {column: page.get(column) for column in _PAGE_COLUMNS}
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
            breadcrumb=_json(list(article.get("breadcrumb") or [])),
            first_seen=fetched,
            last_fetched=fetched,
            removed_at=None,  # captured again: it is back, if it had gone
            warnings=_json(list(article["warnings"])) if article.get("warnings") else None,
            attachment_text=attachment_text,
            search_folded=_folded(title, body_text, attachment_text),
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

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group the writes inside into one transaction (each save still nests as a savepoint).

        A crawl commits its captures in batches: one transaction per page would make FTS5
        write an index segment per page. Whatever a crash loses of a batch is fetched
        again on resume, since its pages are not in `pages` yet.
        """
        with self._transaction():
            yield

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
            conn.execute(_PAGE_UPSERT, {column: page.get(column) for column in _PAGE_COLUMNS})
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
        row = {column: file.get(column) for column in _ATTACHMENT_FILE_COLUMNS}
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
                    (text, _folded(*self._title_and_body(article_url), text), article_url),
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

    def citing_articles(self, number: str) -> list[dict]:
        """The articles citing a document (its number in any written form), newest first."""
        normalised = references.query_number(nfc(number))
        if normalised is None:
            raise SearchError(f"not a document number: {_one_line(number)}")
        return references.citing_articles(self.db.conn, normalised)

    def most_cited(self, limit: int = 20) -> list[dict]:
        """The documents cited by the most articles."""
        return references.most_cited(self.db.conn, limit)

    def article_refs(self, url: str) -> list[dict]:
        """The legal references of one article, in reading order."""
        return references.article_refs(self.db.conn, url)

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

    def _migrate_crawls(self) -> None:
        """Give an older archive's crawls a state; mark those whose process is gone interrupted."""
        missing = {c: t for c, t in _CRAWL_COLUMNS.items() if c not in self.db["crawls"].columns_dict}
        for column, column_type in missing.items():
            self.db["crawls"].add_column(column, column_type)
        if "state" in missing:
            # Made before crawls recorded their process: an unfinished one is not running now.
            with self._transaction() as conn:
                conn.execute(
                    "UPDATE crawls SET state = CASE WHEN finished IS NULL THEN 'interrupted' ELSE 'finished' END "
                    "WHERE state IS NULL"
                )
        self._settle_crawls()

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

    # --- reading -------------------------------------------------------------------

    def search(
        self, query: str, limit: int = 20, *, start: str = "[", end: str = "]"
    ) -> list[dict]:
        """Full-text search, best first; snippets mark matches with `start`/`end`.

        A query with diacritics matches them as written, one without matches every form
        (see `plan_search`); articles holding the words side by side come first.
        """
        plan = plan_search(query)
        if limit < 1:
            raise SearchError(f"search limit must be at least 1, not {limit}")
        sql = _SEARCH_ADJACENT_FIRST_SQL if plan.phrase else _SEARCH_SQL
        params = {"query": plan.match, "phrase": plan.phrase, "limit": limit, "candidates": SEARCH_CANDIDATES}
        try:
            rows = self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:  # pragma: no cover - plan_search checked the syntax
            raise SearchError(f'invalid search query "{_one_line(plan.query)}": {_one_line(str(exc))}') from exc
        written = plan.written
        terms = _query_terms(plan.query, plain=plan.quoted, written=written)
        results = []
        for url, title, published, category, body_text, rank in rows:
            body = nfc(body_text or "")
            title_text = nfc(title or "")
            spans = _match_spans(body, terms, written)
            attachment = None
            in_body = _terms_found(body, terms, written)
            found = self._matching_attachment(url, terms, written) if in_body < len(terms) else None
            in_title = _terms_found(title_text, terms, written)
            if found and _terms_found(found[1], terms, written) > max(in_body, in_title):
                # The query is in an attached file more than in the article: say which, quote it.
                attachment, text, file_spans = found
                snippet = _snippet(text, file_spans, start, end)
            elif spans:
                snippet = _snippet(body, spans, start, end)
            elif title_spans := _match_spans(title_text, terms, written):
                snippet = _snippet(title_text, title_spans, start, end)
            else:
                snippet = _snippet(body or title_text, spans, start, end)
            results.append(
                {
                    "url": url,
                    "title": title,
                    "published": published,
                    "category": category,
                    "rank": rank,
                    "snippet": snippet,
                    "attachment": attachment,
                }
            )
        return results

    def _matching_attachment(self, article_url: str, terms, written: bool) -> tuple[dict, str, list] | None:
        """The first attachment of an article whose text holds the query's terms."""
        cursor = self.db.execute(
            "SELECT a.url, a.name, f.text FROM attachments AS a JOIN attachment_files AS f ON f.url = a.url "
            "WHERE a.article_url = ? AND f.text IS NOT NULL ORDER BY a.rowid",
            (article_url,),
        )
        best = None
        for url, name, text in cursor:
            found = _terms_found(text, terms, written)
            if found and (best is None or found > best[0]):
                best = (found, {"url": url, "name": name}, text)
        if best is None:
            return None
        return best[1], best[2], _match_spans(best[2], terms, written)

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

    def urls_read_by(self, method: str) -> dict[str, str]:
        """URL → page type of every page that this extractor (`profile` or `generic`) read."""
        cursor = self.db.execute("SELECT url, page_type FROM pages WHERE extraction_method = ?", (method,))
        return dict(cursor.fetchall())

    def page(self, url: str) -> dict | None:
        """The `pages` row of `url` as a dict, or None if it was never fetched."""
        cursor = self.db.execute(
            f"SELECT {', '.join(_PAGE_COLUMNS)} FROM pages WHERE url = ?", (url,)
        )
        row = cursor.fetchone()
        return dict(zip(_PAGE_COLUMNS, row)) if row else None

    # --- lifetime ------------------------------------------------------------------

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

    # --- reading for researchers: export and Datasette ------------------------------

    @staticmethod
    def public_article_columns() -> list[str]:
        """The articles' columns meant for researchers: all but the folded copy for search; then their references."""
        return [column for column in _ARTICLE_COLUMNS if column != "search_folded"] + ["legal_refs"]

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

    @staticmethod
    def snippet(text: str | None, query: str | None, start: str = "[", end: str = "]") -> str:
        """A ~30-word window of `text` around the words of `query`, marked as search matches them.

        A query with diacritics marks only those words as written (case ignored), one
        without marks every form: `Đảng bộ` marks "Đảng bộ", `dang bo` also "đang bộ".
        """
        text = nfc(text or "")
        query = nfc(query or "")
        written = has_diacritics(query)
        terms = _query_terms(query, plain=not _is_advanced(query), written=written)
        # The words side by side first, as search ranks them: "[Đảng bộ]", not a stray "[bộ]".
        phrase = " ".join(term for term, _prefix in terms)
        spans = _match_spans(text, [(phrase, False)], written) if len(terms) > 1 else []
        return _snippet(text, spans or _match_spans(text, terms, written), start, end)
