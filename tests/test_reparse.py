"""Re-extraction from the WARC captures gives the rows the crawl itself stored."""

from __future__ import annotations

import re

import sqlite_utils
from click.testing import CliRunner

from crawler.cli import cli
from crawler.archive.reparse import reparse
from crawler.archive.storage import Archive

ARTICLE_FIELDS = ("url", "site_id", "title", "published", "published_raw", "category", "breadcrumb", "body_text",
                  "body_html", "word_count", "content_sha256", "extraction_method", "attachment_text", "search_folded")  # fmt: skip


def rows(db_path, sql: str) -> list[tuple]:
    return sorted(sqlite_utils.Database(db_path).execute(sql).fetchall(), key=repr)


def test_reparse_yields_the_same_rows_as_the_crawl(crawled, tmp_path):
    fresh = tmp_path / "reparsed.db"
    with Archive(fresh) as archive:
        report = reparse(archive, crawled.db_path.parent / "archive" / "warc")
    assert report.errors == []
    assert report.articles == sqlite_utils.Database(crawled.db_path)["articles"].count
    assert report.documents == sqlite_utils.Database(crawled.db_path)["documents"].count > 0
    for sql in (
        f"SELECT {', '.join(ARTICLE_FIELDS)} FROM articles",
        "SELECT from_url, to_url, kind, title, published FROM links",
        "SELECT article_url, src, alt, caption FROM images",
        "SELECT article_url, url, name FROM attachments",
        "SELECT url, status, content_type, size, sha256, kind, text, error FROM attachment_files",
        "SELECT url, number, number_raw, kind, issuer, issued, effective, signer, field, summary, other, file_text "
        "FROM documents",
        "SELECT document_url, url, name FROM document_files",
        "SELECT source_url, source_kind, field, char_offset, text, number, kind, issuer, year, date, document_url "
        "FROM legal_refs",
    ):
        assert rows(fresh, sql) == rows(crawled.db_path, sql), sql


def test_reparse_command_shows_progress_and_counts(crawled, tmp_path):
    fresh = tmp_path / "again.db"
    Archive(fresh).close()
    folder = str(crawled.db_path.parent / "archive" / "warc")
    result = CliRunner().invoke(cli, ["reparse", "--db", str(fresh), "--warc-dir", folder])
    assert result.exit_code == 0, result.output
    assert "Reparsing" in result.output
    assert re.search(r"\d+ articles, \d+ documents and \d+ attachments rebuilt", result.output)


def test_reparse_without_captures_is_one_line(tmp_path):
    Archive(tmp_path / "empty.db").close()
    result = CliRunner().invoke(cli, ["reparse", "--db", str(tmp_path / "empty.db"), "--warc-dir", str(tmp_path / "none")])
    assert result.exit_code == 1 and result.output.startswith("Error: no WARC files in")


ARTICLES = f"SELECT {', '.join(ARTICLE_FIELDS)} FROM articles"


def test_the_captures_alone_build_a_new_archive(crawled, tmp_path):
    new = tmp_path / "sub" / "new.db"  # neither the file nor its folder exists
    folder = str(crawled.db_path.parent / "archive" / "warc")
    result = CliRunner().invoke(cli, ["reparse", "--db", str(new), "--warc-dir", folder])
    assert result.exit_code == 0, result.output
    assert rows(new, ARTICLES) == rows(crawled.db_path, ARTICLES)


def test_a_wacz_package_alone_rebuilds_the_same_articles(crawled, tmp_path):
    package = tmp_path / "crawl.wacz"
    folder = str(crawled.db_path.parent / "archive" / "warc")
    made = CliRunner().invoke(cli, ["export", "--wacz", str(package), "--db", str(crawled.db_path), "--warc-dir", folder])
    assert made.exit_code == 0, made.output
    new = tmp_path / "from-wacz.db"
    result = CliRunner().invoke(cli, ["reparse", "--db", str(new), "--wacz", str(package)])
    assert result.exit_code == 0, result.output
    assert rows(new, ARTICLES) == rows(crawled.db_path, ARTICLES)
    assert rows(new, "SELECT source_url, field, number FROM legal_refs") == rows(
        crawled.db_path, "SELECT source_url, field, number FROM legal_refs")  # fmt: skip


def test_a_file_that_is_no_wacz_is_one_line(tmp_path):
    bogus = tmp_path / "bogus.wacz"
    bogus.write_bytes(b"not a zip")
    result = CliRunner().invoke(cli, ["reparse", "--db", str(tmp_path / "x.db"), "--wacz", str(bogus)])
    assert result.exit_code == 1 and result.output.startswith(f"Error: no WARC files in {bogus}")
