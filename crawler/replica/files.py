"""The bytes of served files: placeholders, and the real PDF and DOCX attachments.

Images, the old Office formats and the skin's assets are placeholders, small but real
enough for a content sniffer; `make_pdf` and `make_docx` write real documents with
Vietnamese text that extracts back, the same bytes on every build.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources as package_files
from pathlib import Path
from urllib.parse import urlsplit

from crawler.replica.resources import Resource
from crawler.replica.site import CONTENT_TYPES, DATA_DIR, VIETNAM
from crawler.replica.text import _esc


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
