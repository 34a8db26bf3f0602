"""The site replica: deterministic, complete, in the snapshot's markup, served over real HTTP."""

from __future__ import annotations

import html
import http.client
import json
import re
import unicodedata
from collections import Counter, defaultdict, deque
from datetime import datetime, timedelta
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode

import lxml.html
import pytest
from w3lib.encoding import html_to_unicode

from crawler.extraction.attachments import extract_text
from crawler.replica import (
    DATA_DIR,
    MARKUPS,
    PAGE_SIZE,
    Replica,
    ReplicaArticle,
    ReplicaServer,
    build_replica,
    format_site_date,
    parse_site_date,
    to_cp1258,
)

SEED_PATH = (
    "/ket-qua-cchc/bao-cao-cchc-dinh-ky/"
    "ket-qua-thuc-hien-cong-tac-cai-cach-hanh-chinh-quy-iii-nam-2021-cua-tinh-lai-chau-2745.html"
)
SNAPSHOT_PATHS = {
    SEED_PATH: 2745,
    "/chuyen-doi-so/chuyen-doi-so-phai-co-tu-duy-di-truoc-di-tat-don-dau-di-truoc-ve-truoc-3142.html": 3142,
    "/tin-tuc-su-kien/tin-cchc-cua-tinh/"
    "tinh-lai-chau-ban-hanh-ke-hoach-do-luong-su-hai-long-cua-nguoi-dan-to-chuc-doi-voi-su-phuc-3310.html": 3310,
}
SEED_TEXT = DATA_DIR / "snapshot" / "seed-article-2745.txt"
HREF = re.compile(rb'<a\s[^>]*?href="([^"]*)"', re.IGNORECASE)
BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr")
TRACKING = re.compile(r"^(utm_\w+|fbclid|zarsrc)$")
DISALLOWED = ("/tim-kiem", "/Admin")


@pytest.fixture(scope="module")
def replica() -> Replica:
    return build_replica()


@pytest.fixture(scope="module")
def server(replica: Replica):
    with ReplicaServer(replica) as running:
        yield running


# --------------------------------------------------------------------------------------
# Helpers: a reference reading of the pages, independent of the crawler's extractor


def fetch(
    server: ReplicaServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def decode(body: bytes, content_type: str) -> str:
    """Decode as a browser would: header charset, else the meta tag; then NFC."""
    match = re.search(r"charset=([\w-]+)", content_type) or re.search(rb'charset=([\w-]+)"', body[:600])
    charset = match.group(1)
    charset = charset.decode() if isinstance(charset, bytes) else charset
    return unicodedata.normalize("NFC", body.decode(charset))


def text_of(element) -> str:
    return " ".join(element.xpath("string()").split())  # str.split() also splits at NBSP


def body_paragraphs(content) -> list[str]:
    """The paragraph rule of the ground truth: each innermost block with visible text."""
    paragraphs = []
    for element in content.iter(*BLOCKS):
        if any(child.tag in BLOCKS for child in element.iterdescendants()):
            continue
        text = text_of(element)
        if text:
            paragraphs.append(text)
    return paragraphs


def site_path(href: str) -> str | None:
    """A body link as the site path it names: no fragment, no tracking parameters."""
    href = href.replace("__BASE__", "")
    if not href.startswith("/"):
        return None
    href = href.split("#", 1)[0]
    path, _, query = href.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not TRACKING.match(k)]
    return path + ("?" + urlencode(kept) if kept else "")


def crawl(replica: Replica) -> dict[str, int]:
    """Breadth-first walk from `/` over `<a href>`s, obeying robots.txt; path -> status."""
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        resource = replica.get(path)
        seen[path] = resource.status
        if resource.status in (301, 302):
            queue.append(resource.headers["Location"])
            continue
        if resource.status != 200 or not resource.headers["Content-Type"].startswith("text/html"):
            continue
        for raw in HREF.findall(resource.body):
            href = html.unescape(raw.decode("latin-1")).replace("__BASE__", "")
            if href.startswith("/") and not href.startswith("//") and not href.startswith(DISALLOWED):
                queue.append(href.split("#", 1)[0])
    return seen


def article_tree(replica: Replica, path: str):
    resource = replica.get(path)
    return lxml.html.fromstring(decode(resource.body, resource.headers["Content-Type"]))


# --------------------------------------------------------------------------------------
# Building


def test_build_is_deterministic() -> None:
    assert build_replica(40, seed=7) == build_replica(40, seed=7)
    assert build_replica(40, seed=7).articles != build_replica(40, seed=8).articles


@pytest.mark.parametrize("n_articles", [10, 20, 57])
def test_n_articles_is_respected(n_articles: int) -> None:
    replica = build_replica(n_articles)
    assert len(replica.articles) == n_articles
    assert len({a.path for a in replica.articles}) == n_articles
    assert len({a.site_id for a in replica.articles}) == n_articles
    assert {a.variant for a in replica.articles} == {"utf-8", "windows-1258", "nfd", "word", "plain"}
    for article in replica.articles:
        assert article.path.endswith(f"-{article.site_id}.html")
        assert replica.get(article.path).status == 200


def test_too_few_articles_is_an_error() -> None:
    with pytest.raises(ValueError):
        build_replica(9)


def test_resources_are_port_free(replica: Replica) -> None:
    assert not any(b"127.0.0.1" in r.body for r in replica.resources.values())
    assert b"__BASE__" in replica.get(SEED_PATH + "?print=1").body


# --------------------------------------------------------------------------------------
# Site structure


def test_every_article_is_reachable_from_home(replica: Replica) -> None:
    seen = crawl(replica)
    assert {a.path for a in replica.articles} <= seen.keys()
    assert set(replica.listings) <= seen.keys()
    assert set(replica.documents) <= seen.keys()
    assert set(replica.static_pages) <= seen.keys()
    assert {seen[path] for path in replica.dead_links} == {404}
    assert all(seen[old] in (301, 302) for old in replica.redirects)
    assert not any(path.startswith(DISALLOWED) for path in seen)


def test_robots_disallowed_pages_are_linked(replica: Replica) -> None:
    home = replica.get("/").body
    sitemap = replica.get("/so-do-trang").body
    assert b'href="/tim-kiem?keyword="' in home
    assert b'href="/Admin"' in sitemap


