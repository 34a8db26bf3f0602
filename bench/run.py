"""Every benchmark, one table: figure | value | goal | met?

`make bench` runs this at full size (a 2,000-article crawl, a 20,000-page crawl,
100,000 articles searched and read through Datasette), 12 to 15 minutes on two cores;
`--quick` runs small sizes in a few minutes. Progress goes to stderr, the table to stdout.

    .venv/bin/python bench/run.py [--quick] [--only crawl,memory,search,reading,reextract,extract,generic,recrawl,refs]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import crawl
import memory
import reading
import reextract
import search
from benchlib import BENCH, ROOT, Figure, print_table

FULL = {"crawl_articles": 2000, "crawl_rounds": 3, "memory_pages": 20000, "search_articles": 100_000,
        "reextract_articles": 1000, "extract_articles": 300, "recrawl_articles": 1000}  # fmt: skip
QUICK = {"crawl_articles": 300, "crawl_rounds": 1, "memory_pages": 2000, "search_articles": 10_000,
         "reextract_articles": 300, "extract_articles": 100, "recrawl_articles": 200}  # fmt: skip
BENCHMARKS = ("crawl", "memory", "search", "reading", "reextract", "extract", "generic", "recrawl", "refs")


def extraction_figures(n_articles: int) -> list[Figure]:
    """bench/extract.py's figures (extract_article against trafilatura), read from what it prints."""
    result = subprocess.run([sys.executable, str(BENCH / "extract.py"), "--articles", str(n_articles)], cwd=ROOT,
                            capture_output=True, text=True, timeout=3600)  # fmt: skip
    out = result.stdout
    if result.returncode != 0:
        return [Figure("extraction: bench/extract.py failed", result.stderr.strip().splitlines()[-1][:80], met=False)]

    def grab(pattern: str) -> re.Match | None:
        return re.search(pattern, out)

    figures = []
    ours, theirs = grab(r"extract_article: ([\d.]+) ms/page"), grab(r"trafilatura: ([\d.]+) ms/page")
    right = grab(r"fields right[^:]*: (\d+)/(\d+)")
    ratio = grab(r"ratio: ([\d.]+)x faster \(goal: ([^)]*)\) -> (meets|misses)")
    if ours:
        figures.append(Figure(f"extraction: extract_article, {n_articles} replica articles", f"{ours[1]} ms/page"))
    if theirs:
        figures.append(Figure("extraction: trafilatura.bare_extraction, same pages", f"{theirs[1]} ms/page"))
    if right:
        figures.append(Figure("extraction: articles with every field right", f"{right[1]}/{right[2]}",
                              f"{right[2]}/{right[2]}", right[1] == right[2]))  # fmt: skip
    if ratio:
        figures.append(Figure("extraction: speed against trafilatura", f"{ratio[1]}x faster", ratio[2],
                              ratio[3] == "meets"))  # fmt: skip
    return figures or [Figure("extraction: bench/extract.py printed no figures", "—", met=False)]


