"""The `cchc-archive` command: each subcommand on real archives, errors as one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from crawler import __version__
from crawler.cli import cli
from crawler.archive.storage import Archive

from .conftest import run_scrapy_crawl

SNAPSHOT = Path(__file__).parent / "fixtures" / "snapshot"


def run(*args: str) -> subprocess.CompletedProcess:
    """The installed console script, as a researcher types it."""
    script = Path(sys.executable).with_name("cchc-archive")
    env = {name: value for name, value in os.environ.items() if name != "CCHC_CONTACT"}  # as on a fresh machine
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def archive(crawled, tmp_path_factory) -> str:
    """A copy of the crawled archive, so these tests cannot disturb the spider's."""
    copy = tmp_path_factory.mktemp("cli") / "archive.db"
    shutil.copy(crawled.db_path, copy)
    return str(copy)


def test_crawl_command_crawls_and_summarises(replica_server, tmp_path):
    db = tmp_path / "cli.db"
    result = run("crawl", "--start-url", replica_server.url + "/", "--db", str(db), "--delay", "0", "--max-pages", "30")
    assert result.returncode == 0, result.stderr
    assert "pages by type:" in result.stdout and "articles by method:" in result.stdout
    assert "Traceback" not in result.stderr
    stats = json.loads(run("stats", "--db", str(db), "--json").stdout)
    assert stats["articles"] > 0 and stats["crawls"][0]["finished"]


def _agents_of(server, since: int) -> set[str]:
    return {headers.get("User-Agent") for _method, _path, headers in list(server.requests)[since:]}


def test_the_crawler_introduces_itself_with_the_contact_given(replica_server, tmp_path):
    since = len(replica_server.requests)
    result = run("crawl", "--start-url", replica_server.url + "/", "--db", str(tmp_path / "a.db"), "--delay", "0",
                 "--max-pages", "3", "--contact", "researcher@example.org")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _agents_of(replica_server, since) == {
        f"cchc-archive/{__version__} (research archive of cchc.laichau.gov.vn; contact: researcher@example.org)"}
    assert "names no contact" not in result.stderr
    # Plain Scrapy takes it as a setting.
    since = len(replica_server.requests)
    scrapy = run_scrapy_crawl(replica_server.url + "/", tmp_path / "b.db", "-s", "CONTACT=https://example.org/me",
                              "-s", "CLOSESPIDER_PAGECOUNT=3")  # fmt: skip
    assert scrapy.returncode == 0, scrapy.stderr[-2000:]
    assert {agent.split("contact: ")[-1] for agent in _agents_of(replica_server, since)} == {"https://example.org/me)"}


def test_without_a_contact_the_crawl_says_once_how_to_add_one(replica_server, tmp_path):
    since = len(replica_server.requests)
    result = run("crawl", "--start-url", replica_server.url + "/", "--db", str(tmp_path / "a.db"), "--delay", "0",
                 "--max-pages", "3")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("The User-Agent names no contact: add one with --contact") == 1
    assert _agents_of(replica_server, since) == {f"cchc-archive/{__version__} (research archive of cchc.laichau.gov.vn)"}


def test_crawl_of_unreachable_start_url_is_one_line(tmp_path):
    result = run("crawl", "--start-url", "http://127.0.0.1:9/", "--db", str(tmp_path / "x.db"), "--delay", "0")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: could not reach http://127.0.0.1:9/")


def articles_containing(archive: str, words: str) -> set[str]:
    db = sqlite_utils.Database(archive)
    return {row["url"] for row in db.query("select url from articles where title like ? or body_text like ?", [f"%{words}%"] * 2)}


