"""Text of attached files (PDF, DOCX, XLSX; DOC and XLS are recognised but not read).

A pure library: bytes in, `AttachmentText` out, no network and no database. The kind of a
file is decided by what its bytes are, not by what the server or the file name says: the
portal serves PDFs as `text/html` and error pages under `.pdf` names. Bad input never
raises; a file that yields no text says why in one line (`error`).

    from crawler.extraction.attachments import extract_text
    result = extract_text(body, "https://cchc.laichau.gov.vn/Uploads/files/2023/08/2790-KH-UBND.pdf")
    result.kind, result.text, result.error
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from crawler.text import nfc, normalize_space

MAX_BYTES = 50 * 1024 * 1024
KINDS = ("pdf", "docx", "doc", "xls", "xlsx", "other")
LABELS = {"pdf": "PDF", "docx": "DOCX", "doc": "DOC", "xls": "XLS", "xlsx": "XLSX", "other": "file"}

CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/acrobat": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
EXTENSIONS = {".pdf": "pdf", ".doc": "doc", ".docx": "docx", ".xls": "xls", ".xlsx": "xlsx"}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .doc, .xls, .ppt, .msg
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
# Bytes that open files that are certainly not documents: markup (the site's error pages) and images.
NOT_DOCUMENTS = (b"<", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")

# C0 controls left once lines are split (tab stays, as a space): PDFs leak NULs and the like.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class AttachmentText:
    """The text of one attached file, or the reason there is none."""

    text: str | None  # NFC, spaces normalised per line; paragraphs separated by blank lines
    kind: str  # pdf | docx | doc | xls | xlsx | other
    error: str | None  # one line, when there is no text


def claimed_kind(url: str, content_type: str | None) -> str | None:
    """What the server (`Content-Type`) or else the file name says the file is; None if neither says."""
    if content_type:
        kind = CONTENT_TYPES.get(content_type.split(";", 1)[0].strip().lower())
        if kind:
            return kind
    path = unquote(urlsplit(url).path).lower()
    for extension, kind in EXTENSIONS.items():
        if path.endswith(extension):
            return kind
    return None


def file_kind(url: str, content_type: str | None, body: bytes) -> str:
    """`pdf`, `docx`, `doc`, `xls`, `xlsx` or `other`: magic bytes first, then content type, then extension.

    The bytes decide the family (a PDF served as `text/html` is a PDF; an HTML page named
    `.pdf` is `other`); the server's word and the file name only choose within a family
    whose bytes leave it open (an OLE file without a recognisable stream, a broken zip).
    """
    head = body[:1024]
    if b"%PDF-" in head:  # readers accept junk before the header, and so does this
        return "pdf"
    claim = claimed_kind(url, content_type)
    if body.startswith(ZIP_MAGIC):
        names = _zip_names(body)
        if names is not None:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
        return claim if claim in ("docx", "xlsx") else "other"
    if body.startswith(OLE_MAGIC):
        if "WordDocument".encode("utf-16-le") in body:
            return "doc"
        if "Workbook".encode("utf-16-le") in body or "Book\x00".encode("utf-16-le") in body:
            return "xls"
        return claim if claim in ("doc", "xls") else "other"
    return "other"


def extract_text(body: bytes, url: str, content_type: str | None = None, max_bytes: int = MAX_BYTES) -> AttachmentText:
    """The text of an attached file; never raises: a file without text gets a one-line `error`."""
    kind = file_kind(url, content_type, body)
    if len(body) > max_bytes:
        return AttachmentText(None, kind, f"too large: {len(body)} bytes > {max_bytes}")
    if not body:
        return AttachmentText(None, kind, "empty file")
    if kind == "other":
        claim = claimed_kind(url, content_type)
        what = f"not a {LABELS[claim]}" if claim else "not a document file"
        return AttachmentText(None, kind, f"{what} (content starts with {_preview(body)})")
    if kind in ("doc", "xls"):
        return AttachmentText(None, kind, f"no text extractor for .{kind} files")
    reader = {"pdf": _pdf_text, "docx": _docx_text, "xlsx": _xlsx_text}[kind]
    try:
        text, error = reader(body)
    except Exception as exc:  # noqa: BLE001 (any parser failure is a corrupt file, never a crash)
        return AttachmentText(None, kind, f"corrupt {LABELS[kind]}: {_one_line(exc)}")
    text = _clean(text) if text is not None else None
    if text is None and error is None:
        error = f"no text in {LABELS[kind]}"
    return AttachmentText(text, kind, None if text else error)


def file_record(url: str, body: bytes, content_type: str | None, fetched: str, status: int) -> dict:
    """A row of `attachment_files`: the downloaded file's size, hash, kind and text."""
    extracted = extract_text(body, url, content_type)
    return {
        "url": url, "fetched": fetched, "status": status, "content_type": content_type, "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(), "kind": extracted.kind, "text": extracted.text,
        "error": extracted.error,
    }  # fmt: skip


