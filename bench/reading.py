"""Reading room: how fast every kind of page a researcher opens answers, on a 100,000-article archive.

The archive is bench/search.py's synthetic one (built, or reused with `--db`). Captures are
added as a crawl writes them: for `--captured` of its articles, a WARC response record of
the article's page (its body in the site's markup, with an image) and of that image, each
with its `pages` row, in `archive/warc/` beside the database.

Each kind of page is then requested through the project's Datasette in process (its ASGI
app, as `cchc-archive serve` runs it), for 20 different rows or queries, `--repeats` times
each after one warm request; a kind's figure is the 95th percentile (nearest rank) of all
its timed requests. Goal: every kind under 100 ms at p95.

    .venv/bin/python bench/reading.py [--articles 100000] [--db PATH] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from benchlib import Figure, percentile, print_table, thousands
from search import ensure_archive

GOAL_P95_MS = 100.0
QUERIES = ["cải cách hành chính", "dang bo", "Đảng bộ", "tinh gian bien che", "2524/KH-UBND", "Mường Tè",
           "dịch vụ công trực tuyến", "chuyen doi so", "một cửa", "hài lòng"]  # fmt: skip
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")  # a header is enough to serve


def add_captures(db_path: Path, count: int) -> list[str]:
    """Write WARC records for `count` articles and their images, with their pages rows; their URLs."""
    from crawler.crawl.middlewares import default_warc_dir
    from crawler.archive.storage import Archive
    from crawler.archive.warc import Exchange, WarcWriter

    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT url, title, body_html FROM articles ORDER BY id LIMIT ?", (count,)).fetchall()
    writer = WarcWriter(default_warc_dir(db_path), "bench", {"operator": "bench/reading.py"})
    fetched = "2025-01-01T00:00:00+07:00"
    with Archive(db_path) as archive, archive.batch():
        for url, title, body_html in rows:
            image = url.rsplit(".", 1)[0] + ".png"
            page = (f"<html><head><title>{title}</title></head><body><div class='news-detail'>"
                    f"<h1 class='news-title'>{title}</h1><div class='news-content'>{body_html}"
                    f"<img src='{image}'></div></div></body></html>").encode()  # fmt: skip
            for target, body, kind, page_type in ((url, page, "text/html; charset=utf-8", "article"),
                                                  (image, PNG, "image/png", "image")):  # fmt: skip
                written = writer.write(Exchange(target, "GET", [("User-Agent", "bench")], 200,
                                                [("Content-Type", kind)], body))  # fmt: skip
                archive.save_page({"url": target, "status": 200, "content_type": kind, "page_type": page_type,
                                   "fetched": fetched, "size": len(body), "warc_file": written.warc_file,
                                   "warc_offset": written.warc_offset, "warc_record_type": written.warc_record_type,
                                   "payload_digest": written.payload_digest, "captured": written.captured})  # fmt: skip
    writer.close()
    return [url for url, _, _ in rows]


def page_kinds(db_path: Path, captured: list[str], database: str) -> dict[str, list[str]]:
    """Kind of page -> the paths of it timed (20 rows or queries where they vary)."""
    with sqlite3.connect(db_path) as conn:
        total = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
        ids = [1 + (total - 1) * k // 19 for k in range(20)]
        categories = [c for (c,) in conn.execute("SELECT DISTINCT category FROM articles LIMIT 20")]
    step = max(1, len(captured) // 20)
    sample = captured[::step][:20]
    db = f"/{database}"
    return {
        "front page": ["/"],
        "articles table": [f"{db}/articles?{urlencode({'category': c})}" for c in categories][:20] or [f"{db}/articles"],
        "articles table, JSON": [f"{db}/articles.json?_next={k * 5000}" if k else f"{db}/articles.json"
                                 for k in range(20)],  # fmt: skip
        "article page": [f"{db}/articles/{i}" for i in ids],
        "search: stored query": [f"{db}/search?{urlencode({'q': q, 'since': '', 'until': '', 'category': ''})}"
                                 for q in QUERIES * 2],  # fmt: skip
        "search: stored query, one category": [f"{db}/search?{urlencode({'q': q, 'since': '', 'until': '', 'category': c})}"
                                               for q, c in zip(QUERIES * 2, categories * 4)],
        "search: the table's search box (its redirect to the search page)":
            [f"{db}/articles?{urlencode({'_search': q})}" for q in QUERIES * 2],
        "citing articles of a document": [f"{db}/citing_articles?{urlencode({'number': n, 'page': ''})}"
                                          for n in ("2524/KH-UBND", "107/2020/nd-cp", "76/NQ-CP", "18-NQ/TW")],
        "documents table": [f"{db}/documents"],
        "most cited documents": [f"{db}/most_cited_documents?kind=&top=50"],
        "citations per year": [f"{db}/citations_per_year?number="],
        "publications per month": [f"{db}/publications_per_month?category=&since=&until="],
        "crawl history": [f"{db}/crawl_history?start_url="],
        "image from the capture": ["/-/capture?" + urlencode({"url": u.rsplit(".", 1)[0] + ".png"}) for u in sample],
        "page as archived": ["/-/archived?" + urlencode({"url": u}) for u in sample],
    }


async def time_pages(db_path: Path, kinds: dict[str, list[str]], repeats: int, verbose: bool) -> dict[str, list]:
    """Kind -> (latencies in ms, statuses) through the project's Datasette."""
    from crawler.browse.serve import make_datasette

    datasette = make_datasette(db_path)
    await datasette.invoke_startup()
    results = {}
    for kind, paths in kinds.items():
        latencies, statuses = [], set()
        for path in paths:
            await datasette.client.get(path)  # warm
            for _ in range(repeats if len(paths) > 1 else max(repeats, 5)):  # one page: five timings at least
                started = time.perf_counter()
                response = await datasette.client.get(path)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses.add(response.status_code)
        results[kind] = (latencies, statuses)
        if verbose:
            print(f"  reading: {kind}: p95 {percentile(latencies, 0.95):.1f} ms, statuses {sorted(statuses)}",
                  file=sys.stderr, flush=True)  # fmt: skip
    return results


