"""The built replica: `Replica`, every URL of the site and the ground truth behind its pages.

`ReplicaArticle` is one article's ground truth: what a correct extraction of its page
yields. `Replica.revise`, `remove` and `add_articles` change a built site the way its
editors do, through the builder that made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from crawler.replica.resources import Resource
from crawler.replica.site import HTML_UTF8, TRACKING_PARAM

if TYPE_CHECKING:
    from crawler.replica.builder import _Builder


@dataclass
class ReplicaArticle:
    """Ground truth of one article: what a correct extraction of its page yields."""

    path: str
    site_id: int
    title: str
    published: str
    published_raw: str
    breadcrumb: list[str]  # [] where the markup shows none
    category: str | None  # the breadcrumb's last item; None without a breadcrumb
    paragraphs: list[str]
    images: list[dict]
    attachments: list[dict]  # url, name, kind (pdf, docx…), text_contains (a phrase only in that file, or None)
    related: list[str]
    body_links: list[str]
    variant: str  # utf-8 | windows-1258 | nfd | word | plain
    # Every reference to a document, one per mention: field (title, body_text, attachment_text), number, date.
    legal_refs: list[dict] = field(default_factory=list)
    # The written citations behind them: field, text (as extracted text reads it), html (as the page's source
    # writes it), forms, refs, and url for a citation in an attached file.
    citations: list[dict] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        """The expected body text: paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass
class Replica:
    """Every URL of the replica site and the ground truth behind its pages."""

    resources: dict[str, Resource]
    articles: list[ReplicaArticle]
    listings: list[str]
    documents: list[str]
    static_pages: list[str]
    redirects: dict[str, str]
    dead_links: list[str]
    not_found: Resource = field(default_factory=lambda: Resource(404, {"Content-Type": HTML_UTF8}, b""))
    # Every served attachment or document file: path -> {"kind", "text_contains"}.
    files: dict[str, dict] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)  # articles taken down by `remove`, now 404
    markup: str = "snapshot"  # the template its pages are written in: one of MARKUPS
    # Document page path -> its particulars as a parser must read them (see `_document_truth`).
    document_truth: dict[str, dict] = field(default_factory=dict)
    _builder: Any = field(default=None, repr=False, compare=False)

    def get(self, path_and_query: str, base: str | None = None) -> Resource:
        """The resource for a request path; unknown paths give the 404 page.

        Like the real server, tracking parameters (`utm_*`, `fbclid`, `zarsrc`) are ignored
        and a fragment never matters. With `base`, `__BASE__` is replaced by it.
        """
        resource = self._lookup(path_and_query.split("#", 1)[0] or "/")
        return resource if base is None else resource.with_base(base)

    def _lookup(self, path_and_query: str) -> Resource:
        found = self.resources.get(path_and_query)
        if found is not None:
            return found
        path, _, query = path_and_query.partition("?")
        if query:
            kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not TRACKING_PARAM.match(k)]
            found = self.resources.get(path + ("?" + urlencode(kept) if kept else ""))
            if found is not None:
                return found
        return self.not_found

    def article(self, path: str) -> ReplicaArticle:
        """The ground truth of the article at `path`."""
        for article in self.articles:
            if article.path == path:
                return article
        raise KeyError(path)

    # ---- changes after the build, for re-crawl tests and benchmarks

    def revise(self, paths: list[str], note: str = "Cập nhật") -> None:
        """Append a paragraph (`{note} (lần N): …`) to each article: new ETag, later Last-Modified.

        Only those article pages and their print views change (the listing summary is the
        first paragraph, so listings stay as they were); the ground truth follows.
        """
        builder = self._editor()
        drafts = [builder.live_draft(path) for path in dict.fromkeys(paths)]  # all known before any changes
        for draft in drafts:
            builder.bodies.revise_draft(draft, note)
        self._publish(builder)

    def remove(self, paths: list[str]) -> None:
        """Take these articles down: they and their print views answer 404 and leave every listing.

        Other articles' `Tin liên quan` keep linking them (the CMS stored those links), so a
        crawler meets them as dead links; the ground truth lists them in `removed`.
        """
        builder = self._editor()
        drafts = [builder.live_draft(path) for path in dict.fromkeys(paths)]
        if len(drafts) >= len(builder.live_drafts()):
            raise ValueError("cannot remove every article of the replica")
        builder.removed.update(d.path for d in drafts)
        self._publish(builder, dropped=[p for d in drafts for p in (d.path, d.path + "?print=1")])

    def add_articles(self, n: int) -> list[ReplicaArticle]:
        """Publish `n` new articles, newer than all others, with new ids: first on page 1 of their listings.

        Listings, the home page and the `Tin mới nhất` box of every page are re-rendered;
        returns the ground truth of the new articles.
        """
        builder = self._editor()
        added = builder.add_drafts(n)
        self._publish(builder)
        return [self.article(draft.path) for draft in added]

    def _editor(self) -> _Builder:
        if self._builder is None:
            raise RuntimeError("only a replica made by build_replica() can be changed")
        return self._builder

    def _publish(self, builder: _Builder, dropped: tuple[str, ...] | list[str] = ()) -> None:
        """Re-render the site into a new resource map, stamp what changed, then swap it in at once.

        A running server reads `resources` at each request: it sees the old site or the
        new one, never half of each.
        """
        previous = self.resources
        stale = set(dropped) | set(self.listings)  # listings are re-rendered; pages past the new last one go
        builder.resources = {path: r for path, r in previous.items() if path not in stale}
        builder.render()
        builder.files(builder.live_drafts(), builder.documents)
        builder.stamp(previous, when=builder.tick())
        self.listings = builder.listings
        self.static_pages = builder.static
        self.not_found = builder.not_found
        self.files = dict(builder.file_truth)
        self.removed = sorted(builder.removed)
        self.articles = builder.truths()
        self.resources = builder.resources