# --------------------------------------------------------------------------------------
# Readers: each returns (raw text or None, reason when None) and may raise on a corrupt file


def _pdf_text(body: bytes) -> tuple[str | None, str | None]:
    # PDFium (Chromium's PDF engine) reads a page's text about five times faster than pypdf
    # and is hardened against malformed files; a crawl reads every attached PDF.
    import pypdfium2 as pdfium

    try:
        # Many government PDFs are encrypted with an empty user password (only copying is
        # "forbidden"): PDFium opens those, and their text is as readable as any other.
        document = pdfium.PdfDocument(body)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            return None, "encrypted PDF"
        raise
    try:
        count = len(document)
        texts, failure = [], None
        for index in range(count):
            try:
                page = document[index]
                textpage = page.get_textpage()
                texts.append(textpage.get_text_bounded())
                textpage.close()
                page.close()
            except Exception as exc:  # noqa: BLE001 (one bad page should not lose the others)
                failure = failure or exc
    finally:
        document.close()
    if failure is not None and not any(t.strip() for t in texts):
        raise failure
    text = "\n\n".join(t for t in texts if t.strip())
    if text.strip():
        return text, None
    if count == 0:
        return None, "PDF has no pages"
    return None, f"no text in PDF ({count} page{'s' if count != 1 else ''}, probably scanned images)"


def _docx_text(body: bytes) -> tuple[str | None, str | None]:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(body))
    blocks = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks.extend(_table_rows(block))
        else:
            blocks.append(block.text)
    return "\n\n".join(b for b in blocks if b.strip()), None


def _table_rows(table) -> list[str]:
    """One line per row, cells joined by ` | `; a merged cell counts once."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _xlsx_text(body: bytes) -> tuple[str | None, str | None]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Workbook contains no default style" and the like
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        try:
            sheets = []
            for sheet in workbook.worksheets:
                rows = []
                for values in sheet.iter_rows(values_only=True):
                    cells = [" ".join(str(v).split()) for v in values if v is not None and str(v).strip()]
                    if cells:
                        rows.append(" | ".join(cells))
                if rows:
                    sheets.append(f"{sheet.title}\n" + "\n".join(rows))
        finally:
            workbook.close()
    return "\n\n".join(sheets), None


# --------------------------------------------------------------------------------------
# Helpers


def _clean(text: str) -> str | None:
    """NFC, no control characters, spaces normalised line by line, at most one blank line in a row."""
    lines = [normalize_space(_CONTROLS.sub("", line)) for line in nfc(text).splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) or None


def _zip_names(body: bytes) -> set[str] | None:
    """The member names of a zip archive; None if it cannot be read as one."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None


def _preview(body: bytes) -> str:
    """The first word of a file, printable: `<html`, `<!DOCTYPE`, `\\x89PNG`."""
    head = body[:64].lstrip(b" \t\r\n\f\x00").removeprefix(b"\xef\xbb\xbf").lstrip()
    word = re.match(rb"[^\s>]{1,16}", head)
    raw = word.group(0) if word else head[:16]
    return "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in raw) or "nothing printable"


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split()).strip("'\"")
    return (message[:200] if message else type(exc).__name__) or type(exc).__name__
