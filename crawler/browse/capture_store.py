"""Captures read back from the WARC files: the payload the server sent for a URL.

A capture is found by its `pages` row (`warc_file`, `warc_offset`: one record read, no
scan). A `revisit` record holds no payload: the payload is in the earlier record with the
same digest, found by bisecting the folder's sorted CDXJ index (`index.cdxj`, written by
every crawl), as is an older capture when the newest fetch of a URL was no 200.
The routes that serve them are in crawler.browse.captures.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.archive.warc import INDEX_NAME

__all__ = ["SERVED_STATUSES", "Payload", "Unavailable", "index_lines", "payload_of", "read_record", "warc_folder",
           "warc_timestamp"]  # fmt: skip

# Statuses whose record stands for a payload: a 200, or a 304 confirming the archived one.
SERVED_STATUSES = (200, 304)


class Unavailable(Exception):
    """A capture that cannot be served: `status` and a one-line message for the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Payload:
    """An archived response: its headers and body as the server sent them (content-decoded)."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str  # WARC-Date of the newest capture: when the server last sent (or confirmed) this payload
    content_date: str  # WARC-Date of the record that holds the payload (earlier, for a revisit)

    def header(self, name: str) -> str | None:
        """The value of the HTTP header `name` (any case), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type") or "application/octet-stream"


@dataclass
class _Record:
    """One response or revisit record, read at its offset."""

    url: str
    rec_type: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str
    refers_to_uri: str | None
    refers_to_date: str | None
    digest: str | None


# --- reading the WARC files --------------------------------------------------------------


def warc_folder(datasette, db_path: str | None) -> Path:
    """Where the captures are: the configured `warc_dir`, or `archive/warc` beside the database.

    The default is the crawl's (crawler.crawl.middlewares.default_warc_dir), computed here so the
    server does not load Scrapy.
    """
    configured = (datasette.plugin_config("cchc-archive") or {}).get("warc_dir")
    if configured:
        return Path(configured)
    return Path(db_path or ".").resolve().parent / "archive" / "warc"


def read_record(folder: Path, warc_file: str, offset: int, url: str) -> _Record:
    """The record of `url` at `offset` of `warc_file`: one record read, the file never scanned."""
    if not warc_file or Path(warc_file).name != warc_file:
        raise Unavailable(503, f"The capture of {url} names no WARC file of the archive: {warc_file!r}")
    path = folder / warc_file
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None or record.rec_headers.get_header("WARC-Target-URI") != url:
                raise Unavailable(503, f"The capture of {url} is not at offset {offset} of {warc_file}")
            http = record.http_headers
            body = record.content_stream().read() if record.rec_type == "response" else b""
            headers = record.rec_headers
            return _Record(
                url=url,
                rec_type=record.rec_type,
                status=int(http.get_statuscode() or 0) if http is not None else 0,
                headers=list(http.headers) if http is not None else [],
                body=body,
                date=headers.get_header("WARC-Date") or "",
                refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
                refers_to_date=headers.get_header("WARC-Refers-To-Date"),
                digest=headers.get_header("WARC-Payload-Digest"),
            )
    except FileNotFoundError:
        raise Unavailable(503, f"The capture of {url} is in {warc_file}, which is not in {folder}") from None
    except Unavailable:
        raise
    except Exception as error:  # a file cut short, a record that is no WARC: one line, not a traceback
        reason = " ".join(str(error).split()) or type(error).__name__
        raise Unavailable(503, f"The capture of {url} in {warc_file} cannot be read: {reason}") from None


def index_lines(index: Path, prefix: bytes) -> Iterator[bytes]:
    """The lines of a sorted CDXJ index that start with `prefix`, found by bisection.

    The index of a big archive holds millions of lines; a lookup reads a few dozen.
    """
    try:
        stream = open(index, "rb")
    except OSError:
        return
    with stream:
        size = stream.seek(0, os.SEEK_END)
        low, high = 0, size
        while low < high:  # the first position whose next whole line is not before `prefix`
            middle = (low + high) // 2
            line = _line_after(stream, middle)
            if line and line < prefix:
                low = middle + 1
            else:
                high = middle
        stream.seek(low)
        if low:
            stream.readline()
        for line in stream:
            if not line.startswith(prefix):
                return
            yield line.rstrip(b"\n")


def _line_after(stream, position: int) -> bytes:
    """The first whole line that starts after `position - 1` (the first line for 0)."""
    stream.seek(position)
    if position:
        stream.readline()
    return stream.readline()


def _index_entries(folder: Path, url: str, timestamp: str = "") -> list[dict]:
    """The CDXJ entries of `url` (captured at `timestamp`, a 14-digit WARC time, if given), oldest first."""
    import surt  # as crawler.archive.warc keys the index

    prefix = f"{surt.surt(url)} {timestamp}".encode()
    entries = []
    for line in index_lines(folder / INDEX_NAME, prefix):
        try:
            fields = json.loads(line.split(b" ", 2)[2])
        except (IndexError, ValueError):
            continue
        if fields.get("url") == url and fields.get("filename") and fields.get("offset"):
            entries.append(fields)
    return entries


def warc_timestamp(date: str | None) -> str:
    """A WARC-Date as the index's 14 digits (`2024-05-01T10:00:00.5Z` → `20240501100000`)."""
    return re.sub(r"\D", "", date or "")[:14]


def _original(folder: Path, url: str, digest: str | None, captured: str | None) -> _Record:
    """The response record holding the payload a revisit of `url` refers to."""
    for timestamp in dict.fromkeys((warc_timestamp(captured), "")):  # at its date first, then any
        for entry in _index_entries(folder, url, timestamp):
            if entry.get("mime") == "warc/revisit" or (digest and entry.get("digest") != digest):
                continue
            record = read_record(folder, entry["filename"], int(entry["offset"]), url)
            if record.rec_type == "response":
                return record
    raise Unavailable(503, f"The capture of {url} repeats an earlier one that {INDEX_NAME} in {folder} does not list")


def _payload(record: _Record, original: _Record | None = None) -> Payload:
    """The payload of `record`, or of the `original` a revisit refers to (a 304's revisit carries
    only the validators: the payload's own headers, its Content-Type above all, are the original's)."""
    holder = original or record
    return Payload(record.url, 200, holder.headers, holder.body, record.date, holder.date)


def payload_of(folder: Path, row: dict | None, url: str) -> Payload:
    """The newest payload of `url` with status 200: from its `pages` row, else from the index."""
    if row and row.get("status") in SERVED_STATUSES and row.get("warc_file") and row.get("warc_offset") is not None:
        record = read_record(folder, row["warc_file"], int(row["warc_offset"]), url)
        if record.rec_type == "response" and record.status == 200:
            return _payload(record)
        if record.rec_type == "revisit":
            digest = row.get("payload_digest") or record.digest
            captured = row.get("captured") or record.refers_to_date
            return _payload(record, _original(folder, record.refers_to_uri or url, digest, captured))
    # The newest fetch was no 200 (the article is gone now, a failed revalidation): an older capture.
    for entry in reversed(_index_entries(folder, url)):
        if str(entry.get("status")) != "200":
            continue
        record = read_record(folder, entry["filename"], int(entry["offset"]), url)
        if record.rec_type == "response":
            return _payload(record)
        if record.rec_type == "revisit":
            original = _original(folder, record.refers_to_uri or url, record.digest, record.refers_to_date)
            return _payload(record, original)
    raise Unavailable(404, f"Not archived: {url}")
