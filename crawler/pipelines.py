"""The Scrapy pipeline that writes each Capture into the archive."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import asdict

from scrapy import signals

from .dates import now
from .items import Capture
from .storage import Archive

logger = logging.getLogger(__name__)

# Crawl settings worth keeping with each crawl, to know later how it was made.
RECORDED_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS_PER_DOMAIN",
    "CLOSESPIDER_PAGECOUNT", "DOWNLOAD_TIMEOUT", "RETRY_TIMES", "WARC_DIR",
)  # fmt: skip
# Close reasons after which the crawl is done; any other (Ctrl-C: "shutdown") leaves it
# unfinished, and the same command resumes it.
FINISHED_REASONS = ("finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout")
# Captures are committed together, at most this many or this many seconds apart.
BATCH_CAPTURES = 50
BATCH_SECONDS = 1.0


class ArchivePipeline:
    """Saves every Capture in one transaction; records the crawl and its summary."""

    def __init__(self, db_path: str, settings: dict | None = None) -> None:
        self.db_path = db_path
        self.settings = settings or {}
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self.pages_by_type: Counter = Counter()
        self.pages_by_status: Counter = Counter()
        self.articles_by_method: Counter = Counter()
        self.attachments: Counter = Counter()
        self.errors: list[str] = []
        self._batch = None  # the open batch's context manager
        self._batch_size = 0
        self._batch_started = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        """Read the archive path and the settings to record from the crawler."""
        settings = {name: crawler.settings.get(name) for name in RECORDED_SETTINGS}
        pipeline = cls(crawler.settings.get("ARCHIVE_DB", "archive.db"), settings)
        pipeline.crawler = crawler
        # The crawl is closed on spider_closed, the first moment its finish reason is known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        """Open the archive; start a crawl, or resume the unfinished one of the same start URL."""
        spider = spider or self.crawler.spider
        self.archive = Archive(self.db_path)
        self.crawl_id, resumed = self.archive.begin_crawl(getattr(spider, "start_url", ""), self.settings, now())
        # The spider and the WARC middleware read the crawl id from the shared stats.
        self.crawler.stats.set_value("archive/crawl_id", self.crawl_id)
        self.crawler.stats.set_value("archive/resumed", resumed)
        if resumed:
            logger.info("Resuming crawl %s", self.crawl_id)

    def process_item(self, item, spider=None):
        """Write one Capture; count it for the summary."""
        if not isinstance(item, Capture):
            return item
        page = item.page
        self._in_batch()
        saved = self.archive.save_capture(
            {"page": asdict(page), "article": item.article, "attachment": item.attachment, "requested": item.requested},
            self.crawl_id,
        )
        self.pages_by_type[page.page_type] += 1
        self.pages_by_status[str(page.status) if page.status else "failed"] += 1
        if page.error:
            self.errors.append(f"{page.url}: {page.error}")
        if saved:
            self.articles_by_method[item.article["extraction_method"]] += 1
            for warning in item.article.get("warnings") or ():
                self.errors.append(f"{item.article['url']}: {warning}")
        if item.attachment:
            # A file with no extractable text is no failure of the crawl; attachment_files says why.
            self.attachments["with text" if item.attachment.get("text") else "without text"] += 1
        return item

    def _in_batch(self) -> None:
        """Open a batch, or commit the open one once it is full or old, and open the next."""
        if self._batch is not None and (self._batch_size >= BATCH_CAPTURES
                                        or time.monotonic() - self._batch_started >= BATCH_SECONDS):  # fmt: skip
            self._commit()
        if self._batch is None:
            self._batch = self.archive.batch()
            self._batch.__enter__()
            self._batch_size, self._batch_started = 0, time.monotonic()
        self._batch_size += 1

    def _commit(self) -> None:
        if self._batch is not None:
            batch, self._batch = self._batch, None
            batch.__exit__(None, None, None)

    def spider_closed(self, spider=None, reason: str | None = None) -> None:
        """Store the crawl's summary and log it."""
        self._commit()
        stats = self.summary()
        scrapy_stats = self.crawler.stats.get_stats()
        stats["finish_reason"] = reason
        stats["requests"] = scrapy_stats.get("downloader/request_count", 0)
        stats["bytes"] = scrapy_stats.get("downloader/response_bytes", 0)
        stats["retries"] = scrapy_stats.get("retry/count", 0)
        stats["robots_forbidden"] = scrapy_stats.get("robotstxt/forbidden", 0)
        stats["not_modified"] = self.pages_by_status.get("304", 0)
        finished = now() if reason in FINISHED_REASONS else None
        self.archive.finish_crawl(self.crawl_id, stats, finished)
        self.archive.close()
        logger.info("Crawl summary: %s", json.dumps(stats, ensure_ascii=False))

    def summary(self) -> dict:
        """Pages by type and status, articles by extraction method, and the errors."""
        return {
            "pages_by_type": dict(self.pages_by_type),
            "pages_by_status": dict(self.pages_by_status),
            "articles_by_method": dict(self.articles_by_method),
            "attachments": dict(self.attachments),
            "errors": len(self.errors),
            "error_samples": self.errors[:50],
        }
