"""Text normalisation and the folded form used by search."""

import unicodedata

from crawler.text import error_line, fold, nfc, normalize_space


def test_fold_strips_diacritics_and_d_stroke():
    assert fold("Đảng bộ") == "dang bo"
    assert fold("TINH GIẢN BIÊN CHẾ") == "tinh gian bien che"
    assert fold("đường Điện Biên Phủ") == "duong dien bien phu"


def test_fold_keeps_offsets():
    text = "Ban chấp hành Đảng bộ tỉnh, “cải cách” – 100%"
    assert len(fold(text)) == len(text)


def test_nfc_composes_decomposed_text():
    decomposed = unicodedata.normalize("NFD", "Lai Châu cải cách")
    assert nfc(decomposed) == "Lai Châu cải cách"


def test_normalize_space_collapses_nbsp_and_keeps_line_breaks():
    assert normalize_space("a\u00a0\u00a0 b\t c \n d\u200b") == "a b c\nd"


def test_error_line_names_the_error_on_one_line():
    assert error_line(TimeoutError("took longer than 60.0 seconds\nwhile reading")) == (
        "TimeoutError: took longer than 60.0 seconds"
    )
    assert error_line(ValueError("x" * 900), limit=20) == "ValueError: xxxxxxxx"
