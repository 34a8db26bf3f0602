"""References to Vietnamese legal and administrative documents in a text, each with one normalised number.

A document is named by its number and the codes of its kind and issuer: `Kế hoạch số 2524/KH-UBND`,
`Nghị định 107/2020/NĐ-CP`, `Luật số 80/2015/QH13`, the Party's `18-NQ/TW`, a letter's
`1234/UBND-KSTT`. Texts write one number many ways (`107/2020/ND-CP`, `107/2020/NĐCP`,
`107/2020/\\nNĐ-CP`, `2524/KH–UBND`, `2524/kh-ubnd`, `18/NQ-TW`); `find_refs` reads them all and
gives each reference the one form the archive joins on (`LegalRef.number`), with the kind and the
issuer the codes stand for and the date written beside it.

The codes are data (`legal_codes.toml`): the normalised spelling of a code is the table's, and a
code missing from the table is kept as written, its kind or issuer unknown. A number written
without its codes (`Nghị định số 45/2020 của Chính phủ`, `Nghị quyết số 18 của Trung ương`,
`Luật số 80/2015 của Quốc hội khóa XIII`) is read when the kind is named before it and the issuer
after it, or the kind has a sole issuer (a Nghị định is the government's).

Never references: dates (`12/10/2021`), scores and fractions (`19/20 huyện`, `85,5/100`), ratios,
page counts, phone numbers, periods (`quý III/2021`, `2021-2030`), form numbers (`Mẫu số 01/TK`),
and numbers inside links or file names (`/Uploads/2524-KH-UBND.pdf`).

Lists sharing one code (`Nghị quyết số 18, 19-NQ/TW`) give a reference per number: each covers
its own number, the first also the kind words before it, the last also the shared code.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date as calendar_date
from pathlib import Path

from crawler.text import fold

CODES_PATH = Path(__file__).with_name("legal_codes.toml")


@dataclass(frozen=True)
class LegalRef:
    """One mention of a document: where it is written and the document it names."""

    text: str  # exactly source[start:end]: the kind words, "số" and the number as written, or just the number
    start: int
    end: int
    number: str  # the normalised number: "107/2020/NĐ-CP", "2524/KH-UBND", "18-NQ/TW"
    kind: str | None  # "Nghị định": the kind written before the number, else the code's; None if unknown
    issuer: str | None  # "Chính phủ": the issuer the code stands for; None if unknown
    year: int | None  # the number's year, else the year of the date written beside it
    date: str | None  # the date written beside it (ISO, YYYY-MM-DD)


# --------------------------------------------------------------------------------------
# The code table


@dataclass(frozen=True)
class CodeTable:
    """The codes of `legal_codes.toml`, with the look-ups and patterns built from them once."""

    kinds: dict[str, str]  # code -> kind
    issuers: dict[str, str]  # code -> issuer
    aliases: dict[str, str]  # another spelling -> code
    party_issuers: frozenset[str]
    joint_kinds: frozenset[str]
    letter_kind: str | None
    kinds_with_year: frozenset[str]  # may carry the year (legal norms): Quyết định số 12/2019 của UBND tỉnh
    kinds_always_with_year: frozenset[str]  # always do: Nghị định số 61 alone names nothing
    generic_words: tuple[str, ...]
    sole_issuer: dict[str, str]  # kind code -> issuer code
    named_kinds: dict[str, str]  # written word -> kind, for kinds with no code (Luật)
    issuer_names: dict[str, str]  # folded name -> issuer code
    # Written code -> code: as spelled, case-folded, and folded (Đ as D), tried in that order.
    spellings: tuple[dict[str, str], dict[str, str], dict[str, str]] = field(repr=False)
    words: dict[str, tuple[str | None, str | None]] = field(repr=False)  # folded kind word -> (kind, its code)
    kind_before: re.Pattern = field(repr=False)
    issuer_after: re.Pattern = field(repr=False)

    def canonical(self, written: str) -> str | None:
        """The table's code for a code as written (`ND` -> `NĐ`, `ttg` -> `TTg`, `TƯ` -> `TW`); None if unknown.

        The spelling as written is tried first, then its case ignored, then Đ read for D too, so that
        `HD` (Hướng dẫn) never becomes `HĐ` (Hợp đồng) while `ND-CP` still finds `NĐ-CP`.
        """
        exact, by_case, by_fold = self.spellings
        return exact.get(written) or by_case.get(written.casefold()) or by_fold.get(fold(written))

    def spells(self, written: str) -> bool:
        """Whether `written` is a code exactly as the table spells it (`TTg`, `QĐi`)."""
        return written in self.spellings[0]

    def split_glued(self, written: str) -> tuple[str, str] | None:
        """A kind and an issuer written without their hyphen (`NĐCP` -> `NĐ`, `CP`); None if it is not one."""
        for cut in range(1, len(written)):
            kind, issuer = self.canonical(written[:cut]), self.canonical(written[cut:])
            if kind in self.kinds and issuer in self.issuers:
                return kind, issuer
        return None

    def kind_word(self, folded: str) -> tuple[str | None, str | None]:
        """The kind a written kind word names and its code, from the word folded (`nghi dinh`)."""
        return self.words.get(" ".join(folded.split()), (None, None))


def load_codes(path: str | Path = CODES_PATH) -> CodeTable:
    """The code table of a TOML file laid out as `legal_codes.toml`."""
    with open(path, "rb") as file:
        data = tomllib.load(file)
    return build_table(data)


def build_table(data: dict) -> CodeTable:
    """The code table from the TOML's tables (`kinds`, `issuers`, `aliases`, `forms`…); missing ones are empty."""
    kinds, issuers = dict(data.get("kinds", {})), dict(data.get("issuers", {}))
    aliases = {written: code for written, code in data.get("aliases", {}).items() if code in kinds or code in issuers}
    forms = data.get("forms", {})
    exact: dict[str, str] = {}
    by_case: dict[str, str] = {}
    by_fold: dict[str, str] = {}
    # Codes before aliases, so an alias never takes a code's own spelling (`TƯ` is TW, `TU` stays Tỉnh ủy).
    for written, code in [(c, c) for c in kinds] + [(c, c) for c in issuers] + list(aliases.items()):
        exact.setdefault(written, code)
        by_case.setdefault(written.casefold(), code)
        by_fold.setdefault(fold(written), code)

    words: dict[str, tuple[str | None, str | None]] = {}
    for code, name in kinds.items():
        words.setdefault(fold(name), (name, code))
    codes_of = {name: code for code, name in reversed(list(kinds.items()))}
    for word, name in data.get("named_kinds", {}).items():
        words.setdefault(fold(word), (name, codes_of.get(name)))
    generic = tuple(forms.get("generic_words", []))
    for word in generic:
        words.setdefault(fold(word), (None, None))

    names: dict[str, str] = {}
    for code, name in issuers.items():
        names.setdefault(fold(name), code)
    for name, code in data.get("issuer_names", {}).items():
        if code in issuers:
            names[fold(name)] = code

    abbreviations = sorted({fold(code) for code in kinds if len(code) > 1}, key=len, reverse=True)
    return CodeTable(
        kinds=kinds,
        issuers=issuers,
        aliases=aliases,
        party_issuers=frozenset(forms.get("party_issuers", [])),
        joint_kinds=frozenset(forms.get("joint_kinds", [])),
        letter_kind=forms.get("letter_kind"),
        kinds_with_year=frozenset(forms.get("kinds_with_year", [])),
        kinds_always_with_year=frozenset(forms.get("kinds_always_with_year", [])),
        generic_words=generic,
        sole_issuer=dict(data.get("sole_issuer", {})),
        named_kinds=dict(data.get("named_kinds", {})),
        issuer_names=names,
        spellings=(exact, by_case, by_fold),
        words=words,
        kind_before=_kind_before_pattern(list(words), abbreviations, list(data.get("named_kinds", {}))),
        issuer_after=_issuer_after_pattern(list(names)),
    )


