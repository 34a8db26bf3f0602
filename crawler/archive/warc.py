"""WARC captures: what the server sent, kept as WARC/1.1 records with warcio.

Files are gzipped per record and rotated by size; each response is preceded by its
request. A payload identical to one archived before, or a 304 answer, is written as a
`revisit` record pointing to the original instead of a second copy. `index()` keeps a
CDXJ index of the folder for replay tools such as pywb: the writer notes each record's
line as it writes it (in cdxj-indexer's format), so a crawl's end need not read its
captures back; files no line names (a crawl killed before it could index) are read
with cdxj-indexer.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_timestamp
from warcio.warcwriter import WARCWriter

from crawler import __version__

DEFAULT_MAX_BYTES = 1024**3
INDEX_NAME = "index.cdxj"
# The records an index line points to. Named, not cdxj-indexer's default: py-wacz adds
# warcinfo to that default for every indexer in the process once it is imported.
INDEXED_RECORDS = "response,revisit"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Hop-by-hop framing the HTTP client already undid: the stored payload is de-chunked.
_FRAMING_HEADERS = {b"transfer-encoding"}


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of `body`: `sha1:` and base32, as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(moment: datetime | None = None) -> str:
    """A WARC-Date: UTC, to the microsecond."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Exchange:
    """One request and its response as the downloader saw them."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    protocol: str = "HTTP/1.1"


@dataclass
class Written:
    """Where a response (or revisit) record went."""

    warc_file: str
    warc_offset: int
    warc_record_type: str
    payload_digest: str | None
    captured: str | None  # WARC-Date of the record holding this payload


class WarcWriter:
    """Writes exchanges to `folder/<prefix>-<timestamp>-<serial>.warc.gz`, rotating by size."""

    def __init__(self, folder: str | Path, prefix: str, info: dict, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.info = info
        self.max_bytes = max_bytes
        self._serial = 0
        self.files: list[str] = []  # the files this writer wrote, in order
        self.cdxj: list[str] = []  # the index line of each response and revisit record written
        self._file = None
        self._writer: WARCWriter | None = None
        self._name = ""

    def _open(self) -> None:
        # A new file for every crawl session: a file cut short by a crash is never appended to.
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        self._serial += 1
        self._name = f"{self.prefix}-{stamp}-{self._serial:05d}.warc.gz"
        self.files.append(self._name)
        self._file = open(self.folder / self._name, "wb")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        info = dict(self.info, software=f"cchc-archive/{__version__} (warcio)", format="WARC File Format 1.1")
        self._writer.write_record(self._writer.create_warcinfo_record(self._name, info))

    def write(self, exchange: Exchange, known: dict | None = None) -> Written:
        """Write the request and response (or revisit) records; return where the response went.

        `known` is what the archive holds of this URL (`payload_digest`, `captured`):
        the same payload again is written as a revisit record.
        """
        if self._writer is None or self._file.tell() >= self.max_bytes:
            self.close()
            self._open()
        writer = self._writer
        date = warc_date()
        request = self._request_record(exchange, date)
        http_headers = StatusAndHeaders(
            f"{exchange.status} {_reason(exchange.status)}",
            [(k, v) for k, v in exchange.response_headers if k.lower().encode() not in _FRAMING_HEADERS],
            protocol=exchange.protocol,
        )
        digest = payload_digest(exchange.body)
        headers = {"WARC-Date": date, "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID")}
        known = known or {}
        if exchange.status == 304 and known.get("payload_digest"):
            record = writer.create_warc_record(
                exchange.url, "revisit", http_headers=http_headers,
                warc_headers_dict=headers | {
                    "WARC-Profile": NOT_MODIFIED_PROFILE,
                    "WARC-Refers-To-Target-URI": exchange.url,
                    "WARC-Refers-To-Date": known.get("captured") or "",
                },
            )  # fmt: skip
            kind, digest, captured = "revisit", known["payload_digest"], known.get("captured")
        elif exchange.body and digest == known.get("payload_digest") and known.get("captured"):
            record = writer.create_revisit_record(
                exchange.url, digest, exchange.url, known["captured"], http_headers=http_headers,
                warc_headers_dict=headers,
            )  # fmt: skip
            kind, captured = "revisit", known["captured"]
        else:
            # The payload digest is known already: warcio need not hash the body a second time.
            record = writer.create_warc_record(
                exchange.url, "response", payload=io.BytesIO(exchange.body), length=len(exchange.body),
                http_headers=http_headers, warc_headers_dict=headers | {"WARC-Payload-Digest": digest},
            )  # fmt: skip
            kind, captured = "response", date
        writer.write_record(request)
        offset = self._file.tell()
        writer.write_record(record)
        self._file.flush()
        self.cdxj.append(cdxj_line(record, self._name, offset, self._file.tell() - offset))
        return Written(self._name, offset, kind, digest, captured)

    def _request_record(self, exchange: Exchange, date: str):
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = list(exchange.request_headers)
        if not any(k.lower() == "host" for k, _ in headers):
            headers.insert(0, ("Host", parts.netloc))
        http_headers = StatusAndHeaders(f"{exchange.method} {target} HTTP/1.1", headers, is_http_request=True)
        return self._writer.create_warc_record(
            exchange.url, "request", http_headers=http_headers, warc_headers_dict={"WARC-Date": date}
        )

    def close(self) -> None:
        """Close the current file."""
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None


def cdxj_line(record, filename: str, offset: int, length: int) -> str:
    """The CDXJ line of a written response or revisit record, as cdxj-indexer would write it."""
    import surt

    url = record.rec_headers.get_header("WARC-Target-URI")
    fields = {"url": url}
    if record.rec_type == "revisit":
        fields["mime"] = "warc/revisit"
    else:
        mime = record.http_headers.get_header("Content-Type")
        if mime is not None:
            fields["mime"] = _MIME_END.split(mime, 1)[0].strip()
    fields["status"] = record.http_headers.get_statuscode()
    digest = record.rec_headers.get_header("WARC-Payload-Digest")  # none on a 304's revisit
    if digest is not None:
        fields["digest"] = digest
    fields.update(length=str(length), offset=str(offset), filename=filename)
    timestamp = iso_date_to_timestamp(record.rec_headers.get_header("WARC-Date"))
    return f"{surt.surt(url)} {timestamp} {json.dumps(fields)}\n"


_MIME_END = re.compile(r"[;\s]")
_FILENAME = re.compile(r'"filename": "([^"]+)"')


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass
class StoredResponse:
    """A response read back from the WARC files."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes  # content-decoded (gzip, deflate), as a browser would read it
    date: str
    warc_file: str
    warc_offset: int


