"""A deterministic replica of cchc.laichau.gov.vn and a tiny HTTP server for it.

The live site cannot be reached, so tests and the demo crawl this instead. By default
every page uses the markup of the site snapshot (templates in `replica_data/`): the three
snapshot articles keep their real bodies, the rest are generated from a vocabulary of
real administrative-reform phrases. Each article's ground truth (`ReplicaArticle`) says
what an extractor must find in it, so a crawl of the replica can be checked exactly.

The same articles can be written in the markup of other Vietnamese government portals
(`MARKUPS`: a DotNetNuke portal, a modern HTML5 theme, an old table layout), each with a
ground truth of its own, to check an extractor that does not know the site's markup.

Absolute self links (print-view canonical, share links) are stored with the placeholder
`__BASE__`; `ReplicaServer` replaces it with its own URL, so a `Replica` is port-free.

Attached `.pdf` and `.docx` files are real documents generated from their article's text
(reportlab with an embedded Vietnamese font, python-docx), each with a phrase found in no
page (`text_contains` in the ground truth); `.doc`, `.xls` and `.xlsx` stay placeholders.
Every reference to a legal or administrative document in an article's title, body and attached
files (`ReplicaArticle.legal_refs`) and in a document's summary is declared in the data files
(vocabulary.json's `citations`, the snapshot articles' `legal_citations`, documents.json's
`summary_citations`) and recorded as the generator writes it, never read back from the text;
`Replica.document_truth` says what each document page's particulars are.
Every 200 response has an `ETag` and a `Last-Modified` and the server answers conditional
requests with 304. After a build, `Replica.revise`, `remove` and `add_articles` change the
site the way its editors do, for re-crawl tests; a running server serves the change at once.

    python -m crawler.replica --port 8000 --articles 300 [--markup portal]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import io
import json
import random
import re
import struct
import threading
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from importlib import resources as package_files
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

DATA_DIR = Path(__file__).parent / "data"
BASE = "__BASE__"  # replaced by the server's base URL at serve time
VIETNAM = timezone(timedelta(hours=7))
PAGE_SIZE = 10
MIN_ARTICLES = 10  # the three snapshot articles and the generated ones below
MIN_GENERATED = 7  # two windows-1258, NFD, Word, plain and two ordinary ones to carry the links
HOME_TITLE = "Trang thông tin điện tử cải cách hành chính tỉnh Lai Châu"
NO_IMAGE = "/Portals/0/Images/no-image.png"
HTML_UTF8 = "text/html; charset=utf-8"
ROBOTS_TXT = b"User-agent: *\nDisallow: /tim-kiem\nDisallow: /Admin\n"
# Query parameters a server ignores: the page is the same without them.
TRACKING_PARAM = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc)$", re.IGNORECASE)
# cp1258 spells these five tones as combining marks after the base letter.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
DEAD_ARTICLE_ID = 987  # below every id the replica hands out
MIN_TEXT = 800  # characters a generated body has at least before its legal basis, required sentence and trap
SHORT_CITATION = 32  # the longest citation a file's name carries: `Quyết định số 1052/QĐ-UBND`

# Sections of the menu: path -> breadcrumb after "Trang chủ" as (path, name) pairs.
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "tin-tuc-su-kien": (("/tin-tuc-su-kien", "Tin tức - Sự kiện"),),
    "tin-tuc-su-kien/tin-cchc-cua-tinh": (
        ("/tin-tuc-su-kien", "Tin tức - Sự kiện"),
        ("/tin-tuc-su-kien/tin-cchc-cua-tinh", "Tin CCHC của tỉnh"),
    ),
    "tin-tuc-su-kien/tin-cchc-trung-uong": (
        ("/tin-tuc-su-kien", "Tin tức - Sự kiện"),
        ("/tin-tuc-su-kien/tin-cchc-trung-uong", "Tin CCHC Trung ương"),
    ),
    "ket-qua-cchc": (("/ket-qua-cchc", "Kết quả CCHC"),),
    "ket-qua-cchc/bao-cao-cchc-dinh-ky": (
        ("/ket-qua-cchc", "Kết quả CCHC"),
        ("/ket-qua-cchc/bao-cao-cchc-dinh-ky", "Báo cáo CCHC định kỳ"),
    ),
    "ket-qua-cchc/chi-so-cchc": (("/ket-qua-cchc", "Kết quả CCHC"), ("/ket-qua-cchc/chi-so-cchc", "Chỉ số CCHC")),
    "chuyen-doi-so": (("/chuyen-doi-so", "Chuyển đổi số"),),
    "hoi-dap": (("/hoi-dap", "Hỏi đáp"),),
    "van-ban-cchc": (("/van-ban-cchc", "Văn bản CCHC"),),
    "van-ban-cchc/van-ban-trung-uong": (
        ("/van-ban-cchc", "Văn bản CCHC"),
        ("/van-ban-cchc/van-ban-trung-uong", "Văn bản của Trung ương"),
    ),
    "van-ban-cchc/van-ban-cua-tinh": (
        ("/van-ban-cchc", "Văn bản CCHC"),
        ("/van-ban-cchc/van-ban-cua-tinh", "Văn bản của tỉnh"),
    ),
}
# Categories that hold articles, in menu order, with the vocabulary topic and share of articles.
CATEGORIES: dict[str, tuple[str, float]] = {
    "tin-tuc-su-kien/tin-cchc-cua-tinh": ("news", 0.34),
    "tin-tuc-su-kien/tin-cchc-trung-uong": ("central", 0.18),
    "ket-qua-cchc/bao-cao-cchc-dinh-ky": ("report", 0.16),
    "ket-qua-cchc/chi-so-cchc": ("index", 0.10),
    "chuyen-doi-so": ("digital", 0.14),
    "hoi-dap": ("qa", 0.08),
}
# Menu sections whose listing shows all their subcategories' articles.
PARENT_SECTIONS = ("tin-tuc-su-kien", "ket-qua-cchc")

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".css": "text/css",
    ".js": "application/javascript",
}
# Attachment formats in the order they are handed out, so a few articles cover all of them.
ATTACHMENT_EXTENSIONS = (".pdf", ".docx", ".xls", ".doc", ".xlsx", ".pdf", ".docx", ".pdf")
FILE_KINDS = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".xls": "xls", ".xlsx": "xlsx"}
# Attached files carry a made-up document code found on no page: `mã tài liệu ĐLHL3310A`.
CODE_LABEL = "mã tài liệu"
STATIC_ASSETS = (
    "/Portals/_default/skins/cchc/skin.css",
    "/Resources/Shared/Scripts/jquery/jquery.min.js",
    "/Portals/0/Images/banner-cchc.png",
    "/Portals/0/Images/dvc.png",
    "/Portals/0/Images/cong-ttdt.png",
    NO_IMAGE,
)
JUSTIFY_STYLE = "text-align: justify;"
JUSTIFY = f'<p style="{JUSTIFY_STYLE}">'  # a justified paragraph's opening tag, as crawler.replica.hostile writes them


@dataclass
class Resource:
    """One served URL: status, headers (without Content-Length) and body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes

    def with_base(self, base: str) -> Resource:
        """This resource with `__BASE__` replaced by `base` (e.g. `http://127.0.0.1:8000`)."""
        if BASE.encode() not in self.body:
            return self
        return Resource(self.status, dict(self.headers), self.body.replace(BASE.encode(), base.encode()))

    @property
    def last_modified(self) -> datetime | None:
        """The `Last-Modified` header as an aware datetime; None without one."""
        value = self.headers.get("Last-Modified")
        return parsedate_to_datetime(value) if value else None

    def not_modified(self, request_headers: Any) -> bool:
        """Whether a conditional GET/HEAD with these request headers is answered 304.

        `If-None-Match` wins over `If-Modified-Since` (RFC 9110 13.2.2); ETags compare
        weakly. The ETag is the hash of the stored body, so it is the same on every port.
        """
        etag = self.headers.get("ETag")
        if self.status != 200 or etag is None:
            return False
        if_none_match = request_headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in tags or etag.removeprefix("W/") in tags
        since, modified = request_headers.get("If-Modified-Since"), self.last_modified
        if not since or modified is None:
            return False
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date is ignored, as servers do
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return modified <= moment


def _stamped(resource: Resource, modified: datetime) -> Resource:
    """`resource` with an `ETag` (hash of its body) and a `Last-Modified` of `modified`."""
    headers = dict(resource.headers)
    headers["ETag"] = '"' + hashlib.blake2b(resource.body, digest_size=16).hexdigest() + '"'
    headers["Last-Modified"] = formatdate(modified.timestamp(), usegmt=True)
    return Resource(resource.status, headers, resource.body)


@dataclass
class ReplicaArticle:
    """Ground truth of one article: what a correct extraction of its page yields."""

    path: str
    site_id: int
    title: str
    published: str
    published_raw: str
    breadcrumb: list[str]  # [] where the markup shows none
    category: str | None  # the breadcrumb's last item; None without a breadcrumb
    paragraphs: list[str]
    images: list[dict]
    attachments: list[dict]  # url, name, kind (pdf, docx…), text_contains (a phrase only in that file, or None)
    related: list[str]
    body_links: list[str]
    variant: str  # utf-8 | windows-1258 | nfd | word | plain
    # Every reference to a document, one per mention: field (title, body_text, attachment_text), number, date.
    legal_refs: list[dict] = field(default_factory=list)
    # The written citations behind them: field, text (as extracted text reads it), html (as the page's source
    # writes it), forms, refs, and url for a citation in an attached file.
    citations: list[dict] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        """The expected body text: paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass
class Replica:
    """Every URL of the replica site and the ground truth behind its pages."""

    resources: dict[str, Resource]
    articles: list[ReplicaArticle]
    listings: list[str]
    documents: list[str]
    static_pages: list[str]
    redirects: dict[str, str]
    dead_links: list[str]
    not_found: Resource = field(default_factory=lambda: Resource(404, {"Content-Type": HTML_UTF8}, b""))
    # Every served attachment or document file: path -> {"kind", "text_contains"}.
    files: dict[str, dict] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)  # articles taken down by `remove`, now 404
    markup: str = "snapshot"  # the template its pages are written in: one of MARKUPS
    # Document page path -> its particulars as a parser must read them (see `_document_truth`).
    document_truth: dict[str, dict] = field(default_factory=dict)
    _builder: Any = field(default=None, repr=False, compare=False)

    def get(self, path_and_query: str, base: str | None = None) -> Resource:
        """The resource for a request path; unknown paths give the 404 page.

        Like the real server, tracking parameters (`utm_*`, `fbclid`, `zarsrc`) are ignored
        and a fragment never matters. With `base`, `__BASE__` is replaced by it.
        """
        resource = self._lookup(path_and_query.split("#", 1)[0] or "/")
        return resource if base is None else resource.with_base(base)

    def _lookup(self, path_and_query: str) -> Resource:
        found = self.resources.get(path_and_query)
        if found is not None:
            return found
        path, _, query = path_and_query.partition("?")
        if query:
            kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not TRACKING_PARAM.match(k)]
            found = self.resources.get(path + ("?" + urlencode(kept) if kept else ""))
            if found is not None:
                return found
        return self.not_found

    def article(self, path: str) -> ReplicaArticle:
        """The ground truth of the article at `path`."""
        for article in self.articles:
            if article.path == path:
                return article
        raise KeyError(path)

    # ---- changes after the build, for re-crawl tests and benchmarks

    def revise(self, paths: list[str], note: str = "Cập nhật") -> None:
        """Append a paragraph (`{note} (lần N): …`) to each article: new ETag, later Last-Modified.

        Only those article pages and their print views change (the listing summary is the
        first paragraph, so listings stay as they were); the ground truth follows.
        """
        builder = self._editor()
        drafts = [builder.live_draft(path) for path in dict.fromkeys(paths)]  # all known before any changes
        for draft in drafts:
            builder.revise_draft(draft, note)
        self._publish(builder)

    def remove(self, paths: list[str]) -> None:
        """Take these articles down: they and their print views answer 404 and leave every listing.

        Other articles' `Tin liên quan` keep linking them (the CMS stored those links), so a
        crawler meets them as dead links; the ground truth lists them in `removed`.
        """
        builder = self._editor()
        drafts = [builder.live_draft(path) for path in dict.fromkeys(paths)]
        if len(drafts) >= len(builder.live_drafts()):
            raise ValueError("cannot remove every article of the replica")
        builder.removed.update(d.path for d in drafts)
        self._publish(builder, dropped=[p for d in drafts for p in (d.path, d.path + "?print=1")])

    def add_articles(self, n: int) -> list[ReplicaArticle]:
        """Publish `n` new articles, newer than all others, with new ids: first on page 1 of their listings.

        Listings, the home page and the `Tin mới nhất` box of every page are re-rendered;
        returns the ground truth of the new articles.
        """
        builder = self._editor()
        added = builder.add_drafts(n)
        self._publish(builder)
        return [self.article(draft.path) for draft in added]

    def _editor(self) -> _Builder:
        if self._builder is None:
            raise RuntimeError("only a replica made by build_replica() can be changed")
        return self._builder

    def _publish(self, builder: _Builder, dropped: tuple[str, ...] | list[str] = ()) -> None:
        """Re-render the site into a new resource map, stamp what changed, then swap it in at once.

        A running server reads `resources` at each request: it sees the old site or the
        new one, never half of each.
        """
        previous = self.resources
        stale = set(dropped) | set(self.listings)  # listings are re-rendered; pages past the new last one go
        builder.resources = {path: r for path, r in previous.items() if path not in stale}
        builder.render()
        builder.files(builder.live_drafts(), builder.documents)
        builder.stamp(previous, when=builder.tick())
        self.listings = builder.listings
        self.static_pages = builder.static
        self.not_found = builder.not_found
        self.files = dict(builder.file_truth)
        self.removed = sorted(builder.removed)
        self.articles = builder.truths()
        self.resources = builder.resources


# --------------------------------------------------------------------------------------
# Small helpers: text, dates, encodings


def ascii_slug(title: str, limit: int = 90) -> str:
    """The site's URL slug: ASCII-folded (đ → d), dash-separated, cut at 90 characters."""
    text = title.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-")


def format_site_date(moment: datetime) -> str:
    """.NET vi-VN `dd/MM/yyyy h:mm:ss tt`: `24/09/2021 12:00:00 SA`, `20/12/2022 9:18:33 CH`."""
    hour = moment.hour % 12 or 12
    return f"{moment:%d/%m/%Y} {hour}:{moment:%M:%S} {'SA' if moment.hour < 12 else 'CH'}"


def parse_site_date(raw: str) -> datetime:
    """Inverse of `format_site_date`, in Vietnam time."""
    day, month, year, hour, minute, second, ampm = re.fullmatch(
        r"(\d\d)/(\d\d)/(\d{4}) (\d{1,2}):(\d\d):(\d\d) (SA|CH)", raw
    ).groups()
    hour24 = int(hour) % 12 + (12 if ampm == "CH" else 0)
    return datetime(int(year), int(month), int(day), hour24, int(minute), int(second), tzinfo=VIETNAM)


def to_cp1258(text: str) -> bytes:
    """Encode as Vietnamese windows-1258 does: tone marks as combining characters after the letter.

    Letters with a vowel shape of their own (â ê ô ơ ư ă đ) are single cp1258 bytes; the
    five tones are not, so each is split off and written after its base letter.
    """
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        if not tones:
            out.append(char)
            continue
        rest = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(rest + tones)
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _nfc_tree(value: Any) -> Any:
    """Normalize every string of loaded JSON to NFC (data files are edited by hand)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc_tree(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=None)
def _data_text(name: str) -> str:
    return (DATA_DIR / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _data_json(name: str) -> Any:
    return _nfc_tree(json.loads(_data_text(name)))


def _render(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def _viewstate(path: str) -> str:
    """A per-page ASP.NET __VIEWSTATE lookalike: pages differ in boilerplate as on the real site."""
    digest = hashlib.sha1(path.encode()).digest()
    stamp = str(int.from_bytes(digest[:4], "big"))[:10].rjust(10, "1").encode()
    return base64.b64encode(b"\xff\x01\x0f\x0f\x05\n" + stamp + b"dd" + digest).decode()


def _sapo(text: str, limit: int) -> str:
    """A listing summary: the first paragraph cut at a word boundary, as the snapshot shows."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "..."


# --------------------------------------------------------------------------------------
# Placeholder files: small but real enough for a content sniffer


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1 grey
    pixels = zlib.compress(b"\x00\xc0")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _jpeg() -> bytes:
    """An 8×8 mid-grey baseline JPEG: one block, DC difference 0, end-of-block."""
    segments = [
        b"\xff\xd8",
        b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
        b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes([1] * 64),
        b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 8, 8, 1) + b"\x01\x11\x00",
        b"\xff\xc4" + struct.pack(">H", 20) + b"\x00" + bytes([1] + [0] * 15) + b"\x00",
        b"\xff\xc4" + struct.pack(">H", 20) + b"\x10" + bytes([1] + [0] * 15) + b"\x00",
        b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00" + b"\x00\x3f\x00",
        b"\x3f",  # two 1-bit codes "0" (DC 0, EOB), padded with ones
        b"\xff\xd9",
    ]
    return b"".join(segments)


