"""A document page's particulars as fields: `read_document(root, url, profile)`.

A portal's documents section (`/van-ban-cchc/...`) gives each document a page with a
table of particulars: Số ký hiệu, Ngày ban hành, Loại văn bản, Cơ quan ban hành, Người
ký, Trích yếu, the file. Portals write the table as `<tr><th>…<td>`, as two cells in
bold, as a `<dl>`, or as `Label: value` lines, with the labels in any order, case and
spacing. The labels are read as data: the profile may add its own (`[document.labels]`);
a label known to neither is kept under `other`, never dropped.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from crawler.dates import parse_date
from crawler.extraction.legal import find_refs, normalize_number
from crawler.extraction.profile import Profile
from crawler.text import normalize_space
from crawler.extraction.tree import compiled, first, text
from crawler.urls import ATTACHMENT_EXTENSIONS

# Field -> the labels portals print for it, compared without case, spaces or colons.
LABELS: dict[str, tuple[str, ...]] = {
    "number": ("số ký hiệu", "số/ký hiệu", "số, ký hiệu", "số hiệu", "ký hiệu", "số hiệu văn bản", "số văn bản",
               "số kí hiệu", "kí hiệu"),
    "kind": ("loại văn bản", "hình thức văn bản", "thể loại", "loại"),
    "issuer": ("cơ quan ban hành", "đơn vị ban hành", "nơi ban hành", "cơ quan ban hành/chức danh", "cơ quan"),
    "issued": ("ngày ban hành", "ban hành ngày", "ngày ký", "ngày văn bản", "ngày phát hành"),
    "effective": ("ngày hiệu lực", "ngày có hiệu lực", "hiệu lực từ ngày", "ngày áp dụng", "có hiệu lực từ"),
    "signer": ("người ký", "người ký duyệt", "người ký văn bản", "ký bởi", "chức danh người ký"),
    "field": ("lĩnh vực", "lĩnh vực văn bản", "chuyên mục"),
    "summary": ("trích yếu", "trích yếu nội dung", "nội dung trích yếu", "tóm tắt", "tóm tắt nội dung", "tiêu đề"),
    "files": ("tệp đính kèm", "file đính kèm", "tài liệu đính kèm", "văn bản đính kèm", "đính kèm", "tải về",
              "tệp tin", "tập tin", "file", "tải văn bản", "toàn văn"),
}  # fmt: skip
FIELDS = ("number", "kind", "issuer", "issued", "effective", "signer", "field", "summary")
_LABEL_CHARS = re.compile(r"[\s:：.*]+")
# `Label: value` on one line of a block that is no table.
_LABELLED_LINE = re.compile(r"^\s*(?P<label>[^:\n]{2,40}?)\s*:\s*(?P<value>.+)$")
_ROW_HOLDERS = compiled("//table | //dl")


def label_key(label: str) -> str:
    """A printed label as it is compared: no case, no spaces, no colon (`Số  ký hiệu :` -> `sốkýhiệu`)."""
    return _LABEL_CHARS.sub("", label).casefold()


def read_document(root, url: str, profile: Profile) -> dict | None:
    """The document a page describes, as a `documents` row with its `files` and `other` labels, or None.

    The profile's `[document] rows` selectors are tried first, then any table or list
    whose labels name at least three of the fields.
    """
    labels = _label_table(profile)
    holder, rows = _profile_rows(root, profile) or _generic_rows(root, labels)
    if not rows:
        return None
    fields: dict[str, str] = {}
    other: dict[str, str] = {}
    files: list[dict] = []
    for label, value_el, value in rows:
        field = labels.get(label_key(label))
        if field == "files":
            files += _files(value_el, url)
        elif field and field not in fields:
            fields[field] = value
        elif value or label:
            other.setdefault(label.strip(" :："), value)
    if not fields.get("number") and not fields.get("summary"):
        return None
    if not files:  # no row names the file: a link to one beside the table is its file
        block = holder.getparent() if holder.getparent() is not None else holder
        files = _file_links(block, url)
    number_raw = fields.get("number")
    number = normalize_number(number_raw) if number_raw else None
    decoded = next(iter(find_refs(number_raw)), None) if number_raw else None
    issued = _date(fields.get("issued"))
    document = {
        "url": url,
        "number_raw": number_raw,
        "number": number or (normalize_space(number_raw) if number_raw else None),
        "kind": fields.get("kind") or (decoded.kind if decoded else None),
        "issuer": fields.get("issuer") or (decoded.issuer if decoded else None),
        "issued_raw": fields.get("issued"),
        "issued": issued,
        "year": int(issued[:4]) if issued else (decoded.year if decoded else None),
        "effective_raw": fields.get("effective"),
        "effective": _date(fields.get("effective")),
        "signer": fields.get("signer"),
        "field": fields.get("field"),
        "summary": fields.get("summary"),
        "title": text(first(root, [compiled("//h1")])) or None,
        "other": other,
        "files": _unique(files),
    }
    return document


def is_document_page(root, profile: Profile) -> bool:
    """Whether a page's main table (or list, or lines) gives three of a document's particulars."""
    return bool(_profile_rows(root, profile) or _generic_rows(root, _label_table(profile))[1])


def _label_table(profile: Profile) -> dict[str, str]:
    """Label key -> field: the profile's labels first, then the shipped ones."""
    table: dict[str, str] = {}
    for source in (profile.document_labels, tuple(LABELS.items())):
        for field, labels in source:
            for label in labels:
                table.setdefault(label_key(label), field)
    return table


