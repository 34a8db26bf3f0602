"""`build_hostile_replica`: the ordinary replica with every hostile case added and linked."""

from __future__ import annotations

import html

from crawler.replica.builder import build_replica
from crawler.replica.hostile.model import HostileReplica
from crawler.replica.hostile.page_cases import _PageCases
from crawler.replica.hostile.pages import _esc
from crawler.replica.hostile.server_cases import _ServerCases
from crawler.replica.hostile.site import (
    CALENDAR,
    HUB_TITLE,
    OFFSITE_HOST,
    OFFSITE_URL,
    TRANSIENT_FAILURES,
    TRAP_LISTING,
    UNFOLLOWABLE_HREFS,
)
from crawler.replica.resources import Resource


class _HostileBuilder(_ServerCases, _PageCases):
    """Adds the hostile cases to a built replica; all choices come from `seed`."""

    def home_page(self) -> None:
        """The home page with a `Thông báo` box linking every case, and raw links in odd schemes."""
        items = [f'<li><a href="{html.escape(case.path)}">{_esc(case.title)}</a></li>' for case in self.cases.values()]
        items += [f'<li><a href="{html.escape(href)}">Liên hệ</a></li>' for href in UNFOLLOWABLE_HREFS[:4]]
        box = f'<div class="box-cat box-notices"><h3>{HUB_TITLE}</h3><ul>\n' + "\n".join(items) + "\n</ul></div>\n"
        home = self.replica.get("/")
        marker = b'<div id="main-col">\n'
        if marker not in home.body:
            raise ValueError("the replica's home page has no main column to put the notices in")
        self.resources["/"] = Resource(home.status, dict(home.headers),
                                       home.body.replace(marker, marker + box.encode("utf-8"), 1))  # fmt: skip

    def build(self) -> HostileReplica:
        transient = self.transient_articles()
        slow = self.slow_page()
        truncated = self.truncated_page()
        large = self.large_page()
        pdf_path, octet_path = self.mislabelled()
        listing, calendar = self.traps()
        loop, offsite = self.redirects()
        alias = self.duplicate()
        self.unclosed_tags()
        self.bad_date()
        self.empty_body()
        self.scheme_links()
        self.security()
        long_url = self.long_url()
        self.home_page()
        return HostileReplica(
            replica=self.replica,
            slow_seconds=self.slow_seconds,
            cases=self.cases,
            articles=self.articles,
            transient=transient,
            expected_errors={slow: "timeout", truncated: "truncated", loop[1]: "redirect-loop",
                             offsite: "offsite-redirect"},  # fmt: skip
            not_articles=(slow, truncated, large, pdf_path, listing, calendar, *loop, offsite, long_url),
            duplicates={alias: self.cases["duplicate"].path},
            trap_prefixes=(f"{TRAP_LISTING}?", CALENDAR),
            redirect_loop=loop,
            offsite_redirect={offsite: OFFSITE_URL},
            offsite_hosts=(OFFSITE_HOST,),
            unfollowable=UNFOLLOWABLE_HREFS,
            mislabelled={pdf_path: "application/pdf", octet_path: "text/html"},
            long_url=long_url,
            large_page=large,
            slow_page=slow,
            truncated_page=truncated,
            resources=self.resources,
            shell=self.shell,
        )


def build_hostile_replica(n_articles: int = 60, seed: int = 2021, slow_seconds: float = 5.0,
                          transient_failures: int = TRANSIENT_FAILURES) -> HostileReplica:  # fmt: skip
    """The replica of `n_articles` articles with every hostile case; the same arguments give an equal one."""
    return _HostileBuilder(build_replica(n_articles, seed), seed, slow_seconds, transient_failures).build()