def _office_zip(kind: str) -> bytes:
    """A minimal OOXML package (fixed timestamps, so the bytes are deterministic)."""
    part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types '
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        part: '<?xml version="1.0" encoding="UTF-8"?><placeholder>cchc.laichau.gov.vn replica</placeholder>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


@lru_cache(maxsize=None)
def _file_bytes(extension: str) -> bytes:
    if extension == ".pdf":
        return (DATA_DIR / "2790-KH-UBND.pdf").read_bytes()
    if extension in (".docx", ".xlsx"):
        return _office_zip(extension[1:])
    if extension in (".doc", ".xls"):
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # OLE2 compound-file header
    if extension == ".jpg":
        return _jpeg()
    if extension == ".png":
        return _png()
    if extension == ".css":
        return b"body{font-family:Arial,sans-serif}\n"
    return b"/* jQuery placeholder */\n"


def _file_resource(path: str) -> Resource:
    extension = Path(urlsplit(path).path).suffix.lower()
    return Resource(200, {"Content-Type": CONTENT_TYPES[extension]}, _file_bytes(extension))


# --------------------------------------------------------------------------------------
# Real attached documents: PDF and DOCX with Vietnamese text

PDF_FONT = "SourceSansPro"
FILE_EPOCH = datetime(2021, 1, 1, tzinfo=VIETNAM)  # zip member times: fixed, so the bytes are deterministic


def font_path(style: str = "Regular") -> Path:
    """A TrueType font with every Vietnamese letter (Source Sans Pro, from the font-source-sans-pro package)."""
    return Path(str(package_files.files("font_source_sans_pro") / "files" / f"SourceSansPro-{style}.ttf"))


@lru_cache(maxsize=None)
def _pdf_fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, style in ((PDF_FONT, "Regular"), (PDF_FONT + "-Bold", "Bold")):
        pdfmetrics.registerFont(TTFont(name, str(font_path(style))))
    return PDF_FONT, PDF_FONT + "-Bold"


def make_pdf(title: str, paragraphs: list[str] | tuple[str, ...], author: str = "UBND tỉnh Lai Châu") -> bytes:
    """A real PDF: the title in bold, then the paragraphs, in an embedded font, so the text extracts back.

    Deterministic (reportlab's invariant mode: no timestamps, no random ids); a few ms.
    """
    return _make_pdf(title, tuple(paragraphs), author)


@lru_cache(maxsize=2048)
def _make_pdf(title: str, paragraphs: tuple[str, ...], author: str) -> bytes:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    regular, bold = _pdf_fonts()
    heading = ParagraphStyle("heading", fontName=bold, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=8)
    normal = ParagraphStyle("normal", fontName=regular, fontSize=11, leading=15, spaceAfter=6)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                                 bottomMargin=2 * cm, title=title, author=author, invariant=1)  # fmt: skip
    # Paragraph parses markup, so text is escaped; every glyph comes from the embedded font.
    story = [Paragraph(_esc(title), heading), Spacer(1, 4)]
    story += [Paragraph(_esc(text), normal) for text in paragraphs]
    document.build(story)
    return buffer.getvalue()


def make_docx(title: str, paragraphs: list[str] | tuple[str, ...], table: list[list[str]] | None = None,
              created: datetime = FILE_EPOCH) -> bytes:  # fmt: skip
    """A real DOCX (python-docx): a heading, the paragraphs, then `table` rows if given; deterministic."""
    return _make_docx(title, tuple(paragraphs), tuple(map(tuple, table or ())), created)


