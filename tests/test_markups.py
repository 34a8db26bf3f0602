"""The replica in other portals' markups, crawled by the real spider over HTTP.

The same articles are written as a DotNetNuke portal ("portal"), a modern HTML5 theme
("html5"), an old table layout ("table") and a WordPress site ("wordpress"), with none of
the snapshot's class names, so only a generic extraction can read them. Each crawl must store exactly the ground truth
of its own markup (`build_replica(..., markup=NAME).articles`).

Two kinds of tests:
- pure ones check the replica itself with a reader written for each markup, so the
  ground truth is known to be what the pages say;
- crawl ones check the archive a `scrapy crawl` of each markup leaves, field by field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest
import sqlite_utils
from w3lib.encoding import html_to_unicode

from crawler.replica import HOME_TITLE, MARKUPS, VIETNAM, Replica, ReplicaServer, build_replica

from .conftest import run_scrapy_crawl

OTHER_MARKUPS = [name for name in MARKUPS if name != "snapshot"]
N_ARTICLES = 40
# What the site profile of cchc.laichau.gov.vn looks for (`contains(@class, …)`): none may match.
SNAPSHOT_CLASSES = ("news-detail", "news-title", "news-date", "news-content", "news-other", "box-latest",
                    "item-news", "list-news", "box-cat", "pager", "doc-detail", "static-page")  # fmt: skip
CLASS_ATTRIBUTE = re.compile(rb'class="([^"]*)"')
HREF = re.compile(rb'<a\s[^>]*?href="([^"]*)"', re.IGNORECASE)
FIELDS = ("title", "published", "body_text", "category", "breadcrumb")
SHOWN_MISMATCHES = 8


@pytest.fixture(scope="module", params=OTHER_MARKUPS)
def replica(request) -> Replica:
    return build_replica(N_ARTICLES, markup=request.param)


# --------------------------------------------------------------------------------------
# A reference reading of each markup, independent of the crawler's extractor


def decode(body: bytes, content_type: str) -> str:
    """As a browser decodes: the header's charset, else the page's <meta>; then NFC."""
    return unicodedata.normalize("NFC", html_to_unicode(content_type, body)[1])


def tree_of(replica: Replica, path: str):
    resource = replica.get(path)
    return lxml.html.fromstring(decode(resource.body, resource.headers["Content-Type"]))


def text_of(element) -> str:
    return " ".join(element.xpath("string()").split())  # str.split() also splits at NBSP


BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "figure", "figcaption", "table", "tr", "td",
              "h1", "h2", "h3", "h4", "h5", "h6", "br"}  # fmt: skip


def paragraphs_of(element) -> list[str]:
    """The text between block boundaries: every block element and every `<br>` is one."""
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text:
            out.append(text)

    def walk(node) -> None:
        if node.text and node.tag not in ("style", "script"):
            buffer.append(node.text)
        for child in node:
            if isinstance(child.tag, str):  # not a comment (Word's conditional comments)
                block = child.tag in BLOCK_TAGS
                if block:
                    flush()
                walk(child)
                if block:
                    flush()
            if child.tail:
                buffer.append(child.tail)

    walk(element)
    flush()
    return out


def one(tree, xpath: str):
    found = tree.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {len(found)} matches"
    return found[0]


@dataclass
class Reading:
    """What one article page shows, read with selectors written for its markup."""

    title: str
    published: str
    published_raw: str
    breadcrumb: list[str]
    paragraphs: list[str]
    related: list[str]


def read_portal(tree) -> Reading:
    assert not tree.xpath("//h1"), "a portal article page has no <h1>"
    raw = text_of(one(tree, '//div[@class="date-detail"]'))
    day, month, year, hour, minute = re.fullmatch(
        r"(?:Thứ (?:Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật), (\d\d)/(\d\d)/(\d{4}) - (\d\d):(\d\d)", raw
    ).groups()
    moment = datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=VIETNAM)
    body = one(tree, '//div[@class="detail-content"]')
    related = tree.xpath('//div[contains(@class, "module-7")][h3="Các tin khác"]//li/a/@href')
    return Reading(text_of(one(tree, '//h2[@class="title-detail"]')), moment.isoformat(), raw,
                   [text_of(li) for li in tree.xpath('//ul[@class="breadcrumbs"]/li')], paragraphs_of(body),
                   related)  # fmt: skip


def read_html5(tree) -> Reading:
    time = one(tree, '//article/header//time[@itemprop="datePublished"]')
    body = one(tree, '//article//div[@itemprop="articleBody"]')
    related = tree.xpath('//section[@class="related"][h2="Bài viết liên quan"]//li/a/@href')
    return Reading(text_of(one(tree, '//article/header/h1[@itemprop="headline"]')), time.get("datetime"),
                   text_of(time), [text_of(li) for li in tree.xpath('//nav[@aria-label="breadcrumb"]//li')],
                   paragraphs_of(body), related)  # fmt: skip


def read_table(tree) -> Reading:
    assert not tree.xpath("//h1 | //h2 | //h3"), "a table-layout article page has no heading element"
    raw = text_of(one(tree, '//td[@class="ngaydang"]'))
    dashed = re.fullmatch(r"Cập nhật ngày: (\d\d)-(\d\d)-(\d{4})", raw)
    if dashed:
        day, month, year = dashed.groups()
    else:
        day, month, year = re.fullmatch(r"Ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})", raw).groups()
    moment = datetime(int(year), int(month), int(day), tzinfo=VIETNAM)
    related = tree.xpath('//table[tr/td[@class="tieudebox"]="Tin đã đưa"]//a/@href')
    return Reading(text_of(one(tree, '//td[@class="tieude"]/span')), moment.isoformat(),
                   raw.removeprefix("Cập nhật ngày: "), [], paragraphs_of(one(tree, '//td[@class="noidung"]')),
                   related)  # fmt: skip


def read_wordpress(tree) -> Reading:
    time = one(tree, '//article/header//time[contains(@class, "published")]')
    content = one(tree, '//article/div[@class="entry-content"]')
    related = content.xpath('./div[@id="jp-relatedposts"]//h4/a/@href')
    for box in content.xpath('./div[contains(@class, "sharedaddy")] | ./div[@id="jp-relatedposts"]'):
        box.drop_tree()  # Jetpack's boxes stand inside the content, after the text
    title = text_of(one(tree, '//article/header/h1[@class="entry-title"]'))
    crumbs = [text_of(span) for span in tree.xpath('//nav[@class="yoast-breadcrumbs"]/span/span')]
    assert crumbs[-1] == title, "Yoast ends the breadcrumb with the post's own title"
    return Reading(title, time.get("datetime"), text_of(time), crumbs[:-1], paragraphs_of(content), related)


READERS = {"portal": read_portal, "html5": read_html5, "table": read_table, "wordpress": read_wordpress}


def crawl_links(replica: Replica) -> set[str]:
    """Every path reached from `/` over `<a href>`s (robots.txt's paths left out)."""
    seen: set[str] = set()
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        resource = replica.get(path)
        if resource.status in (301, 302):
            queue.append(resource.headers["Location"])
        elif resource.status == 200 and resource.headers["Content-Type"].startswith("text/html"):
            for raw in HREF.findall(resource.body):
                href = raw.decode("latin-1").replace("&amp;", "&").replace("__BASE__", "")
                if href.startswith("/") and not href.startswith(("//", "/tim-kiem", "/Admin")):
                    queue.append(href.split("#", 1)[0])
    return seen


# --------------------------------------------------------------------------------------
# The replica in each markup (no crawler)


def test_markups_are_listed_and_unknown_ones_refused() -> None:
    assert MARKUPS[0] == "snapshot" and set(OTHER_MARKUPS) == set(READERS)
    with pytest.raises(ValueError, match="markup"):
        build_replica(N_ARTICLES, markup="joomla")


def test_every_markup_shows_the_same_articles(replica: Replica) -> None:
    snapshot = {a.path: a for a in build_replica(N_ARTICLES).articles}
    assert replica.markup in OTHER_MARKUPS
    assert [a.path for a in replica.articles] == list(snapshot)
    for article in replica.articles:
        same = snapshot[article.path]
        assert (article.title, article.images, article.attachments, article.related, article.variant) == (
            same.title, same.images, same.attachments, same.related, same.variant)  # fmt: skip
        assert sorted(article.paragraphs) == sorted(same.paragraphs)
        assert article.published[:10] == same.published[:10]
    assert {a.variant for a in replica.articles} == {"utf-8", "windows-1258", "nfd", "word", "plain"}


def test_no_page_uses_a_class_name_of_the_snapshot(replica: Replica) -> None:
    for path, resource in replica.resources.items():
        if not resource.headers.get("Content-Type", "").startswith("text/html"):
            continue
        for value in CLASS_ATTRIBUTE.findall(resource.body):
            used = [name for name in SNAPSHOT_CLASSES if name.encode() in value]
            assert not used, f"{replica.markup} {path}: class={value.decode()!r} contains {used}"


def test_every_article_page_shows_its_ground_truth(replica: Replica) -> None:
    read = READERS[replica.markup]
    for article in replica.articles:
        page = read(tree_of(replica, article.path))
        assert page.title == article.title, article.path
        assert page.published == article.published, article.path
        assert page.published_raw == article.published_raw, article.path
        assert page.breadcrumb == article.breadcrumb, article.path
        assert article.category == (article.breadcrumb[-1] if article.breadcrumb else None)
        assert page.paragraphs == article.paragraphs, article.path
        assert page.related == article.related, article.path
        assert unicodedata.is_normalized("NFC", article.title + article.body_text)


def test_dates_state_what_the_markup_can_say(replica: Replica) -> None:
    times = {a.published[11:19] for a in replica.articles}
    if replica.markup == "table":  # the day alone: midnight of that day
        assert times == {"00:00:00"}
        raws = [a.published_raw for a in replica.articles]
        assert any(r.startswith("Ngày ") for r in raws) and any(re.fullmatch(r"\d\d-\d\d-\d{4}", r) for r in raws)
    elif replica.markup == "portal":  # to the minute
        assert {t[6:] for t in times} == {"00"} and len(times) > 10
    else:  # <time datetime> carries the seconds the visible text leaves out
        assert any(t[6:] != "00" for t in times)
        shown = r"\d\d/\d\d/\d{4}" if replica.markup == "html5" else r"\d{1,2} Tháng [^,]+, \d{4}"
        assert all(re.fullmatch(shown, a.published_raw) for a in replica.articles)
    assert all(a.published.endswith("+07:00") for a in replica.articles)


def test_markup_specific_features(replica: Replica) -> None:
    article = next(a for a in replica.articles if a.variant == "utf-8" and a.images and a.related)
    tree = tree_of(replica, article.path)
    if replica.markup == "portal":
        detail = one(tree, '//div[@class="article-detail"]')
        assert [c.get("class") for c in detail][:3] == ["date-detail", "title-detail", "detail-content"]
        first = one(tree, '//div[@class="detail-content"]/*[1]')
        assert first.tag == "div" and first[0].tag == "b" and text_of(first) == article.paragraphs[0]
        assert not tree.xpath('//div[@class="detail-content"]//p')
        assert text_of(one(tree, '//div[@class="social-share"]')) == "Chia sẻ: Facebook Zalo | In bài | Gửi email"
        assert tree.xpath('//div[@id="dnn_RightPane"]//h3/text()')[0] == "Tin mới"
        assert tree.xpath('//div[contains(@class, "module-7")]//li/i/text()')[0].startswith("(")
    elif replica.markup == "html5":
        documents = [json.loads(s) for s in tree.xpath('//script[@type="application/ld+json"]/text()')]
        news = next(d for d in documents if d["@type"] == "NewsArticle")
        assert (news["headline"], news["datePublished"]) == (article.title, article.published)
        crumbs = next(d for d in documents if d["@type"] == "BreadcrumbList")
        assert [item["name"] for item in crumbs["itemListElement"]] == article.breadcrumb
        og_title = article.title + " - Cải cách hành chính Lai Châu"
        assert tree.xpath('//meta[@property="og:title"]/@content') == [og_title]
        assert tree.xpath('//meta[@property="article:published_time"]/@content') == [article.published]
        assert not tree.xpath('//div[@itemprop="articleBody"]//p')
        assert tree.xpath('//div[@itemprop="articleBody"]//figure/figcaption')
        assert tree.xpath("//aside//h2/text()")[0] == "Tin mới nhất" and tree.xpath("//footer")
        static = tree_of(replica, "/lien-he")
        assert static.xpath('//meta[@property="og:type"]/@content') == ["website"]
        assert not static.xpath('//script[@type="application/ld+json"]')
    elif replica.markup == "wordpress":
        content = one(tree, '//div[@class="entry-content"]')
        assert content.xpath('./div[contains(@class, "sharedaddy")]//h3/text()') == ["Chia sẻ:"]
        assert text_of(one(content, './div[@id="jp-relatedposts"]/h3')) == "Bài viết liên quan"
        updated = one(tree, '//article/header//time[@class="updated"]').get("datetime")
        assert updated > article.published  # a later edit, which is not the publication
        assert text_of(one(tree, '//span[@class="breadcrumb_last"]')) == article.title
        listing = tree_of(replica, "/tin-tuc-su-kien")
        assert len(listing.xpath('//article[contains(@class, "hentry")]//h2[@class="entry-title"]')) == 10
        static = tree_of(replica, "/lien-he")
        assert static.xpath('//article//h1[@class="entry-title"]') and not static.xpath("//time")
    else:
        title = article.title + " | Cổng thông tin cải cách hành chính tỉnh Lai Châu"
        assert tree.xpath("//title/text()") == [title]
        assert not tree.xpath('//*[contains(@class, "breadcrumb") or contains(@aria-label, "breadcrumb")]')
        assert one(tree, '//td[@class="tieude"]/span').get("style") == "font-weight:bold;font-size:16px"
        assert tree.xpath('//td[@class="noidung"]/p')


def test_listings_paginate_in_every_markup(replica: Replica) -> None:
    section = "/tin-tuc-su-kien"
    expected = sorted((a for a in replica.articles if a.path.startswith(section + "/")),
                      key=lambda a: (a.published, a.site_id), reverse=True)  # fmt: skip
    pages = -(-len(expected) // 10)
    assert pages >= 2
    article_paths = {a.path for a in replica.articles}
    listed = []
    for number in range(1, pages + 1):
        url = section if number == 1 else f"{section}?page={number}"
        assert url in replica.listings
        tree = tree_of(replica, url)
        main = tree.xpath('//div[@id="dnn_ContentPane"] | //main | //td[@width="590"]')[0]
        links = list(dict.fromkeys(h for h in main.xpath(".//a/@href") if h in article_paths))
        assert 1 <= len(links) <= 10
        listed += links
        pager = {"portal": '//div[@class="paging"]//a/@href', "html5": '//nav[@class="pagination"]/a/@href',
                 "table": '//td[@class="phantrang"]/a/@href',
                 "wordpress": '//nav[contains(@class, "pagination")]//a/@href'}[replica.markup]  # fmt: skip
        if number < pages:
            assert f"{section}?page={number + 1}" in tree.xpath(pager)
    assert listed == [a.path for a in expected]


def test_every_page_is_reachable_from_home(replica: Replica) -> None:
    seen = crawl_links(replica)
    assert {a.path for a in replica.articles} <= seen
    assert set(replica.listings) | set(replica.documents) | set(replica.static_pages) <= seen


def test_variants_decode_to_the_ground_truth(replica: Replica) -> None:
    legacy = [a for a in replica.articles if a.variant == "windows-1258"]
    for article in legacy:
        with pytest.raises(UnicodeDecodeError):
            replica.get(article.path).body.decode("utf-8")
    nfd = next(a for a in replica.articles if a.variant == "nfd")
    assert not unicodedata.is_normalized("NFC", replica.get(nfd.path).body.decode("utf-8"))
    word = next(a for a in replica.articles if a.variant == "word")
    assert b'class="MsoNormal"' in replica.get(word.path).body
    read = READERS[replica.markup]
    for article in [*legacy, nfd, word]:
        assert read(tree_of(replica, article.path)).paragraphs == article.paragraphs, article.path


def test_edits_render_in_the_markup(replica: Replica) -> None:
    edited = build_replica(N_ARTICLES, markup=replica.markup)
    path = next(a.path for a in edited.articles if a.variant == "word")
    edited.revise([path], note="Đính chính")
    article = edited.article(path)
    assert article.paragraphs[-1].startswith("Đính chính (lần 1): ")
    assert READERS[replica.markup](tree_of(edited, path)).paragraphs == article.paragraphs
    [added] = edited.add_articles(1)
    assert added.path in crawl_links(edited)


# --------------------------------------------------------------------------------------
# A crawl of each markup by the real spider


@dataclass
class MarkupCrawl:
    replica: Replica
    db: sqlite_utils.Database
    url: str
    log: str


@pytest.fixture(scope="module")
def crawl(replica: Replica, tmp_path_factory) -> MarkupCrawl:
    """`scrapy crawl cchc` of the replica in one markup, on a server of its own."""
    db_path: Path = tmp_path_factory.mktemp(f"crawl-{replica.markup}") / "archive.db"
    with ReplicaServer(replica) as server:
        result = run_scrapy_crawl(server.url + "/", db_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return MarkupCrawl(replica, sqlite_utils.Database(db_path), server.url, result.stderr)


def stored_articles(crawl: MarkupCrawl) -> dict[str, dict]:
    if "articles" not in crawl.db.table_names():
        return {}
    return {row["url"]: row for row in crawl.db["articles"].rows}


def expected_value(article, field: str):
    return article.body_text if field == "body_text" else getattr(article, field)


def stored_value(row: dict, field: str):
    return json.loads(row["breadcrumb"]) if field == "breadcrumb" and row["breadcrumb"] else row[field]


def describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + f"… ({len(text)} characters)"


def body_difference(expected: str, got: str | None) -> str:
    """Where two body texts part: the first paragraph that differs, and the counts."""
    want, have = expected.split("\n\n"), (got or "").split("\n\n")
    index = next((i for i, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
    return (f"{len(want)} paragraphs expected, {len(have)} stored; first difference at paragraph {index}:\n"
            f"      expected {describe(want[index] if index < len(want) else None)}\n"
            f"      stored   {describe(have[index] if index < len(have) else None)}")  # fmt: skip


def test_every_article_is_stored(crawl: MarkupCrawl) -> None:
    stored = set(stored_articles(crawl))
    expected = {crawl.url + a.path for a in crawl.replica.articles}
    missing, extra = sorted(expected - stored), sorted(stored - expected)
    assert not missing and not extra, (
        f"{crawl.replica.markup}: {len(missing)} articles missing, {len(extra)} stored that are none\n"
        f"  missing: {missing[:SHOWN_MISMATCHES]}\n  not articles: {extra[:SHOWN_MISMATCHES]}"
    )


@pytest.mark.parametrize("field", FIELDS)
def test_field_is_exact(crawl: MarkupCrawl, field: str) -> None:
    rows = stored_articles(crawl)
    wrong = []
    for article in crawl.replica.articles:
        url = crawl.url + article.path
        if url not in rows:
            continue  # test_every_article_is_stored reports it
        expected, got = expected_value(article, field), stored_value(rows[url], field)
        if got != expected:
            detail = (body_difference(expected, got) if field == "body_text"
                      else f"expected {describe(expected)}\n      stored   {describe(got)}")  # fmt: skip
            wrong.append(f"  {article.path} ({article.variant}): {field}\n      {detail}")
    assert rows, f"{crawl.replica.markup}: no article stored"
    assert not wrong, (f"{crawl.replica.markup}: {field} wrong in {len(wrong)} of {len(rows)} articles\n"
                       + "\n".join(wrong[:SHOWN_MISMATCHES]))  # fmt: skip


def test_no_other_page_is_stored_as_an_article(crawl: MarkupCrawl) -> None:
    replica = crawl.replica
    pages = {row["url"]: row["page_type"] for row in crawl.db["pages"].rows}
    others = {"/": "home", **dict.fromkeys(replica.listings, "listing"), **dict.fromkeys(replica.static_pages, "static"),
              **dict.fromkeys(replica.documents, "document")}  # fmt: skip
    wrong = [f"  {path} ({kind}): page_type {pages.get(crawl.url + path)!r}"
             for path, kind in others.items() if pages.get(crawl.url + path) in (None, "article")]  # fmt: skip
    assert not wrong, f"{replica.markup}: pages missing or taken for articles\n" + "\n".join(wrong)
    assert not set(stored_articles(crawl)) & {crawl.url + path for path in others}


def test_every_article_is_extracted_generically(crawl: MarkupCrawl) -> None:
    methods = {row["url"]: row["extraction_method"] for row in stored_articles(crawl).values()}
    assert methods, f"{crawl.replica.markup}: no article stored"
    other = {url: method for url, method in methods.items() if method != "generic"}
    assert not other, (f"{crawl.replica.markup}: {len(other)} articles not extracted generically, "
                       f"e.g. {list(other.items())[:3]}")  # fmt: skip


def test_home_title_is_not_an_article_title(crawl: MarkupCrawl) -> None:
    titles = {row["title"] for row in stored_articles(crawl).values()}
    assert HOME_TITLE not in titles