def test_listings_paginate(replica: Replica) -> None:
    section = "/tin-tuc-su-kien"
    expected = sorted(
        (a for a in replica.articles if a.path.startswith(section + "/")),
        key=lambda a: (a.published, a.site_id),
        reverse=True,
    )
    pages = -(-len(expected) // PAGE_SIZE)
    assert pages > 2
    listed = []
    for number in range(1, pages + 1):
        url = section if number == 1 else f"{section}?page={number}"
        assert url in replica.listings
        tree = lxml.html.fromstring(replica.get(url).body.decode("utf-8"))
        items = tree.xpath('//div[@class="list-news"]/div[contains(@class, "item-news")]')
        assert 1 <= len(items) <= PAGE_SIZE
        listed += [item.xpath('.//h3[@class="title"]/a/@href')[0] for item in items]
        assert tree.xpath('//div[@class="pager"]/a[@class="active"]/text()') == [str(number)]
        following = tree.xpath('//div[@class="pager"]/a[@class="next"]')
        if number < pages:
            assert following[0].text == "Trang sau"
            assert following[0].get("href") == f"{section}?page={number + 1}"
        else:
            assert not following
    assert listed == [a.path for a in expected]
    assert replica.get(f"{section}?page={pages + 1}").status == 404


def test_listing_item_markup(replica: Replica) -> None:
    tree = lxml.html.fromstring(replica.get("/ket-qua-cchc/bao-cao-cchc-dinh-ky").body.decode("utf-8"))
    assert text_of(tree.xpath('//div[@class="breadcrumb"]')[0]) == "Trang chủ » Kết quả CCHC » Báo cáo CCHC định kỳ"
    assert tree.xpath('//div[@class="list-news"]/h2[@class="cat-title"]/text()') == ["Báo cáo CCHC định kỳ"]
    item = tree.xpath('//div[contains(@class, "item-news")]')[0]
    assert item.xpath('./a[@class="thumb"]/img/@src')
    assert re.fullmatch(r"\(\d\d/\d\d/\d{4} \d{1,2}:\d\d:\d\d (SA|CH)\)", item.xpath('./span[@class="date"]/text()')[0])
    assert item.xpath('./p[@class="sapo"]/text()')


def test_home_page(replica: Replica) -> None:
    tree = lxml.html.fromstring(replica.get("/").body.decode("utf-8"))
    assert tree.xpath('//div[@class="featured"]/h2/a/@href')
    boxes = tree.xpath('//div[@class="box-cat"]/h3/a/@href')
    assert boxes == [
        "/tin-tuc-su-kien/tin-cchc-cua-tinh",
        "/tin-tuc-su-kien/tin-cchc-trung-uong",
        "/ket-qua-cchc/bao-cao-cchc-dinh-ky",
        "/ket-qua-cchc/chi-so-cchc",
        "/chuyen-doi-so",
        "/hoi-dap",
    ]
    assert all(1 <= len(box.xpath(".//li")) <= 5 for box in tree.xpath('//div[@class="box-cat"]'))
    assert tree.xpath('//ul[@id="menu"]') and tree.xpath('//div[@id="nav"]//div[@class="search-box"]')


def test_latest_box_lists_the_five_newest_everywhere(replica: Replica) -> None:
    newest = sorted(replica.articles, key=lambda a: (a.published, a.site_id), reverse=True)[:5]
    for path in ["/", replica.listings[-1], replica.documents[0], "/gioi-thieu", "/no-such-page", SEED_PATH]:
        tree = lxml.html.fromstring(replica.get(path).body.decode("utf-8"))
        box = tree.xpath('//div[contains(@class, "box-latest")]')[0]
        assert box.xpath("./div[@class='title-box']/text()") == ["Tin mới nhất"]
        assert box.xpath(".//li/a/@href") == [a.path for a in newest]
        assert [t.strip("()") for t in box.xpath(".//li/span[@class='date']/text()")] == [
            a.published_raw for a in newest
        ]


def test_documents(replica: Replica) -> None:
    assert 12 <= len(replica.documents) <= 20
    real = "/van-ban-cchc/van-ban-cua-tinh/ke-hoach-2524-kh-ubnd-1021.html"
    assert real in replica.documents
    tree = lxml.html.fromstring(replica.get(real).body.decode("utf-8"))
    rows = {row.xpath("string(th)"): row.xpath("string(td)") for row in tree.xpath('//table[@class="doc-info"]/tr')}
    assert rows["Số ký hiệu"] == "2524/KH-UBND"
    assert rows["Ngày ban hành"] == "18/08/2021"
    assert rows["Tệp đính kèm"] == "2524-KH-UBND.pdf"
    assert tree.xpath("//title/text()") == ["Kế hoạch 2524/KH-UBND"]
    for listing in ("/van-ban-cchc", "/van-ban-cchc/van-ban-cua-tinh", "/van-ban-cchc/van-ban-trung-uong"):
        assert listing in replica.listings


def test_static_pages(replica: Replica) -> None:
    assert replica.static_pages == ["/gioi-thieu", "/lien-he", "/so-do-trang"]
    tree = lxml.html.fromstring(replica.get("/gioi-thieu").body.decode("utf-8"))
    assert tree.xpath('//div[@class="static-page"]/h1[@class="page-title"]/text()') == [
        "Giới thiệu Trang thông tin điện tử cải cách hành chính tỉnh Lai Châu"
    ]


# --------------------------------------------------------------------------------------
# Articles against their ground truth


def assert_page_matches_truth(replica: Replica, article: ReplicaArticle) -> None:
    """The article's page shows exactly what its ground truth says."""
    tree = article_tree(replica, article.path)
    detail = tree.xpath('//div[@class="news-detail"]')[0]
    assert text_of(detail.xpath('./h1[@class="news-title"]')[0]) == article.title
    assert text_of(detail.xpath('./div[@class="news-date"]')[0]) == f"(Ngày đăng :{article.published_raw})"
    crumbs = tree.xpath('//div[@class="breadcrumb"]/a')
    assert [text_of(a) for a in crumbs] == article.breadcrumb
    content = detail.xpath('./div[@class="news-content"]')[0]
    assert body_paragraphs(content) == article.paragraphs, article.path
    assert [(i.get("src"), i.get("alt")) for i in content.iter("img")] == [(i["src"], i["alt"]) for i in article.images]
    for image in article.images:
        assert image["caption"] is None or image["caption"] in article.paragraphs
    files = [(a.get("href"), text_of(a)) for a in detail.xpath('./div[@class="news-attachments"]//a')]
    assert files == [(f["url"], f["name"]) for f in article.attachments]
    assert tree.xpath('//div[@class="news-other"]//li/a/@href') == article.related
    links = [site_path(a.get("href", "")) for a in content.iter("a")]
    assert [link for link in links if link] == article.body_links
    assert article.category == article.breadcrumb[-1]
    assert unicodedata.is_normalized("NFC", article.title + article.body_text)


def test_every_article_page_matches_its_ground_truth(replica: Replica) -> None:
    for article in replica.articles:
        assert_page_matches_truth(replica, article)


def test_related_are_same_category_articles_with_dates(replica: Replica) -> None:
    by_path = {a.path: a for a in replica.articles}
    for article in replica.articles[:50]:
        assert 1 <= len(article.related) <= 5
        assert all(by_path[p].category == article.category and p != article.path for p in article.related)
    tree = article_tree(replica, replica.articles[0].path)
    dates = tree.xpath('//div[@class="news-other"]//li/span[@class="date"]/text()')
    assert dates == [f"({by_path[p].published_raw})" for p in replica.articles[0].related]


def test_seed_article_equals_the_real_page_text(replica: Replica) -> None:
    article = replica.article(SEED_PATH)
    assert article.site_id == 2745
    assert article.published == "2021-09-24T00:00:00+07:00"
    assert article.published_raw == "24/09/2021 12:00:00 SA"
    assert article.breadcrumb == ["Trang chủ", "Kết quả CCHC", "Báo cáo CCHC định kỳ"]
    assert article.paragraphs[0] == "Ảnh minh họa (Nguồn: Internet)"
    assert article.paragraphs[-1].endswith("trên Hệ thống một cửa điện tử tỉnh./.")
    assert len(article.paragraphs) == 18
    for typo in ("tỉnh tỉnh", "cáccấp", "tới100%"):
        assert typo in article.body_text
    # Tin liên quan: the real five reports, with their real dates, as the live page listed them.
    lines = SEED_TEXT.read_text(encoding="utf-8").split("\n")
    start = lines.index("Tin liên quan") + 1
    real = [line for line in lines[start : lines.index("Tin mới nhất")] if line]
    by_path = {a.path: a for a in replica.articles}
    assert [f"{by_path[p].title}({by_path[p].published_raw})" for p in article.related] == real


def test_snapshot_articles_keep_their_real_bodies(replica: Replica) -> None:
    for path, site_id in SNAPSHOT_PATHS.items():
        body = (DATA_DIR / "snapshot" / f"news-content-{site_id}.html").read_bytes()
        page = replica.get(path).body
        assert b'<div class="news-content">\n' + body + b"  </div>" in page
        assert replica.article(path).variant == "utf-8"
    sipas = replica.article(next(p for p, i in SNAPSHOT_PATHS.items() if i == 3310))
    assert sipas.attachments == [{"url": "/Uploads/files/2023/08/2790-KH-UBND.pdf", "name": "Kế hoạch số 2790/KH-UBND",
                                  "kind": "pdf", "text_contains": "mã tài liệu ĐLHL3310A"}]  # fmt: skip
    # The plan itself: a real PDF made from the article, where the snapshot kept only a stub.
    text = extract_text(replica.get("/Uploads/files/2023/08/2790-KH-UBND.pdf").body, "2790-KH-UBND.pdf").text
    assert "Kế hoạch số 2790/KH-UBND" in text and "mã tài liệu ĐLHL3310A" in text
    assert "khảo sát được thực hiện tại 08 huyện, thành phố với 1.200 phiếu" in " ".join(text.split())


def test_dates_use_the_dotnet_vietnamese_format(replica: Replica) -> None:
    from crawler.replica import VIETNAM

    assert format_site_date(datetime(2021, 1, 2, 0, 5, 0, tzinfo=VIETNAM)) == "02/01/2021 12:05:00 SA"
    assert format_site_date(datetime(2021, 1, 2, 12, 30, 0, tzinfo=VIETNAM)) == "02/01/2021 12:30:00 CH"
    assert format_site_date(datetime(2022, 12, 20, 21, 18, 33, tzinfo=VIETNAM)) == "20/12/2022 9:18:33 CH"
    assert format_site_date(datetime(2022, 3, 20, 11, 2, 58, tzinfo=VIETNAM)) == "20/03/2022 11:02:58 SA"
    hours = set()
    for article in replica.articles:
        moment = datetime.fromisoformat(article.published)
        assert parse_site_date(article.published_raw) == moment
        assert 2019 <= moment.year <= 2024
        hours.add(moment.hour)
    assert hours == set(range(24))
    raws = [a.published_raw for a in replica.articles]
    assert any(" 12:" in r and r.endswith("SA") for r in raws)
    assert any(" 12:" in r and r.endswith("CH") for r in raws)


def test_generated_bodies_cover_the_features(replica: Replica) -> None:
    articles = replica.articles
    assert all(3 <= len(a.paragraphs) for a in articles if a.site_id not in SNAPSHOT_PATHS.values())
    assert any(len(a.images) == 2 for a in articles)
    assert any(len(a.images) == 1 for a in articles)
    assert any(not a.images for a in articles)
    assert any(i["caption"] is None for a in articles for i in a.images)
    extensions = {f["url"].rsplit(".", 1)[1] for a in articles for f in a.attachments}
    assert extensions == {"pdf", "docx", "doc", "xls", "xlsx"}
    for phrase in ("Đảng bộ", "tinh giản biên chế", "Chỉ số cải cách hành chính", "dịch vụ công trực tuyến",
                   "Bộ phận một cửa"):  # fmt: skip
        assert any(phrase in a.body_text for a in articles), phrase
    bodies = b"".join(replica.get(a.path).body for a in articles if a.variant == "utf-8")
    for marker in (b"?utm_source=zalo&amp;utm_medium=social", b"?fbclid=", b"zarsrc=", b'.html#noi-dung"',
                   b'href="javascript:void(0)"', b'href="mailto:cchc@', b'href="tel:', b'href="__BASE__/',
                   b"<li>", b",&nbsp;"):  # fmt: skip
        assert marker in bodies, marker


def test_redirects_and_dead_links_are_linked_from_bodies(replica: Replica) -> None:
    linked = {path for a in replica.articles for path in a.body_links}
    article_paths = {a.path for a in replica.articles}
    assert set(replica.dead_links) - {"/rss"} <= linked
    moved = [old for old, new in replica.redirects.items() if replica.get(old).status == 301]
    assert moved and moved[0] in linked and replica.redirects[moved[0]] in article_paths
    first_hop = next(old for old in replica.redirects if old.startswith("/NewsDetail.aspx"))
    second_hop = replica.redirects[first_hop]
    assert first_hop in linked
    assert replica.get(first_hop).status == replica.get(second_hop).status == 302
    assert replica.redirects[second_hop] in article_paths


# --------------------------------------------------------------------------------------
# Special variants


def test_variants(replica: Replica) -> None:
    legacy = [a for a in replica.articles if a.variant == "windows-1258"]
    assert len(legacy) == 2
    headers = sorted(replica.get(a.path).headers["Content-Type"] for a in legacy)
    assert headers == ["text/html", "text/html; charset=windows-1258"]
    for article in legacy:
        assert b'content="text/html; charset=windows-1258"' in replica.get(article.path).body


def test_cp1258_spells_tones_as_combining_marks() -> None:
    assert to_cp1258("ế") == "ê".encode("cp1258") + b"\xec"  # ê, then the combining acute accent
    assert to_cp1258("đ Ư ậ") == b"\xf0 \xdd \xe2\xf2"
    assert to_cp1258("Chỉ số") == b"Chi\xd2 s\xf4\xec"
    text = "Tỉnh Lai Châu ban hành Kế hoạch “Đo lường sự hài lòng…”"
    assert unicodedata.normalize("NFC", to_cp1258(text).decode("cp1258")) == text


def test_windows_1258_pages_decode_to_the_utf8_ground_truth(replica: Replica, server: ReplicaServer) -> None:
    for article in (a for a in replica.articles if a.variant == "windows-1258"):
        status, headers, body = fetch(server, article.path)
        assert status == 200
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        text = unicodedata.normalize("NFC", body.decode("cp1258"))
        tree = lxml.html.fromstring(text)
        assert text_of(tree.xpath('//h1[@class="news-title"]')[0]) == article.title
        assert body_paragraphs(tree.xpath('//div[@class="news-content"]')[0]) == article.paragraphs
        assert decode(body, headers["content-type"]) == text


def test_nfd_page_is_decomposed_unicode(replica: Replica) -> None:
    article = next(a for a in replica.articles if a.variant == "nfd")
    text = replica.get(article.path).body.decode("utf-8")
    assert not unicodedata.is_normalized("NFC", text)
    assert unicodedata.normalize("NFD", article.title) in text
    tree = lxml.html.fromstring(unicodedata.normalize("NFC", text))
    assert body_paragraphs(tree.xpath('//div[@class="news-content"]')[0]) == article.paragraphs


def test_word_body_has_office_markup_but_plain_paragraphs(replica: Replica) -> None:
    article = next(a for a in replica.articles if a.variant == "word")
    page = replica.get(article.path).body.decode("utf-8")
    for marker in ('class="MsoNormal"', "mso-", "<o:p></o:p>", "&nbsp;", "<!--[if gte mso 9]><xml>", "<style>"):
        assert marker in page
    assert all("  " not in p and "\xa0" not in p for p in article.paragraphs)
    assert not any("mso-" in p or "font-family" in p for p in article.paragraphs)


# --------------------------------------------------------------------------------------
# Over HTTP


def test_server_answers_with_status_and_headers(replica: Replica, server: ReplicaServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
    status, headers, body = fetch(server, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert int(headers["content-length"]) == len(body) > 1000
    status, head_headers, head_body = fetch(server, "/", "HEAD")
    assert (status, head_body, head_headers["content-length"]) == (200, b"", headers["content-length"])

    status, headers, body = fetch(server, "/khong-ton-tai.html")
    assert status == 404 and "Không tìm thấy trang yêu cầu" in body.decode("utf-8")
    assert fetch(server, replica.dead_links[-1])[0] == 404

    old, new = next((o, n) for o, n in replica.redirects.items() if replica.get(o).status == 301)
    status, headers, _ = fetch(server, old)
    assert (status, headers["location"]) == (301, new)

    status, headers, body = fetch(server, "/Uploads/files/2023/08/2790-KH-UBND.pdf")
    assert (status, headers["content-type"]) == (200, "application/pdf") and body.startswith(b"%PDF")
    docx = next(f["url"] for a in replica.articles for f in a.attachments if f["url"].endswith(".docx"))
    status, headers, body = fetch(server, docx)
    assert headers["content-type"].endswith("wordprocessingml.document") and body.startswith(b"PK")


def test_tracking_parameters_are_ignored(replica: Replica, server: ReplicaServer) -> None:
    clean = fetch(server, SEED_PATH)
    tracked = fetch(server, SEED_PATH + "?utm_source=zalo&utm_medium=social&fbclid=IwAR0abc")
    assert tracked[0] == 200 and tracked[2] == clean[2]


def test_robots_txt(server: ReplicaServer) -> None:
    status, headers, body = fetch(server, "/robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert body.decode().splitlines() == ["User-agent: *", "Disallow: /tim-kiem", "Disallow: /Admin"]


def test_print_view_names_the_article_with_the_server_url(replica: Replica, server: ReplicaServer) -> None:
    status, headers, body = fetch(server, SEED_PATH + "?print=1")
    assert status == 200
    tree = lxml.html.fromstring(body.decode("utf-8"))
    assert tree.xpath('//link[@rel="canonical"]/@href') == [server.url + SEED_PATH]
    assert not tree.xpath('//ul[@id="menu"]') and not tree.xpath('//div[contains(@class, "box-latest")]')
    assert body_paragraphs(tree.xpath('//div[@class="news-content"]')[0]) == replica.article(SEED_PATH).paragraphs
    page = fetch(server, SEED_PATH)[2].decode("utf-8")
    assert f"sharer.php?u={server.url}{SEED_PATH}" in page
    assert "__BASE__" not in page


def test_server_records_requests_quietly(server: ReplicaServer, capfd: pytest.CaptureFixture) -> None:
    before = len(server.requests)
    fetch(server, "/gioi-thieu")
    fetch(server, "/nowhere", "HEAD")
    method, path, headers = server.requests[before]
    assert (method, path) == ("GET", "/gioi-thieu") and "Host" in headers
    assert server.requests[before + 1][:2] == ("HEAD", "/nowhere")
    assert capfd.readouterr().err == ""


def test_server_stops_and_frees_its_port(replica: Replica) -> None:
    server = ReplicaServer(replica).start()
    assert fetch(server, "/robots.txt")[0] == 200
    server.stop()
    with pytest.raises(OSError):
        fetch(server, "/robots.txt")


# --------------------------------------------------------------------------------------
# Attached files: real PDF and DOCX with a phrase of their own


def test_attachments_are_real_documents_with_a_phrase_of_their_own(replica: Replica) -> None:
    pages = b"".join(r.body for r in replica.resources.values() if r.headers.get("Content-Type", "").startswith("text/"))
    attachments = [(article, f) for article in replica.articles for f in article.attachments]
    assert set(Counter(f["kind"] for _, f in attachments)) == {"pdf", "docx", "doc", "xls", "xlsx"}
    phrases = []
    for article, attachment in attachments:
        assert attachment["kind"] == attachment["url"].rsplit(".", 1)[1]
        assert replica.files[attachment["url"]] == {"kind": attachment["kind"], "text_contains": attachment["text_contains"]}
        resource = replica.get(attachment["url"])
        result = extract_text(resource.body, attachment["url"], resource.headers["Content-Type"])
        assert result.kind == attachment["kind"]
        phrase = attachment["text_contains"]
        if attachment["kind"] in ("pdf", "docx"):
            assert result.error is None and phrase in result.text, attachment["url"]
            assert article.title in " ".join(result.text.split())  # the text comes from its article
            # Only the file has it: no page's bytes, no article's text.
            assert phrase.encode() not in pages and phrase.split()[-1].encode() not in pages
            assert not any(phrase in a.body_text or phrase in a.title for a in replica.articles)
            phrases.append(phrase)
        else:
            assert phrase is None and result.text is None and result.error
    assert len(phrases) == len(set(phrases)) > 20


def test_document_files_are_real_too(replica: Replica) -> None:
    linked = {f["url"] for a in replica.articles for f in a.attachments}
    documents = {path: truth for path, truth in replica.files.items() if path not in linked}
    assert {truth["kind"] for truth in documents.values()} == {"pdf", "docx", "doc", "xlsx"}
    for path, truth in documents.items():
        result = extract_text(replica.get(path).body, path)
        assert result.kind == truth["kind"]
        assert truth["text_contains"] is None or truth["text_contains"] in result.text


# --------------------------------------------------------------------------------------
# Validators and conditional requests


def http_date(moment: datetime) -> str:
    return formatdate(moment.timestamp(), usegmt=True)


def test_every_200_response_has_validators(replica: Replica) -> None:
    etags = {}
    for path, resource in replica.resources.items():
        if resource.status != 200:
            assert "ETag" not in resource.headers and "Last-Modified" not in resource.headers
            continue
        assert re.fullmatch(r'"[0-9a-f]{32}"', resource.headers["ETag"]), path
        assert resource.last_modified is not None
        etags.setdefault(resource.headers["ETag"], set()).add(resource.body)
    assert all(len(bodies) == 1 for bodies in etags.values())  # one ETag, one body
    assert "ETag" not in replica.not_found.headers
    # Fixed per resource: an article and its files by its publication, the rest by the newest article.
    seed = replica.article(SEED_PATH)
    assert replica.get(SEED_PATH).last_modified == datetime.fromisoformat(seed.published)
    assert replica.get(SEED_PATH + "?print=1").headers["Last-Modified"] == http_date(datetime.fromisoformat(seed.published))
    sipas = replica.article(next(p for p, i in SNAPSHOT_PATHS.items() if i == 3310))
    assert replica.get(sipas.attachments[0]["url"]).last_modified == datetime.fromisoformat(sipas.published)
    newest = max(datetime.fromisoformat(a.published) for a in replica.articles)
    assert replica.get("/").last_modified == replica.get("/tin-tuc-su-kien").last_modified == newest


def test_conditional_requests(replica: Replica, server: ReplicaServer) -> None:
    status, headers, body = fetch(server, SEED_PATH)
    etag, modified = headers["etag"], headers["last-modified"]
    assert status == 200 and body and etag == replica.get(SEED_PATH).headers["ETag"]

    for method in ("GET", "HEAD"):
        status, not_modified, body = fetch(server, SEED_PATH, method, {"If-None-Match": etag})
        assert (status, body, not_modified["etag"], not_modified["last-modified"]) == (304, b"", etag, modified)
        assert "content-length" not in not_modified
    for matching in (f"W/{etag}", f'"other", {etag}', "*"):
        assert fetch(server, SEED_PATH, headers={"If-None-Match": matching})[0] == 304, matching
    assert fetch(server, SEED_PATH + "?utm_source=zalo", headers={"If-None-Match": etag})[0] == 304
    status, _, body = fetch(server, SEED_PATH, headers={"If-None-Match": '"0123"'})
    assert status == 200 and len(body) == int(headers["content-length"])

    published = replica.get(SEED_PATH).last_modified
    for since, expected in [(modified, 304), (http_date(published + timedelta(days=400)), 304),
                            (http_date(published - timedelta(seconds=1)), 200), ("not a date", 200)]:  # fmt: skip
        assert fetch(server, SEED_PATH, headers={"If-Modified-Since": since})[0] == expected, since
    # If-None-Match decides when both are sent.
    both = {"If-None-Match": '"stale"', "If-Modified-Since": modified}
    assert fetch(server, SEED_PATH, headers=both)[0] == 200
    # Only a 200 can become a 304.
    assert fetch(server, "/khong-ton-tai.html", headers={"If-None-Match": "*"})[0] == 404
    old, new = next((o, n) for o, n in replica.redirects.items() if replica.get(o).status == 301)
    assert fetch(server, old, headers={"If-None-Match": "*"})[0] == 301
    pdf = "/Uploads/files/2023/08/2790-KH-UBND.pdf"
    status, file_headers, _ = fetch(server, pdf)
    assert fetch(server, pdf, headers={"If-None-Match": file_headers["etag"]})[0] == 304


def test_a_304_keeps_the_connection_usable(server: ReplicaServer) -> None:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        connection.request("GET", "/gioi-thieu")
        first = connection.getresponse()
        first.read()
        connection.request("GET", "/gioi-thieu", headers={"If-None-Match": first.getheader("ETag")})
        second = connection.getresponse()
        assert (second.status, second.read()) == (304, b"")
        connection.request("GET", "/robots.txt")
        third = connection.getresponse()
        assert third.status == 200 and third.read().startswith(b"User-agent")
    finally:
        connection.close()


# --------------------------------------------------------------------------------------
# Changes after the build: revise, remove, add_articles on a running server


@pytest.fixture
def live():
    """A small replica of its own, served: these tests change it."""
    replica = build_replica(40)
    with ReplicaServer(replica) as running:
        yield replica, running


def validators(server: ReplicaServer, path: str) -> tuple[str, datetime]:
    status, headers, _ = fetch(server, path)
    assert status == 200, path
    return headers["etag"], parsedate_to_datetime(headers["last-modified"])


def listed(replica: Replica, key: str) -> list[str]:
    """Every article a listing shows, page after page, following `Trang sau`."""
    paths, url = [], "/" + key
    while url:
        tree = lxml.html.fromstring(replica.get(url).body.decode("utf-8"))
        paths += tree.xpath('//div[contains(@class, "item-news")]//h3[@class="title"]/a/@href')
        following = tree.xpath('//div[@class="pager"]/a[@class="next"]/@href')
        url = following[0] if following else None
    return paths


def assert_listings_and_boxes_consistent(replica: Replica) -> None:
    """Listings, home and the `Tin mới nhất` box show exactly the served articles, newest first."""
    newest = sorted(replica.articles, key=lambda a: (a.published, a.site_id), reverse=True)
    for key in ("tin-tuc-su-kien", "ket-qua-cchc", "tin-tuc-su-kien/tin-cchc-cua-tinh", "chuyen-doi-so", "hoi-dap"):
        expected = [a.path for a in newest if a.path.startswith(f"/{key}/")]
        assert listed(replica, key) == expected, key
    for path in ("/", "/gioi-thieu", replica.articles[0].path, "/no-such-page"):
        tree = lxml.html.fromstring(replica.get(path).body.decode("utf-8", errors="replace"))
        assert tree.xpath('//div[contains(@class, "box-latest")]//li/a/@href') == [a.path for a in newest[:5]]
    seen = crawl(replica)
    assert {a.path for a in replica.articles} <= seen.keys()
    assert set(replica.listings) <= seen.keys()
    assert all(replica.get(path).status == 200 for path in replica.listings)


def test_revise_changes_the_body_etag_and_last_modified(live) -> None:
    replica, server = live
    chosen = [SEED_PATH] + [next(a.path for a in replica.articles if a.variant == v)
                            for v in ("utf-8", "windows-1258", "nfd", "word", "plain")]  # fmt: skip
    untouched = next(a.path for a in replica.articles if a.path not in chosen)
    before = {path: validators(server, path) for path in [*chosen, untouched, "/", "/tin-tuc-su-kien"]}
    print_before = validators(server, chosen[1] + "?print=1")
    paragraphs = {path: list(replica.article(path).paragraphs) for path in chosen}

    replica.revise(chosen, note="Cập nhật  số liệu")
    for path in chosen:
        etag, modified = before[path]
        status, headers, body = fetch(server, path, headers={"If-None-Match": etag})
        assert status == 200 and body and headers["etag"] != etag
        assert parsedate_to_datetime(headers["last-modified"]) > modified
        article = replica.article(path)
        assert article.paragraphs[:-1] == paragraphs[path]
        assert article.paragraphs[-1].startswith("Cập nhật số liệu (lần 1): ")
        assert article.body_text.endswith(article.paragraphs[-1])
        assert_page_matches_truth(replica, article)
        assert_citations_match(replica, article)
    assert fetch(server, chosen[1] + "?print=1", headers={"If-None-Match": print_before[0]})[0] == 200
    # Nothing else changed: the listing summary is the first paragraph, the latest box has no text.
    for path in (untouched, "/", "/tin-tuc-su-kien"):
        assert fetch(server, path, headers={"If-None-Match": before[path][0]})[0] == 304, path

    etag, modified = validators(server, chosen[0])
    replica.revise([chosen[0]])
    assert replica.article(chosen[0]).paragraphs[-1].startswith("Cập nhật (lần 2): ")
    new_etag, new_modified = validators(server, chosen[0])
    assert new_etag != etag and new_modified > modified
    status, _, _ = fetch(server, chosen[0], headers={"If-Modified-Since": http_date(modified)})
    assert status == 200
    assert fetch(server, chosen[0], headers={"If-Modified-Since": http_date(new_modified)})[0] == 304
    with pytest.raises(KeyError):
        replica.revise(["/tin-tuc-su-kien/khong-co-bai-nay-1.html"])


def test_remove_makes_articles_404_and_leave_listings(live) -> None:
    replica, server = live
    newest = max(replica.articles, key=lambda a: (a.published, a.site_id))
    # A full page of the biggest listing goes too, so that listing loses its last page.
    section = "tin-tuc-su-kien"
    members = [a.path for a in replica.articles if a.path.startswith(f"/{section}/")]
    pages_before = -(-len(members) // PAGE_SIZE)
    gone = sorted({newest.path, *members[:PAGE_SIZE]})
    last_page = f"/{section}?page={pages_before}"
    assert fetch(server, last_page)[0] == 200
    home_etag, _ = validators(server, "/")

    replica.remove(gone)
    for path in gone:
        assert fetch(server, path)[0] == 404 and fetch(server, path + "?print=1")[0] == 404
    assert replica.removed == gone
    assert not {a.path for a in replica.articles} & set(gone) and len(replica.articles) == 40 - len(gone)
    assert fetch(server, last_page)[0] == 404 and last_page not in replica.listings
    assert fetch(server, "/", headers={"If-None-Match": home_etag})[0] == 200  # the latest box changed
    assert_listings_and_boxes_consistent(replica)
    for article in replica.articles:
        assert_page_matches_truth(replica, article)
    with pytest.raises(KeyError, match="removed"):
        replica.revise([newest.path])
    with pytest.raises(ValueError):
        replica.remove([a.path for a in replica.articles])


def test_add_articles_puts_them_first_on_page_one(live) -> None:
    replica, server = live
    last_id = max(a.site_id for a in replica.articles)
    last_published = max(datetime.fromisoformat(a.published) for a in replica.articles)
    home_etag, home_modified = validators(server, "/")

    added = replica.add_articles(12)
    assert len(added) == 12 and len(replica.articles) == 52
    assert sorted(a.site_id for a in added) == [a.site_id for a in added] and added[0].site_id > last_id
    assert datetime.fromisoformat(added[0].published) > last_published
    for article in added:
        status, headers, _ = fetch(server, article.path)
        assert status == 200 and parsedate_to_datetime(headers["last-modified"]) > home_modified
        assert_page_matches_truth(replica, article)
        assert_citations_match(replica, article)
        assert 1 <= len(article.related) <= 5
        assert all(replica.article(p).category == article.category for p in article.related)
        for attachment in article.attachments:
            assert replica.files[attachment["url"]]["kind"] == attachment["kind"]
            assert fetch(server, attachment["url"])[0] == 200
    for key in {a.path.rsplit("/", 1)[0].lstrip("/") for a in added}:
        ours = sorted((a for a in added if a.path.startswith(f"/{key}/")), key=lambda a: a.published, reverse=True)
        page_one = lxml.html.fromstring(fetch(server, "/" + key)[2].decode("utf-8"))
        top = page_one.xpath('//div[contains(@class, "item-news")]//h3[@class="title"]/a/@href')
        assert top[: len(ours)] == [a.path for a in ours], key
    assert fetch(server, "/", headers={"If-None-Match": home_etag})[0] == 200
    assert_listings_and_boxes_consistent(replica)

    again = build_replica(40)
    again.add_articles(12)
    assert again.articles == replica.articles  # the same changes give the same site


def test_only_a_built_replica_can_change() -> None:
    bare = Replica(resources={}, articles=[], listings=[], documents=[], static_pages=[], redirects={}, dead_links=[])
    with pytest.raises(RuntimeError):
        bare.add_articles(1)


# --------------------------------------------------------------------------------------
# Legal references: declared in the data, recorded as written, never read back from the text

# Every way of writing a citation the replica shows, by the form names its data files use.
FORMS = {
    "plan", "decree", "resolution", "decision", "prime-minister", "law", "circular", "dispatch", "party",
    "party-province", "two-numbers", "so", "no-diacritics", "no-hyphen", "nbsp", "line-break", "en-dash",
    "lower-case", "kind-in-words", "dated", "dated-in-words",
}  # fmt: skip
OTHER_FORMS = {"report", "guide", "directive", "link"}  # a Báo cáo, a Hướng dẫn, a Chỉ thị, a link to the document
# Numbers that are no reference; each shows in a replica of 40 articles.
TRAPS = ("12/10/2021", "3/4", "85,5/100", "19/20 huyện", "0213.3876.650", "02133 876 650", "Trang 2/5",
         "giai đoạn 2021-2030", "quý III/2021")  # fmt: skip
EXAMPLE_NUMBERS = {"2524/KH-UBND", "107/2020/NĐ-CP", "18-NQ/TW", "05-CT/TU", "06/QĐ-TTg", "80/2015/QH13",
                   "01/2023/TT-VPCP", "1234/UBND-KSTT", "76/NQ-CP", "61/2018/NĐ-CP"}  # fmt: skip
# What any document number looks like: left in a text once its declared citations are taken out, it was never declared.
REF_LIKE = re.compile(
    r"\d+(?:/\d{4})?/ ?[A-ZĐa-zđ]{2}|\d+-[A-ZĐa-zđ]{2,}/"
    r"|\b(?:nghị định|quyết định|nghị quyết|thông tư|kế hoạch|chỉ thị|công văn|luật|báo cáo|hướng dẫn) số\s*\d",
    re.IGNORECASE,
)
NORMALISED = re.compile(r"\d+(?:/\d{4})?/[A-ZĐ][A-ZĐa-z\d]*(?:-[A-ZĐ][A-ZĐa-z]*)*|\d+-[A-Z]{2}/[A-Z]{2}")
VOCABULARY = json.loads((DATA_DIR / "vocabulary.json").read_text(encoding="utf-8"))
DOCUMENTS = json.loads((DATA_DIR / "documents.json").read_text(encoding="utf-8"))["documents"]


@pytest.fixture(scope="module", params=MARKUPS)
def forty(request) -> Replica:
    """The replica of 40 articles, seed 1, in each markup: every citation form must show in it."""
    return build_replica(40, seed=1, markup=request.param)


def source_of(replica: Replica, path: str) -> str:
    """A page's HTML source as a browser decodes it (header, else <meta>), in NFC."""
    resource = replica.get(path)
    return unicodedata.normalize("NFC", html_to_unicode(resource.headers["Content-Type"], resource.body)[1])


def file_text(replica: Replica, url: str) -> str:
    resource = replica.get(url)
    result = extract_text(resource.body, url, resource.headers["Content-Type"])
    assert result.error is None, url
    return " ".join(result.text.split())


def valid_ref(ref: dict) -> bool:
    return bool(NORMALISED.fullmatch(ref["number"])) and (
        ref["date"] is None or datetime.fromisoformat(ref["date"]).date().isoformat() == ref["date"])


def assert_nothing_undeclared(text: str, declared: list[str], where: str) -> None:
    """Each declared citation is written in `text`, once per declaration; what is left cites nothing."""
    rest = text
    for written in sorted(declared, key=len, reverse=True):
        assert written in rest, (where, written)
        rest = rest.replace(written, " ¦ ", 1)
    found = REF_LIKE.search(rest)
    assert found is None, (where, found and found[0], rest)


def assert_citations_match(replica: Replica, article: ReplicaArticle) -> None:
    """The article's legal references are its citations' and each is written where it says, in the words it says."""
    assert article.legal_refs == [{"field": c["field"], "number": ref["number"], "date": ref["date"]}
                                  for c in article.citations for ref in c["refs"]]  # fmt: skip
    assert all(valid_ref(ref) for ref in article.legal_refs), article.path
    written = defaultdict(list)
    for citation in article.citations:
        written[citation["field"], citation.get("url")].append(citation["text"])
    assert set(written) <= {("title", None), ("body_text", None)} | {
        ("attachment_text", a["url"]) for a in article.attachments if a["kind"] in ("pdf", "docx")}
    assert_nothing_undeclared(article.title, written["title", None], article.path)
    assert_nothing_undeclared(article.body_text, written["body_text", None], article.path)
    for attachment in article.attachments:
        if attachment["kind"] in ("pdf", "docx"):
            text = file_text(replica, attachment["url"])
            assert_nothing_undeclared(text, written["attachment_text", attachment["url"]], attachment["url"])


def test_citation_data_is_consistent() -> None:
    groups = {name: entries for name, entries in VOCABULARY["citations"].items() if name != "_about"}
    entries = [entry for group in groups.values() for entry in group]
    texts = [entry["text"] for entry in entries]
    assert len(texts) == len(set(texts))
    for entry in entries:
        assert ", " not in entry["text"] and entry["refs"] and all(valid_ref(ref) for ref in entry["refs"])
        assert set(entry["forms"]) <= FORMS | OTHER_FORMS
        if "html" in entry:  # the source writes it otherwise, but it reads the same
            assert entry["html"] != entry["text"]
            assert " ".join(html.unescape(entry["html"]).split()) == entry["text"]
    # Templates cite only through their slots, and only where the generator records what they cite.
    cited = [*VOCABULARY["leads"].values(), *VOCABULARY["sentences"].values(), *VOCABULARY["titles"].values(),
             VOCABULARY["attachment_names"]]  # fmt: skip
    for template in (t for templates in cited for t in templates):
        assert "{num}" not in template and not REF_LIKE.search(template), template
        assert set(re.findall(r"\{cite:(\w+)\}", template)) <= set(groups) - {"appendix"}, template
    uncited = [*VOCABULARY["required_sentences"], *VOCABULARY["closings"], *VOCABULARY["captions"],
               *VOCABULARY["trap_sentences"], VOCABULARY["questions_asker"]]  # fmt: skip
    assert not any("{cite" in t or REF_LIKE.search(t) for t in uncited)
    assert all(t.count("{cite}") == 1 for t in VOCABULARY["basis_sentences"])


def test_every_citation_is_written_as_its_truth_says(forty: Replica) -> None:
    forms, numbers, in_files_only = set(), set(), []
    for article in forty.articles:
        assert_citations_match(forty, article)
        source = source_of(forty, article.path)
        on_page = {ref["number"] for ref in article.legal_refs if ref["field"] != "attachment_text"}
        for citation in article.citations:
            if citation["field"] == "title":
                assert citation["html"] in source, (article.path, citation)
            elif citation["field"] == "body_text" and article.variant != "word":  # Word's HTML is its own
                assert citation["html"] in source, (article.path, citation)
            elif citation["field"] == "attachment_text":
                in_files_only += [ref["number"] for ref in citation["refs"] if ref["number"] not in on_page]
            if citation["field"] != "body_text" or article.variant != "word":
                forms.update(citation["forms"])
                numbers.update(ref["number"] for ref in citation["refs"])
            if "nbsp" in citation["forms"]:
                assert "&nbsp;" in citation["html"]
            if "line-break" in citation["forms"]:
                assert "\n" in citation["html"] and "\n" not in citation["text"]
    for document in DOCUMENTS:
        for citation in document.get("summary_citations", []):
            forms.update(citation["forms"])
            numbers.update(ref["number"] for ref in citation["refs"])
    assert FORMS <= forms, FORMS - forms
    assert EXAMPLE_NUMBERS <= numbers, EXAMPLE_NUMBERS - numbers
    assert in_files_only  # an attached file cites what its article's page does not
    refs = [ref for article in forty.articles for ref in article.legal_refs]
    assert {ref["field"] for ref in refs} == {"title", "body_text", "attachment_text"}
    assert any(ref["date"] for ref in refs) and any(ref["date"] is None for ref in refs)
    texts = " ".join(article.body_text for article in forty.articles)
    for trap in TRAPS:
        assert trap in texts, trap


def test_snapshot_articles_cite_what_a_reader_finds(replica: Replica) -> None:
    seed = replica.article(SEED_PATH)
    assert {ref["field"] for ref in seed.legal_refs} == {"body_text"}
    assert Counter(ref["number"] for ref in seed.legal_refs) == {
        "2524/KH-UBND": 1, "18-NQ/TW": 2, "19-NQ/TW": 3, "68/2000/NĐ-CP": 1, "107/2020/NĐ-CP": 1, "108/2020/NĐ-CP": 1,
        "120/2020/NĐ-CP": 1}  # fmt: skip
    assert [ref["date"] for ref in seed.legal_refs if ref["date"]] == ["2021-08-18"]
    sipas = replica.article(next(p for p, i in SNAPSHOT_PATHS.items() if i == 3310))
    assert sipas.legal_refs == [
        {"field": "body_text", "number": "2790/KH-UBND", "date": "2023-08-08"},
        {"field": "attachment_text", "number": "2790/KH-UBND", "date": None},  # the file's name, its heading
        {"field": "attachment_text", "number": "2790/KH-UBND", "date": "2023-08-08"},  # the lead it repeats
    ]
    other = replica.article(next(p for p, i in SNAPSHOT_PATHS.items() if i == 3142))
    assert other.legal_refs == []
    for path in SNAPSHOT_PATHS:
        assert_citations_match(replica, replica.article(path))


def test_every_article_cites_as_its_truth_says(replica: Replica) -> None:
    for article in replica.articles:
        assert_citations_match(replica, article)


def test_revisions_record_what_they_cite(live) -> None:
    replica, server = live
    paths = [a.path for a in replica.articles]
    replica.revise(paths)
    revised_citing = 0
    for article in replica.articles:
        assert_citations_match(replica, article)
        last = article.paragraphs[-1]
        cited = [c for c in article.citations if c["field"] == "body_text" and c["text"] in last]
        if cited and article.variant != "word":
            revised_citing += 1
            page = source_of(replica, article.path)
            assert all(c["html"] in page for c in cited)
    assert revised_citing


# --------------------------------------------------------------------------------------
# Document pages: particulars in varied labels and orders, with their truth

USUAL_LABELS = {"number": "Số ký hiệu", "issued": "Ngày ban hành", "type": "Loại văn bản", "issuer": "Cơ quan ban hành",
                "signer": "Người ký", "summary": "Trích yếu", "effective": "Ngày hiệu lực", "field": "Lĩnh vực",
                "files": "Tệp đính kèm"}  # fmt: skip


def iso_day(printed: str) -> str:
    return datetime.strptime(printed, "%d/%m/%Y").date().isoformat()


@pytest.mark.parametrize("markup", MARKUPS)
def test_document_pages_show_their_truth(markup: str) -> None:
    replica = build_replica(10, markup=markup)
    assert set(replica.document_truth) == set(replica.documents)
    by_id = {d["id"]: d for d in DOCUMENTS}
    for path, truth in replica.document_truth.items():
        data = by_id[int(path.removesuffix(".html").rsplit("-", 1)[1])]
        labels = {**USUAL_LABELS, **data.get("labels", {})}
        declared = [{"field": "summary", **ref} for c in data.get("summary_citations", []) for ref in c["refs"]]
        assert truth == {
            "number_raw": data.get("number_raw", data["number"]), "number": data["number"], "kind": data["type"],
            "issuer": data["issuer"], "issued": iso_day(data["issued"]),
            "effective": iso_day(data["effective"]) if "effective" in data else None, "signer": data["signer"],
            "field": data.get("field"), "summary": data["summary"], "files": data["files"],
            "other": data.get("other", {}), "legal_refs": declared,
        }  # fmt: skip
        source = source_of(replica, path)
        shown = text_of(lxml.html.fromstring(source))
        rows = [("number", truth["number_raw"]), ("issued", data["issued"]), ("type", truth["kind"]),
                ("issuer", truth["issuer"]), ("signer", truth["signer"]), ("summary", truth["summary"]),
                ("effective", data.get("effective")), ("field", truth["field"])]  # fmt: skip
        expected = [(labels[key], value) for key, value in rows if value] + list(truth["other"].items())
        for label, value in expected:
            assert f">{html.escape(label)}<" in source, (path, label)
            assert value in shown, (path, value)
        if "order" in data:  # the rows stand in the order the data gives
            keys = [key for key in data["order"] if key in labels and (key == "files" or data.get(key))]
            positions = [source.index(f">{labels[key]}<") for key in keys if key != "files" or data["files"]]
            assert positions == sorted(positions), path
        if truth["files"]:
            assert f">{labels['files']}<" in source
        else:
            assert f">{labels['files']}<" not in source
        for url in truth["files"]:
            assert f'href="{url}"' in source and url.rsplit("/", 1)[1] in shown
            assert replica.get(url).status == 200 and url in replica.files
        for ref in truth["legal_refs"]:
            assert valid_ref(ref)
        assert_nothing_undeclared(truth["summary"], [c["text"] for c in data.get("summary_citations", [])], path)
    truths = list(replica.document_truth.values())
    # The pages vary as real portals do.
    assert any(t["effective"] for t in truths) and any(t["field"] for t in truths)
    assert any(t["other"] for t in truths) and any(len(t["files"]) == 2 for t in truths)
    assert any(not t["files"] for t in truths) and any(t["number_raw"] != t["number"] for t in truths)
    assert sum(1 for t in truths if t["legal_refs"]) >= 4
    assert any(ref["date"] for t in truths for ref in t["legal_refs"])
    printed = [label for d in DOCUMENTS for label in d.get("labels", {}).values()]
    assert any(label.isupper() for label in printed) and any("  " in label for label in printed)
    assert any(label.endswith(":") for label in printed) and "Ngày có hiệu lực" in printed
    assert any("order" in d for d in DOCUMENTS)