# --------------------------------------------------------------------------------------
# Patterns. The number's patterns run on the text with its dashes, spaces and Ð made plain; the
# words around a number (kinds, "số", issuers, dates) are read folded, so "Ke hoach so" and
# "KẾ HOẠCH SỐ" read as "Kế hoạch số". Both copies keep the source's offsets. The number's
# patterns start with a digit or an "s", so the regex engine skips to them quickly.

_SP = r"[ \t]"
_GAP = rf"{_SP}*(?:\n{_SP}*)?"  # spaces and at most one line break
_SLASH = rf"{_GAP}/{_GAP}"
# Between a kind and its issuer a dash may have spaces around it ("QĐ - UBND"); further on it takes
# none before it ("KH-UBND - UBND tỉnh" is a code, a dash and words), though spaces or a line break
# may follow it ("NĐ- CP").
_FIRST_DASH = rf"{_SP}*-{_GAP}"
_CODE_DASH = rf"-{_SP}*(?:\n{_SP}*)?"
_SEG = r"[^\W\d_](?:[^\W_]|&(?=[^\W\d_]))*"  # a code: letters first (QH13, BTT&TT)
_YEAR = r"(?:19[4-9]\d|20\d\d)"
_MAX_LIST = 8
# A number's first digit, not in a word, a path or another number. The checks follow the digit
# (a lookbehind first would keep the engine from skipping straight to digits).
_FIRST_DIGIT = r"\d(?<![^\W_]\d)(?<!/\d)"
# One number, or several sharing what follows: "18, 19-NQ/TW", "107 và 108/2020/NĐ-CP".
_SUFFIX = rf"(?:[a-zA-Z](?={_SP}*/))?"  # 36a/NQ-CP
_MORE_NUMBERS = rf"(?:{_SP}*(?:[,&]|và(?!\w)){_SP}*\d{{1,5}}{_SUFFIX}){{0,{_MAX_LIST}}}"
_NUMBERS = rf"(?P<nums>{_FIRST_DIGIT}\d{{0,4}}{_MORE_NUMBERS})"

