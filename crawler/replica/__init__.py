"""A deterministic replica of cchc.laichau.gov.vn and a tiny HTTP server for it.

The live site cannot be reached, so tests, benchmarks and `cchc-archive demo` crawl this
instead. By default every page uses the markup of the site snapshot (templates in
`data/`): the three snapshot articles keep their real bodies, the rest are generated from
a vocabulary of real administrative-reform phrases. Each article's ground truth
(`ReplicaArticle`) says what an extractor must find in it, so a crawl of the replica can
be checked exactly. The same articles can be written in the markup of other Vietnamese
government portals (`MARKUPS`), each with a ground truth of its own.

Absolute self links are stored with the placeholder `__BASE__`; `ReplicaServer` replaces
it with its own URL, so a `Replica` is port-free. Attached `.pdf` and `.docx` files are
real documents generated from their article's text, each with a phrase found in no page;
every reference to a legal document in an article and its files is recorded as the
generator writes it, never read back from the text. Every 200 response has an `ETag` and a
`Last-Modified`, and `Replica.revise`, `remove` and `add_articles` change a built site the
way its editors do, for re-crawl tests.

Where things are:

- `site`: the site's sections, categories, asset paths and constants; the data files.
- `text`: slugs, the site's dates, windows-1258, escaping and small shared text pieces.
- `resources`: `Resource`, one served URL with its validators (ETag, 304), redirects.
- `files`: placeholder files and the real PDF and DOCX makers (`make_pdf`, `make_docx`).
- `model`: `Replica` (every URL, the ground truth, the editors' changes), `ReplicaArticle`.
- `drafts`: `_Draft` and `_Block`, an article as the generator sees it.
- `vocabulary`: vocabulary templates filled, and the citations they make (`_Slots`).
- `attachments`, `documents`: attached files and the `/van-ban-cchc` documents: their
  text, their bytes and their ground truth.
- `planning`, `bodies`, `pages`: who the articles are, their bodies, their HTML pages.
- `builder`: `build_replica` and `_Builder`, which ties the three together.
- `markups`: one module per site template (snapshot, portal, html5, table, wordpress).
- `server`: `ReplicaServer` and `main`.
- `hostile`: the replica plus every way a real server misbehaves.

    python -m crawler.replica --port 8000 --articles 300 [--markup portal]
"""

from __future__ import annotations

from crawler.replica.builder import build_replica
from crawler.replica.files import FILE_EPOCH, _make_docx, _make_pdf, font_path, make_docx, make_pdf
from crawler.replica.markups import MARKUPS
from crawler.replica.markups.snapshot import _breadcrumb
from crawler.replica.model import Replica, ReplicaArticle
from crawler.replica.planning import seed_text_paragraphs
from crawler.replica.resources import Resource, _redirect
from crawler.replica.server import ReplicaServer, _Handler, main
from crawler.replica.site import (
    BASE,
    CATEGORIES,
    DATA_DIR,
    HOME_TITLE,
    HTML_UTF8,
    JUSTIFY,
    NO_IMAGE,
    PAGE_SIZE,
    SECTIONS,
    VIETNAM,
)
from crawler.replica.text import ascii_slug, format_site_date, parse_site_date, to_cp1258

__all__ = [
    "BASE",
    "CATEGORIES",
    "DATA_DIR",
    "FILE_EPOCH",
    "HOME_TITLE",
    "HTML_UTF8",
    "JUSTIFY",
    "MARKUPS",
    "NO_IMAGE",
    "PAGE_SIZE",
    "SECTIONS",
    "VIETNAM",
    "Replica",
    "ReplicaArticle",
    "ReplicaServer",
    "Resource",
    "_Handler",
    "_breadcrumb",
    "_make_docx",
    "_make_pdf",
    "_redirect",
    "ascii_slug",
    "build_replica",
    "font_path",
    "format_site_date",
    "main",
    "make_docx",
    "make_pdf",
    "parse_site_date",
    "seed_text_paragraphs",
    "to_cp1258",
]
