"""Search: latency of 20 varied queries over a synthetic archive of 100,000 articles.

The archive is built from the replica's generator: a replica of `--sources` articles is
generated, and each of its articles is copied into the archive under new ids and URLs
until there are `--articles` of them. Each copy is dated in another year (and its
title's year follows), has its paragraphs in another order and borrows one paragraph
from another article of its category, so no two copies have the same text while the
vocabulary keeps the site's word frequencies. Articles are saved through the project's
own `Archive.save_article`, in transactions of a few thousand, with related, latest and
breadcrumb links and images as a crawl stores them.

Each query runs once to warm the cache, then `--repeats` times through `Archive.search`
(limit 20, with snippets) in this process; a query's latency is the median of its runs,
and the figures are the median and 95th percentile (nearest rank) over the 20 queries.

    .venv/bin/python bench/search.py [--articles 100000] [--db PATH] [--repeats 5]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from benchlib import Figure, median, percentile, print_table, thousands

GOAL_P95_MS = 50.0
BASE = "https://cchc.laichau.gov.vn"
BATCH = 2000  # articles per transaction
FIRST_YEAR, LAST_YEAR = 2010, 2025

# (query, what it exercises): with and without diacritics, phrases, prefixes, operators, rare and common words.
QUERIES: list[tuple[str, str]] = [
    ("cải cách hành chính", "common phrase, diacritics"),
    ("cai cach hanh chinh", "common phrase, no diacritics"),
    ("Lai Châu", "most common words"),
    ("Đảng bộ", "đ, diacritics"),
    ("dang bo", "đ folded"),
    ("tinh giản biên chế", "medium, diacritics"),
    ("tinh gian bien che", "medium, no diacritics"),
    ("dịch vụ công trực tuyến", "four words, diacritics"),
    ("dich vu cong truc tuyen toan trinh", "six words, no diacritics"),
    ('"một cửa"', "explicit phrase"),
    ('"chuyen doi so"', "explicit phrase, no diacritics"),
    ("Mường Tè", "place name"),
    ("nam nhun", "place name, no diacritics"),
    ("hài lòng của người dân", "long common phrase"),
    ("chuyển*", "prefix"),
    ("SIPAS OR \"văn hóa công sở\"", "OR of a rare word and a phrase"),
    ("2524/KH-UBND", "rare, punctuation"),
    ("Công đoàn viên chức", "rare phrase"),
    ("tư duy đi trước", "rare, one source article"),
    ("bão lũ sạt lở", "no match"),
]


def synthetic_articles(n_articles: int, n_sources: int, seed: int = 2021) -> Iterator[dict]:
    """`n_articles` article dicts, as `extract_article` returns them, derived from a replica's ground truth."""
    from crawler.replica import build_replica

    replica = build_replica(n_sources, seed)
    sources = replica.articles
    by_category: dict[str, list] = {}
    for source in sources:
        by_category.setdefault(source.category, []).append(source)
    rng = random.Random(f"search-{seed}")
    latest = [{"url": BASE + a.path, "title": a.title, "published": a.published} for a in sources[-5:]]
    for index in range(n_articles):
        source = sources[index % len(sources)]
        copy = index // len(sources)
        site_id = 100_000 + index
        year = FIRST_YEAR + (index * 7 + copy) % (LAST_YEAR - FIRST_YEAR + 1)
        title = re.sub(r"\b20\d\d\b", str(year), source.title) if copy else source.title
        paragraphs = list(source.paragraphs)
        if copy:
            rng.shuffle(paragraphs)
            neighbour = rng.choice(by_category[source.category])
            if neighbour.paragraphs:
                paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(neighbour.paragraphs))
        published = datetime.fromisoformat(source.published)
        published = published.replace(year=year, day=min(published.day, 28))
        body_text = "\n\n".join(paragraphs)
        stem = source.path.rsplit("-", 1)[0]
        url = f"{BASE}{stem}-{site_id}.html"
        related = [BASE + path.rsplit("-", 1)[0] + f"-{site_id - 1 - k}.html" for k, path in enumerate(source.related)]
        yield {
            "url": url,
            "canonical_url": None,
            "site_id": site_id,
            "title": title,
            "published": published.isoformat(),
            "published_raw": published.strftime("%d/%m/%Y %H:%M:%S"),
            "breadcrumb": source.breadcrumb,
            "category": source.category,
            "body_text": body_text,
            "body_html": "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs),
            "word_count": len(body_text.split()),
            "content_sha256": hashlib.sha256(f"{title}\n\n{body_text}".encode()).hexdigest(),
            "extraction_method": "profile",
            "images": [{"src": BASE + image["src"], "alt": image["alt"] or None, "caption": image["caption"]}
                       for image in source.images],
            "attachments": [],
            "related": [{"url": u, "title": title, "published": None} for u in related],
            "latest": latest,
            "body_links": [],
            "nav_links": [{"url": BASE + "/", "title": "Trang chủ"}],
            "warnings": [],
        }  # fmt: skip


