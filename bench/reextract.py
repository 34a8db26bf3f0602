"""Re-extraction: pages per second of `extract_page` over saved pages, on one core.

Every HTML page of a replica (articles, print views, listings, documents, static pages)
is saved to a folder first, with its Content-Type beside it, as a crawl that keeps raw
pages would; then each is read back and extracted, in one process pinned to one CPU.
The best of `--rounds` passes counts.

    .venv/bin/python bench/reextract.py [--articles 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchlib import Figure, one_core, print_table, thousands

BASE = "https://cchc.laichau.gov.vn"


def save_pages(folder: Path, n_articles: int) -> int:
    """Save every HTML page of an `n_articles` replica into `folder`; how many were saved."""
    from crawler.replica import build_replica

    replica = build_replica(n_articles)
    index = {}
    for number, (path, resource) in enumerate(sorted(replica.resources.items())):
        content_type = resource.headers.get("Content-Type", "")
        if resource.status != 200 or "text/html" not in content_type:
            continue
        name = f"{number:06d}.html"
        (folder / name).write_bytes(resource.with_base(BASE).body)
        index[name] = {"url": BASE + path, "content_type": content_type}
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return len(index)


def extract_all(folder: Path) -> tuple[int, int, float]:
    """Read and extract every saved page once: (pages, articles found, seconds)."""
    from crawler.extraction.extract import extract_page

    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    articles = 0
    started = time.perf_counter()
    for name, meta in index.items():
        page = extract_page((folder / name).read_bytes(), meta["url"], content_type=meta["content_type"])
        articles += page.article is not None
    return len(index), articles, time.perf_counter() - started


def measure(n_articles: int = 1000, rounds: int = 3, verbose: bool = True) -> list[Figure]:
    """Save the pages, then time `rounds` passes of extraction on one core; the best pass counts."""
    import crawler.extraction.extract  # noqa: F401  (imported before timing: its import is no part of extraction)

    with tempfile.TemporaryDirectory(prefix="bench-reextract-") as folder:
        saved = save_pages(Path(folder), n_articles)
        with one_core() as cpu:
            passes = [extract_all(Path(folder)) for _ in range(rounds)]
    pages, articles, seconds = min(passes, key=lambda p: p[2])
    if verbose:
        print(f"  re-extraction: {pages} pages ({articles} articles) in {seconds:.2f} s on CPU {cpu}, "
              f"passes {', '.join(f'{p[2]:.2f}' for p in passes)} s", file=sys.stderr, flush=True)  # fmt: skip
    assert pages == saved
    return [
        Figure(f"re-extraction: extract_page over {thousands(pages)} saved pages, one core",
               f"{pages / seconds:.0f} pages/s ({seconds / pages * 1000:.2f} ms/page)"),
    ]  # fmt: skip


def main() -> None:
    """Measure and print the figure."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="articles of the replica (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages; the best counts (default 3)")
    args = parser.parse_args()
    print_table(measure(args.articles, args.rounds))


if __name__ == "__main__":
    main()
