"""Text normalisation shared by extraction, storage and search.

Stored text is NFC with ordinary spaces; search text is a *folded* copy of it in which
every character maps to exactly one character, so a match found in the folded text
sits at the same offsets in the original (that is how snippets are highlighted).
"""

from __future__ import annotations

import re
import unicodedata

# Every Unicode space separator except the plain space, plus the zero-width ones that
# Word and CMS editors leave between words.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200b\u202f\u205f\u2060\u3000\ufeff\t\r\f\v ]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u2060\ufeff]")
_BLANK_LINES = re.compile(r" *\n *")


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC (precomposed Vietnamese letters)."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def normalize_space(text: str) -> str:
    """Collapse runs of spaces (NBSP, tabs, zero-width…) to one space; keep line breaks."""
    if "\n" not in text and not _ZERO_WIDTH.search(text):
        return " ".join(text.split())  # the common case; str.split() knows NBSP and friends
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip(" \n")


def error_line(error: BaseException, limit: int = 500) -> str:
    """`TypeName: message` on one line (the message's first), for a log or a table cell."""
    return f"{type(error).__name__}: {error}".splitlines()[0][:limit]


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


# Every Latin letter (Vietnamese's among them) with its folded form, for str.translate:
# folding runs in C, which matters when search highlights long texts.
_FOLD_TABLE = {
    code: _fold_char(chr(code))
    for block in (range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for code in block
}


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics (đ → d), one character for one.

    `fold("Đảng bộ") == "dang bo"`; `len(fold(s)) == len(s)` for NFC input. Letters
    outside the Latin blocks are left as they are.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)
