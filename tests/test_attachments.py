"""Text of attached files: real PDF, DOCX and XLSX files generated here, and every way they go wrong."""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile

import openpyxl
import pytest
from pypdf import PdfReader, PdfWriter

from crawler.extraction.attachments import MAX_BYTES, AttachmentText, extract_text, file_kind
from crawler.replica import DATA_DIR, FILE_EPOCH, make_docx, make_pdf

URL = "https://cchc.laichau.gov.vn/Uploads/files/2023/08/"
TITLE = "Kế hoạch số 2790/KH-UBND"
PARAGRAPHS = [
    "Kế hoạch đo lường sự hài lòng của người dân, tinh giản biên chế, Đảng bộ tỉnh Lai Châu",
    "Ủy ban nhân dân tỉnh Lai Châu ban hành Kế hoạch đo lường sự hài lòng của người dân, tổ chức đối với "
    "sự phục vụ của cơ quan hành chính nhà nước năm 2023; khảo sát tại 08 huyện, thành phố với 1.200 phiếu.",
    "Phụ lục khảo sát mức độ hài lòng, mã tài liệu QĐ-ĐLHL-2023",
    "Các chữ có dấu: ă â đ ê ô ơ ư, ằ ắ ẳ ẵ ặ, ờ ớ ở ỡ ợ, ừ ứ ử ữ ự, ỳ ý ỷ ỹ ỵ, “ngoặc kép” – gạch nối…",
]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
HTML = b'<!DOCTYPE html>\n<html lang="vi"><head><title>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y</title></head></html>'