@pytest.mark.parametrize("query", ["dang bo", "DANG BO", "Đảng bộ", '"dang bo"'])
def test_search_ignores_diacritics(archive, query):
    result = CliRunner().invoke(cli, ["search", query, "--db", archive, "--json", "--limit", "500"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert all({"url", "title", "published", "snippet"} <= set(hit) for hit in hits)
    expected = articles_containing(archive, "Đảng bộ")
    assert expected and expected <= {hit["url"] for hit in hits}
    # Best matches first: the articles that hold the words together come before the rest.
    assert {hit["url"] for hit in hits[: len(expected)]} == expected


def test_search_without_diacritics_finds_every_form_with_diacritics_only_those(archive):
    def urls(query):
        return {hit["url"] for hit in json.loads(CliRunner().invoke(cli, ["search", query, "--db", archive, "--json", "--limit", "500"]).output)}

    written = urls("tinh giản biên chế")
    assert written and written <= urls("tinh gian bien che")
    assert articles_containing(archive, "tinh giản biên chế") | articles_containing(archive, "Tinh giản biên chế") <= written


def test_search_prints_highlighted_snippets(archive):
    result = CliRunner().invoke(cli, ["search", "dang bo", "--db", archive, "--limit", "3"])
    assert result.exit_code == 0
    assert "1. " in result.output and "[" in result.output


def test_search_errors_are_one_line(archive, tmp_path):
    bad = run("search", '"unbalanced', "--db", archive)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and bad.stderr.startswith("Error:")
    missing = run("search", "x", "--db", str(tmp_path / "none.db"))
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_stats_reports_categories_years_types_and_crawls(archive):
    result = CliRunner().invoke(cli, ["stats", "--db", archive])
    assert result.exit_code == 0
    for heading in ("Articles:", "By category:", "By year:", "Pages by type:", "Pages by status:", "Last crawls:"):
        assert heading in result.output


def test_stats_counts_documents_and_references(archive):
    result = CliRunner().invoke(cli, ["stats", "--db", archive])
    with Archive(archive, must_exist=True) as opened:
        documents = opened.db["documents"].count
        refs = opened.db["legal_refs"].count
    assert documents and refs
    assert f"Documents: {documents}; legal references: {refs} to " in result.output


def test_refs_lists_the_citing_articles_newest_first(archive):
    with Archive(archive, must_exist=True) as opened:
        number, count = opened.db.execute(
            "SELECT number, count(DISTINCT source_url) AS n FROM legal_refs WHERE source_kind = 'article' "
            "GROUP BY number ORDER BY n DESC, number LIMIT 1"
        ).fetchone()
    result = run("refs", number.lower(), "--db", archive, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == count
    assert [row["published"] for row in rows] == sorted((row["published"] for row in rows), reverse=True)
    printed = run("refs", number, "--db", archive).stdout
    assert printed.index(rows[0]["url"]) < printed.index(rows[-1]["url"])
    top = json.loads(run("refs", "--top", "3", "--db", archive, "--json").stdout)
    assert top[0]["number"] == number and top[0]["articles"] == count and len(top) == 3


def test_refs_rebuild_recomputes_from_the_stored_text(archive, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(archive, copy)
    with Archive(copy, must_exist=True) as opened:
        before = sorted(opened.db.execute("SELECT source_url, field, char_offset, number FROM legal_refs").fetchall())
        opened.db.execute("DELETE FROM legal_refs")
        opened.db.conn.commit()
    result = run("refs", "--rebuild", "--db", str(copy))
    assert result.returncode == 0 and result.stdout == f"{len(before)} references found.\n"
    with Archive(copy, must_exist=True) as opened:
        after = sorted(opened.db.execute("SELECT source_url, field, char_offset, number FROM legal_refs").fetchall())
    assert after == before


@pytest.mark.parametrize("args, message", [
    (["12/10/2021"], "Error: not a document number: 12/10/2021"),
    ([], "Error: give a document NUMBER, --top N or --rebuild"),
    (["2524/KH-UBND", "--top", "3"], "Error: give a document NUMBER, --top N or --rebuild"),
])  # fmt: skip
def test_refs_errors_are_one_line(archive, args, message):
    result = run("refs", *args, "--db", archive)
    assert result.returncode != 0 and message in result.stderr and "Traceback" not in result.stderr


def test_extract_prints_json_lines(tmp_path):
    pages = [str(SNAPSHOT / "article-report-2021-q3.html"), str(SNAPSHOT / "home.html")]
    result = CliRunner().invoke(cli, ["extract", *pages, "--json"])
    assert result.exit_code == 0
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert first["page_type"] == "article" and first["published"] == "2021-09-24T00:00:00+07:00"
    assert first["extraction_method"] == "profile"
    assert second["page_type"] == "listing" and "body_text" not in second


def test_extract_prints_a_document_pages_particulars():
    result = CliRunner().invoke(cli, ["extract", str(SNAPSHOT / "document-2524-kh-ubnd.html"), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["page_type"] == "document"
    document = record["document"]
    assert (document["number"], document["kind"], document["issued"]) == ("2524/KH-UBND", "Kế hoạch", "2021-08-18")
    assert document["summary"].startswith("Đo lường sự hài lòng")


def test_extract_of_missing_file_is_one_line(tmp_path):
    result = run("extract", str(tmp_path / "missing.html"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error:")


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help, name
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0


def test_history_shows_versions_and_a_diff(tmp_path):
    from crawler.archive.storage import Archive

    db = tmp_path / "h.db"
    url = "https://cchc.laichau.gov.vn/a-1.html"
    article = {"url": url, "title": "Tiêu đề", "body_text": "Đoạn một.\n\nĐoạn hai.", "content_sha256": "1",
               "extraction_method": "profile"}  # fmt: skip
    with Archive(db) as archive:
        archive.save_article(article, "2024-01-01T08:00:00+07:00")
        archive.save_article(article | {"body_text": "Đoạn một.\n\nĐoạn ba.", "content_sha256": "2"}, "2024-02-01T08:00:00+07:00")
    result = CliRunner().invoke(cli, ["history", url, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Version 1: fetched 2024-01-01T08:00:00+07:00" in result.output
    assert "-Đoạn hai." in result.output and "+Đoạn ba." in result.output
    unknown = CliRunner().invoke(cli, ["history", url + "x", "--db", str(db)])
    assert unknown.exit_code == 1 and unknown.output.startswith("Error: no archived versions of")


@pytest.mark.parametrize("command", [["crawl", "--start-url", "http://127.0.0.1:9/"], ["extract", "x.html"], ["reparse"]])
def test_a_malformed_profile_is_one_line_naming_the_key(command, tmp_path):
    bad = tmp_path / "site.toml"
    bad.write_text('[article]\ntitel = ["h1"]\n', encoding="utf-8")
    Archive(tmp_path / "archive.db").close()
    result = CliRunner().invoke(cli, [*command, "--profile", str(bad), "--db", str(tmp_path / "archive.db")]
                                if command[0] != "extract" else [*command, "--profile", str(bad)])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: profile {bad}: unknown key article.titel (known: {', '.join(KNOWN)})"


KNOWN = ("title", "date", "body", "exclude", "breadcrumb", "breadcrumb_separators", "attachments", "related", "latest")


def test_extract_with_a_profile_file(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1 class='t'>Tiêu đề bài viết</h1><p class='d'>24/09/2021</p>"
                    "<div class='b'><p>Nội dung.</p></div></body></html>", encoding="utf-8")  # fmt: skip
    profile = tmp_path / "site.toml"
    profile.write_text('[article]\ntitle = ["h1.t"]\ndate = ["p.d"]\nbody = ["div.b"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(page), "--profile", str(profile), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["extraction_method"], record["published"], record["body_text"]) == (
        "profile", "2021-09-24T00:00:00+07:00", "Nội dung.")
