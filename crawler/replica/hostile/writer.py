"""`_CaseWriter`: what every hostile case is written with.

The state the cases share (the replica, the seed's random generator, the resources and
cases so far) and how a case is recorded, and an article page written with its truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crawler.replica.hostile.model import HostileArticle, HostileCase
from crawler.replica.hostile.pages import _article_main, _esc, _html_resource, _in_shell
from crawler.replica.model import Replica
from crawler.replica.resources import Resource
from crawler.replica.site import JUSTIFY, SECTIONS, VIETNAM
from crawler.replica.text import ascii_slug, format_site_date


@dataclass
class _Block:
    """A piece of a hostile article's body: its HTML, the paragraph it shows, the site paths it links."""

    html: str
    text: str | None = None  # the visible text as one paragraph; None when nothing shows
    links: list[str] = field(default_factory=list)


class _CaseWriter:
    """The shared state of the hostile cases and how each is written; all choices come from `seed`."""

    def __init__(self, replica: Replica, seed: int, slow_seconds: float, transient_failures: int) -> None:
        self.replica = replica
        self.rng = random.Random(f"hostile-{seed}")
        self.slow_seconds = slow_seconds
        self.transient_failures = transient_failures
        self.resources: dict[str, Resource] = {}
        self.cases: dict[str, HostileCase] = {}
        self.articles: list[HostileArticle] = []
        # Hostile ids sit above every ordinary id, as newer articles of the CMS.
        self.next_id = (max(a.site_id for a in replica.articles) // 100 + 1) * 100 + 1
        self.moment = datetime(2024, 11, 4, 8, 30, tzinfo=VIETNAM)
        self.shell = replica.get("/lien-he").body.decode("utf-8")
        self.paragraph_pool = sorted({
            p for a in replica.articles if a.variant == "utf-8" for p in a.paragraphs
            if len(p) > 80 and not p.startswith("Xem thêm")
        })  # fmt: skip

    def case(self, name: str, path: str, title: str, expectation: str) -> str:
        self.cases[name] = HostileCase(name, path, title, expectation)
        return path

    def page(self, title: str, main: str) -> str:
        return _in_shell(self.shell, title, main)

    def prose(self, count: int) -> list[_Block]:
        return [_Block(f"{JUSTIFY}{_esc(text)}</p>", text) for text in self.rng.sample(self.paragraph_pool, count)]

    def article(self, category: str, title: str, blocks: list[_Block], *, flags: frozenset[str] | set[str] = frozenset(),
                date_raw: str | None = None, images: list[dict] | None = None) -> HostileArticle:  # fmt: skip
        """A new article page (not yet served) and its ground truth."""
        site_id, self.next_id = self.next_id, self.next_id + 1
        self.moment += timedelta(days=1, hours=self.rng.randrange(1, 9), minutes=self.rng.randrange(60))
        published = self.moment.isoformat()
        if date_raw is None:
            date_raw = format_site_date(self.moment)
        else:
            published = None
        path = f"/{category}/{ascii_slug(title)}-{site_id}.html"
        breadcrumb = ["Trang chủ"] + [name for _, name in SECTIONS[category]]
        body = "\n".join(block.html for block in blocks) + "\n<p>&nbsp;</p>\n"
        self.resources[path] = _html_resource(self.page(title, _article_main(category, title, date_raw, body)))
        return HostileArticle(
            path=path, site_id=site_id, title=title, published=published, published_raw=date_raw,
            breadcrumb=breadcrumb, category=breadcrumb[-1], paragraphs=[b.text for b in blocks if b.text],
            images=images or [], attachments=[], related=[], body_links=[p for b in blocks for p in b.links],
            variant="utf-8", flags=frozenset(flags),
        )  # fmt: skip

    def keep(self, article: HostileArticle, name: str, expectation: str, link_title: str | None = None) -> None:
        self.articles.append(article)
        self.case(name, article.path, link_title or article.title, expectation)
