"""WACZ packages: the captures, their index and the list of pages, for ReplayWeb.page or pywb."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from crawler.archive.storage import Archive, ArchiveError
from crawler.archive.warc import warc_files


class PackageError(ArchiveError):
    """A WACZ package that could not be made."""


def package(archive: Archive, warc_dir: str | Path, output: str | Path) -> Path:
    """Write `output` (.wacz) from the WARC files of `warc_dir` and the archive's pages (py-wacz)."""
    from wacz.main import main as wacz_main

    files = [str(path) for path in warc_files(warc_dir)]
    if not files:
        raise PackageError(f"no WARC files in {warc_dir}")
    output = Path(output)
    with tempfile.TemporaryDirectory() as folder:
        pages = Path(folder) / "pages.jsonl"
        with open(pages, "w", encoding="utf-8") as stream:
            stream.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "cchc-archive pages"}) + "\n")
            for page in archive.replay_pages():
                # WACZ wants UTC timestamps; the archive keeps Vietnam's time.
                moment = datetime.fromisoformat(page["ts"].replace("Z", "+00:00")).astimezone(timezone.utc)
                page["ts"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
                stream.write(json.dumps(page, ensure_ascii=False) + "\n")
        chatter = io.StringIO()  # py-wacz reports its progress on stdout
        with contextlib.redirect_stdout(chatter):
            status = wacz_main(["create", "-o", str(output), "-p", str(pages), "--title", "cchc-archive", *files])
    if status not in (0, None) or not output.exists():
        last = (chatter.getvalue().strip().splitlines() or ["failed"])[-1]
        raise PackageError(f"cannot write {output}: {last}")
    return output
