"""Extraction: pure functions from a page's `(html, url)` to its fields.

No Scrapy and no database here: a researcher can call `extract_article(html, url)` on a
saved page. The site's selectors come from `crawler.site`; when they miss, a generic
main-content fallback still finds title, date and body, and says so in
`extraction_method`.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from urllib.parse import urljoin

import lxml.html
import nh3
from lxml import etree
from w3lib.encoding import html_to_unicode

from . import site
from .dates import clean_raw_date, parse_date
from .text import nfc, normalize_space
from .urls import canonicalize_url, is_attachment, site_article_id

# Elements that end one paragraph and start another.
_BLOCKS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr table tbody thead tfoot blockquote pre section "
    "article figure figcaption header footer address hr center main aside caption".split()
)
_CELLS = frozenset(("td", "th"))
# Elements whose text is never read as content.
_INVISIBLE = frozenset(
    "script style noscript template head title iframe object embed select button input textarea svg math".split()
)
_CELL_SEP = "\x00"

# What survives in stored body_html: structure, links and images, no styling, no script.
_SAFE_TAGS = {
    "p", "br", "div", "span", "a", "img", "em", "i", "strong", "b", "u", "s", "sub", "sup", "ul", "ol", "li",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "blockquote", "pre", "code", "h2", "h3",
    "h4", "h5", "h6", "figure", "figcaption", "hr", "dl", "dt", "dd",
}  # fmt: skip
# Elements whose content is no text of the article either: gone with what they hold.
_DROPPED_WITH_CONTENT = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "title"}
_SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


class ParseError(ValueError):
    """A page that cannot be read as HTML at all."""


@dataclass
class Page:
    """What one fetched HTML page is and where it leads."""

    url: str
    page_type: str  # article | listing | document | page
    title: str | None = None
    canonical_url: str | None = None
    links: list[str] = field(default_factory=list)
    build_article: Callable[[], dict] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def article(self) -> dict | None:
        """The article's fields (see `extract_article`), None for a page that is no article.

        Built when first read: a crawl never reads those of a print view whose canonical
        page it archives anyway, and they are most of what extraction costs.
        """
        return self.build_article() if self.build_article is not None else None


_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Files that servers mislabel as text/html now and then: their first bytes tell.
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def is_html(content_type: str | None, body: bytes) -> bool:
    """Whether a response is a page to read: by its first bytes, then its declared type."""
    head = body[:1024].lstrip()
    if head.startswith(_BINARY_MAGIC):
        return False
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared in _HTML_TYPES:
        return True
    if declared in ("", "application/octet-stream", "binary/octet-stream", "text/plain"):
        return b"<html" in head.lower() or b"<!doctype html" in head.lower()
    return False


def decode_html(html: bytes | str, content_type: str | None = None) -> str:
    """Decode page bytes as a browser would (BOM, HTTP header, meta charset, UTF-8), in NFC."""
    if isinstance(html, bytes):
        _, html = html_to_unicode(content_type, html)
    return nfc(html)


def parse_html(html: bytes | str, content_type: str | None = None) -> etree._Element:
    """Parse a page into an lxml tree; raise ParseError for something that is no HTML."""
    text = decode_html(html, content_type)
    if not text.strip():
        raise ParseError("empty document")
    try:
        # Parse UTF-8 bytes, not str: lxml refuses str with an XML encoding declaration,
        # and a fixed encoding keeps it from re-reading a meta charset we already applied.
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ParseError(str(error) or "unparseable HTML") from error


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=False)


def extract_article(html: bytes | str, url: str, *, content_type: str | None = None) -> dict | None:
    """The article's fields, or None for a page that is not an article.

    `html` may be bytes (decoded from `content_type`'s charset, then the meta charset)
    or text. The result is a plain dict: see `Page.article`.
    """
    return extract_page(html, url, content_type=content_type).article


def extract_page(html: bytes | str, url: str, *, content_type: str | None = None) -> Page:
    """Classify a page, list its links and extract its article, from one parse."""
    root = parse_html(html, content_type)
    base = _base_url(root, url)
    canonical = _canonical(root, base)
    links = _page_links(root, base)
    build, title = None, None
    found = _site_article_parts(root)
    if found is not None:
        title = found[0]
        build = partial(_article, root, url, base, *found, method="site", canonical=canonical)
    elif _first(root, site.LISTING + site.DOCUMENT + site.STATIC_PAGE) is None:
        fallback = _fallback_article(root, url, base, canonical)  # found and built in one go
        if fallback is not None:
            title, build = fallback["title"], partial(dict, fallback)
    page_type = "article" if build is not None else _page_type(root)
    title = title or _text(_first(root, ["//h1", "//title"]))
    return Page(url=url, page_type=page_type, title=title or None, canonical_url=canonical, links=links,
                build_article=build)  # fmt: skip


# -- the site's own markup -------------------------------------------------------------


def _site_article_parts(root) -> tuple[str, object, object] | None:
    """Title, date element and body element by the site's selectors; None if one is missing."""
    title_el = _first(root, site.TITLE)
    date_el = _first(root, site.DATE)
    body_el = _first(root, site.BODY)
    if title_el is None or date_el is None or body_el is None:
        return None
    title = _text(title_el)
    if not title:
        return None
    return title, date_el, body_el


def _article(root, url: str, base: str, title: str, date_el, body_el, *, method: str, canonical: str | None,
             skip=frozenset()) -> dict:  # fmt: skip
    published_raw = clean_raw_date(_text(date_el)) if date_el is not None else None
    published = parse_date(published_raw)
    breadcrumb = _breadcrumb(root)
    images = _images(body_el, base)
    body_text = "\n\n".join(_paragraphs(body_el, skip))
    attachments = _attachments(root, body_el, base)
    article = {
        "url": url,
        "canonical_url": canonical,
        "site_id": site_article_id(url),
        "title": title,
        "published": published,
        "published_raw": published_raw or None,
        "breadcrumb": breadcrumb,
        "category": breadcrumb[-1] if len(breadcrumb) > 1 else None,
        "body_text": body_text,
        "body_html": _clean_html(body_el, base, skip),
        "word_count": len(body_text.split()),
        "content_sha256": hashlib.sha256(f"{title}\n\n{body_text}".encode()).hexdigest(),
        "extraction_method": method,
        "images": images,
        "attachments": attachments,
        "related": _box_links(_first(root, site.RELATED_BOX), base),
        "latest": _box_links(_first(root, site.LATEST_BOX), base),
        "body_links": _links_in(body_el, base),
        "nav_links": _breadcrumb_links(root, base),
        "warnings": [],
    }
    if published_raw and not published:
        article["warnings"].append(f"unparseable date: {published_raw}")
    if date_el is None:
        article["warnings"].append("no publication date")
    if not body_text:
        article["warnings"].append("empty body")
    return article


def _breadcrumb(root) -> list[str]:
    """The breadcrumb's items, whether links, plain text or list items, separators left out."""
    container = _first(root, site.BREADCRUMB_BOX)
    items: list[str] = []
    if container is not None:
        _breadcrumb_items(container, items)
    return items


def _breadcrumb_items(element, items: list[str]) -> None:
    def add(text: str | None) -> None:
        for part in site.BREADCRUMB_SEPARATORS.split(text or ""):
            part = normalize_space(part.replace("\n", " "))
            if part:
                items.append(part)

    add(element.text)
    for child in element:
        if isinstance(child.tag, str) and "sep" not in (child.get("class") or "").split():
            if child.tag in ("ul", "ol", "li", "div", "nav", "p"):
                _breadcrumb_items(child, items)  # a container of items
            else:
                add(_text(child))  # one item (a link, a span, the current page in bold…)
        add(child.tail)


def _breadcrumb_links(root, base: str) -> list[dict]:
    links = []
    container = _first(root, site.BREADCRUMB_BOX)
    for a in container.iter("a") if container is not None else ():
        url = canonicalize_url(a.get("href") or "", base)
        if url:
            links.append({"url": url, "title": _text(a)})
    return links


def _images(body_el, base: str) -> list[dict]:
    images = []
    for img in body_el.iter("img"):
        src = canonicalize_url(img.get("src") or "", base)
        if not src:
            continue  # data:, javascript: and the like are no image of the archive
        images.append({"src": src, "alt": normalize_space(img.get("alt") or "") or None, "caption": _caption(img)})
    return images


def _caption(img) -> str | None:
    """The italic line under an image (or its figcaption), as the site writes captions."""
    block = img
    while block is not None and block.tag not in _BLOCKS:
        block = block.getparent()
    if block is None:
        return None
    if block.tag == "figure":
        caption = block.find(".//figcaption")
        return _text(caption) or None if caption is not None else None
    # An <em> after the image in the same paragraph, or a next paragraph that is all italic.
    for em in img.itersiblings():
        if em.tag in ("em", "i"):
            return _text(em) or None
    following = block.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is not None and following.tag in ("p", "div"):
        italic = following.xpath(".//em | .//i")
        text = _text(following)
        if italic and text and normalize_space(" ".join(_text(i) for i in italic)) == text:
            return text
    return None


def _attachments(root, body_el, base: str) -> list[dict]:
    box = _first(root, site.ATTACHMENT_BOX)
    listed = list(box.iter("a")) if box is not None else []
    seen, attachments = set(), []
    # Every link of the attachment box counts, and links to files from the body.
    for a in listed + [a for a in body_el.iter("a")]:
        url = canonicalize_url(a.get("href") or "", base)
        if not url or url in seen or not (a in listed or is_attachment(url)):
            continue
        seen.add(url)
        attachments.append({"url": url, "name": _text(a) or url.rsplit("/", 1)[-1]})
    return attachments


def _box_links(box, base: str) -> list[dict]:
    """Links of a `Tin liên quan` / `Tin mới nhất` box, each with the date written beside it."""
    if box is None:
        return []
    links, seen = [], set()
    for a in box.iter("a"):
        url = canonicalize_url(a.get("href") or "", base)
        if not url or url in seen:
            continue
        seen.add(url)
        title, published = _title_and_date(a)
        links.append({"url": url, "title": title, "published": published})
    return links


def _title_and_date(a) -> tuple[str, str | None]:
    """A box link's title, and the date beside it: after the link, or ending its text."""
    title = _text(a)
    beside = [a.tail or ""]
    following = a.getnext()
    if following is not None and isinstance(following.tag, str) and following.tag != "a":
        beside.append(_text(following))
    parent = a.getparent()
    if parent is not None and len(parent.findall(".//a")) == 1:
        beside.append(_text(parent).replace(title, "", 1))  # the only link of its <li>
    for text in beside:
        if site.SITE_DATE.search(text):
            return title, parse_date(clean_raw_date(text))
    ending = site.TITLE_WITH_DATE.match(title)
    if ending:  # `Title (20/12/2022 9:18:33 CH)` inside the link itself
        return ending["title"], parse_date(ending["date"])
    return title, None


def _links_in(el, base: str) -> list[dict]:
    links, seen = [], set()
    for a in el.iter("a"):
        url = canonicalize_url(a.get("href") or "", base)
        if url and url not in seen:
            seen.add(url)
            links.append({"url": url, "title": _text(a)})
    return links


def _clean_html(body_el, base: str, skip) -> str:
    body = copy.deepcopy(body_el)
    body.tail = None
    body.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
    html = lxml.html.tostring(body, encoding="unicode", with_tail=False)
    for el in skip:  # title and date found inside the fallback's body block
        html = html.replace(lxml.html.tostring(el, encoding="unicode", with_tail=False), "", 1)
    cleaned = nh3.clean(html, tags=_SAFE_TAGS, attributes=_SAFE_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                        clean_content_tags=_DROPPED_WITH_CONTENT, link_rel="noopener noreferrer")  # fmt: skip
    return nfc(cleaned.replace("\xa0", " ").replace("&nbsp;", " ")).strip()


# -- text ------------------------------------------------------------------------------


def _paragraphs(el, skip=frozenset()) -> list[str]:
    """The visible text of `el` as paragraphs: one per block element, `<br>` kept as a line break."""
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
            if tag in _INVISIBLE:
                pass
            elif tag == "br":
                buffer.append("\n")
            elif tag in _BLOCKS:
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


def _text(el) -> str:
    """The element's text on one line, spaces normalised; '' for None."""
    if el is None:
        return ""
    if isinstance(el, str):
        return normalize_space(el.replace("\n", " "))
    if len(el) == 0 or el.tag in ("a", "h1", "h2", "h3", "span", "em", "i", "b", "strong", "title"):
        # Short inline elements: no blocks or scripts inside worth the full walk.
        return normalize_space("".join(el.itertext()).replace("\n", " "))
    return normalize_space(" ".join(_paragraphs(el)).replace("\n", " "))


def _first(root, xpaths: list[str]):
    for xpath in xpaths:
        found = _compiled(xpath)(root)
        if found:
            return found[0]
    return None


@lru_cache(maxsize=None)
def _compiled(xpath: str) -> etree.XPath:
    return etree.XPath(xpath)


# -- pages -----------------------------------------------------------------------------


def _base_url(root, url: str) -> str:
    base = _compiled("//base/@href")(root)
    return urljoin(url, base[0].strip()) if base else url


def _canonical(root, base: str) -> str | None:
    hrefs = _compiled(site.CANONICAL)(root)
    return canonicalize_url(hrefs[0], base) if hrefs else None


def _page_links(root, base: str) -> list[str]:
    seen: dict[str, None] = {}
    for href in _compiled("//a/@href | //area/@href")(root):
        url = canonicalize_url(href, base)
        if url:
            seen.setdefault(url)
    return list(seen)


def _page_type(root) -> str:
    if _first(root, site.LISTING + [site.PAGER]) is not None:
        return "listing"
    if _first(root, site.DOCUMENT) is not None:
        return "document"
    return "page"


# -- the generic fallback --------------------------------------------------------------


def _fallback_article(root, url: str, base: str, canonical: str | None) -> dict | None:
    """Title, date and body found without the site's selectors, on a copy of the page."""
    root = lxml.html.fromstring(lxml.html.tostring(root))
    for el in root.xpath(site.BOILERPLATE):
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()
    title_el = _first(root, ["//h1", "//*[contains(@class, 'title')][not(self::title)]"])
    if title_el is None:
        return None
    title = _text(title_el)
    date_el = _date_after(title_el)
    if not title or date_el is None:
        return None
    body_el = _main_block(root)
    if body_el is None:
        return None
    skip = frozenset(el for el in (title_el, date_el) if _contains(body_el, el))
    if not _paragraphs(body_el, skip):
        return None
    return _article(root, url, base, title, date_el, body_el, method="fallback", canonical=canonical, skip=skip)


def _date_after(title_el):
    """The first element after the title whose text holds a date, within a few elements."""
    for count, el in enumerate(title_el.itersiblings()):
        if count > 3:
            break
        if isinstance(el.tag, str) and site.SITE_DATE.search(_text(el)[:80]):
            return el
    parent = title_el.getparent()
    if parent is not None and parent.tag not in ("body", "html"):
        return _date_after(parent)
    return None


def _main_block(root):
    """The element holding the most paragraph text: the article body on most CMS pages."""
    scores: dict = {}
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(_text(p))
    if not scores:
        return None
    return max(scores, key=scores.get)


def _contains(ancestor, el) -> bool:
    return any(node is ancestor for node in el.iterancestors())
