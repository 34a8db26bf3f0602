"""Re-extraction: rebuild articles, documents, links, images, attachments and legal references from the WARC captures.

No network: every page is read back from what the server sent, so a better extractor
can be run over old captures. The same rules as the spider apply: an alias (a print
view) stands in for its canonical article only when that article has no capture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from crawler.extraction.attachments import file_record
from crawler.dates import VIETNAM
from crawler.extraction.extract import ParseError, extract_page, is_html
from crawler.extraction.profile import Profile
from crawler.archive.storage import Archive
from crawler.archive.warc import StoredResponse, iter_responses, warc_sources

@dataclass
class ReparseReport:
    """What a reparse read and rebuilt."""

    responses: int = 0
    articles: int = 0
    documents: int = 0
    attachments: int = 0
    errors: list[str] = field(default_factory=list)


def reparse(archive: Archive, warc_dir: str | Path, progress: Callable[[int], None] | None = None,
            profile: Profile | None = None) -> ReparseReport:  # fmt: skip
    """Extract every captured response again into `archive` (with `profile`, or the shipped one).

    `warc_dir` is a folder of WARC files or a WACZ package; the archive may be new: the
    captures alone rebuild its articles, documents, attachments and references.
    `progress(bytes)` follows the reading.
    """
    report = ReparseReport()
    sizes = {source.name: source.size for source in warc_sources(warc_dir)}
    done_before = {name: sum(size for other, size in sizes.items() if other < name) for name in sizes}
    aliases: dict[str, tuple[dict, str]] = {}
    stored: set[str] = set()
    for response in iter_responses(warc_dir, on_error=lambda name, error: report.errors.append(f"{name}: {error}")):
        report.responses += 1
        if progress:
            progress(done_before[response.warc_file] + response.warc_offset)
        if response.status != 200 or urlsplit(response.url).path == "/robots.txt":
            continue  # robots.txt is captured for the record, but it is no page of the site
        fetched = _local(response.date)
        content_type = _header(response, "Content-Type")
        if (content_type or "").lower().startswith("image/"):
            continue  # an image of an article: kept in the captures, no attachment
        if not is_html(content_type, response.body):
            archive.save_attachment_file(file_record(response.url, response.body, content_type, fetched, response.status))
            report.attachments += 1
            continue
        try:
            page = extract_page(response.body, response.url, content_type=content_type, profile=profile)
        except (ParseError, ValueError) as error:
            report.errors.append(f"{response.url}: unparseable page: {error}")
            continue
        if page.page_type == "document" and page.document:
            archive.save_document(page.document, fetched)
            report.documents += 1
        if page.page_type != "article":
            continue
        article = page.article
        if page.canonical_url and page.canonical_url != response.url:
            article["url"] = page.canonical_url
            aliases.setdefault(page.canonical_url, (article, fetched))
            continue
        archive.save_article(article, fetched)
        stored.add(article["url"])
        report.articles += 1
    for url, (article, fetched) in aliases.items():
        if url not in stored:
            archive.save_article(article, fetched)
            report.articles += 1
    if progress:
        progress(sum(sizes.values()))
    return report


def _local(date: str) -> str:
    """A WARC-Date (UTC) as the archive writes times: +07:00, to the second."""
    moment = datetime.fromisoformat(date.replace("Z", "+00:00"))
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def _header(response: StoredResponse, name: str) -> str | None:
    for key, value in response.headers.items():
        if key.lower() == name.lower():
            return value
    return None
