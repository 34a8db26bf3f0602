"""Publication dates: the site's SA/CH 12-hour clock to ISO 8601 with +07:00."""

import pytest

from crawler.dates import clean_raw_date, now, parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("24/09/2021 12:00:00 SA", "2021-09-24T00:00:00+07:00"),  # 12 SA is midnight
        ("24/09/2021 12:30:05 SA", "2021-09-24T00:30:05+07:00"),
        ("24/09/2021 12:00:00 CH", "2021-09-24T12:00:00+07:00"),  # 12 CH is noon
        ("24/09/2021 12:30:00 CH", "2021-09-24T12:30:00+07:00"),
        ("20/12/2022 9:18:33 CH", "2022-12-20T21:18:33+07:00"),
        ("20/03/2022 11:02:58 SA", "2022-03-20T11:02:58+07:00"),
        ("1/2/2020 1:05:00 SA", "2020-02-01T01:05:00+07:00"),
        ("31/12/2023 11:59:59 CH", "2023-12-31T23:59:59+07:00"),
        ("18/08/2021", "2021-08-18T00:00:00+07:00"),
        ("05/06/2021 14:20", "2021-06-05T14:20:00+07:00"),
    ],
)
def test_site_format_parses_to_iso_with_vietnam_offset(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["32/13/2021 10:00:00 SA", "29/02/2021", "24/09/2021 13:00:00 CH", "", None])
def test_impossible_dates_give_none(raw):
    assert parse_date(raw) is None


def test_other_formats_go_to_dateparser():
    assert parse_date("Thứ sáu, ngày 24 tháng 9 năm 2021") == "2021-09-24T00:00:00+07:00"


def test_clean_raw_date_strips_label_and_parentheses():
    assert clean_raw_date("(Ngày đăng :24/09/2021 12:00:00 SA)") == "24/09/2021 12:00:00 SA"
    assert clean_raw_date("  (20/12/2022   9:18:33 CH) ") == "20/12/2022 9:18:33 CH"


def test_now_is_iso_with_vietnam_offset():
    assert now().endswith("+07:00") and now()[10] == "T"


def test_a_time_written_before_the_date_counts():
    assert parse_date("Cập nhật lúc 08:12 ngày 27/02/2023") == "2023-02-27T08:12:00+07:00"
    assert parse_date("9:05 CH, 27/02/2023") == "2023-02-27T21:05:00+07:00"


def test_clean_raw_date_strips_only_a_leading_label():
    assert clean_raw_date("Cập nhật lúc 08:12 ngày 27/02/2023") == "Cập nhật lúc 08:12 ngày 27/02/2023"
    assert clean_raw_date("(Ngày đăng: 24/09/2021)") == "24/09/2021"
