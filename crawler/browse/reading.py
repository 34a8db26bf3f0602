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
"""

from __future__ import annotations

import difflib
import json
import weakref
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import markupsafe
import nh3
from datasette import hookimpl
from datasette.app import Datasette
from datasette.utils import format_bytes, tilde_encode

from crawler.extraction.profile import default_profile

__all__ = ["ARTICLE_COLUMNS", "CATEGORY_COLOURS", "citation", "revision_diff", "rewrite_images"]

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]

# What the articles table shows unless a request names its columns (`_col` or `_nocol`):
# enough to choose an article; its text, HTML, folded copy and hash are on its own page.
ARTICLE_COLUMNS = ("title", "published", "category", "word_count")
# An attachment's text, as much as tells what the file is.
EXCERPT_CHARS = 300
CSV_BOM = "\ufeff".encode()
# One colour per category, in the order of the sorted categories (Tableau 20: the first
# ten are the strong ones, so an archive of a few categories gets those).
CATEGORY_COLOURS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
# How an article cites another: the link's kind (links.kind), in words.
CITING_KINDS = {"related": "lists it as related", "body": "links to it in its text"}
# Where in an article a legal reference was found (legal_refs.field), in words.
REFERENCE_FIELDS = {"title": "the title", "body_text": "the text", "attachment_text": "the attached files"}
NO_CATEGORY = "(none)"  # what the dashboard's queries call an article without a category


def _ours(datasette: Datasette) -> bool:
    """True for the project's Datasette (its metadata configures the cchc-archive plugin)."""
    return datasette.plugin_config("cchc-archive") is not None


# --- text ----------------------------------------------------------------------------


def revision_diff(previous: str | None, current: str | None, from_label: str, to_label: str) -> list[str]:
    """The unified diff of two versions of an article's text, a line per paragraph."""
    return list(
        difflib.unified_diff(
            (previous or "").splitlines(), (current or "").splitlines(), from_label, to_label, lineterm=""
        )
    )


def capture_url(datasette: Datasette, url: str, download: bool = False) -> str:
    """The archived payload of `url`, served by `/-/capture` (crawler/browse/captures.py)."""
    return datasette.urls.path("/-/capture?url=" + quote(url, safe="") + ("&download=1" if download else ""))


def rewrite_images(html: str, base_url: str, to_archive: Callable[[str], str]) -> str:
    """`html` cleaned with nh3, every image's src pointing into the archive (`to_archive`).

    The article's own images are archived with it; loading them from the live site would show
    what the site serves today, or nothing once it is gone, and tell it who reads the archive.
    """

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            if not value.strip():
                return None  # it would resolve to the article's own address
            src = urljoin(base_url, value.strip())
            return to_archive(src) if urlsplit(src).scheme in ("http", "https") else None
        return value

    return nh3.clean(html, attribute_filter=filter_attribute)


def site_name(url: str) -> str:
    """The name of the site an article belongs to: the profile's, else the URL's host."""
    profile = default_profile()
    host = urlsplit(url).netloc
    if profile.name and profile.home and urlsplit(profile.home).netloc == host:
        return profile.name
    return host


def citation(title: str | None, url: str, published: str | None, archived: str | None) -> str:
    """How to cite an archived article, in one line.

    `"Title." Site name, 24/09/2021. URL (archived 2026-11-30).`: the date of publication as
    the site writes dates (day/month/year), the date of archiving as an ISO date.
    """
    title = (title or "").strip() or "Untitled"
    end = "" if title[-1] in ".?!…" else "."
    if published and published[:10].count("-") == 2:
        year, month, day = published[:10].split("-")
        date = f"{day}/{month}/{year}"
    else:
        date = "n.d."
    line = f'"{title}{end}" {site_name(url)}, {date}{"" if date.endswith(".") else "."} {url}'
    return line + (f" (archived {archived[:10]})." if archived else ".")


# --- the article's page ----------------------------------------------------------------


