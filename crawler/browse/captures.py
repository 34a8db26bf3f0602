"""The reading room's captures: what the server sent, read back from the WARC files.

A Datasette plugin (registered by crawler.browse.serve) with two routes:

- `/-/capture?url=<original URL>`: the archived payload of the newest capture of that
  URL with status 200, with the server's own Content-Type; `&download=1` adds a
  Content-Disposition with the file's name. Article pages show their images and offer
  their attached files through it, so the archive needs no help from the site.
- `/-/archived?url=<original URL>`: the page as the server sent it, decoded by its
  charset, under a banner naming its source and capture date, with nothing executed and
  nothing loaded from outside the archive: scripts, event handlers, `javascript:` URLs,
  `<base>`, frames and objects are removed, a Content-Security-Policy forbids the rest,
  and every address the page names leads into the archive (`/-/archived` for pages,
  `/-/capture` for archived files; anything not archived to a one-line "not archived").

A capture is found by its `pages` row (`warc_file`, `warc_offset`: one record read, no
scan). A `revisit` record holds no payload: the payload is in the earlier record with the
same digest, found by bisecting the folder's sorted CDXJ index (`index.cdxj`, written by
every crawl), as is an older capture when the newest fetch of a URL was no 200.

The WARC folder is `archive/warc` beside the database (as the crawl writes it), or
`warc_dir` in the plugin configuration of `cchc-archive` (`cchc-archive serve --warc-dir`).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import lxml.html
import markupsafe
from datasette import hookimpl
from datasette.utils.asgi import Response
from lxml import etree
from w3lib.encoding import html_to_unicode
from warcio.archiveiterator import ArchiveIterator

from crawler.dates import VIETNAM
from crawler.urls import canonicalize_url, host_of
from crawler.archive.warc import INDEX_NAME

__all__ = ["CAPTURE_PATH", "ARCHIVED_PATH", "CSP", "Unavailable", "capture_link", "archived_link"]

CAPTURE_PATH = "/-/capture"
ARCHIVED_PATH = "/-/archived"
# What an archived page may do in a browser: show itself, with the archive's images and styles.
CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; "
       "frame-ancestors 'self'; form-action 'none'; base-uri 'none'")  # fmt: skip
# A raw capture opened on its own (an HTML page, an SVG image) is sandboxed as well: no script,
# no access to the archive's origin. Not a PDF: browsers refuse to show one in a sandbox.
SANDBOXED_CSP = "sandbox; " + CSP
# Rows whose capture is a file to hand over as it is; other rows are pages, read as archived.
FILE_TYPES = frozenset({"image", "attachment"})
# Statuses whose record stands for a payload: a 200, or a 304 confirming the archived one.
SERVED_STATUSES = (200, 304)
REDIRECT_HOPS = 10  # as the crawl's REDIRECT_MAX_TIMES
IN_CLAUSE = 500  # addresses looked up per query when a page's links are classified

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
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._()\- ]+")

_PAGE_COLUMNS = ("url", "status", "page_type", "error", "redirect_to", "canonical_url", "warc_file", "warc_offset",
                 "warc_record_type", "payload_digest", "captured")  # fmt: skip


class Unavailable(Exception):
    """A capture that cannot be served: `status` and a one-line message for the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Payload:
    """An archived response: its headers and body as the server sent them (content-decoded)."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str  # WARC-Date of the newest capture: when the server last sent (or confirmed) this payload
    content_date: str  # WARC-Date of the record that holds the payload (earlier, for a revisit)

    def header(self, name: str) -> str | None:
        """The value of the HTTP header `name` (any case), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type") or "application/octet-stream"


@dataclass
class _Record:
    """One response or revisit record, read at its offset."""

    url: str
    rec_type: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str
    refers_to_uri: str | None
    refers_to_date: str | None
    digest: str | None


# --- links into the archive --------------------------------------------------------------


def capture_link(url: str, download: bool = False) -> str:
    """The archive's address of the payload archived for `url`."""
    return f"{CAPTURE_PATH}?{urlencode({'url': url})}" + ("&download=1" if download else "")


