"""Extraction from saved pages: every field exact, for the profile and the generic extractor."""

import unicodedata
from pathlib import Path

import pytest

from crawler.extraction.extract import ParseError, extract_article, extract_page

FIXTURES = Path(__file__).parent / "fixtures"
SNAPSHOT = FIXTURES / "snapshot"
HOST = "https://cchc.laichau.gov.vn"
SEED_URL = HOST + "/ket-qua-cchc/bao-cao-cchc-dinh-ky/ket-qua-thuc-hien-cong-tac-cai-cach-hanh-chinh-quy-iii-nam-2021-cua-tinh-lai-chau-2745.html"
SIPAS_URL = HOST + "/tin-tuc-su-kien/tin-cchc-cua-tinh/tinh-lai-chau-ban-hanh-ke-hoach-do-luong-su-hai-long-cua-nguoi-dan-to-chuc-doi-voi-su-phuc-3310.html"
DIGITAL_URL = HOST + "/chuyen-doi-so/chuyen-doi-so-phai-co-tu-duy-di-truoc-di-tat-don-dau-di-truoc-ve-truoc-3142.html"


def page(name: str) -> bytes:
    return (SNAPSHOT / name).read_bytes()


def seed_paragraphs() -> list[str]:
    """The body paragraphs of the live page's text: between the date line and `Tin liên quan`."""
    lines = [line.strip() for line in (FIXTURES / "seed-article-2745.txt").read_text(encoding="utf-8").splitlines()]
    start = lines.index("(Ngày đăng :24/09/2021 12:00:00 SA)") + 1
    end = lines.index("Tin liên quan")
    return [" ".join(line.replace("\xa0", " ").split()) for line in lines[start:end] if line.replace("\xa0", " ").strip()]


@pytest.fixture(scope="module")
def seed_article() -> dict:
    return extract_article(page("article-report-2021-q3.html"), SEED_URL)


def test_seed_body_text_equals_the_live_pages_paragraphs(seed_article):
    assert seed_article["body_text"] == "\n\n".join(seed_paragraphs())
    # The site's own typos are kept verbatim.
    for typo in ("tỉnh tỉnh", "cáccấp", "tới100%"):
        assert typo in seed_article["body_text"]
    assert "\xa0" not in seed_article["body_text"]


def test_seed_fields(seed_article):
    a = seed_article
    assert a["title"] == "Kết quả thực hiện công tác cải cách hành chính Quý III năm 2021 của tỉnh Lai Châu"
    assert a["published"] == "2021-09-24T00:00:00+07:00"
    assert a["published_raw"] == "24/09/2021 12:00:00 SA"
    assert a["breadcrumb"] == ["Trang chủ", "Kết quả CCHC", "Báo cáo CCHC định kỳ"]
    assert a["category"] == "Báo cáo CCHC định kỳ"
    assert a["site_id"] == 2745
    assert a["extraction_method"] == "profile"
    assert a["word_count"] == len(a["body_text"].split())
    assert a["images"] == [
        {"src": HOST + "/Uploads/images/tin-tuc/2021/09/cchc-quy-3.jpg", "alt": None, "caption": "Ảnh minh họa (Nguồn: Internet)"}
    ]
    assert a["attachments"] == []
    assert [(r["title"], r["published"]) for r in a["related"]] == [
        ("Kết quả thực hiện công tác cải cách hành chính trên địa bàn tỉnh Lai Châu năm 2022", "2022-12-20T21:18:33+07:00"),
        ("Kết quả thực hiện công tác cải cách hành chính trên địa bàn tỉnh Lai Châu quý III năm 2022", "2022-09-23T16:42:41+07:00"),
        ("Kết quả thực hiện công tác cải cách hành chính 06 tháng đầu năm 2022 trên địa bàn tỉnh Lai Châu", "2022-06-21T15:46:32+07:00"),
        ("Kết quả thực hiện công tác cải cách hành chính quý I năm 2022 trên địa bàn tỉnh Lai Châu", "2022-03-20T11:02:58+07:00"),
        ("Kết quả triển khai công tác cải cách hành chính năm 2021 và nhiệm vụ trọng tâm năm 2022 của tỉnh Lai Châu", "2021-12-21T09:11:14+07:00"),
    ]
    assert a["related"][0]["url"] == HOST + "/ket-qua-cchc/bao-cao-cchc-dinh-ky/ket-qua-thuc-hien-cong-tac-cai-cach-hanh-chinh-tren-dia-ban-tinh-lai-chau-nam-2022-0.html"
    assert [r["published"] for r in a["latest"]] == [
        "2023-08-09T21:43:08+07:00", "2023-07-21T10:33:13+07:00", "2023-04-21T17:37:58+07:00",
        "2023-04-21T08:04:25+07:00", "2023-02-27T08:12:07+07:00",
    ]
    assert a["latest"][4] == {"url": DIGITAL_URL, "title": "Chuyển đổi số phải có tư duy đi trước, đi tắt đón đầu, đi trước - về trước",
                              "published": "2023-02-27T08:12:07+07:00"}
    assert [link["title"] for link in a["nav_links"]] == ["Trang chủ", "Kết quả CCHC", "Báo cáo CCHC định kỳ"]


