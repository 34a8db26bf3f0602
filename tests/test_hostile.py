"""The hostile replica: each misbehaviour answers as designed over real HTTP, and its ground truth holds."""

from __future__ import annotations

import html
import http.client
import re
import socket
import subprocess
import sys
import threading
from datetime import date

import lxml.html
import pytest

from crawler.replica.hostile import (
    CALENDAR,
    LARGE_PAGE_BYTES,
    LONG_URL_LENGTH,
    OFFSITE_HOST,
    RETRY_AFTER_SECONDS,
    TRAP_LISTING,
    UNFOLLOWABLE_HREFS,
    HostileReplica,
    HostileServer,
    build_hostile_replica,
    script_vectors,
)
from crawler.replica import build_replica

SLOW_SECONDS = 0.5  # a client waiting 0.05 s gives up first; one waiting 10 s gets the page
HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"', re.IGNORECASE)
BLOCKS = frozenset(("p", "li", "ul", "ol", "div", "h1", "h2", "h3", "table", "tr"))
INVISIBLE = ".//script | .//style | .//iframe | .//svg | .//noscript | .//object | .//embed | .//form | .//video"


@pytest.fixture(scope="module")
def hostile() -> HostileReplica:
    return build_hostile_replica(n_articles=30, slow_seconds=SLOW_SECONDS)


@pytest.fixture()
def server(hostile: HostileReplica):
    """A fresh server per test: the retry counters start at zero."""
    with HostileServer(hostile) as running:
        yield running


def fetch(server: HostileServer, path: str, timeout: float = 10, headers: dict | None = None,
          ) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def tree(body: bytes):
    return lxml.html.fromstring(body.decode("utf-8"))


def hrefs(body: bytes) -> list[str]:
    return [html.unescape(h) for h in HREF.findall(body.decode("utf-8"))]


def reading(body: bytes) -> tuple[str, str, list[str]]:
    """A reference reading of an article page, independent of the crawler: title, date, paragraphs."""
    page = tree(body)
    title = " ".join(page.xpath('string(//h1[@class="news-title"])').split())
    date_raw = " ".join(page.xpath('string(//div[@class="news-date"])').split()).removeprefix("(Ngày đăng :")[:-1]
    content = page.xpath('//div[@class="news-content"]')[0]
    for element in content.xpath(INVISIBLE):
        element.drop_tree()
    return title, date_raw, block_texts(content)


def block_texts(element) -> list[str]:
    """Visible text split where blocks start and end, as a browser lays it out.

    Not "innermost blocks": lxml nests `<p><strong>a<p>b` where a browser closes the first `<p>`.
    """
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text:
            paragraphs.append(text)

    def walk(node) -> None:
        buffer.append(node.text or "")
        for child in node:
            if not isinstance(child.tag, str):  # a comment shows nothing but its tail
                buffer.append(child.tail or "")
                continue
            is_block = child.tag in BLOCKS
            if is_block:
                flush()
            walk(child)
            if is_block:
                flush()
            buffer.append(child.tail or "")

    walk(element)
    flush()
    return paragraphs


# --------------------------------------------------------------------------------------
# The ground truth


def test_build_is_deterministic() -> None:
    assert build_hostile_replica(20, seed=7) == build_hostile_replica(20, seed=7)
    assert build_hostile_replica(20, seed=7).articles != build_hostile_replica(20, seed=8).articles


def test_the_ordinary_site_is_served_unchanged(hostile: HostileReplica) -> None:
    plain = build_replica(30)
    assert hostile.replica == plain
    for article in plain.articles[:10]:
        assert hostile.answer(article.path).resource == plain.get(article.path)
    assert hostile.answer("/robots.txt").resource == plain.get("/robots.txt")
    assert hostile.answer("/khong-co-trang-nay").resource.status == 404


def test_every_case_is_linked_from_the_home_page(hostile: HostileReplica) -> None:
    links = set(hrefs(hostile.answer("/").resource.body))
    assert {case.path for case in hostile.cases.values()} <= links
    assert set(UNFOLLOWABLE_HREFS[:4]) <= links
    plain_home = set(hrefs(hostile.replica.get("/").body))
    assert plain_home <= links  # the ordinary home page is all still there


