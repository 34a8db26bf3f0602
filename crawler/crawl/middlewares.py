"""Downloader middlewares: every exchange kept in WARC files, and retries that wait when asked."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request

from crawler.crawl.pipelines import RECORDED_SETTINGS
from crawler.archive.warc import Exchange, WarcWriter, index

logger = logging.getLogger(__name__)


def default_warc_dir(db_path: str | Path) -> Path:
    """`archive/warc/` beside the database file."""
    return Path(db_path).resolve().parent / "archive" / "warc"


class WarcCaptureMiddleware:
    """Writes each request and its response to WARC, as received.

    It sits next to the downloader (after Scrapy's decompression in the chain of
    process_response), so the payload is stored as the server sent it, and every
    attempt is kept: retried 503s, redirects, robots.txt. Where the record went is put
    in `request.meta["warc"]` for the `pages` row.
    """

    def __init__(self, folder: Path, max_bytes: int, info: dict) -> None:
        self.folder = folder
        self.writer = WarcWriter(folder, prefix="cchc", info=info, max_bytes=max_bytes)

    @classmethod
    def from_crawler(cls, crawler):
        """Read WARC_DIR (default: beside ARCHIVE_DB) and WARC_MAX_BYTES."""
        settings = crawler.settings
        folder = Path(settings.get("WARC_DIR") or default_warc_dir(settings.get("ARCHIVE_DB", "archive.db")))
        info = {
            "operator": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "settings": json.dumps({name: settings.get(name) for name in RECORDED_SETTINGS}, default=str),
        }
        middleware = cls(folder, settings.getint("WARC_MAX_BYTES"), info)
        middleware.crawler = crawler
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response, spider=None):
        """Write the exchange; note in the request where its record is."""
        spider = spider or self.crawler.spider
        if not self.writer.info.get("crawl"):
            self.writer.info.update(crawl=self.crawler.stats.get_value("archive/crawl_id"),
                                    start_url=getattr(spider, "start_url", None))  # fmt: skip
        exchange = Exchange(
            url=response.url,
            method=request.method,
            request_headers=_pairs(request.headers),
            status=response.status,
            response_headers=_pairs(response.headers),
            body=response.body,
            protocol=response.protocol or "HTTP/1.1",
        )
        known = (getattr(spider, "known", None) or {}).get(response.url)
        request.meta["warc"] = self.writer.write(exchange, known)
        return response

    def spider_closed(self, spider=None, reason=None) -> None:
        """Close the WARC file and merge its records into the folder's CDXJ index."""
        self.writer.close()
        try:
            index(self.folder, lines=self.writer.cdxj)
        except Exception as error:  # an index can be rebuilt later; the captures are safe
            logger.warning("could not index %s: %s", self.folder, error)


def _pairs(headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, after waiting as long as the answer's `Retry-After` asks.

    Scrapy retries at once (scrapy/scrapy#3849). A small server that says when to come
    back (a 503 or 429 with `Retry-After: 120`, or a date) is heard: the retry of that
    request waits, up to RETRY_AFTER_MAX seconds, while it holds one of the crawl's
    CONCURRENT_REQUESTS, so a server answering every request this way slows the whole crawl.
    """

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 120)

    def process_response(self, request, response, spider=None):
        """The response, or its retry request: at once, or a coroutine that waits first.

        Plain, not `async def`: Scrapy awaits whatever is awaitable, and the pages that
        need no wait (all but a few) then cost no coroutine.
        """
        result = super().process_response(request, response)
        if isinstance(result, Request):
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait:
                return _after(min(wait, self.max_wait), result)
        return result


async def _after(seconds: float, result):
    await asyncio.sleep(seconds)
    return result


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait by a `Retry-After` value: delay-seconds or an HTTP date; None if there is none."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # an HTTP date is GMT
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - (now or datetime.now(timezone.utc))).total_seconds())
