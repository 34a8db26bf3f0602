"""Generic extraction: `extract_page` on saved pages whose markup no site profile knows.

The corpus is in `bench/pages/`: 24 articles and 10 other pages, hand-written in the varied
markups of Vietnamese government portals and news sites. `expected.json` describes each one
and `bench/pages/README.md` explains its conventions. Every page goes through
`crawler.extraction.extract.extract_page`. When `crawler.extraction.profile` offers an empty profile (`EMPTY`) and
`extract_page` accepts `profile=`, pages are read with it, so only the generic path can find
anything. Otherwise the default profile is used, which does not match these pages either.

Printed to stdout, as `name: value` lines that bench/run.py reads:
- pages/s of the generic path: the best of `--rounds` passes over the article pages, one core;
- articles found, and exact titles, dates, body starts and body ends, all out of every article;
- bodies with boilerplate in them (any `must_not_contain` string), out of the articles found;
- non-articles taken for articles, categories right, and pages that raised.
A page that raises counts as a miss and is reported, and the run goes on. Each miss is
printed to stderr with its field and what was found against what was expected.

    .venv/bin/python bench/generic.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import one_core

PAGES = Path(__file__).resolve().parent / "pages"


@dataclass
class Result:
    """What extraction gave for one page: the page type, the article's fields, or the error."""

    page_type: str | None = None
    article: dict | None = None
    error: str | None = None
    misses: list[str] = field(default_factory=list)


def load_corpus(folder: Path = PAGES) -> list[tuple[str, bytes, dict]]:
    """(file name, bytes, expectations) for every page listed in `expected.json`."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return [(name, (folder / name).read_bytes(), entry) for name, entry in sorted(expected.items())]


def generic_call():
    """`extract_page` and the keyword arguments that leave it only the generic path; a description."""
    from crawler.extraction.extract import extract_page

    try:
        from crawler import profile as profiles
    except ImportError:
        return extract_page, {}, "default profile (crawler.extraction.profile not found)"
    empty = getattr(profiles, "EMPTY", None)
    if empty is None:
        return extract_page, {}, "default profile (crawler.extraction.profile has no EMPTY)"
    if "profile" not in inspect.signature(extract_page).parameters:
        return extract_page, {}, "default profile (extract_page takes no profile=)"
    return extract_page, {"profile": empty}, "crawler.extraction.profile.EMPTY"


def extract(extract_page, kwargs: dict, body: bytes, url: str) -> Result:
    """Run extraction on one page. The article is built here too, and an error is kept, not raised."""
    result = Result()
    try:
        page = extract_page(body, url, **kwargs)
        result.page_type = page.page_type
        result.article = page.article if page.page_type == "article" else None
    except Exception as error:  # noqa: BLE001 (any failure is a miss to report, never the end of the run)
        message = str(error).strip().splitlines()
        result.error = (f"{type(error).__name__}: {message[0]}" if message else type(error).__name__)[:160]
    return result


def spaced(text: str | None) -> str:
    """`text` with every run of whitespace made one space (paragraph separators do not matter)."""
    return " ".join((text or "").split())


def short(value, limit: int = 70) -> str:
    """A value's repr, cut to about `limit` characters for a one-line report."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def difference(got, expected, limit: int = 70) -> str:
    """`got … expected …` on one line; long strings are shown from just before they differ."""
    if isinstance(got, str) and isinstance(expected, str):
        same = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
        if same > limit // 2:
            cut = same - 15
            return f"got {short('…' + got[cut:], limit)} expected {short('…' + expected[cut:], limit)}"
    return f"got {short(got, limit)} expected {short(expected, limit)}"


