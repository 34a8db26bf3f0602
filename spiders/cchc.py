"""The `cchc` spider: walks cchc.laichau.gov.vn and hands every page to the archive.

Thin wiring: what a page is and what it holds comes from `crawler.extract`; which links
are followed, from `crawler.urls`; saving, from the pipeline.
"""

from __future__ import annotations

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler import site
from crawler.dates import now
from crawler.extract import ParseError, extract_page
from crawler.items import ArticleRecord, PageRecord
from crawler.urls import canonicalize_url, host_of, is_attachment, is_skipped, same_site

HTML_TYPES = ("text/html", "application/xhtml+xml")


class CchcSpider(scrapy.Spider):
    """Crawl every page of the portal reachable from the start URL, on its host only."""

    name = "cchc"

    def __init__(self, start_url: str | None = None, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start_url = canonicalize_url(start_url or site.HOME_URL)
        if not self.start_url:
            raise ValueError(f"not an http(s) URL: {start_url}")
        self.allowed_domains = [host_of(self.start_url)]
        self.stored_articles: set[str] = set()

    async def start(self):
        """Begin at the start URL (robots.txt is fetched first by Scrapy)."""
        yield self._request(self.start_url)

    def start_requests(self):  # Scrapy < 2.13
        """Begin at the start URL."""
        yield self._request(self.start_url)

    def _request(self, url: str, **meta) -> scrapy.Request:
        # Redirects are handled here, not by Scrapy's middleware, so that every hop gets
        # its row in `pages` even when its target was already crawled.
        return scrapy.Request(url, callback=self.parse, errback=self.failed, meta={"dont_redirect": True, **meta})

    def parse(self, response):
        """Record the page, its article if it has one, and follow its links on the site."""
        fetched = now()
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        page = PageRecord(
            url=response.url,
            fetched=fetched,
            status=response.status,
            content_type=content_type,
            size=len(response.body),
            redirected_from=response.meta.get("redirected_from"),
        )
        alias = response.meta.get("alias_of")
        if 300 <= response.status < 400 and response.headers.get("Location"):
            yield from self._redirect(response, page, alias)
            return
        if response.status >= 400:
            page.page_type, page.error = "error", f"HTTP {response.status}"
            yield page
            yield from self._store_alias(alias, fetched)
            return
        if not isinstance(response, TextResponse) or not _is_html(content_type, response):
            page.page_type = "attachment"
            yield page
            return
        try:
            info = extract_page(response.text, response.url)
        except (ParseError, ValueError) as error:
            page.page_type, page.error = "error", f"unparseable page: {error}"
            yield page
            return
        page.page_type, page.canonical_url = info.page_type, info.canonical_url
        yield page

        article = info.article
        if article is not None:
            canonical = info.canonical_url
            if canonical and canonical != response.url and same_site(canonical, self.start_url):
                # A print view or another alias: the article belongs to its canonical
                # address, fetched in its own right; this copy stands in if that fails.
                article["url"] = canonical
                if canonical not in self.stored_articles:
                    yield self._request(canonical, alias_of=ArticleRecord(article, fetched))
            else:
                self.stored_articles.add(article["url"])
                yield ArticleRecord(article, fetched)
        elif alias is not None:
            yield from self._store_alias(alias, fetched)

        for url in info.links:
            if self._follows(url):
                yield self._request(url)

    def failed(self, failure):
        """Record a request that got no response at all (timeout, refused, DNS…)."""
        if failure.check(IgnoreRequest):
            return  # robots.txt or the offsite rule: deliberately not fetched
        request = failure.request
        error = failure.value
        message = f"{type(error).__name__}: {error}".splitlines()[0][:500]
        yield PageRecord(url=request.url, fetched=now(), page_type="error", error=message)
        yield from self._store_alias(request.meta.get("alias_of"), now())

    def _redirect(self, response, page: PageRecord, alias: ArticleRecord | None):
        location = response.headers["Location"].decode("latin-1")
        page.page_type = "redirect"
        page.redirect_to = canonicalize_url(location, response.url)
        if page.redirect_to is None:
            page.error = f"redirect to an unusable address: {location[:200]}"
        elif not same_site(page.redirect_to, self.start_url):
            page.error = "redirect off the site, not followed"
        yield page
        if page.redirect_to and self._follows(page.redirect_to):
            # A loop ends by itself: Scrapy's duplicate filter drops an address seen before.
            meta = {"redirected_from": page.redirected_from or response.url}
            if alias is not None:
                meta["alias_of"] = alias
            yield self._request(page.redirect_to, **meta)

    def _store_alias(self, alias: ArticleRecord | None, fetched: str):
        if alias is not None and alias.article["url"] not in self.stored_articles:
            self.stored_articles.add(alias.article["url"])
            yield alias

    def _follows(self, url: str) -> bool:
        return same_site(url, self.start_url) and not is_attachment(url) and not is_skipped(url)


def _is_html(content_type: str | None, response) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower() in HTML_TYPES
    return response.body.lstrip()[:1] == b"<"
