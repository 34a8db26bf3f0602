"""The reading room (crawler/browse/reading.py): an article's page, tables that fit a screen, CSV for
spreadsheets, the dashboard's colours and the front page, in process with Datasette's own
client over a crawl of the replica by the real spider."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import importlib.util
import io
import json
import re
import shutil
import sqlite3
import urllib.parse
from pathlib import Path

import lxml.html
import pytest
from datasette.app import Datasette
from datasette.utils import tilde_encode
from datasette_dashboards import replace_opts_in_query

from crawler.browse import serve
from crawler.crawl.middlewares import default_warc_dir
from crawler.browse.reading import ARTICLE_COLUMNS, CSV_BOM, citation, revision_diff, rewrite_images
from crawler.browse.serve import make_datasette
from crawler.archive.storage import Archive

DB = "archive"
SITE_NAME = "Trang thông tin điện tử cải cách hành chính tỉnh Lai Châu"
# The capture routes belong to crawler/browse/captures.py; where it is part of the server, the
# links this page makes into it must answer.
CAPTURES = "crawler.browse.captures" in serve.PLUGIN_MODULES and importlib.util.find_spec("crawler.browse.captures") is not None


@pytest.fixture(scope="module")
def db_path(crawled, tmp_path_factory) -> Path:
    """A copy of the crawled archive with its WARC captures, as archive.db."""
    path = tmp_path_factory.mktemp("reading") / "archive.db"
    shutil.copy(crawled.db_path, path)
    if default_warc_dir(crawled.db_path).is_dir():
        shutil.copytree(default_warc_dir(crawled.db_path), default_warc_dir(path))
    return path


def fetch(db_path: Path, *paths: str) -> list:
    """Responses of a fresh Datasette of the project on `db_path`, one per path."""

    async def run() -> list:
        datasette = make_datasette(db_path)
        await datasette.invoke_startup()
        return [await datasette.client.get(path) for path in paths]

    return asyncio.run(run())


def rows(db_path: Path, sql: str, *params) -> list[dict]:
    """The rows of a query on the archive, read directly."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def page_of(db_path: Path, article_id: int):
    """The article's page, parsed, with its text as one line of single spaces."""
    (response,) = fetch(db_path, f"/{DB}/articles/{article_id}")
    assert response.status_code == 200, response.text[:500]
    tree = lxml.html.fromstring(response.text)
    return tree, squash(tree.text_content())


def squash(text: str) -> str:
    return " ".join(text.split())


def hrefs(element) -> list[str]:
    return [a.get("href") for a in element.iter("a") if a.get("href") is not None]


def capture(url: str, download: bool = False) -> str:
    return "/-/capture?url=" + urllib.parse.quote(url, safe="") + ("&download=1" if download else "")


def article_link(article_id: int) -> str:
    return f"/{DB}/articles/{article_id}"


# Articles worth reading, each for what its page must show besides the article.
PICKS = {
    "images": """SELECT a.id FROM articles AS a WHERE EXISTS (
        SELECT 1 FROM images WHERE article_url = a.url) ORDER BY a.id""",
    "attachments": """SELECT a.id FROM articles AS a WHERE EXISTS (
        SELECT 1 FROM attachments AS t JOIN attachment_files AS f ON f.url = t.url
        WHERE t.article_url = a.url AND f.error IS NOT NULL) ORDER BY a.id""",
    "documents": """SELECT a.id FROM articles AS a WHERE EXISTS (
        SELECT 1 FROM legal_refs AS r JOIN documents AS d ON d.url = r.document_url
        WHERE r.source_url = a.url AND r.source_kind = 'article') ORDER BY a.id""",
    "cited": """SELECT a.id FROM articles AS a JOIN links AS l ON l.to_url = a.url
        WHERE l.kind IN ('related', 'body') AND l.from_url != l.to_url GROUP BY a.id ORDER BY count(*) DESC, a.id""",
}


