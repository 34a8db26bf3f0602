"""URL rules: one address per page, and which links the crawl follows."""

import pytest

from crawler.urls import canonicalize_url, is_attachment, is_skipped, same_site

BASE = "https://cchc.laichau.gov.vn/ket-qua-cchc/bao-cao-cchc-dinh-ky"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/a/b-1.html#top", "https://cchc.laichau.gov.vn/a/b-1.html"),
        ("/a/b-1.html?utm_source=zalo&utm_medium=social", "https://cchc.laichau.gov.vn/a/b-1.html"),
        ("/a/b-1.html?fbclid=IwAR0x&zarsrc=31", "https://cchc.laichau.gov.vn/a/b-1.html"),
        ("/x?page=2&utm_campaign=c", "https://cchc.laichau.gov.vn/x?page=2"),
        ("/x?page=2", "https://cchc.laichau.gov.vn/x?page=2"),
        ("b-2.html", "https://cchc.laichau.gov.vn/ket-qua-cchc/b-2.html"),
        ("//cchc.laichau.gov.vn/y", "https://cchc.laichau.gov.vn/y"),
        ("HTTPS://CCHC.laichau.gov.vn/Z", "https://cchc.laichau.gov.vn/Z"),
    ],
)
def test_canonicalize_url_drops_fragments_and_tracking(href, expected):
    assert canonicalize_url(href, BASE) == expected


@pytest.mark.parametrize("href", ["javascript:void(0)", "mailto:cchc@laichau.gov.vn", "tel:02133876650", "data:,x", "ftp://h/x"])
def test_non_web_links_are_dropped(href):
    assert canonicalize_url(href, BASE) is None


def test_same_site_compares_host_and_port():
    assert same_site("https://www.cchc.laichau.gov.vn/x", "https://cchc.laichau.gov.vn/")
    assert not same_site("https://laichau.gov.vn/x", "https://cchc.laichau.gov.vn/")
    assert not same_site("http://127.0.0.1:9/x", "http://127.0.0.1:8000/")


def test_attachments_and_skipped_paths():
    assert is_attachment("https://h/Uploads/files/2023/08/2790-KH-UBND.PDF")
    assert is_attachment("https://h/f/bao-cao.docx")
    assert not is_attachment("https://h/a/b-1.html")
    assert is_skipped("https://h/tim-kiem?keyword=")
    assert is_skipped("https://h/Admin")
    assert not is_skipped("https://h/tin-tuc-su-kien")


def test_links_are_percent_encoded_as_requested():
    assert canonicalize_url("/Uploads/files/Kế hoạch số 12.pdf", BASE) == (
        "https://cchc.laichau.gov.vn/Uploads/files/K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2012.pdf"
    )
    assert canonicalize_url("/a%20b.pdf", BASE) == "https://cchc.laichau.gov.vn/a%20b.pdf"


def test_a_malformed_link_is_no_address_and_raises_nothing():
    assert canonicalize_url("http://[ccpa-preferences]") is None
    assert canonicalize_url("http://exa mple.com:ab/x", "https://h/") is None
    assert canonicalize_url("/a b", "http://[::1") is None
