"""The html5 markup: a modern theme with semantic elements and structured data."""

from __future__ import annotations

from crawler.replica.drafts import _Draft
from crawler.replica.markups.base import _day, _json_ld, _Markup, _menu, _page_href, _page_numbers
from crawler.replica.site import BASE, HOME_TITLE, SECTIONS, _data_text
from crawler.replica.text import _attr, _esc, _render, _sapo


class _Html5(_Markup):
    """A modern HTML5 theme: `<article>`, `<time datetime>`, JSON-LD, Open Graph.

    The headline is an `<h1>` inside the article's `<header>`; the visible date is the day
    alone while `<time datetime>`, `article:published_time` and JSON-LD carry the exact
    time; the body's paragraphs are text separated by `<br><br>` (no `<p>`), images are
    `<figure>`s. Listings are `<article class="card">`s, which are no articles.
    """

    name = "html5"
    title_suffix = " - Cải cách hành chính Lai Châu"

    def published(self, draft: _Draft) -> tuple[str, str]:
        return draft.published.isoformat(), _day(draft.published)

    def page(self, path: str, title: str, main: str, latest: str, charset: str, head: str) -> str:
        full = _attr(self.full_title(title))
        head = head or f'<meta property="og:type" content="website">\n<meta property="og:title" content="{full}">'
        items = []
        for href, name, children in _menu():
            sub = "".join(f'<li><a href="{h}">{_esc(n)}</a></li>' for h, n in children)
            items.append(f'      <li><a href="{href}">{_esc(name)}</a>{f"<ul>{sub}</ul>" if sub else ""}</li>')
        menu = '    <ul>\n      <li><a href="/">Trang chủ</a></li>\n' + "\n".join(items) + "\n    </ul>"
        return _render(_data_text("html5/shell.html"), charset=charset, title=full, head=head, menu=menu,
                       main=main, latest=latest)  # fmt: skip

    @staticmethod
    def _time(draft: _Draft) -> str:
        return f'<time datetime="{draft.published.isoformat()}">{_day(draft.published)}</time>'

    def _item(self, draft: _Draft) -> str:
        return f'<li><a href="{draft.path}">{_esc(draft.title)}</a> {self._time(draft)}</li>'

    def latest(self, drafts: list[_Draft]) -> str:
        return "\n".join("      " + self._item(d) for d in drafts)

    @staticmethod
    def _breadcrumbs(trail: tuple) -> str:
        items = ['<li><a href="/">Trang chủ</a></li>']
        for index, (href, name) in enumerate(trail):
            current = ' aria-current="page"' if index == len(trail) - 1 else ""
            items.append(f'<li{current}><a href="{href}">{_esc(name)}</a></li>')
        return '<nav aria-label="breadcrumb"><ol class="crumbs">' + "".join(items) + "</ol></nav>"

    def body(self, draft: _Draft) -> str:
        pieces, inline = [], False  # `inline`: the last piece was paragraph text, so the next one needs <br><br>
        for block in draft.blocks:
            if block.kind == "paragraph":
                pieces.append(("<br><br>\n" if inline else "") + block.inner)
                inline = True
                continue
            if block.kind == "image":
                image = block.image
                caption = f"<figcaption>{_esc(image['caption'])}</figcaption>" if image["caption"] else ""
                html_ = (f'<figure class="image"><img src="{image["src"]}" alt="{_attr(image["alt"])}" '
                         f'width="600" height="400" loading="lazy">{caption}</figure>')  # fmt: skip
            else:
                html_ = block.html
            pieces.append(f"\n{html_}\n")
            inline = False
        return "".join(pieces).strip("\n")

    def article(self, draft: _Draft, body: str) -> tuple[str, str]:
        title, path, iso = _esc(draft.title), draft.path, draft.published.isoformat()
        section = SECTIONS[draft.category][-1][1]
        summary = _attr(_sapo(draft.lead_text, 200))
        image = f'<meta property="og:image" content="{BASE}{draft.images[0]["src"]}">\n' if draft.images else ""
        news = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": draft.title,
            "datePublished": iso,
            "dateModified": iso,
            "articleSection": section,
            "mainEntityOfPage": {"@type": "WebPage", "@id": BASE + path},
            "author": {"@type": "Organization", "name": "Sở Nội vụ tỉnh Lai Châu"},
            "publisher": {"@type": "Organization", "name": HOME_TITLE,
                          "logo": {"@type": "ImageObject", "url": BASE + "/Portals/0/Images/banner-cchc.png"}},
        }  # fmt: skip
        if draft.images:
            news["image"] = [BASE + i["src"] for i in draft.images]
        trail = [("/", "Trang chủ"), *SECTIONS[draft.category]]
        crumbs = {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": BASE + href}
                                for n, (href, name) in enumerate(trail, 1)],
        }  # fmt: skip
        head = (
            f'<link rel="canonical" href="{BASE}{path}">\n'
            f'<meta name="description" content="{summary}">\n'
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{_attr(self.full_title(draft.title))}">\n'
            f'<meta property="og:description" content="{summary}">\n'
            f'<meta property="og:url" content="{BASE}{path}">\n'
            f"{image}"
            f'<meta property="article:published_time" content="{iso}">\n'
            f'<meta property="article:section" content="{_attr(section)}">\n'
            f"{_json_ld(news)}\n{_json_ld(crumbs)}"
        )
        files = ""
        if draft.attachments:
            items = "\n".join(f'<li><a href="{a["url"]}" download>{_esc(a["name"])}</a></li>' for a in draft.attachments)
            files = f'<section class="post-files">\n<h2>Tệp đính kèm</h2>\n<ul>\n{items}\n</ul>\n</section>\n'
        related = ""
        if draft.related:
            items = "\n".join(self._item(r) for r in draft.related)
            related = f'<section class="related">\n<h2>Bài viết liên quan</h2>\n<ul>\n{items}\n</ul>\n</section>\n'
        main = (
            f"{self._breadcrumbs(SECTIONS[draft.category])}\n"
            f'<article class="post" itemscope itemtype="https://schema.org/NewsArticle">\n'
            f'<header class="post-header">\n<h1 itemprop="headline">{title}</h1>\n'
            f'<p class="post-meta"><time datetime="{iso}" itemprop="datePublished">{_day(draft.published)}</time></p>\n'
            f"</header>\n"
            f'<div class="post-body" itemprop="articleBody">\n{body}\n</div>\n'
            f"{files}"
            f'<footer class="post-tools"><a href="{path}?print=1">In bài viết</a> · '
            f'<a href="mailto:?subject={_attr(draft.title[:40])}">Gửi email</a> · '
            f'<a href="https://www.facebook.com/sharer/sharer.php?u={BASE}{path}" target="_blank" rel="noopener">'
            f"Chia sẻ Facebook</a></footer>\n"
            f"</article>\n"
            f"{related}"
        )
        return main, head

    def print_view(self, draft: _Draft, body: str, charset: str) -> str:
        return _render(_data_text("html5/print.html"), charset=charset, title=_esc(draft.title), path=draft.path,
                       datetime=draft.published.isoformat(), date=_day(draft.published), body=body)  # fmt: skip

    def _pager(self, base: str, page: int, pages: int) -> str:
        if pages <= 1:
            return ""
        parts = [f'<a rel="prev" href="{_page_href(base, page - 1)}">« Trước</a>'] if page > 1 else []
        for number in _page_numbers(page, pages):
            link = f'<a href="{_page_href(base, number)}">{number}</a>'
            parts.append(f'<span aria-current="page">{number}</span>' if number == page else link)
        if page < pages:
            parts.append(f'<a rel="next" href="{_page_href(base, page + 1)}">Sau »</a>')
        return '\n<nav class="pagination" aria-label="Phân trang">' + " ".join(parts) + "</nav>"

    def news_listing(self, base: str, trail: tuple, drafts: list[_Draft], page: int, pages: int) -> str:
        cards = "\n".join(
            f'<article class="card">\n'
            f'<a class="card-thumb" href="{d.path}"><img src="{d.thumb}" alt="" loading="lazy"></a>\n'
            f'<h3 class="card-title"><a href="{d.path}">{_esc(d.title)}</a></h3>\n{self._time(d)}\n'
            f'<p class="card-summary">{_esc(_sapo(d.lead_text, 160))}</p>\n</article>'
            for d in drafts
        ) or "<p>Chưa có bài viết.</p>"
        return (f'{self._breadcrumbs(trail)}\n<h1 class="archive-title">{_esc(trail[-1][1])}</h1>\n'
                f'<div class="cards">\n{cards}\n</div>{self._pager(base, page, pages)}')  # fmt: skip

    def document_listing(self, base: str, trail: tuple, documents: list[dict], page: int, pages: int) -> str:
        rows = "\n".join(
            f'<tr><td><a href="{d["path"]}">{_esc(d["number_raw"])}</a></td><td>{d["issued"]}</td>'
            f'<td>{_esc(d["summary"])}</td></tr>'
            for d in documents
        )
        return (f'{self._breadcrumbs(trail)}\n<h1 class="archive-title">{_esc(trail[-1][1])}</h1>\n'
                f'<table class="vb-table">\n'
                f"<thead><tr><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>"
                f"</thead>\n<tbody>\n{rows}\n</tbody>\n</table>{self._pager(base, page, pages)}")  # fmt: skip

    def document(self, trail: tuple, title: str, rows: list[tuple[str, str]]) -> str:
        particulars = "\n".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
        return (f'{self._breadcrumbs(trail)}\n<section class="vb-detail">\n<h1>{_esc(title)}</h1>\n'
                f'<dl class="vb-meta">\n{particulars}\n</dl>\n</section>')  # fmt: skip

    def home(self, featured: _Draft, boxes: list[tuple[str, str, list[_Draft]]]) -> str:
        parts = [
            f'<h1 class="visually-hidden">{HOME_TITLE}</h1>\n'
            f'<article class="card card-featured">\n<a class="card-thumb" href="{featured.path}">'
            f'<img src="{featured.thumb}" alt=""></a>\n'
            f'<h2 class="card-title"><a href="{featured.path}">{_esc(featured.title)}</a></h2>\n{self._time(featured)}\n'
            f'<p class="card-summary">{_esc(_sapo(featured.lead_text, 201))}</p>\n</article>'
        ]
        for key, name, drafts in boxes:
            links = "\n".join(f'<li><a href="{d.path}">{_esc(d.title)}</a></li>' for d in drafts)
            parts.append(f'<section class="home-section">\n<h2><a href="/{key}">{name}</a></h2>\n'
                         f"<ul>\n{links}\n</ul>\n</section>")  # fmt: skip
        return "\n".join(parts)

    def static_page(self, trail: tuple, heading: str, paragraphs: list[str]) -> str:
        content = "\n".join(f"<p>{p}</p>" for p in paragraphs)
        return (f'{self._breadcrumbs(trail)}\n<article class="page">\n<h1 class="page-heading">{heading}</h1>\n'
                f'<div class="page-body">\n{content}\n</div>\n</article>')  # fmt: skip

    def sitemap(self, trail: tuple, entries: list[tuple[str, str]]) -> str:
        links = "\n".join(f'<li><a href="{_attr(href)}">{name}</a></li>' for href, name in entries)
        return (f'{self._breadcrumbs(trail)}\n<article class="page">\n<h1 class="page-heading">Sơ đồ trang</h1>\n'
                f'<ul class="site-tree">\n{links}\n</ul>\n</article>')  # fmt: skip

    def search(self) -> str:
        return ('<section class="search-results">\n<h1>Kết quả tìm kiếm</h1>\n'
                "<p>Vui lòng nhập từ khóa tìm kiếm.</p>\n</section>")  # fmt: skip

    def not_found(self) -> str:
        return ('<section class="error-404">\n<h1>Không tìm thấy trang</h1>\n'
                '<p>Trang bạn tìm không tồn tại. <a href="/">Về trang chủ</a></p>\n</section>')  # fmt: skip
