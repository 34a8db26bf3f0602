"""The Scrapy pipeline that writes each Capture into the archive."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import Counter

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from .dates import now
from .items import Capture
from .storage import Archive, ArchiveError
from .text import error_line

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
# Captures waiting for the writer; beyond this the crawl waits for it (memory stays bounded).
QUEUE_CAPTURES = 500


class ArchivePipeline:
    """Saves every Capture, each in one transaction; records the crawl and its summary.

    The writes happen on a thread of their own (CaptureWriter): SQLite does its work,
    FTS5 indexing above all, with the GIL released, so pages are parsed meanwhile.
    """

    def __init__(self, db_path: str, settings: dict | None = None) -> None:
        self.db_path = db_path
        self.settings = settings or {}
        self.crawl_id: int | None = None
        self.writer: CaptureWriter | None = None
        self.pages_by_type: Counter = Counter()
        self.pages_by_status: Counter = Counter()
        self.articles_by_method: Counter = Counter()
        self.pages_by_method: Counter = Counter()  # HTML pages by the extractor that read them
        self.attachments: Counter = Counter()
        self.errors: list[str] = []
        self._stopping = False

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
        with Archive(self.db_path) as archive:
            self.crawl_id, resumed = archive.begin_crawl(getattr(spider, "start_url", ""), self.settings, now())
        # The spider and the WARC middleware read the crawl id from the shared stats.
        self.crawler.stats.set_value("archive/crawl_id", self.crawl_id)
        self.crawler.stats.set_value("archive/resumed", resumed)
        if resumed:
            logger.info("Resuming crawl %s", self.crawl_id)
        self.writer = CaptureWriter(self.db_path, self.crawl_id, self._saved)
        self.writer.start()

    def process_item(self, item, spider=None):
        """Hand one Capture to the writer; count it for the summary."""
        if not isinstance(item, Capture):
            return item
        page = item.page
        # A page's fields are all plain values: a shallow copy, not asdict()'s deep one.
        capture = {"page": dict(vars(page)), "article": item.article, "attachment": item.attachment,
                   "file": item.file, "requested": item.requested}  # fmt: skip
        if not self.writer.put(capture):
            self._stop()
            raise ArchiveError(f"not archived, the archive cannot be written: {page.url}")
        self.pages_by_type[page.page_type] += 1
        if page.page_type in ("article", "listing", "page", "document"):
            self.pages_by_method[page.extraction_method or "none"] += 1
        if page.extraction_note:
            self.errors.append(f"{page.url}: {page.extraction_note}")
        self.pages_by_status[str(page.status) if page.status else "failed"] += 1
        if page.error:
            self.errors.append(f"{page.url}: {page.error}")
        return item

    def _saved(self, capture: dict, stored_article: bool) -> None:
        """Called on the writer's thread once a capture is in the archive."""
        if capture.get("attachment"):
            # A file with no extractable text is no failure of the crawl; attachment_files says why.
            self.attachments["with text" if capture["attachment"].get("text") else "without text"] += 1
        if stored_article:
            article = capture["article"]
            self.articles_by_method[article["extraction_method"]] += 1
            for warning in article.get("warnings") or ():
                self.errors.append(f"{article['url']}: {warning}")

    def _stop(self) -> None:
        """Close the crawl once the archive cannot be written; it stays unfinished, to resume."""
        if not self._stopping:
            self._stopping = True
            logger.error("Stopping the crawl: %s", self.writer.failure)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))

    def spider_closed(self, spider=None, reason: str | None = None) -> None:
        """Wait for the writer to save what it holds, then store the crawl's summary and log it."""
        self.writer.close()
        stats = self.summary()
        scrapy_stats = self.crawler.stats.get_stats()
        stats["finish_reason"] = reason
        stats["requests"] = scrapy_stats.get("downloader/request_count", 0)
        stats["bytes"] = scrapy_stats.get("downloader/response_bytes", 0)
        stats["retries"] = scrapy_stats.get("retry/count", 0)
        stats["robots_forbidden"] = scrapy_stats.get("robotstxt/forbidden", 0)
        stats["not_modified"] = self.pages_by_status.get("304", 0)
        if self.writer.failure:
            stats["archive_error"] = self.writer.failure
        finished = now() if reason in FINISHED_REASONS and not self.writer.failure else None
        with Archive(self.db_path) as archive:
            archive.finish_crawl(self.crawl_id, stats, finished)
        logger.info("Crawl summary: %s", json.dumps(stats, ensure_ascii=False))

    def summary(self) -> dict:
        """Pages by type and status, articles by extraction method, and the errors."""
        unsaved = self.writer.unsaved if self.writer else []
        errors = self.errors + [f"{url}: not archived: {why}" for url, why in unsaved]
        return {
            "pages_by_type": dict(self.pages_by_type),
            "pages_by_status": dict(self.pages_by_status),
            "articles_by_method": dict(self.articles_by_method),
            "pages_by_method": dict(self.pages_by_method),
            "attachments": dict(self.attachments),
            "errors": len(errors),
            "error_samples": errors[:50],
        }


