"""The hostile replica as its users see it: `HostileReplica`, its cases and its ground truth.

`HostileReplica.answer` says how the server answers each request of a path: the
transient errors by the number of the attempt, the slow page after a delay, the
truncated page with a lying Content-Length, the endless pages made on demand.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl

from crawler.replica.hostile.pages import (
    _calendar,
    _html_resource,
    _in_shell,
    _large_page_body,
    _server_error,
    _trap_listing,
    _truncation_point,
)
from crawler.replica.hostile.site import CALENDAR, CALENDAR_START, TRAP_LISTING
from crawler.replica.model import Replica, ReplicaArticle
from crawler.replica.resources import Resource
from crawler.replica.site import HTML_UTF8


@dataclass(frozen=True)
class HostileCase:
    """One misbehaviour: where it is served, its link on the home page, what a correct crawl records."""

    name: str
    path: str  # path and query, as requested
    title: str  # the link text in the home page's `Thông báo` box
    expectation: str


@dataclass
class HostileArticle(ReplicaArticle):
    """Ground truth of an article of the hostile replica: its fields and what makes it hostile."""

    published: str | None  # None: the page's date cannot be a date (`published_raw` keeps it)
    flags: frozenset[str] = frozenset()  # transient, octet-stream, duplicate, unclosed-tags, unparseable-date…
    aliases: tuple[str, ...] = ()  # other paths serving the same page, without a canonical link


@dataclass
class Answer:
    """How the server answers one request: the resource, a delay first, or a lying Content-Length."""

    resource: Resource
    delay: float = 0.0
    declared_length: int | None = None  # sent as Content-Length instead of len(body); then the server hangs up


@dataclass
class HostileReplica:
    """The ordinary replica plus the hostile cases, and what a correct crawl of it records.

    Every path is a path and query on the replica's host. A correct crawl from `/`:
    stores exactly `all_articles` (an article of `duplicates` under one of its URLs only),
    never stores a path of `not_articles` as an article, records every path of
    `expected_errors` in `pages` with an error, retries `transient` paths to success,
    requests only a bounded number of URLs under `trap_prefixes`, and never requests
    `offsite_hosts` or `unfollowable` hrefs. `expected_errors` holds when the crawl's
    download timeout is below `slow_seconds`.
    """

    replica: Replica
    slow_seconds: float
    cases: dict[str, HostileCase]
    articles: list[HostileArticle]
    transient: dict[str, tuple[int, int]]  # path -> (status, failed answers before success)
    expected_errors: dict[str, str]  # path -> kind: timeout, truncated, redirect-loop, offsite-redirect
    not_articles: tuple[str, ...]
    duplicates: dict[str, str]  # alias path -> the article's own path
    trap_prefixes: tuple[str, ...]
    redirect_loop: tuple[str, str]  # A redirects to B, B back to A
    offsite_redirect: dict[str, str]  # path -> off-site Location
    offsite_hosts: tuple[str, ...]
    unfollowable: tuple[str, ...]
    mislabelled: dict[str, str]  # path -> what the bytes really are, against the declared Content-Type
    long_url: str
    large_page: str
    slow_page: str
    truncated_page: str
    resources: dict[str, Resource] = field(repr=False, default_factory=dict)
    shell: str = field(repr=False, default="")  # a served page, whose main column the trap pages fill
    _large: Resource | None = field(default=None, repr=False, compare=False)
    _large_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def all_articles(self) -> list[ReplicaArticle]:
        """Every article a correct crawl stores: the ordinary site's and the hostile ones."""
        return [*self.replica.articles, *self.articles]

    def article(self, path: str) -> ReplicaArticle:
        """The ground truth of the article at `path` (hostile or ordinary; aliases count)."""
        for article in self.articles:
            if path == article.path or path in article.aliases:
                return article
        return self.replica.article(path)

    def answer(self, path_and_query: str, attempt: int = 1, base: str | None = None) -> Answer:
        """The answer to the `attempt`-th request of a path (1 is the first); `base` replaces `__BASE__`."""
        path_and_query = path_and_query.split("#", 1)[0] or "/"
        answer = self._answer(path_and_query, attempt)
        if base is not None:
            answer.resource = answer.resource.with_base(base)
        return answer

    def _answer(self, path_and_query: str, attempt: int) -> Answer:
        if path_and_query in self.transient:
            status, failures = self.transient[path_and_query]
            if attempt <= failures:
                return Answer(_server_error(status))
        if path_and_query == self.slow_page:
            return Answer(self.resources[path_and_query], delay=self.slow_seconds)
        if path_and_query == self.truncated_page:
            full = self.resources[path_and_query]
            cut = _truncation_point(full.body)
            return Answer(Resource(full.status, dict(full.headers), full.body[:cut]), declared_length=len(full.body))
        if path_and_query == self.large_page:
            return Answer(self._large_resource())
        found = self.resources.get(path_and_query)
        if found is not None:
            return Answer(found)
        path, _, query = path_and_query.partition("?")
        if path == TRAP_LISTING and query:
            return Answer(self._trap_page(query))
        if path == CALENDAR:
            return Answer(self._calendar_page(query))
        return Answer(self.replica.get(path_and_query))

    def _large_resource(self) -> Resource:
        # Built on first request: most tests never fetch 30 MB.
        with self._large_lock:
            if self._large is None:
                self._large = Resource(200, {"Content-Type": HTML_UTF8}, _large_page_body(self))
            return self._large

    def _trap_page(self, query: str) -> Resource:
        number = dict(parse_qsl(query)).get("page", "")
        if not number.isdigit() or int(number) < 1:
            return self.replica.not_found
        return _html_resource(self._shell(_trap_listing(self.replica, int(number))))

    def _calendar_page(self, query: str) -> Resource:
        raw = dict(parse_qsl(query)).get("ngay", CALENDAR_START.isoformat())
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return self.replica.not_found
        if raw != day.isoformat():  # one address per day, as the site's calendar writes them
            return self.replica.not_found
        return _html_resource(self._shell(_calendar(day)))

    def _shell(self, page: tuple[str, str]) -> str:
        title, main = page
        return _in_shell(self.shell, title, main)
