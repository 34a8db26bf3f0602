"""The shape of cchc.laichau.gov.vn as the replica serves it, and the files it is made from.

Its menu sections and the categories that hold articles, the paths of its skin's assets,
the content types and kinds of its files, the constants of its pages and URLs; and the
readers of `data/` (the snapshot's templates and articles, the vocabulary, the documents).
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

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
