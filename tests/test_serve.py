"""Datasette on the archive (crawler/browse/serve.py): in process with Datasette's own client, over
a crawl of the replica by the real spider, and `cchc-archive serve` as a real server."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from datasette.utils import tilde_encode
from datasette_dashboards import replace_opts_in_query

from crawler.browse.serve import WRITE_ACTIONS, load_metadata, make_datasette
from crawler.archive.storage import Archive

DB = "archive"  # Datasette names the database after the file: archive.db


@pytest.fixture(scope="module")
def db_path(crawled, tmp_path_factory) -> Path:
    """A copy of the crawled archive, as archive.db (the tests here write into some)."""
    path = tmp_path_factory.mktemp("serve") / "archive.db"
    shutil.copy(crawled.db_path, path)
    return path


@pytest.fixture(scope="module")
def articles(db_path) -> list[dict]:
    """Every article of the archive, as the export reads them."""
    with Archive(db_path, must_exist=True) as archive:
        return list(archive.iter_articles())


def fetch(db_path: Path, *paths: str, method: str = "GET", **kwargs) -> list:
    """Responses of a fresh Datasette of the project on `db_path`, one per path."""

    async def run() -> list:
        datasette = make_datasette(db_path)
        await datasette.invoke_startup()
        return [await datasette.client.request(method, path, **kwargs) for path in paths]

    return asyncio.run(run())


def get_json(db_path: Path, path: str):
    """The JSON of one GET, which must succeed."""
    (response,) = fetch(db_path, path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def query_rows(db_path: Path, name: str, **params: str) -> list[dict]:
    """The rows of a stored query with these parameters."""
    return get_json(db_path, f"/{DB}/{name}.json?{urllib.parse.urlencode(params)}&_shape=array&_size=max")


def holds(article: dict, words: str) -> bool:
    """True when the article's title or text contains `words`, as written."""
    return words in (article["title"] or "") or words in (article["body_text"] or "")


# --- metadata ------------------------------------------------------------------------


def test_metadata_describes_the_source_every_table_and_every_column(db_path):
    metadata = get_json(db_path, "/-/metadata.json")
    assert metadata["title"] and metadata["source_url"] == "https://cchc.laichau.gov.vn/"
    assert "Origin and use" in metadata["description_html"]
    assert f'href="/{DB}/articles"' in metadata["description_html"]  # the placeholder filled
    described = metadata["databases"][DB]["tables"]
    tables = get_json(db_path, f"/{DB}.json")["tables"]
    assert {"articles", "pages", "links", "images", "attachments", "crawls", "articles_fts"} <= {t["name"] for t in tables}
    undescribed = [t["name"] for t in tables if not described.get(t["name"], {}).get("description")]
    assert not undescribed, f"describe these tables in crawler/browse/datasette/metadata.yml: {undescribed}"
    missing = [
        f"{t['name']}.{column}"
        for t in tables
        if not t["hidden"]
        for column in t["columns"]
        if not described[t["name"]].get("columns", {}).get(column)
    ]
    assert not missing, f"describe these columns in crawler/browse/datasette/metadata.yml: {missing}"


def test_fts_shadow_tables_are_hidden(db_path):
    hidden = {t["name"]: t["hidden"] for t in get_json(db_path, f"/{DB}.json")["tables"]}
    shadows = [name for name in hidden if name.startswith("articles_fts_")]
    assert len(shadows) == 4 and all(hidden[name] for name in shadows)
    # Datasette lists the index itself among the hidden tables too, as for any FTS table.
    assert not hidden["articles"] and not hidden["crawls"] and not hidden["links"]


def test_metadata_follows_the_database_name():
    metadata = load_metadata("cchc 2025")
    assert list(metadata["databases"]) == ["cchc 2025"]
    assert f'href="/{tilde_encode("cchc 2025")}/search"' in metadata["description_html"]
    dashboard = metadata["plugins"]["datasette-dashboards"]["publications"]
    assert {chart["db"] for chart in dashboard["charts"].values()} == {"cchc 2025"}


# --- the articles table ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["dang bo", "DANG BO", "Đảng bộ"])
def test_search_box_ignores_diacritics_and_lists_newest_first(db_path, articles, query):
    page = get_json(db_path, f"/{DB}/articles.json?_search={urllib.parse.quote(query)}&_shape=objects&_size=max")
    found = [row["id"] for row in page["rows"]]
    expected = {a["id"] for a in articles if holds(a, "Đảng bộ")}
    assert expected and expected <= set(found)
    published = [row["published"] or "" for row in page["rows"]]
    assert published == sorted(published, reverse=True)


