"""Search that tells the truth (crawler/browse/searching.py, the stored query `search`, crawler.archive.storage's
plan): in process with Datasette's own client, over a crawl of the replica by the real spider.

Every expectation is worked out here from the articles' own text, token by token over NFC
text, never through the FTS index or the code under test.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import unicodedata
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from crawler.browse.searching import PAGE_SIZE, parse_date
from crawler.browse.serve import load_metadata, make_datasette
from crawler.archive.storage import Archive

DB = "archive"  # Datasette names the database after the file: archive.db
FETCHED = "2025-01-01T00:00:00+07:00"
APART_URL = "https://cchc.laichau.gov.vn/tin-tuc/tinh-dang-trien-khai-9001.html"
PLAIN_URL = "https://cchc.laichau.gov.vn/tin-tuc/thu-khong-dau-9002.html"
TOKEN = re.compile(r"[^\W_]+")


def article(url: str, title: str, body_text: str, published: str, category: str) -> dict:
    return {"url": url, "title": title, "body_text": body_text, "published": published, "category": category,
            "content_sha256": url}  # fmt: skip


@pytest.fixture(scope="module")
def db_path(crawled, tmp_path_factory) -> Path:
    """A copy of the crawled archive, with an article holding only "đang … bộ" and one only "dang bo"."""
    path = tmp_path_factory.mktemp("searching") / "archive.db"
    shutil.copy(crawled.db_path, path)
    with Archive(path) as archive:
        archive.save_article(article(APART_URL, "Tỉnh đang triển khai kế hoạch năm 2021",
                                     "Các sở, ngành đang rà soát thủ tục theo hướng dẫn của Bộ Nội vụ.",
                                     "2021-01-21T09:00:00+07:00", "Tin CCHC của tỉnh"), FETCHED)  # fmt: skip
        archive.save_article(article(PLAIN_URL, "Thu khong dau", "Thu gui luc 7 gio: dang bo tinh hop sang nay.",
                                     "2021-01-20T09:00:00+07:00", "Tin CCHC của tỉnh"), FETCHED)  # fmt: skip
    return path


class Site:
    """One Datasette of the project on an archive, answering requests in process, in order."""

    def __init__(self, db_path: Path, max_returned_rows: int | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.datasette = make_datasette(db_path)
        if max_returned_rows:  # as `--setting max_returned_rows` sets it
            self.datasette._settings["max_returned_rows"] = self.datasette.max_returned_rows = max_returned_rows
        self.loop.run_until_complete(self.datasette.invoke_startup())

    def get(self, path: str):
        return self.loop.run_until_complete(self.datasette.client.get(path))

    def html(self, path: str) -> lxml.html.HtmlElement:
        response = self.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return lxml.html.fromstring(response.text)

    def json(self, path: str):
        response = self.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(scope="module")
def site(db_path) -> Iterator[Site]:
    site = Site(db_path)
    yield site
    site.close()


@pytest.fixture(scope="module")
def articles(db_path) -> list[dict]:
    """Every article with the text search covers: title, body and attachments."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(row) for row in conn.execute("SELECT id, url, title, body_text, attachment_text, published, category "
                                              "FROM articles")]  # fmt: skip
    conn.close()
    return rows


# --- the truth, from the text --------------------------------------------------------------


