"""The HTML pages of the replica: articles and print views, listings, documents, home, static, 404.

`_Pages` writes them in the builder's markup into the builder's resource map, and dates
each article page by its article.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from crawler.replica.documents import _document_rows
from crawler.replica.drafts import _Draft
from crawler.replica.markups.base import _Markup, _page_href
from crawler.replica.resources import Resource
from crawler.replica.site import CATEGORIES, HOME_TITLE, HTML_UTF8, PAGE_SIZE, PARENT_SECTIONS, SECTIONS, _data_text
from crawler.replica.text import to_cp1258


class _Pages:
    """Renders every HTML page from the live drafts: a part of `_Builder`, whose state it uses.

    `render` writes into `resources` and notes each article page's date in `dates`.
    """

    markup: _Markup
    resources: dict[str, Resource]
    dates: dict[str, datetime]
    listings: list[str]
    documents: list[dict]
    static: list[str]
    not_found: Resource
    latest_html: str
    site_time: datetime

    def render(self) -> None:
        """(Re-)render every HTML page from the live drafts: articles, listings, documents, home, static, 404."""
        live = self.live_drafts()
        newest = sorted(live, key=lambda d: d.sort_key, reverse=True)
        self.site_time = newest[0].published
        self.latest_html = self.markup.latest(newest[:5])
        self.listings = []
        for draft in live:
            self.article_pages(draft)
        self.article_listings(newest)
        self.document_pages(self.documents)
        self.home_page(newest)
        self.static = self.static_pages()
        not_found = self.page("/__404__", "Không tìm thấy trang", self.markup.not_found()).encode("utf-8")
        self.not_found = Resource(404, {"Content-Type": HTML_UTF8}, not_found)

    def page(self, path: str, title: str, main: str, charset: str = "utf-8", head: str = "") -> str:
        """A page in the markup's shell: header, menu, search box, the latest-news box, footer."""
        return self.markup.page(path, title, main, self.latest_html, charset, head)

    def add_html(self, path: str, text: str) -> None:
        self.resources[path] = Resource(200, {"Content-Type": HTML_UTF8}, text.encode("utf-8"))

    def article_pages(self, draft: _Draft) -> None:
        """The article page and its print view, in the draft's encoding."""
        charset = "windows-1258" if draft.variant == "windows-1258" else "utf-8"
        path, body = draft.path, self.markup.body(draft)
        main, head = self.markup.article(draft, body)
        self.resources[path] = self._encoded(draft, self.page(path, draft.title, main, charset, head))
        self.resources[path + "?print=1"] = self._encoded(draft, self.markup.print_view(draft, body, charset))
        self.dates[path] = self.dates[path + "?print=1"] = draft.published

    @staticmethod
    def _encoded(draft: _Draft, text: str) -> Resource:
        if draft.variant == "windows-1258":
            # One page says so in the header and the <meta>, the other only in the <meta>.
            declared = "charset-header" in draft.features
            content_type = "text/html; charset=windows-1258" if declared else "text/html"
            return Resource(200, {"Content-Type": content_type}, to_cp1258(text))
        if draft.variant == "nfd":
            return Resource(200, {"Content-Type": HTML_UTF8}, unicodedata.normalize("NFD", text).encode("utf-8"))
        return Resource(200, {"Content-Type": HTML_UTF8}, text.encode("utf-8"))

    def article_listings(self, newest: list[_Draft]) -> None:
        """Category listings, ten items a page, and the parent sections with all their children's items."""
        for key in [*PARENT_SECTIONS, *CATEGORIES]:
            items = [d for d in newest if d.category == key or d.category.startswith(key + "/")]
            self._paginate(key, items, self.markup.news_listing)

    def _paginate(self, key: str, items: list, render: Callable[..., str]) -> None:
        """The listing `/{key}`, ten items a page: `render(base, trail, items, page, pages)` writes each page."""
        base, trail = "/" + key, SECTIONS[key]
        pages = max(1, -(-len(items) // PAGE_SIZE))
        for number in range(1, pages + 1):
            url = _page_href(base, number)
            chunk = items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
            self.add_html(url, self.page(url, trail[-1][1], render(base, trail, chunk, number, pages)))
            self.listings.append(url)

    def document_pages(self, documents: list[dict]) -> None:
        """Document listings and one page per document with its table of particulars."""
        self._paginate("van-ban-cchc", documents, self.markup.document_listing)
        for section in ("van-ban-trung-uong", "van-ban-cua-tinh"):
            key = f"van-ban-cchc/{section}"
            self._paginate(key, [d for d in documents if d["section"] == section], self.markup.document_listing)
        for document in documents:
            title = f"{document['type']} {document['number_raw']}"
            rows = _document_rows(document)
            main = self.markup.document(SECTIONS[f"van-ban-cchc/{document['section']}"], title, rows)
            self.add_html(document["path"], self.page(document["path"], title, main))

    def home_page(self, newest: list[_Draft]) -> None:
        """`/`: the newest illustrated article, then five links per category."""
        featured = next((d for d in newest if d.images), newest[0])
        boxes = [(key, SECTIONS[key][-1][1], [d for d in newest if d.category == key][:5]) for key in CATEGORIES]
        self.add_html("/", self.page("/", HOME_TITLE, self.markup.home(featured, boxes)))

    def static_pages(self) -> list[str]:
        """`/gioi-thieu` (real), `/lien-he`, `/so-do-trang`, plus the search and admin pages robots.txt forbids."""
        contact = [
            "Sở Nội vụ tỉnh Lai Châu - Cơ quan thường trực Ban Chỉ đạo cải cách hành chính tỉnh",
            "Địa chỉ: Tầng 2, nhà D, khu Hành chính - Chính trị tỉnh, phường Tân Phong, thành phố Lai Châu",
            'Điện thoại: <a href="tel:02133876650">02133 876 650</a>',
            'Email: <a href="mailto:cchc@laichau.gov.vn">cchc@laichau.gov.vn</a>',
        ]
        entries = [("/", "Trang chủ"), ("/gioi-thieu", "Giới thiệu")]
        for key, trail in SECTIONS.items():
            entries.append(trail[-1])
        entries += [("/lien-he", "Liên hệ"), ("/tim-kiem?keyword=", "Tìm kiếm"), ("/Admin", "Quản trị hệ thống")]
        markup = self.markup
        pages = [
            ("/gioi-thieu", "Giới thiệu", markup.static_page((("/gioi-thieu", "Giới thiệu"),), *_about_page())),
            ("/lien-he", "Liên hệ", markup.static_page((("/lien-he", "Liên hệ"),), "Liên hệ", contact)),
            ("/so-do-trang", "Sơ đồ trang", markup.sitemap((("/so-do-trang", "Sơ đồ trang"),), entries)),
        ]
        for path, name, main in pages:
            self.add_html(path, self.page(path, name, main))
        # Served, so an impolite crawler gets a page, but robots.txt disallows both.
        self.add_html("/tim-kiem?keyword=", self.page("/tim-kiem", "Tìm kiếm", markup.search()))
        login = ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8" />'
                 "<title>Đăng nhập quản trị</title></head><body>"
                 '<form method="post" action="/Admin"><input name="username" /><input name="password" '
                 'type="password" /><button>Đăng nhập</button></form></body></html>\n')  # fmt: skip
        self.add_html("/Admin", login)
        return [path for path, _, _ in pages]


def _about_page() -> tuple[str, list[str]]:
    """The real `Giới thiệu` page's heading and paragraphs (inline HTML), from the snapshot."""
    text = _data_text("snapshot/static-gioi-thieu.html")
    return re.search(r'<h1 class="page-title">(.*?)</h1>', text)[1], re.findall(r"<p>(.*?)</p>", text)
