"""Where the hostile cases are served, and their sizes and timings.

The paths of the endless pages, the off-site host no crawl may reach, the size of the
large page and the length of the long URL, and the hrefs a crawler must never follow.
"""

from __future__ import annotations

from datetime import date

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