def fold(word: str) -> str:
    """A word without case or diacritics, đ as d: worked out here from Unicode, not crawler.text."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fields(row: dict) -> list[list[str]]:
    """The tokens of each field search covers, in NFC."""
    return [TOKEN.findall(unicodedata.normalize("NFC", row[name] or ""))
            for name in ("title", "body_text", "attachment_text")]  # fmt: skip


def holds_words_as_written(row: dict, words: list[str]) -> bool:
    tokens = {token.lower() for field in fields(row) for token in field}
    return all(word.lower() in tokens for word in words)


def holds_every_form(row: dict, words: list[str]) -> bool:
    tokens = {fold(token) for field in fields(row) for token in field}
    return all(fold(word) in tokens for word in words)


def side_by_side_spellings(row: dict, words: list[str]) -> set[str]:
    """How the row writes the words side by side within one field, in lower case ("đảng bộ")."""
    found = set()
    for field in fields(row):
        for i in range(len(field) - len(words) + 1):
            window = field[i : i + len(words)]
            if [fold(token) for token in window] == [fold(word) for word in words]:
                found.add(" ".join(window).lower())
    return found


def side_by_side_anywhere(row: dict, words: list[str]) -> bool:
    """The words side by side in the folded title, body and attachments run together (the folded copy)."""
    tokens = [fold(token) for field in fields(row) for token in field]
    target = [fold(word) for word in words]
    return any(tokens[i : i + len(target)] == target for i in range(len(tokens) - len(target) + 1))


def ids(rows, key: str = "article_id") -> list[int]:
    return [row[key] for row in rows]


def search_url(extension: str = "", **params: str) -> str:
    return f"/{DB}/search{extension}?" + urllib.parse.urlencode(params)


def all_results(site: Site, **params: str) -> list[dict]:
    """Every row of the stored query, page after page, as its JSON gives them."""
    rows, page = [], 1
    while True:
        batch = site.json(search_url(".json", **params, page=str(page), _shape="array"))
        if not batch:
            return rows
        rows += batch
        page += 1


def text(element) -> str:
    return " ".join(element.text_content().split())


# --- matching ----------------------------------------------------------------------------------


def test_a_query_with_diacritics_finds_only_those_words_as_written(site, db_path, articles):
    expected = {row["id"] for row in articles if holds_words_as_written(row, ["Đảng", "bộ"])}
    everywhere = {row["id"] for row in articles if holds_every_form(row, ["dang", "bo"])}
    apart, plain = (next(row["id"] for row in articles if row["url"] == url) for url in (APART_URL, PLAIN_URL))
    assert expected and {apart, plain} <= everywhere - expected  # so each check below can fail
    for query in ("Đảng bộ", "ĐẢNG BỘ", "đảng Bộ"):
        assert set(ids(all_results(site, q=query))) == expected, query
    with Archive(db_path, must_exist=True) as archive:
        by_url = {row["url"]: row["id"] for row in articles}
        assert {by_url[hit["url"]] for hit in archive.search("Đảng bộ", limit=1000)} == expected


def test_a_query_without_diacritics_finds_every_form_side_by_side_first(site, articles):
    expected = {row["id"] for row in articles if holds_every_form(row, ["dang", "bo"])}
    side_by_side = {row["id"] for row in articles if side_by_side_anywhere(row, ["dang", "bo"])}
    assert side_by_side and expected - side_by_side
    for query in ("dang bo", "DANG BO"):
        results = all_results(site, q=query)
        assert len(results) == len(expected) == len(set(ids(results)))
        assert set(ids(results)) == expected
        assert set(ids(results[: len(side_by_side)])) == side_by_side
        assert {row["matches"] for row in results} == {len(expected)}  # the JSON says how many in all


def forms_line(page) -> dict[str, tuple[int, str | None]]:
    """The forms line of a search page: label -> (count, link)."""
    (line,) = page.cssselect("p.cchc-forms")
    forms = {}
    for element in line.cssselect("a, span"):
        count = re.match(r"\s*([\d,]+)", element.tail or "")
        forms[text(element)] = (int(count.group(1).replace(",", "")), element.get("href"))
    return forms


def test_the_forms_found_are_counted_and_each_link_narrows_to_its_articles(site, articles):
    words = ["dang", "bo"]
    matching = [row for row in articles if holds_every_form(row, words)]
    spelled: dict[str, set[int]] = {}
    for row in matching:
        for spelling in side_by_side_spellings(row, words):
            spelled.setdefault(spelling, set()).add(row["id"])
    apart = {row["id"] for row in matching if not side_by_side_anywhere(row, words)}
    assert "đảng bộ" in spelled and "dang bo" in spelled and apart

    forms = forms_line(site.html(search_url(q="dang bo")))
    shown = {label.lower(): count for label, (count, _) in forms.items()}
    assert shown == {**{spelling: len(found) for spelling, found in spelled.items()}, "dang … bo (apart)": len(apart)}
    truth = {**{spelling: found for spelling, found in spelled.items()}, "dang … bo (apart)": apart}
    for label, (count, link) in forms.items():
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
        narrowed = all_results(site, **params)
        assert set(ids(narrowed)) == truth[label.lower()] and len(narrowed) == count, (label, link)
    # Narrowed to "Đảng bộ": the words as written, side by side; nothing holding only "đang … bộ".
    assert forms["Đảng bộ"][1] == search_url(q='"Đảng bộ"')


def test_the_forms_line_is_for_queries_without_diacritics(site):
    assert not site.html(search_url(q="Đảng bộ")).cssselect("p.cchc-forms")
    assert site.html(search_url(q="dang bo")).cssselect("p.cchc-forms")


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_list(crawled, tmp_path_factory) -> Iterator[tuple[Site, set[int]]]:
    """A copy of the crawled archive with 215 more articles on Pa Tần, and the ids of all holding it."""
    path = tmp_path_factory.mktemp("searching-pages") / "archive.db"
    shutil.copy(crawled.db_path, path)
    with Archive(path) as archive:
        for n in range(215):
            url = f"https://cchc.laichau.gov.vn/tin-tuc/pa-tan-{n}.html"
            published = f"2022-{n % 12 + 1:02d}-10T08:00:00+07:00"
            archive.save_article(article(url, f"Bản tin Pa Tần số {n}", f"Xã Pa Tần tổ chức hội nghị lần thứ {n}.",
                                         published, "Tin CCHC của tỉnh"), FETCHED)  # fmt: skip
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    everything = map(dict, conn.execute("SELECT id, title, body_text, attachment_text FROM articles"))
    holding = {row["id"] for row in everything if holds_every_form(row, ["pa", "tan"])}
    conn.close()
    site = Site(path)
    yield site, holding
    site.close()


def test_every_result_is_reachable_page_after_page(long_list):
    site, holding = long_list
    assert len(holding) > 4 * PAGE_SIZE
    path, seen, starts = search_url(q="pa tan"), [], []
    while path:
        page = site.html(path)
        count = text(page.cssselect("p.cchc-count")[0])
        assert count.startswith(f"{len(holding):,} results"), count
        (listing,) = page.cssselect("ol.cchc-results")
        starts.append(int(listing.get("start")))
        for item in listing.cssselect("li"):
            seen.append(int(item.cssselect("a.cchc-result-title")[0].get("href").rsplit("/", 1)[1]))
        following = page.cssselect("a[rel=next]")
        path = following[0].get("href") if following else None
    assert starts == [1 + PAGE_SIZE * n for n in range(len(starts))]
    assert len(seen) == len(holding) == len(set(seen)) and set(seen) == holding  # result 201 among them
    fifth = text(site.html(search_url(q="pa tan", page="5")).cssselect("p.cchc-count")[0])
    assert f"Results 201–{min(250, len(holding))}, page 5 of" in fifth


def test_a_page_past_the_end_says_so(long_list):
    site, holding = long_list
    page = site.html(search_url(q="pa tan", page="99"))
    assert not page.cssselect("ol.cchc-results")
    assert f"Page 99 is past the end: {len(holding):,} results" in text(page)
    assert page.cssselect("a[rel=prev]") == []  # nothing to go back to from beyond the end but the first page


def test_a_page_cut_by_datasette_says_so(long_list):
    site, _ = long_list
    small = Site(Path(site.datasette.databases[DB].path), max_returned_rows=20)
    try:
        page = small.html(search_url(q="pa tan"))
    finally:
        small.close()
    assert len(page.cssselect("ol.cchc-results li")) == 20
    warning = text(page.cssselect("p.message-warning")[0])
    assert "Datasette stops at 20 rows" in warning and "next page" in warning


def test_the_stored_query_pages_by_the_page_size_of_the_page(db_path):
    sql = load_metadata(DB)["databases"][DB]["queries"]["search"]["sql"]
    assert f"limit {PAGE_SIZE} offset {PAGE_SIZE} * (max(cast(:page as integer), 1) - 1)" in sql


# --- dates and categories --------------------------------------------------------------------


def test_dates_are_read_as_iso_or_day_month_year():
    assert parse_date("21/01/2021") == parse_date("2021-01-21") == parse_date("21.1.2021") == "2021-01-21"
    assert parse_date("") == ""
    for bad in ("2021-13-45", "21/13/2021", "31/02/2021", "yesterday", "2021"):
        assert parse_date(bad) is None, bad


def test_a_day_month_year_date_limits_the_search(site, articles):
    expected = {row["id"] for row in articles if holds_every_form(row, ["dang", "bo"])
                and (row["published"] or "")[:10] >= "2021-01-21"}  # fmt: skip
    assert expected
    assert set(ids(all_results(site, q="dang bo", since="21/01/2021"))) == expected
    page = site.html(search_url(q="dang bo", since="21/01/2021"))
    assert page.cssselect("input#cchc-since")[0].get("type") == "date"
    assert page.cssselect("input#cchc-since")[0].get("value") == "2021-01-21"  # what a date picker shows
    assert not page.cssselect(".message-error")


@pytest.mark.parametrize(("name", "value"), [("since", "2021-13-45"), ("until", "21/13/2021")])
def test_a_date_that_is_not_one_is_a_message(site, name, value):
    page = site.html(search_url(q="dang bo", **{name: value}))
    (message,) = page.cssselect("p.message-error")
    assert f"“{value}” is not a date" in text(message)
    assert not page.cssselect("ol.cchc-results")
    response = site.get(search_url(".json", q="dang bo", **{name: value}))
    assert response.status_code == 400 and f"“{value}” is not a date" in response.json()["error"]


def test_the_category_is_chosen_from_the_archive_s_categories(site, articles):
    page = site.html(search_url(q="dang bo"))
    (select,) = page.cssselect("select[name=category]")
    options = [option.get("value") for option in select.cssselect("option")]
    assert options[0] == "" and sorted(options[1:]) == sorted({row["category"] for row in articles if row["category"]})
    category = "Tin CCHC của tỉnh"
    chosen = site.html(search_url(q="dang bo", category=category))
    assert [o.get("value") for o in chosen.cssselect("select[name=category] option[selected]")] == [category]
    results = all_results(site, q="dang bo", category=category)
    assert results and {row["category"] for row in results} == {category}


# --- what the page says --------------------------------------------------------------------------


def test_title_and_heading_are_words_and_the_sql_waits_in_a_summary(site):
    for params, words in (({}, "Search the archive"), ({"q": "dang bo"}, "Results for “dang bo”")):
        page = site.html(search_url(**params))
        assert text(page.cssselect("h1")[0]) == words
        assert text(page.cssselect("title")[0]).startswith(words)
        assert "select" not in text(page.cssselect("title")[0]).lower()
        (details,) = page.cssselect("details.cchc-sql")
        assert "cchc_search_match(:q)" in text(details.cssselect("pre")[0])
        assert details.get("open") is None
        assert "Custom SQL query" not in text(page)
        sql_shown = [pre for pre in page.cssselect("pre, textarea") if "cchc_search_match" in text(pre)]
        assert [pre.getparent() for pre in sql_shown] == [details]


def test_results_show_snippets_with_the_words_marked(site, articles):
    page = site.html(search_url(q="Đảng bộ"))
    marks = [text(mark) for mark in page.cssselect("ol.cchc-results .cchc-result-snippet mark")]
    assert marks and {mark.lower() for mark in marks} <= {"đảng bộ", "đảng", "bộ"}
    assert "Results for “Đảng bộ”" == text(page.cssselect("h1")[0])


def test_a_query_that_is_not_valid_syntax_is_searched_as_words_and_said(site):
    page = site.html(search_url(q='"Đảng bộ'))
    assert "not valid search syntax" in text(page.cssselect("p.message-error")[0])
    assert page.cssselect("ol.cchc-results")


# --- the articles table's search box ------------------------------------------------------------


def submit_search_box(site: Site, words: str) -> str:
    """The articles table's form as a browser submits it, `words` in its search box: the address it ends at."""
    (form,) = site.html(f"/{DB}/articles").cssselect("form.filters")
    fields = [("_search", words)]
    for element in form.cssselect("input[name], select[name]"):
        name = element.get("name")
        if name == "_search" or element.get("type") == "submit":
            continue
        if element.tag == "select":
            chosen = element.cssselect("option[selected]") or element.cssselect("option")[:1]
            fields.append((name, chosen[0].get("value", chosen[0].text or "") if chosen else ""))
        elif element.get("type") != "checkbox" or element.get("checked") is not None:
            fields.append((name, element.get("value") or ("on" if element.get("type") == "checkbox" else "")))
    path = f"{form.get('action')}?{urllib.parse.urlencode(fields)}"
    for _ in range(5):
        response = site.get(path)
        if response.status_code not in (301, 302):
            return path
        path = response.headers["location"]
    raise AssertionError(f"redirected too many times: {path}")