@pytest.fixture(params=sorted(PICKS))
def article(request, db_path) -> dict:
    """An archived article of each kind in PICKS, with everything around it read directly."""
    found = rows(db_path, PICKS[request.param])
    assert found, f"the replica holds no article for {request.param}"
    (article,) = rows(db_path, "SELECT * FROM articles WHERE id = ?", found[0]["id"])
    return article


# --- an article's page ----------------------------------------------------------------------


def test_the_article_page_reads_as_an_article(db_path, article):
    tree, text = page_of(db_path, article["id"])
    assert squash(tree.findtext(".//title")) == article["title"]
    (h1,) = tree.xpath("//article//h1")
    assert squash(h1.text_content()) == article["title"]
    # The date as the site prints it and in ISO.
    facts = squash(tree.xpath("//p[@class='cchc-article-facts']")[0].text_content())
    assert article["published_raw"] in facts and article["published"] in facts
    assert tree.xpath(f"//time[@datetime='{article['published']}']")
    # The category and each breadcrumb item open the articles table filtered by them.
    links = hrefs(tree.xpath("//div[@class='cchc-article-header']")[0])
    category = f"/{DB}/articles?" + urllib.parse.urlencode({"category": article["category"]})
    assert category in links
    for item in json.loads(article["breadcrumb"]):
        if item != article["category"]:
            contains = urllib.parse.urlencode({"breadcrumb__contains": json.dumps(item, ensure_ascii=False)})
            assert f"/{DB}/articles?{contains}" in links, item
    # The body once: not as text, HTML and folded text one after the other.
    paragraph = next(p for p in article["body_text"].split("\n\n") if len(p) > 60)
    sentence = squash(re.split(r"(?<=[.!?])\s", paragraph)[0])
    assert text.count(sentence) == 1, sentence
    assert squash(article["search_folded"])[:80] not in text
    assert article["content_sha256"] not in text  # the full hash is the JSON's, not the reader's
    # Where it comes from, and how to cite it.
    assert article["url"] in hrefs(tree)
    assert "/-/archived?url=" + urllib.parse.quote(article["url"], safe="") in hrefs(tree)
    title = article["title"]
    day = "/".join(reversed(article["published"][:10].split("-")))
    host = urllib.parse.urlsplit(article["url"]).netloc  # the replica is not the site: its host names it
    end = "" if title[-1] in ".?!" else "."
    expected = f'"{title}{end}" {host}, {day}. {article["url"]} (archived {article["last_fetched"][:10]}).'
    assert squash(tree.get_element_by_id("cchc-citation").text_content()) == expected
    assert tree.xpath("//button[@class='cchc-copy' and @hidden]")  # shown by the script only, where it can copy


def test_images_come_from_the_archive(db_path, article):
    tree, _ = page_of(db_path, article["id"])
    images = rows(db_path, "SELECT src FROM images WHERE article_url = ?", article["url"])
    sources = [img.get("src") for img in tree.xpath("//article//img")]
    assert all(src.startswith("/-/capture?url=") for src in sources), sources
    body = [img.get("src") for img in tree.xpath("//div[@class='cchc-article-body']//img")]
    assert {capture(image["src"]) for image in images} <= set(sources)
    if images:
        assert body, "the body shows its images"
    if CAPTURES and sources:
        (response,) = fetch(db_path, sources[0])
        assert response.status_code == 200 and response.headers["content-type"].startswith("image/")


