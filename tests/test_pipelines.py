"""Tests of crawler.crawl.pipelines' CaptureWriter: every capture saved, in batches, on its own thread.

The pipeline as a whole is exercised by every crawl in test_spider; here the writer
meets what a crawl seldom shows: an idle crawl, a capture that cannot be saved, an
archive that cannot be written at all.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import asdict

from crawler.crawl.items import PageRecord
from crawler.crawl.pipelines import BATCH_CAPTURES, CaptureWriter
from crawler.archive.storage import Archive

BASE = "https://cchc.laichau.gov.vn"


def capture(number: int, **extra) -> dict:
    page = PageRecord(url=f"{BASE}/trang-{number}.html", fetched="2026-11-26T09:00:00+07:00", status=200,
                      page_type="page")  # fmt: skip
    return {"page": asdict(page), "requested": [f"{BASE}/trang-{number + 1}.html"], **extra}


def page_urls(db_path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [row[0] for row in conn.execute("SELECT url FROM pages ORDER BY rowid")]


def started_writer(db_path, crawl_id: int | None = None) -> tuple[CaptureWriter, list]:
    saved: list = []
    writer = CaptureWriter(str(db_path), crawl_id, lambda capture, stored: saved.append(capture["page"]["url"]))
    writer.start()
    return writer, saved


def test_every_capture_is_saved_in_order_with_its_frontier(tmp_path):
    db_path = tmp_path / "archive.db"
    with Archive(db_path) as archive:
        crawl_id, _ = archive.begin_crawl(BASE + "/", {}, "2026-11-26T09:00:00+07:00")
    writer, saved = started_writer(db_path, crawl_id)
    count = BATCH_CAPTURES * 3 + 7  # full batches and a part of one
    for number in range(count):
        assert writer.put(capture(number))
    writer.close()
    expected = [f"{BASE}/trang-{number}.html" for number in range(count)]
    assert page_urls(db_path) == expected and saved == expected
    assert writer.failure is None and writer.unsaved == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM frontier WHERE crawl_id = ?", (crawl_id,)).fetchone()[0] == count


def test_an_idle_crawl_still_commits_what_it_sent(tmp_path):
    """A batch that never fills is committed once its time is up: readers see it, a crash keeps it."""
    db_path = tmp_path / "archive.db"
    Archive(db_path).close()
    writer, _ = started_writer(db_path)
    writer.put(capture(1))
    writer.put(capture(2))
    waited = 0.0
    while len(page_urls(db_path)) < 2 and waited < 30:  # no more captures come, and no close()
        time.sleep(0.1)
        waited += 0.1
    assert len(page_urls(db_path)) == 2
    writer.close()


def test_a_capture_that_cannot_be_saved_is_reported_and_the_rest_kept(tmp_path):
    db_path = tmp_path / "archive.db"
    Archive(db_path).close()
    writer, saved = started_writer(db_path)
    writer.put(capture(1))
    writer.put(capture(2, article={"url": "", "title": "Không có địa chỉ"}))  # an article must have a URL
    writer.put(capture(3))
    writer.close()
    assert page_urls(db_path) == [f"{BASE}/trang-1.html", f"{BASE}/trang-3.html"]  # nothing half-saved
    assert saved == page_urls(db_path)
    assert writer.unsaved == [(f"{BASE}/trang-2.html", "ArchiveError: cannot save an article without a url")]
    assert writer.failure is None


def test_an_archive_that_cannot_be_written_refuses_captures_instead_of_hanging(tmp_path):
    writer, _ = started_writer(tmp_path)  # a folder, not a database file
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert writer.failure and "\n" not in writer.failure
    assert writer.put(capture(1)) is False
    writer.close()