def measure(n_articles: int = 100_000, n_sources: int = 2000, db: Path | None = None, repeats: int = 3,
            captured: int = 2000, verbose: bool = True) -> list[Figure]:  # fmt: skip
    """Build (or reuse) the archive, add captures, time each kind of page."""
    with tempfile.TemporaryDirectory(prefix="bench-reading-") as folder:
        db_path = db or Path(folder) / "archive.db"
        ensure_archive(db_path, n_articles, n_sources, verbose)
        with sqlite3.connect(db_path) as conn:
            urls = [u for (u,) in conn.execute("SELECT url FROM pages WHERE page_type = 'article' "
                                               "AND warc_file LIKE 'bench-%' ORDER BY url")]  # fmt: skip
        if not urls:
            urls = add_captures(db_path, captured)
        results = asyncio.run(time_pages(db_path, page_kinds(db_path, urls, db_path.stem), repeats, verbose))
    scale = f"{thousands(n_articles)} articles"
    figures = []
    for kind, (latencies, statuses) in results.items():
        p95 = percentile(latencies, 0.95)
        answered = statuses == ({302} if "redirect" in kind else {200})
        note = "" if answered else f" (answers {sorted(statuses)})"
        figures.append(Figure(f"reading room: {kind}, p95 ({scale}){note}", f"{p95:.1f} ms",
                              f"< {GOAL_P95_MS:.0f} ms", answered and p95 < GOAL_P95_MS))  # fmt: skip
    return figures


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the archive (default 100000)")
    parser.add_argument("--sources", type=int, default=2000, help="articles of the replica copied (default 2000)")
    parser.add_argument("--db", type=Path, help="keep the archive here and reuse it on the next run")
    parser.add_argument("--repeats", type=int, default=3, help="timed requests per page (default 3)")
    parser.add_argument("--captured", type=int, default=2000, help="articles given captures (default 2000)")
    args = parser.parse_args()
    print_table(measure(args.articles, args.sources, args.db, args.repeats, args.captured))


if __name__ == "__main__":
    main()
