"""The `cchc` spider: walks cchc.laichau.gov.vn and hands every response to the archive.

Thin wiring: what a page is and holds comes from `crawler.extraction.extract`, which links are
followed from `crawler.urls`, what a re-crawl requests from `crawler.crawl.frontier`; the
pipeline reads the text of attached files (`crawler.extraction.attachments`) and saves each Capture.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler.dates import VIETNAM, now
from crawler.settings import user_agent
from crawler.extraction.extract import ParseError, extract_page, is_html
from crawler.extraction.profile import load_profile
from crawler.crawl.frontier import Policy, TrapGuard, conditional_headers, decide, is_pagination_of, links_to_follow
from crawler.crawl.items import Capture, PageRecord
from crawler.text import error_line
from crawler.archive.storage import Archive
from crawler.urls import canonicalize_url, host_of, is_attachment, is_skipped, same_site


class CchcSpider(scrapy.Spider):
    """Crawl every page of the portal reachable from the start URL, on its host only.

    Arguments (`-a name=value`): `start_url`; `profile`: a site profile file (TOML,
    default: the shipped profile of cchc.laichau.gov.vn); `refresh_after` (days,
    default 30): pages archived more recently are not requested again; `full` (1): walk
    every page of every listing even when it holds nothing new.

    The images of article bodies on the crawl's host are fetched too (the setting
    `FETCH_IMAGES`, on by default), so the archive can show an article without the site.
    """

    name = "cchc"

    @classmethod
    def update_settings(cls, settings) -> None:
        """Name the CONTACT setting in the User-Agent, unless a User-Agent of its own was given."""
        super().update_settings(settings)
        contact = settings.get("CONTACT")
        if contact and settings.getpriority("USER_AGENT") < settings.getpriority("CONTACT"):
            settings.set("USER_AGENT", user_agent(contact), priority=settings.getpriority("CONTACT"))

    def __init__(self, start_url: str | None = None, refresh_after: str | float = 30, full: str | bool = False,
                 profile: str | None = None, *args, **kwargs) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.profile = load_profile(profile or None)
        self.start_url = canonicalize_url(start_url or self.profile.home or "")
        if not self.start_url:
            raise ValueError(f"not an http(s) URL: {start_url}")
        self.allowed_domains = [host_of(self.start_url)]
        self.refresh_after = timedelta(days=float(refresh_after))
        self.full = str(full).lower() in ("1", "true", "yes")
        self.fetch_images = True  # the FETCH_IMAGES setting, read once the crawler is known (start_requests)
        # Images an interrupted crawl asked for: the frontier keeps addresses only, the images table tells.
        self.pending_images: set[str] = set()
        self.known: dict[str, dict] = {}
        self.stored_articles: set[str] = set()
        self.policy: Policy | None = None
        self.traps = TrapGuard()
        # Every URL requested by this crawl: a link seen again is dropped here, before
        # Scrapy builds, schedules and filters a request for it (most links are repeats).
        self.requested: set[str] = set()
        # An article's canonical address that gave no article (an error, a failure), and the
        # copies from print views waiting for an answer from theirs: one of them stands in.
        self.without_article: set[str] = set()
        self.standins: dict[str, dict] = {}

    async def start(self):
        """The start URL, what an interrupted crawl left, and known pages due for revalidation."""
        if not self.settings.get("CONTACT") and "contact:" not in (self.settings.get("USER_AGENT") or ""):
            self.logger.warning("The User-Agent names no contact: add one with --contact EMAIL (or -s CONTACT=…, "
                                "or CCHC_CONTACT=…) so the site's administrators can reach you")  # fmt: skip
        for request in self.start_requests():
            yield request

    def start_requests(self):
        """Plan the crawl from what the archive already holds."""
        crawl_id = self.crawler.stats.get_value("archive/crawl_id")
        with Archive(self.settings.get("ARCHIVE_DB", "archive.db")) as archive:
            self.known = archive.known_pages()
            pending = archive.pending(crawl_id) if crawl_id else []
            self.pending_images = _images_among(archive, pending)
        self.policy = Policy(crawl_id=crawl_id, start_url=self.start_url, refresh_after=self.refresh_after, full=self.full)
        self.fetch_images = self.settings.getbool("FETCH_IMAGES", True)
        if not self.fetch_images:
            pending = [url for url in pending if url not in self.pending_images]
        moment = datetime.now(VIETNAM)
        seeds = [self.start_url, *pending]
        pending = set(pending)
        # Known pages whose copy is older than the refresh window are revalidated even
        # if no page links to them any more; a removed article shows up this way.
        # (Listings are not seeded: they are re-read from the start page, as far as they hold news.)
        seeds += [url for url, page in self.known.items()
                  if page.get("page_type") not in ("listing", "redirect", "skipped") and self._follows(url)
                  and (page.get("page_type") != "image" or self.fetch_images)]  # fmt: skip
        planned: list[tuple[str, dict | None]] = []  # (url, headers)
        for url in dict.fromkeys(seeds):
            known = self.known.get(url)
            if url in pending:  # requested before the interruption: decided already
                planned.append((url, conditional_headers(known or {})))
                continue
            decision = decide(url, known, self.policy, moment)
            if decision.fetch:
                planned.append((url, decision.headers))
        if self.known or pending:
            # A re-crawl or a resumed crawl knows what it is to fetch: its progress estimates the time left.
            self.crawler.stats.set_value("archive/planned", len(planned))
        for url, headers in planned:
            yield self._request(url, headers=headers)

    def _request(self, url: str, headers: dict | None = None, **meta) -> scrapy.Request:
        self.requested.add(url)
        # Redirects are handled here, not by Scrapy's middleware, so that every hop gets
        # its row in `pages` even when its target was already crawled.
        meta = {"dont_redirect": True, "handle_httpstatus_all": True, **meta}
        if url in self.pending_images or (self.known.get(url) or {}).get("page_type") == "image":
            meta["image"] = True  # asked for again as what it is, not read as an attachment
        if is_attachment(url):
            meta["download_maxsize"] = self.settings.getint("ATTACHMENT_MAX_BYTES")
        return scrapy.Request(url, headers=headers, callback=self.parse, errback=self.failed, meta=meta)

    def parse(self, response):
        """Record the response, its article or attached file, and follow its links on the site."""
        page = self._page(response)
        alias = response.meta.get("alias_of")
        if 300 <= response.status < 400 and response.status != 304 and response.headers.get("Location"):
            capture, request = self._redirect(response, page, alias)
            if request is not None:
                yield request
            yield capture
            return
        if response.status == 304:
            known = self.known.get(response.url) or {}
            page.page_type = known.get("page_type") or "page"
            page.etag = page.etag or known.get("etag")
            page.last_modified = page.last_modified or known.get("last_modified")
            yield Capture(page)
            return
        if response.status >= 400:
            page.page_type, page.error = "error", f"HTTP {response.status}"
            yield Capture(page, article=self._alias_article(response.url, alias))
            return
        if response.meta.get("image") and not is_html(page.content_type, response.body):
            # Kept for the archive to show (its bytes are in the WARC record); no text to read.
            page.page_type = "image"
            yield Capture(page)
            return
        if not is_html(page.content_type, response.body):
            page.page_type = "attachment"
            # Its text is read by the archive's writer, off the crawl's thread.
            yield Capture(page, file=response.body)
            return
        try:
            # Scrapy decoded a declared HTML page already; anything else is decoded from bytes.
            html = response.text if isinstance(response, TextResponse) else response.body
            info = extract_page(html, response.url, content_type=page.content_type, profile=self.profile)
        except (ParseError, ValueError) as error:
            page.page_type, page.error = "error", f"unparseable page: {error}"
            yield Capture(page, article=self._alias_article(response.url, alias))
            return
        page.page_type, page.canonical_url = info.page_type, info.canonical_url
        page.extraction_method, page.extraction_note = info.extraction_method, info.note
        capture = Capture(page)
        wanted: list[tuple[str, dict]] = []  # (url, meta) of the requests this page leads to
        canonical, article = info.canonical_url, None
        if info.page_type == "article":
            if canonical and canonical != response.url and same_site(canonical, self.start_url):
                # A print view or another alias: the article belongs to its canonical
                # address, fetched in its own right; this copy stands in if that fails.
                # (Its fields are only built when that address is not archived yet.)
                if canonical not in self.stored_articles:
                    article = dict(info.article, url=canonical)
                    if canonical in self.without_article:  # that address failed already
                        capture.article = self._alias_article(canonical, article)
                    elif canonical in self.requested:  # its answer is still to come
                        self.standins.setdefault(canonical, article)
                    else:
                        wanted.append((canonical, {"alias_of": article}))
            else:
                article = capture.article = info.article
                self.stored_articles.add(response.url)
                self.standins.pop(response.url, None)
        else:
            capture.article = self._alias_article(response.url, alias)
            if info.page_type == "document":
                capture.document = info.document
        if article is not None:
            wanted += [(attachment["url"], {}) for attachment in article["attachments"]]
            if self.fetch_images:
                # After the attachments: a file both attached and shown is read as an attachment.
                wanted += [(image["src"], {"image": True}) for image in article["images"]]
        # Files linked from any page are fetched (a document page's decree as much as an
        # article's attachment); the `attachments` table lists those of articles.
        links = [url for url in info.links if self._follows(url)]
        listing = info.page_type == "listing"
        if listing:
            links = links_to_follow(response.url, links, self.known, self.policy)
            repeated = self.traps.repeats(response.url, links)
            if repeated:
                # A pager that serves the same items under every page number: a trap.
                page.error = f"same items as {repeated}: pagination not followed"
                links = [url for url in links if not is_pagination_of(url, response.url)]
        wanted += [(url, {}) for url in links]
        moment = datetime.now(VIETNAM)
        url_limit = self.settings.getint("URLLENGTH_LIMIT", 2083)
        for url, meta in wanted:
            if url in self.requested or not self._follows(url):
                continue
            if len(url) > url_limit:
                self.requested.add(url)  # recorded once
                yield Capture(PageRecord(url=url, fetched=now(), page_type="skipped",
                                         error=f"URL longer than {url_limit} characters, not requested"))  # fmt: skip
                continue
            if not self.traps.allows(url, response.url, listing):
                self.requested.add(url)  # recorded once
                yield Capture(PageRecord(url=url, fetched=now(), page_type="skipped",
                                         error="too many query variants of one path: a crawler trap, not requested"))  # fmt: skip
                continue
            decision = decide(url, self.known.get(url), self.policy, moment)
            if decision.fetch:
                capture.requested.append(url)
                yield self._request(url, headers=decision.headers, **meta)
        yield capture

    def failed(self, failure):
        """Record a request that got no response at all (timeout, refused, too large…)."""
        request = failure.request
        if failure.check(IgnoreRequest):
            if "robots.txt" in str(failure.value).lower():
                page = PageRecord(url=request.url, fetched=now(), page_type="skipped", error="forbidden by robots.txt")
                yield Capture(page)
            return
        page = PageRecord(url=request.url, fetched=now(), page_type="error", error=error_line(failure.value))
        yield Capture(page, article=self._alias_article(request.url, request.meta.get("alias_of")))

    def _page(self, response) -> PageRecord:
        headers = response.headers
        warc = response.meta.get("warc")
        return PageRecord(
            url=response.url,
            fetched=now(),
            status=response.status,
            content_type=_header(headers, "Content-Type"),
            size=len(response.body),
            redirected_from=response.meta.get("redirected_from"),
            etag=_header(headers, "ETag"),
            last_modified=_header(headers, "Last-Modified"),
            warc_file=warc.warc_file if warc else None,
            warc_offset=warc.warc_offset if warc else None,
            warc_record_type=warc.warc_record_type if warc else None,
            payload_digest=warc.payload_digest if warc else None,
            captured=warc.captured if warc else None,
        )

    def _redirect(self, response, page: PageRecord, alias: dict | None) -> tuple[Capture, scrapy.Request | None]:
        location = response.headers["Location"].decode("latin-1")
        page.page_type = "redirect"
        page.redirect_to = canonicalize_url(location, response.url)
        capture, request = Capture(page), None
        if page.redirect_to is None:
            page.error = f"redirect to an unusable address: {location[:200]}"
        elif not same_site(page.redirect_to, self.start_url):
            page.error = "redirect off the site, not followed"
        elif page.redirect_to in response.meta.get("redirect_chain", ()) or page.redirect_to == response.url:
            page.error = f"redirect loop back to {page.redirect_to}"
        elif self._follows(page.redirect_to):
            meta = {"redirected_from": page.redirected_from or response.url,
                    "redirect_chain": [*response.meta.get("redirect_chain", ()), response.url]}  # fmt: skip
            if alias is not None:
                meta["alias_of"] = alias
            capture.requested.append(page.redirect_to)
            request = self._request(page.redirect_to, **meta)
        return capture, request

    def _alias_article(self, url: str, alias: dict | None) -> dict | None:
        """The article a print view (or other alias) gave for `url`, whose own page has none: once."""
        self.without_article.add(url)
        alias = alias or self.standins.pop(url, None)
        if alias is not None and alias["url"] not in self.stored_articles:
            self.stored_articles.add(alias["url"])
            return alias
        return None

    def _follows(self, url: str) -> bool:
        return same_site(url, self.start_url) and not is_skipped(url, self.profile)


def _images_among(archive: Archive, urls: list[str]) -> set[str]:
    """Which of `urls` are images of article bodies (the images table read once, when a crawl resumes).

    A file both shown and attached is an attachment, as `parse` requests it.
    """
    if not urls:
        return set()
    sql = "SELECT DISTINCT src FROM images WHERE src NOT IN (SELECT url FROM attachments)"
    return set(urls) & {src for (src,) in archive.db.execute(sql)}


def _header(headers, name: str) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None
