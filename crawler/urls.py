"""URL rules: one address per page, and which addresses the crawl may follow."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

FOLLOWED_SCHEMES = ("http", "https")
# Query parameters that only track a visit; the same page without them is the same page.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|zarsrc|zalo_\w+|_ga|_gl|mc_cid|mc_eid|igshid|ref_src)$",
    re.IGNORECASE,
)
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".ppt", ".pptx", ".7z")
# Paths never worth requesting on any portal, whatever robots.txt says: searches, the
# admin and log-in pages (a site's profile may name more).
SKIP_PATHS = re.compile(r"^/(tim-kiem|timkiem|search|Admin|admin|Login|login|dang-nhap|dangnhap)(/|$|\?)")


def canonicalize_url(url: str, base: str | None = None) -> str | None:
    """Absolute URL without fragment or tracking parameters; None for non-web links.

    `javascript:`, `mailto:`, `tel:` and the like give None. The order of the
    remaining query parameters is kept: the site may care about it.
    """
    url = url.strip()
    try:
        if base:
            if url.startswith("/") and not url.startswith("//"):
                url = _origin(base) + url  # the common case, without urljoin's full parse
            else:
                url = urljoin(base, url)
        return _canonical_absolute(url)
    except ValueError:  # `http://[ccpa-preferences]`, a host with spaces: no address at all
        return None


@lru_cache(maxsize=256)
def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=65536)
def _canonical_absolute(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in FOLLOWED_SCHEMES or not parts.netloc:
        return None
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not TRACKING_PARAMS.match(k)]
        if len(kept) != len(pairs):  # rebuild only when needed: keep the site's own escaping
            query = urlencode(kept, doseq=True)
    path = parts.path or "/"
    # Percent-encoded as Scrapy sends it (w3lib), so a link written with spaces or
    # Vietnamese letters names the same row as the page fetched from it.
    return safe_url_string(urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, "")))


def url_path(url: str, base: str | None = None) -> str:
    """The path of `url` (joined to `base` first, if given); '' for an address that is no URL."""
    try:
        return urlsplit(urljoin(base, url) if base else url).path
    except ValueError:  # `http://[ccpa-preferences]` and the like
        return ""


def host_of(url: str) -> str:
    """The host name of `url`, lower-case, without port or a leading `www.`."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, start_url: str) -> bool:
    """Whether `url` is on the start URL's host (`www.` or not) and port."""
    return _site(url) == _site(start_url)


@lru_cache(maxsize=65536)
def _site(url: str) -> tuple[str, int | None]:
    try:
        return host_of(url), urlsplit(url).port
    except ValueError:  # a port that is no number
        return "", None


def is_attachment(url: str) -> bool:
    """Whether `url` names a downloadable file (PDF, Word, Excel, archive)."""
    return urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS)


def is_skipped(url: str, profile=None) -> bool:
    """Whether `url` is a search or admin page that a crawl never requests (`profile` may name more)."""
    parts = urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    return bool(SKIP_PATHS.match(path)) or (profile is not None and profile.skips(path))
