"""The reading room's search: the stored query `search` as a page, and the articles table's search box.

A query with diacritics matches them as written (case ignored): `Đảng bộ` finds neither
"đang … bộ" nor "dang bo". One without matches every form, the words side by side first, and
the page says which forms it found, with how many articles hold each and a link that narrows
the search to one (`crawler.archive.storage.plan_search` reads a query; this module shows it).

- SQL functions for the stored query, on every connection Datasette opens:
  `cchc_search_match(q)` and `cchc_search_phrase(q)` (the FTS5 expressions of a query and of
  its words side by side; an empty or wordless query matches nothing) and `cchc_date(text)`
  (a date as YYYY-MM-DD or dd/mm/yyyy to YYYY-MM-DD; '' for none, NULL for one that is not a date).
- The page: the stored query `search` rendered by templates/query.html with what
  `extra_template_vars` adds (`cchc_search`): the form (a date picker, the archive's
  categories in a list), how many results there are and which of them this page shows,
  the forms found, messages for a bad date or query, the links to the other pages.
- The articles table's search box: `?_search=` on the HTML table opens the search page
  (ranked, with snippets), unless the table is asked for an order other than its own or a
  filter the page has no equivalent for; the table's JSON and CSV, and the table so asked,
  select the articles by the same rules (`filters_from_request`), in the table's order.
- `search.json` and `search.csv` with a date that is not a date answer 400 with the reason.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlencode

import markupsafe
from datasette import hookimpl
from datasette.app import Datasette
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

from crawler.archive.storage import (
    FOLDED_COLUMN,
    MATCH_NOTHING,
    WRITTEN_COLUMNS,
    Archive,
    SearchError,
    SearchPlan,
    has_diacritics,
    plan_search,
)
from crawler.text import fold, nfc

__all__ = ["FORMS_LOOKED_AT", "PAGE_SIZE", "SEARCH_QUERY", "parse_date", "search_forms"]

# The stored query that is the search page (metadata.yml), and the rows it shows at a time:
# its SQL pages by the same number (`limit 50 offset 50 * …`).
SEARCH_QUERY = "search"
PAGE_SIZE = 50
# The forms of a query are read from the articles that hold its words side by side, the
# ones archived last first; past this many, forms seen only in older articles count as "other".
FORMS_LOOKED_AT = 2000
# Forms listed at most; the rest count as "other".
FORMS_SHOWN = 20

_TOKENS = re.compile(r"[^\W_]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_FILTERS_SQL = (
    "(:since = '' or substr(a.published, 1, 10) >= :since) "
    "and (:until = '' or substr(a.published, 1, 10) <= :until) "
    "and (:category = '' or a.category = :category)"
)


def _ours(datasette: Datasette, database: str | None = None) -> bool:
    """True when `database` (or this Datasette) is served by the project; others are left alone."""
    return datasette.plugin_config("cchc-archive", database=database) is not None


# --- dates ---------------------------------------------------------------------------


def parse_date(text: str | None) -> str | None:
    """`text` as YYYY-MM-DD: from YYYY-MM-DD or dd/mm/yyyy (also with - or .); '' if empty, None if not a date."""
    text = (text or "").strip()
    if not text:
        return ""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DMY_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:  # 2021-13-45, 31/02/2021
        return None


def _date_error(label: str, text: str) -> str:
    """The message for a date that is not one."""
    return (f"{label}: “{text}” is not a date. Pick one with the date picker, or write it as "
            f"YYYY-MM-DD or dd/mm/yyyy (2021-01-21 or 21/01/2021).")  # fmt: skip


def _date_errors(args: dict) -> list[str]:
    """Messages for the search's `since` and `until` that are not dates."""
    return [_date_error(label, args.get(name) or "") for name, label in (("since", "From"), ("until", "To"))
            if parse_date(args.get(name)) is None]  # fmt: skip


# --- SQL functions -------------------------------------------------------------------


def _search_match(query: str | None) -> str:
    """The FTS5 expression of a reader's query (lenient: any text is a query); nothing for none."""
    try:
        return plan_search(query or "", lenient=True).match
    except SearchError:
        return MATCH_NOTHING