def test_body_text_leaves_out_site_furniture(seed_article):
    body = seed_article["body_text"]
    for furniture in ("Tin liên quan", "Tin mới nhất", "Thống kê truy cập", "In bài viết", "TRANG THÔNG TIN ĐIỆN TỬ", "Trang chủ"):
        assert furniture not in body


def test_body_html_is_sanitized_with_absolute_links(seed_article):
    html = seed_article["body_html"]
    assert 'src="https://cchc.laichau.gov.vn/Uploads/images/tin-tuc/2021/09/cchc-quy-3.jpg"' in html
    assert "style=" not in html and "<script" not in html
    assert "<em>Ảnh minh họa (Nguồn: Internet)</em>" in html


def test_article_with_attachment():
    a = extract_article(page("article-sipas-plan-2023.html"), SIPAS_URL)
    assert a["title"] == "Tỉnh Lai Châu ban hành Kế hoạch “Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ cơ quan hành chính nhà nước năm 2023”"
    assert a["published"] == "2023-08-09T21:43:08+07:00"
    assert a["published_raw"] == "09/08/2023 9:43:08 CH"
    assert a["breadcrumb"] == ["Trang chủ", "Tin tức - Sự kiện", "Tin CCHC của tỉnh"]
    assert a["category"] == "Tin CCHC của tỉnh"
    assert a["body_text"] == (
        "Ảnh: Sở Nội vụ\n\n"
        "UBND tỉnh Lai Châu ban hành Kế hoạch số 2790/KH-UBND ngày 08/8/2023 đo lường sự hài lòng của người dân, "
        "tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước năm 2023.\n\n"
        "Việc khảo sát được thực hiện tại 08 huyện, thành phố với 1.200 phiếu điều tra xã hội học."
    )
    assert a["attachments"] == [{"url": HOST + "/Uploads/files/2023/08/2790-KH-UBND.pdf", "name": "Kế hoạch số 2790/KH-UBND"}]
    assert a["images"][0]["caption"] == "Ảnh: Sở Nội vụ"
    assert a["related"] == []


def test_article_without_image_or_related():
    a = extract_article(page("article-digital-transformation.html"), DIGITAL_URL)
    assert a["published"] == "2023-02-27T08:12:07+07:00"
    assert a["breadcrumb"] == ["Trang chủ", "Chuyển đổi số"]
    assert a["category"] == "Chuyển đổi số"
    assert a["images"] == [] and a["related"] == []
    assert a["body_text"].startswith("Chuyển đổi số trước hết là chuyển đổi nhận thức;")
    assert a["body_text"].endswith("được xử lý trên môi trường mạng.")
    assert len(a["latest"]) == 5


@pytest.mark.parametrize(
    ("name", "url", "page_type"),
    [
        ("home.html", HOST + "/", "listing"),
        ("listing-bao-cao-cchc-dinh-ky.html", HOST + "/ket-qua-cchc/bao-cao-cchc-dinh-ky", "listing"),
        ("document-2524-kh-ubnd.html", HOST + "/van-ban-cchc/van-ban-cua-tinh/ke-hoach-2524-kh-ubnd-1021.html", "document"),
        ("page-gioi-thieu.html", HOST + "/gioi-thieu", "page"),
        ("not-found.html", HOST + "/khong-co", "page"),
    ],
)
def test_pages_that_are_not_articles(name, url, page_type):
    assert extract_article(page(name), url) is None
    assert extract_page(page(name), url).page_type == page_type


