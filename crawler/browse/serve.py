"""Datasette on the archive, configured for research: `cchc-archive serve`.

The configuration is data, shipped in the package: `crawler/browse/datasette/metadata.yml` (title,
source, the note on origin and use, descriptions of every table and column, the articles
table's sort and facets, the stored queries, the dashboard of datasette-dashboards),
`crawler/browse/datasette/static/` (a style sheet) and `crawler/browse/datasette/templates/` (an
article's page laid out top to bottom). This module loads it and is also the Datasette
plugin of the project, registered by `make_datasette()`:

- `cchc_snippet(text, query)`, an SQL function: the words of `query` marked in `text` as
  `cchc-archive search` marks them (words typed without diacritics in every form, with
  them as written). FTS5's own snippet() cannot do that here: a query without diacritics
  matches only the folded copy of the text.
- `cchc_legal_number(text)`, an SQL function: a document number in any written form
  (`107/2020/ND-CP`, `2524 kh ubnd`) as `legal_refs.number` holds it, for stored queries.
- articles.body_html is shown as HTML, cleaned again with nh3, on an article's own page;
  in the table it stays truncated text, or every page would carry 50 full articles.
- articles.url carries a link to the article's related and latest links (a stored query).
- Nothing can write: requests other than GET and HEAD are answered 405 before Datasette
  sees them (0.65 has no write API, but answers some POSTs with a 500), SQL is Datasette's
  select-only SQL on its read-only connection, and the permissions that later Datasettes
  check before a write are denied.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import quote

import markupsafe
import nh3
import yaml
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm
from datasette.utils import is_url, tilde_encode

from crawler.archive.references import query_number
from crawler.archive.storage import Archive
from crawler.text import nfc

__all__ = ["CONFIG_DIR", "ServeError", "load_metadata", "make_datasette", "serve"]

CONFIG_DIR = Path(__file__).with_name("datasette")
METADATA_FILE = CONFIG_DIR / "metadata.yml"
STATIC_MOUNT = "cchc-static"
# The key of the database in metadata.yml, refiled under the served database's name.
TEMPLATE_DATABASE = "archive"
SETTINGS = {
    # Long texts (body_text, body_html, search_folded) cut short in tables; full on a row's page.
    "truncate_cells_html": 300,
    # Ranked search and the statistics queries scan the whole archive; give them time.
    "sql_time_limit_ms": 3000,
    # The configured facets (category, year) are the useful ones; suggesting others costs
    # a query per column on every table page, and offers breadcrumb and fetch times.
    "suggest_facets": False,
}
# Permissions Datasette 1.x checks before a write; 0.65 knows none of them.
WRITE_ACTIONS = frozenset(
    {"insert-row", "delete-row", "update-row", "create-table", "alter-table", "drop-table"}
)

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]


class ServeError(Exception):
    """Datasette cannot be started; the message is one line meant for the user."""


# --- configuration -----------------------------------------------------------------


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives the database of this file: its stem."""
    return Path(db_path).stem


def _substitute(value: Any, replacements: dict[str, str]) -> Any:
    """`value` with each placeholder of `replacements` replaced in every string it holds."""
    if isinstance(value, str):
        for placeholder, replacement in replacements.items():
            value = value.replace(placeholder, replacement)
        return value
    if isinstance(value, list):
        return [_substitute(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, replacements) for key, item in value.items()}
    return value


def load_metadata(database: str) -> dict:
    """The project's Datasette metadata, for the database named `database`."""
    metadata = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    metadata = _substitute(metadata, {"{db_route}": tilde_encode(database)})
    metadata["databases"] = {database: metadata["databases"].pop(TEMPLATE_DATABASE)}
    for dashboard in metadata["plugins"]["datasette-dashboards"].values():
        for part in [*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()]:
            if part.get("db") == TEMPLATE_DATABASE:
                part["db"] = database
    return metadata


# The project's Datasette plugins: this module, and one module per part of the reading room.
PLUGIN_MODULES: tuple[str, ...] = (__name__, "crawler.browse.captures", "crawler.browse.reading", "crawler.browse.searching")


def _register_plugin() -> None:
    """Make the project's plugin modules Datasette plugins (once per process)."""
    import importlib

    for name in PLUGIN_MODULES:
        module = importlib.import_module(name)
        if not pm.is_registered(module):
            pm.register(module, name="cchc-archive" if name == __name__ else name.rsplit(".", 1)[-1])


