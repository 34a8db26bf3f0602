"""Run the `cchc` spider in-process with the project's settings."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.archive.storage import Archive, ArchiveError
from crawler.urls import canonicalize_url


class CrawlError(ArchiveError):
    """A crawl that could not start or reach its start page."""


def crawl_settings(db_path: str | Path, *, delay: float | None = None, max_pages: int | None = None,
                   warc_dir: str | Path | None = None, log_level: str = "WARNING", progress: str | None = None,
                   progress_every: float | None = None, fetch_images: bool = True, contact: str | None = None,
                   overrides: dict | None = None) -> Settings:  # fmt: skip
    """The project's settings (`crawler.settings`) with the command line's choices on top.

    `progress` is how the crawl shows its counts as it goes (crawler.crawl.progress.MODES: `auto`
    is a live line on a terminal, a plain line every `progress_every` seconds elsewhere).
    `fetch_images` False leaves the images of article bodies unfetched (FETCH_IMAGES).
    `contact` (an e-mail address or a web page) goes into the User-Agent (CONTACT).
    """
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_DB", str(db_path), priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    if contact:
        settings.set("CONTACT", contact, priority="cmdline")
    if progress:
        settings.set("PROGRESS", progress, priority="cmdline")
    if progress_every:
        settings.set("PROGRESS_EVERY", progress_every, priority="cmdline")
    if delay is not None:
        settings.set("DOWNLOAD_DELAY", delay, priority="cmdline")
        if delay == 0:
            # A local replica: no throttling, but still one request at a time per host.
            settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    if max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", max_pages, priority="cmdline")
    if warc_dir:
        settings.set("WARC_DIR", str(warc_dir), priority="cmdline")
    if not fetch_images:
        settings.set("FETCH_IMAGES", False, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


class _OneLine(logging.Filter):
    """Log a failure as its message alone: the archive records it, a terminal needs no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def _one_line_log_records() -> None:
    for handler in logging.getLogger().handlers:
        handler.addFilter(_OneLine())


def run_crawl(start_url: str, db_path: str | Path, *, refresh_after: float = 30, full: bool = False,
              profile: str | Path | None = None, **options) -> dict:  # fmt: skip
    """Crawl from `start_url` into the archive at `db_path`; return the crawl's row.

    An unfinished crawl of the same start URL in that archive is resumed. Pages archived
    less than `refresh_after` days ago are not requested again; `full` walks every
    listing page even when it holds nothing new. `profile` is a site profile file
    (default: the shipped profile of cchc.laichau.gov.vn).

    Raises CrawlError when the start URL is no http(s) URL, when a crawl of it is running
    on the same archive already, or when its page could not be fetched at all (the
    failure is still recorded in `pages`).
    """
    url = canonicalize_url(start_url)
    if url is None:
        raise CrawlError(f"not an http(s) URL: {start_url}")
    with Archive(db_path) as archive:
        running = archive.running_crawl(url)
    if running:
        raise CrawlError(f"crawl {running['id']} of {url} is running in {db_path} (process {running['pid']} on "
                         f"{running['host']}): wait for it, or stop it and run the command again to resume it")
    from spiders.cchc import CchcSpider  # the top-level spiders package, as scrapy.cfg names it

    settings = crawl_settings(db_path, **options)
    process = CrawlerProcess(settings)
    process.crawl(CchcSpider, start_url=url, refresh_after=refresh_after, full=full,
                  profile=str(profile) if profile else None)  # fmt: skip
    if settings.get("LOG_LEVEL") != "DEBUG":
        _one_line_log_records()  # after crawl(): that is when Scrapy installs its log handler
    process.start()
    with Archive(db_path) as archive:
        crawl = archive.last_crawl()
        start_page = archive.page(url)
    if start_page is None or start_page.get("status") is None:
        reason = (start_page or {}).get("error") or "no response"
        raise CrawlError(f"could not reach {url}: {reason}")
    return crawl