# A number written with its codes. Right after the first digit, a look at what ends the number
# turns most digits away before the rest of the pattern is tried.
CODED = re.compile(
    rf"(?P<nums>{_FIRST_DIGIT}(?=\d{{0,4}}[a-zA-Z]?[ \t,&v/\n-])\d{{0,4}}{_SUFFIX}{_MORE_NUMBERS})"
    rf"(?:{_SLASH}(?P<year>{_YEAR})(?!\d))?"
    rf"(?P<sep>{_SLASH}|{_FIRST_DASH})"
    rf"(?P<code>{_SEG}(?:(?:{_SLASH}|{_FIRST_DASH}){_SEG}(?:(?:{_SLASH}|{_CODE_DASH}){_SEG})*)?)"
)
_PIECE = re.compile(rf"(?P<sep>{_SLASH}|{_FIRST_DASH})?(?P<seg>{_SEG})")
_ONE_NUMBER = re.compile(r"\d{1,5}[a-zA-Z]?")  # one of the numbers a match holds
# Numbers written without codes: after "số" (Nghị quyết số 18 của Trung ương), or with a year
# (Nghị định 61/2018). Which are documents' the words before and after them tell.
_BARE_END = rf"(?![\w/]|{_SP}*[/-]{_GAP}[^\W\d_]|[.,]\d)"
BARE_AFTER_SO = re.compile(
    rf"[sS][ốỐoO](?![^\W_]){_SP}*[:.]?{_GAP}{_NUMBERS}(?:{_SP}*/{_SP}*(?P<year>{_YEAR}))?{_BARE_END}"
)
BARE_WITH_YEAR = re.compile(rf"(?P<nums>{_FIRST_DIGIT}\d{{0,4}}){_SP}*/{_SP}*(?P<year>{_YEAR}){_BARE_END}")