def test_ground_truth_is_consistent(hostile: HostileReplica) -> None:
    paths = [article.path for article in hostile.all_articles]
    assert len(paths) == len(set(paths)) == len(hostile.replica.articles) + len(hostile.articles)
    ordinary_ids = {article.site_id for article in hostile.replica.articles}
    for article in hostile.articles:
        assert article.site_id > max(ordinary_ids)
        assert article.path.endswith(f"-{article.site_id}.html")
        assert hostile.article(article.path) is article
    case_paths = {case.path for case in hostile.cases.values()}
    assert set(hostile.expected_errors) <= case_paths | set(hostile.redirect_loop)
    assert set(hostile.expected_errors.values()) == {"timeout", "truncated", "redirect-loop", "offsite-redirect"}
    assert not set(hostile.not_articles) & set(paths)
    assert set(hostile.duplicates.values()) <= set(paths)
    assert not set(hostile.duplicates) & set(paths)
    assert {article.flags for article in hostile.articles} >= {
        frozenset({"unparseable-date"}), frozenset({"empty-body"}), frozenset({"security"}),
        frozenset({"unclosed-tags"}), frozenset({"octet-stream"}), frozenset({"duplicate"}),
    }  # fmt: skip


def test_article_pages_read_as_their_ground_truth(hostile: HostileReplica) -> None:
    for article in hostile.articles:
        body = hostile.answer(article.path, attempt=99).resource.body
        assert reading(body) == (article.title, article.published_raw, article.paragraphs), article.path
        breadcrumb = tree(body).xpath('//div[@class="breadcrumb"]//a/text()')
        assert breadcrumb == article.breadcrumb
        assert b'rel="canonical"' not in body


# --------------------------------------------------------------------------------------
# Over HTTP, case by case


@pytest.mark.parametrize("status", [500, 503])
def test_transient_errors_succeed_on_retry(hostile: HostileReplica, server: HostileServer, status: int) -> None:
    path = next(p for p, (s, _) in hostile.transient.items() if s == status)
    _, failures = hostile.transient[path]
    for attempt in range(1, failures + 1):
        got, headers, _ = fetch(server, path)
        assert got == status
        assert headers.get("retry-after") == (str(RETRY_AFTER_SECONDS) if status == 503 else None)
    got, headers, body = fetch(server, path)
    assert got == 200 and headers["content-type"].startswith("text/html")
    assert reading(body)[0] == hostile.article(path).title
    assert server.attempts[path] == failures + 1
    assert fetch(server, path)[0] == 200  # and stays up


def test_retry_counters_are_per_url_and_per_server(hostile: HostileReplica) -> None:
    first, second = list(hostile.transient)
    with HostileServer(hostile) as one:
        assert fetch(one, first)[0] >= 500
        assert fetch(one, second)[0] >= 500
        assert fetch(one, first + "#fragment")[0] >= 500  # a fragment names the same URL
        assert one.attempts[first] == 2 and one.attempts[second] == 1
    with HostileServer(hostile) as two:
        assert fetch(two, first)[0] >= 500


def test_slow_page_outlasts_a_short_timeout(hostile: HostileReplica, server: HostileServer) -> None:
    with pytest.raises((socket.timeout, TimeoutError)):
        fetch(server, hostile.slow_page, timeout=SLOW_SECONDS / 10)
    status, _, body = fetch(server, hostile.slow_page, timeout=SLOW_SECONDS * 20)
    assert status == 200 and "Lịch tiếp công dân" in body.decode("utf-8")
    assert hostile.expected_errors[hostile.slow_page] == "timeout"


def test_stopping_drops_a_slow_answer() -> None:
    hostile = build_hostile_replica(20, slow_seconds=600)
    outcome: list[object] = []
    server = HostileServer(hostile).start()

    def client() -> None:
        try:
            outcome.append(fetch(server, hostile.slow_page, timeout=60)[0])
        except (http.client.HTTPException, OSError) as error:
            outcome.append(error)

    thread = threading.Thread(target=client)
    thread.start()
    while not server.attempts[hostile.slow_page]:
        threading.Event().wait(0.01)
    server.stop()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert isinstance(outcome[0], (http.client.RemoteDisconnected, ConnectionError))


def test_truncated_body_stops_short_of_its_content_length(hostile: HostileReplica, server: HostileServer) -> None:
    full = hostile.resources[hostile.truncated_page].body
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    connection.request("GET", hostile.truncated_page)
    response = connection.getresponse()
    assert response.status == 200
    assert int(response.getheader("Content-Length")) == len(full)
    with pytest.raises(http.client.IncompleteRead) as raised:
        response.read()
    connection.close()
    partial = raised.value.partial
    assert 0 < len(partial) < len(full) and full.startswith(partial)
    assert b'<div class="news-content">' in partial and b'<div class="news-tools">' not in partial
    assert hostile.expected_errors[hostile.truncated_page] == "truncated"
    assert fetch(server, "/")[0] == 200  # the server carries on


