"""The `cchc` spider over real HTTP: a crawl of the replica, checked row by row."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from .conftest import run_scrapy_crawl


@pytest.fixture(scope="module")
def db(crawled):
    return sqlite_utils.Database(crawled.db_path)


def test_every_article_is_stored_once_with_exact_fields(db, replica, crawled):
    rows = {row["url"]: row for row in db["articles"].rows}
    assert len(rows) == len(replica.articles)
    for expected in replica.articles:
        row = rows[crawled.url + expected.path]
        assert row["title"] == expected.title
        assert row["published"] == expected.published
        assert row["published_raw"] == expected.published_raw
        assert json.loads(row["breadcrumb"]) == expected.breadcrumb
        assert row["category"] == expected.category
        assert row["body_text"] == expected.body_text, expected.path
        assert row["site_id"] == expected.site_id
        assert row["extraction_method"] == "profile"
        assert row["word_count"] == len(expected.body_text.split())
        assert row["first_seen"] and row["last_fetched"].endswith("+07:00")


def test_images_attachments_and_related_links(db, replica, crawled):
    base = crawled.url
    for expected in replica.articles:
        url = base + expected.path
        images = [(r["src"], r["alt"], r["caption"]) for r in db.query("select * from images where article_url = ? order by rowid", [url])]
        assert images == [(base + i["src"], i["alt"] or None, i["caption"]) for i in expected.images], expected.path
        attachments = {(r["url"], r["name"]) for r in db.query("select * from attachments where article_url = ?", [url])}
        assert attachments == {(base + a["url"], a["name"]) for a in expected.attachments}
        related = [r["to_url"] for r in db.query("select to_url from links where from_url = ? and kind = 'related' order by rowid", [url])]
        assert related == [base + path for path in expected.related]
        latest = db.execute("select count(*) from links where from_url = ? and kind = 'latest'", [url]).fetchone()[0]
        assert latest == 5


def test_pages_record_every_fetch_with_its_type(db, replica, crawled):
    base = crawled.url
    pages = {row["url"]: row for row in db["pages"].rows}
    for path in replica.listings:
        assert pages[base + path]["page_type"] == "listing", path
    for path in replica.documents:
        assert pages[base + path]["page_type"] == "document", path
    for path in replica.dead_links:
        assert pages[base + path]["status"] == 404
        assert pages[base + path]["page_type"] == "error"
    for old, new in replica.redirects.items():
        row = pages[base + old]
        assert row["page_type"] == "redirect" and row["status"] in (301, 302, 303, 307, 308)
        assert urlsplit(row["redirect_to"]).path
    assert all(row["fetched"].endswith("+07:00") for row in pages.values())
    assert {row["page_type"] for row in pages.values()} >= {"article", "listing", "document", "page", "error", "redirect"}


def test_print_views_point_to_their_article(db, replica, crawled):
    article = replica.articles[0]
    row = db["pages"].get(crawled.url + article.path + "?print=1")
    assert row["canonical_url"] == crawled.url + article.path


def test_requests_are_polite_and_canonical(crawled):
    requested = [path for method, path, headers in crawled.requests]
    assert requested[0] == "/robots.txt"
    assert not [p for p in requested if p.startswith(("/tim-kiem", "/Admin"))]
    assert not [p for p in requested if "utm_" in p or "fbclid" in p or "zarsrc" in p or "#" in p]
    page_requests = [p for p in requested if p != "/robots.txt"]
    assert len(page_requests) == len(set(page_requests)), "a page was requested twice"
    agents = {headers.get("User-Agent") for method, path, headers in crawled.requests}
    assert len(agents) == 1 and agents.pop().startswith("cchc-archive/")


def test_crawl_is_recorded_with_its_summary(db, crawled):
    crawl = list(db["crawls"].rows)[-1]
    stats = json.loads(crawl["stats"])
    assert crawl["finished"] and crawl["started"] <= crawl["finished"]
    assert stats["articles_by_method"] == {"profile": db["articles"].count}
    assert stats["pages_by_type"]["article"] >= db["articles"].count
    assert json.loads(crawl["settings"])["ROBOTSTXT_OBEY"] is True
    assert "Crawl summary" in crawled.log


def test_search_finds_diacritics_free_queries(db):
    def found(query):
        return {row[0] for row in db.execute("select rowid from articles_fts where articles_fts match ?", [query])}

    expected = {row[0] for row in db.execute("select rowid from articles where body_text like '%Đảng bộ%' or title like '%Đảng bộ%'")}
    assert expected
    assert expected <= found("dang bo") == found("DANG BO")
    assert expected <= found("Đảng bộ")
    assert expected == found('"dang bo"')  # as a phrase: exactly the articles with "Đảng bộ"


def test_second_crawl_upserts_without_duplicates(crawled, replica, replica_server, tmp_path):
    db_path = tmp_path / "again.db"
    for _ in range(2):
        result = run_scrapy_crawl(replica_server.url + "/", db_path, "-s", "CLOSESPIDER_PAGECOUNT=40")
        assert result.returncode == 0, result.stderr[-2000:]
        if _ == 0:
            first = {row["url"]: row for row in sqlite_utils.Database(db_path)["articles"].rows}
    db = sqlite_utils.Database(db_path)
    second = {row["url"]: row for row in db["articles"].rows}
    both = set(first) & set(second)
    assert both
    for url in both:
        row = first[url]
        assert second[url]["first_seen"] == row["first_seen"]
        assert second[url]["last_fetched"] >= row["last_fetched"]
    assert db.execute("select count(*) from (select url from articles group by url having count(*) > 1)").fetchone()[0] == 0
    assert db["crawls"].count == 2


ARCHIVED_ROWS = (
    "SELECT url, title, published, published_raw, category, breadcrumb, body_text, body_html, content_sha256, "
    "extraction_method, attachment_text FROM articles",
    "SELECT url, status, page_type, error, redirect_to, canonical_url FROM pages",
    "SELECT from_url, to_url, kind, title, published FROM links",
    "SELECT article_url, src, alt, caption FROM images",
    "SELECT article_url, url, name FROM attachments",
    "SELECT url, sha256, kind, text, error FROM attachment_files",
)


def archived(db_path) -> dict[str, list]:
    """The archive's content, without the times that differ from one crawl to another."""
    db = sqlite_utils.Database(db_path)
    return {sql: sorted(db.execute(sql).fetchall(), key=repr) for sql in ARCHIVED_ROWS}