class CaptureWriter(threading.Thread):
    """Saves captures in arrival order, committing every BATCH_CAPTURES or BATCH_SECONDS.

    Each capture is saved in one savepoint with the URLs its page added to the frontier,
    inside the batch's transaction: a crash loses at most the last batch, whose pages
    are not in `pages` yet and are fetched again on resume. A capture that cannot be
    saved is logged and the others go on; if a commit fails, the writer stops, with
    `failure` saying why, and `put` refuses what comes after.
    """

    def __init__(self, db_path: str, crawl_id: int | None, saved) -> None:
        super().__init__(name="archive-writer", daemon=True)
        self.db_path = db_path
        self.crawl_id = crawl_id
        self.saved = saved  # called with (capture, whether an article was stored)
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_CAPTURES)
        self.failure: str | None = None
        self.unsaved: list[tuple[str, str]] = []  # (url, why) of each capture that could not be saved

    def put(self, capture: dict) -> bool:
        """Queue a capture (waiting while the queue is full); False once the writer has failed."""
        while self.failure is None:
            try:
                self.queue.put(capture, timeout=0.5)
                return True
            except queue.Full:
                if not self.is_alive():
                    break
        return False

    def close(self) -> None:
        """Save everything queued, commit and stop."""
        if self.is_alive():
            self.put(None)
            self.join()

    def run(self) -> None:
        try:
            with Archive(self.db_path) as archive:
                capture = self.queue.get()  # no transaction stays open while the crawl is idle
                while capture is not None:
                    capture = self._save_batch(archive, capture)
        except Exception as error:  # the archive cannot be written at all (disk full, file gone)
            self.failure = error_line(error)
            logger.error("Archive writer stopped: %s", self.failure)

    def _save_batch(self, archive: Archive, capture: dict) -> dict | None:
        """Save `capture` and those queued after it, up to a batch, in one transaction.

        Returns the first capture of the next batch; None at the end of the queue.
        """
        deadline = time.monotonic() + BATCH_SECONDS
        with archive.batch():
            for _ in range(BATCH_CAPTURES):
                self._save(archive, capture)
                try:
                    capture = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    capture = _IDLE
                    break
                if capture is None:
                    break
        return self.queue.get() if capture is _IDLE else capture

    def _save(self, archive: Archive, capture: dict) -> None:
        body = capture.pop("file", None)
        if body is not None:
            # Read here, beside the crawl: PDFium works with the GIL released. It never raises.
            from .attachments import file_record

            page = capture["page"]
            capture["attachment"] = file_record(page["url"], body, page["content_type"], page["fetched"],
                                                page["status"])  # fmt: skip
        try:
            stored_article = archive.save_capture(capture, self.crawl_id)
        except Exception as error:
            if not archive.db.conn.in_transaction:  # the batch itself is lost: stop
                raise
            # Only this capture's savepoint was rolled back; the crawl records the others.
            why = error_line(error)
            self.unsaved.append((capture["page"]["url"], why))
            logger.error("Not archived: %s: %s", capture["page"]["url"], why)
            return
        self.saved(capture, stored_article)


_IDLE = object()  # the queue stayed empty until the batch's time was up

