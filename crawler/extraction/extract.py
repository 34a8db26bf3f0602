"""Extraction: pure functions from a page's `(html, url)` to its fields.

No Scrapy and no database here: a researcher can call `extract_article(html, url)` on a
saved page. Two layers: the site's profile (`crawler.extraction.profile`, its markup as data) is
tried first; when it misses, the generic extractor (`crawler.extraction.generic`) reads any
news-article page. Each article says which one found it in `extraction_method`
(`profile` or `generic`), and a page that looked like an article but gave none says why
in `Page.note`.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from urllib.parse import urljoin

import lxml.html
import nh3
from lxml import etree
from w3lib.encoding import html_to_unicode

from crawler.extraction import generic
from crawler.dates import clean_raw_date, find_date, parse_date, parse_iso
from crawler.extraction.documents import read_document
from crawler.extraction.parts import ArticleParts
from crawler.extraction.profile import Profile, default_profile
from crawler.text import nfc, normalize_space
from crawler.extraction.tree import BLOCKS, compiled, contains, first, paragraphs, text
from crawler.urls import canonicalize_url, is_attachment, url_path

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
_CANONICAL = compiled('//link[@rel="canonical"]/@href')


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
    extraction_method: str | None = None  # profile | generic: the extractor that read the page
    note: str | None = None  # why a page that looked like an article gave none
    build_article: Callable[[], dict] | None = field(default=None, repr=False, compare=False)
    build_document: Callable[[], dict | None] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def article(self) -> dict | None:
        """The article's fields (see `extract_article`), None for a page with no main text.

        A page with a headline and a body but no date (a static page, an undated post) has
        them too, with the warning "no publication date"; its `page_type` is not `article`
        and the archive stores no article for it.

        Built when first read: a crawl never reads those of a print view whose canonical
        page it archives anyway, and they are most of what extraction costs.
        """
        return self.build_article() if self.build_article is not None else None

    @cached_property
    def document(self) -> dict | None:
        """A document page's particulars (see `crawler.extraction.documents.read_document`); None on other pages."""
        return self.build_document() if self.build_document is not None else None


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
    text_ = decode_html(html, content_type)
    if not text_.strip():
        raise ParseError("empty document")
    try:
        # Parse UTF-8 bytes, not str: lxml refuses str with an XML encoding declaration,
        # and a fixed encoding keeps it from re-reading a meta charset we already applied.
        return lxml.html.document_fromstring(text_.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ParseError(str(error) or "unparseable HTML") from error


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=False)


def extract_article(html: bytes | str, url: str, *, content_type: str | None = None,
                    profile: Profile | None = None) -> dict | None:  # fmt: skip
    """The article's fields, or None for a page with no headline and body of its own.

    A page that reads as an article but gives no date (a static page) has fields too,
    with the warning "no publication date"; `extract_page(...).page_type` tells the two
    apart, and only an `article` is archived as one.

    `html` may be bytes (decoded from `content_type`'s charset, then the meta charset)
    or text; `profile` is the site's (default: cchc.laichau.gov.vn's). The result is a
    plain dict: see `Page.article`.
    """
    try:
        return extract_page(html, url, content_type=content_type, profile=profile).article
    except ParseError:  # no HTML at all (an empty answer): no article in it
        return None


def extract_page(html: bytes | str, url: str, *, content_type: str | None = None,
                 profile: Profile | None = None) -> Page:  # fmt: skip
    """Classify a page, list its links and extract its article, from one parse."""
    url = url or ""  # a saved page whose address is unknown is read all the same
    profile = profile or default_profile()
    root = parse_html(html, content_type)
    base = _base_url(root, url)
    canonical = _canonical(root, base)
    links = _page_links(root, base)
    page = Page(url=url, page_type="page", canonical_url=canonical, links=links)
    parts = profile_parts(root, profile)
    known_type = _profile_page_type(root, profile) if parts is None else None
    if parts is None and known_type is None:
        found = generic.read_page(root, url, profile)
        parts, page.page_type, page.note, page.extraction_method = found.parts, found.page_type, found.note, "generic"
    elif parts is None:
        page.page_type, page.extraction_method = known_type, "profile"
    else:
        page.page_type, page.extraction_method = "article", "profile"
    if parts is not None:
        # An undated page's text is read as well (`Page.article`), but only an `article`
        # page is archived as one.
        page.title = parts.title
        page.build_article = partial(article_fields, root, url, base, parts, canonical, profile)
    else:
        page.title = text(first(root, [compiled("//h1"), compiled("//title")])) or None
    if page.page_type == "document":
        page.build_document = partial(_document, root, url, base, profile)
    return page


def _document(root, url: str, base: str, profile: Profile) -> dict | None:
    document = read_document(root, base, profile)
    return dict(document, url=url) if document else None


