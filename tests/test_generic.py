"""The generic extractor on pages in markups no profile describes: exact title, date and body."""

from __future__ import annotations

import html
import json

import pytest

from crawler.extraction.extract import extract_page
from crawler.extraction.profile import EMPTY

URL = "https://sonoivu.example.gov.vn/tin-tuc/cai-cach-hanh-chinh-2024-118.html"
TITLE = "Lai Châu đẩy mạnh cải cách hành chính năm 2024"
LEAD = "Năm 2024, tỉnh Lai Châu tiếp tục đẩy mạnh cải cách hành chính, lấy người dân làm trung tâm."
MIDDLE = ("Tỉ lệ hồ sơ trực tuyến toàn trình đạt 68,5%, tăng 12% so với năm trước; 100% hồ sơ được số hóa, "
          "lưu trữ trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.")  # fmt: skip
LAST = "Sở Nội vụ đề nghị các cơ quan, đơn vị tiếp tục rà soát, đơn giản hóa thủ tục hành chính./."
BODY = f"{LEAD}\n\n{MIDDLE}\n\n{LAST}"
CHROME = """<div id="menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức</a></li></ul></div>"""
RELATED = """<div class="module-7"><h3>Các tin khác</h3><ul>
<li><a href="/tin-tuc/a-1.html">Hội nghị tổng kết công tác cải cách hành chính năm 2023</a> <i>(12/01/2024)</i></li>
<li><a href="/tin-tuc/b-2.html">Kiểm tra công tác cải cách hành chính tại huyện Tam Đường</a> <i>(05/01/2024)</i></li>
<li><a href="/tin-tuc/c-3.html">Triển khai Bộ phận Một cửa hiện đại cấp xã năm 2024</a> <i>(02/01/2024)</i></li>
</ul></div>"""
FOOTER = "<footer><p>Sở Nội vụ tỉnh Lai Châu. Địa chỉ: phường Tân Phong, thành phố Lai Châu. Cập nhật: 01/12/2024</p></footer>"


def page(main: str, head: str = "", title: str = f"{TITLE} - Sở Nội vụ") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{CHROME}"
            f"<div class='main'>{main}</div>{FOOTER}</body></html>")  # fmt: skip


def paragraphs(tag: str = "p") -> str:
    return "".join(f"<{tag}>{text}</{tag}>" for text in (f"<b>{LEAD}</b>", MIDDLE, LAST))


MARKUPS = {
    "date before the title, no h1, div paragraphs": page(
        f'<div class="date">Thứ Sáu, 24/05/2024 - 08:15</div><h2 class="title-detail">{TITLE}</h2>'
        f'<div class="detail-content">{paragraphs("div")}</div>'
        f'<div class="social-share">Chia sẻ: Facebook | In bài | Gửi email</div>{RELATED}'
    ),
    "br-separated paragraphs and time datetime": page(
        f"<article><header><h1>{TITLE}</h1><time datetime='2024-05-24T08:15:00+07:00'>24/05/2024</time></header>"
        f"<div itemprop='articleBody'><b>{LEAD}</b><br><br>{MIDDLE}<br><br>{LAST}</div></article>"
        f"<section class='related'><h2>Bài viết liên quan</h2>{RELATED}</section>"
    ),
    "table layout, headline only in a span": page(
        f"<table><tr><td class='left'>{CHROME}</td><td><table>"
        f"<tr><td class='tieude'><span style='font-weight:bold'>{TITLE}</span></td></tr>"
        f"<tr><td>Cập nhật ngày: 24-05-2024 08:15</td></tr>"
        f"<tr><td>{paragraphs()}</td></tr><tr><td><b>Tin đã đưa</b>{RELATED}</td></tr></table></td></tr></table>",
        title=f"{TITLE} | Cổng thông tin điện tử",
    ),
    "JSON-LD date and a date in words": page(
        f"<h1>{TITLE}</h1><p class='meta'>Lai Châu, ngày 24 tháng 5 năm 2024</p>"
        f"<div class='content'>{paragraphs()}</div>",
        head='<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "headline": TITLE, "datePublished": "2024-05-24T08:15:00"})
        + "</script>",
    ),
}


@pytest.mark.parametrize("markup", MARKUPS)
def test_title_date_and_body_are_exact_in_any_markup(markup):
    found = extract_page(MARKUPS[markup], URL, profile=EMPTY)
    assert found.page_type == "article" and found.extraction_method == "generic"
    article = found.article
    assert article["title"] == TITLE
    assert article["published"] == "2024-05-24T08:15:00+07:00"
    assert article["body_text"] == BODY
    if RELATED in MARKUPS[markup]:
        assert article["related"][0]["url"] == "https://sonoivu.example.gov.vn/tin-tuc/a-1.html"
        assert article["related"][0]["published"] == "2024-01-12T00:00:00+07:00"