def archived_link(url: str) -> str:
    """The archive's address of `url` as archived (or of a line saying it is not)."""
    return f"{ARCHIVED_PATH}?{urlencode({'url': url})}"


# --- reading the WARC files --------------------------------------------------------------


def warc_folder(datasette, db_path: str | None) -> Path:
    """Where the captures are: the configured `warc_dir`, or `archive/warc` beside the database.

    The default is the crawl's (crawler.crawl.middlewares.default_warc_dir), computed here so the
    server does not load Scrapy.
    """
    configured = (datasette.plugin_config("cchc-archive") or {}).get("warc_dir")
    if configured:
        return Path(configured)
    return Path(db_path or ".").resolve().parent / "archive" / "warc"


def read_record(folder: Path, warc_file: str, offset: int, url: str) -> _Record:
    """The record of `url` at `offset` of `warc_file`: one record read, the file never scanned."""
    if not warc_file or Path(warc_file).name != warc_file:
        raise Unavailable(503, f"The capture of {url} names no WARC file of the archive: {warc_file!r}")
    path = folder / warc_file
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None or record.rec_headers.get_header("WARC-Target-URI") != url:
                raise Unavailable(503, f"The capture of {url} is not at offset {offset} of {warc_file}")
            http = record.http_headers
            body = record.content_stream().read() if record.rec_type == "response" else b""
            headers = record.rec_headers
            return _Record(
                url=url,
                rec_type=record.rec_type,
                status=int(http.get_statuscode() or 0) if http is not None else 0,
                headers=list(http.headers) if http is not None else [],
                body=body,
                date=headers.get_header("WARC-Date") or "",
                refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
                refers_to_date=headers.get_header("WARC-Refers-To-Date"),
                digest=headers.get_header("WARC-Payload-Digest"),
            )
    except FileNotFoundError:
        raise Unavailable(503, f"The capture of {url} is in {warc_file}, which is not in {folder}") from None
    except Unavailable:
        raise
    except Exception as error:  # a file cut short, a record that is no WARC: one line, not a traceback
        reason = " ".join(str(error).split()) or type(error).__name__
        raise Unavailable(503, f"The capture of {url} in {warc_file} cannot be read: {reason}") from None


def index_lines(index: Path, prefix: bytes) -> Iterator[bytes]:
    """The lines of a sorted CDXJ index that start with `prefix`, found by bisection.

    The index of a big archive holds millions of lines; a lookup reads a few dozen.
    """
    try:
        stream = open(index, "rb")
    except OSError:
        return
    with stream:
        size = stream.seek(0, os.SEEK_END)
        low, high = 0, size
        while low < high:  # the first position whose next whole line is not before `prefix`
            middle = (low + high) // 2
            line = _line_after(stream, middle)
            if line and line < prefix:
                low = middle + 1
            else:
                high = middle
        stream.seek(low)
        if low:
            stream.readline()
        for line in stream:
            if not line.startswith(prefix):
                return
            yield line.rstrip(b"\n")


def _line_after(stream, position: int) -> bytes:
    """The first whole line that starts after `position - 1` (the first line for 0)."""
    stream.seek(position)
    if position:
        stream.readline()
    return stream.readline()


def _index_entries(folder: Path, url: str, timestamp: str = "") -> list[dict]:
    """The CDXJ entries of `url` (captured at `timestamp`, a 14-digit WARC time, if given), oldest first."""
    import surt  # as crawler.archive.warc keys the index

    prefix = f"{surt.surt(url)} {timestamp}".encode()
    entries = []
    for line in index_lines(folder / INDEX_NAME, prefix):
        try:
            fields = json.loads(line.split(b" ", 2)[2])
        except (IndexError, ValueError):
            continue
        if fields.get("url") == url and fields.get("filename") and fields.get("offset"):
            entries.append(fields)
    return entries


def _warc_timestamp(date: str | None) -> str:
    """A WARC-Date as the index's 14 digits (`2024-05-01T10:00:00.5Z` → `20240501100000`)."""
    return re.sub(r"\D", "", date or "")[:14]


