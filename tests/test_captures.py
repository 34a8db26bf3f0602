"""The reading room's captures (crawler/browse/captures.py): images archived by the real spider over
real HTTP, read back from the real WARC files by Datasette in process, with the site gone."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from crawler.browse.captures import CSP, content_disposition, index_lines, payload_of
from crawler.replica import Resource, ReplicaServer, build_replica
from crawler.browse.serve import make_datasette
from crawler.archive.warc import INDEX_NAME, Exchange, WarcWriter, index

from .conftest import run_scrapy_crawl

# Attributes whose value is an address a browser loads or follows.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "background", "xlink:href", "cite"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]*)""", re.IGNORECASE)


def fetch(db_path: Path, *paths: str, warc_dir: Path | None = None) -> list:
    """Responses of a fresh Datasette of the project on `db_path`, one per path."""

    async def run() -> list:
        datasette = make_datasette(db_path, warc_dir=warc_dir)
        await datasette.invoke_startup()
        return [await datasette.client.get(path) for path in paths]

    return asyncio.run(run())


def capture_path(url: str, download: bool = False) -> str:
    return "/-/capture?" + urllib.parse.urlencode({"url": url}) + ("&download=1" if download else "")


def archived_path(url: str) -> str:
    return "/-/archived?" + urllib.parse.urlencode({"url": url})