def _diff_kind(line: str) -> str:
    """What a line of a unified diff is, for its colour: file, hunk, added, removed or same."""
    if line.startswith(("+++", "---")):
        return "file"
    return {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")


async def _rows(db: Any, sql: str, params: dict) -> list[dict]:
    """The rows of a read-only query, as dicts."""
    results = await db.execute(sql, params)
    return [dict(row) for row in results.rows]


def _published_day(published: str | None) -> str:
    """The date part of an ISO date and time, for lists."""
    return (published or "")[:10]


async def article_page(datasette: Datasette, database: str, article_id: int) -> dict | None:
    """Everything the article's page shows, read from the archive; None if there is no such article."""
    db = datasette.get_database(database)
    found = await _rows(db, "SELECT * FROM articles WHERE id = :id", {"id": article_id})
    if not found:
        return None
    article = found[0]
    url = article["url"]
    table = datasette.urls.table(database, "articles")

    def filtered(column: str, value: str) -> str:
        return f"{table}?{urlencode({column: value})}"

    def archived_row(row_id: int | None) -> str | None:
        return f"{table}/{row_id}" if row_id is not None else None

    try:
        breadcrumb = [item for item in json.loads(article["breadcrumb"] or "[]") if isinstance(item, str)]
    except ValueError:
        breadcrumb = []
    # The category filters by its own column; any other item by the breadcrumb holding it
    # as a whole item (quoted, as in the column's JSON), not as part of a longer name.
    crumbs = [
        {"name": item, "href": filtered("category", item) if item == article["category"]
         else filtered("breadcrumb__contains", json.dumps(item, ensure_ascii=False))}
        for item in breadcrumb
    ]  # fmt: skip

    params = {"url": url}
    images = await _rows(db, "SELECT src, alt, caption FROM images WHERE article_url = :url ORDER BY rowid", params)
    for image in images:
        image["archived_src"] = capture_url(datasette, image["src"])

    attachments = await _rows(
        db,
        "SELECT t.url, t.name, f.status, f.kind, f.size, f.content_type, f.error, f.fetched, "
        f"substr(f.text, 1, {EXCERPT_CHARS + 1}) AS excerpt, f.url IS NOT NULL AS downloaded "
        "FROM attachments AS t LEFT JOIN attachment_files AS f ON f.url = t.url "
        "WHERE t.article_url = :url ORDER BY t.rowid",
        params,
    )
    for attachment in attachments:
        text = " ".join((attachment["excerpt"] or "").split())
        attachment["excerpt"] = text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else "")
        size = format_bytes(attachment["size"]) if attachment["size"] is not None else None
        attachment["facts"] = ", ".join(fact for fact in ((attachment["kind"] or "").upper(), size) if fact)
        attachment["name"] = attachment["name"] or urlsplit(attachment["url"]).path.rsplit("/", 1)[-1]
        if attachment["downloaded"] and attachment["status"] == 200:
            attachment["download"] = capture_url(datasette, attachment["url"], download=True)

    outgoing = await _rows(
        db,
        "SELECT l.kind, l.to_url AS url, coalesce(a.title, l.title) AS title, "
        "coalesce(l.published, a.published) AS published, a.id AS article_id "
        "FROM links AS l LEFT JOIN articles AS a ON a.url = l.to_url "
        "WHERE l.from_url = :url AND l.kind IN ('related', 'latest') ORDER BY l.rowid",
        params,
    )
    citing = await _rows(
        db,
        "SELECT l.from_url AS url, a.title, a.published, a.id AS article_id, "
        "group_concat(DISTINCT l.kind) AS kinds "
        "FROM links AS l LEFT JOIN articles AS a ON a.url = l.from_url "
        "WHERE l.to_url = :url AND l.kind IN ('related', 'body') AND l.from_url != l.to_url "
        "GROUP BY l.from_url ORDER BY a.published DESC, l.from_url",
        params,
    )
    for link in [*outgoing, *citing]:
        link["href"] = archived_row(link["article_id"])
        link["date"] = _published_day(link["published"])
    for link in citing:
        link["how"] = ", ".join(CITING_KINDS[kind] for kind in sorted(link["kinds"].split(",")))

    references: dict[str, dict] = {}
    for ref in await _rows(
        db,
        "SELECT r.number, r.text, r.kind, r.issuer, r.field, r.document_url, d.url IS NOT NULL AS document_archived "
        "FROM legal_refs AS r LEFT JOIN documents AS d ON d.url = r.document_url "
        "WHERE r.source_url = :url AND r.source_kind = 'article' "
        "ORDER BY CASE r.field WHEN 'title' THEN 0 WHEN 'body_text' THEN 1 ELSE 2 END, r.char_offset",
        params,
    ):
        entry = references.setdefault(ref["number"], {
            "number": ref["number"], "kind": ref["kind"], "issuer": ref["issuer"], "written": [], "fields": [],
            "citing": datasette.urls.query(database, "citing_articles") + "?" + urlencode({"number": ref["number"]}),
            "document": None,
        })  # fmt: skip
        if ref["text"] not in entry["written"]:
            entry["written"].append(ref["text"])
        field = REFERENCE_FIELDS.get(ref["field"], ref["field"])
        if field not in entry["fields"]:
            entry["fields"].append(field)
        if ref["document_archived"]:
            entry["document"] = datasette.urls.table(database, "documents") + "/" + tilde_encode(ref["document_url"])

    revisions = await _rows(
        db,
        "SELECT id, fetched, content_sha256, title, published, body_text, crawl_id "
        "FROM revisions WHERE url = :url ORDER BY id",
        params,
    )
    previous = None
    for number, revision in enumerate(revisions, 1):
        revision["number"] = number
        revision["diff"] = []
        if previous is not None:
            revision["title_changed"] = previous["title"] != revision["title"]
            revision["diff"] = [
                (_diff_kind(line), line)
                for line in revision_diff(
                    previous["body_text"], revision["body_text"], f"version {number - 1}", f"version {number}"
                )
            ]
        previous = dict(revision)
        del revision["body_text"]  # only the diff is shown: the text is the article's, above

    body_html = rewrite_images(article["body_html"] or "", url, lambda src: capture_url(datasette, src))
    links_query = (datasette.plugin_config("cchc-archive", database=database) or {}).get("links_query")
    return {
        "id": article["id"],
        "url": url,
        "title": article["title"] or "",
        "published": article["published"],
        "published_raw": article["published_raw"],
        "category": article["category"],
        "category_href": filtered("category", article["category"]) if article["category"] else None,
        "breadcrumb": crumbs,
        "word_count": article["word_count"],
        "body_html": markupsafe.Markup(body_html) if body_html.strip() else None,
        "body_text": article["body_text"],
        "site_id": article["site_id"],
        "first_seen": article["first_seen"],
        "last_fetched": article["last_fetched"],
        "removed_at": article["removed_at"],
        "extraction_method": article["extraction_method"],
        "images": images,
        "attachments": attachments,
        "related": [link for link in outgoing if link["kind"] == "related"],
        "latest": [link for link in outgoing if link["kind"] == "latest"],
        "citing": citing,
        "references": list(references.values()),
        "revisions": revisions,
        "archived": datasette.urls.path("/-/archived?url=" + quote(url, safe="")),
        "links_query": (datasette.urls.query(database, links_query) + "?" + urlencode({"url": url}))
        if links_query else None,
        "json": datasette.urls.row(database, "articles", str(article["id"]), format="json"),
        "citation": citation(article["title"], url, article["published"], article["last_fetched"]),
    }  # fmt: skip