def _search_phrase(query: str | None) -> str:
    """The FTS5 expression of a plain query's words side by side; nothing for other queries."""
    try:
        return plan_search(query or "", lenient=True).phrase or MATCH_NOTHING
    except SearchError:
        return MATCH_NOTHING


@hookimpl
def prepare_connection(conn) -> None:
    """Register the search's SQL functions on every connection Datasette opens."""
    conn.create_function("cchc_search_match", 1, _search_match, deterministic=True)
    conn.create_function("cchc_search_phrase", 1, _search_phrase, deterministic=True)
    conn.create_function("cchc_date", 1, parse_date, deterministic=True)


# --- forms of a query without diacritics ---------------------------------------------


@dataclass
class Form:
    """One way the words of a query are written in the articles it found, and how many hold it."""

    label: str
    count: int
    query: str | None  # the search that finds exactly these articles; None for "other"
    kind: str  # "written" (the words side by side, as written), "apart" or "other"


@dataclass
class Forms:
    """The forms a query without diacritics found: how many articles match, and in which forms."""

    total: int
    forms: list[Form] = field(default_factory=list)
    overlap: bool = False  # an article holding two forms counts in each
    looked_at: int = 0  # articles read to find the written forms


def _filters(since: str, until: str, category: str) -> dict:
    return {"since": since, "until": until, "category": category}


def _count(conn, match: str, filters: dict) -> int:
    """Articles matching an FTS5 expression, within the dates and category of `filters`."""
    if not any(filters.values()):
        return conn.execute("select count(*) from articles_fts where articles_fts match ?", (match,)).fetchone()[0]
    return conn.execute(
        "select count(*) from articles_fts join articles as a on a.id = articles_fts.rowid "
        f"where articles_fts match :match and {_FILTERS_SQL}",
        {"match": match, **filters},
    ).fetchone()[0]


def _phrase(words: list[str]) -> str:
    """Words as one FTS5 phrase."""
    return '"' + " ".join(word.replace('"', '""') for word in words) + '"'


def _fields_folded(fields: list[str | None], folded: str | None) -> list[tuple[str, str]]:
    """Each non-empty field with its folded form, cut from the article's `search_folded` when it agrees.

    `search_folded` is the folded title, body and attachments joined by line breaks, one
    character for one (crawler.archive.storage); cutting it saves folding them again.
    """
    texts = [nfc(text) for text in fields if text]
    if folded is None or len(folded) != sum(map(len, texts)) + len(texts) - 1:
        return [(text, fold(text)) for text in texts]
    pairs, start = [], 0
    for text in texts:
        pairs.append((text, folded[start : start + len(text)]))
        start += len(text) + 1
    return pairs