def _original(folder: Path, url: str, digest: str | None, captured: str | None) -> _Record:
    """The response record holding the payload a revisit of `url` refers to."""
    for timestamp in dict.fromkeys((_warc_timestamp(captured), "")):  # at its date first, then any
        for entry in _index_entries(folder, url, timestamp):
            if entry.get("mime") == "warc/revisit" or (digest and entry.get("digest") != digest):
                continue
            record = read_record(folder, entry["filename"], int(entry["offset"]), url)
            if record.rec_type == "response":
                return record
    raise Unavailable(503, f"The capture of {url} repeats an earlier one that {INDEX_NAME} in {folder} does not list")


def _payload(record: _Record, original: _Record | None = None) -> Payload:
    """The payload of `record`, or of the `original` a revisit refers to (a 304's revisit carries
    only the validators: the payload's own headers, its Content-Type above all, are the original's)."""
    holder = original or record
    return Payload(record.url, 200, holder.headers, holder.body, record.date, holder.date)


def payload_of(folder: Path, row: dict | None, url: str) -> Payload:
    """The newest payload of `url` with status 200: from its `pages` row, else from the index."""
    if row and row.get("status") in SERVED_STATUSES and row.get("warc_file") and row.get("warc_offset") is not None:
        record = read_record(folder, row["warc_file"], int(row["warc_offset"]), url)
        if record.rec_type == "response" and record.status == 200:
            return _payload(record)
        if record.rec_type == "revisit":
            digest = row.get("payload_digest") or record.digest
            captured = row.get("captured") or record.refers_to_date
            return _payload(record, _original(folder, record.refers_to_uri or url, digest, captured))
    # The newest fetch was no 200 (the article is gone now, a failed revalidation): an older capture.
    for entry in reversed(_index_entries(folder, url)):
        if str(entry.get("status")) != "200":
            continue
        record = read_record(folder, entry["filename"], int(entry["offset"]), url)
        if record.rec_type == "response":
            return _payload(record)
        if record.rec_type == "revisit":
            original = _original(folder, record.refers_to_uri or url, record.digest, record.refers_to_date)
            return _payload(record, original)
    raise Unavailable(404, f"Not archived: {url}")


# --- the archive's rows ------------------------------------------------------------------


def _database(datasette):
    """The archive Datasette serves: its first database on a file."""
    for name, database in datasette.databases.items():
        if not database.is_memory and not name.startswith("_"):
            return database
    raise Unavailable(503, "No archive is served")


async def _page_row(database, url: str) -> dict | None:
    """The `pages` row of `url` as given, or as the crawl writes it (canonical)."""
    candidates = list(dict.fromkeys(filter(None, (url, canonicalize_url(url)))))
    marks = ", ".join("?" for _ in candidates)
    result = await database.execute(
        f"SELECT {', '.join(_PAGE_COLUMNS)} FROM pages WHERE url IN ({marks})", candidates
    )
    rows = {row["url"]: dict(zip(_PAGE_COLUMNS, row)) for row in result.rows}
    return next((rows[candidate] for candidate in candidates if candidate in rows), None)


def _redirect_target(row: dict | None) -> str | None:
    """Where a redirect the crawl followed leads (not a loop, nor off the site: those carry an error)."""
    if row and row.get("page_type") == "redirect" and row.get("redirect_to") and not row.get("error"):
        return row["redirect_to"]
    return None


async def _rows_of(database, urls: list[str]) -> dict[str, dict]:
    """`page_type` and `status` of each of `urls` the archive knows."""
    rows: dict[str, dict] = {}
    for start in range(0, len(urls), IN_CLAUSE):
        chunk = urls[start:start + IN_CLAUSE]
        result = await database.execute(
            f"SELECT url, page_type, status FROM pages WHERE url IN ({', '.join('?' for _ in chunk)})", chunk
        )
        rows.update({row[0]: {"page_type": row[1], "status": row[2]} for row in result.rows})
    return rows


