"""Text from the vocabulary: templates with their slots filled, and the citations they make.

vocabulary.json holds real phrases of administrative-reform news; `_Slots` fills their
`{slots}` and draws the citations of documents they name, so that the writer of a text
records exactly the references it put there (`_written`).
"""

from __future__ import annotations

import hashlib
import random
import re
from datetime import datetime

from crawler.replica.drafts import _Draft
from crawler.replica.site import SHORT_CITATION
from crawler.replica.text import _esc


class _Slots:
    """Fills `{slot}`s of vocabulary templates; place and agency stay fixed within an article.

    `{cite:GROUP}` draws a citation of vocabulary.json's `citations[GROUP]` and `{cite}`
    writes the one `fill` is given; each is remembered until `take`, so the writer of a
    text records exactly the references it put there.
    """

    QUARTERS = ("I", "I", "I", "II", "II", "II", "III", "III", "III", "IV", "IV", "IV")

    def __init__(self, rng: random.Random, vocabulary: dict, moment: datetime, fixed: dict | None = None) -> None:
        self.rng = rng
        self.moment = moment
        self.fixed = fixed or {
            "district": rng.choice(vocabulary["districts"]),
            "agency": rng.choice(vocabulary["agencies"]),
            "procedure": rng.choice(vocabulary["procedures"]),
            "period": rng.choice(vocabulary["periods"]),
        }
        self.district, self.agency = self.fixed["district"], self.fixed["agency"]
        self.citations = vocabulary["citations"]
        self.cited: list[dict] = []  # drawn since the last `take`

    def fill(self, template: str, cite: dict | None = None, plain: bool = False, short: bool = False,
             keyed: bool = False) -> str:  # fmt: skip
        """The template with its slots filled; `plain`: only citations whose HTML is their text.

        Titles, file names and Word's HTML never carry a citation's own HTML form (a `&nbsp;`,
        a line break in the source), so they draw from the plain ones. `short`: only the
        short ones, for file names, which the portal keeps to the bare number. `keyed`: the
        citation follows from the rest of the text and draws nothing, so two titles are the
        same exactly when their other slots are, and a title's citation never shifts the
        draws that decide the site's shape (categories, dates, ids).
        """
        rng, moment = self.rng, self.moment
        values = {
            "district": self.district,
            "District": self.district[0].upper() + self.district[1:],
            "agency": self.agency,
            "procedure": self.fixed["procedure"],
            "period": self.fixed["period"],
            "year": str(moment.year),
            "prev_year": str(moment.year - 1),
            "next_year": str(moment.year + 1),
            "day": f"{moment.day:02d}",
            "month": f"{moment.month:02d}",
            "quarter": self.QUARTERS[moment.month - 1],
        }
        numbers = {
            "n": lambda: f"{rng.randint(120, 48000):,}".replace(",", "."),
            "n2": lambda: f"{rng.randint(2, 25):02d}",
            "pct": lambda: f"{rng.uniform(85, 99.99):.2f}".replace(".", ","),
            "score": lambda: f"{rng.uniform(76, 92):.2f}".replace(".", ","),
            "score2": lambda: f"{rng.uniform(74, 90):.2f}".replace(".", ","),
            "rank": lambda: str(rng.randint(5, 50)),
        }

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name == "cite":
                return match.group(0)  # written once the rest of the text is known
            return values[name] if name in values else numbers[name]()

        text = re.sub(r"\{(\w+)(?::\w+)?\}", replace, template)
        key = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")

        def write_citation(match: re.Match) -> str:
            group = match.group(1)
            if group is None:
                entry = cite
            else:
                choices = [e for e in self.citations[group] if not (plain and "html" in e)
                           and not (short and len(e["text"]) > SHORT_CITATION)]  # fmt: skip
                entry = choices[key % len(choices)] if keyed else rng.choice(choices)
            self.cited.append(entry)
            return entry["text"]

        return re.sub(r"\{cite(?::(\w+))?\}", write_citation, text)

    def take(self) -> list[dict]:
        """The citations drawn since the last call, in order: what the text just written cites."""
        cited, self.cited = self.cited, []
        return cited


def _written(draft: _Draft, text: str, slots: _Slots) -> str:
    """`text`, with the citations `slots` drew to write it noted in the draft."""
    cited = slots.take()
    if cited:
        draft.cites[text] = cited
    return text


def _inline(text: str, cites: list[dict] | tuple = ()) -> str:
    """`text` as inline HTML: escaped, each citation in the HTML form it declares (`&nbsp;`, a line break)."""
    out = _esc(text)
    for entry in cites:
        if "html" in entry:
            out = out.replace(_esc(entry["text"]), entry["html"])
    return out


def _body_citations(groups: dict) -> list[dict]:
    """Every citation a body can make, group after group: the appendix group is for attached files only."""
    return [entry for name, entries in groups.items() if name not in ("_about", "appendix") for entry in entries]