def test_attachments_with_kind_size_and_text_or_why_not(db_path, article):
    tree, _ = page_of(db_path, article["id"])
    files = rows(db_path, """SELECT t.url, t.name, f.kind, f.size, f.text, f.error, f.status
                             FROM attachments AS t LEFT JOIN attachment_files AS f ON f.url = t.url
                             WHERE t.article_url = ?""", article["url"])
    if not files:
        assert not tree.xpath("//section[@id='attachments']")
        return
    items = tree.xpath("//ul[@class='cchc-attachments']/li")
    assert len(items) == len(files)
    for item, file in zip(items, files):
        said = squash(item.text_content())
        assert (file["name"] or "") in said and file["url"] in hrefs(item)
        if file["status"] == 200:
            assert file["kind"].upper() in said and re.search(r"\d+(\.\d)? (bytes|KB|MB)", said), said
            assert capture(file["url"], download=True) in hrefs(item)
        if file["text"]:
            assert squash(file["text"])[:200] in said
        elif file["error"]:
            assert f"No text: {squash(file['error'])}" in said
        else:
            assert "No text:" in said
    if article["id"] == rows(db_path, PICKS["attachments"])[0]["id"]:
        assert any(file["error"] for file in files) and any(file["text"] for file in files)
        if CAPTURES:
            download = next(capture(f["url"], download=True) for f in files if f["status"] == 200)
            (response,) = fetch(db_path, download)
            assert response.status_code == 200 and "attachment" in response.headers.get("content-disposition", "")


def test_related_latest_and_citing_articles_open_in_the_archive(db_path, article):
    tree, text = page_of(db_path, article["id"])
    ids = {row["url"]: row["id"] for row in rows(db_path, "SELECT id, url FROM articles")}

    def expected(urls: list[str]) -> set[str]:
        return {article_link(ids[url]) if url in ids else url for url in urls}

    outgoing = rows(db_path, "SELECT to_url, kind FROM links WHERE from_url = ?", article["url"])
    citing = rows(db_path, """SELECT from_url FROM links WHERE to_url = ? AND kind IN ('related', 'body')
                              AND from_url != to_url""", article["url"])
    for list_id, urls in (
        ("cchc-related", [link["to_url"] for link in outgoing if link["kind"] == "related"]),
        ("cchc-latest", [link["to_url"] for link in outgoing if link["kind"] == "latest"]),
        ("cchc-citing", [link["from_url"] for link in citing]),
    ):
        shown = tree.xpath(f"//ul[@id='{list_id}']")
        assert set(hrefs(shown[0]) if shown else []) == expected(urls), list_id
        for item in shown[0] if shown else []:
            if not item.xpath("./a")[0].get("href").startswith(f"/{DB}/articles/"):
                assert "(not archived)" in item.text_content()
    if article["id"] == rows(db_path, PICKS["cited"])[0]["id"]:
        assert citing and tree.xpath("//ul[@id='cchc-citing']/li//a[starts-with(@href, '/archive/articles/')]")
        assert "lists it as related" in text or "links to it in its text" in text
    # Every link to an archived article opens its page.
    some = next((href for href in hrefs(tree) if re.fullmatch(rf"/{DB}/articles/\d+", href)), None)
    if some:
        (response,) = fetch(db_path, some)
        assert response.status_code == 200


def test_legal_references_link_to_citing_articles_and_the_document(db_path, article):
    tree, _ = page_of(db_path, article["id"])
    refs = rows(db_path, """SELECT r.number, r.document_url, d.url AS archived FROM legal_refs AS r
                            LEFT JOIN documents AS d ON d.url = r.document_url
                            WHERE r.source_url = ? AND r.source_kind = 'article'""", article["url"])
    items = tree.xpath("//ul[@class='cchc-references']/li")
    assert len(items) == len({ref["number"] for ref in refs})
    links = {href for item in items for href in hrefs(item)}
    for ref in refs:
        assert f"/{DB}/citing_articles?" + urllib.parse.urlencode({"number": ref["number"]}) in links
        document = f"/{DB}/documents/{tilde_encode(ref['document_url'])}" if ref["document_url"] else None
        assert (document in links) == bool(ref["archived"]), ref
    if article["id"] == rows(db_path, PICKS["documents"])[0]["id"]:
        ref = next(ref for ref in refs if ref["archived"])
        citing, document = fetch(db_path, f"/{DB}/citing_articles?" + urllib.parse.urlencode({"number": ref["number"]}),
                                 f"/{DB}/documents/{tilde_encode(ref['document_url'])}")  # fmt: skip
        assert citing.status_code == document.status_code == 200
        assert f'href="{article_link(article["id"])}"' in citing.text


