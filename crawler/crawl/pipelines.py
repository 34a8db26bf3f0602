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

from crawler.dates import now
from crawler.crawl.items import Capture
from crawler.crawl.progress import PLAIN_EVERY, Counts, CrawlProgress, Snapshot, make_display
from crawler.archive.storage import Archive, ArchiveError
from crawler.text import error_line

logger = logging.getLogger(__name__)

# Crawl settings worth keeping with each crawl, to know later how it was made.
RECORDED_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS_PER_DOMAIN",
    "CLOSESPIDER_PAGECOUNT", "DOWNLOAD_TIMEOUT", "RETRY_TIMES", "WARC_DIR", "FETCH_IMAGES", "CONTACT",
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
    """Saves every Capture, each in one transaction; records the crawl, its progress and its summary.

    The writes happen on a thread of their own (CaptureWriter): SQLite does its work,
    FTS5 indexing above all, with the GIL released, so pages are parsed meanwhile.
    While the crawl runs, its `crawls` row is kept up to date every few seconds
    (crawler.crawl.progress), and its counts are shown as the `PROGRESS` setting asks:
    `auto`, `live`, `plain` (a line every `PROGRESS_EVERY` seconds) or `none` (the default).
    """

    def __init__(self, db_path: str, settings: dict | None = None, progress: str | None = None,
                 progress_every: float = PLAIN_EVERY) -> None:  # fmt: skip
        self.db_path = db_path
        self.settings = settings or {}
        self.progress_mode = progress
        self.progress_every = progress_every
        self.progress: CrawlProgress | None = None
        self.crawl_id: int | None = None
        self.writer: CaptureWriter | None = None
        self.pages_by_type: Counter = Counter()
        self.pages_by_status: Counter = Counter()
        self.articles_by_method: Counter = Counter()
        self.pages_by_method: Counter = Counter()  # HTML pages by the extractor that read them
        self.attachments: Counter = Counter()
        self.documents = 0  # document pages whose particulars were read
        self.articles_saved: Counter = Counter()  # new, changed, unchanged
        self.pages_fetched = 0  # responses and failures: every page but those skipped unrequested
        self.errors: list[str] = []
        self._stopping = False
        # The writer's thread counts what it saved while the reactor's reads the counts.
        self._lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler):
        """Read the archive path and the settings to record from the crawler."""
        settings = {name: crawler.settings.get(name) for name in RECORDED_SETTINGS}
        pipeline = cls(crawler.settings.get("ARCHIVE_DB", "archive.db"), settings, crawler.settings.get("PROGRESS"),
                       crawler.settings.getfloat("PROGRESS_EVERY", PLAIN_EVERY))  # fmt: skip
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
        self.progress = CrawlProgress(self.counts, self._record_progress, make_display(self.progress_mode),
                                      every=self.progress_every)  # fmt: skip
        self.progress.start()

    def process_item(self, item, spider=None):
        """Hand one Capture to the writer; count it for the summary."""
        if not isinstance(item, Capture):
            return item
        page = item.page
        # A page's fields are all plain values: a shallow copy, not asdict()'s deep one.
        capture = {"page": dict(vars(page)), "article": item.article, "document": item.document,
                   "attachment": item.attachment, "file": item.file, "requested": item.requested}  # fmt: skip
        if not self.writer.put(capture):
            self._stop()
            raise ArchiveError(f"not archived, the archive cannot be written: {page.url}")
        self.pages_by_type[page.page_type] += 1
        self.pages_fetched += page.page_type != "skipped"
        self.documents += item.document is not None
        if page.page_type in ("article", "listing", "page", "document"):
            self.pages_by_method[page.extraction_method or "none"] += 1
        if page.extraction_note:
            self.errors.append(f"{page.url}: {page.extraction_note}")
        self.pages_by_status[str(page.status) if page.status else "failed"] += 1
        if page.error:
            self.errors.append(f"{page.url}: {page.error}")
        return item

    def _saved(self, capture: dict, stored_article: str | None) -> None:
        """Called on the writer's thread once a capture is in the archive.

        `stored_article`: how its article was saved (new, changed, unchanged), "revalidated"
        when a 304 confirmed the archived copy, None if there was no article.
        """
        with self._lock:
            if capture.get("attachment"):
                # A file with no extractable text is no failure of the crawl; attachment_files says why.
                self.attachments["with text" if capture["attachment"].get("text") else "without text"] += 1
            if stored_article == "revalidated":
                self.articles_saved["unchanged"] += 1
            elif stored_article:
                article = capture["article"]
                self.articles_by_method[article["extraction_method"]] += 1
                self.articles_saved[stored_article] += 1
                for warning in article.get("warnings") or ():
                    self.errors.append(f"{article['url']}: {warning}")

    def counts(self) -> Counts:
        """The crawl's counts so far, for its progress."""
        with self._lock:
            saved = dict(self.articles_saved)
            attachments = sum(self.attachments.values())
        unsaved = len(self.writer.unsaved) if self.writer else 0
        planned = self.crawler.stats.get_value("archive/planned")
        return Counts(pages=self.pages_fetched, new=saved.get("new", 0), changed=saved.get("changed", 0),
                      unchanged=saved.get("unchanged", 0), attachments=attachments, errors=len(self.errors) + unsaved,
                      waiting=self._waiting(), planned=planned)  # fmt: skip

    def _waiting(self) -> int:
        """Requests scheduled, and those being downloaded."""
        engine = self.crawler.engine
        scheduler = engine.scheduler if engine else None
        if scheduler is None:  # not started yet, or closed
            return 0
        return len(scheduler) + len(engine.downloader.active)

    def _record_progress(self, snapshot: Snapshot) -> None:
        """Hand the running crawl's figures to the writer, which keeps its row."""
        if self.writer is not None:
            self.writer.post_figures(self._figures(None) | {"progress": snapshot.as_dict()})

    def _stop(self) -> None:
        """Close the crawl once the archive cannot be written; it stays unfinished, to resume."""
        if not self._stopping:
            self._stopping = True
            logger.error("Stopping the crawl: %s", self.writer.failure)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))

    def spider_closed(self, spider=None, reason: str | None = None) -> None:
        """Wait for the writer to save what it holds, then store the crawl's summary and log it.

        The progress shows its final counts first, on their own line above the summary.
        """
        if self.writer is None:  # the crawl never began (see open_spider)
            return
        self.progress.stop()
        self.writer.close()
        stats = self._figures(reason)
        stats["progress"] = self.progress.finish().as_dict()
        if self.writer.failure:
            stats["archive_error"] = self.writer.failure
        finished = now() if reason in FINISHED_REASONS and not self.writer.failure else None
        with Archive(self.db_path) as archive:
            archive.finish_crawl(self.crawl_id, stats, finished)
        logger.info("Crawl summary: %s", json.dumps(stats, ensure_ascii=False))

    def _figures(self, reason: str | None) -> dict:
        """The summary with Scrapy's own counts: what the crawl's row keeps (`reason` None while it runs)."""
        stats = self.summary()
        scrapy_stats = self.crawler.stats.get_stats()
        stats["finish_reason"] = reason
        stats["requests"] = scrapy_stats.get("downloader/request_count", 0)
        stats["bytes"] = scrapy_stats.get("downloader/response_bytes", 0)
        stats["retries"] = scrapy_stats.get("retry/count", 0)
        stats["robots_forbidden"] = scrapy_stats.get("robotstxt/forbidden", 0)
        stats["not_modified"] = self.pages_by_status.get("304", 0)
        return stats

    def summary(self) -> dict:
        """Pages by type and status, articles by extraction method, and the errors."""
        unsaved = self.writer.unsaved if self.writer else []
        errors = self.errors + [f"{url}: not archived: {why}" for url, why in unsaved]
        with self._lock:
            by_method, attachments = dict(self.articles_by_method), dict(self.attachments)
        return {
            "pages_by_type": dict(self.pages_by_type),
            "pages_by_status": dict(self.pages_by_status),
            "articles_by_method": by_method,
            "pages_by_method": dict(self.pages_by_method),
            "attachments": attachments,
            "documents": self.documents,
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
        self.saved = saved  # called with (capture, what became of its article: see Archive.save_capture)
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

    def post_figures(self, stats: dict) -> None:
        """Queue a running crawl's figures for its row, after the captures queued before them.

        Never waits: when the queue is full the writer is busy, and the next figures follow soon.
        """
        if self.failure is None and self.crawl_id is not None:
            try:
                self.queue.put_nowait(_Figures(stats))
            except queue.Full:
                pass

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

    def _save(self, archive: Archive, capture: dict | _Figures) -> None:
        if isinstance(capture, _Figures):
            self._save_figures(archive, capture.stats)
            return
        body = capture.pop("file", None)
        if body is not None:
            # Read here, beside the crawl: PDFium works with the GIL released. It never raises.
            from crawler.extraction.attachments import file_record

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

    def _save_figures(self, archive: Archive, stats: dict) -> None:
        try:
            archive.update_crawl(self.crawl_id, stats, now())
        except Exception as error:
            if not archive.db.conn.in_transaction:  # the batch itself is lost: stop
                raise
            logger.warning("Crawl %s: progress not recorded: %s", self.crawl_id, error_line(error))


class _Figures:
    """A running crawl's figures, queued for its `crawls` row between the captures."""

    __slots__ = ("stats",)

    def __init__(self, stats: dict) -> None:
        self.stats = stats


_IDLE = object()  # the queue stayed empty until the batch's time was up