def search_forms(conn, plan: SearchPlan, filters: dict, looked_at: int = FORMS_LOOKED_AT) -> Forms | None:
    """How a query without diacritics is written in the articles it matches, with counts.

    Each form written with its diacritics ("Đảng bộ") counts the articles holding the words
    side by side so written (case ignored), and links to that phrase's search, which finds
    exactly them; "apart" counts the articles holding the words but never side by side, and
    links to the query NOT its phrase. The written forms are read from the articles archived
    last (`looked_at` at most); articles holding only forms not seen there count as "other".
    None for a query with diacritics, an advanced one, a prefix (`chuyen*`) or one naming columns.
    """
    if plan.written or plan.advanced or plan.own_columns or "*" in plan.query:
        return None
    words = [fold(token) for token in _TOKENS.findall(plan.query)]
    if not words:
        return None
    total = _count(conn, plan.match, filters)
    result = Forms(total)
    if not total:
        return result
    # The written forms: the words side by side in each field, as the articles write them.
    # The pattern opens on its first word, so that the regex engine looks for that word alone.
    pattern = re.compile(r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])")
    filtered = f"and {_FILTERS_SQL}" if any(filters.values()) else ""
    rows = conn.execute(
        "select a.title, a.body_text, a.attachment_text, a.search_folded from articles_fts "
        "join articles as a on a.id = articles_fts.rowid "
        f"where articles_fts match :match {filtered} order by articles_fts.rowid desc limit :limit",
        {"match": f"{FOLDED_COLUMN} : {_phrase(words)}", "limit": looked_at, **filters},
    )  # fmt: skip
    spellings: dict[str, Counter] = {}
    for *fields, folded in rows:
        result.looked_at += 1
        for text, seen in _fields_folded(fields, folded):
            for match in pattern.finditer(seen):
                start, end = match.span()
                if start and seen[start - 1].isalnum():  # inside a longer word
                    continue
                tokens = _TOKENS.findall(text[start:end])
                spellings.setdefault(" ".join(tokens).lower(), Counter())[" ".join(tokens)] += 1
    keys = sorted(spellings, key=lambda key: (-sum(spellings[key].values()), key))[:FORMS_SHOWN]
    for key in keys:
        label = spellings[key].most_common(1)[0][0]
        count = _count(conn, f"{WRITTEN_COLUMNS} : {_phrase(key.split())}", filters)
        # A form written without diacritics is only itself in the written columns, named so.
        link = _phrase(label.split()) if has_diacritics(label) else f"{WRITTEN_COLUMNS} : {_phrase(label.split())}"
        result.forms.append(Form(label, count, link, "written"))
    result.forms.sort(key=lambda form: (-form.count, form.label.lower()))
    covered = [f"{WRITTEN_COLUMNS} : ({' OR '.join(_phrase(key.split()) for key in keys)})"] if keys else []
    if plan.phrase:
        apart = f"({plan.match}) NOT ({plan.phrase})"
        count = _count(conn, apart, filters)
        if count:
            terms = [tokens for term in plan.query.split() if (tokens := _TOKENS.findall(term))]
            words_query = plan.query if not plan.quoted else " ".join(_phrase(tokens) for tokens in terms)
            link = f"{words_query} NOT {_phrase(_TOKENS.findall(plan.query))}"
            result.forms.append(Form(" … ".join(words) + " (apart)", count, link, "apart"))
            covered.append(apart)
    union = _count(conn, " OR ".join(f"({part})" for part in covered), filters) if covered else 0
    if total > union:
        result.forms.append(Form("other", total - union, None, "other"))
    result.overlap = sum(form.count for form in result.forms) > total
    return result


# --- the search page -----------------------------------------------------------------


def _search_url(datasette: Datasette, database: str, params: dict) -> str:
    """The search page with these parameters (empty ones left out)."""
    query = urlencode({key: value for key, value in params.items() if value not in ("", None, 1)})
    return f"{datasette.urls.database(database)}/{SEARCH_QUERY}" + (f"?{query}" if query else "")


def _page(text: str | None) -> int:
    """The page number asked for as the stored query's SQL reads it: `max(cast(:page as integer), 1)`."""
    leading = re.match(r"\s*([+-]?\d+)", text or "")  # CAST reads the leading integer, 0 if none
    return max(int(leading.group(1)) if leading else 0, 1)


def _quoted(text: str) -> str:
    return f"“{text}”"


