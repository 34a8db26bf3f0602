"""The Scrapy pipeline that writes pages and articles into the archive."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import asdict

from scrapy import signals

from .dates import now
from .items import ArticleRecord, PageRecord
from .storage import Archive

logger = logging.getLogger(__name__)

# Crawl settings worth keeping with each crawl, to know later how it was made.
RECORDED_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS_PER_DOMAIN",
    "CLOSESPIDER_PAGECOUNT", "DOWNLOAD_TIMEOUT", "RETRY_TIMES",
)  # fmt: skip


class ArchivePipeline:
    """Saves every PageRecord and ArticleRecord; records the crawl and its summary."""

    def __init__(self, db_path: str, settings: dict | None = None) -> None:
        self.db_path = db_path
        self.settings = settings or {}
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self.pages_by_type: Counter = Counter()
        self.pages_by_status: Counter = Counter()
        self.articles_by_method: Counter = Counter()
        self.errors: list[str] = []

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
        """Open the archive and start a row in `crawls`."""
        spider = spider or self.crawler.spider
        self.archive = Archive(self.db_path)
        self.crawl_id = self.archive.start_crawl(getattr(spider, "start_url", ""), self.settings, now())

    def process_item(self, item, spider=None):
        """Write one record; an article that fails to save is recorded as an error page."""
        if isinstance(item, PageRecord):
            self.archive.save_page(asdict(item) | {"crawl_id": self.crawl_id})
            self.pages_by_type[item.page_type] += 1
            self.pages_by_status[str(item.status) if item.status else "failed"] += 1
            if item.error:
                self.errors.append(f"{item.url}: {item.error}")
        elif isinstance(item, ArticleRecord):
            self.archive.save_article(item.article, item.fetched)
            self.articles_by_method[item.article["extraction_method"]] += 1
            for warning in item.article.get("warnings") or ():
                self.errors.append(f"{item.article['url']}: {warning}")
        return item

    def spider_closed(self, spider=None, reason: str | None = None) -> None:
        """Store the crawl's summary and log it."""
        stats = self.summary()
        scrapy_stats = self.crawler.stats.get_stats() if getattr(self, "crawler", None) else {}
        stats["finish_reason"] = reason
        stats["requests"] = scrapy_stats.get("downloader/request_count", 0)
        stats["bytes"] = scrapy_stats.get("downloader/response_bytes", 0)
        stats["retries"] = scrapy_stats.get("retry/count", 0)
        stats["robots_forbidden"] = scrapy_stats.get("robotstxt/forbidden", 0)
        self.archive.finish_crawl(self.crawl_id, stats, now())
        self.archive.close()
        logger.info("Crawl summary: %s", json.dumps(stats, ensure_ascii=False))

    def summary(self) -> dict:
        """Pages by type and status, articles by extraction method, and the errors."""
        return {
            "pages_by_type": dict(self.pages_by_type),
            "pages_by_status": dict(self.pages_by_status),
            "articles_by_method": dict(self.articles_by_method),
            "errors": len(self.errors),
            "error_samples": self.errors[:50],
        }
