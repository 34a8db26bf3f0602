"""Learning a profile: from the replica in other markups, a profile that reads every article exactly."""

from __future__ import annotations

import re

import pytest
import sqlite_utils

from crawler.extraction.extract import extract_page
from crawler.extraction.learn import suggest_profile
from crawler.extraction.profile import parse_profile
from crawler.replica import build_replica

BASE = "https://cchc.laichau.gov.vn"


def pages_of(replica):
    paths = [a.path for a in replica.articles] + list(replica.listings) + list(replica.static_pages) + list(replica.documents)
    for path in paths:
        resource = replica.get(path)
        yield resource.body, BASE + path, resource.headers.get("Content-Type")


@pytest.mark.parametrize("markup", ["portal", "html5"])
def test_a_learned_profile_reads_every_article_exactly(markup):
    replica = build_replica(n_articles=30, markup=markup)
    suggestion = suggest_profile(pages_of(replica))
    assert suggestion.reproduced == suggestion.articles == len(replica.articles), suggestion.mismatches[:3]
    profile = parse_profile(suggestion.toml, "learned")
    for expected in replica.articles:
        resource = replica.get(expected.path)
        found = extract_page(resource.body, BASE + expected.path, content_type=resource.headers.get("Content-Type"),
                             profile=profile)  # fmt: skip
        assert found.extraction_method == "profile", expected.path
        article = found.article
        assert (article["title"], article["published"], article["category"], article["body_text"]) == (
            expected.title, expected.published, expected.category, expected.body_text), expected.path
    for path in [*replica.listings, *replica.documents, *replica.static_pages]:
        resource = replica.get(path)
        assert extract_page(resource.body, BASE + path, profile=profile).page_type != "article", path


@pytest.mark.parametrize("markup", ["portal", "table"])
def test_crawl_then_suggest_then_reparse_gives_every_article_at_the_profile_path(markup, tmp_path, capsys):
    from click.testing import CliRunner

    from crawler.cli import cli, print_crawl_summary
    from crawler.extraction.profile import load_profile
    from crawler.replica import ReplicaServer
    from crawler.archive.reparse import reparse
    from crawler.archive.storage import Archive

    from .conftest import run_scrapy_crawl

    replica = build_replica(n_articles=20, markup=markup)
    db_path = tmp_path / "archive.db"
    with ReplicaServer(replica) as server:
        result = run_scrapy_crawl(server.url + "/", db_path)
    assert result.returncode == 0, result.stderr[-3000:]
    with Archive(db_path) as archive:
        print_crawl_summary(archive.last_crawl(), str(db_path))
    summary = capsys.readouterr().out.strip().splitlines()
    assert summary[-1].startswith("The site's markup has changed: its profile found 0 of 20 articles")
    assert f"cchc-archive profile suggest --db {db_path} > site.toml" in summary[-1]

    suggested = CliRunner().invoke(cli, ["profile", "suggest", "--db", str(db_path)])
    assert suggested.exit_code == 0, suggested.output
    read, of = re.search(r"reads (\d+) of (\d+) articles exactly", suggested.stderr).groups()
    assert read == of and int(of) >= 20  # print views are read as articles too
    (tmp_path / "site.toml").write_text(suggested.stdout, encoding="utf-8")

    fresh = tmp_path / "reparsed.db"
    with Archive(fresh) as archive:
        report = reparse(archive, tmp_path / "archive" / "warc", profile=load_profile(tmp_path / "site.toml"))
    assert report.articles == 20
    rows = {row["url"]: row for row in sqlite_utils.Database(fresh)["articles"].rows}
    for expected in replica.articles:
        row = rows[server.url + expected.path]
        assert row["extraction_method"] == "profile", expected.path
        assert (row["title"], row["published"], row["category"], row["body_text"]) == (
            expected.title, expected.published, expected.category, expected.body_text), expected.path