def rows(db_path: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def image_urls(db_path: Path, article_url: str) -> list[str]:
    """The `src` of every image of the article's stored body_html, as a reader's browser gets it."""
    ((body_html,),) = rows(db_path, "SELECT body_html FROM articles WHERE url = ?", article_url)
    return [img.get("src") for img in lxml.html.fragment_fromstring(body_html, create_parent="div").iter("img")]


def unreachable(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=10).close()
    except (urllib.error.URLError, OSError):
        return True
    return False


# --- images archived by the crawl ---------------------------------------------------------


def test_images_of_articles_are_archived_as_image_pages(crawled, replica):
    base = crawled.url
    expected = {base + image["src"] for article in replica.articles for image in article.images}
    assert expected
    pages = {url: (status, kind, warc_file) for url, status, kind, warc_file in rows(
        crawled.db_path, "SELECT url, status, page_type, warc_file FROM pages WHERE page_type = 'image'")}  # fmt: skip
    assert set(pages) == expected
    assert all(status == 200 and warc_file for status, _, warc_file in pages.values())
    # An image is no attachment: no row of attachment_files, no text read from it.
    marks = ", ".join("?" * len(expected))
    assert rows(crawled.db_path, f"SELECT url FROM attachment_files WHERE url IN ({marks})", *expected) == []
    # Requested once each, like every page of the crawl.
    requested = [path for _, path, _ in crawled.requests]
    for article in replica.articles:
        for image in article.images:
            assert requested.count(image["src"]) == 1, image["src"]
    # The addresses a reader's browser gets are absolute, in images and in body_html alike.
    for article in replica.articles:
        url = base + article.path
        stored = rows(crawled.db_path, "SELECT src FROM images WHERE article_url = ? ORDER BY rowid", url)
        srcs = [src for (src,) in stored]
        assert srcs == [base + image["src"] for image in article.images]
        assert image_urls(crawled.db_path, url) == srcs


def test_with_the_site_gone_every_article_shows_its_images_from_the_archive(crawled, replica):
    assert unreachable(crawled.url + "/"), "the replica of the crawl is still serving"
    base = crawled.url
    articles = [article for article in replica.articles if article.images]
    paths = [capture_path(src) for article in articles for src in image_urls(crawled.db_path, base + article.path)]
    assert len(paths) == sum(len(article.images) for article in articles)
    responses = dict(zip(paths, fetch(crawled.db_path, *paths)))
    for article in articles:
        for image in article.images:
            response = responses[capture_path(base + image["src"])]
            served = replica.get(image["src"])
            assert response.status_code == 200, response.text
            assert response.content == served.body
            assert response.headers["content-type"] == served.headers["Content-Type"]
    # The as-archived page shows the same images, from the archive too.
    pages = fetch(crawled.db_path, *(archived_path(base + article.path) for article in articles))
    for article, page in zip(articles, pages):
        assert page.status_code == 200, page.text
        srcs = {img.get("src") for img in lxml.html.document_fromstring(page.content).iter("img")}
        assert {capture_path(base + image["src"]) for image in article.images} <= srcs, article.path


def test_an_attachment_downloads_with_its_type_and_name(crawled, replica):
    path = next(path for path, truth in replica.files.items() if truth["kind"] == "pdf")
    url = crawled.url + path
    download, shown = fetch(crawled.db_path, capture_path(url, download=True), capture_path(url))
    served = replica.get(path)
    assert download.status_code == 200 and download.content == served.body
    assert download.headers["content-type"] == served.headers["Content-Type"] == "application/pdf"
    name = path.rsplit("/", 1)[1]
    assert download.headers["content-disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert shown.content == served.body and "content-disposition" not in shown.headers


def test_a_file_name_in_vietnamese_keeps_its_letters_and_has_an_ascii_fallback():
    value = content_disposition("https://cchc.laichau.gov.vn/Uploads/files/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf")
    assert value == ("attachment; filename=\"Quyet dinh 12.pdf\"; "
                     "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf")  # fmt: skip


def test_an_unknown_address_is_a_one_line_404(crawled):
    url = crawled.url + "/khong-co-trang-nay.html"
    elsewhere = "https://example.org/x"
    for response in fetch(crawled.db_path, capture_path(url), archived_path(url), capture_path(elsewhere)):
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text.count("\n") == 1 and response.text.endswith("\n")
        assert "Not archived" in response.text
    assert url in fetch(crawled.db_path, capture_path(url))[0].text


def test_a_missing_warc_file_is_a_one_line_503(crawled, replica, tmp_path):
    article = next(article for article in replica.articles if article.images)
    image = crawled.url + article.images[0]["src"]
    for response in fetch(crawled.db_path, capture_path(image), archived_path(crawled.url + article.path),
                          warc_dir=tmp_path):  # fmt: skip
        assert response.status_code == 503
        assert response.text.count("\n") == 1 and str(tmp_path) in response.text


def test_serve_reads_the_captures_from_another_folder(crawled, replica, tmp_path):
    (tmp_path / "db").mkdir()
    db_path = tmp_path / "db" / "archive.db"
    shutil.copy(crawled.db_path, db_path)
    shutil.copytree(crawled.db_path.parent / "archive" / "warc", tmp_path / "elsewhere")
    image = next(article for article in replica.articles if article.images).images[0]["src"]
    script = str(Path(sys.executable).with_name("cchc-archive"))
    command = [script, "serve", "--db", str(db_path), "--port", "0", "--warc-dir", str(tmp_path / "elsewhere")]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert " at http://127.0.0.1:" in line, line + server.stderr.read()
        root = line.split(" at ")[1].split()[0].rstrip("/")
        with urllib.request.urlopen(root + capture_path(crawled.url + image), timeout=30) as response:
            assert response.read() == replica.get(image).body
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_as_archived_decodes_a_page_by_its_charset(crawled, replica):
    article = next(article for article in replica.articles if article.variant == "windows-1258")
    assert "charset=windows-1258" in replica.get(article.path).headers["Content-Type"].lower()
    (response,) = fetch(crawled.db_path, archived_path(crawled.url + article.path))
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    title = lxml.html.document_fromstring(response.content).findtext(".//title")
    assert unicodedata.normalize("NFC", title).startswith(article.title)


# --- a page whose script would change it ----------------------------------------------------

HOSTILE_HEAD = """
<base href="/">
<meta http-equiv="refresh" content="5;url=https://example.invalid/">
<link rel="preload" href="https://cdn.example.invalid/font.woff2" as="font">
<link rel="stylesheet" href="https://cdn.example.invalid/site.css">
<style>@import "https://cdn.example.invalid/more.css";
  body { background: url('https://cdn.example.invalid/bg.png') }</style>
<script>document.addEventListener("DOMContentLoaded", function () {
  document.body.innerHTML = '<p id="changed">Trang đã bị thay đổi</p>'; });</script>
"""
HOSTILE_BODY = """
<div id="quang-cao" onclick="alert(1)" style="background-image: url(https://cdn.example.invalid/x.png)">
<a id="top-link" href="#top">Lên đầu trang</a>
<a id="share" href="https://www.facebook.com/sharer/sharer.php?u=x">Chia sẻ</a>
<a href="javascript:alert(2)">Bình chọn</a> <a href=" java&#9;script:alert(3)">Bình luận</a>
<a href="/gioi-thieu" onmouseover="alert(4)">Giới thiệu</a>
<img src="https://cdn.example.invalid/pixel.gif" onerror="alert(5)"
     srcset="https://cdn.example.invalid/a.png 1x, https://cdn.example.invalid/b.png 2x">
<iframe src="https://www.youtube.com/embed/abc"></iframe>
<object data="https://cdn.example.invalid/a.swf"></object><embed src="https://cdn.example.invalid/b.swf">
<svg onload="alert(6)"><a xlink:href="javascript:alert(7)"><text>x</text></a></svg>
<form action="https://example.invalid/gui"><input type="image" src="https://cdn.example.invalid/nut.png">
<button formaction="javascript:alert(8)">Gửi</button></form>
<video poster="https://cdn.example.invalid/poster.jpg"><source src="https://cdn.example.invalid/v.mp4"></video>
<noscript><img src="https://cdn.example.invalid/noscript.gif"></noscript>
</div>
"""


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """A small replica whose article page carries a script that would rewrite it, crawled by the real spider."""
    replica = build_replica(n_articles=12)
    article = next(a for a in replica.articles if a.variant == "utf-8" and a.images and a.related)
    page = replica.resources[article.path]
    body = page.body.decode("utf-8").replace("</head>", HOSTILE_HEAD + "</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda match: match.group(1) + HOSTILE_BODY, body, count=1)
    replica.resources[article.path] = Resource(page.status, dict(page.headers), body.encode("utf-8"))
    db_path = tmp_path_factory.mktemp("scripted") / "archive.db"
    with ReplicaServer(replica) as server:
        result = run_scrapy_crawl(server.url + "/", db_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return replica, article, server.url, db_path


def test_as_archived_runs_nothing_and_loads_nothing_from_outside(scripted):
    replica, article, base, db_path = scripted
    url = base + article.path
    (response,) = fetch(db_path, archived_path(url))
    assert response.status_code == 200, response.text
    html = response.text
    directives = {part.split()[0]: part.split()[1:] for part in response.headers["content-security-policy"].split(";")}
    assert directives["default-src"] == ["'none'"] and "script-src" not in directives
    assert directives["form-action"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert response.headers["content-security-policy"] == CSP
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert "Trang đã bị thay đổi" not in html
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html, re.IGNORECASE)  # no event handler in any tag
    root = lxml.html.document_fromstring(response.content)
    assert root.findtext(".//title").startswith(article.title)  # the page as the server sent it
    for tag in ("script", "iframe", "object", "embed", "base", "noscript", "frame"):
        assert not list(root.iter(tag)), tag
    assert not [meta for meta in root.iter("meta") if meta.get("http-equiv")]
    banner = root.get_element_by_id("cchc-archive-banner")
    live = [a for a in banner.iter("a") if a.get("href") == url]
    assert len(live) == 1 and "leave the archive" in live[0].text_content().lower()
    for element in root.iter(lxml.etree.Element):
        if element in live:
            continue  # the one way out, marked as such
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            addresses = [value] if name in URL_ATTRIBUTES else []
            if name == "srcset":
                addresses = [candidate.split()[0] for candidate in value.split(",")]
            if name == "style":
                addresses = CSS_URL.findall(value)
            for address in addresses:
                inside = address.startswith("/") and not address.startswith("//")
                assert address == "" or inside, (element.tag, name, value)
        if element.tag == "style":
            for address in CSS_URL.findall(element.text or "") + CSS_IMPORT.findall(element.text or ""):
                assert address.startswith("/") and not address.startswith("//"), address


def test_as_archived_banner_names_the_source_its_date_and_the_article(scripted):
    replica, article, base, db_path = scripted
    url = base + article.path
    sql = "SELECT p.fetched, a.id FROM pages AS p JOIN articles AS a ON a.url = p.url WHERE p.url = ?"
    ((fetched, article_id),) = rows(db_path, sql, url)
    (response,) = fetch(db_path, archived_path(url))
    banner = lxml.html.document_fromstring(response.content).get_element_by_id("cchc-archive-banner")
    assert url in banner.text_content()
    (captured,) = [time.text for time in banner.iter("time")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", captured)
    assert abs((datetime.fromisoformat(captured) - datetime.fromisoformat(fetched)).total_seconds()) < 60
    back = [a.get("href") for a in banner.iter("a") if a.get("href").startswith("/archive/")]
    assert back == [f"/archive/articles/{article_id}"]
    (page,) = fetch(db_path, back[0])
    assert page.status_code == 200 and article.title in page.text


def test_as_archived_links_stay_in_the_archive(scripted):
    replica, article, base, db_path = scripted
    url = base + article.path
    (response,) = fetch(db_path, archived_path(url))
    root = lxml.html.document_fromstring(response.content)
    hrefs = {a.get("href") for a in root.iter("a")}
    srcs = {img.get("src") for img in root.iter("img")}
    # Archived pages open as archived; archived images come from the archive's captures.
    related = [archived_path(base + path) for path in article.related]
    assert set(related) <= hrefs
    assert archived_path(base + "/gioi-thieu") in hrefs
    images = [capture_path(base + image["src"]) for image in article.images]
    assert set(images) <= srcs
    assert archived_path(url) + "#top" == root.get_element_by_id("top-link").get("href")
    share = root.get_element_by_id("share").get("href")
    assert share == archived_path("https://www.facebook.com/sharer/sharer.php?u=x")
    answers = fetch(db_path, related[0], *images, share)
    first = lxml.html.document_fromstring(answers[0].content).get_element_by_id("cchc-archive-banner")
    assert answers[0].status_code == 200 and base + article.related[0] in first.text_content()
    for image, answer in zip(article.images, answers[1:-1]):
        assert answer.status_code == 200 and answer.content == replica.get(image["src"]).body
    # Anything not archived: one harmless line, the original address as text.
    assert answers[-1].status_code == 404 and answers[-1].headers["content-type"].startswith("text/plain")
    assert answers[-1].text == "Not archived: https://www.facebook.com/sharer/sharer.php?u=x\n"


# --- --no-images, FETCH_IMAGES=0, re-crawls -------------------------------------------------


@pytest.fixture(scope="module")
def small_replica():
    return build_replica(n_articles=12)


def image_paths(replica) -> set[str]:
    return {image["src"] for article in replica.articles for image in article.images}


def test_no_images_and_fetch_images_0_fetch_none(small_replica, tmp_path):
    assert image_paths(small_replica)
    script = str(Path(sys.executable).with_name("cchc-archive"))
    for name in ("cli", "setting"):
        db_path = tmp_path / name / "archive.db"
        db_path.parent.mkdir()
        with ReplicaServer(small_replica) as server:
            if name == "cli":
                result = subprocess.run([script, "crawl", "--start-url", server.url + "/", "--db", str(db_path),
                                         "--delay", "0", "--no-images", "--quiet"],
                                        capture_output=True, text=True, timeout=600)  # fmt: skip
            else:
                result = run_scrapy_crawl(server.url + "/", db_path, "-s", "FETCH_IMAGES=0")
            requested = {path for _, path, _ in server.requests}
        assert result.returncode == 0, result.stderr[-3000:]
        assert not requested & image_paths(small_replica), name
        assert rows(db_path, "SELECT count(*) FROM pages WHERE page_type = 'image'") == [(0,)]
        # The articles and their images' rows are all there: only the bytes were not fetched.
        assert rows(db_path, "SELECT count(*) FROM articles") == [(len(small_replica.articles),)]
        assert rows(db_path, "SELECT count(*) FROM images") == [(sum(len(a.images) for a in small_replica.articles),)]


def test_recrawls_refetch_images_no_more_than_pages(small_replica, tmp_path):
    db_path = tmp_path / "archive.db"
    images = image_paths(small_replica)
    articles = {article.path for article in small_replica.articles}
    with ReplicaServer(small_replica) as server:
        crawls = []
        for extra in ((), (), ("-a", "refresh_after=0")):
            before = len(server.requests)
            result = run_scrapy_crawl(server.url + "/", db_path, *extra)
            assert result.returncode == 0, result.stderr[-3000:]
            crawls.append(server.requests[before:])
        base = server.url
    first, recent, due = ([(path, headers) for _, path, headers in requests] for requests in crawls)
    assert sorted(path for path, _ in first if path in images) == sorted(images)
    # Archived a moment ago: neither the articles nor their images are requested again.
    assert not [path for path, _ in recent if path in images | articles]
    # Due for revalidation: each image is asked once, conditionally, as each article is.
    for wanted in (images, articles):
        asked = [(path, headers) for path, headers in due if path in wanted]
        assert sorted(path for path, _ in asked) == sorted(wanted)
        assert all("If-None-Match" in headers for _, headers in asked)
    revisits = rows(db_path, "SELECT url, status, warc_record_type FROM pages WHERE page_type = 'image'")
    assert sorted(url for url, _, _ in revisits) == sorted(base + path for path in images)
    assert {(status, kind) for _, status, kind in revisits} == {(304, "revisit")}
    # A 304's revisit holds no payload: the archive serves the one it confirms.
    responses = fetch(db_path, *(capture_path(base + path) for path in sorted(images)))
    for path, response in zip(sorted(images), responses):
        assert response.status_code == 200 and response.content == small_replica.get(path).body, path
        assert response.headers["content-type"] == "image/jpeg"


def test_a_resumed_crawl_asks_for_the_images_it_had_pending_as_images(small_replica, tmp_path):
    images = image_paths(small_replica)
    with ReplicaServer(small_replica) as server:
        base = server.url
        for name, extra in (("images", ()), ("no-images", ("-s", "FETCH_IMAGES=0"))):
            db_path = tmp_path / name / "archive.db"
            db_path.parent.mkdir()
            assert run_scrapy_crawl(base + "/", db_path).returncode == 0
            # As a crawl stopped after saving the articles, before fetching their images, leaves it:
            # the images in its frontier, no row of theirs in `pages`, the crawl unfinished.
            with sqlite3.connect(db_path) as conn:
                ((crawl_id,),) = conn.execute("SELECT id FROM crawls").fetchall()
                conn.execute("UPDATE crawls SET finished = NULL, state = 'interrupted' WHERE id = ?", (crawl_id,))
                conn.executemany("DELETE FROM pages WHERE url = ?", [(base + path,) for path in images])
                conn.executemany("INSERT INTO frontier (crawl_id, url) VALUES (?, ?)",
                                 [(crawl_id, base + path) for path in images])  # fmt: skip
            before = len(server.requests)
            result = run_scrapy_crawl(base + "/", db_path, *extra)
            assert result.returncode == 0 and "Resuming crawl" in result.stderr, result.stderr[-3000:]
            asked = [path for _, path, _ in server.requests[before:] if path in images]
            kinds = rows(db_path, "SELECT page_type, count(*) FROM pages WHERE page_type IN ('image', 'attachment') "
                                  "AND url IN (SELECT src FROM images) GROUP BY page_type")  # fmt: skip
            assert rows(db_path, "SELECT count(*) FROM frontier") == [(0,)]
            if name == "images":
                assert sorted(asked) == sorted(images)
                assert kinds == [("image", len(images))]
            else:
                assert asked == [] and kinds == []
            marks = ", ".join("?" * len(images))
            urls = [base + path for path in images]
            assert rows(db_path, f"SELECT url FROM attachment_files WHERE url IN ({marks})", *urls) == []


# --- reading one record --------------------------------------------------------------------


def test_a_revisit_is_served_from_the_record_it_repeats_found_in_a_big_index(tmp_path):
    writer = WarcWriter(tmp_path, prefix="t", info={}, max_bytes=64 * 1024)
    written = {}
    for number in range(600):
        url = f"https://cchc.laichau.gov.vn/tin-{number:04d}.html"
        body = f"<p>Bài {number}</p>".encode()
        exchange = Exchange(url, "GET", [], 200, [("Content-Type", "text/html; charset=utf-8")], body)
        written[url] = (body, writer.write(exchange))
    url = "https://cchc.laichau.gov.vn/tin-0300.html"
    body, original = written[url]
    known = {"payload_digest": original.payload_digest, "captured": original.captured}
    again = writer.write(Exchange(url, "GET", [], 200, [("Content-Type", "text/html; charset=utf-8")], body), known)
    writer.close()
    index(tmp_path, lines=writer.cdxj)
    assert again.warc_record_type == "revisit" and len(writer.files) > 1
    row = {"url": url, "status": 200, "warc_file": again.warc_file, "warc_offset": again.warc_offset,
           "warc_record_type": "revisit", "payload_digest": again.payload_digest,
           "captured": again.captured}  # fmt: skip
    payload = payload_of(tmp_path, row, url)
    assert payload.body == body and payload.content_type == "text/html; charset=utf-8"
    # Bisection finds exactly the lines a full read finds, at either end of the index too.
    lines = (tmp_path / INDEX_NAME).read_bytes().splitlines()
    for key in (lines[0].split(b" ")[0], lines[len(lines) // 2].split(b" ")[0], lines[-1].split(b" ")[0]):
        prefix = key + b" "
        assert list(index_lines(tmp_path / INDEX_NAME, prefix)) == [line for line in lines if line.startswith(prefix)]
    assert list(index_lines(tmp_path / INDEX_NAME, b"zzz")) == []
