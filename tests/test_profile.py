"""Site profiles: the shipped one loads, a researcher's file is used, a bad one is one clear line."""

from __future__ import annotations

import pytest

from crawler.extraction.extract import extract_page
from crawler.extraction.profile import EMPTY, ProfileError, compile_selector, default_profile, load_profile, parse_profile

from .test_extract import HOST, page


def test_the_shipped_profile_describes_the_site():
    profile = default_profile()
    assert profile.home == "https://cchc.laichau.gov.vn/"
    assert profile.has_article
    assert profile.article_id("/ket-qua-cchc/ket-qua-thuc-hien-2745.html") == 2745
    assert profile.article_id("/ket-qua-cchc") is None
    assert profile.skips("/tim-kiem?keyword=x") and not profile.skips("/tin-tuc-su-kien")


def test_a_css_class_matches_a_whole_class_name_only():
    import lxml.html

    root = lxml.html.fromstring('<div><div class="form-item-newsletters">a</div><div class="item-news x">b</div></div>')
    assert [el.text for el in compile_selector("div.item-news")(root)] == ["b"]


def test_a_profile_file_replaces_the_shipped_one(tmp_path):
    html = page("article-report-2021-q3.html").decode("utf-8").replace("news-title", "tieu-de")
    url = HOST + "/ket-qua-cchc/bao-cao-cchc-dinh-ky/ket-qua-2745.html"
    assert extract_page(html, url).extraction_method == "generic"
    path = tmp_path / "site.toml"
    path.write_text(
        '[article]\ntitle = ["h1.tieu-de"]\ndate = [".news-date"]\nbody = [".news-content"]\n'
        "[urls]\narticle = '-(\\d+)\\.html$'\n",
        encoding="utf-8",
    )
    found = extract_page(html, url, profile=load_profile(path))
    assert found.extraction_method == "profile"
    assert found.article["published"] == "2021-09-24T00:00:00+07:00" and found.article["site_id"] == 2745


def test_a_date_read_from_an_attribute():
    profile = parse_profile('[article]\ntitle = ["h1"]\nbody = ["div.c"]\ndate = ["//time/@datetime"]\n')
    html = '<h1>Tiêu đề</h1><time datetime="2021-09-24T01:15:00Z">24/9</time><div class="c"><p>Nội dung.</p></div>'
    article = extract_page(html, "https://h/a-1.html", profile=profile).article
    assert article["published"] == "2021-09-24T08:15:00+07:00"
    assert article["published_raw"] == "2021-09-24T01:15:00Z"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[article\ntitle = 1", "not valid TOML"),
        ('[article]\ntitel = ["h1"]', "unknown key article.titel"),
        ('[articles]\ntitle = ["h1"]', "unknown table [articles]"),
        ('[article]\ntitle = ["h1[["]', "article.title: invalid selector 'h1[['"),
        ("[article]\ntitle = 3", "article.title: must be a list of selectors"),
        ("[dates]\npattern = '(\\d+)/(\\d+)'", "dates.pattern: needs the named groups"),
        ("[urls]\narticle = '('", "urls.article: invalid regular expression"),
    ],
)
def test_a_malformed_profile_is_one_line_naming_the_key(text, message):
    with pytest.raises(ProfileError) as raised:
        parse_profile(text, "site.toml")
    assert message in str(raised.value) and str(raised.value).startswith("profile site.toml: ")
    assert "\n" not in str(raised.value)


def test_a_missing_profile_file_is_one_line(tmp_path):
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile(tmp_path / "none.toml")


def test_the_empty_profile_recognises_nothing():
    assert not EMPTY.has_article and EMPTY.article_id("/a-1.html") is None