def test_facets_by_category_and_by_year(db_path, articles):
    page = get_json(db_path, f"/{DB}/articles.json?_size=0")
    facets = page["facet_results"]
    assert {facet["value"]: facet["count"] for facet in facets["category"]["results"]} == Counter(
        a["category"] for a in articles if a["category"]
    )
    years = {facet["value"]: facet["count"] for facet in facets["year"]["results"]}
    assert years == Counter(int(a["published"][:4]) for a in articles if a["published"])
    assert page["human_description_en"] == "sorted by published descending"


def test_a_year_facet_narrows_to_that_year(db_path, articles):
    year = max(a["year"] for a in articles if a["year"])
    rows = get_json(db_path, f"/{DB}/articles.json?year={year}&_shape=array&_size=max")
    assert rows and {row["published"][:4] for row in rows} == {str(year)}


def test_article_page_shows_body_html_as_html_and_links_to_its_links(db_path, articles):
    article = next(a for a in articles if a["body_html"] and "<p>" in a["body_html"])
    row_page, table_page = fetch(db_path, f"/{DB}/articles/{article['id']}", f"/{DB}/articles?_col=body_html")
    assert '<div class="cchc-article-body">' in row_page.text and "<p>" in row_page.text
    # Laid out as an article (templates/row.html, crawler/browse/reading.py; tests/test_reading.py).
    assert '<article class="cchc-article"' in row_page.text
    links = f"/{DB}/article_links?url={urllib.parse.quote(article['url'], safe='')}"
    assert f'href="{links}"' in row_page.text
    # The table keeps its cells short: body_html, when asked for, is escaped, truncated text there.
    assert "cchc-article-body" not in table_page.text and "&lt;p&gt;" in table_page.text


def test_body_html_is_sanitised_when_shown(db_path, tmp_path):
    # An archive whose body_html was tampered with after the crawl's own cleaning.
    tampered = tmp_path / "archive.db"
    shutil.copy(db_path, tampered)
    url = "https://cchc.laichau.gov.vn/tampered-9999.html"
    body_html = '<p>Đảng bộ <b>tỉnh</b></p><script>alert(1)</script><img src="x.png" onerror="alert(2)">'
    with Archive(tampered) as archive:
        archive.save_article({"url": url, "title": "Tampered", "body_html": body_html, "body_text": "Đảng bộ tỉnh"}, "2025-01-01T00:00:00+07:00")
        (row_id,) = [a["id"] for a in archive.iter_articles() if a["url"] == url]
    (page,) = fetch(tampered, f"/{DB}/articles/{row_id}")
    assert "<p>Đảng bộ <b>tỉnh</b></p>" in page.text
    assert "alert(" not in page.text and "onerror" not in page.text


# --- stored queries ------------------------------------------------------------------------


def test_every_stored_query_has_a_title_a_description_and_named_parameters(db_path):
    queries = get_json(db_path, "/-/metadata.json")["databases"][DB]["queries"]
    assert {"search", "publications_per_month", "most_cited", "crawl_history", "article_links"} <= set(queries)
    for name, query in queries.items():
        assert query["title"] and (query.get("description") or query.get("description_html")), name
        assert ":" in query["sql"] and not query.get("write"), name


def test_search_query_ranks_filters_and_highlights(db_path, articles):
    category = Counter(a["category"] for a in articles if holds(a, "Đảng bộ")).most_common(1)[0][0]
    rows = query_rows(db_path, "search", q="dang bo", since="2020-01-01", until="2023-12-31", category=category)
    assert rows
    assert all(row["category"] == category and "2020-01-01" <= row["date"] <= "2023-12-31" for row in rows)
    by_id = {a["id"]: a for a in articles}
    side_by_side = {
        a["id"] for a in articles
        if holds(a, "Đảng bộ") and a["category"] == category and "2020-01-01" <= a["published"][:10] <= "2023-12-31"
    }  # fmt: skip
    # The articles holding the words side by side come first, each with them marked.
    assert {row["article_id"] for row in rows[: len(side_by_side)]} == side_by_side
    for row in rows[: len(side_by_side)]:
        if "Đảng bộ" in by_id[row["article_id"]]["body_text"]:
            assert "[Đảng bộ]" in row["snippet"]


def test_search_query_takes_any_text(db_path):
    for q in ['"unbalanced', "2524/KH-UBND", "NOT", "", "a*"]:
        (response,) = fetch(db_path, f"/{DB}/search.json?q={urllib.parse.quote(q)}")
        assert response.status_code == 200, (q, response.text[:300])


