"""Memory: the peak resident set size of a crawl of about 20,000 pages.

The replica is sized to reach `--pages` pages (articles, print views, listings,
documents, attached files…) and served by its own process; the crawl runs as
`cchc-archive crawl` does (crawler.crawl.runner.run_crawl), politeness off, in a fresh
interpreter that reports its own peak (VmHWM). The figure names the pages actually
crawled.

    .venv/bin/python bench/memory.py [--pages 20000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from benchlib import Figure, print_table, run_child, served_replica, thousands

GOAL_MB = 250
SMALL, LARGER = 300, 600  # replica sizes whose page counts give pages per article


def crawlable_pages(n_articles: int) -> int:
    """What a crawl of an `n_articles` replica fetches: HTML pages, attached files, redirects, dead links."""
    from crawler.replica import build_replica

    replica = build_replica(n_articles)
    pages = sum(1 for r in replica.resources.values() if r.status == 200 and "text/html" in r.headers.get("Content-Type", ""))
    attachments = sum(len(article.attachments) for article in replica.articles)
    return pages + attachments + len(replica.redirects) + len(replica.dead_links)


def articles_for(pages: int) -> int:
    """The replica size whose crawl is about `pages` pages (the page count grows linearly with it)."""
    small, larger = crawlable_pages(SMALL), crawlable_pages(LARGER)
    per_article = (larger - small) / (LARGER - SMALL)
    return max(SMALL, round(SMALL + (pages - small) / per_article))


def measure(pages: int = 20000, concurrency: int = 8, verbose: bool = True) -> list[Figure]:
    """Crawl a replica of about `pages` pages once; its peak RSS against the goal."""
    n_articles = articles_for(pages)
    with served_replica(n_articles) as url, tempfile.TemporaryDirectory(prefix="bench-memory-") as folder:
        result = run_child("crawl.py", "--child", "cchc", "--url", url, "--db", str(Path(folder) / "archive.db"),
                           "--concurrency", str(concurrency))  # fmt: skip
    if verbose:
        print(f"  memory: {result['pages']} pages ({n_articles} articles) in {result['seconds']:.0f} s, "
              f"peak RSS {result['peak_rss_mb']:.0f} MB ({result.get('finish_reason')})", file=sys.stderr, flush=True)  # fmt: skip
    peak = result["peak_rss_mb"]
    return [
        Figure(f"memory: peak RSS of a {thousands(result['pages'])}-page crawl ({thousands(n_articles)} articles)",
               f"{peak:.0f} MB", f"< {GOAL_MB} MB", peak < GOAL_MB),
    ]  # fmt: skip


def main() -> None:
    """Measure and print the figure."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20000, help="pages to crawl, about (default 20000)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests at a time (default 8)")
    args = parser.parse_args()
    print_table(measure(args.pages, args.concurrency))


if __name__ == "__main__":
    main()