def make_datasette(db_path: str | Path, warc_dir: str | Path | None = None) -> Datasette:
    """A Datasette on the archive at `db_path`, with the project's metadata and plugin.

    `warc_dir`: the folder of the WARC captures, when not `archive/warc` beside the database.
    """
    _register_plugin()
    # Datasette prints a traceback with every local variable for each 404 or malformed
    # search when `rich` is importable (it is, through py-wacz); the page already tells the
    # reader what went wrong in one line. Server errors still print their traceback.
    import datasette.handle_exception as datasette_errors  # after datasette.app: it imports the plugins

    datasette_errors.rich = None
    metadata = load_metadata(database_name(db_path))
    if warc_dir:
        # Resolved now: the captures are read relative to where the command was run (crawler.browse.captures).
        metadata["plugins"]["cchc-archive"]["warc_dir"] = str(Path(warc_dir).resolve())
    return Datasette(
        [str(db_path)],
        metadata=metadata,
        settings=SETTINGS,
        static_mounts=[(STATIC_MOUNT, str(CONFIG_DIR / "static"))],
        template_dir=str(CONFIG_DIR / "templates"),
    )


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a one-line ServeError (port taken, unknown host)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as error:
        # create_server() appends the address to strerror; the errno's own text is enough.
        if isinstance(error, socket.gaierror) or not error.errno:
            reason = error.strerror or str(error)
        else:
            reason = os.strerror(error.errno)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, warc_dir: str | Path | None = None) -> None:
    """Serve the archive with Datasette until interrupted (port 0 picks a free port); `warc_dir` as make_datasette's."""
    import uvicorn  # a dependency of Datasette; needed only here

    # Opening the archive checks it exists and brings an older one's schema up to date
    # (the year column), before Datasette opens it read-only.
    with Archive(db_path, must_exist=True):
        pass
    datasette = make_datasette(db_path, warc_dir=warc_dir)
    # Bound here, so a taken port is one clear line and port 0 tells its real number.
    sock = _listen(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    url_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    print(f"Serving {db_path} at http://{url_host}:{bound_port}/  (Ctrl+C to stop)", flush=True)
    config = uvicorn.Config(datasette.app(), log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


# --- the plugin --------------------------------------------------------------------

# The path of the request being answered: render_cell has no request argument in 0.65,
# and body_html is rendered on an article's own page only.
_request_path: ContextVar[str] = ContextVar("cchc_request_path", default="")


def _is_row_page(database: str, table: str) -> bool:
    """True while answering /<database>/<table>/<primary key> (not .json, not the table)."""
    parts = _request_path.get().strip("/").split("/")
    return len(parts) == 3 and parts[1] == tilde_encode(table) and "." not in parts[2]


READ_METHODS = frozenset({"GET", "HEAD"})


async def _refuse(send: Callable) -> None:
    """Answer 405: this server only reads."""
    body = b"This archive is read-only: only GET and HEAD requests are served.\n"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD"),
               (b"content-length", str(len(body)).encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": 405, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable[[ASGIApp], ASGIApp]:
    """Refuse every request but GET and HEAD; note the path where render_cell can see it."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def read_only(scope: dict, receive: Callable, send: Callable) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            # Only the project's Datasette is guarded; any other in this process is left alone.
            if scope["method"] not in READ_METHODS and datasette.plugin_config("cchc-archive") is not None:
                await _refuse(send)
                return
            token = _request_path.set(scope.get("path", ""))
            try:
                await app(scope, receive, send)
            finally:
                _request_path.reset(token)

        return read_only

    return wrap


def _links_query(datasette: Datasette, database: str | None) -> str | None:
    """The stored query listing an article's links, if `database` is served by this project."""
    config = datasette.plugin_config("cchc-archive", database=database) if database else None
    return (config or {}).get("links_query")


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Datasette
) -> markupsafe.Markup | None:
    """body_html as HTML on an article's page; links to related links and archived rows."""
    links_query = _links_query(datasette, database)
    if links_query is None:  # another Datasette in this process: not ours to render
        return None
    if table == "articles" and column == "body_html" and isinstance(value, str):
        if not _is_row_page(database, table):
            return None  # the default: truncated text
        # Cleaned at crawl time already; cleaned again as it reaches a browser.
        return markupsafe.Markup('<div class="cchc-article-body">{}</div>').format(
            markupsafe.Markup(nh3.clean(value))
        )
    if table == "articles" and column == "url" and isinstance(value, str) and is_url(value):
        links = datasette.urls.database(database) + f"/{links_query}?url=" + quote(value, safe="")
        return markupsafe.Markup(
            '<a href="{}">{}</a><br><a class="cchc-links" href="{}">related and latest links →</a>'
        ).format(value, value, links)
    if table is None and column == "article_id" and isinstance(value, int):
        # In stored queries: the archived article's own page.
        row_url = datasette.urls.table(database, "articles") + f"/{value}"
        return markupsafe.Markup('<a href="{}">{}</a>').format(row_url, value)
    return None


@hookimpl
def prepare_connection(conn: Any) -> None:
    """Register cchc_snippet(text, query) and cchc_legal_number(text) on every connection Datasette opens."""
    conn.create_function("cchc_snippet", 2, Archive.snippet, deterministic=True)
    conn.create_function("cchc_legal_number", 1, _legal_number, deterministic=True)


def _legal_number(written: str | None) -> str | None:
    """A document number in any written form, normalised as `legal_refs.number` holds it."""
    return query_number(nfc(written)) if written else None


@hookimpl
def permission_allowed(action: str) -> bool | None:
    """Deny every write permission; leave the rest (reading, SQL) to Datasette's defaults."""
    return False if action in WRITE_ACTIONS else None