def _pages(db_path) -> int:
    db = sqlite_utils.Database(db_path)
    return db["pages"].count if "pages" in db.table_names() else 0


def _crawl_until(server, db_path, requests: int, signal_number: int | None = None):
    """Start `scrapy crawl`, and stop it (SIGKILL, or `signal_number`) while the server holds its request after `requests` more."""
    import os
    import signal
    import subprocess
    import sys

    from .conftest import ROOT

    held = server.hold(after=requests)
    command = [sys.executable, "-m", "scrapy", "crawl", "cchc", "-a", f"start_url={server.url}/",
               "-s", f"ARCHIVE_DB={db_path}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        assert held.wait(timeout=300), "the crawl never reached the point where it is stopped"
        process.send_signal(signal_number or signal.SIGKILL)
    finally:
        server.release()  # a crawl stopped with Ctrl-C finishes the answers it waits for
        process.wait(timeout=300)


def test_a_crawl_killed_several_times_resumes_to_the_same_archive(tmp_path):
    import signal

    from crawler.replica import ReplicaServer, build_replica

    with ReplicaServer(build_replica(n_articles=40)) as server:
        reference = tmp_path / "reference.db"
        assert run_scrapy_crawl(server.url + "/", reference).returncode == 0
        total = _pages(reference)

        interrupted = tmp_path / "interrupted.db"
        # Ctrl-C once, then SIGKILL at two more points of the same crawl.
        # Each stop comes after a share of the reference crawl's requests, counted afresh
        # (a resumed crawl re-requests what the one before lost).
        for share, stop in ((0.2, signal.SIGINT), (0.25, signal.SIGKILL), (0.25, signal.SIGKILL)):
            _crawl_until(server, interrupted, int(total * share), stop)
            db = sqlite_utils.Database(interrupted)
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert _pages(interrupted) < total
        result = run_scrapy_crawl(server.url + "/", interrupted)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Resuming crawl 1" in result.stderr

    assert archived(interrupted) == archived(reference)
    db = sqlite_utils.Database(interrupted)
    assert db["crawls"].count == 1 and list(db["crawls"].rows)[0]["finished"]
    assert db["frontier"].count == 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_readers_query_the_archive_throughout_a_crawl(tmp_path):
    import os
    import subprocess
    import sys

    from crawler.replica import ReplicaServer, build_replica
    from crawler.archive.storage import Archive

    from .conftest import ROOT

    db_path = tmp_path / "live.db"
    Archive(db_path).close()
    with ReplicaServer(build_replica(n_articles=40)) as server:
        command = [sys.executable, "-m", "scrapy", "crawl", "cchc", "-a", f"start_url={server.url}/",
                   "-s", f"ARCHIVE_DB={db_path}", "-s", "DOWNLOAD_DELAY=0.005", "-s", "AUTOTHROTTLE_ENABLED=False"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        seen, queries = [], 0
        with Archive(db_path) as reader:
            while process.poll() is None:
                seen.append(reader.db.execute("SELECT count(*) FROM articles").fetchone()[0])
                reader.search("cai cach hanh chinh", limit=5)  # FTS reads too; a lock would raise
                queries += 1
        assert process.wait() == 0, process.stderr.read()[-2000:]
    assert queries > 10
    assert seen == sorted(seen) and seen[-1] > 0  # committed rows only ever grow


def test_a_print_view_stands_in_for_an_article_whose_page_fails(tmp_path):
    """Whichever comes first, the failure of an article's page or its print view, the article is kept once."""
    from crawler.replica import Resource, ReplicaServer, build_replica

    replica = build_replica(n_articles=40)
    broken = [replica.articles[3], replica.articles[-3]]  # linked early from the home page, and deep in a listing
    links = "".join(f'<a href="{article.path}?print=1">In</a>' for article in broken).encode()
    home = replica.resources["/"]
    replica.resources["/"] = Resource(home.status, home.headers, home.body.replace(b"</body>", links + b"</body>"))
    for article in broken:
        replica.resources[article.path] = Resource(500, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>500</h1>")
    db_path = tmp_path / "archive.db"
    with ReplicaServer(replica) as server:
        assert run_scrapy_crawl(server.url + "/", db_path).returncode == 0
    db = sqlite_utils.Database(db_path)
    for article in broken:
        url = server.url + article.path
        assert db["pages"].get(url)["status"] == 500
        assert db["pages"].get(url + "?print=1")["canonical_url"] == url
        (row,) = db["articles"].rows_where("url = ?", [url])
        assert row["body_text"] == article.body_text and row["title"] == article.title
    assert db["articles"].count == len(replica.articles)


def test_a_second_crawl_fetches_only_what_is_new_and_records_changes(tmp_path):
    from crawler.replica import ReplicaServer, build_replica

    replica = build_replica(n_articles=40)
    db_path = tmp_path / "archive.db"
    with ReplicaServer(replica) as server:
        assert run_scrapy_crawl(server.url + "/", db_path).returncode == 0
        first_requests = len(server.requests)
        db = sqlite_utils.Database(db_path)
        first_seen = {row["url"]: row["first_seen"] for row in db["articles"].rows}

        # Unchanged site, default refresh window: only robots.txt, the start page and listings.
        server.requests.clear()
        assert run_scrapy_crawl(server.url + "/", db_path).returncode == 0
        second = [path for _, path, _ in server.requests]
        page_types = {row["url"]: row["page_type"] for row in db["pages"].rows}
        assert len(second) < first_requests / 5
        assert all(p == "/robots.txt" or page_types[server.url + p] == "listing" for p in second), second
        assert not [p for p in second if "page=" in p]  # pagination stops at a page with nothing new

        # Then: one article changed, one removed, one added; revalidate everything.
        changed, removed = replica.articles[5].path, replica.articles[6].path
        replica.revise([changed])
        replica.remove([removed])
        replica.add_articles(1)
        server.requests.clear()
        assert run_scrapy_crawl(server.url + "/", db_path, "-a", "refresh_after=0").returncode == 0

    db = sqlite_utils.Database(db_path)
    rows = {row["url"]: row for row in db["articles"].rows}
    new_urls = set(rows) - set(first_seen)
    assert len(new_urls) == 1
    assert all(rows[url]["first_seen"] == seen for url, seen in first_seen.items())
    assert rows[server.url + changed]["body_text"] == replica.article(changed).body_text
    versions = db.execute("SELECT count(*) FROM revisions WHERE url = ?", [server.url + changed]).fetchone()[0]
    assert versions == 2
    assert rows[server.url + removed]["removed_at"]
    assert rows[server.url + removed]["body_text"]  # nothing is ever deleted
    statuses = {row["status"] for row in db["pages"].rows if row["page_type"] == "article"}
    assert 304 in statuses  # unchanged articles were revalidated, not downloaded again
    revisits = db.execute("SELECT count(*) FROM pages WHERE warc_record_type = 'revisit'").fetchone()[0]
    assert revisits > 0


def test_attachments_are_downloaded_and_their_text_searchable(db, replica, crawled):
    from crawler.archive.storage import Archive

    files = {row["url"]: row for row in db["attachment_files"].rows}
    checked = 0
    with Archive(crawled.db_path) as archive:
        for article in replica.articles:
            for attachment in article.attachments:
                row = files[crawled.url + attachment["url"]]
                assert row["size"] > 0 and len(row["sha256"]) == 64 and row["kind"] == attachment["kind"]
                if not attachment.get("text_contains"):
                    assert row["error"]  # formats with no extractor say why
                    continue
                assert attachment["text_contains"] in row["text"]
                hits = archive.search(attachment["text_contains"], limit=5)
                assert hits[0]["url"] == crawled.url + article.path
                assert hits[0]["attachment"]["url"] == crawled.url + attachment["url"]
                checked += 1
    assert checked >= 3


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory):
    """A crawl of the hostile replica, with a download timeout below its slow page's delay."""
    from crawler.replica.hostile import HostileServer, build_hostile_replica

    hostile = build_hostile_replica(n_articles=30, slow_seconds=3.0)
    db_path = tmp_path_factory.mktemp("hostile") / "archive.db"
    with HostileServer(hostile) as server:
        result = run_scrapy_crawl(server.url + "/", db_path, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=2")
        requests = list(server.requests)
    assert result.returncode == 0, result.stderr[-3000:]
    return hostile, server.url, sqlite_utils.Database(db_path), requests, server.arrivals


def test_hostile_site_every_article_stored_once_and_nothing_else(hostile_crawl):
    hostile, base, db, *_ = hostile_crawl
    stored = {row["url"]: row for row in db["articles"].rows}
    expected = {base + article.path for article in hostile.all_articles}
    for alias, original in hostile.duplicates.items():
        # Under one of its two addresses, whichever the crawl met first; never under both.
        assert (base + alias in stored) != (base + original in stored)
        if base + alias in stored:
            expected = expected - {base + original} | {base + alias}
    assert set(stored) == expected
    for path in hostile.not_articles:
        assert base + path not in stored, path


def test_hostile_site_failures_are_recorded_with_reasons(hostile_crawl):
    hostile, base, db, *_ = hostile_crawl
    pages = {row["url"]: row for row in db["pages"].rows}
    for path, kind in hostile.expected_errors.items():
        assert pages[base + path]["error"], (path, kind)
    for path in hostile.transient:
        assert pages[base + path]["status"] == 200, path  # retried to success
    assert pages[base + hostile.long_url]["page_type"] == "skipped"


def test_hostile_site_retries_wait_as_long_as_retry_after_asks(hostile_crawl):
    from crawler.replica.hostile import RETRY_AFTER_SECONDS

    hostile, _, _, _, arrivals = hostile_crawl
    asked = [path for path, (status, _) in hostile.transient.items() if status == 503]
    assert asked
    for path in asked:
        times = arrivals[path]
        assert len(times) > 1, path
        assert min(later - earlier for earlier, later in zip(times, times[1:])) >= RETRY_AFTER_SECONDS * 0.95, path


def test_hostile_site_requests_stay_bounded_and_on_the_site(hostile_crawl):
    hostile, base, db, requests, _ = hostile_crawl
    paths = [path for _, path, _ in requests]
    for prefix in hostile.trap_prefixes:
        assert len([p for p in paths if p.startswith(prefix)]) <= 60, prefix
    assert not [p for p in paths if any(host in p for host in hostile.offsite_hosts)]
    assert all(row["url"].startswith(base) for row in db["pages"].rows)


def test_hostile_site_dates_bodies_and_scripts(hostile_crawl):
    from crawler.replica.hostile import script_vectors

    hostile, base, db, *_ = hostile_crawl
    for article in hostile.articles:
        urls = [base + path for path in (article.path, *article.aliases)]
        (row,) = db.query(f"SELECT * FROM articles WHERE url IN ({', '.join('?' * len(urls))})", urls)
        assert row["published"] == article.published
        assert row["published_raw"] == article.published_raw
        if article.published is None:
            assert "unparseable date" in row["warnings"]
        assert row["body_text"] == article.body_text, article.path
    for row in db["articles"].rows:
        assert script_vectors(row["body_html"] or "") == [], row["url"]


def test_hostile_site_cannot_name_files(hostile_crawl):
    """Nothing the site sends names a file: captures go to generated names inside the archive folder."""
    import re

    hostile, base, db, *_ = hostile_crawl
    folder = Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).parent
    written = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    for name in written:
        assert re.fullmatch(r"archive\.db(-wal|-shm)?|archive/warc/(cchc-\d{20}-\d{5}\.warc\.gz|index\.cdxj)", name), name


def test_files_of_document_pages_are_downloaded_too(db, replica, crawled):
    from crawler.extraction.extract import extract_page
    from crawler.urls import is_attachment

    downloaded = {row["url"] for row in db.query("SELECT url FROM pages WHERE page_type = 'attachment'")}
    linked = set()
    for path in replica.documents:
        linked |= {url for url in extract_page(replica.get(path).body, crawled.url + path).links if is_attachment(url)}
    assert linked and linked <= downloaded


def test_pages_say_which_extractor_read_them(db):
    methods = {row["page_type"]: set() for row in db.query("SELECT DISTINCT page_type FROM pages")}
    for row in db.query("SELECT page_type, extraction_method, extraction_note FROM pages"):
        methods[row["page_type"]].add(row["extraction_method"])
        assert row["extraction_note"] is None
    for page_type in ("article", "listing", "document", "page"):
        assert methods[page_type] == {"profile"}, page_type  # the site's own markup: its profile reads every page
    assert methods["attachment"] == {None}
