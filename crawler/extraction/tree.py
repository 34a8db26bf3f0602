"""Reading parsed pages: visible text as paragraphs, selectors, class names.

Shared by the profile path (`crawler.extraction.extract`) and the generic extractor
(`crawler.extraction.generic`); pure functions over lxml trees.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from crawler.text import normalize_space

# Elements that end one paragraph and start another.
BLOCKS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr table tbody thead tfoot blockquote pre section "
    "article figure figcaption header footer address hr center main aside caption nav form".split()
)
_CELLS = frozenset(("td", "th"))
# Elements whose text is never read as content.
INVISIBLE = frozenset(
    "script style noscript template head title iframe object embed select button input textarea svg math".split()
)
_CELL_SEP = "\x00"
_BREAK = "\n"
_INLINE_TEXT_TAGS = frozenset(("a", "h1", "h2", "h3", "h4", "span", "em", "i", "b", "strong", "title", "time", "font"))
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")


def paragraphs(el, skip=frozenset()) -> list[str]:
    """The visible text of `el` as paragraphs: one per block element or `<br><br>`; one `<br>` is a line break."""
    out: list[str] = []
    buffer: list[str] = []
    _walk(el, buffer, out, skip)
    _flush(buffer, out)
    return out


def _walk(node, buffer: list[str], out: list[str], skip) -> None:
    if node.text:
        buffer.append(node.text.replace("\n", " ").replace("\r", " "))
    for child in node:
        tag = child.tag
        if isinstance(tag, str) and child not in skip:
            tag = tag.lower()
            if tag in INVISIBLE:
                pass
            elif tag == "br":
                _line_break(buffer, out)
            elif tag in BLOCKS:
                _flush(buffer, out)
                _walk(child, buffer, out, skip)
                _flush(buffer, out)
            elif tag in _CELLS:
                _walk(child, buffer, out, skip)
                buffer.append(_CELL_SEP)
            else:
                _walk(child, buffer, out, skip)
        if child.tail:
            buffer.append(child.tail.replace("\n", " ").replace("\r", " "))


def _line_break(buffer: list[str], out: list[str]) -> None:
    """A `<br>`: a line break, or the end of a paragraph when the line before it is blank."""
    for index in range(len(buffer) - 1, -1, -1):
        piece = buffer[index]
        if piece == _BREAK:
            del buffer[index:]
            _flush(buffer, out)
            return
        if piece.strip():
            break
    buffer.append(_BREAK)


def _flush(buffer: list[str], out: list[str]) -> None:
    if not buffer:
        return
    text = "".join(buffer)
    buffer.clear()
    if _CELL_SEP in text:
        text = " | ".join(cell for cell in (normalize_space(c) for c in text.split(_CELL_SEP)) if cell)
    else:
        text = normalize_space(text)
    if text:
        out.append(text)


def text(el) -> str:
    """The element's text on one line, spaces normalised; '' for None."""
    if el is None:
        return ""
    if isinstance(el, str):
        return normalize_space(el.replace("\n", " "))
    if len(el) == 0 or el.tag in _INLINE_TEXT_TAGS:
        # Short inline elements: no blocks or scripts inside worth the full walk.
        return normalize_space("".join(el.itertext()).replace("\n", " "))
    return normalize_space(" ".join(paragraphs(el)).replace("\n", " "))


def first(root, selectors):
    """The first match of the first selector (compiled XPath or `Selector`) that matches."""
    for selector in selectors:
        found = selector(root)
        if found:
            return found[0]
    return None


@lru_cache(maxsize=None)
def compiled(xpath: str) -> etree.XPath:
    """An XPath compiled once."""
    return etree.XPath(xpath)


def class_tokens(el) -> list[str]:
    """The words of an element's class and id, lower-case: `news-other box` → news, other, box."""
    value = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return [token for token in _TOKEN_SPLIT.split(value) if token] if value.strip() else []


def contains(ancestor, el) -> bool:
    """Whether `el` lies inside `ancestor` (not `ancestor` itself)."""
    return any(node is ancestor for node in el.iterancestors())
