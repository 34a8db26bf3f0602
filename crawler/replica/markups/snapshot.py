"""The snapshot markup: cchc.laichau.gov.vn as it is (templates `shell.html`, `print.html`).

Its module functions (`_breadcrumb`…) are shared with crawler.replica.hostile, whose pages
are written in the same markup.
"""

from __future__ import annotations

from crawler.replica.drafts import _Draft
from crawler.replica.markups.base import _Markup, _page_href, _page_numbers
from crawler.replica.site import BASE, SECTIONS, _data_text
from crawler.replica.text import _attr, _esc, _render, _sapo, _viewstate


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
