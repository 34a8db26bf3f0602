"""Document pages: their particulars read whatever the markup, order, case and spacing of the labels."""

from __future__ import annotations

import pytest

from crawler.extraction.extract import extract_page
from crawler.extraction.profile import EMPTY, ProfileError, default_profile, parse_profile
from crawler.replica import MARKUPS, build_replica

HOST = "https://cchc.laichau.gov.vn"
URL = HOST + "/van-ban-cchc/van-ban-cua-tinh/ke-hoach-2524-kh-ubnd-1021.html"


def _page(main: str, head: str = "") -> str:
    return (f"<html><head><title>Văn bản</title>{head}</head><body><div class='menu'><a href='/'>Trang chủ</a></div>"
            f"<div class='content'>{main}</div><div class='footer'>Sở Nội vụ tỉnh Lai Châu</div></body></html>")  # fmt: skip


def _read(html: str, profile=None) -> dict:
    page = extract_page(html, URL, profile=profile or default_profile())
    assert page.page_type == "document", page
    assert page.document is not None
    return page.document


def test_the_sites_table_of_particulars_is_read_into_fields():
    html = _page(
        '<div class="doc-detail"><table class="doc-info">'
        "<tr><th>Số ký hiệu</th><td>2524/KH-UBND</td></tr>"
        "<tr><th>Ngày ban hành</th><td>18/08/2021</td></tr>"
        "<tr><th>Loại văn bản</th><td>Kế hoạch</td></tr>"
        "<tr><th>Cơ quan ban hành</th><td>UBND tỉnh Lai Châu</td></tr>"
        "<tr><th>Người ký</th><td>Phó Chủ tịch UBND tỉnh</td></tr>"
        "<tr><th>Trích yếu</th><td>Đo lường sự hài lòng của người dân năm 2021</td></tr>"
        '<tr><th>Tệp đính kèm</th><td><a href="/Uploads/files/2524-KH-UBND.pdf">2524-KH-UBND.pdf</a></td></tr>'
        "</table></div>"
    )
    document = _read(html)
    assert document["url"] == URL
    assert document["number_raw"] == "2524/KH-UBND" and document["number"] == "2524/KH-UBND"
    assert document["kind"] == "Kế hoạch" and document["issuer"] == "UBND tỉnh Lai Châu"
    assert document["issued"] == "2021-08-18" and document["issued_raw"] == "18/08/2021" and document["year"] == 2021
    assert document["signer"] == "Phó Chủ tịch UBND tỉnh"
    assert document["summary"] == "Đo lường sự hài lòng của người dân năm 2021"
    assert document["effective"] is None and document["field"] is None and document["other"] == {}
    assert document["files"] == [{"url": HOST + "/Uploads/files/2524-KH-UBND.pdf", "name": "2524-KH-UBND.pdf"}]


def test_labels_in_any_order_case_and_spacing_and_unknown_labels_are_kept():
    html = _page(
        "<table class='chi-tiet'>"
        "<tr><td><b>TRÍCH YẾU</b></td><td>Về việc tăng cường kỷ luật hành chính</td></tr>"
        "<tr><td><b>Cơ quan  ban hành :</b></td><td>Chính phủ</td></tr>"
        "<tr><td><b>SỐ KÝ HIỆU</b></td><td>107/2020/ND-CP</td></tr>"
        "<tr><td><b>Ngày có hiệu lực:</b></td><td>10/11/2020</td></tr>"
        "<tr><td><b>ngày ban hành:</b></td><td>14/9/2020</td></tr>"
        "<tr><td><b>Lĩnh vực</b></td><td>Tổ chức bộ máy</td></tr>"
        "<tr><td><b>Tình trạng hiệu lực:</b></td><td>Còn hiệu lực</td></tr>"
        "</table>"
    )
    document = _read(html)
    assert document["number_raw"] == "107/2020/ND-CP" and document["number"] == "107/2020/NĐ-CP"
    assert document["kind"] == "Nghị định"  # no Loại văn bản row: decoded from the number's code
    assert document["issuer"] == "Chính phủ"
    assert (document["issued"], document["effective"]) == ("2020-09-14", "2020-11-10")
    assert document["field"] == "Tổ chức bộ máy"
    assert document["summary"] == "Về việc tăng cường kỷ luật hành chính"
    assert document["other"] == {"Tình trạng hiệu lực": "Còn hiệu lực"}