def test_a_malformed_search_is_a_one_line_message(db_path, capfd):
    (response,) = fetch(db_path, f"/{DB}/articles.json?_search=%22unbalanced&_searchmode=raw")
    assert response.status_code == 400
    assert response.json()["error"] == "unterminated string"
    assert "Traceback" not in capfd.readouterr().err  # the server's console stays readable too


def test_publications_per_month_add_up(db_path, articles):
    months = query_rows(db_path, "publications_per_month")
    assert sum(row["articles"] for row in months) == sum(1 for a in articles if a["published"])
    assert [row["month"] for row in months] == sorted(row["month"] for row in months)
    category = articles[0]["category"]
    months = query_rows(db_path, "publications_per_month", category=category, since="2021-01-01")
    assert sum(row["articles"] for row in months) == sum(
        1 for a in articles if a["category"] == category and (a["published"] or "") >= "2021-01-01"
    )


def test_most_cited_counts_inbound_related_links(db_path, articles):
    links = get_json(db_path, f"/{DB}/links.json?kind=related&_shape=array&_size=max")
    archived = {a["url"] for a in articles}
    citing = {}
    for link in links:
        if link["to_url"] in archived and link["from_url"] != link["to_url"]:
            citing.setdefault(link["to_url"], set()).add(link["from_url"])
    rows = query_rows(db_path, "most_cited", top="10")
    assert len(rows) == min(10, len(citing))
    assert [row["cited_by"] for row in rows] == sorted((row["cited_by"] for row in rows), reverse=True)
    assert rows[0]["cited_by"] == max(len(froms) for froms in citing.values())
    assert all(row["cited_by"] == len(citing[row["url"]]) for row in rows)


def _citations(db_path: Path) -> dict[str, set[str]]:
    """Number -> the URLs of the articles citing it, read from legal_refs directly."""
    with Archive(db_path, must_exist=True) as archive:
        pairs = archive.db.execute("SELECT number, source_url FROM legal_refs WHERE source_kind = 'article'").fetchall()
    cited: dict[str, set[str]] = {}
    for number, url in pairs:
        cited.setdefault(number, set()).add(url)
    return cited


def test_most_cited_documents_rank_by_citing_articles_with_the_summary(db_path):
    cited = _citations(db_path)
    rows = query_rows(db_path, "most_cited_documents", kind="", top="10")
    assert [row["citing_articles"] for row in rows] == sorted((len(urls) for urls in cited.values()), reverse=True)[:10]
    assert all(row["citing_articles"] == len(cited[row["number"]]) for row in rows)
    assert any(row["summary"] and row["document_url"] for row in rows)  # an archived document shows what it is


def test_citing_articles_takes_a_number_in_any_written_form(db_path):
    cited = _citations(db_path)
    number = max(cited, key=lambda n: (len(cited[n]), n))
    digits, code = number.split("/", 1)
    for written in (number, number.lower(), number.replace("Đ", "D"), f"{digits} {code.replace('-', ' ')}"):
        rows = query_rows(db_path, "citing_articles", number=written, page="")
        rows += query_rows(db_path, "citing_articles", number=written, page="2")
        assert {row["url"] for row in rows} == cited[number], written
        assert all(row["citing_articles"] == len(cited[number]) for row in rows)
        dates = [row["date"] for row in rows]
        assert dates == sorted(dates, reverse=True)
    assert query_rows(db_path, "citing_articles", number="12/10/2021", page="") == []


def test_citations_per_year_add_up_to_the_citing_articles(db_path):
    cited = _citations(db_path)
    number = max(cited, key=lambda n: (len(cited[n]), n))
    rows = query_rows(db_path, "citations_per_year", number=number)
    assert sum(row["citations"] for row in rows) == len(cited[number]) and all(row["documents"] == 1 for row in rows)
    everything = query_rows(db_path, "citations_per_year", number="")
    assert sum(row["citations"] for row in everything) == sum(len(urls) for urls in cited.values())


def test_documents_table_has_facets_by_kind_issuer_and_year(db_path):
    data = get_json(db_path, f"/{DB}/documents.json?_extra=facet_results")
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"kind", "issuer", "year"} <= set(facets)
    with Archive(db_path, must_exist=True) as archive:
        kinds = Counter(row["kind"] for row in archive.db["documents"].rows)
    assert {item["value"]: item["count"] for item in facets["kind"]["results"]} == dict(kinds)


