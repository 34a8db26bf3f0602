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

Where things are:

- `site`: the cases' paths, sizes and timings, and the hrefs no crawler may follow.
- `model`: `HostileReplica`, `HostileCase`, `HostileArticle` and `Answer`.
- `pages`: the cases' pages (error pages, endless listing and calendar, the large page).
- `writer`, `server_cases`, `page_cases`: how a case is written, the misbehaving server's
  cases and the hostile pages' cases.
- `builder`: `build_hostile_replica`, which adds every case to an ordinary replica.
- `scripts`: `script_vectors`, what in a stored body could still run script.
- `server`: `HostileServer` and `main`.

    python -m crawler.replica.hostile --port 8000 --articles 60 --slow-seconds 5
"""

from __future__ import annotations

from crawler.replica.hostile.builder import build_hostile_replica
from crawler.replica.hostile.model import Answer, HostileArticle, HostileCase, HostileReplica
from crawler.replica.hostile.scripts import UNSAFE_STYLE, UNSAFE_TAGS, UNSAFE_URL, URL_ATTRIBUTES, script_vectors
from crawler.replica.hostile.server import HostileServer, main
from crawler.replica.hostile.site import (
    CALENDAR,
    CALENDAR_START,
    HUB_TITLE,
    LARGE_PAGE_BYTES,
    LONG_URL_LENGTH,
    OFFSITE_HOST,
    OFFSITE_URL,
    RETRY_AFTER_SECONDS,
    TRANSIENT_FAILURES,
    TRAP_LISTING,
    UNFOLLOWABLE_HREFS,
)

__all__ = [
    "CALENDAR",
    "CALENDAR_START",
    "HUB_TITLE",
    "LARGE_PAGE_BYTES",
    "LONG_URL_LENGTH",
    "OFFSITE_HOST",
    "OFFSITE_URL",
    "RETRY_AFTER_SECONDS",
    "TRANSIENT_FAILURES",
    "TRAP_LISTING",
    "UNFOLLOWABLE_HREFS",
    "UNSAFE_STYLE",
    "UNSAFE_TAGS",
    "UNSAFE_URL",
    "URL_ATTRIBUTES",
    "Answer",
    "HostileArticle",
    "HostileCase",
    "HostileReplica",
    "HostileServer",
    "build_hostile_replica",
    "main",
    "script_vectors",
]
