"""The cases of a misbehaving server: errors, delays, cut bodies, size, types, endless pages, redirects.

Each method serves its case and records it; what a correct crawl does with each is in
the case's `expectation`.
"""

from __future__ import annotations

from crawler.replica.hostile.pages import _html_resource, _static_main, _trap_listing
from crawler.replica.hostile.site import (
    CALENDAR,
    CALENDAR_START,
    HUB_TITLE,
    LARGE_PAGE_BYTES,
    LONG_URL_LENGTH,
    OFFSITE_HOST,
    OFFSITE_URL,
    RETRY_AFTER_SECONDS,
    TRAP_LISTING,
)
from crawler.replica.hostile.writer import _CaseWriter
from crawler.replica.resources import Resource, _redirect
from crawler.replica.site import DATA_DIR, HTML_UTF8


class _ServerCases(_CaseWriter):
    """How the server misbehaves: each case at its URL, with what a correct crawl records."""

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
