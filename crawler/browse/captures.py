"""The reading room's captures: what the server sent, read back from the WARC files.

A Datasette plugin (registered by crawler.browse.serve) with two routes:

- `/-/capture?url=<original URL>`: the archived payload of the newest capture of that
  URL with status 200, with the server's own Content-Type; `&download=1` adds a
  Content-Disposition with the file's name. Article pages show their images and offer
  their attached files through it, so the archive needs no help from the site.
- `/-/archived?url=<original URL>`: the page as the server sent it, decoded by its
  charset, under a banner naming its source and capture date, with nothing executed and
  nothing loaded from outside the archive: scripts, event handlers, `javascript:` URLs,
  `<base>`, frames and objects are removed, a Content-Security-Policy forbids the rest,
  and every address the page names leads into the archive (`/-/archived` for pages,
  `/-/capture` for archived files; anything not archived to a one-line "not archived").

A capture is found by its `pages` row (`warc_file`, `warc_offset`: one record read, no
scan). A `revisit` record holds no payload: the payload is in the earlier record with the
same digest, found by bisecting the folder's sorted CDXJ index (`index.cdxj`, written by
every crawl), as is an older capture when the newest fetch of a URL was no 200.

The WARC folder is `archive/warc` beside the database (as the crawl writes it), or
`warc_dir` in the plugin configuration of `cchc-archive` (`cchc-archive serve --warc-dir`).

Reading the captures is crawler.browse.capture_store; rewriting a page "as archived",
crawler.browse.archived_page. This module holds the routes and the `pages` rows they look up.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response

from crawler.urls import canonicalize_url
# Reading captures and rewriting pages live beside this module; what other code imported
# from here before the split (links, payloads, the index lookup) is still importable here.
from crawler.browse.archived_page import (
    ARCHIVED_PATH, CAPTURE_PATH, FILE_TYPES, addresses, archived_html, archived_link, banner, capture_link, defuse,
    page_base, parse_page,
)  # fmt: skip
from crawler.browse.capture_store import (
    SERVED_STATUSES, Payload, Unavailable, index_lines, payload_of, read_record, warc_folder,
)  # fmt: skip

__all__ = [
    "CAPTURE_PATH", "ARCHIVED_PATH", "CSP", "Unavailable", "capture_link", "archived_link",
    # Re-exported from the modules split off this one.
    "FILE_TYPES", "SERVED_STATUSES", "Payload", "archived_html", "banner", "defuse", "index_lines", "page_base",
    "parse_page", "payload_of", "read_record", "warc_folder",
]  # fmt: skip

# What an archived page may do in a browser: show itself, with the archive's images and styles.
CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; "
       "frame-ancestors 'self'; form-action 'none'; base-uri 'none'")  # fmt: skip
# A raw capture opened on its own (an HTML page, an SVG image) is sandboxed as well: no script,
# no access to the archive's origin. Not a PDF: browsers refuse to show one in a sandbox.
SANDBOXED_CSP = "sandbox; " + CSP
REDIRECT_HOPS = 10  # as the crawl's REDIRECT_MAX_TIMES
IN_CLAUSE = 500  # addresses looked up per query when a page's links are classified
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._()\- ]+")

_PAGE_COLUMNS = ("url", "status", "page_type", "error", "redirect_to", "canonical_url", "warc_file", "warc_offset",
                 "warc_record_type", "payload_digest", "captured")  # fmt: skip


# --- the archive's rows ------------------------------------------------------------------


def _database(datasette):
    """The archive Datasette serves: its first database on a file."""
    for name, database in datasette.databases.items():
        if not database.is_memory and not name.startswith("_"):
            return database
    raise Unavailable(503, "No archive is served")


async def _page_row(database, url: str) -> dict | None:
    """The `pages` row of `url` as given, or as the crawl writes it (canonical)."""
    candidates = list(dict.fromkeys(filter(None, (url, canonicalize_url(url)))))
    marks = ", ".join("?" for _ in candidates)
    result = await database.execute(
        f"SELECT {', '.join(_PAGE_COLUMNS)} FROM pages WHERE url IN ({marks})", candidates
    )
    rows = {row["url"]: dict(zip(_PAGE_COLUMNS, row)) for row in result.rows}
    return next((rows[candidate] for candidate in candidates if candidate in rows), None)


def _redirect_target(row: dict | None) -> str | None:
    """Where a redirect the crawl followed leads (not a loop, nor off the site: those carry an error)."""
    if row and row.get("page_type") == "redirect" and row.get("redirect_to") and not row.get("error"):
        return row["redirect_to"]
    return None


async def _rows_of(database, urls: list[str]) -> dict[str, dict]:
    """`page_type` and `status` of each of `urls` the archive knows."""
    rows: dict[str, dict] = {}
    for start in range(0, len(urls), IN_CLAUSE):
        chunk = urls[start:start + IN_CLAUSE]
        result = await database.execute(
            f"SELECT url, page_type, status FROM pages WHERE url IN ({', '.join('?' for _ in chunk)})", chunk
        )
        rows.update({row[0]: {"page_type": row[1], "status": row[2]} for row in result.rows})
    return rows


async def _article_link(datasette, database, row: dict | None, url: str) -> str | None:
    """The archive's page of the article at `url` (or at its canonical address), if it holds one."""
    candidates = [u for u in dict.fromkeys((url, (row or {}).get("canonical_url"))) if u]
    result = await database.execute(
        f"SELECT id FROM articles WHERE url IN ({', '.join('?' for _ in candidates)}) LIMIT 1", candidates
    )
    found = result.first()
    return f"{datasette.urls.table(database.name, 'articles')}/{found[0]}" if found else None