def test_listing_links_include_pagination_and_articles():
    links = extract_page(page("listing-bao-cao-cchc-dinh-ky.html"), HOST + "/ket-qua-cchc/bao-cao-cchc-dinh-ky").links
    assert HOST + "/ket-qua-cchc/bao-cao-cchc-dinh-ky?page=2" in links
    assert SEED_URL in links
    assert not any(link.startswith(("javascript:", "mailto:")) for link in links)


def _as_windows_1258(text: str) -> bytes:
    """Vietnamese as cp1258 writes it: tone marks as combining characters after the letter."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append(base + "".join(c for c in decomposed if c in tones))
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


def test_windows_1258_and_decomposed_pages_give_the_same_nfc_text():
    utf8 = page("article-sipas-plan-2023.html").decode("utf-8")
    expected = extract_article(utf8.encode("utf-8"), SIPAS_URL)
    legacy = utf8.replace("charset=utf-8", "charset=windows-1258")
    from_header = extract_article(_as_windows_1258(legacy), SIPAS_URL, content_type="text/html; charset=windows-1258")
    from_meta = extract_article(_as_windows_1258(legacy), SIPAS_URL)
    decomposed = extract_article(unicodedata.normalize("NFD", utf8).encode("utf-8"), SIPAS_URL)
    for other in (from_header, from_meta, decomposed):
        for field in ("title", "body_text", "breadcrumb", "category", "published", "content_sha256"):
            assert other[field] == expected[field], field


WORD_BODY = """<div class="news-content">
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->
<style>p.MsoNormal {mso-style-parent:""; margin:0cm;}</style>
<p class="MsoNormal" style="text-align:justify;mso-line-height-alt:150%"><span style="font-size:14.0pt;mso-bidi-font-size:12pt">Sở Nội vụ&nbsp;tổ chức&nbsp;&nbsp;hội nghị <b>tinh giản biên chế</b><o:p></o:p></span></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal" style="mso-margin-top-alt:auto"><span lang="VI" style="mso-ansi-language:VI">Ban chấp hành Đảng bộ tỉnh<span style="mso-spacerun:yes">&nbsp; </span>chỉ đạo.</span><o:p></o:p></p>
<script>alert(1)</script><p onclick="x()">Hết.</p>
</div>"""


def test_word_pasted_body_is_clean():
    html = page("article-digital-transformation.html").decode("utf-8")
    start = html.index('<div class="news-content">')
    end = html.index('<div class="news-tools">')
    html = html[:start] + WORD_BODY + "\n" + html[end:]
    a = extract_article(html, DIGITAL_URL)
    assert a["body_text"] == "Sở Nội vụ tổ chức hội nghị tinh giản biên chế\n\nBan chấp hành Đảng bộ tỉnh chỉ đạo.\n\nHết."
    for leftover in ("mso-", "o:p", "<style", "<script", "onclick", "MsoNormal", "\xa0", "&nbsp;"):
        assert leftover not in a["body_html"]


def test_generic_extractor_when_the_profile_misses():
    html = page("article-report-2021-q3.html").decode("utf-8")
    for old, new in (("news-detail", "post"), ("news-title", "headline"), ("news-date", "meta-info"),
                     ("news-content", "entry"), ("news-other", "more-posts")):
        html = html.replace(old, new)
    a = extract_article(html, SEED_URL)
    assert a["extraction_method"] == "generic"
    assert a["title"] == "Kết quả thực hiện công tác cải cách hành chính Quý III năm 2021 của tỉnh Lai Châu"
    assert a["published"] == "2021-09-24T00:00:00+07:00"
    assert a["body_text"] == "\n\n".join(seed_paragraphs())


def test_unparseable_date_keeps_raw_text():
    html = page("article-digital-transformation.html").decode("utf-8").replace("27/02/2023 8:12:07 SA", "32/13/2021 8:12:07 SA")
    a = extract_article(html, DIGITAL_URL)
    assert a["published"] is None
    assert a["published_raw"] == "32/13/2021 8:12:07 SA"
    assert a["warnings"] == ["unparseable date: 32/13/2021 8:12:07 SA"]


def test_print_view_names_its_canonical_article():
    html = page("article-digital-transformation.html").decode("utf-8").replace(
        "</head>", f'<link rel="canonical" href="{DIGITAL_URL}" />\n</head>')
    info = extract_page(html, DIGITAL_URL + "?print=1")
    assert info.page_type == "article"
    assert info.canonical_url == DIGITAL_URL


def test_empty_document_is_a_parse_error():
    with pytest.raises(ParseError):
        extract_page(b"   ", HOST + "/x")


SCRIPTED_BODY = """<div class="news-content">
<p>Trước<script>alert(1)</script> sau.</p>
<p><img src="javascript:alert(2)" alt="x" /><img src="/anh.jpg" onerror="alert(3)" onload="alert(4)" alt="Ảnh" /></p>
<p><a href="javascript:alert(5)">liên kết</a> <a href="/bai-1.html" onclick="alert(6)">bài</a></p>
<iframe src="https://example.invalid/"></iframe><svg onload="alert(7)"><script>alert(8)</script></svg>
<noscript><p>Bật JavaScript</p></noscript><object data="x.swf"></object>
</div>"""


def test_body_html_cannot_run_script():
    from crawler.replica.hostile import script_vectors

    html = page("article-digital-transformation.html").decode("utf-8")
    start, end = html.index('<div class="news-content">'), html.index('<div class="news-tools">')
    a = extract_article(html[:start] + SCRIPTED_BODY + "\n" + html[end:], DIGITAL_URL)
    assert script_vectors(a["body_html"]) == []
    assert "alert" not in a["body_html"] and "Bật JavaScript" not in a["body_html"]
    assert a["images"] == [{"src": HOST + "/anh.jpg", "alt": "Ảnh", "caption": None}]
    assert a["body_text"] == "Trước sau.\n\nliên kết bài"


@pytest.mark.parametrize(
    "breadcrumb",
    [
        '<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/ket-qua-cchc">Kết quả CCHC</a> » Báo cáo CCHC định kỳ</div>',
        '<div class="breadcrumb"><ul><li><a href="/">Trang chủ</a></li><li><a href="/k">Kết quả <b>CCHC</b></a></li>'
        '<li class="active">Báo cáo CCHC định kỳ</li></ul></div>',
        '<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="/k">Kết quả CCHC</a> &gt; <span>Báo cáo CCHC định kỳ</span></div>',
    ],
)
def test_breadcrumb_in_other_shapes(breadcrumb):
    html = page("article-report-2021-q3.html").decode("utf-8")
    start = html.index('<div class="breadcrumb">')
    end = html.index("</div>", start) + len("</div>")
    a = extract_article(html[:start] + breadcrumb + html[end:], SEED_URL)
    assert a["breadcrumb"] == ["Trang chủ", "Kết quả CCHC", "Báo cáo CCHC định kỳ"]
    assert a["category"] == "Báo cáo CCHC định kỳ"


def test_related_dates_beside_or_inside_the_link():
    html = page("article-report-2021-q3.html").decode("utf-8")
    start = html.index('<div class="news-other">')
    end = html.index('<div id="right-col">')
    box = """<div class="news-other"><div class="title-box">Tin liên quan</div>
<p><a href="/a-1.html">Bài một</a> (20/12/2022 9:18:33 CH)</p>
<div><a href="/a-2.html">Bài hai (21/06/2022 3:46:32 CH)</a></div>
<div><a href="/a-3.html">Bài ba</a></div></div></div>
"""
    related = extract_article(html[:start] + box + html[end:], SEED_URL)["related"]
    assert [(r["title"], r["published"]) for r in related] == [
        ("Bài một", "2022-12-20T21:18:33+07:00"),
        ("Bài hai", "2022-06-21T15:46:32+07:00"),
        ("Bài ba", None),
    ]


def test_extract_article_reads_no_article_in_an_empty_answer():
    assert extract_article(b"   ", HOST + "/x") is None