_SO = rf"so{_SP}*[:.]?{_GAP}"
_SO_BEFORE = re.compile(rf"(?<![^\W_]){_SO}\Z")
# A form's or a page's number is no document's: "Mẫu số 01/TK-ĐKT", "Phụ lục 2/BC".
_NOT_A_DOCUMENT = re.compile(rf"(?<![^\W_])(?:mau|bieu|phu luc|to khai|trang|tr\.){_SP}*(?:{_SO})?\Z")
_DATE_AFTER = re.compile(
    rf"{_SP}*\n?{_SP}*[,(]?{_SP}*(?:(?:duoc{_SP}+|da{_SP}+)?(?:ban hanh|ky){_SP}+)?"
    rf"(?:cua{_SP}+[^\d,.;:()\n]{{1,40}}?{_SP}+)?(?:cung{_SP}+)?ngay{_SP}+"
    rf"(?:(?P<d>\d{{1,2}}){_SP}*(?P<s>[/.-]){_SP}*(?P<m>\d{{1,2}}){_SP}*(?P=s){_SP}*(?P<y>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}}){_SP}+thang{_SP}+(?P<m2>\d{{1,2}}){_SP}*,?{_SP}+(?:nam{_SP}+)?(?P<y2>\d{{4}}))(?!\d)"
)
_YEAR_AFTER = re.compile(rf"{_SP}*,?{_SP}*nam{_SP}+(?P<year>{_YEAR})(?![\d/])")  # "1085/QĐ-TTg năm 2022"
# A link, a file name or a path around a number: its digits name a file, not a document.
_LINK_IN_TOKEN = re.compile(
    r"://|^www\.|\.(?:pdf|docx?|xlsx?|pptx?|rar|zip|html?|aspx?|php|jsp|jpe?g|png|gif)(?![^\W_])"
    r"|\.(?:vn|com|net|org)(?:/|$)",
    re.IGNORECASE,
)
_AFTER_CODE_IN_LINK = "/\\_=?&#%@"
_BEFORE_WINDOW = 48  # characters read back from a number for its kind words
_LAW_WINDOW = 120  # and for a law's title ("Luật Tổ chức chính quyền địa phương số")
_AFTER_WINDOW = 100  # characters read on from a number for its date and issuer

