"""What the spider hands to the archive: one record per fetched URL, one per article."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageRecord:
    """One fetched (or failed) URL, as a row of `pages`."""

    url: str
    fetched: str
    status: int | None = None
    content_type: str | None = None
    page_type: str = "error"  # article | listing | page | document | attachment | redirect | error
    error: str | None = None
    redirect_to: str | None = None
    redirected_from: str | None = None
    canonical_url: str | None = None
    size: int | None = None


@dataclass
class ArticleRecord:
    """One article as `crawler.extract.extract_article` returned it, with its fetch time."""

    article: dict = field(default_factory=dict)
    fetched: str = ""
