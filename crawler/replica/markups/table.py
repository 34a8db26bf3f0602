"""The table markup: an old site laid out in nested tables."""

from __future__ import annotations

import re

from crawler.replica.drafts import _Draft
from crawler.replica.markups.base import _day, _Markup, _menu, _page_href, _page_numbers
from crawler.replica.site import _data_text
from crawler.replica.text import _attr, _esc, _render, _sapo


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
