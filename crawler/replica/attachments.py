"""An article's attached files: their ground truth, their text and bytes, what they cite.

Also every citation an article makes (`_article_citations`): in its title, its body and
the text of its attached files, as the ground truth lists them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from crawler.replica.drafts import _Draft
from crawler.replica.files import make_docx, make_pdf
from crawler.replica.site import CODE_LABEL, FILE_KINDS, _data_json
from crawler.replica.text import _esc


def _attachment_truth(entry: dict, draft: _Draft, index: int) -> dict:
    """An attachment's ground truth: url and name, its kind, and the phrase only its file contains."""
    kind = FILE_KINDS[Path(urlsplit(entry["url"]).path).suffix.lower()]
    code = f"ĐLHL{draft.site_id}{chr(ord('A') + index)}"
    return {**entry, "kind": kind, "text_contains": f"{CODE_LABEL} {code}" if kind in ("pdf", "docx") else None}


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
