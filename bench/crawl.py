"""Crawl throughput: the cchc spider against a bare Scrapy spider, on the same replica, in the same run.

Both crawl a replica served on 127.0.0.1 by its own process, with the project's settings
and politeness off (no delay, no AutoThrottle) at the same concurrency; the bare spider
follows the same same-host links (the project's URL rules) but extracts and stores
nothing. Each crawl runs in a fresh interpreter; the best of `--rounds` counts, as noise
on a shared machine only ever slows a run down. The cchc crawl varies more from run to
run (by a tenth on 2 cores: its writer thread, its main thread and the replica's server
share them), hence three rounds.

    .venv/bin/python bench/crawl.py [--articles 2000] [--concurrency 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import scrapy
from scrapy.http import TextResponse

from benchlib import Figure, peak_rss_mb, print_table, run_child, served_replica, thousands
from crawler.urls import canonicalize_url, is_attachment, is_skipped, same_site

GOAL_RATIO = 0.8


class BareSpider(scrapy.Spider):
    """Follows the same-host links the cchc spider follows; no extraction, no storage.

    Attached files are fetched (the cchc spider archives those of its articles) but not
    read; robots.txt, search and admin pages are skipped by the same rules.
    """

    name = "bare"

    def __init__(self, start_url: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start_url = canonicalize_url(start_url)

    async def start(self):
        """Begin at the start URL."""
        yield scrapy.Request(self.start_url)

    def parse(self, response):
        """Follow the page's links on the site."""
        if not isinstance(response, TextResponse):
            return
        for href in response.xpath("//a/@href | //area/@href").getall():
            url = canonicalize_url(href, response.url)
            if url and same_site(url, self.start_url) and not is_skipped(url):
                yield scrapy.Request(url, callback=self.fetched if is_attachment(url) else self.parse)

    def fetched(self, response) -> None:
        """An attached file: downloaded, nothing more."""


def local_settings(concurrency: int) -> dict:
    """Politeness off, for a replica on 127.0.0.1: the same for both spiders."""
    return {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
    }


def crawl_cchc(url: str, db_path: str, concurrency: int) -> dict:
    """The project's crawl, exactly as `cchc-archive crawl` runs it (run_crawl), timed."""
    from crawler.crawl.runner import run_crawl
    from crawler.archive.storage import Archive

    started = time.perf_counter()
    crawl = run_crawl(url + "/", db_path, delay=0, overrides=local_settings(concurrency))
    seconds = time.perf_counter() - started
    with Archive(db_path) as archive:
        articles = archive.db.execute("SELECT count(*) FROM articles").fetchone()[0]
    stats = crawl.get("stats") or {}
    return {"pages": stats.get("requests", 0), "seconds": seconds, "articles": articles,
            "finish_reason": stats.get("finish_reason"), "peak_rss_mb": peak_rss_mb()}  # fmt: skip


def crawl_bare(url: str, db_path: str, concurrency: int) -> dict:
    """The bare spider with the project's settings minus every component of its own, timed.

    Network behaviour stays the project's (robots.txt, retries, timeouts, User-Agent,
    reactor); the archive pipeline, the WARC middleware and any other project
    middleware or extension go, since they store.
    """
    from scrapy.crawler import CrawlerProcess

    from crawler.crawl.runner import crawl_settings

    bare = {name: {} for name in ("ITEM_PIPELINES", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS")}
    settings = crawl_settings(db_path, delay=0, overrides={**local_settings(concurrency), **bare})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start_url=url + "/")
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    return {"pages": crawler.stats.get_value("downloader/request_count", 0), "seconds": seconds,
            "finish_reason": crawler.stats.get_value("finish_reason"), "peak_rss_mb": peak_rss_mb()}  # fmt: skip


def run_one(spider: str, url: str, concurrency: int) -> dict:
    """One crawl in a fresh interpreter, into a fresh archive."""
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as folder:
        result = run_child("crawl.py", "--child", spider, "--url", url, "--db", str(Path(folder) / "archive.db"),
                           "--concurrency", str(concurrency))  # fmt: skip
    result["pages_per_second"] = result["pages"] / result["seconds"]
    return result


def measure(n_articles: int = 2000, concurrency: int = 8, rounds: int = 3, verbose: bool = True) -> list[Figure]:
    """Crawl the replica `rounds` times with each spider (alternating); the figures of the best runs."""
    runs: dict[str, list[dict]] = {"bare": [], "cchc": []}
    with served_replica(n_articles) as url:
        for round_number in range(1, rounds + 1):
            for spider in ("bare", "cchc"):
                result = run_one(spider, url, concurrency)
                runs[spider].append(result)
                if verbose:
                    print(f"  crawl round {round_number} {spider}: {result['pages']} pages in {result['seconds']:.1f} s"
                          f" = {result['pages_per_second']:.0f} pages/s ({result.get('finish_reason')})",
                          file=sys.stderr, flush=True)  # fmt: skip
    best = {spider: max(results, key=lambda r: r["pages_per_second"]) for spider, results in runs.items()}
    cchc, bare = best["cchc"], best["bare"]
    ratio = cchc["pages_per_second"] / bare["pages_per_second"]
    setting = f"{thousands(n_articles)}-article replica, concurrency {concurrency}, best of {rounds}"
    stored = f", {thousands(cchc['articles'])} articles stored" if "articles" in cchc else ""
    return [
        Figure(f"crawl: cchc spider ({setting}; {thousands(cchc['pages'])} pages{stored})",
               f"{cchc['pages_per_second']:.0f} pages/s"),
        Figure(f"crawl: bare Scrapy spider, same links ({thousands(bare['pages'])} pages)",
               f"{bare['pages_per_second']:.0f} pages/s"),
        Figure("crawl: cchc / bare throughput", f"{ratio:.2f}", f">= {GOAL_RATIO}", ratio >= GOAL_RATIO),
    ]  # fmt: skip


def main() -> None:
    """Measure and print the figures (or, with --child, run one crawl and print its JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000, help="articles of the replica (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests at a time, both spiders (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="crawls per spider; the best counts (default 3)")
    parser.add_argument("--child", choices=("cchc", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        crawl = crawl_cchc if args.child == "cchc" else crawl_bare
        print(json.dumps(crawl(args.url, args.db, args.concurrency)), flush=True)
        return
    print_table(measure(args.articles, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()
