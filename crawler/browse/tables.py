"""The reading room's tables: the articles table's default columns and attachment counts, and CSV
that opens in a spreadsheet with its Vietnamese intact (a UTF-8 byte order mark first).

The hooks that apply them (extra_template_vars, asgi_wrapper) are in crawler.browse.reading.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from datasette.app import Datasette

__all__ = ["ARTICLE_COLUMNS", "CSV_BOM", "articles_path", "attachment_counts", "is_csv", "with_bom",
           "with_default_columns"]  # fmt: skip

# What the articles table shows unless a request names its columns (`_col` or `_nocol`):
# enough to choose an article; its text, HTML, folded copy and hash are on its own page.
ARTICLE_COLUMNS = ("title", "published", "category", "word_count")
CSV_BOM = "\ufeff".encode()


async def attachment_counts(datasette: Datasette, database: str, rows: list) -> dict[str, int]:
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


# --- requests and responses ------------------------------------------------------------


def articles_path(datasette: Datasette, path: str) -> bool:
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


def is_csv(scope: dict) -> bool:
    """A request for CSV: a .csv path, or ?_format=csv."""
    if scope["path"].endswith(".csv"):
        return True
    return ("_format", "csv") in parse_qsl(scope.get("query_string", b"").decode("latin-1"))


def with_bom(send: Callable) -> Callable:
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