def test_large_page(hostile: HostileReplica, server: HostileServer) -> None:
    status, headers, body = fetch(server, hostile.large_page)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert len(body) == int(headers["content-length"]) == LARGE_PAGE_BYTES == 30 * 2**20
    assert body.rstrip().endswith(b"</html>")
    assert body.count(b"<tr>") > 100_000
    assert hostile.large_page in hostile.not_articles


def test_mislabelled_content_types(hostile: HostileReplica, server: HostileServer) -> None:
    pdf, article = list(hostile.mislabelled)
    status, headers, body = fetch(server, pdf)
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body.startswith(b"%PDF-")
    status, headers, body = fetch(server, article)
    assert status == 200 and headers["content-type"] == "application/octet-stream"
    assert reading(body)[0] == hostile.article(article).title
    assert pdf in hostile.not_articles and "octet-stream" in hostile.article(article).flags


def test_pagination_trap_lists_the_same_articles_for_every_page(hostile: HostileReplica, server: HostileServer) -> None:
    def items(body: bytes) -> list[str]:
        return tree(body).xpath('//div[@class="list-news"]//h3[@class="title"]/a/@href')

    pages = {n: fetch(server, f"{TRAP_LISTING}?page={n}") for n in (1, 2, 999)}
    first = fetch(server, TRAP_LISTING)
    assert first[0] == 200 and len(items(first[2])) == 10
    for number, (status, _, body) in pages.items():
        assert status == 200
        assert items(body) == items(first[2])
        following = tree(body).xpath('//div[@class="pager"]/a[text()="Trang sau"]/@href')
        assert following == [f"{TRAP_LISTING}?page={number + 1}"]
    assert fetch(server, f"{TRAP_LISTING}?page=0")[0] == 404
    assert fetch(server, f"{TRAP_LISTING}?page=abc")[0] == 404
    assert any(f"{TRAP_LISTING}?page=999".startswith(prefix) for prefix in hostile.trap_prefixes)


def test_calendar_links_day_to_day_forever(hostile: HostileReplica, server: HostileServer) -> None:
    def neighbours(day: str) -> list[str]:
        status, _, body = fetch(server, f"{CALENDAR}?ngay={day}")
        assert status == 200
        return [h for h in hrefs(body) if h.startswith(CALENDAR + "?")]

    day = hostile.cases["calendar-trap"].path.split("=", 1)[1]
    for _ in range(5):  # forward: every day leads to the next
        previous, following = neighbours(day)
        assert previous == f"{CALENDAR}?ngay={date.fromordinal(date.fromisoformat(day).toordinal() - 1)}"
        day = following.split("=", 1)[1]
    assert day == "2021-09-29"
    assert neighbours("0001-01-01") == [f"{CALENDAR}?ngay=0001-01-02"]
    assert neighbours("9999-12-31") == [f"{CALENDAR}?ngay=9999-12-30"]
    for invalid in ("2021-02-30", "2021-9-24", "hom-nay"):
        assert fetch(server, f"{CALENDAR}?ngay={invalid}")[0] == 404
    assert any(f"{CALENDAR}?ngay=2100-01-01".startswith(prefix) for prefix in hostile.trap_prefixes)


def test_redirect_loop(hostile: HostileReplica, server: HostileServer) -> None:
    a, b = hostile.redirect_loop
    for source, target in ((a, b), (b, a), (a, b)):
        status, headers, _ = fetch(server, source)
        assert (status, headers["location"]) == (302, target)
    assert hostile.expected_errors[b] == "redirect-loop"


def test_redirect_off_the_site(hostile: HostileReplica, server: HostileServer) -> None:
    (path, location), = hostile.offsite_redirect.items()
    status, headers, _ = fetch(server, path)
    assert status == 302 and headers["location"] == location
    assert location.startswith(f"http://{OFFSITE_HOST}/") and hostile.offsite_hosts == (OFFSITE_HOST,)
    assert hostile.expected_errors[path] == "offsite-redirect"


def test_one_article_under_two_urls(hostile: HostileReplica, server: HostileServer) -> None:
    (alias, original), = hostile.duplicates.items()
    one, two = fetch(server, original), fetch(server, alias)
    assert one[0] == two[0] == 200 and one[2] == two[2]
    assert b"canonical" not in one[2]
    assert hostile.article(alias) is hostile.article(original)