def score(corpus, results: list[Result]) -> Counter:
    """Count the fields that are right and note each miss on its result."""
    counts: Counter = Counter()
    for (_name, _body, want), got in zip(corpus, results):
        counts["raised"] += got.error is not None
        if got.error is not None:
            got.misses.append(f"raised {got.error}")
        if not want["is_article"]:
            counts["others"] += 1
            if got.page_type == "article":
                counts["others_taken"] += 1
                title = got.article.get("title") if isinstance(got.article, dict) else None
                got.misses.append(f"taken for an article (title {short(title)})")
            continue
        counts["articles"] += 1
        article = got.article if isinstance(got.article, dict) else None
        if article is None:
            if got.error is None:
                found = got.page_type if got.page_type != "article" else "article with no fields"
                got.misses.append(f"article not found (page_type {found!r})")
            continue
        counts["found"] += 1
        counts["method:" + str(article.get("extraction_method"))] += 1
        body = article.get("body_text") or ""
        flat = spaced(body)
        checks = {
            "title": (article.get("title") == want["title"], article.get("title"), want["title"]),
            "published": (article.get("published") == want["published"], article.get("published"), want["published"]),
            "body_start": (flat.startswith(want["body_start"]), flat[: len(want["body_start"])], want["body_start"]),
            "body_end": (flat.endswith(want["body_end"]), flat[-len(want["body_end"]) :], want["body_end"]),
            "category": (article.get("category") == want["category"], article.get("category"), want["category"]),
        }
        for name, (right, value, expected) in checks.items():
            counts[name] += right
            if not right:
                got.misses.append(f"{name} {difference(value, expected)}")
        leaked = [text for text in want["must_not_contain"] if text in body]
        if leaked:
            counts["boilerplate"] += 1
            got.misses.append(f"body holds boilerplate {', '.join(short(text, 50) for text in leaked)}")
    return counts


def timed(extract_page, kwargs: dict, pages: list[tuple[bytes, str]], rounds: int) -> float:
    """Best-of-`rounds` seconds for one pass of extraction (article built) over `pages`, on one core."""
    best = float("inf")
    with one_core():
        for _ in range(rounds):
            start = time.perf_counter()
            for body, url in pages:
                extract(extract_page, kwargs, body, url)
            best = min(best, time.perf_counter() - start)
    return best


def verdict(met: bool) -> str:
    """`meets` or `misses`, as bench/run.py reads it."""
    return "meets" if met else "misses"


def main() -> None:
    """Score and time the generic path, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3,
                        help="passes over the article pages; the best counts (default 3)")  # fmt: skip
    args = parser.parse_args()

    corpus = load_corpus()
    extract_page, kwargs, how = generic_call()
    results = [extract(extract_page, kwargs, body, want["url"]) for _name, body, want in corpus]
    counts = score(corpus, results)
    for (name, _body, _want), result in zip(corpus, results):
        for miss in result.misses:
            print(f"  {name}: {miss}", file=sys.stderr)

    article_pages = [(body, want["url"]) for _name, body, want in corpus if want["is_article"]]
    seconds = timed(extract_page, kwargs, article_pages, args.rounds)

    n, found, others = counts["articles"], counts["found"], counts["others"]
    methods = ", ".join(f"{key.split(':', 1)[1]} {value}" for key, value in sorted(counts.items())
                        if key.startswith("method:")) or "none"  # fmt: skip
    print(f"pages: {len(corpus)} saved pages ({n} articles, {others} other pages), profile: {how}")
    per_page = seconds / len(article_pages)
    print(f"generic path: {1 / per_page:.0f} pages/s ({per_page * 1000:.2f} ms/page), "
          f"best of {args.rounds} rounds over the {len(article_pages)} article pages")  # fmt: skip
    print(f"articles found: {found}/{n} (goal: all) -> {verdict(found == n)}")
    print(f"titles exact: {counts['title']}/{n} (goal: all) -> {verdict(counts['title'] == n)}")
    print(f"dates exact: {counts['published']}/{n} (goal: all) -> {verdict(counts['published'] == n)}")
    for key, label in (("body_start", "body starts"), ("body_end", "body ends")):
        print(f"{label} exact: {counts[key]}/{n} (goal: all but one) -> {verdict(counts[key] >= n - 1)}")
    print(f"bodies with boilerplate: {counts['boilerplate']}/{found} articles found (goal: none) -> "
          f"{verdict(found > 0 and counts['boilerplate'] == 0)}")  # fmt: skip
    print(f"non-articles taken for articles: {counts['others_taken']}/{others} (goal: none) -> "
          f"{verdict(counts['others_taken'] == 0)}")  # fmt: skip
    print(f"categories exact: {counts['category']}/{n}")
    print(f"pages that raised: {counts['raised']}/{len(corpus)}")
    print(f"extraction methods: {methods}")


if __name__ == "__main__":
    main()