def build_archive(db_path: Path, n_articles: int, n_sources: int, verbose: bool = True) -> float:
    """Save `n_articles` synthetic articles into a new archive at `db_path`; seconds taken."""
    from crawler.archive.storage import Archive

    started = time.perf_counter()
    with Archive(db_path) as archive:
        conn = archive.db.conn
        conn.execute("BEGIN")
        for count, article in enumerate(synthetic_articles(n_articles, n_sources), start=1):
            archive.save_article(article, "2025-01-01T00:00:00+07:00")  # nests as a savepoint in ours
            if count % BATCH == 0:
                conn.execute("COMMIT")
                if verbose and count % (BATCH * 10) == 0:
                    print(f"  search: {count} articles saved", file=sys.stderr, flush=True)
                conn.execute("BEGIN")
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def ensure_archive(db_path: Path, n_articles: int, n_sources: int, verbose: bool = True) -> float | None:
    """Build the synthetic archive at `db_path` unless it is there already; seconds taken, None if reused."""
    existing = article_count(db_path)
    if existing == n_articles:
        return None
    if db_path.exists():
        raise SystemExit(f"{db_path} holds {existing} articles, not {n_articles}: remove it or pick another")
    seconds = build_archive(db_path, n_articles, n_sources, verbose)
    if verbose:
        print(f"  search: {n_articles} articles saved in {seconds:.0f} s ({n_articles / seconds:.0f}/s)",
              file=sys.stderr, flush=True)  # fmt: skip
    return seconds


def article_count(db_path: Path) -> int:
    """Articles in an existing archive; 0 if there is none."""
    if not db_path.is_file():
        return 0
    with sqlite3.connect(db_path) as conn:
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            return 0


def database_bytes(db_path: Path) -> int:
    """The archive's size on disk: the database file and its write-ahead log."""
    return sum(p.stat().st_size for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists())


def matches(archive, query: str) -> int:
    """How many articles the query matches (to tell rare queries from common ones), as search matches them."""
    from crawler.archive.storage import plan_search

    match = plan_search(query).match
    return archive.db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0]


def time_queries(db_path: Path, repeats: int, verbose: bool = True) -> list[float]:
    """Each query's latency in ms: the median of `repeats` warm runs of `Archive.search`."""
    from crawler.archive.storage import Archive

    latencies = []
    with Archive(db_path, must_exist=True) as archive:
        for query, purpose in QUERIES:
            archive.search(query)  # warm: the first run pays for reading pages from disk
            runs = []
            for _ in range(repeats):
                started = time.perf_counter()
                results = archive.search(query)
                runs.append((time.perf_counter() - started) * 1000)
            latencies.append(median(runs))
            if verbose:
                print(f"  search: {median(runs):7.1f} ms  {matches(archive, query):>7} matches, {len(results):>2} shown"
                      f"  {query}  ({purpose})", file=sys.stderr, flush=True)  # fmt: skip
    return latencies


def measure(n_articles: int = 100_000, n_sources: int = 2000, db: Path | None = None, repeats: int = 5,
            verbose: bool = True) -> list[Figure]:  # fmt: skip
    """Build (or reuse, with `db`) the synthetic archive and time the queries."""
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        db_path = db or Path(folder) / "archive.db"
        seconds = ensure_archive(db_path, n_articles, n_sources, verbose)
        built = "" if seconds is None else f", built in {seconds:.0f} s"
        latencies = time_queries(db_path, repeats, verbose)
        size = database_bytes(db_path)
    per_thousand = size / (n_articles / 1000) / 2**20
    scale = f"{thousands(n_articles)} articles"
    p95 = percentile(latencies, 0.95)
    return [
        Figure(f"search: median latency, {len(QUERIES)} queries ({scale}{built})", f"{median(latencies):.1f} ms"),
        Figure(f"search: p95 latency, {len(QUERIES)} queries ({scale})", f"{p95:.1f} ms", f"< {GOAL_P95_MS:.0f} ms",
               p95 < GOAL_P95_MS),
        Figure(f"search: database size per 1,000 articles ({size / 2**30:.2f} GB in all)", f"{per_thousand:.1f} MB"),
    ]  # fmt: skip


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the archive (default 100000)")
    parser.add_argument("--sources", type=int, default=2000, help="articles of the replica copied (default 2000)")
    parser.add_argument("--db", type=Path, help="keep the archive here and reuse it on the next run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per query (default 5)")
    args = parser.parse_args()
    print_table(measure(args.articles, args.sources, args.db, args.repeats))


if __name__ == "__main__":
    main()