async def _attachment_counts(datasette: Datasette, database: str, rows: list) -> dict[str, int]:
    """Attachments per article of a page of the articles table, by its id as the id cell holds it."""
    ids = []
    for row in rows:
        for cell in row:
            if cell["column"] == "id" and str(cell["raw"]).isdigit():
                ids.append(int(cell["raw"]))
    if not ids:
        return {}
    results = await datasette.get_database(database).execute(
        "SELECT a.id, count(t.url) FROM articles AS a JOIN attachments AS t ON t.article_url = a.url "
        "WHERE a.id IN (SELECT value FROM json_each(:ids)) GROUP BY a.id",
        {"ids": json.dumps(ids)},
    )
    counts = {str(row_id): count for row_id, count in results.rows}
    return {str(row_id): counts.get(str(row_id), 0) for row_id in ids}


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
            return _attachment_counts(datasette, database, rows)

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


# --- requests and responses ------------------------------------------------------------


def _articles_path(datasette: Datasette, path: str) -> bool:
    """True for the articles table of a served database, in any format (/db/articles.json)."""
    for name in datasette.databases:
        table_path = datasette.urls.table(name, "articles")
        if path == table_path or (path.startswith(table_path + ".") and path[len(table_path) + 1 :].isalnum()):
            return True
    return False


def with_default_columns(query_string: bytes) -> bytes:
    """The query string, asking for ARTICLE_COLUMNS unless it names its columns itself."""
    keys = {key for key, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)}
    if keys & {"_col", "_nocol"}:
        return query_string
    columns = urlencode([("_col", column) for column in ARTICLE_COLUMNS]).encode()
    return query_string + b"&" + columns if query_string else columns


def _is_csv(scope: dict) -> bool:
    """A request for CSV: a .csv path, or ?_format=csv."""
    if scope["path"].endswith(".csv"):
        return True
    return ("_format", "csv") in parse_qsl(scope.get("query_string", b"").decode("latin-1"))


def _with_bom(send: Callable) -> Callable:
    """`send`, with a UTF-8 byte order mark before a successful response's body."""
    pending = False

    async def send_with_bom(message: dict) -> None:
        nonlocal pending
        if message["type"] == "http.response.start" and message["status"] == 200:
            pending = True
            headers = []
            for name, value in message.get("headers", []):
                if name.lower() == b"content-length":
                    value = str(int(value) + len(CSV_BOM)).encode()
                headers.append((name, value))
            message = {**message, "headers": headers}
        elif message["type"] == "http.response.body" and pending:
            pending = False
            message = {**message, "body": CSV_BOM + message.get("body", b"")}
        await send(message)

    return send_with_bom


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable[[ASGIApp], ASGIApp]:
    """The articles table's default columns; a byte order mark on CSV."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def reading_room(scope: dict, receive: Callable, send: Callable) -> None:
            if scope["type"] != "http" or scope.get("method") != "GET" or not _ours(datasette):
                await app(scope, receive, send)
                return
            if _articles_path(datasette, scope["path"]):
                scope = {**scope, "query_string": with_default_columns(scope.get("query_string", b""))}
            if _is_csv(scope):
                # Excel reads a CSV without one as the local code page, and mangles every diacritic.
                send = _with_bom(send)
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
