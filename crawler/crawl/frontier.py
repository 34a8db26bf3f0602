"""What a crawl requests: the rules of incremental re-crawls, as pure functions.

A first crawl fetches everything it finds. A later crawl of the same archive re-reads
the start page and the listings to find new articles, revalidates what it already has
with conditional requests once it is older than `refresh_after`, skips the rest, and
stops walking a listing's pagination at the first page that holds nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

# Page types that are re-read on every crawl: they are where new articles appear.
ALWAYS_REREAD = frozenset({"listing"})


@dataclass(frozen=True)
class Policy:
    """How one crawl treats pages the archive already holds."""

    crawl_id: int
    start_url: str
    refresh_after: timedelta = timedelta(days=30)
    full: bool = False  # walk every page of every listing, new or not


@dataclass(frozen=True)
class Decision:
    """Whether to request a URL, and with which conditional headers."""

    fetch: bool
    headers: dict


SKIP = Decision(False, {})


def decide(url: str, known: dict | None, policy: Policy, now: datetime) -> Decision:
    """Request `url`? `known` is its row of `pages` from earlier crawls, or None."""
    if known is None:
        return Decision(True, {})
    if known.get("crawl_id") == policy.crawl_id:
        return SKIP  # already fetched by this very crawl (a resumed one)
    if url == policy.start_url or known.get("page_type") in ALWAYS_REREAD:
        # Read in full, never conditionally: a 304 would leave no links to find news by.
        return Decision(True, {})
    if not is_due(known, policy, now):
        return SKIP
    return Decision(True, conditional_headers(known))


def is_due(known: dict, policy: Policy, now: datetime) -> bool:
    """Whether a page fetched before is older than the refresh window."""
    fetched = known.get("fetched")
    if not fetched:
        return True
    try:
        return now - datetime.fromisoformat(fetched) >= policy.refresh_after
    except (TypeError, ValueError):
        return True


def conditional_headers(known: dict) -> dict:
    """`If-None-Match` / `If-Modified-Since` from the validators the server sent last time."""
    if known.get("status") != 200 and known.get("status") != 304:
        return {}
    headers = {}
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    return headers


def is_pagination_of(url: str, listing_url: str) -> bool:
    """Whether `url` is another page of the listing at `listing_url` (same path, other query)."""
    a, b = urlsplit(url), urlsplit(listing_url)
    return a.netloc == b.netloc and a.path == b.path and a.query != b.query


def links_to_follow(listing_url: str, links: list[str], known: dict, policy: Policy) -> list[str]:
    """A listing's links, without its other pages once it holds nothing the archive lacks."""
    if policy.full or any(link not in known for link in links):
        return links
    return [link for link in links if not is_pagination_of(link, listing_url)]


# Traps: a site can generate endless addresses (a calendar, a pager that never ends).
# Listings may have many pages; any other path has few legitimate query variants.
LISTING_PAGES_MAX = 2000
QUERY_VARIANTS_MAX = 25


class TrapGuard:
    """Bounds what one path can cost a crawl, and spots a pager that repeats itself."""

    def __init__(self, listing_pages_max: int = LISTING_PAGES_MAX, query_variants_max: int = QUERY_VARIANTS_MAX) -> None:
        self.listing_pages_max = listing_pages_max
        self.query_variants_max = query_variants_max
        self._variants: dict[str, set[str]] = {}
        self._listing_contents: dict[tuple[str, str], str] = {}

    def allows(self, url: str, referrer: str, referrer_is_listing: bool) -> bool:
        """Whether one more query variant of `url`'s path is still within bounds."""
        parts = urlsplit(url)
        if not parts.query:
            return True
        key = f"{parts.netloc}{parts.path}"
        variants = self._variants.setdefault(key, set())
        if parts.query in variants:
            return True
        paging = referrer_is_listing and is_pagination_of(url, referrer)
        if len(variants) >= (self.listing_pages_max if paging else self.query_variants_max):
            return False
        variants.add(parts.query)
        return True

    def repeats(self, listing_url: str, links: list[str]) -> str | None:
        """The earlier page of the same listing with exactly these items, if any."""
        path = urlsplit(listing_url).path
        # The pager's links (this page's own among them) differ from page to page: leave them out.
        items = sorted(link for link in links if urlsplit(link).path != path)
        key = (path, "\n".join(items))
        first = self._listing_contents.setdefault(key, listing_url)
        return first if first != listing_url else None