# -- the profile's markup ----------------------------------------------------------------


def profile_parts(root, profile: Profile) -> ArticleParts | None:
    """Title, date and body by the profile's selectors; None if one of them is missing."""
    if not profile.has_article:
        return None
    title_el = first(root, profile.title)
    date_found = first(root, profile.date)
    body_el = first(root, profile.body)
    if title_el is None or date_found is None or body_el is None or isinstance(body_el, str):
        return None
    title = text(title_el)
    if not title:
        return None
    date_el, published_raw, published = read_date(date_found, profile)
    skip = {el for selector in profile.exclude for el in selector(body_el) if not isinstance(el, str)}
    skip |= {el for el in (title_el, date_el) if el is not None and contains(body_el, el)}
    parts = ArticleParts(method="profile", title=title, body_el=body_el, title_el=title_el, date_el=date_el,
                         published_raw=published_raw, published=published, skip=frozenset(skip),
                         breadcrumb_el=first(root, profile.breadcrumb), attachments_el=first(root, profile.attachments),
                         related_el=first(root, profile.related), latest_el=first(root, profile.latest))  # fmt: skip
    if published_raw and not published:
        parts.warnings.append(f"unparseable date: {published_raw}")
    return parts


def read_date(found, profile: Profile) -> tuple[object, str | None, str | None]:
    """The date a profile's selector found: (its element, the raw text, ISO 8601)."""
    if isinstance(found, str):  # an attribute: `<time datetime>`, a meta tag's content
        raw = normalize_space(found) or None
        return None, raw, parse_iso(raw)
    raw = clean_raw_date(text(found), profile.date_label) or None
    return found, raw, parse_date(raw, profile.date_pattern)


def _profile_page_type(root, profile: Profile) -> str | None:
    """listing, document or page when the profile recognises the page as one; else None."""
    if first(root, profile.listing + profile.pager) is not None:
        return "listing"
    if first(root, profile.document) is not None:
        return "document"
    if first(root, profile.static) is not None:
        return "page"
    return None


# -- the article's fields ------------------------------------------------------------------


def article_fields(root, url: str, base: str, parts: ArticleParts, canonical: str | None, profile: Profile) -> dict:
    """The article's fields, from the parts an extractor found."""
    body_el, skip = parts.body_el, parts.skip
    if parts.breadcrumb is not None:
        breadcrumb = list(parts.breadcrumb)
    else:
        breadcrumb = _breadcrumb(parts.breadcrumb_el, profile)
    if len(breadcrumb) > 1 and _same_title(breadcrumb[-1], parts.title):
        breadcrumb = breadcrumb[:-1]  # a trail that ends on the article itself
    body_text = "\n\n".join(paragraphs(body_el, skip))
    article = {
        "url": url,
        "canonical_url": canonical,
        "site_id": profile.article_id(url_path(url)),
        "title": parts.title,
        "published": parts.published,
        "published_raw": parts.published_raw or None,
        "breadcrumb": breadcrumb,
        "category": breadcrumb[-1] if len(breadcrumb) > 1 else None,
        "body_text": body_text,
        "body_html": _clean_html(body_el, base, skip),
        "word_count": len(body_text.split()),
        "content_sha256": hashlib.sha256(f"{parts.title}\n\n{body_text}".encode()).hexdigest(),
        "extraction_method": parts.method,
        "images": _images(body_el, base, skip),
        "attachments": _attachments(parts.attachments_el, body_el, base),
        "related": _box_links(parts.related_el, base),
        "latest": _box_links(parts.latest_el, base),
        "body_links": _links_in(body_el, base, skip),
        "nav_links": _breadcrumb_links(parts.breadcrumb_el, base),
        "warnings": list(parts.warnings),
    }
    if not parts.published and not parts.published_raw:
        article["warnings"].append("no publication date")
    if not body_text:
        article["warnings"].append("empty body")
    return article


def _same_title(item: str, title: str) -> bool:
    item, title = item.casefold(), title.casefold()
    return item == title or (len(item) > 20 and title.startswith(item.rstrip(".… ")))


def _breadcrumb(container, profile: Profile) -> list[str]:
    """The breadcrumb's items, whether links, plain text or list items, separators left out."""
    items: list[str] = []
    if container is not None:
        _breadcrumb_items(container, items, profile)
    return items


def _breadcrumb_items(element, items: list[str], profile: Profile) -> None:
    def add(text_: str | None) -> None:
        for part in profile.breadcrumb_separators.split(text_ or ""):
            part = normalize_space(part.replace("\n", " "))
            if part:
                items.append(part)

    add(element.text)
    for child in element:
        if isinstance(child.tag, str) and "sep" not in (child.get("class") or "").split():
            if child.tag in ("script", "style", "meta"):
                pass
            elif child.tag in ("ul", "ol", "li", "div", "nav", "p"):
                _breadcrumb_items(child, items, profile)  # a container of items
            else:
                add(text(child))  # one item (a link, a span, the current page in bold…)
        add(child.tail)


