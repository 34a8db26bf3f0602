"""What an extractor found on an article page, before it becomes the article's fields."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArticleParts:
    """The elements and values one extractor (the profile's or the generic one) chose."""

    method: str  # profile | generic
    title: str
    body_el: object
    title_el: object = None
    date_el: object = None  # the element the date was read from, if it was read from one
    published_raw: str | None = None
    published: str | None = None
    date_source: str | None = None  # visible | time | itemprop | json-ld | meta | url (the generic path)
    skip: frozenset = frozenset()  # elements inside the body that are not its text
    breadcrumb_el: object = None
    breadcrumb: list[str] | None = None  # items read elsewhere (JSON-LD), when no element holds them
    attachments_el: object = None
    related_el: object = None
    latest_el: object = None
    warnings: list[str] = field(default_factory=list)
