"""`cchc-archive export` (crawler/archive/export.py): JSON Lines and CSV of a crawled archive,
streamed; bad options as one line."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.archive.export import parse_since
from crawler.archive.storage import Archive


@pytest.fixture(scope="module")
def archive(crawled, tmp_path_factory) -> str:
    """A copy of the crawled archive."""
    copy = tmp_path_factory.mktemp("export") / "archive.db"
    shutil.copy(crawled.db_path, copy)
    return str(copy)


@pytest.fixture(scope="module")
def articles(archive) -> list[dict]:
    """Every article, as the archive reads them."""
    with Archive(archive, must_exist=True) as opened:
        return list(opened.iter_articles())


def export(*args: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of `cchc-archive export ARGS`."""
    result = CliRunner().invoke(cli, ["export", *args])
    return result.exit_code, result.stdout, result.stderr


def test_jsonl_has_every_article_with_its_public_columns(archive, articles):
    code, out, _ = export("--format", "jsonl", "--db", archive)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == articles and len(rows) > 100
    assert list(rows[0]) == Archive.public_article_columns()
    assert "search_folded" not in rows[0] and {"url", "title", "published", "year", "category", "body_text"} <= set(rows[0])
    assert "Đảng bộ" in out  # Vietnamese as is, not \u escapes
    assert all(row["year"] == int(row["published"][:4]) for row in rows if row["published"])
    # Each article carries its references to documents, as legal_refs holds them.
    with Archive(archive, must_exist=True) as opened:
        cited = opened.db.execute("SELECT source_url, count(*) FROM legal_refs WHERE source_kind = 'article' "
                                  "GROUP BY source_url").fetchall()
    assert {row["url"]: len(row["legal_refs"]) for row in rows if row["legal_refs"]} == dict(cited)
    first_ref = next(row["legal_refs"][0] for row in rows if row["legal_refs"])
    assert {"number", "text", "field", "char_offset", "kind", "issuer", "date"} <= set(first_ref)


def test_csv_reads_back_as_the_same_table(archive, articles, tmp_path):
    output = tmp_path / "articles.csv"
    code, out, _ = export("--format", "csv", "--db", archive, "--output", str(output))
    assert code == 0 and out == f"{len(articles)} articles written to {output}\n"
    with output.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == len(articles)
    assert rows[0].keys() == articles[0].keys()
    # Multi-line text and quotes survive the round trip; numbers and None come back as text.
    assert all(row["body_text"] == (a["body_text"] or "") and row["id"] == str(a["id"]) for row, a in zip(rows, articles))
    assert all(json.loads(row["legal_refs"]) == a["legal_refs"] for row, a in zip(rows, articles))


def test_since_and_category_narrow_the_export(archive, articles):
    category = articles[0]["category"]
    code, out, _ = export("--format", "jsonl", "--db", archive, "--since", "2022-01-01", "--category", category)
    assert code == 0
    expected = [a["id"] for a in articles if a["category"] == category and (a["published"] or "") >= "2022-01-01"]
    assert [json.loads(line)["id"] for line in out.splitlines()] == expected != []


def test_unknown_category_is_an_empty_export(archive):
    assert export("--format", "jsonl", "--db", archive, "--category", "No such category") == (0, "", "")
    code, out, _ = export("--format", "csv", "--db", archive, "--category", "No such category")
    # A header alone: pandas and R read a table with no rows, not an error.
    assert code == 0 and out == ",".join(Archive.public_article_columns()) + "\n"


@pytest.mark.parametrize("since", ["2021-13-01", "yesterday", "01/02/2021"])
def test_malformed_since_is_one_line(archive, since):
    code, out, err = export("--format", "csv", "--db", archive, "--since", since)
    assert code == 1 and out == ""
    assert err.splitlines() == [f"Error: --since must be a date as YYYY-MM-DD, not '{since}'"]


def test_missing_archive_is_one_line_and_creates_nothing(tmp_path):
    code, _, err = export("--format", "jsonl", "--db", str(tmp_path / "none.db"))
    assert code == 1 and err.splitlines() == [f"Error: archive not found: {tmp_path / 'none.db'}"]
    assert not (tmp_path / "none.db").exists()


def test_unwritable_output_is_one_line(archive, tmp_path):
    code, _, err = export("--format", "jsonl", "--db", archive, "--output", str(tmp_path / "no" / "dir" / "x.jsonl"))
    assert code == 1 and err.splitlines() == [f"Error: cannot write {tmp_path / 'no' / 'dir' / 'x.jsonl'}: No such file or directory"]


def test_parse_since_normalises_iso_dates():
    assert parse_since(None) is None
    assert parse_since(" 2021-09-24 ") == "2021-09-24"


def test_export_streams_in_constant_memory(tmp_path):
    # 1,500 articles of ~16 KB (text and HTML): 24 MB of rows to write.
    path = tmp_path / "big.db"
    body = "Ban Thường vụ Đảng bộ tỉnh chỉ đạo cải cách hành chính. " * 140
    with Archive(path) as big:
        for n in range(1500):
            big.save_article({"url": f"https://cchc.laichau.gov.vn/bai-{n}.html", "title": f"Bài {n}",
                              "published": "2024-05-01T08:00:00+07:00", "body_text": f"{body}{n}",
                              "body_html": f"<p>{body}{n}</p>"}, "2025-01-01T00:00:00+07:00")  # fmt: skip
    output = tmp_path / "big.jsonl"
    tracemalloc.start()
    try:
        code, _, err = export("--format", "jsonl", "--db", str(path), "--output", str(output))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 0, err
    size = output.stat().st_size
    assert size > 20_000_000
    # Rows held at once would cost at least the file's size; a stream holds a few rows.
    assert peak < size / 20, f"export peaked at {peak / 1e6:.1f} MB of Python memory for a {size / 1e6:.0f} MB export"


def test_export_into_a_closed_pipe_stops_quietly(archive):
    script = str(Path(sys.executable).with_name("cchc-archive"))
    process = subprocess.Popen([script, "export", "--format", "jsonl", "--db", archive], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(100)  # `… | head -c 100`
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


def test_the_module_writers_stream_to_any_text_stream():
    from crawler.archive.export import FORMATS

    rows = iter([{"a": 1, "b": "Đảng bộ\n\"x\""}, {"a": 2, "b": None}])
    out = io.StringIO()
    assert FORMATS["csv"](rows, out, ["a", "b"]) == 2
    assert out.getvalue() == 'a,b\n1,"Đảng bộ\n""x"""\n2,\n'
    out = io.StringIO()
    assert FORMATS["jsonl"](iter([{"a": 1}]), out, ["a"]) == 1 and out.getvalue() == '{"a": 1}\n'