def words(text: str) -> str:
    """Text compared modulo whitespace: PDFs break lines where the page ends."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return make_pdf(TITLE, PARAGRAPHS)


@pytest.fixture(scope="module")
def docx_file() -> bytes:
    table = [["STT", "Nội dung", "Kết quả"], ["1", "Tinh giản biên chế", "Hoàn thành"], ["2", "Đảng bộ tỉnh", "95,5%"]]
    return make_docx(TITLE, PARAGRAPHS, table)


def xlsx_file() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    sheet.append(["STT", "Đơn vị", "Tỷ lệ hài lòng"])
    sheet.append([1, "Sở Nội vụ", 95.5])
    sheet.append([2, "UBND huyện Tam Đường", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# Real files round-trip


def test_pdf_text_round_trips_exactly(pdf: bytes) -> None:
    result = extract_text(pdf, URL + "2790-KH-UBND.pdf", "application/pdf")
    assert (result.kind, result.error) == ("pdf", None)
    assert words(result.text) == words(" ".join([TITLE, *PARAGRAPHS]))
    assert unicodedata.is_normalized("NFC", result.text)
    assert "Phụ lục khảo sát mức độ hài lòng, mã tài liệu QĐ-ĐLHL-2023" in result.text.splitlines()
    assert all(line == " ".join(line.split()) for line in result.text.splitlines())


def test_pdf_embeds_its_font(pdf: bytes) -> None:
    fonts = [font.get_object() for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()]
    truetype = [font for font in fonts if font["/Subtype"] == "/TrueType"]  # reportlab also lists an unused Helvetica
    assert len(truetype) >= 2  # regular and bold, each subset in pieces of at most 256 glyphs
    for font in truetype:
        assert "SourceSansPro" in font["/BaseFont"] and "/FontFile2" in font["/FontDescriptor"]
        assert "/ToUnicode" in font  # what makes the text extract back


def test_docx_paragraphs_then_table_rows(docx_file: bytes) -> None:
    result = extract_text(docx_file, URL + "ke-hoach.docx")
    assert (result.kind, result.error) == ("docx", None)
    assert result.text.split("\n\n") == [
        TITLE, *PARAGRAPHS, "STT | Nội dung | Kết quả", "1 | Tinh giản biên chế | Hoàn thành", "2 | Đảng bộ tỉnh | 95,5%",
    ]  # fmt: skip


def test_decomposed_text_comes_out_nfc() -> None:
    body = make_docx("Báo cáo", [unicodedata.normalize("NFD", "Đảng bộ tỉnh Lai Châu  tinh giản\u00a0biên chế")])
    result = extract_text(body, URL + "bao-cao.docx")
    assert result.text == "Báo cáo\n\nĐảng bộ tỉnh Lai Châu tinh giản biên chế"


def test_generated_files_are_deterministic() -> None:
    from crawler.replica import _make_docx, _make_pdf

    assert _make_pdf.__wrapped__(TITLE, tuple(PARAGRAPHS), "x") == _make_pdf.__wrapped__(TITLE, tuple(PARAGRAPHS), "x")
    body = _make_docx.__wrapped__(TITLE, tuple(PARAGRAPHS), (), FILE_EPOCH)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert {info.date_time for info in archive.infolist()} == {FILE_EPOCH.timetuple()[:6]}
        assert b"<dcterms:created xsi:type=\"dcterms:W3CDTF\">2020-12-31T17:00:00Z<" in archive.read("docProps/core.xml")


def test_xlsx_rows_by_sheet() -> None:
    result = extract_text(xlsx_file(), URL + "tong-hop.xlsx")
    assert (result.kind, result.error) == ("xlsx", None)
    assert result.text == "Tổng hợp\nSTT | Đơn vị | Tỷ lệ hài lòng\n1 | Sở Nội vụ | 95.5\n2 | UBND huyện Tam Đường"


# --------------------------------------------------------------------------------------
# What a file is: the bytes decide


@pytest.mark.parametrize(
    ("url", "content_type", "body", "kind"),
    [
        ("a.pdf", "application/pdf", b"%PDF-1.7\n...", "pdf"),
        ("a.aspx?id=3", "text/html; charset=utf-8", b"%PDF-1.4\n...", "pdf"),  # a PDF served as a web page
        ("download", None, b"\xef\xbb\xbf  %PDF-1.5", "pdf"),  # junk before the header, as readers allow
        ("a.pdf", "application/pdf", HTML, "other"),  # the error page under the file's name
        ("a.doc", "application/msword", OLE, "doc"),
        ("a.bin", "application/vnd.ms-excel", OLE, "xls"),  # content type before extension
        ("a.xls", None, OLE, "xls"),
        ("a", None, OLE, "other"),  # an OLE file nothing names
        ("a", None, OLE[:8] + "WordDocument".encode("utf-16-le") + bytes(100), "doc"),
        ("a", None, OLE[:8] + "Workbook".encode("utf-16-le") + bytes(100), "xls"),
        ("a.xlsx", None, b"PK\x03\x04 broken zip", "xlsx"),  # a broken zip: the name says which
        ("a.zip", None, b"PK\x03\x04 broken zip", "other"),
        ("a.docx", None, b"GIF89a", "other"),
        ("a.pdf", None, b"", "other"),
    ],
)
def test_file_kind(url: str, content_type: str | None, body: bytes, kind: str) -> None:
    assert file_kind(url, content_type, body) == kind


def test_file_kind_reads_zip_members(docx_file: bytes) -> None:
    assert file_kind("x.xlsx", "application/octet-stream", docx_file) == "docx"
    assert file_kind("x.docx", None, xlsx_file()) == "xlsx"


def test_pdf_served_with_a_wrong_content_type(pdf: bytes) -> None:
    result = extract_text(pdf, URL + "download.aspx?id=2790", "text/html; charset=utf-8")
    assert result.kind == "pdf" and words(result.text) == words(" ".join([TITLE, *PARAGRAPHS]))


# --------------------------------------------------------------------------------------
# No text, and why: one line, never an exception


def test_html_named_pdf_is_not_a_pdf() -> None:
    assert extract_text(HTML, URL + "2790-KH-UBND.pdf", "application/pdf") == AttachmentText(
        None, "other", "not a PDF (content starts with <!DOCTYPE)"
    )
    result = extract_text(b"\r\n<html><body>404</body></html>", URL + "x.pdf", "text/html")
    assert result == AttachmentText(None, "other", "not a PDF (content starts with <html)")
    assert extract_text(b"\x89PNG\r\n\x1a\n", URL + "anh").error == "not a document file (content starts with \\x89PNG)"


@pytest.mark.parametrize("extension", ["doc", "xls"])
def test_old_binary_office_files_are_recorded_with_the_reason(extension: str) -> None:
    result = extract_text(OLE, f"{URL}cong-van.{extension}", None)
    assert result == AttachmentText(None, extension, f"no text extractor for .{extension} files")


def test_corrupt_pdf(pdf: bytes) -> None:
    for body in (pdf[:200], b"%PDF-1.4\n" + bytes(range(256)) * 4, (DATA_DIR / "2790-KH-UBND.pdf").read_bytes()):
        result = extract_text(body, URL + "x.pdf", "application/pdf")
        assert result.kind == "pdf" and result.text is None
        assert result.error.startswith("corrupt PDF: ") and "\n" not in result.error


def test_corrupt_docx_and_xlsx() -> None:
    broken = extract_text(b"PK\x03\x04 not really a zip", URL + "x.docx")
    assert broken.kind == "docx" and broken.text is None and broken.error.startswith("corrupt DOCX: ")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    result = extract_text(buffer.getvalue(), URL + "x.docx")
    assert result.kind == "docx" and result.text is None and result.error.startswith("corrupt DOCX: ")
    placeholder = extract_text(b"PK\x03\x04" + bytes(40), URL + "x.xlsx")
    assert placeholder.kind == "xlsx" and placeholder.error.startswith("corrupt XLSX: ")


def test_encrypted_pdf(pdf: bytes) -> None:
    def encrypted(user_password: str) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="AES-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    assert extract_text(encrypted("mat-khau"), URL + "x.pdf") == AttachmentText(None, "pdf", "encrypted PDF")
    # An empty user password only forbids copying: the text is there for any reader.
    readable = extract_text(encrypted(""), URL + "x.pdf")
    assert readable.error is None and "Đảng bộ tỉnh Lai Châu" in readable.text


def test_pdf_without_text() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    result = extract_text(buffer.getvalue(), URL + "scan.pdf")
    assert result == AttachmentText(None, "pdf", "no text in PDF (2 pages, probably scanned images)")


def test_too_large_is_refused_before_parsing() -> None:
    body = b"%PDF-1.4\n" + bytes(MAX_BYTES)
    assert extract_text(body, URL + "x.pdf") == AttachmentText(None, "pdf", f"too large: {len(body)} bytes > 52428800")
    assert extract_text(b"%PDF-1.4 tiny", URL + "x.pdf", max_bytes=5).error == "too large: 13 bytes > 5"


def test_empty_file() -> None:
    assert extract_text(b"", URL + "x.pdf", "application/pdf") == AttachmentText(None, "other", "empty file")


def test_damaged_files_never_raise(pdf: bytes, docx_file: bytes) -> None:
    rng = random.Random(2790)
    for original, name in ((pdf, "x.pdf"), (docx_file, "x.docx"), (xlsx_file(), "x.xlsx")):
        for _ in range(25):
            body = bytearray(original)
            for _ in range(rng.choice((1, 5, 30))):
                body[rng.randrange(len(body))] = rng.randrange(256)
            result = extract_text(bytes(body[: rng.randrange(len(body) // 2, len(body) + 1)]), URL + name)
            assert isinstance(result, AttachmentText)
            assert (result.text is None) == (result.error is not None)
            assert result.error is None or "\n" not in result.error