async def _search_context(datasette: Datasette, database: str, request) -> dict:
    """What the search page shows besides its rows: the form's state, counts, forms, messages, links."""
    args = request.args
    q = args.get("q") or ""
    category = args.get("category") or ""
    since, until = parse_date(args.get("since")), parse_date(args.get("until"))
    page = _page(args.get("page"))
    messages = _date_errors(args)
    if since and until and since > until:
        messages.append(f"From ({since}) is after to ({until}): no article can match.")
    plan = None
    if q.strip():
        try:
            plan = plan_search(q, lenient=True)
        except SearchError:  # lenient: only a query of punctuation alone
            messages.append(f"{_quoted(q.strip())} has no words to search for.")
        if plan and plan.note:
            messages.append(f"{_quoted(plan.query)} is {plan.note}.")
    db = datasette.get_database(database)
    categories = [
        {"name": name, "count": count}
        for name, count in (await db.execute(
            "select category, count(*) from articles where category is not null and category != '' "
            "group by category order by category"
        )).rows  # fmt: skip
    ]
    if category and category not in {c["name"] for c in categories}:
        categories.append({"name": category, "count": 0})
    keep = {"q": q.strip(), "since": since or "", "until": until or "", "category": category}
    forms = None
    total = None
    if plan and since is not None and until is not None:
        filters = _filters(since, until, category)
        forms = await db.execute_fn(lambda conn: search_forms(conn, plan, filters))
        total = forms.total if forms else await db.execute_fn(lambda conn: _count(conn, plan.match, filters))
    pages = max(1, -(-total // PAGE_SIZE)) if total else 1
    first = (page - 1) * PAGE_SIZE + 1

    def link(**changes) -> str:
        return _search_url(datasette, database, {**keep, **changes})

    heading = f"Results for {_quoted(plan.query)}" if plan else "Search the archive"
    return {
        "heading": heading,
        "title": f"{heading} · Search the archive" if plan else heading,
        "q": q,
        "since": since or "",
        "until": until or "",
        "category": category,
        "categories": categories,
        "messages": messages,
        "plan": plan,
        "total": total,
        "page": page,
        "pages": pages,
        "first": first,
        "last": min(page * PAGE_SIZE, total or 0),
        "page_size": PAGE_SIZE,
        "previous_url": link(page=page - 1) if total and 1 < page <= pages else None,
        "next_url": link(page=page + 1) if total and page < pages else None,
        "first_url": link(page=1),
        "last_url": link(page=pages),
        "forms": [
            {"label": form.label, "count": form.count, "kind": form.kind,
             "url": link(q=form.query, page=1) if form.query else None}
            for form in (forms.forms if forms else [])
        ],  # fmt: skip
        "forms_overlap": bool(forms and forms.overlap),
        "forms_looked_at": forms.looked_at if forms else 0,
        "forms_limit": FORMS_LOOKED_AT,
        "snippets": _snippets(db, q),
    }


def _snippets(db, q: str) -> Callable:
    """An async function: article id → its snippet as HTML, the words marked, for the rows of a page."""

    async def snippets(rows) -> dict[int, markupsafe.Markup]:
        ids = [row["article_id"] for row in rows]
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        found = await db.execute(f"select id, body_text, title from articles where id in ({marks})", ids)
        marked = {}
        for article_id, body_text, title in found.rows:
            # Private-use characters as markers: unlike brackets, no article writes them.
            text = Archive.snippet(body_text or title, q, "\ue000", "\ue001")
            html = str(markupsafe.escape(text)).replace("\ue000", "<mark>").replace("\ue001", "</mark>")
            marked[article_id] = markupsafe.Markup(html)
        return marked

    return snippets


@hookimpl
def extra_template_vars(template: str, database: str | None, request, datasette: Datasette):
    """`cchc_search` for templates/query.html when it renders the stored query `search` of the archive."""

    async def inner() -> dict:
        if (template != "query.html" or request is None or database is None or not _ours(datasette, database)
                or (request.url_vars or {}).get("table") != SEARCH_QUERY):  # fmt: skip
            return {}
        return {"cchc_search": await _search_context(datasette, database, request)}

    return inner


# --- the articles table's search box --------------------------------------------------

TABLE = "articles"
# The table's search, renamed on the way in so that Datasette's own (every word in every
# column) leaves it to `filters_from_request`.
TABLE_SEARCH = "_cchc_search"
# Table arguments the search page has an equivalent for; with any other, the table answers.
_CARRIED = {"_search", TABLE_SEARCH, "_searchmode", "category", "category__exact", "year", "year__exact"}
# Arguments about the table's own page (its facets, columns, page size) have no bearing on a search.
_DROPPED_PREFIXES = ("_facet", "_size", "_next", "_col", "_nocol")


def _database_of(datasette: Datasette, path: str) -> tuple[str, str] | None:
    """(database name, the rest of the path) when `path` is under a database the project serves."""
    route, _, rest = path.lstrip("/").partition("/")
    for db in datasette.databases.values():
        if db.route == route and _ours(datasette, db.name):
            return db.name, rest
    return None


def _in_table_order(datasette: Datasette, database: str, args: dict) -> bool:
    """True when the table is asked for no order but its own (the form of its page always sends that one)."""
    sort, sort_desc = args.get("_sort") or "", args.get("_sort_desc") or ""
    if not sort and not sort_desc:
        return True
    metadata = datasette.table_metadata(database, TABLE)
    return (sort, sort_desc) == (metadata.get("sort") or "", metadata.get("sort_desc") or "")


def _search_page_for(datasette: Datasette, database: str, pairs: list[tuple[str, str]]) -> str | None:
    """Where the table's search box leads: the search page, unless asked for a sort or a filter only the table has."""
    args = dict(pairs)
    if any(key in ("_filter_column", "_sort_by_desc") or key.startswith("_filter_column_") for key in args):
        return None  # the table's form as submitted: Datasette answers with the address it stands for, seen next
    if not _in_table_order(datasette, database, args):
        return None
    if any(key not in _CARRIED and key not in ("_sort", "_sort_desc") and not key.startswith(_DROPPED_PREFIXES)
           for key in args):  # fmt: skip
        return None
    q = (args.get("_search") or args.get(TABLE_SEARCH) or "").strip()
    if not q:
        return None
    params = {"q": q, "category": args.get("category__exact") or args.get("category") or ""}
    year = args.get("year__exact") or args.get("year") or ""
    if year:
        if not year.isdigit():
            return None
        params.update(since=f"{int(year):04d}-01-01", until=f"{int(year):04d}-12-31")
    return _search_url(datasette, database, params)


async def _answer(send, status: int, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> None:
    await send({"type": "http.response.start", "status": status, "headers": [*headers,
                (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette: Datasette):
    """The table's search box to the search page (or renamed for `filters_from_request`); bad dates are 400."""

    def wrap(app):
        async def searching(scope: dict, receive, send) -> None:
            if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
                await app(scope, receive, send)
                return
            found = _database_of(datasette, scope.get("path", ""))
            if found is None:
                await app(scope, receive, send)
                return
            database, rest = found
            pairs = parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
            if rest in (f"{SEARCH_QUERY}.json", f"{SEARCH_QUERY}.csv") and (errors := _date_errors(dict(pairs))):
                body = json.dumps({"ok": False, "error": " ".join(errors), "status": 400, "title": "Not a date"},
                                  ensure_ascii=False).encode()  # fmt: skip
                await _answer(send, 400, [(b"content-type", b"application/json; charset=utf-8")], body)
                return
            table, _, extension = rest.partition(".")
            if table == TABLE and any(key in ("_search", TABLE_SEARCH) for key, _ in pairs):
                if not extension and (target := _search_page_for(datasette, database, pairs)):
                    await _answer(send, 302, [(b"location", target.encode("ascii"))])  # urlencode()d: ASCII
                    return
                # Datasette's own search would match every word in every column: the rules of
                # the search page apply instead (filters_from_request).
                renamed = [(TABLE_SEARCH if key == "_search" else key, value) for key, value in pairs
                           if not (key in ("_search", TABLE_SEARCH) and not value.strip())]  # fmt: skip
                scope = dict(scope, query_string=urlencode(renamed).encode("ascii"))
            await app(scope, receive, send)

        return searching

    return wrap


@hookimpl
def filters_from_request(request, database: str, table: str, datasette: Datasette):
    """The articles table's search: as the search page matches, newest first as the table lists."""

    async def inner() -> FilterArguments | None:
        q = request.args.get(TABLE_SEARCH)
        if table != TABLE or q is None or not q.strip() or not _ours(datasette, database):
            return None
        raw = request.args.get("_searchmode") == "raw"
        try:
            plan = plan_search(q, lenient=not raw)
        except SearchError as error:
            raise BadRequest(error.reason or str(error)) from None
        how = "as written" if plan.written else "in every form"
        return FilterArguments(
            ["id in (select rowid from articles_fts where articles_fts match :cchc_match)"],
            {"cchc_match": plan.match},
            [f'search matches "{plan.query}" {how}'],
            {"search": q},
        )

    return inner