@lru_cache(maxsize=1)
def _docx_template() -> bytes:
    """python-docx's default template without what no replica file uses, once per process.

    The default weighs 790 kB of XML, nearly all of it a Word 2010 copy of the styles and
    ~140 table styles; every file would parse, serialise and compress them again.
    """
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rel_id)
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in ("TableNormal", "TableGrid"):
            styles.remove(style)
    document.styles["Normal"].font.name = "Times New Roman"  # what the province's documents use
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=2048)
def _make_docx(title: str, paragraphs: tuple[str, ...], table: tuple[tuple[str, ...], ...], created: datetime) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(_docx_template()))
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "UBND tỉnh Lai Châu", "UBND tỉnh Lai Châu"
    properties.created = properties.modified = created.astimezone(timezone.utc).replace(tzinfo=None)
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        grid.style = "Table Grid"
        for row, values in zip(grid.rows, table):
            for cell, value in zip(row.cells, values):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(package: bytes) -> bytes:
    """The same zip with every member dated `FILE_EPOCH`: python-docx stamps members with the current time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=FILE_EPOCH.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member))
    return out.getvalue()


# --------------------------------------------------------------------------------------
# Article drafts: what the generator decides before rendering


@dataclass
class _Block:
    """A piece of body HTML and the paragraphs it shows (none for an image alone).

    `html` is the snapshot's markup. Other markups re-render a paragraph from `inner`
    and `style` and an image from `image`; any other block (a list, Word's HTML) is
    pasted content that every CMS keeps as it is, so `html` serves them all.
    """

    html: str
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # site paths the block links to
    kind: str = "html"  # paragraph | image | html
    inner: str = ""  # a paragraph's inline HTML
    style: str = ""  # a paragraph's `style` attribute in the snapshot
    image: dict | None = None  # an image block: src, alt, caption


def _paragraph(inner: str, texts: list[str], style: str = JUSTIFY_STYLE, links: list[str] | None = None) -> _Block:
    """A `<p>` of the snapshot (`style` empty: a bare `<p>`) holding the inline HTML `inner`."""
    opener = f'<p style="{style}">' if style else "<p>"
    return _Block(f"{opener}{inner}</p>", texts, list(links or ()), kind="paragraph", inner=inner, style=style)


def _image_block(image: dict) -> _Block:
    """A centred image, with its caption paragraph below when it has one."""
    html_ = (f'<p style="text-align: center;"><img alt="{_attr(image["alt"])}" src="{image["src"]}" '
             f'style="width: 600px; height: 400px;" /></p>')  # fmt: skip
    texts = []
    if image["caption"]:
        html_ += f'\n<p style="text-align: center;"><em>{_esc(image["caption"])}</em></p>'
        texts = [image["caption"]]
    return _Block(html_, texts, kind="image", image=image)


# One line of a snapshot body: `<p style="…">inline HTML</p>`.
_SNAPSHOT_LINE = re.compile(r'<p(?: style="(?P<style>[^"]*)")?>(?P<inner>.*)</p>')
_IMAGE_TAG = re.compile(r'<img alt="[^"]*" src="(?P<src>[^"]*)"[^>]*/>')


def _snapshot_blocks(raw_body: str, draft: _Draft) -> list[_Block]:
    """The blocks of a snapshot body (one `<p>` a line), so other markups can render it too.

    Images pair with the caption line below them; the `&nbsp;` spacer lines end the body
    in the snapshot's markup only. Raises ValueError when the data files disagree: the
    blocks must show exactly the article's paragraphs.
    """
    images = {image["src"]: image for image in draft.images}
    blocks: list[_Block] = []
    for line in raw_body.splitlines():
        match = _SNAPSHOT_LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"snapshot body of {draft.site_id}: unexpected line {line[:60]!r}")
        inner, style = match["inner"], match["style"] or ""
        image = _IMAGE_TAG.fullmatch(inner)
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split())
        if image is not None:
            blocks.append(_image_block(images[image["src"]]))
        elif blocks and blocks[-1].kind == "image" and blocks[-1].texts == [text]:
            continue  # the caption line, already part of its image block
        elif text:
            blocks.append(_paragraph(inner, [text], style))
    if [t for block in blocks for t in block.texts] != draft.paragraphs:
        raise ValueError(f"snapshot body of {draft.site_id} does not show its paragraphs")
    return blocks


def _snapshot_citations(citations: list[dict], draft: _Draft) -> dict[str, list[dict]]:
    """The snapshot article's hand-made annotations as the draft's citations, text by text.

    Each annotated text must occur exactly once in its title, body or attachment names;
    raises ValueError otherwise, so the annotations cannot drift from the data files.
    """
    pieces = {"title": [draft.title], "body": draft.paragraphs, "attachment": [a["name"] for a in draft.attachments]}
    found: dict[str, list[dict]] = {}
    for citation in citations:
        texts = pieces[citation["in"]]
        if sum(text.count(citation["text"]) for text in texts) != 1:
            raise ValueError(f"snapshot article {draft.site_id}: {citation['text']!r} is not written once")
        holder = next(text for text in texts if citation["text"] in text)
        found.setdefault(holder, []).append({k: v for k, v in citation.items() if k != "in"})
    return found


@dataclass
class _LinkSpec:
    """A link to place in a body: its href, its visible text and the path it names."""

    href: str
    text: str
    path: str
    inline: bool = False  # "… tại đây" at the end of a sentence rather than "Xem thêm: title"
    cites: list[dict] = field(default_factory=list)  # the citations `text` makes (a linked article's title can cite)


@dataclass
class _Draft:
    """An article as the generator sees it: identity and role first, body and neighbours later."""

    category: str
    title: str
    published: datetime
    site_id: int = 0
    origin: str = "generated"  # snapshot | report | generated
    variant: str = "utf-8"
    blocks: list[_Block] = field(default_factory=list)
    raw_body: str | None = None  # the snapshot's verbatim body HTML
    paragraphs: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    body_links: list[str] = field(default_factory=list)
    links: list[_LinkSpec] = field(default_factory=list)
    features: set[str] = field(default_factory=set)
    related: list[_Draft] = field(default_factory=list)
    fixed_related: list[str] = field(default_factory=list)
    slots: dict | None = None  # place, agency… named by the title
    revisions: int = 0  # paragraphs appended by `Replica.revise`
    # Each text written with citations (title, paragraph, list item, attachment name) -> the citations, in order.
    cites: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/{self.category}/{ascii_slug(self.title)}-{self.site_id}.html"

    @property
    def date_raw(self) -> str:
        return format_site_date(self.published)

    @property
    def sort_key(self) -> tuple[datetime, int]:
        return (self.published, self.site_id)

    @property
    def thumb(self) -> str:
        return self.images[0]["src"] if self.images else NO_IMAGE

    @property
    def lead_text(self) -> str:
        captions = {image["caption"] for image in self.images}
        return next((p for p in self.paragraphs if p not in captions), self.title)


class _Slots:
    """Fills `{slot}`s of vocabulary templates; place and agency stay fixed within an article.

    `{cite:GROUP}` draws a citation of vocabulary.json's `citations[GROUP]` and `{cite}`
    writes the one `fill` is given; each is remembered until `take`, so the writer of a
    text records exactly the references it put there.
    """

    QUARTERS = ("I", "I", "I", "II", "II", "II", "III", "III", "III", "IV", "IV", "IV")

    def __init__(self, rng: random.Random, vocabulary: dict, moment: datetime, fixed: dict | None = None) -> None:
        self.rng = rng
        self.moment = moment
        self.fixed = fixed or {
            "district": rng.choice(vocabulary["districts"]),
            "agency": rng.choice(vocabulary["agencies"]),
            "procedure": rng.choice(vocabulary["procedures"]),
            "period": rng.choice(vocabulary["periods"]),
        }
        self.district, self.agency = self.fixed["district"], self.fixed["agency"]
        self.citations = vocabulary["citations"]
        self.cited: list[dict] = []  # drawn since the last `take`

    def fill(self, template: str, cite: dict | None = None, plain: bool = False, short: bool = False,
             keyed: bool = False) -> str:  # fmt: skip
        """The template with its slots filled; `plain`: only citations whose HTML is their text.

        Titles, file names and Word's HTML never carry a citation's own HTML form (a `&nbsp;`,
        a line break in the source), so they draw from the plain ones. `short`: only the
        short ones, for file names, which the portal keeps to the bare number. `keyed`: the
        citation follows from the rest of the text and draws nothing, so two titles are the
        same exactly when their other slots are, and a title's citation never shifts the
        draws that decide the site's shape (categories, dates, ids).
        """
        rng, moment = self.rng, self.moment
        values = {
            "district": self.district,
            "District": self.district[0].upper() + self.district[1:],
            "agency": self.agency,
            "procedure": self.fixed["procedure"],
            "period": self.fixed["period"],
            "year": str(moment.year),
            "prev_year": str(moment.year - 1),
            "next_year": str(moment.year + 1),
            "day": f"{moment.day:02d}",
            "month": f"{moment.month:02d}",
            "quarter": self.QUARTERS[moment.month - 1],
        }
        numbers = {
            "n": lambda: f"{rng.randint(120, 48000):,}".replace(",", "."),
            "n2": lambda: f"{rng.randint(2, 25):02d}",
            "pct": lambda: f"{rng.uniform(85, 99.99):.2f}".replace(".", ","),
            "score": lambda: f"{rng.uniform(76, 92):.2f}".replace(".", ","),
            "score2": lambda: f"{rng.uniform(74, 90):.2f}".replace(".", ","),
            "rank": lambda: str(rng.randint(5, 50)),
        }

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name == "cite":
                return match.group(0)  # written once the rest of the text is known
            return values[name] if name in values else numbers[name]()

        text = re.sub(r"\{(\w+)(?::\w+)?\}", replace, template)
        key = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")

        def write_citation(match: re.Match) -> str:
            group = match.group(1)
            if group is None:
                entry = cite
            else:
                choices = [e for e in self.citations[group] if not (plain and "html" in e)
                           and not (short and len(e["text"]) > SHORT_CITATION)]  # fmt: skip
                entry = choices[key % len(choices)] if keyed else rng.choice(choices)
            self.cited.append(entry)
            return entry["text"]

        return re.sub(r"\{cite(?::(\w+))?\}", write_citation, text)

    def take(self) -> list[dict]:
        """The citations drawn since the last call, in order: what the text just written cites."""
        cited, self.cited = self.cited, []
        return cited


def _written(draft: _Draft, text: str, slots: _Slots) -> str:
    """`text`, with the citations `slots` drew to write it noted in the draft."""
    cited = slots.take()
    if cited:
        draft.cites[text] = cited
    return text


def _inline(text: str, cites: list[dict] | tuple = ()) -> str:
    """`text` as inline HTML: escaped, each citation in the HTML form it declares (`&nbsp;`, a line break)."""
    out = _esc(text)
    for entry in cites:
        if "html" in entry:
            out = out.replace(_esc(entry["text"]), entry["html"])
    return out


def _body_citations(groups: dict) -> list[dict]:
    """Every citation a body can make, group after group: the appendix group is for attached files only."""
    return [entry for name, entries in groups.items() if name not in ("_about", "appendix") for entry in entries]


# --------------------------------------------------------------------------------------
# The generator


class _Builder:
    """Builds one replica; all randomness comes from `seed`, so two builds are equal.

    The content does not depend on the markup: the same seed gives the same articles in
    every markup, and only the pages' HTML (and what it lets an extractor read) differs.
    """

    def __init__(self, n_articles: int, seed: int, markup: str = "snapshot") -> None:
        if n_articles < MIN_ARTICLES:
            raise ValueError(f"n_articles must be at least {MIN_ARTICLES}, got {n_articles}")
        if markup not in _MARKUP_CLASSES:
            raise ValueError(f"unknown markup {markup!r}: one of {', '.join(MARKUPS)}")
        self.n_articles = n_articles
        self.seed = seed
        self.markup: _Markup = _MARKUP_CLASSES[markup]()
        self.rng = random.Random(f"replica-{seed}")
        self.vocabulary = _data_json("vocabulary.json")
        self.resources: dict[str, Resource] = {}
        self.redirects: dict[str, str] = {}
        self.listings: list[str] = []
        self.dead_links: list[str] = ["/rss"]  # linked from every page's top links, never served
        self.attachment_count = 0
        self.used_files: set[str] = set()
        self.all_drafts: list[_Draft] = []  # removed ones too: their ids and titles stay taken
        self.removed: set[str] = set()
        self.documents: list[dict] = []
        self.static: list[str] = []
        self.not_found = Resource(404, {"Content-Type": HTML_UTF8}, b"")
        self.latest_html = ""
        self.dates: dict[str, datetime] = {}  # Last-Modified at build, where it is not the newest article's date
        self.site_time = FILE_EPOCH  # the newest article's publication: when the site last changed
        self.clock = FILE_EPOCH  # the latest Last-Modified handed out
        self.file_truth: dict[str, dict] = {}
        # Bodies take turns through every citation and every trap sentence, so a few dozen articles show them all.
        self.citation_turn = 0
        self.trap_turn = 0

    # ---- articles: who they are

    def drafts(self) -> list[_Draft]:
        """The snapshot articles, their real neighbours and generated ones, with ids and roles."""
        snapshot = _data_json("snapshot/articles.json")
        drafts = [self._snapshot_draft(entry) for entry in snapshot["articles"]]
        # The seed page's real neighbours, as many as fit beside the generated articles a replica needs.
        room = self.n_articles - len(drafts) - MIN_GENERATED
        reports = [
            _Draft(r["category"], r["title"], parse_site_date(r["published_raw"]), origin="report")
            for r in snapshot["reports"][:room]
        ]
        taken = {d.title for d in drafts + reports}
        generated = self._generated_drafts(self.n_articles - len(drafts) - len(reports), taken)
        self._assign_ids(drafts, reports + generated)
        drafts += reports + generated
        titles = {d.title: d for d in drafts}
        for draft in drafts:
            # A small replica lacks some real neighbours; then related articles are chosen as for any other.
            present = all(t in titles for t in draft.fixed_related)
            draft.fixed_related = [titles[t].path for t in draft.fixed_related] if present else []
        self._assign_roles(generated, drafts)
        return drafts

    def _snapshot_draft(self, entry: dict) -> _Draft:
        published = parse_site_date(entry["published_raw"])
        draft = _Draft(entry["category"], entry["title"], published, entry["id"], "snapshot")
        draft.raw_body = _data_text(f"snapshot/news-content-{entry['id']}.html")
        if "paragraphs_from_seed_text" in entry:
            draft.paragraphs = seed_text_paragraphs(_data_text("snapshot/" + entry["paragraphs_from_seed_text"]))
        else:
            draft.paragraphs = list(entry["paragraphs"])
        draft.images = [dict(image) for image in entry["images"]]
        draft.attachments = [_attachment_truth(dict(a), draft, index) for index, a in enumerate(entry["attachments"])]
        draft.fixed_related = list(entry.get("related_titles", []))
        draft.blocks = _snapshot_blocks(draft.raw_body, draft)
        draft.cites = _snapshot_citations(entry["legal_citations"], draft)
        return draft

    def _generated_drafts(self, count: int, taken: set[str]) -> list[_Draft]:
        rng = self.rng
        keys = list(CATEGORIES)
        weights = [CATEGORIES[k][1] for k in keys]
        # Midnight and noon first: `12:xx SA` and `12:xx CH` are the cases a date parser gets wrong.
        hours = [0, 12, 23, 11, 13, 1] + [h for h in range(24) if h not in (0, 12, 23, 11, 13, 1)]
        start = datetime(2019, 1, 1, tzinfo=VIETNAM)
        span_days = (datetime(2024, 12, 31, tzinfo=VIETNAM) - start).days
        drafts = []
        for index in range(count):
            category = keys[index] if index < len(keys) else rng.choices(keys, weights)[0]
            day = start + timedelta(days=rng.randrange(span_days + 1))
            moment = day.replace(hour=hours[index % 24], minute=rng.randrange(60), second=rng.randrange(60))
            title, slots, cited = self._unique_title(category, moment, taken)
            drafts.append(_Draft(category, title, moment, slots=slots, cites={title: cited} if cited else {}))
        return drafts

    def _unique_title(self, category: str, moment: datetime, taken: set[str]) -> tuple[str, dict, list[dict]]:
        """A title not used yet, the place, agency… it names, for the body to repeat, and what it cites."""
        templates = self.vocabulary["titles"][category]
        for _ in range(60):
            slots = _Slots(self.rng, self.vocabulary, moment)
            title = slots.fill(self.rng.choice(templates), plain=True, keyed=True)
            if title not in taken:
                break
        else:  # vocabulary exhausted (very large n): a number keeps the title unique
            suffix = 2
            while f"{title} ({suffix})" in taken:
                suffix += 1
            title = f"{title} ({suffix})"
        taken.add(title)
        return title, slots.fixed, slots.take()

    def _assign_ids(self, fixed: list[_Draft], others: list[_Draft]) -> None:
        # Ids grow with the publication date, as a CMS's auto-increment does.
        reserved = {d.site_id for d in fixed}
        pool = [i for i in range(1100, 1100 + max(2900, 10 * len(others))) if i not in reserved]
        ids = sorted(self.rng.sample(pool, len(others)))
        for draft, site_id in zip(sorted(others, key=lambda d: d.published), ids):
            draft.site_id = site_id

    def _assign_roles(self, generated: list[_Draft], everyone: list[_Draft]) -> None:
        rng = self.rng
        by_age = sorted(generated, key=lambda d: d.sort_key)
        # Legacy encodings belong to the oldest pages, as on real portals.
        by_age[0].variant = "windows-1258"
        by_age[0].features.add("charset-header")
        by_age[1].variant = "windows-1258"  # declared only in the <meta> tag
        by_age[2].variant = "nfd"
        rest = by_age[3:]
        rng.shuffle(rest)
        rest[0].variant = "word"
        rest[1].variant = "plain"
        for draft in rest[6:]:  # rest[2:6] stay rich, so the link roles have hosts
            if rng.random() < 0.05:
                draft.variant = "plain"
        rich = [d for d in rest if d.variant == "utf-8"]
        rich.sort(key=lambda d: d.site_id)
        # The first rich articles carry every feature at least once; later ones get them at random.
        plans = [
            {"two_images", "attachments", "contact"},
            {"image", "no_caption", "attachments", "js_link", "list"},
            {"image", "doc_link", "nbsp", "author", "alt"},
            {"article_link", "heading"},
        ]
        for draft, plan in zip(rich, plans):
            draft.features |= plan
        self._plan_links(rich, everyone)

    def _plan_links(self, hosts: list[_Draft], everyone: list[_Draft]) -> None:
        """Links between articles: tracking parameters, fragments, a dead one, redirects."""
        rng = self.rng
        targets = [d for d in everyone if d.variant == "utf-8"]

        def pick(host: _Draft) -> _Draft:
            return rng.choice([t for t in targets if t is not host])

        def host(index: int) -> _Draft:
            return hosts[index % len(hosts)]

        dead_title = "Hội nghị trực tuyến triển khai công tác cải cách hành chính năm 2020 của tỉnh Lai Châu"
        dead_path = f"/tin-tuc-su-kien/tin-cchc-cua-tinh/{ascii_slug(dead_title)}-{DEAD_ARTICLE_ID}.html"
        self.dead_links.append(dead_path)
        host(0).links.append(_LinkSpec(dead_path, dead_title, dead_path))

        moved = pick(host(1))
        old_path = f"/tin-tuc/{ascii_slug(moved.title)}-{moved.site_id}.html"  # the URL scheme before the menu changed
        self.redirects[old_path] = moved.path
        self.resources[old_path] = _redirect(301, moved.path)
        host(1).links.append(_LinkSpec(old_path, moved.title, old_path, cites=moved.cites.get(moved.title, [])))

        chained = pick(host(2))
        legacy = f"/NewsDetail.aspx?id={chained.site_id}"
        short = f"/bai-viet/{chained.site_id}"
        self.redirects.update({legacy: short, short: chained.path})
        self.resources[legacy] = _redirect(302, short)
        self.resources[short] = _redirect(302, chained.path)
        host(2).links.append(_LinkSpec(legacy, "tại đây", legacy, inline=True))

        decorations = [
            "?utm_source=zalo&utm_medium=social",
            f"?fbclid=IwAR{_token(rng, 28)}",
            "?zarsrc=30&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo",
            "#noi-dung",
            "?utm_source=facebook&utm_medium=social&utm_campaign=cchc#binh-luan",
        ]
        for index, decoration in enumerate(decorations):
            target = pick(host(3 + index))
            host(3 + index).links.append(_LinkSpec(target.path + decoration, target.title, target.path,
                                                   cites=target.cites.get(target.title, [])))
        # An absolute link to the site itself, as editors paste from the address bar.
        target = pick(host(8))
        host(8).links.append(_LinkSpec(BASE + target.path, "tại đây", target.path, inline=True))
        for draft in hosts:
            if "article_link" in draft.features or rng.random() < 0.12:
                target = pick(draft)
                draft.links.append(_LinkSpec(target.path, target.title, target.path, inline=rng.random() < 0.4,
                                             cites=target.cites.get(target.title, [])))

    # ---- articles: bodies

    def write_bodies(self, drafts: list[_Draft], documents: list[dict]) -> None:
        """Generate every non-snapshot body (paragraphs and HTML blocks together)."""
        for draft in drafts:
            if draft.origin == "snapshot":
                continue
            rng = random.Random(f"body-{self.seed}-{draft.site_id}")
            slots = _Slots(rng, self.vocabulary, draft.published, draft.slots)
            if draft.variant == "word":
                self._word_body(draft, slots, rng)
            else:
                self._html_body(draft, slots, rng, documents)
            draft.paragraphs = [text for block in draft.blocks for text in block.texts]

    def _texts(self, draft: _Draft, slots: _Slots, rng: random.Random) -> list[str]:
        """3-12 paragraphs of real phrases for the draft's topic, then a legal basis and maybe a trap.

        Every text that cites a document notes its citations in the draft as it is written.
        """
        topic = CATEGORIES[draft.category][0]
        vocabulary = self.vocabulary
        plain = draft.variant == "word"
        sentences = list(vocabulary["sentences"][topic])
        if topic in ("news", "digital", "index"):
            sentences += vocabulary["sentences"]["news"] if topic != "news" else vocabulary["sentences"]["report"]
        rng.shuffle(sentences)
        if topic == "qa":
            question = draft.title.removeprefix("Hỏi: ")
            asker = slots.fill(vocabulary["questions_asker"].replace("{question}", question))
            paragraphs = [_written(draft, asker, slots), vocabulary["answer_label"]]
        else:
            paragraphs = [_written(draft, slots.fill(rng.choice(vocabulary["leads"][topic]), plain=plain), slots)]
        wanted = rng.randint(3, 12)
        # The portal's items run to several paragraphs: a body shorter than the boxes of links around it
        # is no article the site publishes, and would test an extractor on pages it never meets.
        while (len(paragraphs) < wanted or sum(map(len, paragraphs)) < MIN_TEXT) and sentences:
            count = min(len(sentences), rng.choice((1, 1, 2, 2, 3)))
            text = " ".join(slots.fill(sentences.pop(), plain=plain) for _ in range(count))
            paragraphs.append(_written(draft, text, slots))
        # Every generated article carries one of the phrases a search over the archive must find.
        required = vocabulary["required_sentences"][draft.site_id % len(vocabulary["required_sentences"])]
        position = rng.randint(1, len(paragraphs) - 1) if len(paragraphs) > 1 else 1
        paragraphs.insert(position, slots.fill(required))
        if topic != "qa" and rng.random() < 0.4:
            paragraphs.append(rng.choice(vocabulary["closings"]))
        # The legal basis right after the lead (or the answer's label), so attached files carry it too.
        basis = slots.fill(rng.choice(vocabulary["basis_sentences"]), cite=self._basis_citation(draft, rng))
        paragraphs.insert(2 if topic == "qa" else 1, _written(draft, basis, slots))
        traps = vocabulary["trap_sentences"]
        roll = rng.random()  # always drawn, so a turn taken never shifts what follows
        if self.trap_turn < len(traps) or roll < 0.25:
            trap = slots.fill(traps[self.trap_turn % len(traps)])
            self.trap_turn += 1
            paragraphs.insert(rng.randint(2, len(paragraphs)), trap)
        return paragraphs

    def _basis_citation(self, draft: _Draft, rng: random.Random) -> dict:
        """The citation of a body's legal basis: each in turn, so that every written form shows early.

        A Word body writes no citation's own HTML form, so it gives its turn to the next body
        and cites a plain one at random.
        """
        citations = _body_citations(self.vocabulary["citations"])
        if draft.variant == "word":
            return rng.choice([entry for entry in citations if "html" not in entry])
        entry = citations[self.citation_turn % len(citations)]
        self.citation_turn += 1
        return entry

    def _html_body(self, draft: _Draft, slots: _Slots, rng: random.Random, documents: list[dict]) -> None:
        plain = draft.variant == "plain"
        rich = draft.variant == "utf-8"

        def wants(feature: str, chance: float) -> bool:
            roll = rng.random()  # always drawn, so one feature's outcome never shifts the others
            return feature in draft.features or (not plain and roll < chance)

        style = "" if plain else JUSTIFY_STYLE
        texts = self._texts(draft, slots, rng)
        use_nbsp = rich and wants("nbsp", 0.2)
        blocks = []
        for index, text in enumerate(texts):
            body = _inline(text, draft.cites.get(text, ()))
            if use_nbsp and index % 2 == 1:
                body = body.replace(", ", ",&nbsp;", 1)  # editors' habit; extraction must read a space
            if text == self.vocabulary["answer_label"]:
                blocks.append(_paragraph(f"<strong>{body}</strong>", [text], style=""))
            else:
                blocks.append(_paragraph(body, [text], style))
        if rich and wants("heading", 0.1) and len(blocks) > 2:
            heading = "I. KẾT QUẢ ĐẠT ĐƯỢC" if CATEGORIES[draft.category][0] == "report" else "Một số kết quả nổi bật"
            blocks.insert(1, _paragraph(f"<strong>{_esc(heading)}</strong>", [heading], style=""))
        if rich and wants("list", 0.1):
            chosen = rng.sample(self.vocabulary["sentences"]["digital"], 3)
            items = [_written(draft, slots.fill(s), slots) for s in chosen]
            lis = "\n".join(f"<li>{_inline(item, draft.cites.get(item, ()))}</li>" for item in items)
            blocks.insert(min(3, len(blocks)), _Block(f"<ul>\n{lis}\n</ul>", items))
        for link in draft.links:
            blocks.insert(rng.randint(1, len(blocks)), self._link_block(draft, link, slots, rng))
        if rich and wants("doc_link", 0.06):
            document = rng.choice(documents)
            # The editor writes the number as it is known, whatever the document page prints.
            number = document["number"]
            anchor = f'<a href="{document["path"]}">{_esc(number)}</a>'
            cited = {"text": f"{document['type']} số {number}", "html": f"{_esc(document['type'])} số {anchor}",
                     "forms": ["link"], "refs": [{"number": number, "date": None}]}  # fmt: skip
            text = f"Toàn văn {cited['text']}"
            draft.cites[text] = [cited]
            block = _paragraph(_inline(text, [cited]), [text], links=[document["path"]])
            blocks.insert(rng.randint(1, len(blocks)), block)
        if rich and wants("contact", 0.08):
            text = ("Mọi vướng mắc xin liên hệ Sở Nội vụ tỉnh Lai Châu, điện thoại: 0213.3876.650, "
                    "email: cchc@laichau.gov.vn.")  # fmt: skip
            blocks.append(_paragraph(
                'Mọi vướng mắc xin liên hệ Sở Nội vụ tỉnh Lai Châu, điện thoại: '
                '<a href="tel:02133876650">0213.3876.650</a>, email: '
                '<a href="mailto:cchc@laichau.gov.vn">cchc@laichau.gov.vn</a>.', [text]))  # fmt: skip
        linked_author = rich and wants("js_link", 0.1)
        if wants("author", 0.35) or linked_author:
            name = rng.choice(self.vocabulary["authors"])
            # The CMS links some author names to nothing: a `javascript:void(0)` a crawler must skip.
            shown = f'<a href="javascript:void(0)">{_esc(name)}</a>' if linked_author else _esc(name)
            blocks.append(_paragraph(f"<strong>{shown} - {_esc(slots.agency)}</strong>", [f"{name} - {slots.agency}"],
                                     style="text-align: right;"))  # fmt: skip
        if not plain:
            self._add_images(draft, blocks, slots, rng, wants)
            if wants("attachments", 0.22):
                self._add_attachments(draft, slots, rng)
        draft.blocks = blocks
        draft.body_links = [path for block in blocks for path in block.links]

    def _link_block(self, draft: _Draft, link: _LinkSpec, slots: _Slots, rng: random.Random) -> _Block:
        anchor = f'<a href="{_attr(link.href)}">{_esc(link.text)}</a>'
        if link.inline:
            sentence = slots.fill(rng.choice(self.vocabulary["sentences"]["news"]))
            cited = slots.take()
            text = f"{sentence} Chi tiết xem {link.text}."
            if cited or link.cites:
                draft.cites[text] = cited + link.cites
            return _paragraph(f"{_inline(sentence, cited)} Chi tiết xem {anchor}.", [text], links=[link.path])
        text = f"Xem thêm: {link.text}"
        if link.cites:
            draft.cites[text] = list(link.cites)
        return _paragraph(f"<em>Xem thêm: {anchor}</em>", [text], links=[link.path])

    def _add_images(self, draft: _Draft, blocks: list[_Block], slots: _Slots, rng: random.Random, wants) -> None:
        two = wants("two_images", 0.12)
        count = 2 if two else 1 if wants("image", 0.5) else 0
        folder = f"/Uploads/images/tin-tuc/{draft.published:%Y/%m}"
        for number in range(count):
            src = f"{folder}/z{rng.randrange(10**12, 10**13)}_{_token(rng, 8).lower()}.jpg"
            alt = draft.title if ("alt" in draft.features or rng.random() < 0.2) and number == 0 else ""
            has_caption = not ("no_caption" in draft.features and number == 0) and rng.random() < 0.85
            caption = slots.fill(rng.choice(self.vocabulary["captions"])) if has_caption else None
            image = {"src": src, "alt": alt, "caption": caption}
            # The first image leads the article (as in the snapshot); a second one sits mid-body.
            blocks.insert(0 if number == 0 else max(2, len(blocks) // 2), _image_block(image))
            draft.images.append(image)

    def _add_attachments(self, draft: _Draft, slots: _Slots, rng: random.Random) -> None:
        count = 3 if "two_images" in draft.features else 2 if "attachments" in draft.features else rng.randint(1, 2)
        for _ in range(count):
            extension = ATTACHMENT_EXTENSIONS[self.attachment_count % len(ATTACHMENT_EXTENSIONS)]
            self.attachment_count += 1
            name = slots.fill(rng.choice(self.vocabulary["attachment_names"]), plain=True, short=True)
            name = _written(draft, name, slots)
            stem = ascii_slug(name, 60)
            url = f"/Uploads/files/{draft.published:%Y/%m}/{stem}{extension}"
            if url in self.used_files:
                url = f"/Uploads/files/{draft.published:%Y/%m}/{stem}-{draft.site_id}-{self.attachment_count}"
                url += extension
            self.used_files.add(url)
            draft.attachments.append(_attachment_truth({"url": url, "name": name}, draft, len(draft.attachments)))

    def _word_body(self, draft: _Draft, slots: _Slots, rng: random.Random) -> None:
        """A body pasted from Microsoft Word: MsoNormal, mso- styles, <o:p>, &nbsp; between words."""
        texts = self._texts(draft, slots, rng)
        p_style = ("margin-top:6.0pt;margin-right:0in;margin-bottom:6.0pt;margin-left:0in;text-align:justify;"
                   "text-indent:.5in;line-height:115%;mso-pagination:widow-orphan")  # fmt: skip
        span_style = ("font-size:14.0pt;line-height:115%;mso-fareast-font-family:&quot;Times New Roman&quot;;"
                      "mso-ansi-language:VI")  # fmt: skip
        span = f'<span lang="VI" style="{span_style}">'
        empty = f'<p class="MsoNormal" style="{p_style}">{span}<o:p>&nbsp;</o:p></span></p>'
        blocks = [_Block(_data_text("word-preamble.html").rstrip("\n"))]
        for index, text in enumerate(texts):
            words = [_esc(w) for w in text.split(" ")]
            pieces, line = [], 0
            for position, word in enumerate(words):
                if position:
                    roll = rng.random()
                    if line > 70:  # Word wraps its HTML source mid-paragraph
                        separator, line = "\r\n", 0
                    else:
                        separator = "&nbsp;" if roll < 0.08 else "&nbsp; " if roll < 0.1 else " "
                    pieces.append(separator)
                pieces.append(word)
                line += len(word) + 1
            cut = len(pieces) // 2 | 1  # split after a separator: two runs, as Word does at a format change
            runs = f"{span}{''.join(pieces[:cut + 1])}</span>{span}{''.join(pieces[cut + 1:])}<o:p></o:p></span>"
            if index == 0:
                runs = f'<b style="mso-bidi-font-weight:normal">{runs}</b>'
            blocks.append(_Block(f'<p class="MsoNormal" style="{p_style}">{runs}</p>', [text]))
            if index % 4 == 3:
                blocks.append(_Block(empty))
        draft.blocks = blocks

    # ---- pages

    def build(self) -> Replica:
        """Generate every page of the site."""
        drafts = self.drafts()
        self.documents = self.document_entries()
        self.write_bodies(drafts, self.documents)
        self.relate(drafts)
        self.all_drafts = drafts
        self.render()
        self.files(drafts, self.documents)
        self.resources["/robots.txt"] = Resource(200, {"Content-Type": "text/plain"}, ROBOTS_TXT)
        self.stamp(None, when=None)
        return Replica(
            resources=self.resources,
            articles=self.truths(),
            listings=self.listings,
            documents=[d["path"] for d in self.documents],
            static_pages=self.static,
            redirects=self.redirects,
            dead_links=self.dead_links,
            not_found=self.not_found,
            files=dict(self.file_truth),
            markup=self.markup.name,
            document_truth={d["path"]: _document_truth(d) for d in self.documents},
            _builder=self,
        )

    def render(self) -> None:
        """(Re-)render every HTML page from the live drafts: articles, listings, documents, home, static, 404."""
        live = self.live_drafts()
        newest = sorted(live, key=lambda d: d.sort_key, reverse=True)
        self.site_time = newest[0].published
        self.latest_html = self.markup.latest(newest[:5])
        self.listings = []
        for draft in live:
            self.article_pages(draft)
        self.article_listings(newest)
        self.document_pages(self.documents)
        self.home_page(newest)
        self.static = self.static_pages()
        not_found = self.page("/__404__", "Không tìm thấy trang", self.markup.not_found()).encode("utf-8")
        self.not_found = Resource(404, {"Content-Type": HTML_UTF8}, not_found)

    def stamp(self, previous: dict[str, Resource] | None, when: datetime | None) -> None:
        """Give every unstamped 200 resource its `ETag` and `Last-Modified`.

        At build (`when` None) a resource is dated by its article (pages, print views,
        files) or else by the newest article. Afterwards a resource whose bytes did not
        change keeps its headers, and one that is new or changed is dated `when`.
        """
        for path, resource in self.resources.items():
            if resource.status != 200 or "ETag" in resource.headers:
                continue
            before = previous.get(path) if previous else None
            if before is not None and before.body == resource.body and "ETag" in before.headers:
                self.resources[path] = before
                continue
            moment = when or self.dates.get(path, self.site_time)
            self.clock = max(self.clock, moment)
            self.resources[path] = _stamped(resource, moment)

    def tick(self) -> datetime:
        """The time of a change: now, or just after the latest Last-Modified if the clock says otherwise.

        The wall clock, so a crawler that sends its own last fetch time as
        `If-Modified-Since` still sees the change; never earlier than a date already served.
        """
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.clock = max(now, self.clock + timedelta(seconds=1))
        return self.clock

    def live_drafts(self) -> list[_Draft]:
        """The drafts of the articles being served (not removed)."""
        return [d for d in self.all_drafts if d.path not in self.removed]

    def live_draft(self, path: str) -> _Draft:
        """The served article at `path`; KeyError for anything else."""
        for draft in self.all_drafts:
            if draft.path == path and path not in self.removed:
                return draft
        raise KeyError(f"no article at {path}" + (" (removed)" if path in self.removed else ""))

    def truths(self) -> list[ReplicaArticle]:
        """The ground truth of every served article, by id."""
        return [self.markup.truth(d) for d in sorted(self.live_drafts(), key=lambda d: d.site_id)]

    def revise_draft(self, draft: _Draft, note: str) -> None:
        """Append `{note} (lần N): {a sentence of the article's topic}` to the body."""
        draft.revisions += 1
        rng = random.Random(f"revise-{self.seed}-{draft.site_id}-{draft.revisions}")
        slots = _Slots(rng, self.vocabulary, draft.published, draft.slots)
        template = rng.choice(self.vocabulary["sentences"][CATEGORIES[draft.category][0]])
        sentence = slots.fill(template, plain=draft.variant == "word")
        note = " ".join(unicodedata.normalize("NFC", note).split()) or "Cập nhật"
        text = _written(draft, f"{note} (lần {draft.revisions}): {sentence}", slots)
        style = "" if draft.variant == "plain" else JUSTIFY_STYLE
        block = _paragraph(_inline(text, draft.cites.get(text, ())), [text], style)
        if draft.raw_body is not None:
            draft.raw_body += block.html + "\n"
        draft.blocks.append(block)
        draft.paragraphs.append(text)

    def add_drafts(self, count: int) -> list[_Draft]:
        """`count` new generated articles, each newer than every other, with ids above every other."""
        if count < 1:
            raise ValueError(f"n must be at least 1, got {count}")
        rng = random.Random(f"add-{self.seed}-{len(self.all_drafts)}")
        keys = list(CATEGORIES)
        weights = [CATEGORIES[k][1] for k in keys]
        moment = max(d.published for d in self.all_drafts)
        next_id = max(d.site_id for d in self.all_drafts) + 1
        taken = {d.title for d in self.all_drafts}
        added = []
        for index in range(count):
            moment += timedelta(hours=rng.randint(1, 30), minutes=rng.randrange(60), seconds=rng.randrange(60))
            category = rng.choices(keys, weights)[0]
            title, slots, cited = self._unique_title(category, moment, taken)
            cites = {title: cited} if cited else {}
            added.append(_Draft(category, title, moment, next_id + index, slots=slots, cites=cites))
        self.write_bodies(added, self.documents)
        self.all_drafts += added
        live = self.live_drafts()
        for draft in added:  # older articles keep their `Tin liên quan`: the CMS stored it when they were published
            members = sorted((d for d in live if d.category == draft.category), key=lambda d: d.sort_key, reverse=True)
            draft.related = _nearest(members, members.index(draft))
        return added

    def page(self, path: str, title: str, main: str, charset: str = "utf-8", head: str = "") -> str:
        """A page in the markup's shell: header, menu, search box, the latest-news box, footer."""
        return self.markup.page(path, title, main, self.latest_html, charset, head)

    def add_html(self, path: str, text: str) -> None:
        self.resources[path] = Resource(200, {"Content-Type": HTML_UTF8}, text.encode("utf-8"))

    def relate(self, drafts: list[_Draft]) -> None:
        """`Tin liên quan`: the five articles of the same category nearest in date."""
        by_path = {d.path: d for d in drafts}
        for category in CATEGORIES:
            members = sorted((d for d in drafts if d.category == category), key=lambda d: d.sort_key, reverse=True)
            for index, draft in enumerate(members):
                if draft.fixed_related:
                    draft.related = [by_path[p] for p in draft.fixed_related]
                    continue
                draft.related = _nearest(members, index)

    def article_pages(self, draft: _Draft) -> None:
        """The article page and its print view, in the draft's encoding."""
        charset = "windows-1258" if draft.variant == "windows-1258" else "utf-8"
        path, body = draft.path, self.markup.body(draft)
        main, head = self.markup.article(draft, body)
        self.resources[path] = self._encoded(draft, self.page(path, draft.title, main, charset, head))
        self.resources[path + "?print=1"] = self._encoded(draft, self.markup.print_view(draft, body, charset))
        self.dates[path] = self.dates[path + "?print=1"] = draft.published

    @staticmethod
    def _encoded(draft: _Draft, text: str) -> Resource:
        if draft.variant == "windows-1258":
            # One page says so in the header and the <meta>, the other only in the <meta>.
            declared = "charset-header" in draft.features
            content_type = "text/html; charset=windows-1258" if declared else "text/html"
            return Resource(200, {"Content-Type": content_type}, to_cp1258(text))
        if draft.variant == "nfd":
            return Resource(200, {"Content-Type": HTML_UTF8}, unicodedata.normalize("NFD", text).encode("utf-8"))
        return Resource(200, {"Content-Type": HTML_UTF8}, text.encode("utf-8"))

    def article_listings(self, newest: list[_Draft]) -> None:
        """Category listings, ten items a page, and the parent sections with all their children's items."""
        for key in [*PARENT_SECTIONS, *CATEGORIES]:
            items = [d for d in newest if d.category == key or d.category.startswith(key + "/")]
            self._paginate(key, items, self.markup.news_listing)

    def _paginate(self, key: str, items: list, render: Callable[..., str]) -> None:
        """The listing `/{key}`, ten items a page: `render(base, trail, items, page, pages)` writes each page."""
        base, trail = "/" + key, SECTIONS[key]
        pages = max(1, -(-len(items) // PAGE_SIZE))
        for number in range(1, pages + 1):
            url = _page_href(base, number)
            chunk = items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
            self.add_html(url, self.page(url, trail[-1][1], render(base, trail, chunk, number, pages)))
            self.listings.append(url)

    def document_entries(self) -> list[dict]:
        """The documents of `/van-ban-cchc`, newest first, each with its page path and its printed number."""
        documents = [dict(d) for d in _data_json("documents.json")["documents"]]
        for document in documents:
            document.setdefault("number_raw", document["number"])
            slug = ascii_slug(f"{document['type']} {document['number']}")
            document["path"] = f"/van-ban-cchc/{document['section']}/{slug}-{document['id']}.html"
        return sorted(documents, key=lambda d: (datetime.strptime(d["issued"], "%d/%m/%Y"), d["id"]), reverse=True)

    def document_pages(self, documents: list[dict]) -> None:
        """Document listings and one page per document with its table of particulars."""
        self._paginate("van-ban-cchc", documents, self.markup.document_listing)
        for section in ("van-ban-trung-uong", "van-ban-cua-tinh"):
            key = f"van-ban-cchc/{section}"
            self._paginate(key, [d for d in documents if d["section"] == section], self.markup.document_listing)
        for document in documents:
            title = f"{document['type']} {document['number_raw']}"
            rows = _document_rows(document)
            main = self.markup.document(SECTIONS[f"van-ban-cchc/{document['section']}"], title, rows)
            self.add_html(document["path"], self.page(document["path"], title, main))

    def home_page(self, newest: list[_Draft]) -> None:
        """`/`: the newest illustrated article, then five links per category."""
        featured = next((d for d in newest if d.images), newest[0])
        boxes = [(key, SECTIONS[key][-1][1], [d for d in newest if d.category == key][:5]) for key in CATEGORIES]
        self.add_html("/", self.page("/", HOME_TITLE, self.markup.home(featured, boxes)))

    def static_pages(self) -> list[str]:
        """`/gioi-thieu` (real), `/lien-he`, `/so-do-trang`, plus the search and admin pages robots.txt forbids."""
        contact = [
            "Sở Nội vụ tỉnh Lai Châu - Cơ quan thường trực Ban Chỉ đạo cải cách hành chính tỉnh",
            "Địa chỉ: Tầng 2, nhà D, khu Hành chính - Chính trị tỉnh, phường Tân Phong, thành phố Lai Châu",
            'Điện thoại: <a href="tel:02133876650">02133 876 650</a>',
            'Email: <a href="mailto:cchc@laichau.gov.vn">cchc@laichau.gov.vn</a>',
        ]
        entries = [("/", "Trang chủ"), ("/gioi-thieu", "Giới thiệu")]
        for key, trail in SECTIONS.items():
            entries.append(trail[-1])
        entries += [("/lien-he", "Liên hệ"), ("/tim-kiem?keyword=", "Tìm kiếm"), ("/Admin", "Quản trị hệ thống")]
        markup = self.markup
        pages = [
            ("/gioi-thieu", "Giới thiệu", markup.static_page((("/gioi-thieu", "Giới thiệu"),), *_about_page())),
            ("/lien-he", "Liên hệ", markup.static_page((("/lien-he", "Liên hệ"),), "Liên hệ", contact)),
            ("/so-do-trang", "Sơ đồ trang", markup.sitemap((("/so-do-trang", "Sơ đồ trang"),), entries)),
        ]
        for path, name, main in pages:
            self.add_html(path, self.page(path, name, main))
        # Served, so an impolite crawler gets a page, but robots.txt disallows both.
        self.add_html("/tim-kiem?keyword=", self.page("/tim-kiem", "Tìm kiếm", markup.search()))
        login = ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8" />'
                 "<title>Đăng nhập quản trị</title></head><body>"
                 '<form method="post" action="/Admin"><input name="username" /><input name="password" '
                 'type="password" /><button>Đăng nhập</button></form></body></html>\n')  # fmt: skip
        self.add_html("/Admin", login)
        return [path for path, _, _ in pages]

    def files(self, drafts: list[_Draft], documents: list[dict]) -> None:
        """Images, attachments, document files and the skin's assets; only the paths not served yet.

        An article's PDF or DOCX is generated from its text; a document's file from its
        `doc-info` table. The article's version wins where both link one file (2790/KH-UBND).
        """
        for draft in drafts:
            for image in draft.images:
                self._add_file(image["src"], draft.published)
            for attachment in draft.attachments:
                self._add_file(attachment["url"], draft.published, lambda: _article_file(draft, attachment),
                               {"kind": attachment["kind"], "text_contains": attachment["text_contains"]})  # fmt: skip
        for document in documents:
            issued = datetime.strptime(document["issued"], "%d/%m/%Y").replace(hour=8, tzinfo=VIETNAM)
            for index, path in enumerate(document["files"]):
                kind = FILE_KINDS[Path(path).suffix.lower()]
                code = f"ĐLVB{document['id']}" + (chr(ord("A") + index) if index else "")
                phrase = f"{CODE_LABEL} {code}" if kind in ("pdf", "docx") else None
                self._add_file(path, issued, lambda: _document_file(document, path, phrase),
                               {"kind": kind, "text_contains": phrase})  # fmt: skip
        for path in STATIC_ASSETS:
            self._add_file(path, FILE_EPOCH)

    def _add_file(self, path: str, date: datetime, make: Callable[[], bytes | None] | None = None,
                  truth: dict | None = None) -> None:  # fmt: skip
        """Serve `path` (the bytes `make` gives, else the placeholder for its extension) dated `date`."""
        if path in self.resources:
            return
        resource = _file_resource(path)
        body = make() if make is not None else None
        if body is not None:
            resource = Resource(200, resource.headers, body)
        self.resources[path] = resource
        self.dates[path] = date
        if truth is not None:
            self.file_truth[path] = truth


def _appendix_citation(draft: _Draft, attachment: dict) -> dict | None:
    """The document one attached file in three says it comes with, cited by no body (the `appendix` group)."""
    turn = draft.site_id + next(i for i, a in enumerate(draft.attachments) if a["url"] == attachment["url"])
    if turn % 3:
        return None
    group = _data_json("vocabulary.json")["citations"]["appendix"]
    return group[turn // 3 % len(group)]


def _article_file_lines(draft: _Draft, attachment: dict) -> list[str]:
    """The paragraphs of an article's attached PDF or DOCX, under its name as heading."""
    captions = {image["caption"] for image in draft.images}
    lead = [p for p in draft.paragraphs if p not in captions][:3]
    appendix = _appendix_citation(draft, attachment)
    return [
        "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM - Độc lập - Tự do - Hạnh phúc",
        draft.title,
        *lead,
        *([f"Kèm theo {appendix['text']}."] if appendix else []),
        # Short enough never to wrap, so the phrase comes out of the PDF on one line.
        f"Phụ lục khảo sát mức độ hài lòng, {attachment['text_contains']}",
        f"Lai Châu, ngày {draft.published.day:02d} tháng {draft.published.month:02d} năm {draft.published.year}",
    ]


def _file_citations(draft: _Draft, attachment: dict) -> list[dict]:
    """What an attached file cites: its name, the article's title and lead, its appendix line; none without text."""
    if attachment["kind"] not in ("pdf", "docx"):
        return []
    cited = [entry for line in (attachment["name"], *_article_file_lines(draft, attachment))
             for entry in draft.cites.get(line, ())]  # fmt: skip
    appendix = _appendix_citation(draft, attachment)
    return cited + ([appendix] if appendix else [])


def _article_citations(draft: _Draft) -> list[dict]:
    """Every citation of the article: its title, its body paragraphs, then each attached file's text."""

    def cited(where: str, entry: dict, **extra: str) -> dict:
        html_ = entry.get("html", _esc(entry["text"]))
        return {"field": where, "text": entry["text"], "html": html_, "forms": list(entry.get("forms", ())),
                "refs": [dict(ref) for ref in entry["refs"]], **extra}  # fmt: skip

    citations = [cited("title", entry) for entry in draft.cites.get(draft.title, ())]
    citations += [cited("body_text", entry) for text in draft.paragraphs for entry in draft.cites.get(text, ())]
    for attachment in draft.attachments:
        citations += [cited("attachment_text", entry, url=attachment["url"])
                      for entry in _file_citations(draft, attachment)]  # fmt: skip
    return citations


def _legal_refs(citations: list[dict]) -> list[dict]:
    """One reference per number a citation names: field, normalised number, ISO date or None."""
    return [{"field": c["field"], "number": ref["number"], "date": ref["date"]} for c in citations for ref in c["refs"]]


def _article_file(draft: _Draft, attachment: dict) -> bytes | None:
    """An article's attached PDF or DOCX: its name, the article's title and lead, and its code line."""
    if attachment["kind"] not in ("pdf", "docx"):
        return None  # .doc, .xls, .xlsx stay placeholders: no extractor reads them anyway
    paragraphs = _article_file_lines(draft, attachment)
    if attachment["kind"] == "pdf":
        return make_pdf(attachment["name"], paragraphs)
    year = str(draft.published.year)
    table = [["STT", "Nội dung", "Thời gian thực hiện"], ["1", "Khảo sát mức độ hài lòng", f"Năm {year}"],
             ["2", "Tổng hợp, báo cáo kết quả", f"Tháng 12 năm {year}"]]  # fmt: skip
    return make_docx(attachment["name"], paragraphs, table, created=draft.published)


def _document_file(document: dict, path: str, phrase: str | None) -> bytes | None:
    """A document's PDF or DOCX at `path`: what its `doc-info` table says, and its code line."""
    if phrase is None:
        return None
    title = f"{document['type']} số {document['number_raw']}"
    paragraphs = [
        document["issuer"].upper(),
        f"Số: {document['number_raw']}",
        document["summary"],
        f"Ngày ban hành: {document['issued']}. Người ký: {document['signer']}.",
        f"Toàn văn văn bản, {phrase}",
    ]
    if path.lower().endswith(".pdf"):
        return make_pdf(title, paragraphs, author=document["issuer"])
    issued = datetime.strptime(document["issued"], "%d/%m/%Y").replace(hour=8, tzinfo=VIETNAM)
    return make_docx(title, paragraphs, created=issued)


# A document page's particulars in the order most pages print them, with their usual labels;
# `other` stands for the labels no parser knows, `files` for the attached files.
DOCUMENT_ROWS = {
    "number": "Số ký hiệu", "issued": "Ngày ban hành", "type": "Loại văn bản", "issuer": "Cơ quan ban hành",
    "signer": "Người ký", "summary": "Trích yếu", "effective": "Ngày hiệu lực", "field": "Lĩnh vực", "other": "",
    "files": "Tệp đính kèm",
}  # fmt: skip


def _document_rows(document: dict) -> list[tuple[str, str]]:
    """The (label, HTML value) rows of a document's page, as documents.json lays them out.

    Raises ValueError when an `order` leaves out a particular the document has: no row may
    vanish from the page while the ground truth still expects it.
    """
    labels = {**DOCUMENT_ROWS, **document.get("labels", {})}
    order = document.get("order", list(DOCUMENT_ROWS))
    present = {key for key in DOCUMENT_ROWS if document.get(key)}
    if not present <= set(order):
        raise ValueError(f"document {document['id']}: order leaves out {sorted(present - set(order))}")
    rows = []
    for key in order:
        if key == "other":
            rows += [(_esc(label), _esc(value)) for label, value in document.get("other", {}).items()]
        elif key == "files":
            links = [f'<a href="{path}">{path.rsplit("/", 1)[1]}</a>' for path in document["files"]]
            if links:
                rows.append((_esc(labels[key]), "<br />".join(links)))
        elif document.get(key):
            rows.append((_esc(labels[key]), _esc(document["number_raw"] if key == "number" else document[key])))
    return rows


def _iso_day(printed: str) -> str:
    """`18/08/2021` -> `2021-08-18`."""
    return datetime.strptime(printed, "%d/%m/%Y").date().isoformat()


def _document_truth(document: dict) -> dict:
    """What a parser of the document's page must read: its particulars, files, unknown labels, summary's references.

    The references are those documents.json declares in `summary_citations`; raises
    ValueError when one is not written exactly once in the summary.
    """
    summary = document["summary"]
    refs = []
    for citation in document.get("summary_citations", []):
        if summary.count(citation["text"]) != 1:
            raise ValueError(f"document {document['id']}: {citation['text']!r} is not written once in its summary")
        refs += [{"field": "summary", "number": ref["number"], "date": ref["date"]} for ref in citation["refs"]]
    return {
        "number_raw": document["number_raw"],
        "number": document["number"],
        "kind": document["type"],
        "issuer": document["issuer"],
        "issued": _iso_day(document["issued"]),
        "effective": _iso_day(document["effective"]) if document.get("effective") else None,
        "signer": document["signer"],
        "field": document.get("field"),
        "summary": summary,
        "files": list(document["files"]),
        "other": dict(document.get("other", {})),
        "legal_refs": refs,
    }


def _nearest(members: list[_Draft], index: int) -> list[_Draft]:
    """The five members nearest to `members[index]` in date order (members sorted newest first)."""
    window = [j for j in range(index - 5, index + 6) if 0 <= j < len(members) and j != index]
    nearest = sorted(window, key=lambda j: (abs(j - index), j))[:5]
    return [members[j] for j in sorted(nearest)]


def _attachment_truth(entry: dict, draft: _Draft, index: int) -> dict:
    """An attachment's ground truth: url and name, its kind, and the phrase only its file contains."""
    kind = FILE_KINDS[Path(urlsplit(entry["url"]).path).suffix.lower()]
    code = f"ĐLHL{draft.site_id}{chr(ord('A') + index)}"
    return {**entry, "kind": kind, "text_contains": f"{CODE_LABEL} {code}" if kind in ("pdf", "docx") else None}


# --------------------------------------------------------------------------------------
# Markups: the same content written the way different portals write it
#
# Each markup renders every page of the site (articles, print views, listings with their
# pager, documents, home, static pages, 404) and says what a correct extraction of its
# article pages yields (`truth`): the date as the page states it, the breadcrumb it shows
# and the paragraphs in the order they stand. Only "snapshot" is the real site; the others
# copy the habits of other Vietnamese government portals, with class names of their own.

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")  # Monday first


def _day(moment: datetime) -> str:
    """`24/09/2021`: the date alone, as the boxes of most portals print it."""
    return f"{moment:%d/%m/%Y}"


def _page_href(base: str, number: int) -> str:
    """The URL of page `number` of the listing at `base`: the first page has no query."""
    return base if number == 1 else f"{base}?page={number}"


def _page_numbers(page: int, pages: int) -> range:
    """The (up to) ten page numbers a pager shows around `page`."""
    first = max(1, min(page - 4, pages - 9))
    return range(first, min(pages, first + 9) + 1)


def _menu() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The menu, from `SECTIONS`: (href, name, subsections) for Giới thiệu and each top section."""
    entries = [("/gioi-thieu", "Giới thiệu", [])]
    for key, trail in SECTIONS.items():
        if "/" not in key:
            children = [sub[-1] for k, sub in SECTIONS.items() if k.startswith(key + "/")]
            entries.append((*trail[-1], children))
    return entries


def _lead(draft: _Draft) -> _Block | None:
    """The block of the article's first text paragraph (captions aside), if it is a plain paragraph.

    None when the first text is pasted HTML (a Word body keeps its own bold first paragraph).
    """
    first = next((b for b in draft.blocks if b.texts and b.kind != "image"), None)
    return first if first is not None and first.kind == "paragraph" else None


def _json_ld(data: dict, css_class: str = "") -> str:
    """A JSON-LD `<script>`: non-ASCII escaped as PHP's json_encode does, so any page charset carries it."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
    attribute = f' class="{css_class}"' if css_class else ""
    return f'<script type="application/ld+json"{attribute}>{text}</script>'


class _Markup:
    """A site template: how the replica's content is written into pages, and what they then say.

    Subclasses write pages; this base class holds the ground truth, which depends on the
    markup only through `published`, `breadcrumb` and `paragraphs`.
    """

    name = ""
    title_suffix = ""  # after a page's title in <title>; the home page's title stands alone

    def full_title(self, title: str) -> str:
        return title if title == HOME_TITLE else title + self.title_suffix

    # ---- ground truth

    def truth(self, draft: _Draft) -> ReplicaArticle:
        """What a correct extraction of the draft's page in this markup yields."""
        published, published_raw = self.published(draft)
        breadcrumb = self.breadcrumb(draft)
        citations = _article_citations(draft)
        return ReplicaArticle(
            path=draft.path,
            site_id=draft.site_id,
            title=draft.title,
            published=published,
            published_raw=published_raw,
            breadcrumb=breadcrumb,
            category=breadcrumb[-1] if breadcrumb else None,
            paragraphs=self.paragraphs(draft),
            images=[dict(image) for image in draft.images],
            attachments=[dict(a) for a in draft.attachments],
            related=[r.path for r in draft.related],
            body_links=list(draft.body_links),
            variant=draft.variant,
            legal_refs=_legal_refs(citations),
            citations=citations,
        )

    def published(self, draft: _Draft) -> tuple[str, str]:
        """(ISO 8601 in +07:00 of what the page states, the date as the page prints it)."""
        return draft.published.isoformat(), draft.date_raw

    def breadcrumb(self, draft: _Draft) -> list[str]:
        return ["Trang chủ"] + [name for _, name in SECTIONS[draft.category]]

    def paragraphs(self, draft: _Draft) -> list[str]:
        return list(draft.paragraphs)

    # ---- pages: every method returns HTML text

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        """The whole page: `main` in the site's shell, `latest` in its latest-news box, `head` in <head>."""
        raise NotImplementedError

    def latest(self, drafts: list[_Draft]) -> str:
        """The items of the latest-news box."""
        raise NotImplementedError

    def body(self, draft: _Draft) -> str:
        """The article's body, as its page and print view show it."""
        raise NotImplementedError

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        """The article page's main column and what it adds to <head>."""
        raise NotImplementedError

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        """`?print=1`: a page of its own that names the article as canonical."""
        raise NotImplementedError

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        raise NotImplementedError

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        raise NotImplementedError

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        """A document's page: its particulars as (label, HTML value) rows."""
        raise NotImplementedError

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        """The home page: a featured article, then (section key, name, newest articles) boxes."""
        raise NotImplementedError

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        """A page without a date: a heading and paragraphs of inline HTML."""
        raise NotImplementedError

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        raise NotImplementedError

    def search(self) -> str:
        raise NotImplementedError

    def not_found(self) -> str:
        raise NotImplementedError


# ---- snapshot: cchc.laichau.gov.vn as it is (the module functions are shared with crawler.replica.hostile)


def _breadcrumb(trail: tuple[tuple[str, str], ...]) -> str:
    links = ['<a href="/">Trang chủ</a>'] + [f'<a href="{href}">{_esc(name)}</a>' for href, name in trail]
    return '<div class="breadcrumb">' + ' <span class="sep">&raquo;</span> '.join(links) + "</div>"


def _dated_item(draft: _Draft) -> str:
    """An entry of `Tin liên quan` / `Tin mới nhất`: the link, then its date in parentheses."""
    return f'<li><a href="{draft.path}">{_esc(draft.title)}</a><span class="date">({draft.date_raw})</span></li>'


def _news_items(name: str, drafts: list[_Draft]) -> str:
    items = [
        f'  <div class="item-news clearfix">\n'
        f'    <a class="thumb" href="{d.path}"><img src="{d.thumb}" alt="{_attr(d.title)}" /></a>\n'
        f'    <h3 class="title"><a href="{d.path}">{_esc(d.title)}</a></h3>\n'
        f'    <span class="date">({d.date_raw})</span>\n'
        f'    <p class="sapo">{_esc(_sapo(d.lead_text, 160))}</p>\n'
        f"  </div>\n"
        for d in drafts
    ]
    body = "".join(items) or '  <p class="no-data">Chưa có tin bài.</p>\n'
    return f'<div class="list-news">\n  <h2 class="cat-title">{_esc(name)}</h2>\n{body}</div>'


def _document_items(name: str, documents: list[dict]) -> str:
    rows = "".join(
        f'    <tr><td class="doc-number"><a href="{d["path"]}">{_esc(d["number_raw"])}</a></td>'
        f'<td class="doc-date">{d["issued"]}</td>'
        f'<td class="doc-summary"><a href="{d["path"]}">{_esc(d["summary"])}</a></td></tr>\n'
        for d in documents
    )
    return (f'<div class="list-news list-doc">\n  <h2 class="cat-title">{_esc(name)}</h2>\n'
            f'  <table class="doc-list">\n    <tr><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>\n'
            f"{rows}  </table>\n</div>")  # fmt: skip


def _pager(base: str, page: int, pages: int) -> str:
    """`<div class="pager">`: previous, up to ten page numbers, `Trang sau`; nothing for one page."""
    if pages <= 1:
        return ""
    parts = [f'<a href="{_page_href(base, page - 1)}" class="prev">Trang trước</a>'] if page > 1 else []
    for number in _page_numbers(page, pages):
        active = ' class="active"' if number == page else ""
        parts.append(f'<a href="{_page_href(base, number)}"{active}>{number}</a>')
    if page < pages:
        parts.append(f'<a href="{_page_href(base, page + 1)}" class="next">Trang sau</a>')
    return '\n<div class="pager">' + " ".join(parts) + "</div>"


class _Snapshot(_Markup):
    """The markup of the site snapshot (templates `shell.html`, `print.html`): the real cchc.laichau.gov.vn."""

    name = "snapshot"

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        return _render(_data_text("shell.html"), charset=charset, title=_esc(title), head_extra=head,
                       viewstate=_viewstate(path), main=main, latest=latest)  # fmt: skip

    def latest(self, drafts: list[_Draft]) -> str:
        return "\n".join(_dated_item(d) for d in drafts)

    def body(self, draft: _Draft) -> str:
        if draft.raw_body is not None:
            return draft.raw_body
        return "\n".join(block.html for block in draft.blocks) + "\n<p>&nbsp;</p>\n<p>&nbsp;</p>\n"

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        title, path = _esc(draft.title), draft.path
        attachments = ""
        if draft.attachments:
            items = "\n".join(f'<li><a href="{a["url"]}" target="_blank">{_esc(a["name"])}</a></li>'
                              for a in draft.attachments)  # fmt: skip
            label = '<span class="label">Tệp đính kèm:</span>'
            attachments = f'<div class="news-attachments">{label}<ul>\n{items}\n</ul></div>'
        related = ""
        if draft.related:
            items = "\n".join(_dated_item(r) for r in draft.related)
            related = (f'<div class="news-other">\n  <div class="title-box">Tin liên quan</div>\n  <ul>\n{items}\n'
                       f"  </ul>\n</div>")  # fmt: skip
        main = (
            f"{_breadcrumb(SECTIONS[draft.category])}\n"
            f'<div class="news-detail">\n'
            f'  <h1 class="news-title">{title}</h1>\n'
            f'  <div class="news-date">(Ngày đăng :{draft.date_raw})</div>\n'
            f'  <div class="news-content">\n{body}  </div>\n'
            f"  {attachments}\n"
            f'  <div class="news-tools">\n'
            f'    <a href="{path}?print=1" class="print">In bài viết</a>\n'
            f'    <a href="mailto:?subject={_attr(draft.title[:40])}" class="email">Gửi email</a>\n'
            f'    <a href="https://www.facebook.com/sharer/sharer.php?u={BASE}{path}" class="share-fb" '
            f'target="_blank">Chia sẻ</a>\n'
            f"  </div>\n"
            f"</div>\n"
            f"{related}"
        )
        return main, ""

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        return _render(_data_text("print.html"), charset=charset, title=_esc(draft.title), path=draft.path,
                       date=draft.date_raw, body=body)  # fmt: skip

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        return f"{_breadcrumb(trail)}\n{_news_items(trail[-1][1], drafts)}{_pager(base, page, pages)}"

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        return f"{_breadcrumb(trail)}\n{_document_items(trail[-1][1], documents)}{_pager(base, page, pages)}"

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        table = "\n".join(f"    <tr><th>{th}</th><td>{td}</td></tr>" for th, td in rows)
        return f'{_breadcrumb(trail)}\n<div class="doc-detail">\n  <table class="doc-info">\n{table}\n  </table>\n</div>'

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        parts = [
            f'<div class="featured">\n  <a href="{featured.path}"><img src="{featured.thumb}" alt="" /></a>\n'
            f'  <h2><a href="{featured.path}">{_esc(featured.title)}</a></h2>\n'
            f"  <p>{_esc(_sapo(featured.lead_text, 201))}</p>\n</div>"
        ]
        for key, name, drafts in boxes:
            links = "\n".join(f'<li><a href="{d.path}">{_esc(d.title)}</a></li>' for d in drafts)
            parts.append(f'<div class="box-cat"><h3><a href="/{key}">{name}</a></h3><ul>\n{links}\n</ul></div>')
        return "\n".join(parts)

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        content = "".join(f"    <p>{p}</p>\n" for p in paragraphs)
        return (f'{_breadcrumb(trail)}\n<div class="static-page">\n  <h1 class="page-title">{heading}</h1>\n'
                f'  <div class="page-content">\n{content}  </div>\n</div>')  # fmt: skip

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        links = "\n".join(f'    <li><a href="{_attr(href)}">{name}</a></li>' for href, name in entries)
        return (f'{_breadcrumb(trail)}\n<div class="static-page">\n  <h1 class="page-title">Sơ đồ trang</h1>\n'
                f'  <div class="page-content">\n  <ul class="sitemap">\n{links}\n  </ul>\n  </div>\n</div>')  # fmt: skip

    def search(self) -> str:
        return ('<div class="list-news search-result">\n  <h2 class="cat-title">Kết quả tìm kiếm</h2>\n'
                "  <p>Vui lòng nhập từ khóa tìm kiếm.</p>\n</div>")  # fmt: skip

    def not_found(self) -> str:
        return '<div class="error"><h1>Không tìm thấy trang yêu cầu</h1></div>'


# ---- portal: a DotNetNuke portal of another province


class _Portal(_Markup):
    """An ASP.NET/DotNetNuke provincial portal, as several provinces run.

    The date comes before the title and names the weekday, to the minute
    (`Thứ Sáu, 24/09/2021 - 08:15`); the title is an `<h2>` (no `<h1>` on an article
    page); paragraphs are `<div>`s, the first text paragraph in bold leads the body; the
    boxes are `module-N` modules known only by their headings (`Các tin khác`, `Tin mới`).
    """

    name = "portal"
    title_suffix = " - CCHC Lai Châu"

    def published(self, draft: _Draft) -> tuple[str, str]:
        moment = draft.published.replace(second=0)  # the page shows no seconds
        return moment.isoformat(), f"{WEEKDAYS[moment.weekday()]}, {moment:%d/%m/%Y - %H:%M}"

    def paragraphs(self, draft: _Draft) -> list[str]:
        lead = _lead(draft)
        if lead is None:
            return list(draft.paragraphs)
        return [*lead.texts, *(text for block in draft.blocks if block is not lead for text in block.texts)]

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        items = []
        for href, name, children in _menu():
            sub = "".join(f'<li><a href="{h}">{_esc(n)}</a></li>' for h, n in children)
            sub = f'<ul class="subMenu">{sub}</ul>' if sub else ""
            items.append(f'      <li class="{"haschild" if sub else "item"}"><a href="{href}">{_esc(name)}</a>{sub}</li>')
        menu = '    <ul class="dnn-menu">\n      <li class="item-home"><a href="/">Trang chủ</a></li>\n'
        menu += "\n".join(items) + "\n    </ul>"
        return _render(_data_text("portal/shell.html"), charset=charset, title=_esc(self.full_title(title)),
                       path=_attr(path), viewstate=_viewstate(path), menu=menu, main=main, latest=latest)  # fmt: skip

    @staticmethod
    def _item(draft: _Draft) -> str:
        return f'<li><a href="{draft.path}">{_esc(draft.title)}</a> <i>({_day(draft.published)})</i></li>'

    def latest(self, drafts: list[_Draft]) -> str:
        return "\n".join("          " + self._item(d) for d in drafts)

    @staticmethod
    def _breadcrumbs(trail: tuple) -> str:
        items = ['<li><a href="/">Trang chủ</a></li>'] + [f'<li><a href="{h}">{_esc(n)}</a></li>' for h, n in trail]
        return '<ul class="breadcrumbs">' + "".join(items) + "</ul>"

    def body(self, draft: _Draft) -> str:
        lead = _lead(draft)
        parts = [f"<div><b>{lead.inner}</b></div>"] if lead is not None else []
        for block in draft.blocks:
            if block is lead:
                continue
            if block.kind == "paragraph":
                style = f' style="{block.style}"' if block.style else ""
                parts.append(f"<div{style}>{block.inner}</div>")
            elif block.kind == "image":
                image = block.image
                parts.append(f'<div style="text-align: center;"><img src="{image["src"]}" alt="{_attr(image["alt"])}" '
                             f'width="600" /></div>')  # fmt: skip
                if image["caption"]:
                    parts.append(f'<div style="text-align: center;"><i>{_esc(image["caption"])}</i></div>')
            else:
                parts.append(block.html)
        return "\n".join(parts) + "\n<div>&nbsp;</div>"

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        title, path = _esc(draft.title), draft.path
        files = ""
        if draft.attachments:
            links = "<br />\n".join(f'<a href="{a["url"]}" target="_blank">{_esc(a["name"])}</a>'
                                    for a in draft.attachments)  # fmt: skip
            label = '<span class="file-label">Tài liệu đính kèm:</span>'
            files = f'  <div class="file-attach">{label}<br />\n{links}</div>\n'
        others = ""
        if draft.related:
            items = "\n".join("    " + self._item(r) for r in draft.related)
            others = (f'<div class="DnnModule DnnModule-1377 module-7">\n  <h3>Các tin khác</h3>\n'
                      f"  <ul>\n{items}\n  </ul>\n</div>\n")  # fmt: skip
        share = (f'<a href="https://www.facebook.com/sharer/sharer.php?u={BASE}{path}" target="_blank">Facebook</a> '
                 f'<a href="https://zalo.me/share?u={BASE}{path}" target="_blank">Zalo</a> | '
                 f'<a href="{path}?print=1" target="_blank">In bài</a> | '
                 f'<a href="mailto:?subject={_attr(draft.title[:40])}">Gửi email</a>')  # fmt: skip
        main = (
            f"{self._breadcrumbs(SECTIONS[draft.category])}\n"
            f'<div class="DnnModule DnnModule-1375 module-1">\n<div class="article-detail">\n'
            f'  <div class="date-detail">{self.published(draft)[1]}</div>\n'
            f'  <h2 class="title-detail">{title}</h2>\n'
            f'  <div class="detail-content">\n{body}\n  </div>\n'
            f"{files}"
            f'  <div class="social-share">Chia sẻ: {share}</div>\n'
            f"</div>\n</div>\n"
            f"{others}"
        )
        return main, ""

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        return _render(_data_text("portal/print.html"), charset=charset, title=_esc(draft.title), path=draft.path,
                       date=self.published(draft)[1], body=body)  # fmt: skip

    def _pager(self, base: str, page: int, pages: int) -> str:
        if pages <= 1:
            return ""
        parts = [f'<a href="{_page_href(base, page - 1)}" title="Trang trước">«</a>'] if page > 1 else []
        for number in _page_numbers(page, pages):
            link = f'<a href="{_page_href(base, number)}">{number}</a>'
            parts.append(f'<span class="current">{number}</span>' if number == page else link)
        if page < pages:
            parts.append(f'<a href="{_page_href(base, page + 1)}" title="Trang sau">»</a>')
        return '\n<div class="paging">' + " ".join(parts) + "</div>"

    def _module(self, trail: tuple, heading: str, content: str) -> str:
        return (f'{self._breadcrumbs(trail)}\n<div class="DnnModule DnnModule-1376 module-2">\n'
                f'<div class="cate-header"><h2>{heading}</h2></div>\n{content}\n</div>')  # fmt: skip

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        items = [
            f'<li>\n  <a class="img-thumb" href="{d.path}"><img src="{d.thumb}" alt="{_attr(d.title)}" /></a>\n'
            f'  <span class="time">{d.published:%d/%m/%Y %H:%M}</span>\n'
            f'  <h3><a href="{d.path}">{_esc(d.title)}</a></h3>\n'
            f'  <div class="summary">{_esc(_sapo(d.lead_text, 160))}</div>\n</li>'
            for d in drafts
        ]
        content = "<div>Chưa có tin bài.</div>"
        if items:
            content = '<ul class="list-articles">\n' + "\n".join(items) + "\n</ul>"
        heading = f'<a href="{base}">{_esc(trail[-1][1])}</a>'
        return self._module(trail, heading, content + self._pager(base, page, pages))

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        rows = "\n".join(
            f'<tr><td><a href="{d["path"]}">{_esc(d["number_raw"])}</a></td><td>{d["issued"]}</td>'
            f'<td><a href="{d["path"]}">{_esc(d["summary"])}</a></td></tr>'
            for d in documents
        )
        table = (f'<table class="vbpq-list" border="1" cellspacing="0">\n'
                 f'<tr class="vbpq-head"><td>Số ký hiệu</td><td>Ngày ban hành</td><td>Trích yếu</td></tr>\n'
                 f"{rows}\n</table>")  # fmt: skip
        return self._module(trail, _esc(trail[-1][1]), table + self._pager(base, page, pages))

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        table = "\n".join(f'<tr><td class="vbpq-label">{label}</td><td>{value}</td></tr>' for label, value in rows)
        return self._module(trail, "Chi tiết văn bản", f'<table class="vbpq-info">\n{table}\n</table>')

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        parts = [
            f'<div class="DnnModule DnnModule-1370 module-9">\n<div class="hot-news">\n'
            f'  <a href="{featured.path}"><img src="{featured.thumb}" alt="" /></a>\n'
            f'  <h2 class="hot-title"><a href="{featured.path}">{_esc(featured.title)}</a></h2>\n'
            f'  <div class="summary">{_esc(_sapo(featured.lead_text, 201))}</div>\n</div>\n</div>'
        ]
        for key, name, drafts in boxes:
            links = "\n".join(f'  <li><a href="{d.path}">{_esc(d.title)}</a></li>' for d in drafts)
            parts.append(f'<div class="DnnModule module-cat">\n<div class="cate-header"><h2><a href="/{key}">{name}</a>'
                         f"</h2></div>\n<ul>\n{links}\n</ul>\n</div>")  # fmt: skip
        return "\n".join(parts)

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        content = "\n".join(f"<div>{p}</div>" for p in paragraphs)
        return (f'{self._breadcrumbs(trail)}\n<div class="DnnModule DnnModule-1371 module-4">\n'
                f'<h2 class="title-page">{heading}</h2>\n<div class="html-content">\n{content}\n</div>\n</div>')  # fmt: skip

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        links = "\n".join(f'<li><a href="{_attr(href)}">{name}</a></li>' for href, name in entries)
        return (f'{self._breadcrumbs(trail)}\n<div class="DnnModule DnnModule-1372 module-4">\n'
                f'<h2 class="title-page">Sơ đồ cổng</h2>\n<ul class="site-map">\n{links}\n</ul>\n</div>')  # fmt: skip

    def search(self) -> str:
        return ('<div class="DnnModule module-4">\n<h2 class="title-page">Kết quả tìm kiếm</h2>\n'
                "<div>Vui lòng nhập từ khóa tìm kiếm.</div>\n</div>")  # fmt: skip

    def not_found(self) -> str:
        return ('<div class="DnnModule module-4">\n<h2 class="title-page">Trang không tồn tại</h2>\n'
                "<div>Địa chỉ bạn truy cập không tồn tại hoặc đã bị gỡ bỏ. "
                '<a href="/">Về trang chủ</a></div>\n</div>')  # fmt: skip


# ---- html5: a modern theme with semantic elements and structured data


class _Html5(_Markup):
    """A modern HTML5 theme: `<article>`, `<time datetime>`, JSON-LD, Open Graph.

    The headline is an `<h1>` inside the article's `<header>`; the visible date is the day
    alone while `<time datetime>`, `article:published_time` and JSON-LD carry the exact
    time; the body's paragraphs are text separated by `<br><br>` (no `<p>`), images are
    `<figure>`s. Listings are `<article class="card">`s, which are no articles.
    """

    name = "html5"
    title_suffix = " - Cải cách hành chính Lai Châu"

    def published(self, draft: _Draft) -> tuple[str, str]:
        return draft.published.isoformat(), _day(draft.published)

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        full = _attr(self.full_title(title))
        head = head or f'<meta property="og:type" content="website">\n<meta property="og:title" content="{full}">'
        items = []
        for href, name, children in _menu():
            sub = "".join(f'<li><a href="{h}">{_esc(n)}</a></li>' for h, n in children)
            items.append(f'      <li><a href="{href}">{_esc(name)}</a>{f"<ul>{sub}</ul>" if sub else ""}</li>')
        menu = '    <ul>\n      <li><a href="/">Trang chủ</a></li>\n' + "\n".join(items) + "\n    </ul>"
        return _render(_data_text("html5/shell.html"), charset=charset, title=full, head=head, menu=menu,
                       main=main, latest=latest)  # fmt: skip

    @staticmethod
    def _time(draft: _Draft) -> str:
        return f'<time datetime="{draft.published.isoformat()}">{_day(draft.published)}</time>'

    def _item(self, draft: _Draft) -> str:
        return f'<li><a href="{draft.path}">{_esc(draft.title)}</a> {self._time(draft)}</li>'

    def latest(self, drafts: list[_Draft]) -> str:
        return "\n".join("      " + self._item(d) for d in drafts)

    @staticmethod
    def _breadcrumbs(trail: tuple) -> str:
        items = ['<li><a href="/">Trang chủ</a></li>']
        for index, (href, name) in enumerate(trail):
            current = ' aria-current="page"' if index == len(trail) - 1 else ""
            items.append(f'<li{current}><a href="{href}">{_esc(name)}</a></li>')
        return '<nav aria-label="breadcrumb"><ol class="crumbs">' + "".join(items) + "</ol></nav>"

    def body(self, draft: _Draft) -> str:
        pieces, inline = [], False  # `inline`: the last piece was paragraph text, so the next one needs <br><br>
        for block in draft.blocks:
            if block.kind == "paragraph":
                pieces.append(("<br><br>\n" if inline else "") + block.inner)
                inline = True
                continue
            if block.kind == "image":
                image = block.image
                caption = f"<figcaption>{_esc(image['caption'])}</figcaption>" if image["caption"] else ""
                html_ = (f'<figure class="image"><img src="{image["src"]}" alt="{_attr(image["alt"])}" '
                         f'width="600" height="400" loading="lazy">{caption}</figure>')  # fmt: skip
            else:
                html_ = block.html
            pieces.append(f"\n{html_}\n")
            inline = False
        return "".join(pieces).strip("\n")

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        title, path, iso = _esc(draft.title), draft.path, draft.published.isoformat()
        section = SECTIONS[draft.category][-1][1]
        summary = _attr(_sapo(draft.lead_text, 200))
        image = f'<meta property="og:image" content="{BASE}{draft.images[0]["src"]}">\n' if draft.images else ""
        news = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": draft.title,
            "datePublished": iso,
            "dateModified": iso,
            "articleSection": section,
            "mainEntityOfPage": {"@type": "WebPage", "@id": BASE + path},
            "author": {"@type": "Organization", "name": "Sở Nội vụ tỉnh Lai Châu"},
            "publisher": {"@type": "Organization", "name": HOME_TITLE,
                          "logo": {"@type": "ImageObject", "url": BASE + "/Portals/0/Images/banner-cchc.png"}},
        }  # fmt: skip
        if draft.images:
            news["image"] = [BASE + i["src"] for i in draft.images]
        trail = [("/", "Trang chủ"), *SECTIONS[draft.category]]
        crumbs = {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": BASE + href}
                                for n, (href, name) in enumerate(trail, 1)],
        }  # fmt: skip
        head = (
            f'<link rel="canonical" href="{BASE}{path}">\n'
            f'<meta name="description" content="{summary}">\n'
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{_attr(self.full_title(draft.title))}">\n'
            f'<meta property="og:description" content="{summary}">\n'
            f'<meta property="og:url" content="{BASE}{path}">\n'
            f"{image}"
            f'<meta property="article:published_time" content="{iso}">\n'
            f'<meta property="article:section" content="{_attr(section)}">\n'
            f"{_json_ld(news)}\n{_json_ld(crumbs)}"
        )
        files = ""
        if draft.attachments:
            items = "\n".join(f'<li><a href="{a["url"]}" download>{_esc(a["name"])}</a></li>' for a in draft.attachments)
            files = f'<section class="post-files">\n<h2>Tệp đính kèm</h2>\n<ul>\n{items}\n</ul>\n</section>\n'
        related = ""
        if draft.related:
            items = "\n".join(self._item(r) for r in draft.related)
            related = f'<section class="related">\n<h2>Bài viết liên quan</h2>\n<ul>\n{items}\n</ul>\n</section>\n'
        main = (
            f"{self._breadcrumbs(SECTIONS[draft.category])}\n"
            f'<article class="post" itemscope itemtype="https://schema.org/NewsArticle">\n'
            f'<header class="post-header">\n<h1 itemprop="headline">{title}</h1>\n'
            f'<p class="post-meta"><time datetime="{iso}" itemprop="datePublished">{_day(draft.published)}</time></p>\n'
            f"</header>\n"
            f'<div class="post-body" itemprop="articleBody">\n{body}\n</div>\n'
            f"{files}"
            f'<footer class="post-tools"><a href="{path}?print=1">In bài viết</a> · '
            f'<a href="mailto:?subject={_attr(draft.title[:40])}">Gửi email</a> · '
            f'<a href="https://www.facebook.com/sharer/sharer.php?u={BASE}{path}" target="_blank" rel="noopener">'
            f"Chia sẻ Facebook</a></footer>\n"
            f"</article>\n"
            f"{related}"
        )
        return main, head

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        return _render(_data_text("html5/print.html"), charset=charset, title=_esc(draft.title), path=draft.path,
                       datetime=draft.published.isoformat(), date=_day(draft.published), body=body)  # fmt: skip

    def _pager(self, base: str, page: int, pages: int) -> str:
        if pages <= 1:
            return ""
        parts = [f'<a rel="prev" href="{_page_href(base, page - 1)}">« Trước</a>'] if page > 1 else []
        for number in _page_numbers(page, pages):
            link = f'<a href="{_page_href(base, number)}">{number}</a>'
            parts.append(f'<span aria-current="page">{number}</span>' if number == page else link)
        if page < pages:
            parts.append(f'<a rel="next" href="{_page_href(base, page + 1)}">Sau »</a>')
        return '\n<nav class="pagination" aria-label="Phân trang">' + " ".join(parts) + "</nav>"

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        cards = "\n".join(
            f'<article class="card">\n'
            f'<a class="card-thumb" href="{d.path}"><img src="{d.thumb}" alt="" loading="lazy"></a>\n'
            f'<h3 class="card-title"><a href="{d.path}">{_esc(d.title)}</a></h3>\n{self._time(d)}\n'
            f'<p class="card-summary">{_esc(_sapo(d.lead_text, 160))}</p>\n</article>'
            for d in drafts
        ) or "<p>Chưa có bài viết.</p>"
        return (f'{self._breadcrumbs(trail)}\n<h1 class="archive-title">{_esc(trail[-1][1])}</h1>\n'
                f'<div class="cards">\n{cards}\n</div>{self._pager(base, page, pages)}')  # fmt: skip

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        rows = "\n".join(
            f'<tr><td><a href="{d["path"]}">{_esc(d["number_raw"])}</a></td><td>{d["issued"]}</td>'
            f'<td>{_esc(d["summary"])}</td></tr>'
            for d in documents
        )
        return (f'{self._breadcrumbs(trail)}\n<h1 class="archive-title">{_esc(trail[-1][1])}</h1>\n'
                f'<table class="vb-table">\n'
                f"<thead><tr><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>"
                f"</thead>\n<tbody>\n{rows}\n</tbody>\n</table>{self._pager(base, page, pages)}")  # fmt: skip

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        particulars = "\n".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
        return (f'{self._breadcrumbs(trail)}\n<section class="vb-detail">\n<h1>{_esc(title)}</h1>\n'
                f'<dl class="vb-meta">\n{particulars}\n</dl>\n</section>')  # fmt: skip

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        parts = [
            f'<h1 class="visually-hidden">{HOME_TITLE}</h1>\n'
            f'<article class="card card-featured">\n<a class="card-thumb" href="{featured.path}">'
            f'<img src="{featured.thumb}" alt=""></a>\n'
            f'<h2 class="card-title"><a href="{featured.path}">{_esc(featured.title)}</a></h2>\n{self._time(featured)}\n'
            f'<p class="card-summary">{_esc(_sapo(featured.lead_text, 201))}</p>\n</article>'
        ]
        for key, name, drafts in boxes:
            links = "\n".join(f'<li><a href="{d.path}">{_esc(d.title)}</a></li>' for d in drafts)
            parts.append(f'<section class="home-section">\n<h2><a href="/{key}">{name}</a></h2>\n'
                         f"<ul>\n{links}\n</ul>\n</section>")  # fmt: skip
        return "\n".join(parts)

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        content = "\n".join(f"<p>{p}</p>" for p in paragraphs)
        return (f'{self._breadcrumbs(trail)}\n<article class="page">\n<h1 class="page-heading">{heading}</h1>\n'
                f'<div class="page-body">\n{content}\n</div>\n</article>')  # fmt: skip

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        links = "\n".join(f'<li><a href="{_attr(href)}">{name}</a></li>' for href, name in entries)
        return (f'{self._breadcrumbs(trail)}\n<article class="page">\n<h1 class="page-heading">Sơ đồ trang</h1>\n'
                f'<ul class="site-tree">\n{links}\n</ul>\n</article>')  # fmt: skip

    def search(self) -> str:
        return ('<section class="search-results">\n<h1>Kết quả tìm kiếm</h1>\n'
                "<p>Vui lòng nhập từ khóa tìm kiếm.</p>\n</section>")  # fmt: skip

    def not_found(self) -> str:
        return ('<section class="error-404">\n<h1>Không tìm thấy trang</h1>\n'
                '<p>Trang bạn tìm không tồn tại. <a href="/">Về trang chủ</a></p>\n</section>')  # fmt: skip


# ---- table: an old site laid out in nested tables


class _Table(_Markup):
    """An old portal laid out in nested `<table>`s, as many district sites still are.

    No breadcrumb and no heading element: the title is a bold `<span>` in `td.tieude`,
    the date is the day alone (`Cập nhật ngày: 24-09-2021`, or `Ngày 24 tháng 9 năm 2021`
    on one article in three); related articles are `Tin đã đưa`, listings are bare rows.
    """

    name = "table"
    title_suffix = " | Cổng thông tin cải cách hành chính tỉnh Lai Châu"
    TITLE_SPAN = '<span style="font-weight:bold;font-size:16px">'

    def published(self, draft: _Draft) -> tuple[str, str]:
        day = draft.published.replace(hour=0, minute=0, second=0)
        return day.isoformat(), self._date(draft).removeprefix("Cập nhật ngày: ")

    @staticmethod
    def _date(draft: _Draft) -> str:
        """The date line under the title; its two spellings are told apart by the site id."""
        moment = draft.published
        if draft.site_id % 3 == 0:
            return f"Ngày {moment.day} tháng {moment.month} năm {moment.year}"
        return f"Cập nhật ngày: {moment:%d-%m-%Y}"

    def breadcrumb(self, draft: _Draft) -> list[str]:
        return []

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        rows = []
        for href, name, children in _menu():
            rows.append(f'        <tr><td class="menutrai"><a href="{href}">{_esc(name)}</a></td></tr>')
            rows += [f'        <tr><td class="menucon">&nbsp;&nbsp;- <a href="{h}">{_esc(n)}</a></td></tr>'
                     for h, n in children]  # fmt: skip
        return _render(_data_text("table/shell.html"), charset=charset, title=_esc(self.full_title(title)),
                       menu="\n".join(rows), main=main, latest=latest)  # fmt: skip

    def latest(self, drafts: list[_Draft]) -> str:
        rows = [f'        <tr><td class="tinmoi"><a href="{d.path}">{_esc(d.title)}</a></td></tr>' for d in drafts]
        return "\n".join(rows)

    @staticmethod
    def _row(draft: _Draft) -> str:
        return f'  <tr><td>- <a href="{draft.path}">{_esc(draft.title)}</a> ({_day(draft.published)})</td></tr>'

    def _titled(self, title: str, rows: str) -> str:
        """A box: its title row in bold, then `rows`."""
        return (f'<table width="100%" border="0" cellspacing="0" cellpadding="4">\n'
                f'  <tr><td class="tieude">{self.TITLE_SPAN}{title}</span></td></tr>\n{rows}\n</table>')  # fmt: skip

    def body(self, draft: _Draft) -> str:
        parts = []
        for block in draft.blocks:
            if block.kind == "paragraph":
                # An old editor writes `align` where the snapshot's writes a style.
                match = re.fullmatch(r"text-align: (\w+);", block.style)
                align = f' align="{match[1]}"' if match else ""
                parts.append(f"<p{align}>{block.inner}</p>")
            elif block.kind == "image":
                image = block.image
                parts.append(f'<p align="center"><img src="{image["src"]}" alt="{_attr(image["alt"])}" border="0" '
                             f'width="500"></p>')  # fmt: skip
                if image["caption"]:
                    parts.append(f'<p align="center"><i>{_esc(image["caption"])}</i></p>')
            else:
                parts.append(block.html)
        return "\n".join(parts)

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        path = draft.path
        rows = [f'  <tr><td class="ngaydang"><i>{self._date(draft)}</i></td></tr>',
                f'  <tr><td class="noidung">\n{body}\n  </td></tr>']  # fmt: skip
        if draft.attachments:
            links = "<br>\n".join(f'<a href="{a["url"]}">{_esc(a["name"])}</a>' for a in draft.attachments)
            rows.append(f'  <tr><td class="dinhkem"><b>File đính kèm:</b><br>\n{links}</td></tr>')
        rows.append(f'  <tr><td align="right"><a href="{path}?print=1">[In trang]</a> '
                    f'<a href="mailto:?subject={_attr(draft.title[:40])}">[Gửi email]</a> '
                    f'<a href="javascript:history.back()">[Quay lại]</a></td></tr>')  # fmt: skip
        main = self._titled(_esc(draft.title), "\n".join(rows))
        if draft.related:
            items = "\n".join(self._row(r) for r in draft.related)
            main += (f'\n<table width="100%" border="0" cellspacing="0" cellpadding="3">\n'
                     f'  <tr><td class="tieudebox">Tin đã đưa</td></tr>\n{items}\n</table>')  # fmt: skip
        return main, ""

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        return _render(_data_text("table/print.html"), charset=charset, title=_esc(draft.title), path=draft.path,
                       date=self._date(draft), body=body)  # fmt: skip

    @staticmethod
    def _pager(base: str, page: int, pages: int) -> str:
        if pages <= 1:
            return ""
        numbers = [f"<b>{n}</b>" if n == page else f'<a href="{_page_href(base, n)}">{n}</a>'
                   for n in _page_numbers(page, pages)]  # fmt: skip
        return f'\n  <tr><td class="phantrang" align="center">Trang: {" ".join(numbers)}</td></tr>'

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        rows = "\n".join(self._row(d) for d in drafts) or "  <tr><td>Chưa có tin.</td></tr>"
        return (f'<table width="100%" border="0" cellspacing="0" cellpadding="3">\n'
                f'  <tr><td class="tieudebox">{_esc(trail[-1][1])}</td></tr>\n'
                f"{rows}{self._pager(base, page, pages)}\n</table>")  # fmt: skip

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        rows = "\n".join(
            f'  <tr><td><a href="{d["path"]}">{_esc(d["number_raw"])}</a></td><td>{d["issued"]}</td>'
            f'<td>{_esc(d["summary"])}</td></tr>'
            for d in documents
        )
        pager = self._pager(base, page, pages).replace("<td ", '<td colspan="3" ')
        return (f'<table width="100%" border="1" cellspacing="0" cellpadding="3" bordercolor="#CCCCCC">\n'
                f'  <tr><td colspan="3" class="tieudebox">{_esc(trail[-1][1])}</td></tr>\n'
                f"  <tr><td><b>Số ký hiệu</b></td><td><b>Ngày ban hành</b></td><td><b>Trích yếu</b></td></tr>\n"
                f"{rows}{pager}\n</table>")  # fmt: skip

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        cells = "\n".join(f'    <tr><td width="30%"><b>{label}</b></td><td>{value}</td></tr>' for label, value in rows)
        inner = f'  <tr><td><table width="100%" border="1" cellspacing="0" cellpadding="4">\n{cells}\n  </table></td></tr>'
        return self._titled(_esc(title), inner)

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        parts = [
            f'<table width="100%" border="0" cellspacing="0" cellpadding="4">\n'
            f'  <tr><td class="tinnoibat"><a href="{featured.path}"><img src="{featured.thumb}" align="left" '
            f'width="180" border="0" alt=""></a><a href="{featured.path}"><b>{_esc(featured.title)}</b></a><br>\n'
            f"  {_esc(_sapo(featured.lead_text, 201))}</td></tr>\n</table>"
        ]
        for key, name, drafts in boxes:
            rows = "\n".join(f'  <tr><td>- <a href="{d.path}">{_esc(d.title)}</a></td></tr>' for d in drafts)
            parts.append(f'<table width="100%" border="0" cellspacing="0" cellpadding="3">\n'
                         f'  <tr><td class="tieudebox"><a href="/{key}">{name}</a></td></tr>\n{rows}\n</table>')  # fmt: skip
        return "\n".join(parts)

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        content = "\n".join(f"<p>{p}</p>" for p in paragraphs)
        return self._titled(heading, f'  <tr><td class="noidung">\n{content}\n  </td></tr>')

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        rows = "\n".join(f'  <tr><td>- <a href="{_attr(href)}">{name}</a></td></tr>' for href, name in entries)
        return self._titled("Sơ đồ site", rows)

    def search(self) -> str:
        return self._titled("Tìm kiếm", "  <tr><td>Vui lòng nhập từ khóa tìm kiếm.</td></tr>")

    def not_found(self) -> str:
        row = '  <tr><td>Trang không tồn tại. <a href="/">Về trang chủ</a></td></tr>'
        return self._titled("Không tìm thấy trang", row)


# ---- wordpress: a WordPress theme with Yoast SEO and Jetpack

MONTHS = ("Một", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một", "Mười Hai")


class _WordPress(_Markup):
    """A WordPress site (a default-like theme, Yoast SEO, Jetpack), as some departments run.

    `h1.entry-title`; `time.entry-date.published` shows the day in words (`24 Tháng Chín,
    2021`) and carries the exact time in `datetime`, beside a `time.updated` of a later
    edit that is not the publication. Jetpack's share buttons (`.sharedaddy`) and its
    `Bài viết liên quan` sit inside `div.entry-content`, after the text. The Yoast
    breadcrumb ends with the post's own title, which is no section: the ground truth's
    breadcrumb stops at the category. Listings are `<article>`s with `entry-title`s too,
    and static pages are `<article>`s without a date.
    """

    name = "wordpress"
    title_suffix = " – Cải cách hành chính Lai Châu"

    @staticmethod
    def _words(moment: datetime) -> str:
        return f"{moment.day} Tháng {MONTHS[moment.month - 1]}, {moment.year}"

    @staticmethod
    def _updated(draft: _Draft) -> datetime:
        """When the post was last edited: hours after it was published."""
        return draft.published + timedelta(hours=1 + draft.site_id % 47, minutes=draft.site_id % 60)

    def published(self, draft: _Draft) -> tuple[str, str]:
        return draft.published.isoformat(), self._words(draft.published)

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        items = []
        for href, name, children in _menu():
            sub = "".join(f'<li class="menu-item"><a href="{h}">{_esc(n)}</a></li>' for h, n in children)
            sub = f'<ul class="sub-menu">{sub}</ul>' if sub else ""
            items.append(f'      <li class="menu-item"><a href="{href}">{_esc(name)}</a>{sub}</li>')
        menu = ('    <ul id="primary-menu" class="menu">\n      <li class="menu-item"><a href="/">Trang chủ</a></li>\n'
                + "\n".join(items) + "\n    </ul>")  # fmt: skip
        kind = "single single-post" if head else "home blog" if path == "/" else "archive"  # WordPress's body classes
        return _render(_data_text("wordpress/shell.html"), charset=charset, title=_esc(self.full_title(title)),
                       head=head, body_class=kind, menu=menu, main=main, latest=latest)  # fmt: skip

    def latest(self, drafts: list[_Draft]) -> str:
        return "\n".join(f'      <li><a href="{d.path}">{_esc(d.title)}</a> <span class="post-date">'
                         f"{self._words(d.published)}</span></li>" for d in drafts)  # fmt: skip

    @staticmethod
    def _breadcrumbs(trail: tuple, last: str | None = None) -> str:
        """Yoast's breadcrumb: links, ` » ` between, the current page as plain text at the end."""
        links = [("/", "Trang chủ"), *trail]
        if last is None:  # a section's own page: its name ends the trail
            links, last = links[:-1], links[-1][1]
        parts = [f'<span><a href="{href}">{_esc(name)}</a></span>' for href, name in links]
        parts.append(f'<span class="breadcrumb_last" aria-current="page">{_esc(last)}</span>')
        return f'<nav class="yoast-breadcrumbs" aria-label="Breadcrumbs"><span>{" » ".join(parts)}</span></nav>'

    def _time(self, moment: datetime, kind: str = "entry-date published") -> str:
        return f'<time class="{kind}" datetime="{moment.isoformat()}">{self._words(moment)}</time>'

    def body(self, draft: _Draft) -> str:
        parts = []
        for block in draft.blocks:
            if block.kind == "image":
                image = block.image
                caption = ""
                if image["caption"]:
                    caption = f'<figcaption class="wp-element-caption">{_esc(image["caption"])}</figcaption>'
                parts.append(f'<figure class="wp-block-image size-large"><img decoding="async" src="{image["src"]}" '
                             f'alt="{_attr(image["alt"])}" width="600" height="400">{caption}</figure>')  # fmt: skip
            else:  # the classic editor keeps the snapshot's <p style="…">, lists and Word's HTML alike
                parts.append(block.html)
        return "\n".join(parts)

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        title, path, iso = _esc(draft.title), draft.path, draft.published.isoformat()
        trail = SECTIONS[draft.category]
        section_href, section = trail[-1]
        category = f'<a href="{section_href}" rel="category tag">{_esc(section)}</a>'
        graph = [
            {"@type": "Article", "@id": f"{BASE}{path}#article", "headline": draft.title, "datePublished": iso,
             "dateModified": self._updated(draft).isoformat(), "articleSection": [section],
             "author": {"name": "Ban biên tập"}, "inLanguage": "vi"},
            {"@type": "WebPage", "@id": BASE + path, "url": BASE + path, "name": self.full_title(draft.title),
             "breadcrumb": {"@id": f"{BASE}{path}#breadcrumb"}},
            {"@type": "BreadcrumbList", "@id": f"{BASE}{path}#breadcrumb", "itemListElement": [
                *({"@type": "ListItem", "position": n, "name": name, "item": BASE + href}
                  for n, (href, name) in enumerate([("/", "Trang chủ"), *trail], 1)),
                {"@type": "ListItem", "position": len(trail) + 2, "name": draft.title}]},
        ]  # fmt: skip
        head = (
            f'<link rel="canonical" href="{BASE}{path}" />\n'
            f'<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{_attr(draft.title)}" />\n'
            f'<meta property="article:published_time" content="{iso}" />\n'
            f'<meta property="article:modified_time" content="{self._updated(draft).isoformat()}" />\n'
            f'{_json_ld({"@context": "https://schema.org", "@graph": graph}, "yoast-schema-graph")}'
        )
        share = (
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">'
            '<h3 class="sd-title">Chia sẻ:</h3><div class="sd-content"><ul>'
            f'<li class="share-facebook"><a href="https://www.facebook.com/sharer.php?u={BASE}{path}" target="_blank">'
            f'Facebook</a></li><li class="share-print"><a href="{path}?print=1" target="_blank">In</a></li>'
            f'<li class="share-email"><a href="mailto:?subject={_attr(draft.title[:40])}">Email</a></li>'
            "</ul></div></div></div>"
        )
        related = ""
        if draft.related:
            posts = "\n".join(
                f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
                f'<a class="jp-relatedposts-post-a" href="{r.path}">{_esc(r.title)}</a></h4>'
                f'<p class="jp-relatedposts-post-date">{_day(r.published)}</p></div>'
                for r in draft.related
            )
            related = (f'\n<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
                       f'<em>Bài viết liên quan</em></h3>\n<div class="jp-relatedposts-items">\n'
                       f"{posts}\n</div></div>")  # fmt: skip
        files = ""
        if draft.attachments:
            links = "\n".join(f'<li><a href="{a["url"]}">{_esc(a["name"])}</a></li>' for a in draft.attachments)
            files = f'<div class="post-attachments"><h2>Tệp đính kèm</h2>\n<ul>\n{links}\n</ul></div>\n'
        main = (
            f"{self._breadcrumbs(trail, draft.title)}\n"
            f'<article id="post-{draft.site_id}" class="post-{draft.site_id} post type-post status-publish hentry">\n'
            f'<header class="entry-header">\n<div class="entry-categories">{category}</div>\n'
            f'<h1 class="entry-title">{title}</h1>\n'
            f'<div class="entry-meta"><span class="posted-on">Đăng ngày <a href="{path}" rel="bookmark">'
            f'{self._time(draft.published)}{self._time(self._updated(draft), "updated")}</a></span> '
            f'<span class="byline">bởi <span class="author vcard">'
            f'<a class="url fn n" href="/gioi-thieu">Ban biên tập</a>'
            f"</span></span></div>\n</header>\n"
            f'<div class="entry-content">\n{body}\n{share}{related}\n</div>\n'
            f"{files}"
            f'<footer class="entry-footer"><span class="cat-links">Chuyên mục: {category}</span></footer>\n'
            f"</article>"
        )
        return main, head

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        return _render(_data_text("wordpress/print.html"), charset=charset, title=_esc(draft.title), path=draft.path,
                       datetime=draft.published.isoformat(), date=self._words(draft.published), body=body)  # fmt: skip

    @staticmethod
    def _pager(base: str, page: int, pages: int) -> str:
        if pages <= 1:
            return ""
        links = [f'<a class="prev page-numbers" href="{_page_href(base, page - 1)}">« Trước</a>'] if page > 1 else []
        for number in _page_numbers(page, pages):
            if number == page:
                links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
            else:
                links.append(f'<a class="page-numbers" href="{_page_href(base, number)}">{number}</a>')
        if page < pages:
            links.append(f'<a class="next page-numbers" href="{_page_href(base, page + 1)}">Tiếp »</a>')
        return ('\n<nav class="navigation pagination" aria-label="Phân trang bài viết">'
                '<h2 class="screen-reader-text">Phân trang bài viết</h2>'
                f'<div class="nav-links">{"".join(links)}</div></nav>')  # fmt: skip

    def _archive(self, trail: tuple, content: str) -> str:
        return (f'{self._breadcrumbs(trail)}\n<header class="page-header"><h1 class="page-title">Chuyên mục: '
                f"<span>{_esc(trail[-1][1])}</span></h1></header>\n{content}")  # fmt: skip

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        posts = "\n".join(
            f'<article id="post-{d.site_id}" class="post-{d.site_id} post type-post status-publish hentry">\n'
            f'<header class="entry-header">'
            f'<h2 class="entry-title"><a href="{d.path}" rel="bookmark">{_esc(d.title)}</a></h2>\n'
            f'<div class="entry-meta"><span class="posted-on"><a href="{d.path}" rel="bookmark">{self._time(d.published)}'
            f"</a></span></div></header>\n"
            f'<div class="entry-summary"><p>{_esc(_sapo(d.lead_text, 160))} [&hellip;]</p></div>\n</article>'
            for d in drafts
        ) or '<section class="no-results not-found"><p>Chưa có bài viết.</p></section>'
        return self._archive(trail, posts + self._pager(base, page, pages))

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        rows = "\n".join(
            f'<tr><td><a href="{d["path"]}">{_esc(d["number_raw"])}</a></td><td>{d["issued"]}</td>'
            f'<td>{_esc(d["summary"])}</td></tr>'
            for d in documents
        )
        table = ('<table class="vb-list"><thead><tr><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>'
                 f"</thead>\n<tbody>\n{rows}\n</tbody></table>")  # fmt: skip
        return self._archive(trail, table + self._pager(base, page, pages))

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        cells = "\n".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
        return (f"{self._breadcrumbs(trail, title)}\n<article class=\"van-ban type-van-ban status-publish hentry\">\n"
                f'<header class="entry-header"><h1 class="entry-title">{_esc(title)}</h1></header>\n'
                f'<div class="entry-content">\n<table class="vb-info"><tbody>\n{cells}\n</tbody></table>\n</div>\n'
                "</article>")  # fmt: skip

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        parts = [
            f'<article class="post sticky hentry">\n<header class="entry-header"><h2 class="entry-title">'
            f'<a href="{featured.path}" rel="bookmark">{_esc(featured.title)}</a></h2>\n'
            f'<div class="entry-meta">{self._time(featured.published)}</div></header>\n'
            f'<div class="post-thumbnail"><img src="{featured.thumb}" alt=""></div>\n'
            f'<div class="entry-summary"><p>{_esc(_sapo(featured.lead_text, 201))} [&hellip;]</p></div>\n</article>'
        ]
        for key, name, drafts in boxes:
            links = "\n".join(f'<li><a href="{d.path}">{_esc(d.title)}</a></li>' for d in drafts)
            parts.append(f'<section class="home-category"><h2 class="home-category-title"><a href="/{key}">{name}</a>'
                         f"</h2>\n<ul>\n{links}\n</ul></section>")  # fmt: skip
        return "\n".join(parts)

    def _page(self, trail: tuple, heading: str, content: str) -> str:
        return (f'{self._breadcrumbs(trail)}\n<article class="page type-page status-publish hentry">\n'
                f'<header class="entry-header"><h1 class="entry-title">{heading}</h1></header>\n'
                f'<div class="entry-content">\n{content}\n</div>\n</article>')  # fmt: skip

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        return self._page(trail, heading, "\n".join(f"<p>{p}</p>" for p in paragraphs))

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        links = "\n".join(f'<li class="page_item"><a href="{_attr(href)}">{name}</a></li>' for href, name in entries)
        return self._page(trail, "Sơ đồ trang", f"<ul>\n{links}\n</ul>")

    def search(self) -> str:
        return ('<section class="no-results not-found"><header class="page-header"><h1 class="page-title">Tìm kiếm</h1>'
                "</header>\n<p>Vui lòng nhập từ khóa tìm kiếm.</p></section>")  # fmt: skip

    def not_found(self) -> str:
        return ('<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">'
                "Không tìm thấy trang</h1></header>\n"
                '<p>Trang bạn tìm không tồn tại. <a href="/">Về trang chủ</a></p></section>')  # fmt: skip


_MARKUP_CLASSES: dict[str, type[_Markup]] = {cls.name: cls for cls in (_Snapshot, _Portal, _Html5, _Table, _WordPress)}
# Every markup `build_replica` can render; "snapshot" is the real site's.
MARKUPS = tuple(_MARKUP_CLASSES)


def _about_page() -> tuple[str, list[str]]:
    """The real `Giới thiệu` page's heading and paragraphs (inline HTML), from the snapshot."""
    text = _data_text("snapshot/static-gioi-thieu.html")
    return re.search(r'<h1 class="page-title">(.*?)</h1>', text)[1], re.findall(r"<p>(.*?)</p>", text)


def _token(rng: random.Random, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(length))


def _redirect(status: int, location: str) -> Resource:
    body = (f'<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to '
            f'<a href="{_attr(location)}">here</a>.</h2>\r\n</body></html>\r\n')  # fmt: skip
    return Resource(status, {"Content-Type": HTML_UTF8, "Location": location}, body.encode("utf-8"))


def seed_text_paragraphs(text: str) -> list[str]:
    """Body paragraphs of the real page text: the lines between the date and `Tin liên quan`."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("(Ngày đăng")) + 1
    end = lines.index("Tin liên quan")
    paragraphs = [" ".join(line.replace("\xa0", " ").split()) for line in lines[start:end]]
    return [unicodedata.normalize("NFC", p) for p in paragraphs if p]


def build_replica(n_articles: int = 300, seed: int = 2021, markup: str = "snapshot") -> Replica:
    """Build the replica site with `n_articles` articles; the same arguments give an equal replica.

    `markup` (one of `MARKUPS`) is the template the pages are written in: the same seed
    gives the same articles in every markup, and each replica's ground truth is what a
    correct extraction of its own markup yields.
    """
    return _Builder(n_articles, seed, markup).build()


# --------------------------------------------------------------------------------------
# The server


class _Handler(BaseHTTPRequestHandler):
    server_version = "Microsoft-IIS/10.0"  # what the real portal answers with
    sys_version = ""
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy expects of a real server
    # Headers and body go out in two writes; with Nagle's algorithm a keep-alive client
    # waits ~40 ms for each body.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(with_body=False)

    def _serve(self, with_body: bool) -> None:
        owner: ReplicaServer = self.server.owner  # type: ignore[attr-defined]
        number = owner._record(self.command, self.path, dict(self.headers.items()))
        owner._wait_if_held(number)
        self._send(owner.replica.get(self.path, base=owner.url), with_body)

    def _send(self, resource: Resource, with_body: bool, declared_length: int | None = None) -> None:
        """Answer with `resource` (304 to a matching conditional request).

        `declared_length`: a Content-Length other than the body's, after which the
        connection is closed short, as a server cut off mid-answer does.
        """
        if declared_length is None and resource.not_modified(self.headers):
            # 304: no body and no Content-Length, but the validators, as IIS sends them.
            self.send_response(304)
            for name in ("ETag", "Last-Modified"):
                self.send_header(name, resource.headers[name])
            self.send_header("X-Powered-By", "ASP.NET")
            self.end_headers()
            return
        self.send_response(resource.status)
        for name, value in resource.headers.items():
            self.send_header(name, value)
        declared = len(resource.body) if declared_length is None else declared_length
        self.send_header("Content-Length", str(declared))
        self.send_header("X-Powered-By", "ASP.NET")
        self.end_headers()
        if with_body:
            self.wfile.write(resource.body)
        if declared != len(resource.body):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Stay quiet: tests and the demo crawl hundreds of pages."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up mid-response (a crawler closing at shutdown)."""


class ReplicaServer:
    """Serves a `Replica` over HTTP on a daemon thread; use as a context manager.

    `url` is the base URL (no trailing slash) once started; `requests` lists every request
    as `(method, path_with_query, headers)`; `arrivals` maps each path to when it was
    requested (time.monotonic(), each time).
    """

    def __init__(self, replica: Replica, host: str = "127.0.0.1", port: int = 0) -> None:
        self.replica = replica
        self.host = host
        self.port = port
        self.url = ""
        self.requests: list[tuple[str, str, dict]] = []
        self.arrivals: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        # A gate a test closes to stop a crawl at a point it chooses (see `hold`).
        self._hold_from: int | None = None
        self._released = threading.Event()
        self.holding = threading.Event()

    def hold(self, after: int) -> threading.Event:
        """Answer `after` more requests, then hold every answer until `release()`.

        The returned event is set once an answer is held: the crawler is then waiting on
        this server, at a point the test chose, whatever the speed of the machine.
        """
        with self._lock:
            self._hold_from = len(self.requests) + after
            self._released.clear()
            self.holding.clear()
        return self.holding

    def release(self) -> None:
        """Let held answers go, and answer every later request at once."""
        with self._lock:
            self._hold_from = None
        self._released.set()

    def _wait_if_held(self, number: int) -> None:
        hold_from = self._hold_from
        if hold_from is not None and number > hold_from:
            self.holding.set()
            self._released.wait(timeout=600)

    def start(self) -> ReplicaServer:
        """Bind the port and start serving in the background."""
        if self._httpd is not None:
            return self
        httpd = _QuietServer((self.host, self.port), _Handler)
        httpd.owner = self  # type: ignore[attr-defined]
        self.port = httpd.server_address[1]
        self.url = f"http://{self.host}:{self.port}"
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"replica-{self.port}", daemon=True)  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def serve_until_interrupted(self) -> None:
        """Serve in the foreground until Ctrl-C (or SIGINT), then stop."""
        print("Press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def _record(self, method: str, path: str, headers: dict) -> int:
        """Note a request; its number, counting from 1."""
        with self._lock:
            self.requests.append((method, path, headers))
            self.arrivals.setdefault(path, []).append(time.monotonic())
            return len(self.requests)

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """`python -m crawler.replica [--port N] [--articles N] [--markup NAME]`: serve the replica until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m crawler.replica", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--articles", type=int, default=300, help="number of articles (default 300)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--markup", choices=MARKUPS, default="snapshot",
                        help="the pages' template: the real site's (default) or another portal's")  # fmt: skip
    args = parser.parse_args(argv)
    replica = build_replica(args.articles, args.seed, args.markup)
    server = ReplicaServer(replica, args.host, args.port).start()
    print(f"Replica of cchc.laichau.gov.vn ({len(replica.articles)} articles, {replica.markup} markup) "
          f"at {server.url}/", flush=True)  # fmt: skip
    server.serve_until_interrupted()


if __name__ == "__main__":
    main()