# Characters read as another of the same length: dashes as the hyphen, spaces as a space, the
# Icelandic Ð that old font conversions leave for Đ, look-alike slashes.
_PLAIN = {
    **{dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
    **{space: " " for space in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                               "\u200a\u200b\u202f\u205f\u2060\u3000\ufeff\r\f\v"},  # fmt: skip
    "\u00d0": "\u0110",
    "\u00f0": "\u0111",
    "\u2044": "/",
    "\u2215": "/",
    "\uff0f": "/",
}
_NOT_PLAIN = re.compile("[" + re.escape("".join(_PLAIN)) + "]")


def _alternation(words: list[str]) -> str:
    """A regex alternation of `words`, longest first, spaces matching any run of spaces."""
    ordered = sorted(set(words) - {""}, key=len, reverse=True)
    if not ordered:
        return "(?!)"  # a table without such words: nothing matches
    return "|".join(re.escape(word).replace(r"\ ", rf"{_SP}+") for word in ordered)


def _kind_before_pattern(words: list[str], abbreviations: list[str], named: list[str]) -> re.Pattern:
    """Kind words ending where a number starts: `Kế hoạch số `, `QĐ số `, `Luật Cán bộ, công chức số `."""
    laws = _alternation([fold(word) for word in named])
    return re.compile(
        rf"(?<![^\W_])(?:(?P<word>{_alternation(words)})|(?P<abbr>{_alternation(abbreviations)})(?={_SP})"
        rf"|(?P<law>{laws})(?:{_SP}+[^\W\d_][^\W_]*,?){{1,12}}?(?={_SP}+so))"
        rf"{_SP}*\n?{_SP}*(?P<so>{_SO})?\Z"
    )


def _issuer_after_pattern(names: list[str]) -> re.Pattern:
    """An issuer named after a number: `của Chính phủ`, `ngày 08/4/2020 của Thủ tướng Chính phủ`."""
    return re.compile(
        rf"{_SP}*,?{_SP}*(?:\(?ngay{_SP}+\d{{1,2}}{_SP}*[/.-]{_SP}*\d{{1,2}}{_SP}*[/.-]{_SP}*\d{{4}}\)?{_SP}*,?{_SP}*)?"
        rf"(?:(?:duoc{_SP}+)?ban hanh{_SP}+)?(?:cua|do){_SP}+(?P<issuer>{_alternation(names)})(?![^\W_])"
    )


TABLE = load_codes()
KINDS: dict[str, str] = dict(TABLE.kinds)
ISSUERS: dict[str, str] = dict(TABLE.issuers)


# --------------------------------------------------------------------------------------
# Reading one code


@dataclass(frozen=True)
class Decoded:
    """What a number's codes say: its normalised form and the kind and issuer they stand for."""

    number: str
    kind: str | None
    issuer: str | None
    kept: int  # how many of the written codes belong to the number (a trailing word may not)
    weak: bool = False  # names a document only after "số" or a kind word: "2/UBND", "19/QG-NTM"


def _number(written: str) -> str:
    """A document's own number as numbers are written: two digits at least, a letter after it in lower case (36a)."""
    digits = written.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return f"{int(digits):02d}{written[len(digits):].lower()}"


def _capitals(written: str, table: CodeTable) -> bool:
    """Whether a code is written as codes are: in capitals, or exactly as the table spells it (`TTg`)."""
    return written == written.upper() or table.spells(written)


def decode(num: str, year: str | None, codes: list[str], party_written: bool = False,
           spaced: list[bool] | None = None, table: CodeTable = TABLE) -> Decoded | None:  # fmt: skip
    """Read a number's codes (`["KH", "UBND"]`, `["NĐCP"]`, `["NQ", "TW"]`); None if they are no document's.

    `party_written`: the number was joined to its codes by a dash, the Party's way (18-NQ/TW).
    `spaced`: for each code, whether spaces or a line break come before it.
    """
    canon = [table.canonical(code) for code in codes]
    spaced = spaced or [False] * len(codes)
    # A word caught after a dash ("KH-UBND-\nthực hiện", "KH-UBND-thực") is no unit code: a lower-case
    # unknown code after a space, or after codes written in capitals, is left out.
    while (len(codes) > 1 and canon[-1] is None and not _capitals(codes[-1], table)
           and (spaced[len(codes) - 1] or any(_capitals(code, table) for code in codes[:-1]))):  # fmt: skip
        codes, canon = codes[:-1], canon[:-1]
    kept = len(codes)
    if len(codes) == 1 and canon[0] is None:
        glued = table.split_glued(codes[0])
        if glued:
            codes, canon = list(glued), list(glued)
    # Lower-case words ("2020/ tháng") are read as unknown codes only after "số" or a kind word.
    lower_case = any(code is None for code in canon) and not all(_capitals(code, table) for code in codes)
    written = [code or raw.upper() for code, raw in zip(canon, codes)]
    first = canon[0]
    number = _number(num)
    if first in table.kinds:
        if len(written) < 2:
            return None  # a kind alone ("5/CT") names no issuer, hence no document
        issuer_codes = canon[1:] if first in table.joint_kinds else canon[1:2]
        names = [table.issuers[code] for code in issuer_codes if code in table.issuers]
        party = year is None and (canon[1] in table.party_issuers or (canon[1] is None and party_written))
        if party:
            normal = f"{number}-{written[0]}/{'-'.join(written[1:])}"
        else:
            normal = f"{number}/{year + '/' if year else ''}{'-'.join(written)}"
        return Decoded(normal, table.kinds[first], ", ".join(names) or None, kept, weak=lower_case)
    if party_written:
        return None  # "2021-ABC/…": the Party's numbers start with a kind
    if first in table.issuers:
        if len(written) == 1 and year is None and not _capitals(codes[0], table):
            return None  # "5/cp"
        kind = None if year else table.kinds.get(table.letter_kind or "")
        normal = f"{number}/{year + '/' if year else ''}{'-'.join(written)}"
        weak = lower_case or (len(written) == 1 and year is None)
        return Decoded(normal, kind, table.issuers[first], kept, weak=weak)
    if len(written) == 1 and year is None:
        return None  # "Km 12/QL4D": one unknown code names no document
    issuer = table.issuers.get(canon[1]) if len(canon) > 1 and canon[1] else None
    return Decoded(f"{number}/{year + '/' if year else ''}{'-'.join(written)}", None, issuer, kept, weak=True)


# --------------------------------------------------------------------------------------
# Reading a text


@dataclass(frozen=True)
class _Text:
    """A source text, its NFC copy made plain (`work`), and the way back to the source's offsets."""

    source: str
    work: str
    origin: list[int] | None  # work offset -> source offset, when the source was not NFC

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of work[start:end]."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end]

    def folded(self, start: int, end: int) -> str:
        """work[start:end] folded (lower case, no diacritics), one character for one."""
        piece = self.work[max(0, start) : end]
        folded = fold(piece)
        if len(folded) != len(piece):  # letters beyond the Latin blocks whose case changes length
            folded = "".join(fold(char) if len(fold(char)) == 1 else char for char in piece)
        return folded


def _prepare(source: str) -> _Text:
    """The working copy of `source`; an NFD or mixed text is composed, its offsets kept."""
    if unicodedata.is_normalized("NFC", source):
        composed, origin = source, None
    else:
        pieces, origin = [], []
        index = 0
        while index < len(source):
            after = index + 1
            while after < len(source) and unicodedata.combining(source[after]):
                after += 1
            piece = unicodedata.normalize("NFC", source[index:after])
            pieces.append(piece)
            origin.extend([index] * len(piece))
            index = after
        origin.append(len(source))
        composed = "".join(pieces)
    if _NOT_PLAIN.search(composed):
        composed = _NOT_PLAIN.sub(lambda match: _PLAIN[match[0]], composed)
    return _Text(source, composed, origin)


def _starts_clear(work: str, at: int) -> bool:
    """Whether a number may start at `at`: not inside a word, a path, a decimal or another number."""
    if at == 0:
        return True
    before = work[at - 1]
    if work[max(0, at - 2) : at].casefold() == "số":
        return True  # "số2524/KH-UBND"
    if before.isalnum() or before in "_/\\@#=&%-+":
        return False
    if before in ".,:" and at >= 2 and work[at - 2].isalnum():
        return False  # "85,5/100", "0213.3876", "Tr.2/5"
    return True


def _in_link(work: str, start: int, end: int) -> bool:
    """Whether work[start:end] lies in a link, a file name or a path."""
    if end + 1 < len(work) and work[end] in _AFTER_CODE_IN_LINK and work[end + 1].isalnum():
        return True  # "…/KH-UBND/abc", "KH-UBND_signed"
    left = start
    while left > 0 and not work[left - 1].isspace():
        left -= 1
    right = end
    while right < len(work) and not work[right].isspace():
        right += 1
    return bool(_LINK_IN_TOKEN.search(work, left, right))


@dataclass(frozen=True)
class _KindWords:
    """The kind words written before a number: where they start, the kind they name and its code."""

    start: int
    kind: str | None
    code: str | None
    so: bool  # "số" is written between them and the number
    in_words: bool = True  # the kind is named in words ("Quyết định"), not by its code ("QĐ số")


def _kind_before(text: _Text, at: int, table: CodeTable) -> _KindWords | None:
    """The kind words right before a number starting at `at`; None if none are written there."""
    offset = max(0, at - _BEFORE_WINDOW)
    window = text.folded(offset, at)
    match = table.kind_before.search(window)
    if not match and _SO_BEFORE.search(window) and offset > 0:
        offset = max(0, at - _LAW_WINDOW)  # a law's title may stand between "Luật" and "số"
        window = text.folded(offset, at)
        match = table.kind_before.search(window)
    if not match:
        return None
    start, so = offset + match.start(), match["so"] is not None
    if match["law"] is not None:
        if not text.work[start].isupper():
            return None  # "pháp luật" is no law's title
        return _KindWords(start, table.kind_word(match["law"])[0], None, so)
    if match["abbr"] is not None:
        written = text.work[start : offset + match.end("abbr")]
        code = table.canonical(written)
        if code not in table.kinds or not _capitals(written, table):
            return None
        return _KindWords(start, table.kinds[code], code, so, in_words=False)
    kind, code = table.kind_word(match["word"])
    if code is None and kind is not None and not text.work[start].isupper():
        return None  # a kind with no code of its own is a title: "Luật", not "luật"
    return _KindWords(start, kind, code, so)


def _date_after(text: _Text, at: int) -> str | None:
    """The date written right after a number (`ngày 12/10/2021`, `ngày 12 tháng 10 năm 2021`) as ISO."""
    match = _DATE_AFTER.match(text.folded(at, at + _AFTER_WINDOW))
    if not match:
        return None
    day, month, year = (match["d"], match["m"], match["y"]) if match["d"] else (match["d2"], match["m2"], match["y2"])
    try:
        return calendar_date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _year_after(text: _Text, at: int) -> str | None:
    """The year written right after a number ("Quyết định số 1085/QĐ-TTg năm 2022"), if any."""
    match = _YEAR_AFTER.match(text.folded(at, at + 24))
    return match["year"] if match else None


@dataclass(frozen=True)
class _Found:
    """A reference found in the working copy, before its offsets are taken back to the source."""

    start: int
    end: int
    number: str
    kind: str | None
    issuer: str | None
    year: str | None  # written in the number, or right after it ("năm 2022"); else the date's
    date: str | None

    def ref(self, text: _Text) -> LegalRef:
        """The LegalRef, its offsets and text those of the source."""
        first, last = text.span(self.start, self.end)
        year = int(self.year) if self.year else int(self.date[:4]) if self.date else None
        return LegalRef(text.source[first:last], first, last, self.number, self.kind, self.issuer, year, self.date)


def _members(match: re.Match) -> list[tuple[int, int]]:
    """The spans of the numbers of a match: one, or each of a list sharing its codes (`18, 19-NQ/TW`)."""
    offset = match.start("nums")
    return [(m.start() + offset, m.end() + offset) for m in _ONE_NUMBER.finditer(match["nums"])]


def _clear_members(text: _Text, match: re.Match) -> list[tuple[int, int]]:
    """The numbers of a match that may start a reference: the list's leading ones are dropped while they may not."""
    members = _members(match)
    while members and not _starts_clear(text.work, members[0][0]):
        members.pop(0)
    return members


def _tight(work: str, members: list[tuple[int, int]]) -> bool:
    """Whether a list's numbers are joined by a bare comma or "&" (18,19-NQ/TW), as no two numbers of prose are."""
    if re.fullmatch(_YEAR, work[members[0][0] : members[0][1]]):
        return False  # "năm 2021,2524/KH-UBND"
    return all(work[end:start] in (",", "&") for (_, end), (start, _) in zip(members, members[1:]))


def _coded_refs(text: _Text, table: CodeTable) -> list[_Found]:
    """References whose number is written with its codes."""
    found: list[_Found] = []
    work = text.work
    for match in CODED.finditer(work):
        members = _clear_members(text, match)
        if not members or members[-1][1] != match.end("nums"):
            continue
        first = members[0][0]
        if _in_link(work, first, match.end()) or _NOT_A_DOCUMENT.search(text.folded(first - 20, first)):
            continue
        pieces = list(_PIECE.finditer(work, match.start("code"), match.end("code")))
        party_written = match["sep"].strip() == "-"
        if party_written and not any(piece["sep"] and "/" in piece["sep"] for piece in pieces):
            continue  # "2021-2030", "COVID-19": a dash alone joins no Party number
        codes = [piece["seg"] for piece in pieces]
        spaced = [bool(piece["sep"]) and piece["sep"].strip() != piece["sep"] for piece in pieces]
        results = [decode(work[s:e], match["year"], codes, party_written, spaced, table) for s, e in members]
        if results[-1] is None:
            continue
        end = pieces[results[-1].kept - 1].end()
        before = _kind_before(text, first, table)
        named = before is not None or _SO_BEFORE.search(text.folded(first - 8, first)) is not None
        if len(members) > 1 and not named and not _tight(work, members):
            # "năm 2021, 2524/KH-UBND": no spaced list without "số"; what is left follows a comma, unnamed.
            members, results, named = members[-1:], results[-1:], False
        if results[-1].weak and not named:
            continue  # "phòng 2/UBND tỉnh", "Tiêu chí 19/QG-NTM"
        date = _date_after(text, end)
        year = match["year"] or (None if date else _year_after(text, end))
        for index, ((start, number_end), decoded) in enumerate(zip(members, results)):
            kind = decoded.kind
            if index == 0 and before is not None:
                # A kind named in words is the writer's ("Quy định số 205-QĐ/TW": QĐ is Quyết định's code too).
                start, kind = before.start, (before.kind or kind) if before.in_words else (kind or before.kind)
            last = index == len(members) - 1
            found.append(_Found(start, end if last else number_end, decoded.number, kind, decoded.issuer, year,
                                date))  # fmt: skip
    return found


def _bare_issuer(text: _Text, at: int, words: _KindWords, year: str | None, table: CodeTable) -> str | None:
    """The issuer's code of a number written without codes: named after it, else the kind's sole issuer."""
    said = table.issuer_after.match(text.folded(at, at + _AFTER_WINDOW))
    if said:
        return table.issuer_names.get(" ".join(said["issuer"].split()))
    return table.sole_issuer.get(words.code or "") if year is not None else None


def _bare_form(words: _KindWords, year: str | None, issuer: str | None, table: CodeTable) -> str | None:
    """The normalised form of a number written without codes, `{}` standing for the number; None if it is none.

    `Nghị định số 45/2020` -> `{}/2020/NĐ-CP`, `Nghị quyết số 18 của Trung ương` -> `{}-NQ/TW`,
    `Luật số 80/2015 của Quốc hội khóa XIII` -> `{}/2015/QH13` (a kind with no code of its own).
    """
    if issuer is None:
        return None
    if words.code is None:
        return f"{{}}/{year}/{issuer}" if year is not None else None
    if year is None and (not words.so or words.code in table.kinds_always_with_year):
        return None  # "Nghị định số 61", "Kế hoạch 2021": no document without its year or "số"
    if year is not None and words.code not in table.kinds_with_year:
        return None  # "Báo cáo 6/2021": such kinds carry no year, so this is a month
    if issuer in table.party_issuers:
        return None if year is not None else f"{{}}-{words.code}/{issuer}"
    return f"{{}}/{year + '/' if year else ''}{words.code}-{issuer}"


def _bare_refs(text: _Text, table: CodeTable, taken: list[_Found]) -> list[_Found]:
    """References written without codes, the kind named before them: `Nghị định số 45/2020 của Chính phủ`."""
    found: list[_Found] = []
    seen: set[int] = set()
    for pattern in (BARE_AFTER_SO, BARE_WITH_YEAR):
        for match in pattern.finditer(text.work):
            members = _clear_members(text, match)
            if not members or members[0][0] in seen or members[-1][1] != match.end("nums"):
                continue
            seen.add(members[0][0])
            end, year = match.end(), match["year"]
            if any(other.start < end and members[0][0] < other.end for other in taken):
                continue
            words = _kind_before(text, members[0][0], table)
            if words is None or words.kind is None:
                continue
            issuer = _bare_issuer(text, end, words, year, table)
            form = _bare_form(words, year, issuer, table)
            if form is None:
                continue
            if len(members) > 1 and not words.so:
                members = members[-1:]
            date = _date_after(text, end)
            for index, (start, number_end) in enumerate(members):
                last = index == len(members) - 1
                found.append(_Found(words.start if index == 0 else start, end if last else number_end,
                                    form.format(_number(text.work[start:number_end])), words.kind,
                                    table.issuers[issuer], year, date))  # fmt: skip
    return found


def find_refs(text: str, table: CodeTable = TABLE) -> list[LegalRef]:
    """Every reference to a document in `text`, in order of start; `table` decodes the codes."""
    if not isinstance(text, str) or not text:
        return []
    prepared = _prepare(text)
    found = _coded_refs(prepared, table)
    found += _bare_refs(prepared, table, found)
    return [item.ref(prepared) for item in sorted(found, key=lambda item: (item.start, item.end))]


def normalize_number(written: str) -> str | None:
    """The normalised form of one written document number; None if it is none, or names several.

    `normalize_number("107/2020/ND-CP") == "107/2020/NĐ-CP"`, `normalize_number("12/10/2021") is None`.
    """
    if not isinstance(written, str):
        return None
    refs = find_refs(written.strip())
    return refs[0].number if len(refs) == 1 else None
