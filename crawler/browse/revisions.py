"""An article's revisions compared: the diff of its text between two archived versions.

The same diff is shown on an article's page in the reading room (crawler.browse.article_page)
and by `cchc-archive history` (crawler.cli.querying).
"""

from __future__ import annotations

import difflib

__all__ = ["add_diffs", "revision_diff"]


def revision_diff(previous: str | None, current: str | None, from_label: str, to_label: str) -> list[str]:
    """The unified diff of two versions of an article's text, a line per paragraph."""
    return list(
        difflib.unified_diff(
            (previous or "").splitlines(), (current or "").splitlines(), from_label, to_label, lineterm=""
        )
    )


def _diff_kind(line: str) -> str:
    """What a line of a unified diff is, for its colour: file, hunk, added, removed or same."""
    if line.startswith(("+++", "---")):
        return "file"
    return {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")


def add_diffs(revisions: list[dict]) -> None:
    """Number the `revisions` rows (oldest first) and give each its diff from the one before.

    Each row gets `number` and `diff` (pairs of a line's kind and the line), and from the
    second on `title_changed`; its `body_text` is dropped, as the page shows only the diff.
    """
    previous = None
    for number, revision in enumerate(revisions, 1):
        revision["number"] = number
        revision["diff"] = []
        if previous is not None:
            revision["title_changed"] = previous["title"] != revision["title"]
            revision["diff"] = [
                (_diff_kind(line), line)
                for line in revision_diff(
                    previous["body_text"], revision["body_text"], f"version {number - 1}", f"version {number}"
                )
            ]
        previous = dict(revision)
        del revision["body_text"]  # only the diff is shown: the text is the article's, above
