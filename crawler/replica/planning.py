"""Who the articles are: the snapshot's three, their real neighbours and generated ones.

`_Planning` gives each draft its id, its variant (legacy encodings, Word, plain text), the
features its body must show and the links between articles (tracking parameters,
fragments, a dead link, redirects). The snapshot articles keep their real bodies, read
from the data files into blocks and checked against their stated paragraphs.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from datetime import datetime, timedelta

from crawler.replica.attachments import _attachment_truth
from crawler.replica.drafts import _Block, _Draft, _image_block, _LinkSpec, _paragraph
from crawler.replica.resources import Resource, _redirect
from crawler.replica.site import BASE, CATEGORIES, DEAD_ARTICLE_ID, MIN_GENERATED, VIETNAM, _data_json, _data_text
from crawler.replica.text import _token, ascii_slug, parse_site_date
from crawler.replica.vocabulary import _Slots


# One line of a snapshot body: `<p style="…">inline HTML</p>`.
_SNAPSHOT_LINE = re.compile(r'<p(?: style="(?P<style>[^"]*)")?>(?P<inner>.*)</p>')
_IMAGE_TAG = re.compile(r'<img alt="[^"]*" src="(?P<src>[^"]*)"[^>]*/>')


def _snapshot_blocks(raw_body: str, draft: _Draft) -> list[_Block]:
    """The blocks of a snapshot body (one `<p>` a line), so other markups can render it too.

    Images pair with the caption line below them; the `&nbsp;` spacer lines end the body
    in the snapshot's markup only. Raises ValueError when the data files disagree: the
    blocks must show exactly the article's paragraphs.
    """
    images = {image["src"]: image for image in draft.images}
    blocks: list[_Block] = []
    for line in raw_body.splitlines():
        match = _SNAPSHOT_LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"snapshot body of {draft.site_id}: unexpected line {line[:60]!r}")
        inner, style = match["inner"], match["style"] or ""
        image = _IMAGE_TAG.fullmatch(inner)
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split())
        if image is not None:
            blocks.append(_image_block(images[image["src"]]))
        elif blocks and blocks[-1].kind == "image" and blocks[-1].texts == [text]:
            continue  # the caption line, already part of its image block
        elif text:
            blocks.append(_paragraph(inner, [text], style))
    if [t for block in blocks for t in block.texts] != draft.paragraphs:
        raise ValueError(f"snapshot body of {draft.site_id} does not show its paragraphs")
    return blocks


def _snapshot_citations(citations: list[dict], draft: _Draft) -> dict[str, list[dict]]:
    """The snapshot article's hand-made annotations as the draft's citations, text by text.

    Each annotated text must occur exactly once in its title, body or attachment names;
    raises ValueError otherwise, so the annotations cannot drift from the data files.
    """
    pieces = {"title": [draft.title], "body": draft.paragraphs, "attachment": [a["name"] for a in draft.attachments]}
    found: dict[str, list[dict]] = {}
    for citation in citations:
        texts = pieces[citation["in"]]
        if sum(text.count(citation["text"]) for text in texts) != 1:
            raise ValueError(f"snapshot article {draft.site_id}: {citation['text']!r} is not written once")
        holder = next(text for text in texts if citation["text"] in text)
        found.setdefault(holder, []).append({k: v for k, v in citation.items() if k != "in"})
    return found


def seed_text_paragraphs(text: str) -> list[str]:
    """Body paragraphs of the real page text: the lines between the date and `Tin liên quan`."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("(Ngày đăng")) + 1
    end = lines.index("Tin liên quan")
    paragraphs = [" ".join(line.replace("\xa0", " ").split()) for line in lines[start:end]]
    return [unicodedata.normalize("NFC", p) for p in paragraphs if p]


class _Planning:
    """The drafts of a new replica, before any body is written: a part of `_Builder`.

    All choices come from the builder's `rng`; the redirects and dead links planned here
    go into the builder's maps.
    """

    n_articles: int
    rng: random.Random
    vocabulary: dict
    resources: dict[str, Resource]
    redirects: dict[str, str]
    dead_links: list[str]

    def drafts(self) -> list[_Draft]:
        """The snapshot articles, their real neighbours and generated ones, with ids and roles."""
        snapshot = _data_json("snapshot/articles.json")
        drafts = [self._snapshot_draft(entry) for entry in snapshot["articles"]]
        # The seed page's real neighbours, as many as fit beside the generated articles a replica needs.
        room = self.n_articles - len(drafts) - MIN_GENERATED
        reports = [
            _Draft(r["category"], r["title"], parse_site_date(r["published_raw"]), origin="report")
            for r in snapshot["reports"][:room]
        ]
        taken = {d.title for d in drafts + reports}
        generated = self._generated_drafts(self.n_articles - len(drafts) - len(reports), taken)
        self._assign_ids(drafts, reports + generated)
        drafts += reports + generated
        titles = {d.title: d for d in drafts}
        for draft in drafts:
            # A small replica lacks some real neighbours; then related articles are chosen as for any other.
            present = all(t in titles for t in draft.fixed_related)
            draft.fixed_related = [titles[t].path for t in draft.fixed_related] if present else []
        self._assign_roles(generated, drafts)
        return drafts

    def _snapshot_draft(self, entry: dict) -> _Draft:
        published = parse_site_date(entry["published_raw"])
        draft = _Draft(entry["category"], entry["title"], published, entry["id"], "snapshot")
        draft.raw_body = _data_text(f"snapshot/news-content-{entry['id']}.html")
        if "paragraphs_from_seed_text" in entry:
            draft.paragraphs = seed_text_paragraphs(_data_text("snapshot/" + entry["paragraphs_from_seed_text"]))
        else:
            draft.paragraphs = list(entry["paragraphs"])
        draft.images = [dict(image) for image in entry["images"]]
        draft.attachments = [_attachment_truth(dict(a), draft, index) for index, a in enumerate(entry["attachments"])]
        draft.fixed_related = list(entry.get("related_titles", []))
        draft.blocks = _snapshot_blocks(draft.raw_body, draft)
        draft.cites = _snapshot_citations(entry["legal_citations"], draft)
        return draft

    def _generated_drafts(self, count: int, taken: set[str]) -> list[_Draft]:
        rng = self.rng
        keys = list(CATEGORIES)
        weights = [CATEGORIES[k][1] for k in keys]
        # Midnight and noon first: `12:xx SA` and `12:xx CH` are the cases a date parser gets wrong.
        hours = [0, 12, 23, 11, 13, 1] + [h for h in range(24) if h not in (0, 12, 23, 11, 13, 1)]
        start = datetime(2019, 1, 1, tzinfo=VIETNAM)
        span_days = (datetime(2024, 12, 31, tzinfo=VIETNAM) - start).days
        drafts = []
        for index in range(count):
            category = keys[index] if index < len(keys) else rng.choices(keys, weights)[0]
            day = start + timedelta(days=rng.randrange(span_days + 1))
            moment = day.replace(hour=hours[index % 24], minute=rng.randrange(60), second=rng.randrange(60))
            title, slots, cited = self._unique_title(category, moment, taken)
            drafts.append(_Draft(category, title, moment, slots=slots, cites={title: cited} if cited else {}))
        return drafts

    def _unique_title(self, category: str, moment: datetime, taken: set[str]) -> tuple[str, dict, list[dict]]:
        """A title not used yet, the place, agency… it names, for the body to repeat, and what it cites."""
        templates = self.vocabulary["titles"][category]
        for _ in range(60):
            slots = _Slots(self.rng, self.vocabulary, moment)
            title = slots.fill(self.rng.choice(templates), plain=True, keyed=True)
            if title not in taken:
                break
        else:  # vocabulary exhausted (very large n): a number keeps the title unique
            suffix = 2
            while f"{title} ({suffix})" in taken:
                suffix += 1
            title = f"{title} ({suffix})"
        taken.add(title)
        return title, slots.fixed, slots.take()

    def _assign_ids(self, fixed: list[_Draft], others: list[_Draft]) -> None:
        # Ids grow with the publication date, as a CMS's auto-increment does.
        reserved = {d.site_id for d in fixed}
        pool = [i for i in range(1100, 1100 + max(2900, 10 * len(others))) if i not in reserved]
        ids = sorted(self.rng.sample(pool, len(others)))
        for draft, site_id in zip(sorted(others, key=lambda d: d.published), ids):
            draft.site_id = site_id

    def _assign_roles(self, generated: list[_Draft], everyone: list[_Draft]) -> None:
        rng = self.rng
        by_age = sorted(generated, key=lambda d: d.sort_key)
        # Legacy encodings belong to the oldest pages, as on real portals.
        by_age[0].variant = "windows-1258"
        by_age[0].features.add("charset-header")
        by_age[1].variant = "windows-1258"  # declared only in the <meta> tag
        by_age[2].variant = "nfd"
        rest = by_age[3:]
        rng.shuffle(rest)
        rest[0].variant = "word"
        rest[1].variant = "plain"
        for draft in rest[6:]:  # rest[2:6] stay rich, so the link roles have hosts
            if rng.random() < 0.05:
                draft.variant = "plain"
        rich = [d for d in rest if d.variant == "utf-8"]
        rich.sort(key=lambda d: d.site_id)
        # The first rich articles carry every feature at least once; later ones get them at random.
        plans = [
            {"two_images", "attachments", "contact"},
            {"image", "no_caption", "attachments", "js_link", "list"},
            {"image", "doc_link", "nbsp", "author", "alt"},
            {"article_link", "heading"},
        ]
        for draft, plan in zip(rich, plans):
            draft.features |= plan
        self._plan_links(rich, everyone)

    def _plan_links(self, hosts: list[_Draft], everyone: list[_Draft]) -> None:
        """Links between articles: tracking parameters, fragments, a dead one, redirects."""
        rng = self.rng
        targets = [d for d in everyone if d.variant == "utf-8"]

        def pick(host: _Draft) -> _Draft:
            return rng.choice([t for t in targets if t is not host])

        def host(index: int) -> _Draft:
            return hosts[index % len(hosts)]

        dead_title = "Hội nghị trực tuyến triển khai công tác cải cách hành chính năm 2020 của tỉnh Lai Châu"
        dead_path = f"/tin-tuc-su-kien/tin-cchc-cua-tinh/{ascii_slug(dead_title)}-{DEAD_ARTICLE_ID}.html"
        self.dead_links.append(dead_path)
        host(0).links.append(_LinkSpec(dead_path, dead_title, dead_path))

        moved = pick(host(1))
        old_path = f"/tin-tuc/{ascii_slug(moved.title)}-{moved.site_id}.html"  # the URL scheme before the menu changed
        self.redirects[old_path] = moved.path
        self.resources[old_path] = _redirect(301, moved.path)
        host(1).links.append(_LinkSpec(old_path, moved.title, old_path, cites=moved.cites.get(moved.title, [])))

        chained = pick(host(2))
        legacy = f"/NewsDetail.aspx?id={chained.site_id}"
        short = f"/bai-viet/{chained.site_id}"
        self.redirects.update({legacy: short, short: chained.path})
        self.resources[legacy] = _redirect(302, short)
        self.resources[short] = _redirect(302, chained.path)
        host(2).links.append(_LinkSpec(legacy, "tại đây", legacy, inline=True))

        decorations = [
            "?utm_source=zalo&utm_medium=social",
            f"?fbclid=IwAR{_token(rng, 28)}",
            "?zarsrc=30&utm_source=zalo&utm_medium=zalo&utm_campaign=zalo",
            "#noi-dung",
            "?utm_source=facebook&utm_medium=social&utm_campaign=cchc#binh-luan",
        ]
        for index, decoration in enumerate(decorations):
            target = pick(host(3 + index))
            host(3 + index).links.append(_LinkSpec(target.path + decoration, target.title, target.path,
                                                   cites=target.cites.get(target.title, [])))
        # An absolute link to the site itself, as editors paste from the address bar.
        target = pick(host(8))
        host(8).links.append(_LinkSpec(BASE + target.path, "tại đây", target.path, inline=True))
        for draft in hosts:
            if "article_link" in draft.features or rng.random() < 0.12:
                target = pick(draft)
                draft.links.append(_LinkSpec(target.path, target.title, target.path, inline=rng.random() < 0.4,
                                             cites=target.cites.get(target.title, [])))
