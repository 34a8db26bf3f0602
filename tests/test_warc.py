"""WARC captures: written with warcio, read back with digests checked, rotated, revisited."""

from __future__ import annotations

import gzip
import io
from collections import Counter

import sqlite_utils
from cdxj_indexer.main import CDXJIndexer
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.warc import INDEXED_RECORDS, Exchange, WarcWriter, index, iter_responses, payload_digest, warc_files

URL = "https://cchc.laichau.gov.vn/a-1.html"


def exchange(body: bytes, status: int = 200, url: str = URL) -> Exchange:
    return Exchange(url=url, method="GET", request_headers=[("User-Agent", "cchc-archive/test")], status=status,
                    response_headers=[("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")],
                    body=body)  # fmt: skip


def records(folder) -> list:
    found = []
    for path in warc_files(folder):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                              record.rec_headers.get_header("WARC-Profile")))  # fmt: skip
                record.content_stream().read()
    return found


def test_exchange_round_trip_with_digests(tmp_path):
    writer = WarcWriter(tmp_path, prefix="t", info={"crawl": 1})
    written = writer.write(exchange("Đảng bộ".encode()))
    writer.close()
    assert written.warc_record_type == "response"
    assert written.payload_digest == payload_digest("Đảng bộ".encode())
    assert [r[0] for r in records(tmp_path)] == ["warcinfo", "request", "response"]
    (response,) = iter_responses(tmp_path)
    assert response.body == "Đảng bộ".encode() and response.status == 200
    assert "Transfer-Encoding" not in response.headers  # the stored payload is de-chunked
    with open(tmp_path / written.warc_file, "rb") as stream:
        stream.seek(written.warc_offset)
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == URL


def test_same_payload_and_not_modified_become_revisits(tmp_path):
    writer = WarcWriter(tmp_path, prefix="t", info={})
    first = writer.write(exchange(b"<p>x</p>"))
    known = {"payload_digest": first.payload_digest, "captured": first.captured}
    again = writer.write(exchange(b"<p>x</p>"), known)
    not_modified = writer.write(exchange(b"", status=304), known)
    changed = writer.write(exchange(b"<p>y</p>"), known)
    writer.close()
    assert [w.warc_record_type for w in (first, again, not_modified, changed)] == ["response", "revisit", "revisit", "response"]
    profiles = [r[2] for r in records(tmp_path) if r[0] == "revisit"]
    assert profiles == ["http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
                        "http://netpreserve.org/warc/1.1/revisit/server-not-modified"]  # fmt: skip


def test_files_rotate_by_size_and_are_indexed(tmp_path):
    writer = WarcWriter(tmp_path, prefix="t", info={}, max_bytes=2000)
    for number in range(6):
        writer.write(exchange(bytes(range(256)) * 8, url=f"{URL}?n={number}"))
    writer.close()
    assert len(warc_files(tmp_path)) > 1
    cdxj = index(tmp_path).read_text().splitlines()
    assert len([line for line in cdxj if '"mime"' in line and "request" not in line]) >= 6
    assert all(gzip.open(path).read(4) == b"WARC" for path in warc_files(tmp_path))


def test_crawl_keeps_one_response_per_fetched_page(crawled):
    db = sqlite_utils.Database(crawled.db_path)
    folder = crawled.db_path.parent / "archive" / "warc"
    found = records(folder)  # raises on any wrong block or payload digest
    responses = Counter(url for kind, url, _ in found if kind == "response")
    fetched = [row for row in db["pages"].rows if row["status"] is not None]
    assert fetched
    for row in fetched:
        assert responses[row["url"]] == 1, row["url"]
        assert row["warc_file"] and row["warc_offset"] is not None and row["warc_record_type"] == "response"
    assert responses[crawled.url + "/robots.txt"] == 1
    # The index the crawl kept as it wrote is the one cdxj-indexer reads off its files.
    read = io.StringIO()
    files = [str(path) for path in warc_files(folder)]
    CDXJIndexer(output=read, inputs=files, sort=True, dir_root=str(folder), records=INDEXED_RECORDS).process_all()
    assert (folder / "index.cdxj").read_text() == read.getvalue()


def test_warcinfo_names_software_crawl_and_settings(crawled):
    folder = crawled.db_path.parent / "archive" / "warc"
    with open(warc_files(folder)[0], "rb") as stream:
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_type == "warcinfo"
        info = record.content_stream().read().decode("utf-8")
    assert "software: cchc-archive/" in info and "crawl: 1" in info
    assert f"start_url: {crawled.url}/" in info and '"ROBOTSTXT_OBEY": true' in info


def test_index_merges_new_files_into_the_existing_index(tmp_path):
    first = WarcWriter(tmp_path, prefix="a", info={})
    first.write(exchange(b"1", url=URL + "?n=2"))
    first.close()
    index(tmp_path)
    second = WarcWriter(tmp_path, prefix="b", info={})
    second.write(exchange(b"2", url=URL + "?n=1"))
    second.close()
    merged = index(tmp_path, lines=second.cdxj).read_text().splitlines()
    (tmp_path / "index.cdxj").unlink()
    index(tmp_path)  # from scratch, by cdxj-indexer
    assert merged == (tmp_path / "index.cdxj").read_text().splitlines()
    assert merged == sorted(merged)
    assert [line.split(" ")[0] for line in merged if '"status"' in line] == [
        "vn,gov,laichau,cchc)/a-1.html?n=1",
        "vn,gov,laichau,cchc)/a-1.html?n=2",
    ]


def test_written_lines_are_cdxj_indexers_own(tmp_path):
    """Responses, both kinds of revisit, a missing Content-Type: line for line what cdxj-indexer reads back."""
    writer = WarcWriter(tmp_path, prefix="t", info={}, max_bytes=1500)
    first = writer.write(exchange(b"<p>x</p>"))
    known = {"payload_digest": first.payload_digest, "captured": first.captured}
    writer.write(exchange(b"<p>x</p>"), known)
    writer.write(exchange(b"", status=304), known)
    bare = Exchange(url=URL + "?n=3", method="GET", request_headers=[], status=404, response_headers=[], body=b"gone")
    writer.write(bare)
    writer.write(exchange("Đảng bộ".encode(), url="https://cchc.laichau.gov.vn/t%C3%ACm-ki%E1%BA%BFm?q=%C4%91%E1%BA%A3ng&page=2"))
    writer.close()
    assert len(writer.files) > 1 and len(writer.cdxj) == 5
    noted = index(tmp_path, lines=writer.cdxj).read_text()
    (tmp_path / "index.cdxj").unlink()
    assert noted == index(tmp_path).read_text()


def test_index_reads_the_files_of_a_crawl_that_never_indexed(tmp_path):
    killed = WarcWriter(tmp_path, prefix="a", info={})
    killed.write(exchange(b"1", url=URL + "?n=1"))
    killed.close()  # its crawl was killed: no index() for these records
    resumed = WarcWriter(tmp_path, prefix="b", info={})
    resumed.write(exchange(b"2", url=URL + "?n=2"))
    resumed.close()
    lines = index(tmp_path, lines=resumed.cdxj).read_text().splitlines()
    assert [line.split(" ")[0].rsplit("=", 1)[1] for line in lines] == ["1", "2"]
