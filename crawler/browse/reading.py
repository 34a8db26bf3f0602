"""The reading room: an archived article reads as an article, and the tables fit a screen.

A Datasette plugin of `cchc-archive serve`, registered by crawler/browse/serve.py (PLUGIN_MODULES).
Every hook acts on the project's own Datasette only (the one whose metadata configures the
`cchc-archive` plugin); another Datasette in the same process is left as it is.

- An article's page (`/<db>/articles/<id>`, templates/row.html): the title as the heading,
  the date as the site prints it and in ISO, the category and breadcrumb as filters of the
  articles table, the body once (cleaned with nh3; images from the archive, through
  `/-/capture`), images, attachments (their text's opening, or why there is none), related
  articles, the latest-news box as it stood, the articles citing it, the legal references
  it makes, its revisions with a diff, and how to cite it.
- The articles table shows its reading columns by default (`ARTICLE_COLUMNS`, in HTML,
  JSON and CSV alike); the others stay one `_col=` away, or all but some with `_nocol=`.
  Its HTML adds the number of each article's attachments (templates/_table.html).
- CSV opens in a spreadsheet with its Vietnamese intact: a UTF-8 byte order mark first.
- The dashboard gives every category one colour whatever the filter: the colour scale's
  domain is the archive's categories, read when the server starts.
- The front page lists the articles table first (templates/index.html).

This module holds the hooks; what they use is beside it: crawler.browse.article_page (the
article's page), crawler.browse.tables (default columns, attachment counts, CSV) and
crawler.browse.revisions (revision diffs).
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import markupsafe
from datasette import hookimpl
from datasette.app import Datasette

# What other code imported from here before the split is still importable here.
from crawler.browse.article_page import article_page, capture_url, citation, rewrite_images, site_name
from crawler.browse.revisions import revision_diff
from crawler.browse.tables import (
    ARTICLE_COLUMNS, CSV_BOM, articles_path, attachment_counts, is_csv, with_bom, with_default_columns,
)  # fmt: skip

__all__ = [
    "ARTICLE_COLUMNS", "CATEGORY_COLOURS", "citation", "revision_diff", "rewrite_images",
    # Re-exported from the modules split off this one.
    "CSV_BOM", "article_page", "capture_url", "site_name", "with_default_columns",
]  # fmt: skip

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]

# One colour per category, in the order of the sorted categories (Tableau 20: the first
# ten are the strong ones, so an archive of a few categories gets those).
CATEGORY_COLOURS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
NO_CATEGORY = "(none)"  # what the dashboard's queries call an article without a category


def _ours(datasette: Datasette) -> bool:
    """True for the project's Datasette (its metadata configures the cchc-archive plugin)."""
    return datasette.plugin_config("cchc-archive") is not None


@hookimpl
def extra_template_vars(
    view_name: str, table: str | None, database: str | None, request: Any, datasette: Datasette
) -> Callable[[], Awaitable[dict]] | dict:
    """The article for its page; attachment counts for the articles table; the front page's first table."""
    if request is None or not _ours(datasette):
        return {}
    if view_name == "row" and table == "articles" and database:
        pks = request.url_vars.get("pks", "")

        async def article() -> dict:
            if not pks.isdigit():
                return {}
            return {"cchc_article": await article_page(datasette, database, int(pks))}

        return article
    if view_name == "table" and table == "articles" and database:

        def counts(rows: list) -> Awaitable[dict[str, int]]:
            return attachment_counts(datasette, database, rows)

        return {"cchc_attachment_counts": counts}
    if view_name == "index":

        async def first_tables() -> dict:
            holding = [name for name, db in datasette.databases.items() if await db.table_exists("articles")]
            return {"cchc_articles_first": holding}

        return first_tables
    return {}


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, row: Any, datasette: Datasette) -> Any:
    """In the articles table, the title links to the article's page and the date is a day."""
    if table != "articles" or column not in ("title", "published") or not isinstance(value, str):
        return None
    if not _ours(datasette):
        return None
    if column == "published":
        # The day is what one scans a list by; the time and zone stay in the title and the JSON.
        if len(value) < 10 or value[4:5] != "-":
            return None
        return markupsafe.Markup('<time datetime="{}" title="{}">{}</time>').format(value, value, value[:10])
    try:
        row_id = row["id"]
    except (IndexError, KeyError):
        return None
    href = datasette.urls.table(database, "articles") + f"/{row_id}"
    return markupsafe.Markup('<a class="cchc-title" href="{}">{}</a>').format(href, value)


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable[[ASGIApp], ASGIApp]:
    """The articles table's default columns; a byte order mark on CSV."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def reading_room(scope: dict, receive: Callable, send: Callable) -> None:
            if scope["type"] != "http" or scope.get("method") != "GET" or not _ours(datasette):
                await app(scope, receive, send)
                return
            if articles_path(datasette, scope["path"]):
                scope = {**scope, "query_string": with_default_columns(scope.get("query_string", b""))}
            if is_csv(scope):
                # Excel reads a CSV without one as the local code page, and mangles every diacritic.
                send = with_bom(send)
            await app(scope, receive, send)

        return reading_room

    return wrap


# --- the dashboard -----------------------------------------------------------------------

# The colour scales of each project Datasette's dashboard, set at startup (see get_metadata).
_colour_scales: weakref.WeakKeyDictionary[Datasette, dict] = weakref.WeakKeyDictionary()


def colour_scale(categories: list[str]) -> dict:
    """A Vega-Lite scale giving each category its colour, whichever of them a chart shows."""
    domain = sorted(set(categories))
    return {"domain": domain, "range": [CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i in range(len(domain))]}


@hookimpl
def startup(datasette: Datasette) -> Callable[[], Awaitable[None]]:
    """Fix the dashboard's colours to the archive's categories."""

    async def inner() -> None:
        if not _ours(datasette):
            return
        dashboards = datasette.plugin_config("datasette-dashboards") or {}
        overlay: dict = {}
        for slug, dashboard in dashboards.items():
            for name, chart in (dashboard.get("charts") or {}).items():
                color = ((chart.get("display") or {}).get("encoding") or {}).get("color") or {}
                if color.get("field") != "category" or chart.get("db") not in datasette.databases:
                    continue
                results = await datasette.get_database(chart["db"]).execute(
                    f"SELECT DISTINCT coalesce(category, '{NO_CATEGORY}') FROM articles"
                )
                scale = colour_scale([row[0] for row in results.rows])
                charts = overlay.setdefault(slug, {}).setdefault("charts", {})
                charts[name] = {"display": {"encoding": {"color": {"scale": scale}}}}
        _colour_scales[datasette] = overlay

    return inner


@hookimpl
def get_metadata(datasette: Datasette) -> dict:
    """The dashboard's colour scales, merged under metadata.yml's charts.

    Datasette 0.65 merges what this hook returns with the metadata it was given, which takes
    precedence; the scales are the one part metadata.yml cannot hold, as categories vary by
    site. A fresh copy each time: Datasette merges into the dict it is given.
    """
    overlay = _colour_scales.get(datasette)
    if not overlay:
        return {}
    return {"plugins": {"datasette-dashboards": json.loads(json.dumps(overlay))}}