# --- the routes ----------------------------------------------------------------------------


def _message(error: Unavailable) -> Response:
    return Response.text(error.message.splitlines()[0] + "\n", status=error.status)


def _filename(url: str) -> str:
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1], errors="replace")
    return name.replace("\\", "_").replace("/", "_") or "download"


def content_disposition(url: str) -> str:
    """`attachment` with the file's name: an ASCII one for old clients, the UTF-8 one (RFC 6266) for the rest."""
    name = _filename(url)
    letters = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = _UNSAFE_FILENAME.sub("_", "".join(c for c in letters if not unicodedata.combining(c))).strip()
    return f"attachment; filename=\"{plain or 'download'}\"; filename*=UTF-8''{quote(name, safe='')}"


async def _find(datasette, request) -> tuple[object, dict | None, str]:
    url = (request.args.get("url") or "").strip()
    if not url:
        raise Unavailable(400, "Give the original address: ?url=https://…")
    database = _database(datasette)
    row = await _page_row(database, url)
    # The archive files each capture under its canonical address (as the crawl requested it).
    return database, row, (row or {}).get("url") or canonicalize_url(url) or url


async def capture(request, datasette) -> Response:
    """`/-/capture?url=…[&download=1]`: the archived payload of the URL, as the server typed it."""
    try:
        database, row, url = await _find(datasette, request)
        for _ in range(REDIRECT_HOPS):
            target = _redirect_target(row)
            if target is None:
                break
            url, row = target, await _page_row(database, target)
        folder = warc_folder(datasette, database.path)
        payload = await asyncio.to_thread(payload_of, folder, row, url)
    except Unavailable as error:
        return _message(error)
    content_type = payload.content_type
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    if content_type.split(";")[0].strip().lower() != "application/pdf":
        headers["Content-Security-Policy"] = SANDBOXED_CSP
    if request.args.get("download") not in (None, "", "0"):
        headers["Content-Disposition"] = content_disposition(url)
    return Response(payload.body, status=200, headers=headers, content_type=content_type)


async def archived(request, datasette) -> Response:
    """`/-/archived?url=…`: the page as the server sent it, defused, under the archive's banner."""
    try:
        database, row, url = await _find(datasette, request)
        target = _redirect_target(row)
        if target is not None:
            return Response.redirect(archived_link(target))
        if row and row.get("page_type") in FILE_TYPES:
            return Response.redirect(capture_link(url))
        payload = await asyncio.to_thread(payload_of, warc_folder(datasette, database.path), row, url)
        if not _is_page(payload):
            return Response.redirect(capture_link(url))
        root = await asyncio.to_thread(parse_page, payload)
        rows = await _rows_of(database, addresses(root, page_base(root, url)))
        article_link = await _article_link(datasette, database, row, url)
        html = await asyncio.to_thread(archived_html, payload, rows, article_link, root)
    except Unavailable as error:
        return _message(error)
    headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    return Response.html(html, headers=headers)


def _is_page(payload: Payload) -> bool:
    declared = payload.content_type.split(";")[0].strip().lower()
    if declared in ("text/html", "application/xhtml+xml"):
        return True
    head = payload.body[:1024].lstrip().lower()
    return declared in ("", "application/octet-stream", "text/plain") and head.startswith((b"<!doctype html", b"<html"))


@hookimpl
def register_routes(datasette):
    """The two routes of the captures, on the project's Datasette only."""
    if datasette.plugin_config("cchc-archive") is None:
        return []
    return [(r"^/-/capture$", capture), (r"^/-/archived$", archived)]
