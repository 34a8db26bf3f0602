"""The pages of the hostile cases, in the site's shell and the snapshot's markup.

IIS's error pages, the article and static blocks the cases fill, the endless listing and
calendar, the 30 MB catalogue and where the truncated page is cut.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING

from crawler.replica.hostile.site import CALENDAR, HUB_TITLE, LARGE_PAGE_BYTES, RETRY_AFTER_SECONDS, TRAP_LISTING
from crawler.replica.markups.snapshot import _breadcrumb
from crawler.replica.model import Replica
from crawler.replica.resources import Resource
from crawler.replica.site import HTML_UTF8, SECTIONS

if TYPE_CHECKING:
    from crawler.replica.hostile.model import HostileReplica


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _html_resource(text: str, content_type: str = HTML_UTF8) -> Resource:
    return Resource(200, {"Content-Type": content_type}, text.encode("utf-8"))


def _server_error(status: int) -> Resource:
    """IIS's error page; a 503 says when to come back."""
    phrase = HTTPStatus(status).phrase
    body = (f"<!DOCTYPE html><html><head><title>{status} - {phrase}</title></head>"
            f"<body><h1>{status} - {phrase}</h1><p>Máy chủ đang bận, vui lòng thử lại sau.</p></body></html>")  # fmt: skip
    headers = {"Content-Type": HTML_UTF8}
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return Resource(status, headers, body.encode("utf-8"))


_MAIN = re.compile(r'(<div id="main-col">\n).*?(\n</div>\n<div id="right-col">)', re.DOTALL)
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)


def _in_shell(template: str, title: str, main: str) -> str:
    """A page in the site shell, taken from a served page: header, menu, `Tin mới nhất`, footer."""
    page = _TITLE.sub(lambda _: f"<title>{_esc(title)}</title>", template, count=1)
    return _MAIN.sub(lambda m: m.group(1) + main + m.group(2), page, count=1)


def _article_main(category: str, title: str, date_raw: str, body: str) -> str:
    """The article block in the replica's markup (without the print link: no print view here)."""
    return (
        f"{_breadcrumb(SECTIONS[category])}\n"
        f'<div class="news-detail">\n'
        f'  <h1 class="news-title">{_esc(title)}</h1>\n'
        f'  <div class="news-date">(Ngày đăng :{date_raw})</div>\n'
        f'  <div class="news-content">\n{body}  </div>\n'
        f'  <div class="news-tools">\n'
        f'    <a href="mailto:?subject={html.escape(title[:40])}" class="email">Gửi email</a>\n'
        f"  </div>\n"
        f"</div>\n"
    )


def _static_main(path: str, name: str, content: str, extra_class: str = "") -> str:
    css = f"static-page {extra_class}".strip()
    return (f'{_breadcrumb(((path, name),))}\n<div class="{css}">\n  <h1 class="page-title">{_esc(name)}</h1>\n'
            f'  <div class="page-content">\n{content}\n  </div>\n</div>')  # fmt: skip


def _trap_listing(replica: Replica, number: int) -> tuple[str, str]:
    """`/thong-bao?page=N`: the same ten notices for every N, and always a `Trang sau`."""
    newest = sorted(replica.articles, key=lambda a: (a.published, a.site_id), reverse=True)[:10]
    items = "".join(
        f'  <div class="item-news clearfix">\n'
        f'    <h3 class="title"><a href="{a.path}">{_esc(a.title)}</a></h3>\n'
        f'    <span class="date">({a.published_raw})</span>\n'
        f"  </div>\n"
        for a in newest
    )

    def href(page: int) -> str:
        return f"{TRAP_LISTING}?page={page}"

    pager = [f'<a href="{href(number - 1)}" class="prev">Trang trước</a>'] if number > 1 else []
    for n in range(max(1, number - 4), number + 6):
        active = ' class="active"' if n == number else ""
        pager.append(f'<a href="{href(n)}"{active}>{n}</a>')
    pager.append(f'<a href="{href(number + 1)}" class="next">Trang sau</a>')
    main = (f"{_breadcrumb(((TRAP_LISTING, HUB_TITLE),))}\n"
            f'<div class="list-news">\n  <h2 class="cat-title">{HUB_TITLE}</h2>\n{items}</div>\n'
            f'<div class="pager">{" ".join(pager)}</div>')  # fmt: skip
    return HUB_TITLE, main


def _calendar(day: date) -> tuple[str, str]:
    """`/lich?ngay=YYYY-MM-DD`: an empty day linking to the day before and the day after, forever."""
    links = []
    if day > date.min:
        links.append(f'<a href="{CALENDAR}?ngay={(day - timedelta(days=1)).isoformat()}" class="prev">Ngày trước</a>')
    if day < date.max:
        links.append(f'<a href="{CALENDAR}?ngay={(day + timedelta(days=1)).isoformat()}" class="next">Ngày sau</a>')
    content = (f"    <p>Lịch công tác ngày {day:%d/%m/%Y} của Ban Chỉ đạo cải cách hành chính tỉnh.</p>\n"
               f"    <p>Chưa có lịch công tác trong ngày.</p>\n    <p>{' | '.join(links)}</p>")  # fmt: skip
    return "Lịch công tác", _static_main(CALENDAR, "Lịch công tác", content, "lich-cong-tac")


# A procedure catalogue is the kind of page a portal lets grow to tens of megabytes.
_PROCEDURES = (
    "Cấp giấy chứng nhận đăng ký hộ kinh doanh", "Đăng ký khai sinh", "Chứng thực bản sao từ bản chính",
    "Cấp phiếu lý lịch tư pháp", "Đăng ký thường trú", "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Thẩm định hồ sơ thành lập trường mầm non", "Cấp đổi giấy phép lái xe",
)  # fmt: skip
_AGENCIES = ("Sở Tư pháp", "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Giáo dục và Đào tạo",
             "Công an tỉnh", "UBND cấp huyện", "UBND cấp xã")  # fmt: skip


def _large_page_body(hostile: HostileReplica) -> bytes:
    """Exactly LARGE_PAGE_BYTES of one HTML page: a table of procedures, padded by a comment."""
    head, tail = hostile._shell(("Danh mục thủ tục hành chính", "@@TABLE@@")).split("@@TABLE@@")
    head += ('<div class="static-page danh-muc-tthc">\n  <h1 class="page-title">Danh mục thủ tục hành chính</h1>\n'
             '  <table class="tthc">\n    <tr><th>STT</th><th>Tên thủ tục</th><th>Cơ quan thực hiện</th>'
             "<th>Mức độ</th></tr>\n")  # fmt: skip
    tail = "  </table>\n</div>" + tail
    budget = LARGE_PAGE_BYTES - len(head.encode()) - len(tail.encode()) - len("<!--  -->")
    rows, size, number = [], 0, 0
    while True:
        number += 1
        row = (f"    <tr><td>{number}</td><td>{_PROCEDURES[number % len(_PROCEDURES)]}</td>"
               f"<td>{_AGENCIES[number % len(_AGENCIES)]}</td><td>Mức độ {3 + number % 2}</td></tr>\n").encode()
        if size + len(row) > budget:
            break
        rows.append(row)
        size += len(row)
    padding = b"<!-- " + b" " * (budget - size) + b" -->"
    return head.encode() + b"".join(rows) + padding + tail.encode()


def _truncation_point(body: bytes) -> int:
    """Where the truncated page stops: inside the article body, after its first paragraph."""
    start = body.find(b'<div class="news-content">')
    first_end = body.find(b"</p>", start)
    return first_end + len(b"</p>") if start >= 0 and first_end >= 0 else len(body) // 2
