"""The wordpress markup: a WordPress theme with Yoast SEO and Jetpack."""

from __future__ import annotations

from datetime import datetime, timedelta

from crawler.replica.drafts import _Draft
from crawler.replica.markups.base import _day, _json_ld, _Markup, _menu, _page_href, _page_numbers
from crawler.replica.site import BASE, SECTIONS, _data_text
from crawler.replica.text import _attr, _esc, _render, _sapo

MONTHS = ("Một", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một", "Mười Hai")


class _WordPress(_Markup):
    """A WordPress site (a default-like theme, Yoast SEO, Jetpack), as some departments run.

    `h1.entry-title`; `time.entry-date.published` shows the day in words (`24 Tháng Chín,
    2021`) and carries the exact time in `datetime`, beside a `time.updated` of a later
    edit that is not the publication. Jetpack's share buttons (`.sharedaddy`) and its
    `Bài viết liên quan` sit inside `div.entry-content`, after the text. The Yoast
    breadcrumb ends with the post's own title, which is no section: the ground truth's
    breadcrumb stops at the category. Listings are `<article>`s with `entry-title`s too,
    and static pages are `<article>`s without a date.
    """

    name = "wordpress"
    title_suffix = " – Cải cách hành chính Lai Châu"

    @staticmethod
    def _words(moment: datetime) -> str:
        return f"{moment.day} Tháng {MONTHS[moment.month - 1]}, {moment.year}"

    @staticmethod
    def _updated(draft: _Draft) -> datetime:
        """When the post was last edited: hours after it was published."""
        return draft.published + timedelta(hours=1 + draft.site_id % 47, minutes=draft.site_id % 60)

    def published(self, draft: _Draft) -> tuple[str, str]:
        return draft.published.isoformat(), self._words(draft.published)

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        items = []
        for href, name, children in _menu():
            sub = "".join(f'<li class="menu-item"><a href="{h}">{_esc(n)}</a></li>' for h, n in children)
            sub = f'<ul class="sub-menu">{sub}</ul>' if sub else ""
            items.append(f'      <li class="menu-item"><a href="{href}">{_esc(name)}</a>{sub}</li>')
        menu = ('    <ul id="primary-menu" class="menu">\n      <li class="menu-item"><a href="/">Trang chủ</a></li>\n'
                + "\n".join(items) + "\n    </ul>")  # fmt: skip
        kind = "single single-post" if head else "home blog" if path == "/" else "archive"  # WordPress's body classes
        return _render(_data_text("wordpress/shell.html"), charset=charset, title=_esc(self.full_title(title)),
                       head=head, body_class=kind, menu=menu, main=main, latest=latest)  # fmt: skip

    def latest(self, drafts: list[_Draft]) -> str:
        return "\n".join(f'      <li><a href="{d.path}">{_esc(d.title)}</a> <span class="post-date">'
                         f"{self._words(d.published)}</span></li>" for d in drafts)  # fmt: skip

    @staticmethod
    def _breadcrumbs(trail: tuple, last: str | None = None) -> str:
        """Yoast's breadcrumb: links, ` » ` between, the current page as plain text at the end."""
        links = [("/", "Trang chủ"), *trail]
        if last is None:  # a section's own page: its name ends the trail
            links, last = links[:-1], links[-1][1]
        parts = [f'<span><a href="{href}">{_esc(name)}</a></span>' for href, name in links]
        parts.append(f'<span class="breadcrumb_last" aria-current="page">{_esc(last)}</span>')
        return f'<nav class="yoast-breadcrumbs" aria-label="Breadcrumbs"><span>{" » ".join(parts)}</span></nav>'

    def _time(self, moment: datetime, kind: str = "entry-date published") -> str:
        return f'<time class="{kind}" datetime="{moment.isoformat()}">{self._words(moment)}</time>'

    def body(self, draft: _Draft) -> str:
        parts = []
        for block in draft.blocks:
            if block.kind == "image":
                image = block.image
                caption = ""
                if image["caption"]:
                    caption = f'<figcaption class="wp-element-caption">{_esc(image["caption"])}</figcaption>'
                parts.append(f'<figure class="wp-block-image size-large"><img decoding="async" src="{image["src"]}" '
                             f'alt="{_attr(image["alt"])}" width="600" height="400">{caption}</figure>')  # fmt: skip
            else:  # the classic editor keeps the snapshot's <p style="…">, lists and Word's HTML alike
                parts.append(block.html)
        return "\n".join(parts)

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        title, path, iso = _esc(draft.title), draft.path, draft.published.isoformat()
        trail = SECTIONS[draft.category]
        section_href, section = trail[-1]
        category = f'<a href="{section_href}" rel="category tag">{_esc(section)}</a>'
        graph = [
            {"@type": "Article", "@id": f"{BASE}{path}#article", "headline": draft.title, "datePublished": iso,
             "dateModified": self._updated(draft).isoformat(), "articleSection": [section],
             "author": {"name": "Ban biên tập"}, "inLanguage": "vi"},
            {"@type": "WebPage", "@id": BASE + path, "url": BASE + path, "name": self.full_title(draft.title),
             "breadcrumb": {"@id": f"{BASE}{path}#breadcrumb"}},
            {"@type": "BreadcrumbList", "@id": f"{BASE}{path}#breadcrumb", "itemListElement": [
                *({"@type": "ListItem", "position": n, "name": name, "item": BASE + href}
                  for n, (href, name) in enumerate([("/", "Trang chủ"), *trail], 1)),
                {"@type": "ListItem", "position": len(trail) + 2, "name": draft.title}]},
        ]  # fmt: skip
        head = (
            f'<link rel="canonical" href="{BASE}{path}" />\n'
            f'<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{_attr(draft.title)}" />\n'
            f'<meta property="article:published_time" content="{iso}" />\n'
            f'<meta property="article:modified_time" content="{self._updated(draft).isoformat()}" />\n'
            f'{_json_ld({"@context": "https://schema.org", "@graph": graph}, "yoast-schema-graph")}'
        )
        share = (
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">'
            '<h3 class="sd-title">Chia sẻ:</h3><div class="sd-content"><ul>'
            f'<li class="share-facebook"><a href="https://www.facebook.com/sharer.php?u={BASE}{path}" target="_blank">'
            f'Facebook</a></li><li class="share-print"><a href="{path}?print=1" target="_blank">In</a></li>'
            f'<li class="share-email"><a href="mailto:?subject={_attr(draft.title[:40])}">Email</a></li>'
            "</ul></div></div></div>"
        )
        related = ""
        if draft.related:
            posts = "\n".join(
                f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
                f'<a class="jp-relatedposts-post-a" href="{r.path}">{_esc(r.title)}</a></h4>'
                f'<p class="jp-relatedposts-post-date">{_day(r.published)}</p></div>'
                for r in draft.related
            )
            related = (f'\n<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
                       f'<em>Bài viết liên quan</em></h3>\n<div class="jp-relatedposts-items">\n'
                       f"{posts}\n</div></div>")  # fmt: skip
        files = ""
        if draft.attachments:
            links = "\n".join(f'<li><a href="{a["url"]}">{_esc(a["name"])}</a></li>' for a in draft.attachments)
            files = f'<div class="post-attachments"><h2>Tệp đính kèm</h2>\n<ul>\n{links}\n</ul></div>\n'
        main = (
            f"{self._breadcrumbs(trail, draft.title)}\n"
            f'<article id="post-{draft.site_id}" class="post-{draft.site_id} post type-post status-publish hentry">\n'
            f'<header class="entry-header">\n<div class="entry-categories">{category}</div>\n'
            f'<h1 class="entry-title">{title}</h1>\n'
            f'<div class="entry-meta"><span class="posted-on">Đăng ngày <a href="{path}" rel="bookmark">'
            f'{self._time(draft.published)}{self._time(self._updated(draft), "updated")}</a></span> '
            f'<span class="byline">bởi <span class="author vcard">'
            f'<a class="url fn n" href="/gioi-thieu">Ban biên tập</a>'
            f"</span></span></div>\n</header>\n"
            f'<div class="entry-content">\n{body}\n{share}{related}\n</div>\n'
            f"{files}"
            f'<footer class="entry-footer"><span class="cat-links">Chuyên mục: {category}</span></footer>\n'
            f"</article>"
        )
        return main, head

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        return _render(_data_text("wordpress/print.html"), charset=charset, title=_esc(draft.title), path=draft.path,
                       datetime=draft.published.isoformat(), date=self._words(draft.published), body=body)  # fmt: skip

    @staticmethod
    def _pager(base: str, page: int, pages: int) -> str:
        if pages <= 1:
            return ""
        links = [f'<a class="prev page-numbers" href="{_page_href(base, page - 1)}">« Trước</a>'] if page > 1 else []
        for number in _page_numbers(page, pages):
            if number == page:
                links.append(f'<span aria-current="page" class="page-numbers current">{number}</span>')
            else:
                links.append(f'<a class="page-numbers" href="{_page_href(base, number)}">{number}</a>')
        if page < pages:
            links.append(f'<a class="next page-numbers" href="{_page_href(base, page + 1)}">Tiếp »</a>')
        return ('\n<nav class="navigation pagination" aria-label="Phân trang bài viết">'
                '<h2 class="screen-reader-text">Phân trang bài viết</h2>'
                f'<div class="nav-links">{"".join(links)}</div></nav>')  # fmt: skip

    def _archive(self, trail: tuple, content: str) -> str:
        return (f'{self._breadcrumbs(trail)}\n<header class="page-header"><h1 class="page-title">Chuyên mục: '
                f"<span>{_esc(trail[-1][1])}</span></h1></header>\n{content}")  # fmt: skip

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        posts = "\n".join(
            f'<article id="post-{d.site_id}" class="post-{d.site_id} post type-post status-publish hentry">\n'
            f'<header class="entry-header">'
            f'<h2 class="entry-title"><a href="{d.path}" rel="bookmark">{_esc(d.title)}</a></h2>\n'
            f'<div class="entry-meta"><span class="posted-on"><a href="{d.path}" rel="bookmark">{self._time(d.published)}'
            f"</a></span></div></header>\n"
            f'<div class="entry-summary"><p>{_esc(_sapo(d.lead_text, 160))} [&hellip;]</p></div>\n</article>'
            for d in drafts
        ) or '<section class="no-results not-found"><p>Chưa có bài viết.</p></section>'
        return self._archive(trail, posts + self._pager(base, page, pages))

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        rows = "\n".join(
            f'<tr><td><a href="{d["path"]}">{_esc(d["number_raw"])}</a></td><td>{d["issued"]}</td>'
            f'<td>{_esc(d["summary"])}</td></tr>'
            for d in documents
        )
        table = ('<table class="vb-list"><thead><tr><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>'
                 f"</thead>\n<tbody>\n{rows}\n</tbody></table>")  # fmt: skip
        return self._archive(trail, table + self._pager(base, page, pages))

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        cells = "\n".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
        return (f"{self._breadcrumbs(trail, title)}\n<article class=\"van-ban type-van-ban status-publish hentry\">\n"
                f'<header class="entry-header"><h1 class="entry-title">{_esc(title)}</h1></header>\n'
                f'<div class="entry-content">\n<table class="vb-info"><tbody>\n{cells}\n</tbody></table>\n</div>\n'
                "</article>")  # fmt: skip

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        parts = [
            f'<article class="post sticky hentry">\n<header class="entry-header"><h2 class="entry-title">'
            f'<a href="{featured.path}" rel="bookmark">{_esc(featured.title)}</a></h2>\n'
            f'<div class="entry-meta">{self._time(featured.published)}</div></header>\n'
            f'<div class="post-thumbnail"><img src="{featured.thumb}" alt=""></div>\n'
            f'<div class="entry-summary"><p>{_esc(_sapo(featured.lead_text, 201))} [&hellip;]</p></div>\n</article>'
        ]
        for key, name, drafts in boxes:
            links = "\n".join(f'<li><a href="{d.path}">{_esc(d.title)}</a></li>' for d in drafts)
            parts.append(f'<section class="home-category"><h2 class="home-category-title"><a href="/{key}">{name}</a>'
                         f"</h2>\n<ul>\n{links}\n</ul></section>")  # fmt: skip
        return "\n".join(parts)

    def _page(self, trail: tuple, heading: str, content: str) -> str:
        return (f'{self._breadcrumbs(trail)}\n<article class="page type-page status-publish hentry">\n'
                f'<header class="entry-header"><h1 class="entry-title">{heading}</h1></header>\n'
                f'<div class="entry-content">\n{content}\n</div>\n</article>')  # fmt: skip

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        return self._page(trail, heading, "\n".join(f"<p>{p}</p>" for p in paragraphs))

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        links = "\n".join(f'<li class="page_item"><a href="{_attr(href)}">{name}</a></li>' for href, name in entries)
        return self._page(trail, "Sơ đồ trang", f"<ul>\n{links}\n</ul>")

    def search(self) -> str:
        return ('<section class="no-results not-found"><header class="page-header"><h1 class="page-title">Tìm kiếm</h1>'
                "</header>\n<p>Vui lòng nhập từ khóa tìm kiếm.</p></section>")  # fmt: skip

    def not_found(self) -> str:
        return ('<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">'
                "Không tìm thấy trang</h1></header>\n"
                '<p>Trang bạn tìm không tồn tại. <a href="/">Về trang chủ</a></p></section>')  # fmt: skip
