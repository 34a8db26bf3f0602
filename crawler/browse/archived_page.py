"""The page "as archived": an archived HTML page defused and pointed into the archive.

Scripts, event handlers, `javascript:` URLs, `<base>`, frames and objects are removed, and
every address the page names leads into the archive (`/-/archived` for pages, `/-/capture`
for archived files), under a banner naming its source and capture date. The links into the
archive are here too, as the rewriting is what uses them most; the routes that serve the
page are in crawler.browse.captures.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlencode, urljoin

import lxml.html
import markupsafe
from lxml import etree
from w3lib.encoding import html_to_unicode

from crawler.dates import VIETNAM
from crawler.urls import canonicalize_url, host_of
from crawler.browse.capture_store import SERVED_STATUSES, Payload, Unavailable, warc_timestamp

__all__ = ["ARCHIVED_PATH", "CAPTURE_PATH", "FILE_TYPES", "addresses", "archived_html", "archived_link", "banner",
           "capture_link", "defuse", "page_base", "parse_page"]  # fmt: skip

CAPTURE_PATH = "/-/capture"
ARCHIVED_PATH = "/-/archived"
# Rows whose capture is a file to hand over as it is; other rows are pages, read as archived.
FILE_TYPES = frozenset({"image", "attachment"})

# Elements removed from an archived page with everything they hold: they run code, load
# other documents or change where the page's addresses lead. <noscript> too: a browser that
# runs scripts never shows it, and reads what it holds as raw text, unlike the parser here.
_DROPPED = ("script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "template",
            "portal", "noembed", "param")  # fmt: skip
# Attributes that name an address a browser loads or follows.
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "background", "cite", "longdesc",
                             "lowsrc", "dynsrc", "xlink:href", "data", "manifest", "codebase"})  # fmt: skip
_NAVIGATION_ATTRIBUTES = frozenset({"action", "formaction", "cite", "longdesc"})
_SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
# Attributes dropped outright: they run code, or make requests of their own.
_DROPPED_ATTRIBUTES = frozenset({"srcdoc", "ping", "integrity", "nonce", "http-equiv", "archive"})
# `<link rel>` values that are worth keeping (rewritten); preloads and prefetches are not.
_KEPT_LINK_RELS = frozenset({"stylesheet", "icon", "shortcut", "apple-touch-icon", "canonical", "alternate",
                             "next", "prev"})  # fmt: skip
_CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>.*?)(?P=quote)\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(?P<quote>['"])(?P<url>.*?)(?P=quote)""", re.IGNORECASE)
# Style that runs code in old browsers: renamed to a property and function none knows.
_CSS_ACTIVE = re.compile(r"expression\s*\(|behavior\s*:|-moz-binding\s*:", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Characters a browser ignores inside a scheme (`java\tscript:`), stripped before it is read.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")


# --- links into the archive --------------------------------------------------------------


def capture_link(url: str, download: bool = False) -> str:
    """The archive's address of the payload archived for `url`."""
    return f"{CAPTURE_PATH}?{urlencode({'url': url})}" + ("&download=1" if download else "")


def archived_link(url: str) -> str:
    """The archive's address of `url` as archived (or of a line saying it is not)."""
    return f"{ARCHIVED_PATH}?{urlencode({'url': url})}"


# --- the as-archived page ----------------------------------------------------------------


def _vietnam_time(warc_date: str) -> str:
    """A WARC-Date as ISO 8601 in Vietnam's time, to the second: `2024-05-01T17:00:00+07:00`."""
    try:
        moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    except ValueError:
        return warc_date
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def _scheme(value: str) -> str | None:
    match = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", value))
    return match.group(1).lower() if match else None


class _Rewriter:
    """Maps each address an archived page names to one inside the archive."""

    def __init__(self, page_url: str, base: str, rows: dict[str, dict]) -> None:
        self.page_url = page_url
        self.base = base
        self.rows = rows

    @staticmethod
    def absolute(value: str, base: str) -> tuple[str | None, str]:
        """`value` as the canonical address the archive files it under, and its fragment."""
        value = value.strip()
        if _scheme(value) not in (None, "http", "https"):
            return None, ""
        try:
            joined = urljoin(base, value)
        except ValueError:
            return None, ""
        address, _, fragment = joined.partition("#")
        return canonicalize_url(address), fragment

    def __call__(self, value: str, resource: bool = False) -> str | None:
        """The archive's address for `value`; None when the attribute must go (a script's URL)."""
        scheme = _scheme(value)
        if scheme in ("javascript", "vbscript", "livescript"):
            return None
        if scheme == "data":
            return value if resource and value.strip().lower().startswith("data:image/") else None
        if value.strip().startswith("#"):
            return archived_link(self.page_url) + value.strip()
        url, fragment = self.absolute(value, self.base)
        if url is None:  # mailto:, tel: and the like: no request, but no archived page either
            return archived_link(value.strip())
        row = self.rows.get(url)
        if row and row["page_type"] in FILE_TYPES and row["status"] in SERVED_STATUSES:
            return capture_link(url)
        return archived_link(url) + (f"#{fragment}" if fragment and not resource else "")

    def css(self, text: str) -> str:
        """Style sheet text with its `url()` and `@import` addresses in the archive."""

        def replace(match: re.Match) -> str:
            target = self(match.group("url"), resource=True) or ""
            return match.group(0).replace(match.group("url"), target, 1) if match.group("url") else match.group(0)

        text = _CSS_IMPORT.sub(replace, _CSS_URL.sub(replace, text))
        return _CSS_ACTIVE.sub(lambda match: "x-" + match.group(0), text)

    def srcset(self, value: str) -> str:
        candidates = []
        for candidate in value.split(","):
            parts = candidate.split()
            if parts:
                target = self(parts[0], resource=True)
                if target:
                    candidates.append(" ".join([target, *parts[1:]]))
        return ", ".join(candidates)


def addresses(root, base: str) -> list[str]:
    """Every http(s) address the page names, canonical, to look up in one go."""
    found: dict[str, None] = {}
    for element in root.iter(etree.Element):
        for name, value in element.attrib.items():
            values = [value]
            if name in _SRCSET_ATTRIBUTES:
                values = [part.split()[0] for part in value.split(",") if part.split()]
            elif name == "style":
                values = [m.group("url") for m in _CSS_URL.finditer(value)]
            elif name not in _URL_ATTRIBUTES:
                continue
            for item in values:
                url, _ = _Rewriter.absolute(item, base)
                if url:
                    found.setdefault(url)
        if element.tag == "style" and element.text:
            for pattern in (_CSS_URL, _CSS_IMPORT):
                for match in pattern.finditer(element.text):
                    url, _ = _Rewriter.absolute(match.group("url"), base)
                    if url:
                        found.setdefault(url)
    return list(found)


def parse_page(payload: Payload):
    """The archived page's tree, decoded as a browser would (BOM, HTTP charset, meta charset, UTF-8)."""
    _, text = html_to_unicode(payload.header("Content-Type"), payload.body)
    if not text.strip():
        raise Unavailable(503, f"The capture of {payload.url} is an empty page")
    try:
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise Unavailable(503, f"The capture of {payload.url} cannot be read as HTML: {error}") from None


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)