def test_a_listing_is_never_an_article():
    items = "".join(
        f'<li><span class="ngay">({day:02d}/05/2024)</span> <a href="/tin-tuc/bai-{day}.html">'
        f"Tin cải cách hành chính số {day} của tỉnh Lai Châu</a><p>Tóm tắt nội dung bài viết số {day} về cải cách "
        f"hành chính, thủ tục và dịch vụ công trực tuyến.</p></li>"
        for day in range(1, 11)
    )
    html = page(f"<h1>Tin tức</h1><ul class='list-articles'>{items}</ul>", title="Tin tức")
    assert extract_page(html, "https://h.gov.vn/tin-tuc", profile=EMPTY).page_type == "listing"


def test_a_document_page_is_never_an_article():
    rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in (
        ("Số ký hiệu", "2524/KH-UBND"), ("Ngày ban hành", "12/10/2021"), ("Loại văn bản", "Kế hoạch"),
        ("Cơ quan ban hành", "UBND tỉnh Lai Châu"), ("Trích yếu", "Kế hoạch cải cách hành chính năm 2022")))  # fmt: skip
    html = page(f"<h1>Kế hoạch 2524/KH-UBND</h1><table>{rows}</table>", title="Kế hoạch 2524/KH-UBND")
    assert extract_page(html, "https://h.gov.vn/van-ban/ke-hoach-2524-12.html", profile=EMPTY).page_type == "document"


def test_a_static_page_without_a_date_is_no_article_and_says_why():
    html = page(f"<h1>Giới thiệu</h1><div class='content'>{paragraphs()}</div>", title="Giới thiệu")
    found = extract_page(html, URL, profile=EMPTY.__class__(article_url=__import__("re").compile(r"-(\d+)\.html$")))
    assert found.page_type == "page"
    assert found.note == "looked like an article (article URL and a headline) but no publication date"
    # Its text is still read, for a researcher who asks, but it is no article of the archive.
    assert found.article["body_text"] == BODY and "no publication date" in found.article["warnings"]


def test_a_date_in_the_body_is_never_the_publication_date():
    html = page(f"<h1>{TITLE}</h1><div class='content'><p>Ngày 12/10/2021, UBND tỉnh ban hành Kế hoạch số "
                f"2524/KH-UBND về cải cách hành chính giai đoạn 2021 - 2025 với nhiều nội dung.</p>{paragraphs()}</div>")  # fmt: skip
    found = extract_page(html, URL, profile=EMPTY)
    assert found.page_type == "page" and found.article["published"] is None


def test_a_headline_only_in_the_title_is_kept_with_a_warning():
    html = page(f"<div class='ngay'>24/05/2024 08:15</div><div class='content'>{paragraphs()}</div>", title=TITLE)
    article = extract_page(html, URL, profile=EMPTY).article
    assert article["title"] == TITLE and "headline found only in <title>" in article["warnings"]


def test_one_malformed_link_costs_nothing():
    html = MARKUPS["date before the title, no h1, div paragraphs"].replace(
        "</h2>", '</h2><a href="http://[ccpa-preferences]">x</a><a href="http://a b:c/">y</a>', 1
    )
    found = extract_page(html, URL, profile=EMPTY)
    assert found.article["title"] == TITLE


def test_text_spread_over_nested_blocks_is_read_whole():
    # One paragraph per nested block, as some CMS templates write them: no block holds
    # the text, the second opinion (trafilatura) says where it is.
    blocks = "".join(
        f"<div class='section'><div class='inner'><div class='text'><p>{text} {text}</p></div></div></div>"
        for text in (LEAD, MIDDLE, LAST)
    )
    html = page(f"<h1>{TITLE}</h1><div class='date'>24/05/2024 08:15</div><div class='story'>{blocks}</div>")
    article = extract_page(html, URL, profile=EMPTY).article
    assert article["body_text"] == "\n\n".join(f"{text} {text}" for text in (LEAD, MIDDLE, LAST))


@pytest.mark.parametrize("address", [None, "", "not a url", "http://[ccpa-preferences]/a.html"])
def test_a_page_whose_own_address_is_malformed_is_read_all_the_same(address):
    article = extract_page(MARKUPS["br-separated paragraphs and time datetime"], address, profile=EMPTY).article
    assert article["title"] == TITLE and article["body_text"] == BODY


def test_the_sites_own_markup_is_read_exactly_without_its_profile():
    from crawler.replica import build_replica

    replica = build_replica(n_articles=20)
    for expected in replica.articles:
        resource = replica.get(expected.path)
        found = extract_page(resource.body, "https://cchc.laichau.gov.vn" + expected.path,
                             content_type=resource.headers.get("Content-Type"), profile=EMPTY)  # fmt: skip
        assert found.page_type == "article", expected.path
        article = found.article
        assert (article["title"], article["published"], article["category"], article["body_text"]) == (
            expected.title, expected.published, expected.category, expected.body_text), expected.path
    for path in [*replica.listings, *replica.documents, *replica.static_pages, "/"]:
        resource = replica.get(path)
        assert extract_page(resource.body, "https://cchc.laichau.gov.vn" + path, profile=EMPTY).page_type != "article"