def test_crawl_history_lays_out_the_statistics(db_path):
    crawls = get_json(db_path, f"/{DB}/crawls.json?_shape=array")
    rows = query_rows(db_path, "crawl_history")
    assert len(rows) == len(crawls) >= 1
    stats = json.loads(crawls[0]["stats"])
    row = next(r for r in rows if r["id"] == crawls[0]["id"])
    assert row["requests"] == stats["requests"] and row["errors"] == stats["errors"]
    assert row["pages"] == sum(stats["pages_by_type"].values())
    assert row["articles"] == sum(stats["articles_by_method"].values())
    assert row["finish_reason"] == "finished" and row["seconds"] >= 0
    assert query_rows(db_path, "crawl_history", start_url="no-such-host") == []


def test_article_links_lists_related_latest_and_citing(db_path, articles):
    links = get_json(db_path, f"/{DB}/links.json?_shape=array&_size=max")
    url = Counter(l["to_url"] for l in links if l["kind"] == "related").most_common(1)[0][0]
    rows = query_rows(db_path, "article_links", url=url)
    by_kind = {kind: [r["url"] for r in rows if r["kind"] == kind] for kind in ("related", "latest", "cited by")}
    for kind in ("related", "latest"):
        assert sorted(by_kind[kind]) == sorted(l["to_url"] for l in links if l["from_url"] == url and l["kind"] == kind)
    assert sorted(by_kind["cited by"]) == sorted(
        l["from_url"] for l in links if l["to_url"] == url and l["kind"] == "related" and l["from_url"] != url
    )
    ids = {a["url"]: a["id"] for a in articles}
    assert all(r["article_id"] == ids.get(r["url"]) for r in rows)
    # In the browser, article_id opens the archived article.
    (page,) = fetch(db_path, f"/{DB}/article_links?url={urllib.parse.quote(url, safe='')}")
    some = next(r for r in rows if r["article_id"])
    assert f'<a href="/{DB}/articles/{some["article_id"]}">' in page.text


# --- the dashboard ---------------------------------------------------------------------------


def test_dashboard_of_publications_per_month_by_category(db_path, articles):
    page, chart = fetch(db_path, "/-/dashboards/publications", "/-/dashboards/publications/per-month")
    assert page.status_code == chart.status_code == 200
    # The chart library comes from this server, not from a CDN.
    assert "/-/static-plugins/datasette_dashboards/vega-lite.min.js" in page.text
    assert "<script src=\"http" not in page.text
    dashboard = load_metadata(DB)["plugins"]["datasette-dashboards"]["publications"]
    sql = replace_opts_in_query(dashboard["charts"]["per-month"]["query"], {})  # no filter set
    rows = get_json(db_path, f"/{DB}.json?sql={urllib.parse.quote(sql)}&_shape=array&_size=max")
    assert sum(row["articles"] for row in rows) == sum(1 for a in articles if a["published"])
    assert {row["category"] for row in rows} == {a["category"] for a in articles if a["published"]}


# --- read-only -----------------------------------------------------------------------------


def archive_state(path: Path) -> tuple:
    """What a write would change: every article and the statistics."""
    with Archive(path, must_exist=True) as archive:
        return list(archive.iter_articles()), archive.stats()