def test_a_definition_list_two_pairs_a_row_and_labelled_lines_are_read_too():
    as_list = _page("<dl><dt>Số hiệu</dt><dd>06/QĐ-TTg</dd><dt>Ngày ban hành</dt><dd>06/01/2022</dd>"
                    "<dt>Loại văn bản</dt><dd>Quyết định</dd><dt>Trích yếu</dt><dd>Đề án 06</dd></dl>")  # fmt: skip
    two_a_row = _page("<table><tr><td>Số ký hiệu</td><td>06/QĐ-TTg</td><td>Ngày ban hành</td><td>06/01/2022</td></tr>"
                      "<tr><td>Loại văn bản</td><td>Quyết định</td><td>Trích yếu</td><td>Đề án 06</td></tr></table>")  # fmt: skip
    lines = _page("<div class='vb'><p>Số ký hiệu: 06/QĐ-TTg</p><p>Ngày ban hành: 06/01/2022</p>"
                  "<p>Loại văn bản: Quyết định</p><p>Trích yếu: Đề án 06</p>"
                  "<p><a href='/files/06-QD-TTg.pdf'>Tải về</a></p></div>")  # fmt: skip
    for html in (as_list, two_a_row, lines):
        document = _read(html, EMPTY)
        assert (document["number"], document["issued"], document["kind"], document["summary"]) == (
            "06/QĐ-TTg", "2022-01-06", "Quyết định", "Đề án 06"), html  # fmt: skip
        assert document["issuer"] == "Thủ tướng Chính phủ"
    assert _read(lines, EMPTY)["files"] == [{"url": HOST + "/files/06-QD-TTg.pdf", "name": "Tải về"}]


def test_a_profile_names_the_rows_and_labels_of_its_site():
    html = _page("<table class='thuoc-tinh'><tr><td>Mã văn bản</td><td>08/CT-UBND</td></tr>"
                 "<tr><td>Ngày ký</td><td>05/10/2022</td></tr><tr><td>Nội dung</td><td>Kỷ luật hành chính</td></tr>"
                 "</table>")  # fmt: skip
    profile = parse_profile(
        '[document]\npage = ["table.thuoc-tinh"]\nrows = ["table.thuoc-tinh"]\n'
        '[document.labels]\nnumber = ["Mã văn bản"]\nsummary = ["Nội dung"]\n'
    )
    document = _read(html, profile)
    assert (document["number"], document["issued"], document["summary"]) == ("08/CT-UBND", "2022-10-05",
                                                                             "Kỷ luật hành chính")  # fmt: skip
    assert document["kind"] == "Chỉ thị"


def test_a_profile_with_labels_of_an_unknown_field_is_one_clear_line():
    with pytest.raises(ProfileError, match=r"document\.labels\.author: unknown field"):
        parse_profile('[document.labels]\nauthor = ["Tác giả"]\n', "site.toml")


def test_other_pages_have_no_document():
    article = extract_page(_page("<h1>Tin</h1><p>Ngày đăng: 01/02/2023</p><p>" + "Nội dung. " * 40 + "</p>"), URL)
    assert article.document is None


@pytest.mark.parametrize("markup", MARKUPS)
def test_every_document_page_of_the_replica_is_read_exactly_in_every_markup(markup):
    replica = build_replica(40, seed=1, markup=markup)
    base = "http://127.0.0.1:8000"
    assert replica.document_truth
    for path, truth in replica.document_truth.items():
        resource = replica.get(path, base=base)
        page = extract_page(resource.body, base + path, content_type=resource.headers.get("Content-Type"))
        assert page.page_type == "document", (markup, path)
        document = page.document
        for key in ("number_raw", "number", "kind", "issuer", "issued", "effective", "signer", "field", "summary",
                    "other"):  # fmt: skip
            assert document[key] == truth[key], (markup, path, key)
        assert [file["url"] for file in document["files"]] == [base + file for file in truth["files"]], (markup, path)
