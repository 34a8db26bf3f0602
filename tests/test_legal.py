"""References to legal and administrative documents: every written form, one normalised number, no look-alikes."""

from __future__ import annotations

import random
import sqlite3
import unicodedata
from importlib import resources

import pytest

from crawler.extraction.legal import ISSUERS, KINDS, LegalRef, decode, find_refs, load_codes, normalize_number


def only(text: str) -> LegalRef:
    """The one reference in `text` (the test fails if there are none or several)."""
    refs = find_refs(text)
    assert len(refs) == 1, refs
    return refs[0]


def numbers(text: str) -> list[str]:
    return [ref.number for ref in find_refs(text)]


# --------------------------------------------------------------------------------------
# Every written form: number, kind, issuer, year, date


@pytest.mark.parametrize(
    ("text", "number", "kind", "issuer", "year", "date"),
    [
        ("Kế hoạch số 2524/KH-UBND ngày 12/10/2021 của UBND tỉnh", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân",
         2021, "2021-10-12"),
        ("2524/KH-UBND", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", None, None),
        ("Nghị định 107/2020/NĐ-CP", "107/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020, None),
        ("theo 107/2020/ND-CP", "107/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020, None),
        ("theo 107/2020/NĐCP", "107/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020, None),
        ("theo 107/2020/NDCP", "107/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020, None),
        ("theo số 1291/QĐ-BNV", "1291/QĐ-BNV", "Quyết định", "Bộ Nội vụ", None, None),
        ("Luật số 80/2015/QH13", "80/2015/QH13", "Luật", "Quốc hội khóa XIII", 2015, None),
        ("Thông tư 01/2023/TT-VPCP", "01/2023/TT-VPCP", "Thông tư", "Văn phòng Chính phủ", 2023, None),
        ("quán triệt 18-NQ/TW", "18-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", None, None),
        ("thực hiện 05-CT/TU", "05-CT/TU", "Chỉ thị", "Tỉnh ủy", None, None),
        ("Nghị quyết số 76/NQ-CP", "76/NQ-CP", "Nghị quyết", "Chính phủ", None, None),
        ("Nghị định số 107/2020/\nNĐ-CP", "107/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020, None),
        ("Nghị định số 107/2020/ NĐ-CP", "107/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020, None),
        ("Quyết định số\xa01291/QĐ-BNV", "1291/QĐ-BNV", "Quyết định", "Bộ Nội vụ", None, None),
        ("Kế hoạch số 2524/KH-\nUBND", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", None, None),
        ("Kế hoạch số 2524/KH–UBND", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", None, None),
        ("Kế hoạch số 2524/KH—UBND", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", None, None),
        ("kế hoạch số 2524/kh-ubnd", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", None, None),
        ("Nghị định số 61/2018 của Chính phủ", "61/2018/NĐ-CP", "Nghị định", "Chính phủ", 2018, None),
        ("Nghị định số 45/2020 của Chính phủ", "45/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020, None),
        ("Nghị định số 45/2020 ngày 08/4/2020 của Chính phủ", "45/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020,
         "2020-04-08"),
        ("Công văn số 1234/UBND-KSTT", "1234/UBND-KSTT", "Công văn", "Ủy ban nhân dân", None, None),
        ("theo 1234/UBND-KSTT", "1234/UBND-KSTT", "Công văn", "Ủy ban nhân dân", None, None),
        ("QĐ số 06/QĐ-TTg", "06/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", None, None),
        ("Quyết định 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ", "06/QĐ-TTg", "Quyết định",
         "Thủ tướng Chính phủ", 2022, "2022-01-06"),
        ("Quyết định số 1052/QĐ-UBND", "1052/QĐ-UBND", "Quyết định", "Ủy ban nhân dân", None, None),
        ("Kế hoạch số 45/KH-SNV", "45/KH-SNV", "Kế hoạch", "Sở Nội vụ", None, None),
        ("Hướng dẫn số 12/HD-SNV", "12/HD-SNV", "Hướng dẫn", "Sở Nội vụ", None, None),
        ("Báo cáo số 356/BC-UBND", "356/BC-UBND", "Báo cáo", "Ủy ban nhân dân", None, None),
        ("Thông báo số 215/TB-VPUB", "215/TB-VPUB", "Thông báo", "Văn phòng Ủy ban nhân dân", None, None),
        ("Nghị quyết số 15/2021/NQ-HĐND", "15/2021/NQ-HĐND", "Nghị quyết", "Hội đồng nhân dân", 2021, None),
        ("Thông tư số 25/2020/TT-BNV", "25/2020/TT-BNV", "Thông tư", "Bộ Nội vụ", 2020, None),
        ("Thông tư số 18/2020/TT-BTC", "18/2020/TT-BTC", "Thông tư", "Bộ Tài chính", 2020, None),
        ("Thông tư số 22/2019/TT-BTTTT", "22/2019/TT-BTTTT", "Thông tư", "Bộ Thông tin và Truyền thông", 2019, None),
        ("Quyết định số 2568/QĐ-BTTTT", "2568/QĐ-BTTTT", "Quyết định", "Bộ Thông tin và Truyền thông", None, None),
        ("Kết luận số 21-KL/TW", "21-KL/TW", "Kết luận", "Ban Chấp hành Trung ương", None, None),
        ("Nghị quyết số 05-NQ/TU", "05-NQ/TU", "Nghị quyết", "Tỉnh ủy", None, None),
        ("Kế hoạch số 12-KH/TU", "12-KH/TU", "Kế hoạch", "Tỉnh ủy", None, None),
        ("Quyết định số 390-QĐ/TU", "390-QĐ/TU", "Quyết định", "Tỉnh ủy", None, None),
        ("Luật số 63/2020/QH14", "63/2020/QH14", "Luật", "Quốc hội khóa XIV", 2020, None),
        ("Luật số 22/2023/QH15", "22/2023/QH15", "Luật", "Quốc hội khóa XV", 2023, None),
        ("Nghị quyết số 1211/2016/UBTVQH13", "1211/2016/UBTVQH13", "Nghị quyết",
         "Ủy ban Thường vụ Quốc hội khóa XIII", 2016, None),
        ("Pháp lệnh số 02/2022/UBTVQH14", "02/2022/UBTVQH14", "Pháp lệnh", "Ủy ban Thường vụ Quốc hội khóa XIV",
         2022, None),
        ("Thông tư liên tịch số 03/2008/TTLT-BNV-BTC", "03/2008/TTLT-BNV-BTC", "Thông tư liên tịch",
         "Bộ Nội vụ, Bộ Tài chính", 2008, None),
        ("Quy định số 08-QĐi/TW ngày 25/10/2018", "08-QĐi/TW", "Quy định", "Ban Chấp hành Trung ương", 2018,
         "2018-10-25"),
        ("Quy định số 205-QĐ/TW", "205-QĐ/TW", "Quy định", "Ban Chấp hành Trung ương", None, None),
        ("Nghị quyết số 18/NQ-TW", "18-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", None, None),
        ("Kế hoạch số 2524/KH-UBND ngày 12 tháng 10 năm 2021", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", 2021,
         "2021-10-12"),
        ("Kế hoạch số 2524/KH-UBND, ngày 12-10-2021", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", 2021,
         "2021-10-12"),
        ("Văn bản số 1523/SNV-CCHC", "1523/SNV-CCHC", "Công văn", "Sở Nội vụ", None, None),
        ("KẾ HOẠCH SỐ 78/KH-UBND", "78/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", None, None),
        ("QUYẾT ĐỊNH SỐ 06/QĐ-TTG", "06/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", None, None),
        ("Ke hoach so 2524/KH-UBND ngay 12/10/2021", "2524/KH-UBND", "Kế hoạch", "Ủy ban nhân dân", 2021,
         "2021-10-12"),
        ("Nghị quyết số 36a/NQ-CP", "36a/NQ-CP", "Nghị quyết", "Chính phủ", None, None),
        ("Quyết định số 1052/QĐ - UBND", "1052/QĐ-UBND", "Quyết định", "Ủy ban nhân dân", None, None),
        ("Nghị định số 47/2019/NĐ- CP", "47/2019/NĐ-CP", "Nghị định", "Chính phủ", 2019, None),
        ("Nghị quyết số 18 của Ban Chấp hành Trung ương", "18-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương", None,
         None),
        ("Quyết định số 12/2019 của UBND tỉnh", "12/2019/QĐ-UBND", "Quyết định", "Ủy ban nhân dân", 2019, None),
        ("Luật số 80/2015 của Quốc hội khóa XIII", "80/2015/QH13", "Luật", "Quốc hội khóa XIII", 2015, None),
        ("Thông tư số 15/2023 của Bộ Thông tin và Truyền thông", "15/2023/TT-BTTTT", "Thông tư",
         "Bộ Thông tin và Truyền thông", 2023, None),
        ("Kế hoạch số 45/KH-XYZ", "45/KH-XYZ", "Kế hoạch", None, None, None),
        ("số 45/ABC-XYZ", "45/ABC-XYZ", None, None, None, None),
        ("Nghị định số 107/2020/NÐ-CP", "107/2020/NĐ-CP", "Nghị định", "Chính phủ", 2020, None),  # Icelandic Ð
    ],
)  # fmt: skip
def test_each_written_form_gives_its_document(text, number, kind, issuer, year, date):
    ref = only(text)
    assert (ref.number, ref.kind, ref.issuer, ref.year, ref.date) == (number, kind, issuer, year, date)


@pytest.mark.parametrize(
    "text",
    [
        "Nghị quyết số 18,19-NQ/TW",
        "Nghị quyết số 18, 19-NQ/TW",
        "Nghị quyết số 18 và 19-NQ/TW",
        "Nghị quyết số 18-NQ/TW, 19-NQ/TW",
        "Nghị quyết số 18-NQ/TW và Nghị quyết số 19-NQ/TW",
    ],
)
def test_a_list_sharing_one_code_gives_a_reference_per_number(text):
    assert numbers(text) == ["18-NQ/TW", "19-NQ/TW"]
    assert all(ref.kind == "Nghị quyết" and ref.issuer == "Ban Chấp hành Trung ương" for ref in find_refs(text))


def test_a_shared_code_list_splits_its_text_between_the_numbers():
    first, second = find_refs("Thực hiện Nghị quyết số 18, 19-NQ/TW của Trung ương")
    assert (first.text, second.text) == ("Nghị quyết số 18", "19-NQ/TW")


def test_a_list_sharing_a_year_and_code_and_its_date():
    refs = find_refs("Quyết định số 1290, 1291/QĐ-UBND ngày 15/9/2022 và Nghị định số 107 và 108/2020/NĐ-CP")
    assert [ref.number for ref in refs] == ["1290/QĐ-UBND", "1291/QĐ-UBND", "107/2020/NĐ-CP", "108/2020/NĐ-CP"]
    assert [ref.date for ref in refs[:2]] == ["2022-09-15", "2022-09-15"]


def test_a_number_after_a_date_is_no_list_with_the_year():
    assert numbers("ngày 12/10/2021, 2524/KH-UBND") == ["2524/KH-UBND"]
    assert numbers("năm 2021, 2524/KH-UBND") == ["2524/KH-UBND"]


def test_text_is_kind_words_and_number_as_written():
    assert only("Thực hiện Kế hoạch số 2524/KH-UBND ngày 12/10/2021").text == "Kế hoạch số 2524/KH-UBND"
    assert only("Thực hiện Kế hoạch số: 2524/KH-UBND").text == "Kế hoạch số: 2524/KH-UBND"
    assert only("Căn cứ 107/2020/NĐ-CP").text == "107/2020/NĐ-CP"
    assert only("Số: 2790/QĐ-UBND").text == "2790/QĐ-UBND"  # no kind word: just the number
    assert only("Luật Tổ chức chính quyền địa phương số 77/2015/QH13").text == (
        "Luật Tổ chức chính quyền địa phương số 77/2015/QH13"
    )


def test_a_year_written_right_after_the_number_is_its_year():
    assert only("Quyết định số 1085/QĐ-TTg năm 2022 ban hành").year == 2022
    assert only("Kế hoạch số 2524/KH-UBND ngày 12/10/2021").year == 2021
    assert only("Nghị định số 107/2020/NĐ-CP năm 2021").year == 2020  # the number's own year first


def test_kind_words_across_a_line_break_and_by_their_code():
    assert only("Kế hoạch\nsố 2524/KH-UBND").text == "Kế hoạch\nsố 2524/KH-UBND"
    assert only("Kế hoạch số\n2524/KH-UBND").text == "Kế hoạch số\n2524/KH-UBND"
    assert only("theo QĐ 1355/QĐ-UBND").text == "QĐ 1355/QĐ-UBND"
    assert only("cho 12 CT 5/KH-UBND").kind == "Kế hoạch"  # a code written as a word does not outrank the number's
    assert only("Thông báo kết luận số 12-TB/TU").kind == "Thông báo"


def test_weak_forms_need_so_or_a_kind_word():
    assert find_refs("phòng 2/UBND tỉnh") == [] and only("Số: 567/UBND").number == "567/UBND"
    assert find_refs("Tiêu chí 19/QG-NTM") == [] and only("số 19/QG-NTM").number == "19/QG-NTM"


def test_a_line_break_after_a_dash_keeps_a_word_out_of_the_code():
    assert only("Kế hoạch số 2524/KH-UBND-\nthực hiện").number == "2524/KH-UBND"
    assert only("Kế hoạch số 2524/KH-UBND - UBND tỉnh ban hành").number == "2524/KH-UBND"


# --------------------------------------------------------------------------------------
# Look-alikes


@pytest.mark.parametrize(
    "text",
    [
        "ngày 12/10/2021",
        "sáng 12/10",
        "tỷ lệ 3/4 số xã",
        "đạt 85,5/100 điểm",
        "19/20 huyện",
        "đạt 8/10 tiêu chí",
        "điện thoại 0213.3876.650",
        "điện thoại 0213 3876650",
        "/Uploads/files/2524-KH-UBND.pdf",
        "https://x.gov.vn/2524/KH-UBND",
        "tải tệp 2524/KH-UBND.pdf",
        "xem www.laichau.gov.vn/Uploads/18-NQ/TW.pdf",
        "Trang 2/5",
        "giai đoạn 2021-2030",
        "giai đoạn 2021 - 2025",
        "quý III/2021",
        "năm 2020/2021",
        "bản đồ tỷ lệ 1/500",
        "hoạt động 24/7",
        "lúc 12:00",
        "Điều 5",
        "khoản 2",
        "Nghị định số 61",
        "Nghị định số 61 của Chính phủ",
        "Luật số 80/2015",  # which National Assembly passed it goes unsaid
        "Thông tư số 15/2023",  # and which ministry issued this
        "Quyết định số 468",
        "Báo cáo 6/2021 của UBND tỉnh",
        "Mẫu số 01/TK-ĐKT",
        "phòng 2/UBND tỉnh",
        "Tiêu chí 19/QG-NTM",
        "Km 12/QL4D",
        "COVID-19",
        "trụ sở số 12/3 đường Trần Hưng Đạo",
        "xếp thứ 35/63 tỉnh",
        "50 triệu đồng/năm",
        "2/9/1945",
        "năm 2020/ tháng 5",
        "",
    ],
)
def test_look_alikes_are_no_references(text):
    assert find_refs(text) == []


def test_look_alikes_beside_a_reference_leave_it_alone():
    text = "Ngày 12/10/2021, UBND tỉnh ban hành Kế hoạch số 2524/KH-UBND, đạt 19/20 chỉ tiêu, giai đoạn 2021-2025."
    assert numbers(text) == ["2524/KH-UBND"]


# --------------------------------------------------------------------------------------
# Offsets


def test_offsets_point_into_the_source_in_order():
    text = ("Căn cứ Nghị định số 107/2020/\nNĐ-CP ngày 14/9/2020; Nghị quyết số 18,\xa019-NQ/TW; "
            "Kế hoạch số 2524/KH–UBND; Nghị định số 61/2018 của Chính phủ")  # fmt: skip
    refs = find_refs(text)
    assert [ref.number for ref in refs] == ["107/2020/NĐ-CP", "18-NQ/TW", "19-NQ/TW", "2524/KH-UBND", "61/2018/NĐ-CP"]
    assert all(text[ref.start : ref.end] == ref.text for ref in refs)
    assert [ref.start for ref in refs] == sorted(ref.start for ref in refs)


def test_an_nfd_text_keeps_its_own_offsets():
    text = unicodedata.normalize("NFD", "Thực hiện Kế hoạch số 2524/KH-UBND ngày 12/10/2021 của UBND tỉnh")
    ref = only(text)
    assert ref.number == "2524/KH-UBND" and ref.date == "2021-10-12"
    assert text[ref.start : ref.end] == ref.text and ref.text.startswith(unicodedata.normalize("NFD", "Kế"))


def test_odd_text_never_raises_and_offsets_round_trip():
    pieces = ["0123456789", "/", "-", "–", ",", " ", "\n", "\xa0", "\u0301", "số ", "Nghị định ", "QĐ-UBND",
              "NĐ-CP", "KH", "/TW", "của Chính phủ", "ngày ", "tháng ", "năm ", "Đ", "đ", "và ", "😀", "İ", "한"]  # fmt: skip
    chooser = random.Random(7)
    for _ in range(3000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 25)))
        for ref in find_refs(text):
            assert text[ref.start : ref.end] == ref.text
        normalize_number(text)
    assert find_refs(None) == []  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# normalize_number


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("107/2020/NĐ-CP", "107/2020/NĐ-CP"),
        ("107/2020/ND-CP", "107/2020/NĐ-CP"),
        ("107/2020/NĐCP", "107/2020/NĐ-CP"),
        ("107/2020/\nNĐ-CP", "107/2020/NĐ-CP"),
        ("107 / 2020 / nđ-cp", "107/2020/NĐ-CP"),
        ("2524/kh-ubnd", "2524/KH-UBND"),
        ("2524/KH–UBND", "2524/KH-UBND"),
        ("số 1291/QĐ-BNV", "1291/QĐ-BNV"),
        ("qd-ubnd", None),
        ("12/qd-ubnd", "12/QĐ-UBND"),
        ("6/QĐ-TTg", "06/QĐ-TTg"),
        ("06/qđ-ttg", "06/QĐ-TTg"),
        ("18-NQ/TW", "18-NQ/TW"),
        ("18/NQ-TW", "18-NQ/TW"),
        ("18-nq/tw", "18-NQ/TW"),
        ("18-NQ/TƯ", "18-NQ/TW"),
        ("05 - CT/TU", "05-CT/TU"),
        ("80/2015/QH13", "80/2015/QH13"),
        ("Luật số 80/2015/qh13", "80/2015/QH13"),
        ("1234/UBND-KSTT", "1234/UBND-KSTT"),
        ("1234/ubnd-kstt", None),  # a unit code the table does not know, in lower case, is no code
        ("Nghị định số 61/2018", "61/2018/NĐ-CP"),
        ("12/10/2021", None),
        ("3/4", None),
        ("18,19-NQ/TW", None),  # two documents
        ("", None),
        (None, None),
    ],
)
def test_normalize_number(written, normal):
    assert normalize_number(written) == normal


def test_normalize_number_is_idempotent_on_what_find_refs_gives():
    text = "Nghị định số 108/2020/NĐCP; Nghị quyết số 18, 19-NQ/TW; QĐ số 06/qđ-ttg; 03/2008/TTLT-BNV-BTC"
    for ref in find_refs(text):
        assert normalize_number(ref.number) == ref.number


def test_normalize_number_serves_as_an_sql_function():
    connection = sqlite3.connect(":memory:")
    connection.create_function("normalize_number", 1, normalize_number, deterministic=True)
    connection.execute("CREATE TABLE refs (number TEXT)")
    connection.executemany("INSERT INTO refs VALUES (?)", [("107/2020/ND-CP",), ("107/2020/NĐ-CP",), ("12/10/2021",)])
    rows = connection.execute(
        "SELECT count(*) FROM refs WHERE normalize_number(number) = normalize_number('107/2020/NĐCP')"
    ).fetchone()
    assert rows == (2,)
    assert connection.execute("SELECT normalize_number(NULL), normalize_number(42)").fetchone() == (None, None)


# --------------------------------------------------------------------------------------
# The code table


def test_the_code_table_loads_kinds_and_issuers():
    assert KINDS["NĐ"] == "Nghị định" and KINDS["QĐ"] == "Quyết định" and KINDS["TTLT"] == "Thông tư liên tịch"
    assert KINDS["CTr"] == "Chương trình" and KINDS["ĐA"] == "Đề án" and KINDS["QĐi"] == "Quy định"
    assert ISSUERS["CP"] == "Chính phủ" and ISSUERS["TTg"] == "Thủ tướng Chính phủ"
    assert ISSUERS["QH13"] == "Quốc hội khóa XIII" and ISSUERS["TW"] == "Ban Chấp hành Trung ương"
    assert {"UBND", "HĐND", "BNV", "VPCP", "TU", "HU", "BTC", "BTTTT", "BKHĐT", "BTP", "BCA", "SNV", "VPUB",
            "VPUBND", "BCĐ", "UBTVQH14", "QH11", "QH15"} <= set(ISSUERS)  # fmt: skip


def test_the_code_table_is_package_data_beside_the_module():
    assert resources.files("crawler.extraction").joinpath("legal_codes.toml").is_file()


def test_an_unknown_code_is_kept_as_written_with_no_kind_or_issuer():
    ref = only("Quyết định số 45/QĐ-BQLDA")
    assert (ref.number, ref.kind, ref.issuer) == ("45/QĐ-BQLDA", "Quyết định", None)
    ref = only("số 12/XYZ-ĐT")
    assert (ref.number, ref.kind, ref.issuer) == ("12/XYZ-ĐT", None, None)
    assert only("số 12/xyz-đt").number == "12/XYZ-ĐT"  # unknown codes are upper-cased, Đ kept


def test_the_lookup_prefers_the_spelling_as_written_before_reading_d_as_đ():
    assert decode("12", None, ["HD", "SNV"]).kind == "Hướng dẫn"
    assert decode("12", None, ["HĐ", "SNV"]).kind == "Hợp đồng"
    assert decode("12", None, ["ND", "CP"]).number == "12/NĐ-CP"


def test_a_table_edit_changes_the_decoding(tmp_path):
    shipped = resources.files("crawler.extraction").joinpath("legal_codes.toml").read_text(encoding="utf-8")
    before = only("Kế hoạch số 15/KH-BQLDA")
    assert (before.number, before.issuer) == ("15/KH-BQLDA", None)

    edited = tmp_path / "codes.toml"
    edited.write_text(shipped.replace("[issuers]\n", '[issuers]\n"BQLDA" = "Ban Quản lý dự án"\n', 1), encoding="utf-8")
    table = load_codes(edited)
    after = find_refs("Kế hoạch số 15/KH-bqlda", table)[0]
    assert (after.number, after.issuer) == ("15/KH-BQLDA", "Ban Quản lý dự án")

    renamed = tmp_path / "renamed.toml"
    renamed.write_text(shipped.replace('"KH" = "Kế hoạch"', '"KH" = "Kế hoạch công tác"'), encoding="utf-8")
    assert find_refs("theo 2524/KH-UBND", load_codes(renamed))[0].kind == "Kế hoạch công tác"
    assert only("theo 2524/KH-UBND").kind == "Kế hoạch"  # the shipped table is untouched


def test_a_party_issuer_listed_in_the_table_decides_the_party_form(tmp_path):
    shipped = resources.files("crawler.extraction").joinpath("legal_codes.toml").read_text(encoding="utf-8")
    edited = tmp_path / "codes.toml"
    edited.write_text(shipped.replace('party_issuers = ["TW", ', 'party_issuers = ["ĐTN", "TW", ', 1)
                      .replace("[issuers]\n", '[issuers]\n"ĐTN" = "Đoàn Thanh niên"\n', 1), encoding="utf-8")  # fmt: skip
    ref = find_refs("Kế hoạch số 12/KH-ĐTN", load_codes(edited))[0]
    assert (ref.number, ref.issuer) == ("12-KH/ĐTN", "Đoàn Thanh niên")


# --------------------------------------------------------------------------------------
# The replica's articles


def test_every_reference_the_replica_declares_is_found(replica):
    for article in replica.articles[:60]:
        declared = getattr(article, "legal_refs", None)
        if declared is None:
            pytest.skip("this replica declares no references")
        for field, text in (("title", article.title), ("body_text", article.body_text)):
            want = sorted(ref["number"] for ref in declared if ref["field"] == field)
            assert sorted(ref.number for ref in find_refs(text)) == want, (article.path, field)