def warc_files(folder: str | Path) -> list[Path]:
    """The WARC files of a folder, oldest first."""
    return sorted(Path(folder).glob("*.warc.gz"))


@dataclass(frozen=True)
class WarcSource:
    """One WARC file to read: in a folder, or inside a WACZ package."""

    name: str
    size: int
    open: Callable[[ExitStack], BinaryIO]  # opens it, closed with the stack


def warc_sources(path: str | Path) -> list[WarcSource]:
    """The WARC files of a folder, or those a WACZ package (`.wacz`) holds, oldest first.

    A WACZ is a ZIP whose `archive/` holds the crawl's WARC files: a researcher given only
    the package reads the same captures as from the folder.
    """
    path = Path(path)
    if not (path.is_file() and path.suffix.lower() == ".wacz"):
        return [WarcSource(file.name, file.stat().st_size, lambda stack, file=file: stack.enter_context(open(file, "rb")))
                for file in warc_files(path)]  # fmt: skip
    try:
        with zipfile.ZipFile(path) as package:
            members = sorted((info for info in package.infolist()
                              if info.filename.startswith("archive/") and info.filename.endswith((".warc.gz", ".warc"))),
                             key=lambda info: info.filename)  # fmt: skip
    except (zipfile.BadZipFile, OSError):
        return []

    def opener(member: str) -> Callable[[ExitStack], BinaryIO]:
        def open_member(stack: ExitStack) -> BinaryIO:
            return stack.enter_context(stack.enter_context(zipfile.ZipFile(path)).open(member))

        return open_member

    return [WarcSource(PurePosixPath(m.filename).name, m.file_size, opener(m.filename)) for m in members]


def iter_responses(source: str | Path, on_error=None) -> Iterator[StoredResponse]:
    """Every response record of a folder's WARC files (or a WACZ package's), in the order they were written.

    A file cut short (a crash while writing) ends early; `on_error(file, message)` hears of it.
    """
    for warc in warc_sources(source):
        path = PurePosixPath(warc.name)
        try:
            with ExitStack() as stack:
                stream = warc.open(stack)
                records = ArchiveIterator(stream)
                for record in records:
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    body = record.content_stream().read()
                    yield StoredResponse(
                        url=record.rec_headers.get_header("WARC-Target-URI"),
                        status=int(record.http_headers.get_statuscode() or 0),
                        headers={k: v for k, v in record.http_headers.headers},
                        body=body,
                        date=record.rec_headers.get_header("WARC-Date"),
                        warc_file=path.name,
                        warc_offset=records.get_record_offset(),
                    )
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
            if on_error:
                on_error(path.name, " ".join(str(error).split()) or type(error).__name__)


def index(folder: str | Path, lines: list[str] | None = None) -> Path | None:
    """Keep `index.cdxj` of the folder's WARC files sorted and complete (for pywb); None if there are none.

    `lines` are a writer's own index lines (`WarcWriter.cdxj`), merged in as they are.
    Any WARC file the index and `lines` do not name yet (every file, the first time) is
    read with cdxj-indexer: a re-crawl months later does not re-read the captures before it.
    """
    folder = Path(folder)
    target = folder / INDEX_NAME
    known: set[str] = set()
    if target.exists():
        with open(target, encoding="utf-8") as existing:
            known = {match.group(1) for line in existing if (match := _FILENAME.search(line))}
    fresh = sorted(lines or ())
    known.update(match.group(1) for line in fresh if (match := _FILENAME.search(line)))
    unread = [str(path) for path in warc_files(folder) if path.name not in known]
    if unread:
        from cdxj_indexer.main import CDXJIndexer  # a tenth of a second to import, seldom needed

        read = io.StringIO()
        CDXJIndexer(output=read, inputs=unread, sort=True, dir_root=str(folder), records=INDEXED_RECORDS).process_all()
        fresh = list(heapq.merge(fresh, read.getvalue().splitlines(keepends=True)))
    if not fresh:
        return target if target.exists() else None
    temporary = target.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8") as output:
        if target.exists():
            with open(target, encoding="utf-8") as existing:
                output.writelines(heapq.merge(existing, fresh))
        else:
            output.writelines(fresh)
    os.replace(temporary, target)
    return target
