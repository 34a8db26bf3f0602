"""What the spider hands to the archive: one Capture per response (or failure)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageRecord:
    """One fetched (or failed) URL, as a row of `pages`."""

    url: str
    fetched: str
    status: int | None = None
    content_type: str | None = None
    # article | listing | page | document | attachment | redirect | skipped | error
    page_type: str = "error"
    error: str | None = None
    redirect_to: str | None = None
    redirected_from: str | None = None
    canonical_url: str | None = None
    extraction_method: str | None = None  # profile | generic: which extractor found its article
    extraction_note: str | None = None  # why a page that looked like an article gave none
    size: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    # Where the WARC record of this fetch is; see crawler.archive.warc.
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_type: str | None = None  # response | revisit
    payload_digest: str | None = None
    captured: str | None = None  # when the payload with this digest was first archived


@dataclass
class Capture:
    """Everything one response adds to the archive, saved in one transaction.

    `requested` are the URLs the crawl requests because of this page: the crawl's
    frontier, kept in the archive so that an interrupted crawl can resume.
    """

    page: PageRecord
    article: dict | None = None
    document: dict | None = None  # a document page's particulars: a row of `documents`
    attachment: dict | None = None  # a row of attachment_files
    # An attached file's bytes: the pipeline's writer thread reads them into `attachment`
    # (crawler.extraction.attachments.file_record), since a PDF's text takes a while to read.
    file: bytes | None = None
    requested: list[str] = field(default_factory=list)
