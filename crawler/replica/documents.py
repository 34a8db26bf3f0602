"""The documents of `/van-ban-cchc`: their entries, the rows of their pages, their files, their truth.

documents.json declares each document's particulars, the order and labels its page prints
them in, and the references its summary makes.
"""

from __future__ import annotations

from datetime import datetime

from crawler.replica.files import make_docx, make_pdf
from crawler.replica.site import VIETNAM, _data_json
from crawler.replica.text import _esc, ascii_slug


def _document_entries() -> list[dict]:
    """The documents of `/van-ban-cchc`, newest first, each with its page path and its printed number."""
    documents = [dict(d) for d in _data_json("documents.json")["documents"]]
    for document in documents:
        document.setdefault("number_raw", document["number"])
        slug = ascii_slug(f"{document['type']} {document['number']}")
        document["path"] = f"/van-ban-cchc/{document['section']}/{slug}-{document['id']}.html"
    return sorted(documents, key=lambda d: (datetime.strptime(d["issued"], "%d/%m/%Y"), d["id"]), reverse=True)


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
