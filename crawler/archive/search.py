"""Full-text search of the archive: planning a reader's query, running it, quoting its matches.

Vietnamese search: a reader who types diacritics means them, one who does not may mean any
of them. The FTS5 tokenizer `unicode61 remove_diacritics 0` keeps every diacritic (case is
still ignored), so "Đảng" and "đang" are different words in title, body_text and
attachment_text; each article also stores `search_folded` = fold(title + body + attachments)
(lower case, no diacritics, đ → d), indexed in the same FTS table. A query with diacritics
is matched against the three text columns, as written; one without against the folded copy,
where "dang bo" finds "Đảng bộ", "đang … bộ" and "dạng bố" alike (see `plan_search`).

`plan_search` is shared with Datasette's search page (crawler.browse.searching), so that
both run the same FTS5 expressions; the search statements themselves live here alone.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache

from crawler.archive.base import ArchiveBase, ArchiveError, one_line
from crawler.archive.highlight import OPERATORS, TOKEN, match_spans, query_terms, snippet_window, terms_found
from crawler.archive.schema import FTS_COLUMNS, FTS_TOKENIZE
from crawler.text import fold, nfc

__all__ = [
    "FOLDED_COLUMN", "MATCH_NOTHING", "SEARCH_CANDIDATES", "WRITTEN_COLUMNS", "ArchiveSearch", "SearchError",
    "SearchPlan", "has_diacritics", "plan_search", "search_folded",
]  # fmt: skip


class SearchError(ArchiveError):
    """The search query is empty or not valid FTS5 syntax; `reason` is then FTS5's own message."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


_BAREWORD = re.compile(rf"{TOKEN}+\*?")
# Characters that only make sense as FTS5 syntax; a query using them (or an uppercase
# operator) is an explicit advanced query whose syntax errors are the user's to fix.
_ADVANCED_CHARS = frozenset('"(){}')
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


def _is_advanced(query: str) -> bool:
    """True when the query uses FTS5 syntax beyond plain words."""
    if any(c in _ADVANCED_CHARS for c in query):
        return True
    return any(word in OPERATORS or word.startswith("NEAR(") for word in query.split())


def _quote_terms(query: str) -> str:
    """Quote every whitespace-separated term so punctuation such as 2524/KH-UBND is literal."""
    parts = []
    for word in query.split():
        prefix = word.endswith("*")
        core = word.rstrip("*")
        # A term with no token characters would be an empty phrase: drop it.
        if not re.search(TOKEN, core):
            continue
        parts.append('"' + core.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(parts)


def search_folded(title: str, body_text: str, attachment_text: str | None) -> str:
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
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5({', '.join(FTS_COLUMNS)}, tokenize='{FTS_TOKENIZE}')")
    try:
        conn.execute("SELECT 1 FROM t WHERE t MATCH ?", (expression,)).fetchall()
    except sqlite3.OperationalError as exc:
        return one_line(str(exc))
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
            raise SearchError(f'invalid search query "{one_line(query)}": {error}', error)
        words = _quote_terms(query)
        if not words:
            raise SearchError(f'search query "{one_line(query)}" has no words')
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
    if not written or all(has_diacritics(term) for term, _ in query_terms(query, plain=plain, written=True)):
        return expression
    words = query.split()
    if not _is_advanced(query) and (plain or all(_BAREWORD.fullmatch(word) for word in words)):
        parts = [(word, quoted) for word in words if (quoted := _quote_terms(word))]
        return " AND ".join(quoted if has_diacritics(word) else f"({WRITTEN_COLUMNS} : {quoted})"
                            for word, quoted in parts)  # fmt: skip
    return f"{WRITTEN_COLUMNS} : ({expression})"


class ArchiveSearch(ArchiveBase):
    """The archive's full-text search, and the snippets that quote its matches."""

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
            raise SearchError(f'invalid search query "{one_line(plan.query)}": {one_line(str(exc))}') from exc
        written = plan.written
        terms = query_terms(plan.query, plain=plan.quoted, written=written)
        results = []
        for url, title, published, category, body_text, rank in rows:
            body = nfc(body_text or "")
            title_text = nfc(title or "")
            spans = match_spans(body, terms, written)
            attachment = None
            in_body = terms_found(body, terms, written)
            found = self._matching_attachment(url, terms, written) if in_body < len(terms) else None
            in_title = terms_found(title_text, terms, written)
            if found and terms_found(found[1], terms, written) > max(in_body, in_title):
                # The query is in an attached file more than in the article: say which, quote it.
                attachment, text, file_spans = found
                snippet = snippet_window(text, file_spans, start, end)
            elif spans:
                snippet = snippet_window(body, spans, start, end)
            elif title_spans := match_spans(title_text, terms, written):
                snippet = snippet_window(title_text, title_spans, start, end)
            else:
                snippet = snippet_window(body or title_text, spans, start, end)
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
            found = terms_found(text, terms, written)
            if found and (best is None or found > best[0]):
                best = (found, {"url": url, "name": name}, text)
        if best is None:
            return None
        return best[1], best[2], match_spans(best[2], terms, written)

    @staticmethod
    def snippet(text: str | None, query: str | None, start: str = "[", end: str = "]") -> str:
        """A ~30-word window of `text` around the words of `query`, marked as search matches them.

        A query with diacritics marks only those words as written (case ignored), one
        without marks every form: `Đảng bộ` marks "Đảng bộ", `dang bo` also "đang bộ".
        """
        text = nfc(text or "")
        query = nfc(query or "")
        written = has_diacritics(query)
        terms = query_terms(query, plain=not _is_advanced(query), written=written)
        # The words side by side first, as search ranks them: "[Đảng bộ]", not a stray "[bộ]".
        phrase = " ".join(term for term, _prefix in terms)
        spans = match_spans(text, [(phrase, False)], written) if len(terms) > 1 else []
        return snippet_window(text, spans or match_spans(text, terms, written), start, end)