def test_a_list_of_dated_links_inside_the_body_block_is_left_out():
    others = "".join(f"<li><a href='/tin-{n}.html'>Tin cải cách hành chính số {n} của tỉnh Lai Châu</a> ({n:02d}/01/2024)</li>"
                      for n in range(1, 5))  # fmt: skip
    html = page(f"<h1>{TITLE}</h1><div class='ngay'>24/05/2024 08:15</div>"
                f"<div class='content'>{paragraphs()}<ul>{others}</ul></div>")  # fmt: skip
    assert extract_page(html, URL, profile=EMPTY).article["body_text"] == BODY


def test_a_row_of_tool_links_under_the_text_is_left_out():
    tools = ('<a href="?print=1">[In trang]</a> <a href="mailto:?subject=x">[Gửi email]</a> '
             '<a href="javascript:history.back()">[Quay lại]</a>')  # fmt: skip
    html = page(f"<table><tr><td class='tieude'><b>{TITLE}</b></td></tr><tr><td>Cập nhật ngày: 24-05-2024</td></tr>"
                f"<tr><td>{paragraphs()}</td></tr><tr><td align='right'>{tools}</td></tr></table>")  # fmt: skip
    assert extract_page(html, URL, profile=EMPTY).article["body_text"] == BODY
    # Links that are the text's own (a document, a page of the site) stay.
    kept = page(f"<h1>{TITLE}</h1><div class='ngay'>24/05/2024</div><div class='content'>{paragraphs()}"
                "<p><a href='/van-ban/kh-1.html'>Kế hoạch 2524/KH-UBND</a>, <a href='/van-ban/qd-2.html'>"
                "Quyết định 1052/QĐ-UBND</a></p></div>")  # fmt: skip
    assert extract_page(kept, URL, profile=EMPTY).article["body_text"].endswith(
        "Kế hoạch 2524/KH-UBND, Quyết định 1052/QĐ-UBND")


def _portal_page(article, others, main: str) -> str:
    """A page of another portal around `main`: a banner, a menu, a box of other articles, a footer."""
    box = "".join(f'<li><a href="{o.path}">{html.escape(o.title)}</a> ({o.published[8:10]}/{o.published[5:7]}/'
                  f"{o.published[:4]})</li>" for o in others)  # fmt: skip
    return (f"<html><head><meta charset='utf-8'><title>{html.escape(article.title)} - Sở Nội vụ</title></head><body>"
            "<div id='banner'><a href='/'><img src='/logo.png'></a></div><ul class='topmenu'><li><a href='/'>Trang chủ"
            "</a></li><li><a href='/gioi-thieu'>Giới thiệu</a></li></ul><div class='wrap'><div class='left'>"
            f"{main}</div><div class='right'><div class='hot'><div class='hd'>Tin nổi bật</div><ul>{box}</ul></div>"
            "</div></div><div class='bottom'>Bản quyền thuộc Sở Nội vụ tỉnh Lai Châu. Địa chỉ: phường Tân Phong.</div>"
            "</body></html>")  # fmt: skip


def _trail(article) -> str:
    return " &gt; ".join(html.escape(item) for item in article.breadcrumb)


def _day(article) -> str:
    return f"{article.published[8:10]}/{article.published[5:7]}/{article.published[:4]}"


TEMPLATES = {
    # The trail is plain text with no class to name it; the date is the first line of the body block.
    "journal": lambda a: (f'<div class="path">{_trail(a)}</div><div class="journal-content-article">'
                          f'<h3 class="title">{html.escape(a.title)}</h3><p class="date">Ngày đăng: {_day(a)} '
                          f'{a.published[11:16]}</p>' + "".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
                          + "</div>"),  # fmt: skip
    # The date after the body.
    "date after": lambda a: (f'<div class="breadcrumb">{_trail(a)}</div><h1>{html.escape(a.title)}</h1>'
                             '<div class="noidung">' + "".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
                             + f'</div><div class="ngaydang">Cập nhật: {_day(a)} {a.published[11:16]}</div>'),  # fmt: skip
    # The time before the date, inside the headline's block; paragraphs split by <br><br>.
    "time first": lambda a: (f'<div class="breadcrumb">{_trail(a)}</div><div class="title"><h1>{html.escape(a.title)}'
                             f'</h1><span class="time">{a.published[11:16]} | {_day(a)}</span></div><div class="detail">'
                             + "<br><br>".join(html.escape(p) for p in a.paragraphs) + "</div>"),  # fmt: skip
}


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_replica_articles_in_other_portal_templates(template):
    from crawler.replica import build_replica

    replica = build_replica(n_articles=20)
    for article in replica.articles:
        page_html = _portal_page(article, replica.articles[:5], TEMPLATES[template](article))
        found = extract_page(page_html, "https://sonoivu.example.gov.vn" + article.path, profile=EMPTY)
        got = found.article
        assert found.page_type == "article", article.path
        assert (got["title"], got["published"][:16], got["category"], got["body_text"]) == (
            article.title, article.published[:16], article.category, article.body_text), article.path