def test_nothing_can_write_through_datasette(db_path, tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(db_path, path)
    before = archive_state(path)
    writes = [
        "insert into crawls (start_url) values ('x')",
        "update articles set title = 'x'",
        "delete from articles",
        "drop table articles",
        "select 1; delete from articles",
        "pragma journal_mode = delete",
    ]
    responses = fetch(path, *(f"/{DB}.json?sql={urllib.parse.quote(sql)}" for sql in writes))
    for sql, response in zip(writes, responses):
        assert response.status_code == 400 and response.json()["ok"] is False, sql
    # The write API of later Datasettes, and a stored query: every POST is turned away.
    posts = fetch(path, f"/{DB}/articles/-/insert", f"/{DB}/articles/1/-/delete", f"/{DB}/-/create", f"/{DB}/search",
                  method="POST", json={"row": {"title": "x"}, "rows": [{"title": "x"}]})  # fmt: skip
    assert [response.status_code for response in posts] == [405] * 4
    assert "read-only" in posts[0].text
    assert archive_state(path) == before

    async def permissions() -> list:
        datasette = make_datasette(path)
        await datasette.invoke_startup()
        return [await datasette.permission_allowed(None, action, resource=(DB, "articles")) for action in sorted(WRITE_ACTIONS)] + [
            await datasette.permission_allowed(None, "execute-sql", resource=DB, default=True)
        ]  # fmt: skip

    *writes_allowed, sql_allowed = asyncio.run(permissions())
    assert not any(writes_allowed) and sql_allowed  # read-only SQL stays open


def test_serves_while_a_crawl_writes(db_path, tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(db_path, path)
    written, stop, errors = [], threading.Event(), []

    def crawl() -> None:
        # The pipeline's way of writing: one transaction per article, as fast as it can.
        with Archive(path) as archive:
            for n in range(10_000):
                if stop.is_set():
                    return
                try:
                    archive.save_article({"url": f"https://cchc.laichau.gov.vn/new-{n}.html", "title": f"Mới {n}",
                                          "published": "2025-06-01T08:00:00+07:00", "category": "Đảng bộ",
                                          "body_text": "Đảng bộ tỉnh " * 200}, "2025-06-01T08:00:00+07:00")  # fmt: skip
                except Exception as error:  # reported below, not lost in the thread
                    errors.append(repr(error))
                    return
                written.append(n)

    async def browse() -> list:
        datasette = make_datasette(path)
        await datasette.invoke_startup()
        statuses, deadline = [], time.monotonic() + 3
        while time.monotonic() < deadline or not written:
            for request in (f"/{DB}/articles.json?_search=dang+bo", f"/{DB}/search.json?q=dang+bo",
                            f"/{DB}/articles.json?_facet=year", f"/{DB}/publications_per_month.json"):  # fmt: skip
                response = await datasette.client.get(request)
                statuses.append((response.status_code, response.text[:200] if response.status_code != 200 else ""))
        return statuses

    writer = threading.Thread(target=crawl)
    writer.start()
    try:
        statuses = asyncio.run(browse())
    finally:
        stop.set()
        writer.join()
    assert not errors, errors
    assert written and statuses and all(status == (200, "") for status in statuses), [s for s in statuses if s[0] != 200][:3]
    rows = get_json(path, f"/{DB}/articles.json?category=%C4%90%E1%BA%A3ng+b%E1%BB%99&_size=0")
    assert rows["filtered_table_rows_count"] == len(written)


def test_an_older_archive_gains_its_year_column(db_path, tmp_path, articles):
    import sqlite_utils

    path = tmp_path / "archive.db"
    shutil.copy(db_path, path)
    old = sqlite_utils.Database(path)
    for index in old["articles"].indexes:  # as made before the column: no index on it either
        if "year" in index.columns:
            old.execute(f"DROP INDEX [{index.name}]")
    old["articles"].transform(drop={"year"})
    with Archive(path):
        pass
    facet = get_json(path, f"/{DB}/articles.json?_size=0")["facet_results"]["year"]["results"]
    assert {f["value"]: f["count"] for f in facet} == Counter(int(a["published"][:4]) for a in articles if a["published"])


# --- `cchc-archive serve` -------------------------------------------------------------------------


def cchc_archive() -> str:
    """The installed console script."""
    return str(Path(sys.executable).with_name("cchc-archive"))


def test_serve_command_runs_a_real_server(db_path, tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(db_path, path)
    server = subprocess.Popen([cchc_archive(), "serve", "--db", str(path), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        line = server.stdout.readline()
        assert line.startswith(f"Serving {path} at http://127.0.0.1:"), line + server.stderr.read()
        url = line.split(" at ")[1].split()[0]
        with urllib.request.urlopen(url + f"{DB}/articles.json?_search=dang+bo&_shape=array", timeout=30) as response:
            assert response.status == 200 and json.load(response)
        with urllib.request.urlopen(url + "-/metadata.json", timeout=30) as response:
            assert json.load(response)["source_url"] == "https://cchc.laichau.gov.vn/"
        # The port is taken now: a second server says so in one line.
        taken = subprocess.run([cchc_archive(), "serve", "--db", str(path), "--port", url.rsplit(":", 1)[1].strip("/")],
                               capture_output=True, text=True, timeout=60)  # fmt: skip
        assert taken.returncode == 1 and taken.stderr.strip().splitlines() == [
            f"Error: cannot listen on 127.0.0.1:{url.rsplit(':', 1)[1].strip('/')}: Address already in use"
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_command_without_archive_is_one_line(tmp_path):
    result = subprocess.run([cchc_archive(), "serve", "--db", str(tmp_path / "none.db")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"Error: archive not found: {tmp_path / 'none.db'}"]
    assert not (tmp_path / "none.db").exists()


def test_the_readme_examples_answer(db_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    links = sorted(set(re.findall(r"http://127\.0\.0\.1:8001(/archive/[^\s>'`)]+)", readme)))
    assert len(links) >= 4  # the three examples and the API call of the quick start
    for link in links:
        path, _, query = link.partition("?")
        if not path.endswith(".json"):
            path += ".json"
        rows = get_json(db_path, f"{path}?{query}&_shape=array")
        assert rows, link
