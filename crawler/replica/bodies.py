"""The bodies of generated articles: paragraphs of real phrases, and their HTML.

`_BodyWriter` writes each body from a random generator of its own (the seed and the
article's id), so one body never shifts another; only the turns through citations, trap
sentences and attachment formats run on from body to body. A Word body is the HTML
Microsoft Word pastes (`_word_blocks`).
"""

from __future__ import annotations

import random
import unicodedata

from crawler.replica.attachments import _attachment_truth
from crawler.replica.drafts import _Block, _Draft, _image_block, _LinkSpec, _paragraph
from crawler.replica.site import ATTACHMENT_EXTENSIONS, CATEGORIES, JUSTIFY_STYLE, MIN_TEXT, _data_text
from crawler.replica.text import _attr, _esc, _token, ascii_slug
from crawler.replica.vocabulary import _body_citations, _inline, _Slots, _written


class _BodyWriter:
    """Writes and revises the bodies of generated articles; the snapshot's keep their own."""

    def __init__(self, seed: int, vocabulary: dict) -> None:
        self.seed = seed
        self.vocabulary = vocabulary
        self.attachment_count = 0
        self.used_files: set[str] = set()
        # Bodies take turns through every citation and every trap sentence, so a few dozen articles show them all.
        self.citation_turn = 0
        self.trap_turn = 0

    def write_bodies(self, drafts: list[_Draft], documents: list[dict]) -> None:
        """Generate every non-snapshot body (paragraphs and HTML blocks together)."""
        for draft in drafts:
            if draft.origin == "snapshot":
                continue
            rng = random.Random(f"body-{self.seed}-{draft.site_id}")
            slots = _Slots(rng, self.vocabulary, draft.published, draft.slots)
            if draft.variant == "word":
                self._word_body(draft, slots, rng)
            else:
                self._html_body(draft, slots, rng, documents)
            draft.paragraphs = [text for block in draft.blocks for text in block.texts]

    def _texts(self, draft: _Draft, slots: _Slots, rng: random.Random) -> list[str]:
        """3-12 paragraphs of real phrases for the draft's topic, then a legal basis and maybe a trap.

        Every text that cites a document notes its citations in the draft as it is written.
        """
        topic = CATEGORIES[draft.category][0]
        vocabulary = self.vocabulary
        plain = draft.variant == "word"
        sentences = list(vocabulary["sentences"][topic])
        if topic in ("news", "digital", "index"):
            sentences += vocabulary["sentences"]["news"] if topic != "news" else vocabulary["sentences"]["report"]
        rng.shuffle(sentences)
        if topic == "qa":
            question = draft.title.removeprefix("Hỏi: ")
            asker = slots.fill(vocabulary["questions_asker"].replace("{question}", question))
            paragraphs = [_written(draft, asker, slots), vocabulary["answer_label"]]
        else:
            paragraphs = [_written(draft, slots.fill(rng.choice(vocabulary["leads"][topic]), plain=plain), slots)]
        wanted = rng.randint(3, 12)
        # The portal's items run to several paragraphs: a body shorter than the boxes of links around it
        # is no article the site publishes, and would test an extractor on pages it never meets.
        while (len(paragraphs) < wanted or sum(map(len, paragraphs)) < MIN_TEXT) and sentences:
            count = min(len(sentences), rng.choice((1, 1, 2, 2, 3)))
            text = " ".join(slots.fill(sentences.pop(), plain=plain) for _ in range(count))
            paragraphs.append(_written(draft, text, slots))
        # Every generated article carries one of the phrases a search over the archive must find.
        required = vocabulary["required_sentences"][draft.site_id % len(vocabulary["required_sentences"])]
        position = rng.randint(1, len(paragraphs) - 1) if len(paragraphs) > 1 else 1
        paragraphs.insert(position, slots.fill(required))
        if topic != "qa" and rng.random() < 0.4:
            paragraphs.append(rng.choice(vocabulary["closings"]))
        # The legal basis right after the lead (or the answer's label), so attached files carry it too.
        basis = slots.fill(rng.choice(vocabulary["basis_sentences"]), cite=self._basis_citation(draft, rng))
        paragraphs.insert(2 if topic == "qa" else 1, _written(draft, basis, slots))
        traps = vocabulary["trap_sentences"]
        roll = rng.random()  # always drawn, so a turn taken never shifts what follows
        if self.trap_turn < len(traps) or roll < 0.25:
            trap = slots.fill(traps[self.trap_turn % len(traps)])
            self.trap_turn += 1
            paragraphs.insert(rng.randint(2, len(paragraphs)), trap)
        return paragraphs

    def _basis_citation(self, draft: _Draft, rng: random.Random) -> dict:
        """The citation of a body's legal basis: each in turn, so that every written form shows early.

        A Word body writes no citation's own HTML form, so it gives its turn to the next body
        and cites a plain one at random.
        """
        citations = _body_citations(self.vocabulary["citations"])
        if draft.variant == "word":
            return rng.choice([entry for entry in citations if "html" not in entry])
        entry = citations[self.citation_turn % len(citations)]
        self.citation_turn += 1
        return entry

    def _html_body(self, draft: _Draft, slots: _Slots, rng: random.Random, documents: list[dict]) -> None:
        plain = draft.variant == "plain"
        rich = draft.variant == "utf-8"

        def wants(feature: str, chance: float) -> bool:
            roll = rng.random()  # always drawn, so one feature's outcome never shifts the others
            return feature in draft.features or (not plain and roll < chance)

        style = "" if plain else JUSTIFY_STYLE
        texts = self._texts(draft, slots, rng)
        use_nbsp = rich and wants("nbsp", 0.2)
        blocks = []
        for index, text in enumerate(texts):
            body = _inline(text, draft.cites.get(text, ()))
            if use_nbsp and index % 2 == 1:
                body = body.replace(", ", ",&nbsp;", 1)  # editors' habit; extraction must read a space
            if text == self.vocabulary["answer_label"]:
                blocks.append(_paragraph(f"<strong>{body}</strong>", [text], style=""))
            else:
                blocks.append(_paragraph(body, [text], style))
        if rich and wants("heading", 0.1) and len(blocks) > 2:
            heading = "I. KẾT QUẢ ĐẠT ĐƯỢC" if CATEGORIES[draft.category][0] == "report" else "Một số kết quả nổi bật"
            blocks.insert(1, _paragraph(f"<strong>{_esc(heading)}</strong>", [heading], style=""))
        if rich and wants("list", 0.1):
            chosen = rng.sample(self.vocabulary["sentences"]["digital"], 3)
            items = [_written(draft, slots.fill(s), slots) for s in chosen]
            lis = "\n".join(f"<li>{_inline(item, draft.cites.get(item, ()))}</li>" for item in items)
            blocks.insert(min(3, len(blocks)), _Block(f"<ul>\n{lis}\n</ul>", items))
        for link in draft.links:
            blocks.insert(rng.randint(1, len(blocks)), self._link_block(draft, link, slots, rng))
        if rich and wants("doc_link", 0.06):
            document = rng.choice(documents)
            # The editor writes the number as it is known, whatever the document page prints.
            number = document["number"]
            anchor = f'<a href="{document["path"]}">{_esc(number)}</a>'
            cited = {"text": f"{document['type']} số {number}", "html": f"{_esc(document['type'])} số {anchor}",
                     "forms": ["link"], "refs": [{"number": number, "date": None}]}  # fmt: skip
            text = f"Toàn văn {cited['text']}"
            draft.cites[text] = [cited]
            block = _paragraph(_inline(text, [cited]), [text], links=[document["path"]])
            blocks.insert(rng.randint(1, len(blocks)), block)
        if rich and wants("contact", 0.08):
            text = ("Mọi vướng mắc xin liên hệ Sở Nội vụ tỉnh Lai Châu, điện thoại: 0213.3876.650, "
                    "email: cchc@laichau.gov.vn.")  # fmt: skip
            blocks.append(_paragraph(
                'Mọi vướng mắc xin liên hệ Sở Nội vụ tỉnh Lai Châu, điện thoại: '
                '<a href="tel:02133876650">0213.3876.650</a>, email: '
                '<a href="mailto:cchc@laichau.gov.vn">cchc@laichau.gov.vn</a>.', [text]))  # fmt: skip
        linked_author = rich and wants("js_link", 0.1)
        if wants("author", 0.35) or linked_author:
            name = rng.choice(self.vocabulary["authors"])
            # The CMS links some author names to nothing: a `javascript:void(0)` a crawler must skip.
            shown = f'<a href="javascript:void(0)">{_esc(name)}</a>' if linked_author else _esc(name)
            blocks.append(_paragraph(f"<strong>{shown} - {_esc(slots.agency)}</strong>", [f"{name} - {slots.agency}"],
                                     style="text-align: right;"))  # fmt: skip
        if not plain:
            self._add_images(draft, blocks, slots, rng, wants)
            if wants("attachments", 0.22):
                self._add_attachments(draft, slots, rng)
        draft.blocks = blocks
        draft.body_links = [path for block in blocks for path in block.links]

    def _link_block(self, draft: _Draft, link: _LinkSpec, slots: _Slots, rng: random.Random) -> _Block:
        anchor = f'<a href="{_attr(link.href)}">{_esc(link.text)}</a>'
        if link.inline:
            sentence = slots.fill(rng.choice(self.vocabulary["sentences"]["news"]))
            cited = slots.take()
            text = f"{sentence} Chi tiết xem {link.text}."
            if cited or link.cites:
                draft.cites[text] = cited + link.cites
            return _paragraph(f"{_inline(sentence, cited)} Chi tiết xem {anchor}.", [text], links=[link.path])
        text = f"Xem thêm: {link.text}"
        if link.cites:
            draft.cites[text] = list(link.cites)
        return _paragraph(f"<em>Xem thêm: {anchor}</em>", [text], links=[link.path])

    def _add_images(self, draft: _Draft, blocks: list[_Block], slots: _Slots, rng: random.Random, wants) -> None:
        two = wants("two_images", 0.12)
        count = 2 if two else 1 if wants("image", 0.5) else 0
        folder = f"/Uploads/images/tin-tuc/{draft.published:%Y/%m}"
        for number in range(count):
            src = f"{folder}/z{rng.randrange(10**12, 10**13)}_{_token(rng, 8).lower()}.jpg"
            alt = draft.title if ("alt" in draft.features or rng.random() < 0.2) and number == 0 else ""
            has_caption = not ("no_caption" in draft.features and number == 0) and rng.random() < 0.85
            caption = slots.fill(rng.choice(self.vocabulary["captions"])) if has_caption else None
            image = {"src": src, "alt": alt, "caption": caption}
            # The first image leads the article (as in the snapshot); a second one sits mid-body.
            blocks.insert(0 if number == 0 else max(2, len(blocks) // 2), _image_block(image))
            draft.images.append(image)

    def _add_attachments(self, draft: _Draft, slots: _Slots, rng: random.Random) -> None:
        count = 3 if "two_images" in draft.features else 2 if "attachments" in draft.features else rng.randint(1, 2)
        for _ in range(count):
            extension = ATTACHMENT_EXTENSIONS[self.attachment_count % len(ATTACHMENT_EXTENSIONS)]
            self.attachment_count += 1
            name = slots.fill(rng.choice(self.vocabulary["attachment_names"]), plain=True, short=True)
            name = _written(draft, name, slots)
            stem = ascii_slug(name, 60)
            url = f"/Uploads/files/{draft.published:%Y/%m}/{stem}{extension}"
            if url in self.used_files:
                url = f"/Uploads/files/{draft.published:%Y/%m}/{stem}-{draft.site_id}-{self.attachment_count}"
                url += extension
            self.used_files.add(url)
            draft.attachments.append(_attachment_truth({"url": url, "name": name}, draft, len(draft.attachments)))

    def _word_body(self, draft: _Draft, slots: _Slots, rng: random.Random) -> None:
        """A body pasted from Microsoft Word: MsoNormal, mso- styles, <o:p>, &nbsp; between words."""
        draft.blocks = _word_blocks(self._texts(draft, slots, rng), rng)

    def revise_draft(self, draft: _Draft, note: str) -> None:
        """Append `{note} (lần N): {a sentence of the article's topic}` to the body."""
        draft.revisions += 1
        rng = random.Random(f"revise-{self.seed}-{draft.site_id}-{draft.revisions}")
        slots = _Slots(rng, self.vocabulary, draft.published, draft.slots)
        template = rng.choice(self.vocabulary["sentences"][CATEGORIES[draft.category][0]])
        sentence = slots.fill(template, plain=draft.variant == "word")
        note = " ".join(unicodedata.normalize("NFC", note).split()) or "Cập nhật"
        text = _written(draft, f"{note} (lần {draft.revisions}): {sentence}", slots)
        style = "" if draft.variant == "plain" else JUSTIFY_STYLE
        block = _paragraph(_inline(text, draft.cites.get(text, ())), [text], style)
        if draft.raw_body is not None:
            draft.raw_body += block.html + "\n"
        draft.blocks.append(block)
        draft.paragraphs.append(text)


def _word_blocks(texts: list[str], rng: random.Random) -> list[_Block]:
    """The blocks of a Word body showing `texts`: a preamble, then runs of spans with Word's habits."""
    p_style = ("margin-top:6.0pt;margin-right:0in;margin-bottom:6.0pt;margin-left:0in;text-align:justify;"
               "text-indent:.5in;line-height:115%;mso-pagination:widow-orphan")  # fmt: skip
    span_style = ("font-size:14.0pt;line-height:115%;mso-fareast-font-family:&quot;Times New Roman&quot;;"
                  "mso-ansi-language:VI")  # fmt: skip
    span = f'<span lang="VI" style="{span_style}">'
    empty = f'<p class="MsoNormal" style="{p_style}">{span}<o:p>&nbsp;</o:p></span></p>'
    blocks = [_Block(_data_text("word-preamble.html").rstrip("\n"))]
    for index, text in enumerate(texts):
        words = [_esc(w) for w in text.split(" ")]
        pieces, line = [], 0
        for position, word in enumerate(words):
            if position:
                roll = rng.random()
                if line > 70:  # Word wraps its HTML source mid-paragraph
                    separator, line = "\r\n", 0
                else:
                    separator = "&nbsp;" if roll < 0.08 else "&nbsp; " if roll < 0.1 else " "
                pieces.append(separator)
            pieces.append(word)
            line += len(word) + 1
        cut = len(pieces) // 2 | 1  # split after a separator: two runs, as Word does at a format change
        runs = f"{span}{''.join(pieces[:cut + 1])}</span>{span}{''.join(pieces[cut + 1:])}<o:p></o:p></span>"
        if index == 0:
            runs = f'<b style="mso-bidi-font-weight:normal">{runs}</b>'
        blocks.append(_Block(f'<p class="MsoNormal" style="{p_style}">{runs}</p>', [text]))
        if index % 4 == 3:
            blocks.append(_Block(empty))
    return blocks
