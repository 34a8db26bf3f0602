"""cchc-archive: a research archive of the Lai Châu administrative-reform portal.

The package, layer by layer (README, "Architecture"):

- `crawler.extraction`: a page's HTML and URL to an article, a document or nothing; pure
  functions (`extract_article`), the site's markup as data (profiles), legal references.
- `crawler.archive`: the SQLite archive (`Archive`), its WARC captures and their index,
  exports and `reparse` (a new archive from the captures alone).
- `crawler.crawl`: the Scrapy wiring around the `cchc` spider (`spiders/cchc.py`):
  pipelines, middlewares, the frontier, progress, `run_crawl`.
- `crawler.browse`: Datasette over the archive: the reading room, search, captures.
- `crawler.replica`: offline replicas of the site for `demo`, tests and benchmarks; the
  product never imports it.
- `crawler.text`, `crawler.urls`, `crawler.dates`: the vocabulary every layer shares;
  `crawler.settings` the Scrapy project settings; `crawler.cli` the `cchc-archive` command.

The public API is importable from here, each name loading only its own layer:

    from crawler import extract_article, Archive, run_crawl, reparse
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# name -> the module that defines it; imported on first use, so that `import crawler`
# loads neither Scrapy nor Datasette.
_PUBLIC = {
    "extract_article": "crawler.extraction.extract",
    "Archive": "crawler.archive.storage",
    "run_crawl": "crawler.crawl.runner",
    "reparse": "crawler.archive.reparse",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'crawler' has no attribute {name!r}")
