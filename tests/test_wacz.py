"""WACZ packages of a crawl's captures, valid for replay tools."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile

import pytest
import sqlite_utils

from crawler.archive.storage import Archive
from crawler.archive.wacz import PackageError, package


def test_package_holds_captures_index_and_pages(crawled, tmp_path):
    output = tmp_path / "cchc.wacz"
    with Archive(crawled.db_path) as archive:
        package(archive, crawled.db_path.parent / "archive" / "warc", output)
    names = zipfile.ZipFile(output).namelist()
    assert {"indexes/index.cdx.gz", "pages/pages.jsonl", "datapackage.json", "datapackage-digest.json"} <= set(names)
    assert [n for n in names if n.startswith("archive/") and n.endswith(".warc.gz")]
    lines = zipfile.ZipFile(output).read("pages/pages.jsonl").decode("utf-8").splitlines()
    pages = [json.loads(line) for line in lines[1:]]
    articles = {row["url"]: row["title"] for row in sqlite_utils.Database(crawled.db_path)["articles"].rows}
    listed = {page["url"]: page["title"] for page in pages}
    assert all(listed[url] == title for url, title in articles.items())
    assert all(page["ts"].endswith("Z") for page in pages)

    from wacz.main import main as wacz_main

    with contextlib.redirect_stdout(io.StringIO()):
        assert wacz_main(["validate", "-f", str(output)]) == 0


def test_package_without_captures_is_an_error(tmp_path):
    with Archive(tmp_path / "a.db") as archive, pytest.raises(PackageError, match="no WARC files in"):
        package(archive, tmp_path / "none", tmp_path / "x.wacz")


def test_export_wacz_command(crawled, tmp_path):
    from click.testing import CliRunner

    from crawler.cli import cli

    output = tmp_path / "cli.wacz"
    result = CliRunner().invoke(cli, ["export", "--wacz", str(output), "--db", str(crawled.db_path)])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(output)
    both = CliRunner().invoke(cli, ["export", "--wacz", str(output), "--format", "csv", "--db", str(crawled.db_path)])
    assert both.exit_code == 1 and "either --format" in both.output
