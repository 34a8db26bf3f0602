"""The generator: `build_replica` and `_Builder`, which makes a replica and later changes it.

`_Builder` plans the articles (`_Planning`), has their bodies written (`_BodyWriter`),
renders the pages (`_Pages`), serves the files and stamps every resource with its
validators; it stays with the `Replica` it made, for the editors' changes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler.replica.attachments import _article_file
from crawler.replica.bodies import _BodyWriter
from crawler.replica.documents import _document_entries, _document_file, _document_truth
from crawler.replica.drafts import _Draft, _nearest
from crawler.replica.files import FILE_EPOCH, _file_resource
from crawler.replica.markups import _MARKUP_CLASSES, MARKUPS
from crawler.replica.markups.base import _Markup
from crawler.replica.model import Replica, ReplicaArticle
from crawler.replica.pages import _Pages
from crawler.replica.planning import _Planning
from crawler.replica.resources import Resource, _stamped
from crawler.replica.site import (
    CATEGORIES,
    CODE_LABEL,
    FILE_KINDS,
    HTML_UTF8,
    MIN_ARTICLES,
    ROBOTS_TXT,
    STATIC_ASSETS,
    VIETNAM,
    _data_json,
)


class _Builder(_Planning, _Pages):
    """Builds one replica; all randomness comes from `seed`, so two builds are equal.

    The content does not depend on the markup: the same seed gives the same articles in
    every markup, and only the pages' HTML (and what it lets an extractor read) differs.
    """

    def __init__(self, n_articles: int, seed: int, markup: str = "snapshot") -> None:
        if n_articles < MIN_ARTICLES:
            raise ValueError(f"n_articles must be at least {MIN_ARTICLES}, got {n_articles}")
        if markup not in _MARKUP_CLASSES:
            raise ValueError(f"unknown markup {markup!r}: one of {', '.join(MARKUPS)}")
        self.n_articles = n_articles
        self.seed = seed
        self.markup: _Markup = _MARKUP_CLASSES[markup]()
        self.rng = random.Random(f"replica-{seed}")
        self.vocabulary = _data_json("vocabulary.json")
        self.resources: dict[str, Resource] = {}
        self.redirects: dict[str, str] = {}
        self.listings: list[str] = []
        self.dead_links: list[str] = ["/rss"]  # linked from every page's top links, never served
        self.all_drafts: list[_Draft] = []  # removed ones too: their ids and titles stay taken
        self.removed: set[str] = set()
        self.documents: list[dict] = []
        self.static: list[str] = []
        self.not_found = Resource(404, {"Content-Type": HTML_UTF8}, b"")
        self.latest_html = ""
        self.dates: dict[str, datetime] = {}  # Last-Modified at build, where it is not the newest article's date
        self.site_time = FILE_EPOCH  # the newest article's publication: when the site last changed
        self.clock = FILE_EPOCH  # the latest Last-Modified handed out
        self.file_truth: dict[str, dict] = {}
        self.bodies = _BodyWriter(seed, self.vocabulary)

    def build(self) -> Replica:
        """Generate every page of the site."""
        drafts = self.drafts()
        self.documents = _document_entries()
        self.bodies.write_bodies(drafts, self.documents)
        self.relate(drafts)
        self.all_drafts = drafts
        self.render()
        self.files(drafts, self.documents)
        self.resources["/robots.txt"] = Resource(200, {"Content-Type": "text/plain"}, ROBOTS_TXT)
        self.stamp(None, when=None)
        return Replica(
            resources=self.resources,
            articles=self.truths(),
            listings=self.listings,
            documents=[d["path"] for d in self.documents],
            static_pages=self.static,
            redirects=self.redirects,
            dead_links=self.dead_links,
            not_found=self.not_found,
            files=dict(self.file_truth),
            markup=self.markup.name,
            document_truth={d["path"]: _document_truth(d) for d in self.documents},
            _builder=self,
        )

    def stamp(self, previous: dict[str, Resource] | None, when: datetime | None) -> None:
        """Give every unstamped 200 resource its `ETag` and `Last-Modified`.

        At build (`when` None) a resource is dated by its article (pages, print views,
        files) or else by the newest article. Afterwards a resource whose bytes did not
        change keeps its headers, and one that is new or changed is dated `when`.
        """
        for path, resource in self.resources.items():
            if resource.status != 200 or "ETag" in resource.headers:
                continue
            before = previous.get(path) if previous else None
            if before is not None and before.body == resource.body and "ETag" in before.headers:
                self.resources[path] = before
                continue
            moment = when or self.dates.get(path, self.site_time)
            self.clock = max(self.clock, moment)
            self.resources[path] = _stamped(resource, moment)

    def tick(self) -> datetime:
        """The time of a change: now, or just after the latest Last-Modified if the clock says otherwise.

        The wall clock, so a crawler that sends its own last fetch time as
        `If-Modified-Since` still sees the change; never earlier than a date already served.
        """
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.clock = max(now, self.clock + timedelta(seconds=1))
        return self.clock

    def live_drafts(self) -> list[_Draft]:
        """The drafts of the articles being served (not removed)."""
        return [d for d in self.all_drafts if d.path not in self.removed]

    def live_draft(self, path: str) -> _Draft:
        """The served article at `path`; KeyError for anything else."""
        for draft in self.all_drafts:
            if draft.path == path and path not in self.removed:
                return draft
        raise KeyError(f"no article at {path}" + (" (removed)" if path in self.removed else ""))

    def truths(self) -> list[ReplicaArticle]:
        """The ground truth of every served article, by id."""
        return [self.markup.truth(d) for d in sorted(self.live_drafts(), key=lambda d: d.site_id)]

    def add_drafts(self, count: int) -> list[_Draft]:
        """`count` new generated articles, each newer than every other, with ids above every other."""
        if count < 1:
            raise ValueError(f"n must be at least 1, got {count}")
        rng = random.Random(f"add-{self.seed}-{len(self.all_drafts)}")
        keys = list(CATEGORIES)
        weights = [CATEGORIES[k][1] for k in keys]
        moment = max(d.published for d in self.all_drafts)
        next_id = max(d.site_id for d in self.all_drafts) + 1
        taken = {d.title for d in self.all_drafts}
        added = []
        for index in range(count):
            moment += timedelta(hours=rng.randint(1, 30), minutes=rng.randrange(60), seconds=rng.randrange(60))
            category = rng.choices(keys, weights)[0]
            title, slots, cited = self._unique_title(category, moment, taken)
            cites = {title: cited} if cited else {}
            added.append(_Draft(category, title, moment, next_id + index, slots=slots, cites=cites))
        self.bodies.write_bodies(added, self.documents)
        self.all_drafts += added
        live = self.live_drafts()
        for draft in added:  # older articles keep their `Tin liên quan`: the CMS stored it when they were published
            members = sorted((d for d in live if d.category == draft.category), key=lambda d: d.sort_key, reverse=True)
            draft.related = _nearest(members, members.index(draft))
        return added

    def relate(self, drafts: list[_Draft]) -> None:
        """`Tin liên quan`: the five articles of the same category nearest in date."""
        by_path = {d.path: d for d in drafts}
        for category in CATEGORIES:
            members = sorted((d for d in drafts if d.category == category), key=lambda d: d.sort_key, reverse=True)
            for index, draft in enumerate(members):
                if draft.fixed_related:
                    draft.related = [by_path[p] for p in draft.fixed_related]
                    continue
                draft.related = _nearest(members, index)

    def files(self, drafts: list[_Draft], documents: list[dict]) -> None:
        """Images, attachments, document files and the skin's assets; only the paths not served yet.

        An article's PDF or DOCX is generated from its text; a document's file from its
        `doc-info` table. The article's version wins where both link one file (2790/KH-UBND).
        """
        for draft in drafts:
            for image in draft.images:
                self._add_file(image["src"], draft.published)
            for attachment in draft.attachments:
                self._add_file(attachment["url"], draft.published, lambda: _article_file(draft, attachment),
                               {"kind": attachment["kind"], "text_contains": attachment["text_contains"]})  # fmt: skip
        for document in documents:
            issued = datetime.strptime(document["issued"], "%d/%m/%Y").replace(hour=8, tzinfo=VIETNAM)
            for index, path in enumerate(document["files"]):
                kind = FILE_KINDS[Path(path).suffix.lower()]
                code = f"ĐLVB{document['id']}" + (chr(ord("A") + index) if index else "")
                phrase = f"{CODE_LABEL} {code}" if kind in ("pdf", "docx") else None
                self._add_file(path, issued, lambda: _document_file(document, path, phrase),
                               {"kind": kind, "text_contains": phrase})  # fmt: skip
        for path in STATIC_ASSETS:
            self._add_file(path, FILE_EPOCH)

    def _add_file(self, path: str, date: datetime, make: Callable[[], bytes | None] | None = None,
                  truth: dict | None = None) -> None:  # fmt: skip
        """Serve `path` (the bytes `make` gives, else the placeholder for its extension) dated `date`."""
        if path in self.resources:
            return
        resource = _file_resource(path)
        body = make() if make is not None else None
        if body is not None:
            resource = Resource(200, resource.headers, body)
        self.resources[path] = resource
        self.dates[path] = date
        if truth is not None:
            self.file_truth[path] = truth


def build_replica(n_articles: int = 300, seed: int = 2021, markup: str = "snapshot") -> Replica:
    """Build the replica site with `n_articles` articles; the same arguments give an equal replica.

    `markup` (one of `MARKUPS`) is the template the pages are written in: the same seed
    gives the same articles in every markup, and each replica's ground truth is what a
    correct extraction of its own markup yields.
    """
    return _Builder(n_articles, seed, markup).build()