def _breadcrumb_links(container, base: str) -> list[dict]:
    links = []
    for a in container.iter("a") if container is not None else ():
        url = canonicalize_url(a.get("href") or "", base)
        if url:
            links.append({"url": url, "title": text(a)})
    return links


def _images(body_el, base: str, skip=frozenset()) -> list[dict]:
    images = []
    for img in body_el.iter("img"):
        if skip and any(el in skip for el in img.iterancestors()):
            continue
        src = canonicalize_url(img.get("src") or "", base)
        if not src:
            continue  # data:, javascript: and the like are no image of the archive
        images.append({"src": src, "alt": normalize_space(img.get("alt") or "") or None, "caption": _caption(img)})
    return images


def _caption(img) -> str | None:
    """The italic line under an image (or its figcaption), as the site writes captions."""
    block = img
    while block is not None and block.tag not in BLOCKS:
        block = block.getparent()
    if block is None:
        return None
    if block.tag == "figure":
        caption = block.find(".//figcaption")
        return text(caption) or None if caption is not None else None
    # An <em> after the image in the same paragraph, or a next paragraph that is all italic.
    for em in img.itersiblings():
        if em.tag in ("em", "i"):
            return text(em) or None
    following = block.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is not None and following.tag in ("p", "div"):
        italic = following.xpath(".//em | .//i")
        shown = text(following)
        if italic and shown and normalize_space(" ".join(text(i) for i in italic)) == shown:
            return shown
    return None


def _attachments(box, body_el, base: str) -> list[dict]:
    listed = list(box.iter("a")) if box is not None else []
    seen, attachments = set(), []
    # Every link of the attachment box counts, and links to files from the body.
    for a in listed + [a for a in body_el.iter("a")]:
        url = canonicalize_url(a.get("href") or "", base)
        if not url or url in seen or not (a in listed or is_attachment(url)):
            continue
        seen.add(url)
        attachments.append({"url": url, "name": text(a) or url.rsplit("/", 1)[-1]})
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
    title = text(a)
    beside = [a.tail or ""]
    following = a.getnext()
    if following is not None and isinstance(following.tag, str) and following.tag != "a":
        beside.append(text(following))
    parent = a.getparent()
    if parent is not None and len(parent.findall(".//a")) == 1:
        beside.append(text(parent).replace(title, "", 1))  # the only link of its <li>
    for written in beside:
        if find_date(written):
            return title, parse_date(clean_raw_date(written))
    if title.endswith(")") and "(" in title:  # `Title (20/12/2022 9:18:33 CH)` inside the link itself
        head, _, ending = title[:-1].rpartition("(")
        if head.strip() and find_date(ending) and find_date(ending).start() == 0:
            return head.rstrip(), parse_date(ending)
    return title, None


def _links_in(el, base: str, skip=frozenset()) -> list[dict]:
    links, seen = [], set()
    for a in el.iter("a"):
        if skip and any(node in skip for node in a.iterancestors()):
            continue
        url = canonicalize_url(a.get("href") or "", base)
        if url and url not in seen:
            seen.add(url)
            links.append({"url": url, "title": text(a)})
    return links


def _clean_html(body_el, base: str, skip) -> str:
    body = copy.deepcopy(body_el)
    body.tail = None
    body.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
    html = lxml.html.tostring(body, encoding="unicode", with_tail=False)
    for el in skip:  # title, date and tools found inside the body block
        html = html.replace(lxml.html.tostring(el, encoding="unicode", with_tail=False), "", 1)
    cleaned = nh3.clean(html, tags=_SAFE_TAGS, attributes=_SAFE_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                        clean_content_tags=_DROPPED_WITH_CONTENT, link_rel="noopener noreferrer")  # fmt: skip
    return nfc(cleaned.replace("\xa0", " ").replace("&nbsp;", " ")).strip()


# -- pages -----------------------------------------------------------------------------


def _base_url(root, url: str) -> str:
    base = compiled("//base/@href")(root)
    if not base:
        return url
    try:
        return urljoin(url, base[0].strip())
    except ValueError:  # a `<base href>` that is no URL: links are read against the page's own address
        return url


def _canonical(root, base: str) -> str | None:
    hrefs = _CANONICAL(root)
    return canonicalize_url(hrefs[0], base) if hrefs else None


def _page_links(root, base: str) -> list[str]:
    seen: dict[str, None] = {}
    for href in compiled("//a/@href | //area/@href")(root):
        url = canonicalize_url(href, base)
        if url:
            seen.setdefault(url)
    return list(seen)
