"""Everything known about the markup of cchc.laichau.gov.vn, as data.

When the live site differs from this description, this is the one file to change.
Selectors are XPath 1.0 (lxml); the first one that matches wins.
"""

from __future__ import annotations

import re

HOME_URL = "https://cchc.laichau.gov.vn/"

# Article page (`/{category}/{slug}-{id}.html`).
TITLE = ['//div[contains(@class, "news-detail")]//h1[contains(@class, "news-title")]']
DATE = ['//div[contains(@class, "news-detail")]//div[contains(@class, "news-date")]']
BODY = ['//div[contains(@class, "news-detail")]//div[contains(@class, "news-content")]']
# What stands between breadcrumb items when they are not elements of their own.
BREADCRUMB_SEPARATORS = re.compile(r"\s*(?:[»›>→|]|\s/\s)\s*")
BREADCRUMB_BOX = ['//div[contains(@class, "breadcrumb")]', '//*[contains(@class, "breadcrumb")]']
ATTACHMENT_BOX = ['//div[contains(@class, "news-attachments")]']
RELATED_BOX = ['//div[contains(@class, "news-other")]']
LATEST_BOX = ['//div[contains(@class, "box-latest")]']
CANONICAL = '//link[@rel="canonical"]/@href'

# Other page types, told apart by their main block.
LISTING = [
    '//div[contains(@class, "list-news")]',
    '//div[contains(@class, "item-news")]',
    '//div[contains(@class, "box-cat")]',  # the home page's boxes of newest articles per category
]
PAGER = '//div[contains(@class, "pager")]'
DOCUMENT = ['//div[contains(@class, "doc-detail")]', '//table[contains(@class, "doc-info")]']
STATIC_PAGE = ['//div[contains(@class, "static-page")]']

# Site furniture that is never article content: the generic fallback drops these
# before it looks for the main text.
BOILERPLATE = (
    '//*[@id="header" or @id="nav" or @id="footer" or @id="right-col"]'
    ' | //div[contains(@class, "breadcrumb") or contains(@class, "news-tools")'
    ' or contains(@class, "news-other") or contains(@class, "box") or contains(@class, "pager")'
    ' or contains(@class, "aspNetHidden") or contains(@class, "search-box")]'
    " | //nav | //header | //footer | //aside | //form//input | //script | //style | //noscript"
)

# The publication date as the site prints it: `(Ngày đăng :24/09/2021 12:00:00 SA)`.
# .NET's vi-VN culture: day first, 12-hour clock, SA before noon, CH after.
DATE_LABEL = re.compile(r"^Ngày\s*(?:đăng|cập nhật)?\s*:?\s*", re.IGNORECASE)
SITE_DATE = re.compile(
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*(?P<ampm>SA|CH|AM|PM))?)?",
    re.IGNORECASE,
)
# A box link whose text ends with its date.
TITLE_WITH_DATE = re.compile(r"^(?P<title>.+?)\s*\((?P<date>\d{1,2}/\d{1,2}/\d{4}[^()]*)\)$")
# A time written before the date instead: `Cập nhật lúc 08:12 ngày 27/02/2023`.
SITE_TIME = re.compile(
    r"(?<![\d/])(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*(?P<ampm>SA|CH|AM|PM))?(?![\d/])",
    re.IGNORECASE,
)
MORNING = {"sa", "am"}
AFTERNOON = {"ch", "pm"}
UTC_OFFSET_HOURS = 7  # Asia/Ho_Chi_Minh, no daylight saving time

# The site's numeric article id ends the path: `...-lai-chau-2745.html`.
ARTICLE_ID = re.compile(r"-(\d+)\.html?$")

# Query parameters that only track a visit; the same page without them is the same page.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|zarsrc|zalo_\w+|_ga|_gl|mc_cid|mc_eid|igshid|ref_src)$",
    re.IGNORECASE,
)
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".ppt", ".pptx", ".7z")
# Paths never worth requesting even where robots.txt is silent: searches and the admin.
SKIP_PATHS = re.compile(r"^/(tim-kiem|Admin|admin|Login|login|dang-nhap)(/|$|\?)")
