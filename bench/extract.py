"""Extraction speed: `extract_article` against trafilatura on the same replica pages.

Prints ms/page of each, their ratio against the goal (at least 5x faster), and how many
pages had every field right (title, date, breadcrumb, body text) against the replica's
ground truth. Run: `make bench` or `.venv/bin/python bench/extract.py [--articles N]`.
"""

from __future__ import annotations

import argparse
import time

from crawler.extraction.extract import extract_article
from crawler.replica import build_replica

GOAL_RATIO = 5.0


def timed(function, pages: list[tuple[bytes, str, str]], rounds: int) -> float:
    """Best-of-`rounds` milliseconds per page of `function(body, url, content_type)`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for body, url, content_type in pages:
            function(body, url, content_type)
        best = min(best, (time.perf_counter() - start) / len(pages) * 1000)
    return best


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    replica = build_replica(n_articles=args.articles)
    base = "https://cchc.laichau.gov.vn"
    pages, truth = [], []
    for article in replica.articles:
        resource = replica.get(article.path)
        pages.append((resource.body, base + article.path, resource.headers.get("Content-Type")))
        truth.append(article)

    right = 0
    for (body, url, content_type), expected in zip(pages, truth):
        got = extract_article(body, url, content_type=content_type)
        if got and (got["title"], got["published"], got["breadcrumb"], got["body_text"]) == (
            expected.title, expected.published, expected.breadcrumb, expected.body_text
        ):
            right += 1

    ours = timed(lambda b, u, c: extract_article(b, u, content_type=c), pages, args.rounds)
    try:
        import trafilatura
    except ImportError:
        theirs = None
    else:
        theirs = timed(lambda b, u, c: trafilatura.bare_extraction(b, url=u, with_metadata=True), pages, 1)

    print(f"pages: {len(pages)} replica articles")
    print(f"fields right (title, published, breadcrumb, body_text): {right}/{len(pages)}")
    print(f"extract_article: {ours:.3f} ms/page")
    if theirs is None:
        print("trafilatura: not installed (pip install trafilatura lxml_html_clean)")
        return
    ratio = theirs / ours
    verdict = "meets" if ratio >= GOAL_RATIO and right == len(pages) else "misses"
    print(f"trafilatura: {theirs:.3f} ms/page")
    print(f"ratio: {ratio:.1f}x faster (goal: at least {GOAL_RATIO:.0f}x with every field right) -> {verdict} the goal")


if __name__ == "__main__":
    main()