def test_unclosed_tags(hostile: HostileReplica, server: HostileServer) -> None:
    path = hostile.cases["unclosed-tags"].path
    _, _, body = fetch(server, path)
    for end_tag in (b"</p>", b"</li>", b"</td>", b"</tr>", b"</body>", b"</html>"):
        assert end_tag not in body
    assert reading(body)[2] == hostile.article(path).paragraphs and len(hostile.article(path).paragraphs) == 5


def test_impossible_date(hostile: HostileReplica, server: HostileServer) -> None:
    article = hostile.article(hostile.cases["impossible-date"].path)
    _, _, body = fetch(server, article.path)
    assert "(Ngày đăng :32/13/2021 10:15:00 SA)" in body.decode("utf-8")
    assert article.published is None and article.published_raw == "32/13/2021 10:15:00 SA"


def test_empty_body(hostile: HostileReplica, server: HostileServer) -> None:
    article = hostile.article(hostile.cases["empty-body"].path)
    title, date_raw, paragraphs = reading(fetch(server, article.path)[2])
    assert (title, date_raw, paragraphs) == (article.title, article.published_raw, [])
    assert article.body_text == "" and article.published


def test_links_in_other_schemes(hostile: HostileReplica, server: HostileServer) -> None:
    article = hostile.article(hostile.cases["scheme-links"].path)
    links = hrefs(fetch(server, article.path)[2])
    assert set(UNFOLLOWABLE_HREFS) <= set(links)
    assert {h.split(":", 1)[0] for h in hostile.unfollowable} >= {"javascript", "mailto", "tel"}
    assert article.body_links == ["/hoi-dap"]  # the one http(s) link among them


def test_four_thousand_character_url(hostile: HostileReplica, server: HostileServer) -> None:
    assert len(hostile.long_url) == LONG_URL_LENGTH
    status, _, body = fetch(server, hostile.long_url)
    assert status == 200
    assert body == hostile.replica.get(hostile.long_url.split("?", 1)[0]).body
    assert hostile.long_url in hostile.not_articles


def test_security_page_carries_every_payload(hostile: HostileReplica, server: HostileServer) -> None:
    article = hostile.article(hostile.cases["security"].path)
    body = fetch(server, article.path)[2].decode("utf-8")
    content = body[body.index('<div class="news-content">') : body.index('<div class="news-tools">')]
    found = " ".join(script_vectors(content))
    for vector in ("<script>", "<img onerror>", "<img onload>", "javascript:", "<iframe>", "<svg onload>",
                   "<a onclick>", "<object>", "<embed>", "vbscript:", "data:text/html", "<iframe srcdoc>"):  # fmt: skip
        assert vector.lower() in found.lower(), vector
    # The clean body: the visible text only, the escaped sample shown as text; one real image.
    assert "<script>alert(document.cookie)</script>" in article.body_text
    assert "alert(" not in article.body_text.replace("<script>alert(document.cookie)", "")
    assert article.images == [{"src": "/Portals/0/Images/no-image.png", "alt": "", "caption": None}]
    assert article.body_links == ["/gioi-thieu"]


def test_script_vectors() -> None:
    inert = ('<p>Mã mẫu &lt;script&gt;alert(1)&lt;/script&gt; <a href="https://cchc.laichau.gov.vn/" '
             'rel="noopener">trang chủ</a> <img src="data:image/png;base64,AA==" alt=""></p>')  # fmt: skip
    assert script_vectors(inert) == []
    assert script_vectors("") == []
    assert script_vectors('<a href="java\tscript:alert(1)">x</a>') != []
    assert script_vectors('<p style="width: expression(alert(1))">x</p>') != []
    assert script_vectors('<math><mi xlink:href="javascript:alert(1)">x</mi></math>') != []


# --------------------------------------------------------------------------------------
# The server itself


def test_server_records_requests(hostile: HostileReplica, server: HostileServer) -> None:
    fetch(server, "/")
    fetch(server, hostile.cases["security"].path)
    assert [(method, path) for method, path, _ in server.requests] == [
        ("GET", "/"), ("GET", hostile.cases["security"].path)
    ]  # fmt: skip
    assert server.url == f"http://127.0.0.1:{server.port}"


def test_ordinary_pages_revalidate_as_on_the_plain_replica(hostile: HostileReplica, server: HostileServer) -> None:
    path = hostile.replica.articles[0].path
    status, headers, _ = fetch(server, path)
    assert status == 200 and headers.get("etag")
    status, _, body = fetch(server, path, headers={"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")


def test_command_line_serves_the_hostile_replica() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.replica.hostile", "--port", "0", "--articles", "20", "--slow-seconds", "1"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = process.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/", first).group(1)
        host, port = url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        assert response.status == 200 and b"box-notices" in response.read()
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
