"""`_Markup`, the template every markup fills, and the helpers the markups share.

The base class holds the ground truth of an article page, which depends on the markup
only through `published`, `breadcrumb` and `paragraphs`; the helpers write what most
portals write alike: days, pager links, the menu, the lead paragraph, JSON-LD.
"""

from __future__ import annotations

import json
from datetime import datetime

from crawler.replica.attachments import _article_citations, _legal_refs
from crawler.replica.drafts import _Block, _Draft
from crawler.replica.model import ReplicaArticle
from crawler.replica.site import HOME_TITLE, SECTIONS

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")  # Monday first


def _day(moment: datetime) -> str:
    """`24/09/2021`: the date alone, as the boxes of most portals print it."""
    return f"{moment:%d/%m/%Y}"


def _page_href(base: str, number: int) -> str:
    """The URL of page `number` of the listing at `base`: the first page has no query."""
    return base if number == 1 else f"{base}?page={number}"


def _page_numbers(page: int, pages: int) -> range:
    """The (up to) ten page numbers a pager shows around `page`."""
    first = max(1, min(page - 4, pages - 9))
    return range(first, min(pages, first + 9) + 1)


def _menu() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The menu, from `SECTIONS`: (href, name, subsections) for Giới thiệu and each top section."""
    entries = [("/gioi-thieu", "Giới thiệu", [])]
    for key, trail in SECTIONS.items():
        if "/" not in key:
            children = [sub[-1] for k, sub in SECTIONS.items() if k.startswith(key + "/")]
            entries.append((*trail[-1], children))
    return entries


def _lead(draft: _Draft) -> _Block | None:
    """The block of the article's first text paragraph (captions aside), if it is a plain paragraph.

    None when the first text is pasted HTML (a Word body keeps its own bold first paragraph).
    """
    first = next((b for b in draft.blocks if b.texts and b.kind != "image"), None)
    return first if first is not None and first.kind == "paragraph" else None


def _json_ld(data: dict, css_class: str = "") -> str:
    """A JSON-LD `<script>`: non-ASCII escaped as PHP's json_encode does, so any page charset carries it."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
    attribute = f' class="{css_class}"' if css_class else ""
    return f'<script type="application/ld+json"{attribute}>{text}</script>'


class _Markup:
    """A site template: how the replica's content is written into pages, and what they then say.

    Subclasses write pages; this base class holds the ground truth, which depends on the
    markup only through `published`, `breadcrumb` and `paragraphs`.
    """

    name = ""
    title_suffix = ""  # after a page's title in <title>; the home page's title stands alone

    def full_title(self, title: str) -> str:
        return title if title == HOME_TITLE else title + self.title_suffix

    # ---- ground truth

    def truth(self, draft: _Draft) -> ReplicaArticle:
        """What a correct extraction of the draft's page in this markup yields."""
        published, published_raw = self.published(draft)
        breadcrumb = self.breadcrumb(draft)
        citations = _article_citations(draft)
        return ReplicaArticle(
            path=draft.path,
            site_id=draft.site_id,
            title=draft.title,
            published=published,
            published_raw=published_raw,
            breadcrumb=breadcrumb,
            category=breadcrumb[-1] if breadcrumb else None,
            paragraphs=self.paragraphs(draft),
            images=[dict(image) for image in draft.images],
            attachments=[dict(a) for a in draft.attachments],
            related=[r.path for r in draft.related],
            body_links=list(draft.body_links),
            variant=draft.variant,
            legal_refs=_legal_refs(citations),
            citations=citations,
        )

    def published(self, draft: _Draft) -> tuple[str, str]:
        """(ISO 8601 in +07:00 of what the page states, the date as the page prints it)."""
        return draft.published.isoformat(), draft.date_raw

    def breadcrumb(self, draft: _Draft) -> list[str]:
        return ["Trang chủ"] + [name for _, name in SECTIONS[draft.category]]

    def paragraphs(self, draft: _Draft) -> list[str]:
        return list(draft.paragraphs)

    # ---- pages: every method returns HTML text

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        """The whole page: `main` in the site's shell, `latest` in its latest-news box, `head` in <head>."""
        raise NotImplementedError

    def latest(self, drafts: list[_Draft]) -> str:
        """The items of the latest-news box."""
        raise NotImplementedError

    def body(self, draft: _Draft) -> str:
        """The article's body, as its page and print view show it."""
        raise NotImplementedError

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        """The article page's main column and what it adds to <head>."""
        raise NotImplementedError

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        """`?print=1`: a page of its own that names the article as canonical."""
        raise NotImplementedError

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        raise NotImplementedError

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        raise NotImplementedError

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        """A document's page: its particulars as (label, HTML value) rows."""
        raise NotImplementedError

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        """The home page: a featured article, then (section key, name, newest articles) boxes."""
        raise NotImplementedError

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        """A page without a date: a heading and paragraphs of inline HTML."""
        raise NotImplementedError

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        raise NotImplementedError

    def search(self) -> str:
        raise NotImplementedError

    def not_found(self) -> str:
        raise NotImplementedError