def page_base(root, url: str) -> str:
    """The address the page's relative links are read against: its `<base href>`, else its own."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            try:
                return urljoin(url, href)
            except ValueError:
                return url
    return url


def defuse(root, rewrite: _Rewriter) -> None:
    """Remove what runs or loads from outside; point every address the page names into the archive."""
    for element in list(root.iter(*_DROPPED)):
        _remove(element)
    for element in list(root.iter("meta")):
        if element.get("http-equiv") is not None or element.get("charset") is not None:
            _remove(element)  # a refresh leaves the archive; the charset is the archive's own now
    for element in list(root.iter("link")):
        rels = set((element.get("rel") or "").lower().split())
        if not rels & _KEPT_LINK_RELS:
            _remove(element)  # preload, prefetch, preconnect, manifest…: requests of their own
    for element in root.iter(etree.Element):
        for name in list(element.attrib):
            value = element.attrib[name]
            lowered = name.lower()
            if lowered.startswith("on") or lowered in _DROPPED_ATTRIBUTES:
                del element.attrib[name]
            elif lowered in _URL_ATTRIBUTES:
                # Where a reader goes (a link, a form) keeps its fragment; what a browser loads may be a data: image.
                navigation = lowered in _NAVIGATION_ATTRIBUTES or (
                    lowered in ("href", "xlink:href") and element.tag in ("a", "area")
                )
                target = rewrite(value, resource=not navigation)
                if target is None:
                    del element.attrib[name]
                else:
                    element.attrib[name] = target
            elif lowered in _SRCSET_ATTRIBUTES:
                element.attrib[name] = rewrite.srcset(value)
            elif lowered == "style":
                element.attrib[name] = rewrite.css(value)
            elif _scheme(value) in ("javascript", "vbscript"):
                del element.attrib[name]  # an address in an attribute no browser should know: still no script
        if element.tag == "style" and element.text:
            element.text = rewrite.css(element.text)


def _remove(element) -> None:
    """Drop `element` and what it holds, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def banner(payload: Payload, article_link: str | None) -> str:
    """What the reader sees first: the source, the capture date, the way back, the way out."""
    captured = _vietnam_time(payload.date)
    unchanged = ""
    if payload.content_date and warc_timestamp(payload.content_date) != warc_timestamp(payload.date):
        unchanged = markupsafe.Markup("; its content unchanged since {}").format(_vietnam_time(payload.content_date))
    back = markupsafe.Markup('<a href="{}" style="color:#0b3d91">This article in the archive</a> · ').format(
        article_link
    ) if article_link else ""
    host = host_of(payload.url) or payload.url
    return markupsafe.Markup(
        '<div id="cchc-archive-banner" style="all:initial;display:block;box-sizing:border-box;width:100%;'
        "padding:8px 12px;background:#fff8dc;border-bottom:2px solid #b8860b;color:#222;"
        'font:14px/1.5 system-ui,sans-serif">'
        "Archived copy of <code>{url}</code>, captured <time>{captured}</time>{unchanged}, as the server sent it "
        "(scripts removed, nothing loaded from the site).<br>{back}"
        '<a href="{url}" rel="noopener noreferrer nofollow" style="color:#8b0000">'
        "Leave the archive: the live page on {host} ↗</a></div>"
    ).format(url=payload.url, captured=captured, unchanged=unchanged, back=back, host=host)


def archived_html(payload: Payload, rows: dict[str, dict], article_link: str | None, root=None) -> str:
    """The archived page, defused, with its banner on top, as HTML text (UTF-8)."""
    root = parse_page(payload) if root is None else root
    rewrite = _Rewriter(payload.url, page_base(root, payload.url), rows)
    defuse(root, rewrite)
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    head.insert(0, etree.Element("meta", charset="utf-8"))
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    notice = lxml.html.fragment_fromstring(str(banner(payload, article_link)))
    notice.tail, body.text = body.text, None
    body.insert(0, notice)
    return lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode", method="html")