async def _article_link(datasette, database, row: dict | None, url: str) -> str | None:
    """The archive's page of the article at `url` (or at its canonical address), if it holds one."""
    candidates = [u for u in dict.fromkeys((url, (row or {}).get("canonical_url"))) if u]
    result = await database.execute(
        f"SELECT id FROM articles WHERE url IN ({', '.join('?' for _ in candidates)}) LIMIT 1", candidates
    )
    found = result.first()
    return f"{datasette.urls.table(database.name, 'articles')}/{found[0]}" if found else None


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


def _addresses(root, base: str) -> list[str]:
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
    if payload.content_date and _warc_timestamp(payload.content_date) != _warc_timestamp(payload.date):
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


# --- the routes ----------------------------------------------------------------------------


def _message(error: Unavailable) -> Response:
    return Response.text(error.message.splitlines()[0] + "\n", status=error.status)


def _filename(url: str) -> str:
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1], errors="replace")
    return name.replace("\\", "_").replace("/", "_") or "download"


def content_disposition(url: str) -> str:
    """`attachment` with the file's name: an ASCII one for old clients, the UTF-8 one (RFC 6266) for the rest."""
    name = _filename(url)
    letters = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = _UNSAFE_FILENAME.sub("_", "".join(c for c in letters if not unicodedata.combining(c))).strip()
    return f"attachment; filename=\"{plain or 'download'}\"; filename*=UTF-8''{quote(name, safe='')}"


async def _find(datasette, request) -> tuple[object, dict | None, str]:
    url = (request.args.get("url") or "").strip()
    if not url:
        raise Unavailable(400, "Give the original address: ?url=https://…")
    database = _database(datasette)
    row = await _page_row(database, url)
    # The archive files each capture under its canonical address (as the crawl requested it).
    return database, row, (row or {}).get("url") or canonicalize_url(url) or url


async def capture(request, datasette) -> Response:
    """`/-/capture?url=…[&download=1]`: the archived payload of the URL, as the server typed it."""
    try:
        database, row, url = await _find(datasette, request)
        for _ in range(REDIRECT_HOPS):
            target = _redirect_target(row)
            if target is None:
                break
            url, row = target, await _page_row(database, target)
        folder = warc_folder(datasette, database.path)
        payload = await asyncio.to_thread(payload_of, folder, row, url)
    except Unavailable as error:
        return _message(error)
    content_type = payload.content_type
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    if content_type.split(";")[0].strip().lower() != "application/pdf":
        headers["Content-Security-Policy"] = SANDBOXED_CSP
    if request.args.get("download") not in (None, "", "0"):
        headers["Content-Disposition"] = content_disposition(url)
    return Response(payload.body, status=200, headers=headers, content_type=content_type)


async def archived(request, datasette) -> Response:
    """`/-/archived?url=…`: the page as the server sent it, defused, under the archive's banner."""
    try:
        database, row, url = await _find(datasette, request)
        target = _redirect_target(row)
        if target is not None:
            return Response.redirect(archived_link(target))
        if row and row.get("page_type") in FILE_TYPES:
            return Response.redirect(capture_link(url))
        payload = await asyncio.to_thread(payload_of, warc_folder(datasette, database.path), row, url)
        if not _is_page(payload):
            return Response.redirect(capture_link(url))
        root = await asyncio.to_thread(parse_page, payload)
        rows = await _rows_of(database, _addresses(root, page_base(root, url)))
        article_link = await _article_link(datasette, database, row, url)
        html = await asyncio.to_thread(archived_html, payload, rows, article_link, root)
    except Unavailable as error:
        return _message(error)
    headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    return Response.html(html, headers=headers)


def _is_page(payload: Payload) -> bool:
    declared = payload.content_type.split(";")[0].strip().lower()
    if declared in ("text/html", "application/xhtml+xml"):
        return True
    head = payload.body[:1024].lstrip().lower()
    return declared in ("", "application/octet-stream", "text/plain") and head.startswith((b"<!doctype html", b"<html"))


@hookimpl
def register_routes(datasette):
    """The two routes of the captures, on the project's Datasette only."""
    if datasette.plugin_config("cchc-archive") is None:
        return []
    return [(r"^/-/capture$", capture), (r"^/-/archived$", archived)]