def generic_figures() -> list[Figure]:
    """bench/generic.py's figures (the generic path on saved pages in other sites' markup), read from what it prints.

    The corpus is fixed (bench/pages/), so the figures are the same at full size and with --quick.
    """
    result = subprocess.run([sys.executable, str(BENCH / "generic.py")], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    out = result.stdout
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return [Figure("generic extraction: bench/generic.py failed", last[:80], met=False)]
    figures = []
    speed = re.search(r"generic path: (\d+) pages/s \(([\d.]+) ms/page\).* over the (\d+) article pages", out)
    if speed:
        figures.append(Figure(f"generic extraction: extract_page over {speed[3]} saved articles in other markups",
                              f"{speed[1]} pages/s ({speed[2]} ms/page)"))  # fmt: skip
    for label in ("articles found", "titles exact", "dates exact", "body starts exact", "body ends exact",
                  "bodies with boilerplate", "non-articles taken for articles"):  # fmt: skip
        found = re.search(rf"^{label}: (\d+/\d+)([^(\n]*)\(goal: ([^)]*)\) -> (meets|misses)", out, re.MULTILINE)
        if found:
            figures.append(Figure(f"generic extraction: {label}", (found[1] + found[2]).strip(), found[3],
                                  found[4] == "meets"))  # fmt: skip
    for label in ("categories exact", "pages that raised"):
        found = re.search(rf"^{label}: (\d+/\d+)", out, re.MULTILINE)
        if found:
            figures.append(Figure(f"generic extraction: {label}", found[1]))
    return figures or [Figure("generic extraction: bench/generic.py printed no figures", "—", met=False)]


def recrawl_figures(n_articles: int) -> list[Figure]:
    """bench/recrawl.py's figures (requests of an unchanged re-crawl, changes found), read from what it prints."""
    result = subprocess.run([sys.executable, str(BENCH / "recrawl.py"), "--articles", str(n_articles)], cwd=ROOT,
                            capture_output=True, text=True, timeout=3600)  # fmt: skip
    if result.returncode != 0:
        return [Figure("re-crawl: bench/recrawl.py failed", result.stderr.strip().splitlines()[-1][:80], met=False)]
    share = re.search(r"unchanged re-crawl: ([\d.]+%) .*-> (meets|misses)", result.stdout)
    found = re.search(r"changes found: (\d+)/(\d+) .*-> (meets|misses)", result.stdout)
    figures = []
    if share:
        figures.append(Figure(f"re-crawl: unchanged site, requests against the first crawl ({n_articles} articles)",
                              share[1], "<= 10%", share[2] == "meets"))  # fmt: skip
    if found:
        figures.append(Figure("re-crawl: changes found after 5% of the articles changed", f"{found[1]}/{found[2]}",
                              "all", found[3] == "meets"))  # fmt: skip
    return figures or [Figure("re-crawl: bench/recrawl.py printed no figures", "—", met=False)]


def refs_figures() -> list[Figure]:
    """bench/refs.py's figures (document references found in hand-written sentences, their cost), read from its output.

    The sentences are fixed (bench/refs/), so the figures are the same at full size and with --quick.
    """
    result = subprocess.run([sys.executable, str(BENCH / "refs.py")], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    out = result.stdout
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return [Figure("document references: bench/refs.py failed", last[:80], met=False)]
    figures = []
    sentences = re.search(r"^sentences: (\d+)", out, re.MULTILINE)
    where = f"{sentences[1]} hand-written sentences" if sentences else "hand-written sentences"
    for label in ("precision", "recall"):
        found = re.search(rf"^{label}: ([\d.]+) \((\d+/\d+)[^)]*\) \(goal: ([^)]*)\) -> (meets|misses)", out,
                          re.MULTILINE)  # fmt: skip
        if found:
            figures.append(Figure(f"document references: {label}, {where}", f"{found[1]} ({found[2]})", found[3],
                                  found[4] == "meets"))  # fmt: skip
    dates = re.search(r"^dates right: (\d+/\d+)", out, re.MULTILINE)
    if dates:
        figures.append(Figure("document references: dates right, of those the sentences date", dates[1]))
    speed = re.search(r"^find_refs: (\d+) µs/article .* over (\d+) replica articles "
                      r"\(goal: ([^)]*)\) -> (meets|misses)", out, re.MULTILINE)  # fmt: skip
    if speed:
        figures.append(Figure(f"document references: find_refs on a replica article ({speed[2]} articles)",
                              f"{speed[1]} µs", speed[3], speed[4] == "meets"))  # fmt: skip
    return figures or [Figure("document references: bench/refs.py printed no figures", "—", met=False)]


def main() -> None:
    """Run the chosen benchmarks and print their figures as one table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a check that everything runs")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset of " + ", ".join(BENCHMARKS))
    parser.add_argument("--concurrency", type=int, default=8, help="requests at a time in the crawls (default 8)")
    parser.add_argument("--search-db", type=Path, help="keep the search benchmark's archive here, reuse it next time")
    for name, value in FULL.items():
        parser.add_argument("--" + name.replace("_", "-"), type=int, help=f"(default {value}, quick {QUICK[name]})")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    sizes = dict(QUICK if args.quick else FULL)
    sizes.update({name: getattr(args, name) for name in FULL if getattr(args, name) is not None})

    figures: list[Figure] = []
    started = time.perf_counter()
    # search and reading share one synthetic archive of search_articles articles.
    scratch = tempfile.TemporaryDirectory(prefix="bench-run-")
    shared_db = args.search_db or Path(scratch.name) / "archive.db"
    for name in BENCHMARKS:
        if name not in chosen:
            continue
        print(f"bench: {name}…", file=sys.stderr, flush=True)
        if name == "crawl":
            figures += crawl.measure(sizes["crawl_articles"], args.concurrency, sizes["crawl_rounds"])
        elif name == "memory":
            figures += memory.measure(sizes["memory_pages"], args.concurrency)
        elif name == "search":
            figures += search.measure(sizes["search_articles"], db=shared_db)
        elif name == "reading":
            figures += reading.measure(sizes["search_articles"], db=shared_db)
        elif name == "reextract":
            figures += reextract.measure(sizes["reextract_articles"])
        elif name == "extract":
            figures += extraction_figures(sizes["extract_articles"])
        elif name == "generic":
            figures += generic_figures()
        elif name == "recrawl":
            figures += recrawl_figures(sizes["recrawl_articles"])
        elif name == "refs":
            figures += refs_figures()
    print(f"bench: done in {(time.perf_counter() - started) / 60:.1f} min", file=sys.stderr, flush=True)
    print_table(figures)


if __name__ == "__main__":
    main()