def test_the_front_page_and_the_table_search_box_lead_to_the_search_page(site):
    assert site.html("/").cssselect(f'a[href="/{DB}/search"]')
    final = urllib.parse.urlsplit(submit_search_box(site, "Đảng bộ"))
    assert final.path == f"/{DB}/search" and dict(urllib.parse.parse_qsl(final.query)) == {"q": "Đảng bộ"}
    response = site.get(f"/{DB}/articles?_search=dang+bo")
    assert response.status_code == 302 and response.headers["location"] == search_url(q="dang bo")
    response = site.get(f"/{DB}/articles?_search=dang+bo&category=Ch%E1%BB%89+s%E1%BB%91+CCHC&year=2021&_facet=year")
    location = urllib.parse.urlsplit(response.headers["location"])
    assert location.path == f"/{DB}/search"
    expected = {"q": "dang bo", "since": "2021-01-01", "until": "2021-12-31", "category": "Chỉ số CCHC"}
    assert dict(urllib.parse.parse_qsl(location.query)) == expected
    # A filter the search page has no equivalent for keeps the table.
    assert site.get(f"/{DB}/articles?_search=dang+bo&extraction_method=generic").status_code == 200


@pytest.mark.parametrize("query", ["Đảng bộ", "dang bo"])
def test_the_table_search_follows_the_same_rules(site, articles, query):
    holds = holds_words_as_written if query == "Đảng bộ" else holds_every_form
    expected = {row["id"] for row in articles if holds(row, query.split())}
    q = urllib.parse.quote(query)
    rows = site.json(f"/{DB}/articles.json?_search={q}&_shape=array&_size=max&_col=published")
    assert {row["id"] for row in rows} == expected
    assert [row["published"] or "" for row in rows] == sorted((row["published"] or "" for row in rows), reverse=True)
    how = "as written" if query == "Đảng bộ" else "in every form"
    description = site.json(f"/{DB}/articles.json?_search={q}&_size=0")["human_description_en"]
    assert description == f'where search matches "{query}" {how} sorted by published descending'
    # Asked for a sort, the table itself answers, with the same articles.
    page = site.html(f"/{DB}/articles?_search={q}&_sort=id&_size=max")
    shown = {int(text(cell)) for cell in page.cssselect("table.rows-and-columns td.col-id")}
    assert shown == expected
    assert page.cssselect("input[name=_search]")[0].get("value") == query


def test_a_malformed_raw_table_search_is_a_400_with_fts5_s_reason(site):
    response = site.get(f"/{DB}/articles.json?_search=%22unbalanced&_searchmode=raw")
    assert response.status_code == 400 and response.json()["error"] == "unterminated string"
