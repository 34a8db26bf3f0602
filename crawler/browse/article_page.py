"""The article's page of the reading room: everything templates/row.html shows of an article.

Read from the archive for one article (`article_page`): the title, dates, category and
breadcrumb as filters of the articles table, the body cleaned with nh3 and its images
served from the archive (`/-/capture`), images, attachments, related and latest links, the
articles citing it, its legal references, its revisions with a diff, and how to cite it.
The hook that hands it to the template is in crawler.browse.reading.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import markupsafe
import nh3
from datasette.app import Datasette
from datasette.utils import format_bytes, tilde_encode

from crawler.extraction.profile import default_profile
from crawler.browse.revisions import add_diffs

__all__ = ["article_page", "capture_url", "citation", "rewrite_images", "site_name"]

# An attachment's text, as much as tells what the file is.
EXCERPT_CHARS = 300
# How an article cites another: the link's kind (links.kind), in words.
CITING_KINDS = {"related": "lists it as related", "body": "links to it in its text"}
# Where in an article a legal reference was found (legal_refs.field), in words.
REFERENCE_FIELDS = {"title": "the title", "body_text": "the text", "attachment_text": "the attached files"}


# --- text ----------------------------------------------------------------------------


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
    add_diffs(revisions)

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
