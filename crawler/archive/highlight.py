"""The words of a query and where a text holds them: what search results highlight.

Pure text work, no SQL: `crawler.archive.search` reads a query's terms here to plan it
and to quote its matches, `Archive.snippet` (Datasette's `cchc_snippet`) to mark them.
A text is compared folded (no diacritics, đ → d), or lower case alone when the query is
matched as written; either maps one character to one, so a match's offsets in the
compared text are its offsets in the text shown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.text import fold

__all__ = ["OPERATORS", "TOKEN", "lower_aligned", "match_spans", "query_terms", "snippet_window", "terms_found"]

# A token character as FTS5 unicode61 sees it: letters and digits, not punctuation
# (so not "_" either, which \w would include).
TOKEN = r"[^\W_]"
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_QUERY_TERM = re.compile(rf"({TOKEN}+)(\*?)")
_COLUMN_SET = re.compile(r"-?\{[^}]*\}")
_SNIPPET_WORDS = 30
_SNIPPET_LEAD = 10  # words of context kept before the first match
# Highlights separated only by spaces or by one punctuation mark ("2524/KH-UBND")
# are merged, so a phrase reads as one highlight.
_MERGE_GAP = re.compile(r"\s+|[^\w\s]")


def query_terms(query: str, *, plain: bool, written: bool = False) -> list[tuple[str, bool]]:
    """(term, is_prefix) pairs to highlight, folded or, `written`, lower case; operators and column names skipped."""
    terms: dict[tuple[str, bool], None] = {}
    if not plain:
        query = _COLUMN_SET.sub(" ", query)  # {title body_text}: names columns, not words
    for match in _QUERY_TERM.finditer(query):
        word = match.group(1)
        if not plain:
            if word in OPERATORS:
                continue
            if query[match.end() : match.end() + 1] == ":":  # column filter "title:"
                continue
        terms[(lower_aligned(word) if written else fold(word), bool(match.group(2)))] = None
    return list(terms)


def lower_aligned(text: str) -> str:
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
        re.escape(term) + (f"{TOKEN}*" if prefix else "")
        for term, prefix in sorted(terms, key=lambda t: -len(t[0]))
    ]
    return re.compile(rf"(?<!{TOKEN})(?:{'|'.join(alternatives)})(?!{TOKEN})")


def match_spans(text: str, terms: list[tuple[str, bool]], written: bool = False) -> list[tuple[int, int]]:
    """Spans of `text` whose folded (`written`: lower-case) form matches a term, merged across short gaps."""
    if not terms or not text:
        return []
    # fold() and lower_aligned() map one character to one, so offsets in their text are offsets in text.
    spans: list[tuple[int, int]] = []
    for match in _terms_pattern(tuple(terms)).finditer(lower_aligned(text) if written else fold(text)):
        start, end = match.span()
        if spans and _MERGE_GAP.fullmatch(text[spans[-1][1] : start]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def terms_found(text: str, terms: list[tuple[str, bool]], written: bool = False) -> int:
    """How many of the query's terms occur in `text` (case ignored; diacritics too unless `written`)."""
    seen = lower_aligned(text or "") if written else fold(text or "")
    return sum(1 for term in terms if _terms_pattern((term,)).search(seen))


def snippet_window(text: str, spans: list[tuple[int, int]], start: str, end: str) -> str:
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
