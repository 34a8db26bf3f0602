"""Tests of crawler.crawl.middlewares' Retry-After reading (the WARC capture is tested in test_warc,
the waiting retries by the hostile crawl in test_spider)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.crawl.middlewares import retry_after_seconds

NOW = datetime(2026, 11, 26, 7, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"120", 120.0),
        ("  5 ", 5.0),
        (b"Thu, 26 Nov 2026 07:02:30 GMT", 150.0),
        ("Thu, 26 Nov 2026 06:59:00 GMT", 0.0),  # a date passed already: no wait
        (b"", None),
        (None, None),
        (b"soon", None),
        (b"-3", None),
    ],
)
def test_retry_after_seconds(value, seconds):
    assert retry_after_seconds(value, now=NOW) == seconds