def test_revisions_show_what_changed(db_path, tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(db_path, path)
    (article,) = rows(path, f"SELECT * FROM articles WHERE id = ({PICKS['cited']} LIMIT 1)")
    old, *rest = article["body_text"].split("\n\n")
    new = old.replace("cải cách", "CẢI CÁCH", 1) if "cải cách" in old else old + " (đã sửa)"
    body_text = "\n\n".join([new, *rest])
    changed = {**article, "body_text": body_text, "breadcrumb": json.loads(article["breadcrumb"]),
               "content_sha256": hashlib.sha256(f"{article['title']}\n\n{body_text}".encode()).hexdigest()}  # fmt: skip
    with Archive(path) as archive:
        assert archive.save_article(changed, "2026-12-24T09:00:00+07:00") == "changed"
    tree, _ = page_of(path, article["id"])
    versions = tree.xpath("//ol[@class='cchc-revisions']/li")
    assert len(versions) == 2 and "2026-12-24T09:00:00+07:00" in versions[1].text_content()
    assert not versions[0].xpath(".//pre")  # the first version has nothing to compare with
    diff = [squash(span.text_content()) for span in versions[1].xpath(".//pre/span")]
    assert diff == [squash(line) for line in revision_diff(article["body_text"], body_text, "version 1", "version 2")]
    assert squash("-" + old) in diff and squash("+" + new) in diff
    assert versions[1].xpath(".//span[@class='cchc-diff-added' and contains(., $new)]", new=new[:40])
    assert versions[1].xpath(".//span[@class='cchc-diff-removed' and contains(., $old)]", old=old[:40])


def test_citation_names_the_site_and_dates_as_the_site_writes_them():
    url = "https://cchc.laichau.gov.vn/tin-tuc/bai-viet-1234.html"
    assert citation("Hội nghị triển khai", url, "2021-09-24T12:00:00+07:00", "2026-11-30T08:00:00+07:00") == (
        f'"Hội nghị triển khai." {SITE_NAME}, 24/09/2021. {url} (archived 2026-11-30).'
    )
    assert citation("Hỏi đáp?", url, None, None) == f'"Hỏi đáp?" {SITE_NAME}, n.d. {url}.'
    other = citation("Tin", "https://example.org/a.html", "2020-01-02", "2021-03-04")
    assert other == '"Tin." example.org, 02/01/2020. https://example.org/a.html (archived 2021-03-04).'


def test_the_body_is_cleaned_and_its_images_point_into_the_archive():
    html = ('<p>Đảng bộ</p><img src="/Uploads/a.jpg" onerror="alert(1)"><img src="data:image/png;base64,AAAA">'
            '<script>alert(2)</script><a href="https://cchc.laichau.gov.vn/x.html">x</a>')  # fmt: skip
    cleaned = rewrite_images(html, "https://cchc.laichau.gov.vn/tin/bai-1.html", capture)
    assert f'<img src="{capture("https://cchc.laichau.gov.vn/Uploads/a.jpg")}">' in cleaned.replace("&amp;", "&")
    assert "data:" not in cleaned and "alert" not in cleaned and "onerror" not in cleaned
    assert 'href="https://cchc.laichau.gov.vn/x.html"' in cleaned  # links stay links to the site


def test_an_article_on_the_site_is_cited_by_the_site_name(db_path, tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(db_path, path)
    url = "https://cchc.laichau.gov.vn/tin-tuc/hoi-nghi-9999.html"
    with Archive(path) as archive:
        archive.save_article({"url": url, "title": "Hội nghị", "published": "2021-09-24T12:00:00+07:00",
                              "published_raw": "24/09/2021 12:00:00 CH", "body_text": "Nội dung.",
                              "body_html": '<p>Nội dung.</p><img src="/Uploads/h.jpg">'},
                             "2026-11-30T08:00:00+07:00")  # fmt: skip
    ((row_id,),) = [tuple(r.values()) for r in rows(path, "SELECT id FROM articles WHERE url = ?", url)]
    tree, text = page_of(path, row_id)
    assert f'"Hội nghị." {SITE_NAME}, 24/09/2021. {url} (archived 2026-11-30).' in text
    images = [img.get("src") for img in tree.xpath("//article//img")]
    assert images == [capture("https://cchc.laichau.gov.vn/Uploads/h.jpg")]
    assert "24/09/2021 12:00:00 CH" in text and not tree.xpath("//section[@id='attachments']")


def test_history_command_prints_the_same_diff():
    assert revision_diff("a\n\nb", "a\n\nc", "version 1", "version 2") == [
        "--- version 1", "+++ version 2", "@@ -1,3 +1,3 @@", " a", " ", "-b", "+c"
    ]  # fmt: skip


# --- tables ---------------------------------------------------------------------------------------


def test_articles_table_shows_its_reading_columns(db_path):
    (page, data, body, most) = fetch(db_path, f"/{DB}/articles", f"/{DB}/articles.json",
                                     f"/{DB}/articles.json?_col=body_text&_size=5",
                                     f"/{DB}/articles.json?_nocol=search_folded&_size=1")  # fmt: skip
    assert data.status_code == 200 and data.json()["columns"] == ["id", *ARTICLE_COLUMNS]
    assert len(data.json()["rows"]) == 50 and len(data.content) < 100_000, len(data.content)
    # The long columns are one _col= away, or all but one with _nocol=.
    texts = {r["id"]: r["body_text"] for r in rows(db_path, "SELECT id, body_text FROM articles")}
    assert body.json()["columns"] == ["id", "body_text"]
    assert all(text == texts[row_id] for row_id, text in body.json()["rows"])
    every = [r["name"] for r in rows(db_path, "SELECT name FROM pragma_table_info('articles')")]
    assert most.json()["columns"] == [c for c in every if c != "search_folded"]
    # In HTML: the title opens the article; the number of attachments closes the row.
    tree = lxml.html.fromstring(page.text)
    heads = [squash(th.text_content()) for th in tree.xpath("//table[@class='rows-and-columns']/thead//th")]
    assert [h.rstrip(" ▼▲").strip() for h in heads] == ["id", *ARTICLE_COLUMNS, "attachments"]
    counts = {r["id"]: r["n"] for r in rows(db_path, """SELECT a.id, count(t.url) AS n FROM articles AS a
                                                        LEFT JOIN attachments AS t ON t.article_url = a.url
                                                        GROUP BY a.id""")}
    published = {r["id"]: r["published"] for r in rows(db_path, "SELECT id, published FROM articles")}
    shown = tree.xpath("//table[@class='rows-and-columns']/tbody/tr")
    assert len(shown) == 50
    for tr in shown:
        row_id = int(tr.xpath("./td[@class='col-id type-pk']")[0].text_content())
        (title,) = tr.xpath("./td[contains(@class, 'col-title')]/a")
        assert title.get("href") == article_link(row_id)
        (attachments,) = tr.xpath("./td[contains(@class, 'col-cchc-attachments')]")
        assert squash(attachments.text_content()) == str(counts[row_id] or "")
        (day,) = tr.xpath("./td[contains(@class, 'col-published')]/time")  # the day; the rest on hovering
        assert day.text == published[row_id][:10] and day.get("datetime") == published[row_id]
    assert any(counts[int(tr.xpath("./td[@class='col-id type-pk']")[0].text_content())] for tr in shown)


def test_csv_opens_in_a_spreadsheet_with_its_diacritics(db_path):
    table, query, download = fetch(db_path, f"/{DB}/articles.csv",
                                   f"/{DB}/search.csv?q=dang+bo&since=&until=&category=",
                                   f"/{DB}/articles.csv?_dl=1&_col=title&_col=category")  # fmt: skip
    for response in (table, query, download):
        assert response.status_code == 200 and response.content.startswith(CSV_BOM), response.content[:20]
        assert response.content.count(CSV_BOM) == 1
        if "content-length" in response.headers:
            assert int(response.headers["content-length"]) == len(response.content)
    header, *records = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert header == ["id", *ARTICLE_COLUMNS]
    titles = {r["id"]: r["title"] for r in rows(db_path, "SELECT id, title FROM articles")}
    assert records and all(titles[int(record[0])] == record[1] for record in records)
    assert any("ả" in record[1] or "ệ" in record[1] for record in records)
    assert download.headers["content-type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(download.content.decode("utf-8-sig")))) == ["id", "title", "category"]


def test_another_datasette_in_the_process_is_left_alone(db_path):
    make_datasette(db_path)  # registers the project's plugins in this process

    async def run() -> list:
        plain = Datasette([str(db_path)])
        await plain.invoke_startup()
        return [await plain.client.get(f"/{DB}/articles.{kind}?_size=1") for kind in ("json", "csv")]

    data, table = asyncio.run(run())
    assert "search_folded" in data.json()["columns"] and not table.content.startswith(CSV_BOM)


# --- the dashboard and the front page ---------------------------------------------------------------


def test_dashboard_keeps_one_colour_per_category_and_whole_counts(db_path):
    dashboard = "/-/dashboards/publications?since=2021-03-10&until=2025-02-01"
    (metadata, page) = fetch(db_path, "/-/metadata.json", dashboard)
    charts = metadata.json()["plugins"]["datasette-dashboards"]["publications"]["charts"]
    found = rows(db_path, "SELECT DISTINCT coalesce(category, '(none)') AS c FROM articles")
    categories = sorted(r["c"] for r in found)
    for name in ("categories", "per-month"):
        encoding = charts[name]["display"]["encoding"]
        scale = encoding["color"]["scale"]
        assert scale["domain"] == categories and len(scale["range"]) == len(categories)
        assert len(set(scale["range"])) == len(categories)  # no two categories alike
        counted = encoding["x" if name == "categories" else "y"]
        assert counted["axis"] == {"format": "d", "tickMinStep": 1}
    assert page.status_code == 200 and '"domain"' in page.text  # the page draws with the same scale
    # The chart spans the dates chosen, even without articles in their months.
    options = {"since": "2019-01-15", "until": "2026-06-30"}
    sql = replace_opts_in_query(charts["per-month"]["query"], options)
    query = urllib.parse.urlencode({"sql": sql, **options, "_shape": "array", "_size": "max"})
    (response,) = fetch(db_path, f"/{DB}.json?{query}")
    months = response.json()
    assert months[0]["month"] == "2019-01-01" and months[-1]["month"] == "2026-06-01"
    in_range = rows(db_path, "SELECT count(*) AS n FROM articles WHERE substr(published, 1, 10) BETWEEN ? AND ?",
                    options["since"], options["until"])
    assert sum(m["articles"] for m in months) == in_range[0]["n"]
    assert {m["category"] for m in months} <= set(categories)


def test_front_page_lists_articles_first(db_path):
    (page,) = fetch(db_path, "/")
    tree = lxml.html.fromstring(page.text)
    (tables,) = tree.xpath("//p[@class='cchc-tables']")
    listed = [a.text_content() for a in tables.iter("a")]
    assert listed[0] == "articles" and listed.count("articles") == 1 and len(listed) > 2
    assert tables.xpath("./a")[0].get("href") == f"/{DB}/articles"