def _profile_rows(root, profile: Profile) -> tuple[object, list[tuple[str, object, str]]] | None:
    for selector in profile.document_rows:
        holders = [el for el in selector(root) if not isinstance(el, str)]
        rows = [row for holder in holders for row in _rows(holder)]
        if rows:
            return holders[0], rows
    return None


def _generic_rows(root, labels: dict[str, str]) -> tuple[object, list[tuple[str, object, str]]]:
    """The rows of the first table or list that names three fields or more; else labelled lines."""
    for holder in _ROW_HOLDERS(root):
        if holder.tag == "table" and holder.find(".//table") is not None:
            continue  # a layout table: its inner table is the one
        rows = _rows(holder)
        if _named_fields(rows, labels) >= 3:
            return holder, rows
    for holder in compiled("//div | //section | //article | //td")(root):
        rows = _labelled_lines(holder)
        # Lines of particulars make up most of their block: an article quoting a few is no document.
        if _named_fields(rows, labels) >= 3 and 2 * len(rows) >= len(holder):
            return holder, rows
    return root, []


def _named_fields(rows: list[tuple[str, object, str]], labels: dict[str, str]) -> int:
    return len({labels[label_key(label)] for label, _, _ in rows if label_key(label) in labels})


def _rows(holder) -> list[tuple[str, object, str]]:
    """(label, value element, value text) of a table's rows or a list's dt/dd pairs."""
    if holder.tag == "dl":
        rows = []
        for dt in holder.findall("dt"):
            dd = dt.getnext()
            while dd is not None and not isinstance(dd.tag, str):
                dd = dd.getnext()
            if dd is not None and dd.tag == "dd":
                rows.append((text(dt), dd, text(dd)))
        return rows
    if holder.tag not in ("table", "tbody"):
        return _labelled_lines(holder)
    rows = []
    for tr in holder.iter("tr"):
        cells = [cell for cell in tr if isinstance(cell.tag, str) and cell.tag in ("td", "th")]
        # Two columns of particulars on one row (label, value, label, value) are common.
        for index in range(0, len(cells) - 1, 2):
            label = text(cells[index])
            if label and len(label) <= 60:
                rows.append((label, cells[index + 1], text(cells[index + 1])))
    return rows


def _labelled_lines(holder) -> list[tuple[str, object, str]]:
    """`Label: value` children of a block (paragraphs, list items, divs of their own)."""
    rows = []
    for child in holder:
        if not isinstance(child.tag, str) or child.tag not in ("p", "li", "div"):
            continue
        match = _LABELLED_LINE.match(text(child))
        if match:
            rows.append((match.group("label"), child, match.group("value").strip()))
    return rows


def _files(value_el, page_url: str) -> list[dict]:
    files = []
    for link in value_el.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        absolute = urljoin(page_url, href)
        files.append({"url": absolute, "name": text(link) or None})
    return files


def _file_links(block, page_url: str) -> list[dict]:
    """Links to files (PDF, DOC…) in a block."""
    found = []
    for link in compiled(".//a[@href]")(block):
        href = link.get("href").strip()
        if href.lower().rsplit("?", 1)[0].endswith(ATTACHMENT_EXTENSIONS):
            found.append({"url": urljoin(page_url, href), "name": text(link) or None})
    return found


def _unique(files: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for file in files:
        seen.setdefault(file["url"], file)
    return list(seen.values())


def _date(raw: str | None) -> str | None:
    """A printed date as an ISO calendar date (`18/08/2021` -> `2021-08-18`)."""
    iso = parse_date(raw) if raw else None
    return iso[:10] if iso else None
