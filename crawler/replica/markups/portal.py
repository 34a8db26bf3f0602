"""The portal markup: an ASP.NET/DotNetNuke portal of another province."""

from __future__ import annotations

from crawler.replica.drafts import _Draft
from crawler.replica.markups.base import WEEKDAYS, _day, _lead, _Markup, _menu, _page_href, _page_numbers
from crawler.replica.site import BASE, SECTIONS, _data_text
from crawler.replica.text import _attr, _esc, _render, _sapo, _viewstate


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
