"""Tests of crawler.archive.storage: schema, upserts, FTS sync, Vietnamese search, stats, Datasette."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
from pathlib import Path

import pytest

from crawler.archive.storage import Archive, ArchiveError, ArchiveNotFound, SearchError, plan_search

T1 = "2024-05-01T08:00:00+07:00"
T2 = "2024-05-02T09:30:00+07:00"

DANG_BO_URL = "https://cchc.laichau.gov.vn/tin-tuc/dang-bo-tinh.html"
OTHER_URL = "https://cchc.laichau.gov.vn/tin-tuc/cai-cach-hanh-chinh.html"
A_URL = "https://cchc.laichau.gov.vn/a.html"
C_URL = "https://cchc.laichau.gov.vn/c.html"


def make_article(url: str = DANG_BO_URL, **overrides: object) -> dict:
    """An article dict shaped like crawler.extraction.extract.extract_article's output."""
    article = {
        "url": url,
        "canonical_url": url,
        "site_id": 1201,
        "title": "Hội nghị Ban Chấp hành Đảng bộ tỉnh",
        "published": "2024-04-30T10:15:00+07:00",
        "published_raw": "30/04/2024 10:15",
        "breadcrumb": ["Trang chủ", "Tin tức"],
        "category": "Tin tức",
        "body_text": (
            "Sáng nay, Ban Chấp hành Đảng bộ tỉnh Lai Châu tổ chức hội nghị lần thứ 15.\n"
            "Hội nghị thảo luận việc tinh giản biên chế theo Kế hoạch 2524/KH-UBND "
            "và Nghị quyết 19-NQ/TW."
        ),
        "body_html": "<p>Sáng nay…</p>",
        "word_count": 40,
        "content_sha256": "a" * 64,
        "extraction_method": "profile",
        "images": [
            {
                "src": "https://cchc.laichau.gov.vn/img/1.jpg",
                "alt": "Hội nghị",
                "caption": "Quang cảnh",
            },
            {"src": "https://cchc.laichau.gov.vn/img/1.jpg", "alt": "trùng", "caption": None},
        ],
        "attachments": [{"url": "https://cchc.laichau.gov.vn/files/kh.pdf", "name": "Kế hoạch"}],
        "related": [
            {"url": A_URL, "title": "Bài A", "published": "2024-04-01"},
            {"url": A_URL, "title": "Bài A lặp", "published": None},
        ],
        "latest": [{"url": A_URL, "title": "Bài A", "published": None}],
        "body_links": [{"url": "https://cchc.laichau.gov.vn/b.html", "title": "Bài B"}],
        "nav_links": [{"url": "https://cchc.laichau.gov.vn/", "title": "Trang chủ"}],
        "unknown_key": "ignored",
    }
    article.update(overrides)
    return article


def make_other(**overrides: object) -> dict:
    """An article that contains neither "Đảng bộ" nor "tinh giản"."""
    fields: dict = {
        "title": "Cải cách thủ tục hành chính năm 2023",
        "published": "2023-11-20T07:00:00+07:00",
        "category": "Cải cách hành chính",
        "body_text": "Sở Nội vụ công bố kết quả chỉ số cải cách hành chính của các sở, ngành.",
        "extraction_method": "generic",
        "images": [],
        "attachments": [],
        "related": [],
        "latest": [],
        "body_links": [],
        "nav_links": [],
    }
    fields.update(overrides)
    return make_article(OTHER_URL, **fields)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def archive(db_path: Path):
    with Archive(db_path) as arch:
        yield arch


@pytest.fixture
def filled(archive: Archive) -> Archive:
    archive.save_article(make_article(), T1)
    archive.save_article(make_other(), T1)
    return archive


def link_count(archive: Archive, from_url: str = DANG_BO_URL) -> int:
    return archive.db.execute(
        "SELECT count(*) FROM links WHERE from_url = ?", (from_url,)
    ).fetchone()[0]


def columns(archive: Archive, table: str) -> dict[str, str]:
    return {c.name: c.type for c in archive.db[table].columns}


# --- schema --------------------------------------------------------------------


def test_fresh_archive_has_full_schema(archive: Archive) -> None:
    tables = set(archive.db.table_names())
    assert tables >= {"articles", "articles_fts", "pages", "links", "images", "attachments"}
    assert "crawls" in tables
    assert columns(archive, "articles") == {
        "id": "INTEGER",
        "url": "TEXT",
        "site_id": "INTEGER",
        "title": "TEXT",
        "published": "TEXT",
        "year": "INTEGER",
        "published_raw": "TEXT",
        "category": "TEXT",
        "breadcrumb": "TEXT",
        "body_text": "TEXT",
        "body_html": "TEXT",
        "word_count": "INTEGER",
        "content_sha256": "TEXT",
        "extraction_method": "TEXT",
        "first_seen": "TEXT",
        "last_fetched": "TEXT",
        "removed_at": "TEXT",
        "warnings": "TEXT",
        "attachment_text": "TEXT",
        "search_folded": "TEXT",
    }
    assert archive.db["articles"].pks == ["id"]
    assert columns(archive, "pages") == {
        "url": "TEXT",
        "status": "INTEGER",
        "content_type": "TEXT",
        "page_type": "TEXT",
        "fetched": "TEXT",
        "error": "TEXT",
        "redirect_to": "TEXT",
        "redirected_from": "TEXT",
        "canonical_url": "TEXT",
        "extraction_method": "TEXT",
        "extraction_note": "TEXT",
        "size": "INTEGER",
        "crawl_id": "INTEGER",
        "etag": "TEXT",
        "last_modified": "TEXT",
        "warc_file": "TEXT",
        "warc_offset": "INTEGER",
        "warc_record_type": "TEXT",
        "payload_digest": "TEXT",
        "captured": "TEXT",
    }
    assert archive.db["pages"].pks == ["url"]
    assert list(columns(archive, "links")) == ["from_url", "to_url", "kind", "title", "published"]
    assert list(columns(archive, "images")) == ["article_url", "src", "alt", "caption"]
    assert list(columns(archive, "attachments")) == ["article_url", "url", "name"]
    assert columns(archive, "crawls") == {
        "id": "INTEGER",
        "start_url": "TEXT",
        "started": "TEXT",
        "finished": "TEXT",
        "settings": "TEXT",
        "stats": "TEXT",
        "state": "TEXT",
        "pid": "INTEGER",
        "host": "TEXT",
        "updated": "TEXT",
    }

    def indexes(table: str) -> set[tuple[tuple[str, ...], bool]]:
        return {(tuple(i.columns), bool(i.unique)) for i in archive.db[table].indexes}

    assert (("url",), True) in indexes("articles")
    assert indexes("links") == {(("from_url", "to_url", "kind"), True), (("to_url",), False)}
    assert indexes("images") == {(("article_url", "src"), True), (("article_url",), False)}
    assert indexes("attachments") == {(("article_url", "url"), True), (("article_url",), False)}

    fts_sql = archive.db["articles_fts"].schema
    assert "FTS5" in fts_sql
    assert "unicode61 remove_diacritics 0" in fts_sql  # diacritics kept: a query with them means them
    assert 'content="articles"' in fts_sql
    assert archive.db["articles_fts"].columns_dict.keys() == {"title", "body_text", "attachment_text", "search_folded"}
    assert {t.name for t in archive.db["articles"].triggers} == {
        "articles_ai",
        "articles_ad",
        "articles_au",
    }


def test_wal_mode(archive: Archive, db_path: Path) -> None:
    assert archive.db.journal_mode == "wal"
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_reopen_keeps_data_and_schema(db_path: Path) -> None:
    with Archive(db_path) as arch:
        arch.save_article(make_article(), T1)
    with Archive(db_path, must_exist=True) as arch:
        assert arch.db["articles"].count == 1
        assert [r["url"] for r in arch.search("dang bo")] == [DANG_BO_URL]


def test_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(ArchiveNotFound, match="archive not found"):
        Archive(missing, must_exist=True)
    assert not missing.exists()
    assert issubclass(ArchiveNotFound, ArchiveError)


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("this is not sqlite " * 100)
    with pytest.raises(ArchiveError) as info:
        Archive(bogus, must_exist=True)
    assert "\n" not in str(info.value)
    assert "file is not a database" in str(info.value)


# --- articles ------------------------------------------------------------------


def test_save_article_row(filled: Archive) -> None:
    row = filled.db.execute(
        "SELECT * FROM articles WHERE url = ?", (DANG_BO_URL,)
    ).fetchone()
    names = [c.name for c in filled.db["articles"].columns]
    record = dict(zip(names, row))
    assert record["site_id"] == 1201
    assert record["title"] == "Hội nghị Ban Chấp hành Đảng bộ tỉnh"
    assert record["published"] == "2024-04-30T10:15:00+07:00"
    assert record["published_raw"] == "30/04/2024 10:15"
    assert record["breadcrumb"] == '["Trang chủ", "Tin tức"]'  # ensure_ascii=False
    assert record["word_count"] == 40
    assert record["extraction_method"] == "profile"
    assert record["first_seen"] == T1
    assert record["last_fetched"] == T1
    assert record["search_folded"].startswith("hoi nghi ban chap hanh dang bo tinh\nsang nay")


def test_upsert_twice_keeps_one_row_and_replaces_children(filled: Archive) -> None:
    db = filled.db
    assert link_count(filled) == 4
    # Deduplicated within a kind (first wins), but the same URL under two kinds is kept.
    assert db.execute(
        "SELECT to_url, kind, title, published FROM links WHERE from_url = ? ORDER BY kind, to_url",
        (DANG_BO_URL,),
    ).fetchall() == [
        ("https://cchc.laichau.gov.vn/b.html", "body", "Bài B", None),
        ("https://cchc.laichau.gov.vn/a.html", "latest", "Bài A", None),
        ("https://cchc.laichau.gov.vn/", "nav", "Trang chủ", None),
        ("https://cchc.laichau.gov.vn/a.html", "related", "Bài A", "2024-04-01"),
    ]
    assert db.execute("SELECT src, alt, caption FROM images").fetchall() == [
        ("https://cchc.laichau.gov.vn/img/1.jpg", "Hội nghị", "Quang cảnh")
    ]
    first_id = db.execute("SELECT id FROM articles WHERE url = ?", (DANG_BO_URL,)).fetchone()[0]

    updated = make_article(
        title="Hội nghị Ban Chấp hành Đảng bộ tỉnh (cập nhật)",
        images=[{"src": "https://cchc.laichau.gov.vn/img/2.jpg", "alt": None, "caption": None}],
        attachments=[],
        related=[{"url": C_URL, "title": "Bài C", "published": None}],
        latest=[],
        body_links=[],
        nav_links=[],
    )
    filled.save_article(updated, T2)
    filled.save_article(updated, T2)  # idempotent

    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    assert db.execute(
        "SELECT id, title, first_seen, last_fetched FROM articles WHERE url = ?", (DANG_BO_URL,)
    ).fetchone() == (first_id, "Hội nghị Ban Chấp hành Đảng bộ tỉnh (cập nhật)", T1, T2)
    assert db.execute("SELECT from_url, to_url, kind FROM links").fetchall() == [
        (DANG_BO_URL, C_URL, "related")
    ]
    assert db.execute("SELECT article_url, src FROM images").fetchall() == [
        (DANG_BO_URL, "https://cchc.laichau.gov.vn/img/2.jpg")
    ]
    assert db.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0


def test_save_article_is_atomic(filled: Archive) -> None:
    # The bad link fails after the article row was updated and its children deleted:
    # all of it must be rolled back.
    bad_link = {"url": ["not", "a", "string"], "title": "x"}
    with pytest.raises(sqlite3.Error):
        filled.save_article(make_article(title="changed", body_links=[bad_link]), T2)
    assert link_count(filled) == 4
    assert filled.db.execute(
        "SELECT title, last_fetched FROM articles WHERE url = ?", (DANG_BO_URL,)
    ).fetchone() == ("Hội nghị Ban Chấp hành Đảng bộ tỉnh", T1)
    assert not filled.db.conn.in_transaction


def test_fts_triggers_keep_index_in_sync(filled: Archive) -> None:
    def fts_match(query: str) -> list[str]:
        return [
            r[0]
            for r in filled.db.execute(
                "SELECT a.url FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY a.url",
                (query,),
            )
        ]

    assert fts_match("chi so") == [OTHER_URL]
    filled.save_article(make_other(body_text="Nội dung mới về phần mềm một cửa điện tử."), T2)
    assert fts_match("chinh") == [OTHER_URL]  # still in the title
    assert fts_match("chi so") == []
    assert fts_match("phan mem") == [OTHER_URL]
    assert filled.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 2
    # The FTS index agrees with its content table.
    filled.db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


# --- search --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["dang bo", "DANG BO", "Dang Bo", "Đảng bộ", "đảng BỘ", "ĐẢNG BỘ"])
def test_search_dang_bo_any_form(filled: Archive, query: str) -> None:
    assert [r["url"] for r in filled.search(query)] == [DANG_BO_URL]


APART_URL = "https://cchc.laichau.gov.vn/tin-tuc/dang-trien-khai.html"
PLAIN_URL = "https://cchc.laichau.gov.vn/tin-tuc/dang-bo-khong-dau.html"


def article_at(url: str, title: str, body_text: str) -> dict:
    """A plain article of its own at `url`: no attachments, no links."""
    return make_article(url, title=title, body_text=body_text, content_sha256=url, attachments=[], images=[],
                        related=[], latest=[], body_links=[], nav_links=[])  # fmt: skip


@pytest.fixture
def three_forms(filled: Archive) -> Archive:
    """Beside "Đảng bộ": an article with "đang … bộ" only, and one with "dang bo" written without diacritics."""
    filled.save_article(article_at(APART_URL, "Triển khai", "Tỉnh đang triển khai kế hoạch của Bộ Nội vụ."), T1)
    filled.save_article(article_at(PLAIN_URL, "Thư không dấu", "Thư gửi ngày 3/5: dang bo tinh hop sang nay."), T1)
    return filled


def test_a_query_with_diacritics_matches_them_as_written(three_forms: Archive) -> None:
    assert [r["url"] for r in three_forms.search("Đảng bộ")] == [DANG_BO_URL]
    assert [r["url"] for r in three_forms.search("đang bộ")] == [APART_URL]
    # Diacritics anywhere make the whole query as written: "Dang" is then the word "dang".
    assert [r["url"] for r in three_forms.search("Dang bộ")] == []
    assert [r["url"] for r in three_forms.search("dang bộ")] == []


def test_a_query_without_diacritics_matches_every_form_side_by_side_first(three_forms: Archive) -> None:
    results = [r["url"] for r in three_forms.search("dang bo")]
    assert set(results) == {DANG_BO_URL, APART_URL, PLAIN_URL}
    assert results[-1] == APART_URL  # the words apart come after the two "side by side"


def test_snippets_mark_the_words_as_the_query_matched_them(three_forms: Archive) -> None:
    snippets = {r["url"]: r["snippet"] for r in three_forms.search("dang bo")}
    assert "[đang] triển khai kế hoạch của [Bộ]" in snippets[APART_URL]
    assert "[dang bo]" in snippets[PLAIN_URL]
    body = "Đảng bộ tỉnh đang họp; dang bo là cách viết không dấu."
    assert Archive.snippet(body, "Đảng bộ") == "[Đảng bộ] tỉnh đang họp; dang bo là cách viết không dấu."
    assert Archive.snippet(body, "dang bo") == "[Đảng bộ] tỉnh đang họp; [dang bo] là cách viết không dấu."
    assert Archive.snippet(body, "đang") == "Đảng bộ tỉnh [đang] họp; dang bo là cách viết không dấu."


def test_plan_search_keeps_bare_words_of_a_query_with_diacritics_out_of_the_folded_copy() -> None:
    # Without diacritics, or with them on every word, a query matches in no other column than its own.
    assert (plan_search("dang bo").match, plan_search("dang bo").phrase) == ("dang bo", '"dang bo"')
    assert (plan_search("Đảng bộ").match, plan_search("Đảng bộ").phrase) == ("Đảng bộ", '"Đảng bộ"')
    assert plan_search("Đảng bộ").written and not plan_search("DANG BO").written
    # "Lai" alone would match "lại" in the folded copy.
    assert plan_search("Lai Châu").match == '({title body_text attachment_text} : "Lai") AND "Châu"'
    written_only = '"Kế" AND "hoạch" AND ({title body_text attachment_text} : "2524/KH-UBND")'
    assert plan_search("Kế hoạch 2524/KH-UBND").match == written_only
    assert plan_search('Lai OR "Châu"').match == '{title body_text attachment_text} : (Lai OR "Châu")'
    assert plan_search("title:Đảng").match == "title:Đảng"  # the reader's own columns
    assert plan_search("2524/KH-UBND").match == '"2524/KH-UBND"'
    assert plan_search('"Đảng bộ"').phrase is None  # an explicit phrase is already side by side
    lenient = plan_search('"unbalanced', lenient=True)
    assert lenient.match == '"""unbalanced"'
    assert lenient.note == "not valid search syntax (unterminated string): its words were searched for instead"


def test_lai_chau_is_not_found_in_lai_or_lai_with_other_tones(archive: Archive) -> None:
    archive.save_article(article_at(A_URL, "Lai Châu", "Tỉnh Lai Châu tổ chức hội nghị."), T1)
    archive.save_article(article_at(C_URL, "Châu và lại", "Huyện Phong Thổ lại họp; châu báu."), T1)
    assert [r["url"] for r in archive.search("Lai Châu")] == [A_URL]
    assert {r["url"] for r in archive.search("lai chau")} == {A_URL, C_URL}


def test_an_older_archive_is_indexed_again_on_open(db_path: Path) -> None:
    with Archive(db_path) as arch:
        arch.save_article(make_article(), T1)
        arch.save_article(article_at(APART_URL, "Triển khai", "Tỉnh đang triển khai kế hoạch của Bộ Nội vụ."), T1)
    # The index as archives made before had it: tone marks folded, so "Đảng" and "đang" were one word.
    conn = sqlite3.connect(db_path)
    schema = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
    with conn:
        conn.execute("DROP TABLE articles_fts")
        conn.execute(schema.replace("remove_diacritics 0", "remove_diacritics 2"))
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'đang'").fetchone()[0] == 2
    conn.close()
    with Archive(db_path, must_exist=True) as arch:
        assert "remove_diacritics 0" in arch.db["articles_fts"].schema
        assert {t.name for t in arch.db["articles"].triggers} == {"articles_ai", "articles_ad", "articles_au"}
        arch.db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        assert [r["url"] for r in arch.search("Đảng bộ")] == [DANG_BO_URL]
        assert {r["url"] for r in arch.search("dang bo")} == {DANG_BO_URL, APART_URL}
        arch.save_article(article_at(PLAIN_URL, "Không dấu", "dang bo"), T2)  # the triggers write the new index
        assert {r["url"] for r in arch.search("dang bo")} == {DANG_BO_URL, APART_URL, PLAIN_URL}


def test_search_decomposed_query(filled: Archive) -> None:
    import unicodedata

    query = unicodedata.normalize("NFD", "Đảng bộ")
    assert [r["url"] for r in filled.search(query)] == [DANG_BO_URL]


def test_search_tinh_gian_bien_che(filled: Archive) -> None:
    results = filled.search("tinh gian bien che")
    assert [r["url"] for r in results] == [DANG_BO_URL]
    assert "[tinh giản biên chế]" in results[0]["snippet"]


def test_search_result_fields(filled: Archive) -> None:
    (result,) = filled.search("dang bo")
    assert set(result) == {"url", "title", "published", "category", "rank", "snippet", "attachment"}
    assert result["attachment"] is None
    assert result["title"] == "Hội nghị Ban Chấp hành Đảng bộ tỉnh"
    assert result["published"] == "2024-04-30T10:15:00+07:00"
    assert result["category"] == "Tin tức"
    assert isinstance(result["rank"], float)
    assert result["snippet"] == (
        "Sáng nay, Ban Chấp hành [Đảng bộ] tỉnh Lai Châu tổ chức hội nghị lần thứ 15. "
        "Hội nghị thảo luận việc tinh giản biên chế theo Kế hoạch 2524/KH-UBND …"
    )  # 30 words: the body has 33


def test_snippet_custom_markers_and_window(archive: Archive) -> None:
    words = [f"từ{i}" for i in range(100)]
    words[50] = "Đảng"
    archive.save_article(make_article(body_text=" ".join(words), title="Tiêu đề"), T1)
    (result,) = archive.search("dang", start="<mark>", end="</mark>")
    assert result["snippet"] == (
        "… " + " ".join(words[40:50]) + " <mark>Đảng</mark> " + " ".join(words[51:70]) + " …"
    )


def test_snippet_falls_back_to_title(archive: Archive) -> None:
    archive.save_article(
        make_article(title="Đảng bộ tỉnh Lai Châu", body_text="Nội dung khác."), T1
    )
    (result,) = archive.search("dang bo")
    assert result["snippet"] == "[Đảng bộ] tỉnh Lai Châu"


@pytest.mark.parametrize(
    "query", ["2524/KH-UBND", "19-NQ/TW", "KH-UBND", "kh:ubnd", "Kế hoạch 2524/KH-UBND"]
)
def test_search_document_numbers(filled: Archive, query: str) -> None:
    results = filled.search(query)
    assert [r["url"] for r in results] == [DANG_BO_URL]


def test_search_document_number_highlight(filled: Archive) -> None:
    (result,) = filled.search("2524/KH-UBND")
    assert "Kế hoạch [2524/KH-UBND] và" in result["snippet"]


def test_search_advanced_syntax(filled: Archive) -> None:
    assert {r["url"] for r in filled.search("dang OR chinh")} == {DANG_BO_URL, OTHER_URL}
    assert [r["url"] for r in filled.search('"ban chap hanh"')] == [DANG_BO_URL]
    assert [r["url"] for r in filled.search("hanh NOT dang")] == [OTHER_URL]
    assert [r["url"] for r in filled.search("cai cach*")] == [OTHER_URL]
    assert [r["url"] for r in filled.search("title:Đảng")] == [DANG_BO_URL]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("foo AND", 'invalid search query "foo AND": fts5: syntax error near ""'),
        ('"abc', 'invalid search query ""abc": unterminated string'),
        ("(dang bo", 'invalid search query "(dang bo": fts5: syntax error near ""'),
    ],
)
def test_search_malformed_query(filled: Archive, query: str, message: str) -> None:
    with pytest.raises(SearchError) as info:
        filled.search(query)
    assert str(info.value) == message
    assert isinstance(info.value, ArchiveError)


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_search_empty_query(filled: Archive, query: str) -> None:
    with pytest.raises(SearchError, match="empty search query"):
        filled.search(query)


def test_search_ranking_and_limit(archive: Archive) -> None:
    long_body = "Đảng bộ được nhắc một lần trong bài dài " + "chữ " * 200
    archive.save_article(make_other(body_text=long_body), T1)
    archive.save_article(make_article(body_text="Đảng bộ, Đảng bộ, Đảng bộ."), T1)
    results = archive.search("dang bo")
    assert [r["url"] for r in results] == [DANG_BO_URL, OTHER_URL]
    assert results[0]["rank"] < results[1]["rank"]
    assert [r["url"] for r in archive.search("dang bo", limit=1)] == [DANG_BO_URL]
    assert results[0]["snippet"] == "[Đảng bộ], [Đảng bộ], [Đảng bộ]."


def test_search_no_match(filled: Archive) -> None:
    assert filled.search("khongcogi") == []


# --- pages, crawls, stats ------------------------------------------------------


def test_save_page_upsert(archive: Archive) -> None:
    page = {
        "url": "https://cchc.laichau.gov.vn/x.html",
        "status": 200,
        "content_type": "text/html",
        "page_type": "article",
        "fetched": T1,
        "error": None,
        "redirect_to": None,
        "redirected_from": "https://cchc.laichau.gov.vn/old.html",
        "canonical_url": "https://cchc.laichau.gov.vn/x.html",
        "size": 1234,
        "crawl_id": 1,
        "extra": "ignored",
    }
    archive.save_page(page)
    again = {"url": page["url"], "status": 500, "page_type": "error", "error": "HTTP 500"}
    archive.save_page({**again, "fetched": T2})
    assert archive.db.execute("SELECT * FROM pages").fetchall() == [
        (page["url"], 500, None, "error", T2, "HTTP 500") + (None,) * 14
    ]


def test_writes_nest_inside_an_open_transaction(archive: Archive) -> None:
    archive.db.conn.execute("BEGIN")
    archive.save_page({"url": "https://cchc.laichau.gov.vn/t", "status": 200})
    archive.db.conn.execute("ROLLBACK")
    assert archive.db.execute("SELECT count(*) FROM pages").fetchone()[0] == 0
    archive.save_page({"url": "https://cchc.laichau.gov.vn/t", "status": 200})
    assert archive.db.execute("SELECT count(*) FROM pages").fetchone()[0] == 1


def test_crawls(archive: Archive) -> None:
    import datetime

    settings = {"DEPTH_LIMIT": 3, "tên": "thử"}
    crawl_id = archive.start_crawl("https://cchc.laichau.gov.vn/", settings, T1)
    assert crawl_id == 1
    assert archive.db.execute("SELECT settings, finished, stats FROM crawls").fetchone() == (
        '{"DEPTH_LIMIT": 3, "tên": "thử"}',
        None,
        None,
    )
    when = datetime.datetime(2024, 5, 1, 9, 0)
    archive.finish_crawl(crawl_id, {"item_scraped_count": 7, "start_time": when}, T2)
    assert archive.db.execute("SELECT finished, stats FROM crawls").fetchone() == (
        T2,
        '{"item_scraped_count": 7, "start_time": "2024-05-01 09:00:00"}',
    )


def test_last_crawl_and_page(archive: Archive) -> None:
    assert archive.last_crawl() is None
    assert archive.page("https://cchc.laichau.gov.vn/") is None
    first = archive.start_crawl("https://cchc.laichau.gov.vn/", {"DEPTH_LIMIT": 3}, T1)
    archive.finish_crawl(first, {"requests": 12}, T2)
    assert archive.last_crawl() == {
        "id": first,
        "start_url": "https://cchc.laichau.gov.vn/",
        "started": T1,
        "finished": T2,
        "settings": {"DEPTH_LIMIT": 3},
        "stats": {"requests": 12},
        "state": "finished",
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "updated": T2,
    }
    second = archive.start_crawl("https://cchc.laichau.gov.vn/x", {}, T2)
    assert archive.last_crawl() == {
        "id": second,
        "start_url": "https://cchc.laichau.gov.vn/x",
        "started": T2,
        "finished": None,
        "settings": {},
        "stats": {},
        "state": "running",
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "updated": T2,
    }
    archive.save_page({"url": "https://cchc.laichau.gov.vn/", "status": 200, "crawl_id": second})
    assert archive.page("https://cchc.laichau.gov.vn/") == {
        "url": "https://cchc.laichau.gov.vn/",
        "status": 200,
        "content_type": None,
        "page_type": None,
        "fetched": None,
        "error": None,
        "redirect_to": None,
        "redirected_from": None,
        "canonical_url": None,
        "extraction_method": None,
        "extraction_note": None,
        "size": None,
        "crawl_id": second,
        "etag": None,
        "last_modified": None,
        "warc_file": None,
        "warc_offset": None,
        "warc_record_type": None,
        "payload_digest": None,
        "captured": None,
    }


def test_stats(filled: Archive) -> None:
    filled.save_article(
        make_article(C_URL, published=None, category="Tin tức"), T1
    )
    for url, status, page_type, error in [
        ("https://cchc.laichau.gov.vn/1", 200, "article", None),
        ("https://cchc.laichau.gov.vn/2", 200, "article", None),
        ("https://cchc.laichau.gov.vn/3", 200, "listing", None),
        ("https://cchc.laichau.gov.vn/4", 404, "error", None),
        ("https://cchc.laichau.gov.vn/5", None, "error", "DNS lookup failed"),
    ]:
        page = {"url": url, "status": status, "page_type": page_type, "error": error}
        filled.save_page({**page, "fetched": T1})
    for i in range(7):
        crawl_id = filled.start_crawl(f"https://cchc.laichau.gov.vn/?{i}", {}, T1)
        if i != 6:
            filled.finish_crawl(crawl_id, {"pages": i}, T2)

    stats = filled.stats()
    assert stats["articles"] == 3
    assert stats["articles_by_category"] == [
        {"category": "Tin tức", "count": 2},
        {"category": "Cải cách hành chính", "count": 1},
    ]
    assert stats["articles_by_year"] == [
        {"year": "2024", "count": 1},
        {"year": "2023", "count": 1},
        {"year": "unknown", "count": 1},
    ]
    assert stats["articles_by_method"] == [
        {"extraction_method": "profile", "count": 2},
        {"extraction_method": "generic", "count": 1},
    ]
    assert stats["pages_by_type"] == [
        {"page_type": "article", "count": 2},
        {"page_type": "error", "count": 2},
        {"page_type": "listing", "count": 1},
    ]
    assert stats["pages_by_status"] == [
        {"status": 200, "count": 3},
        {"status": 404, "count": 1},
        {"status": None, "count": 1},
    ]
    assert stats["errors"] == 2
    assert [c["id"] for c in stats["crawls"]] == [7, 6, 5, 4, 3]
    assert stats["crawls"][0] == {
        "id": 7,
        "start_url": "https://cchc.laichau.gov.vn/?6",
        "started": T1,
        "finished": None,
        "state": "running",
        "updated": T1,
        "stats": {},
    }
    assert stats["crawls"][1]["stats"] == {"pages": 5}
    json.dumps(stats)  # serialisable for the CLI's --json output


def test_stats_empty_archive(archive: Archive) -> None:
    assert archive.stats() == {
        "articles": 0,
        "documents": 0,
        "legal_refs": 0,
        "documents_cited": 0,
        "articles_by_category": [],
        "articles_by_year": [],
        "articles_by_method": [],
        "pages_by_method": [],
        "pages_by_type": [],
        "pages_by_status": [],
        "errors": 0,
        "crawls": [],
    }


# --- Datasette -----------------------------------------------------------------


def test_datasette_detects_fts(db_path: Path) -> None:
    from datasette.app import Datasette

    with Archive(db_path) as arch:
        arch.save_article(make_article(), T1)
        arch.save_article(make_other(), T1)

    async def fetch(query: str) -> list[dict]:
        ds = Datasette([str(db_path)])
        await ds.invoke_startup()
        response = await ds.client.get(
            f"/archive/articles.json?_search={query}&_shape=objects&_col=url"
        )
        assert response.status_code == 200, response.text
        return response.json()["rows"]

    async def main() -> tuple[list[dict], ...]:
        return (
            await fetch("dang+bo"),
            await fetch("DANG+BO"),
            await fetch("tinh+gian+bien+che"),
            await fetch("thu+tuc+hanh+chinh"),
        )

    dang_bo, upper, tinh_gian, hanh_chinh = asyncio.run(main())
    assert [r["url"] for r in dang_bo] == [DANG_BO_URL]
    assert [r["url"] for r in upper] == [DANG_BO_URL]
    assert [r["url"] for r in tinh_gian] == [DANG_BO_URL]
    assert [r["url"] for r in hanh_chinh] == [OTHER_URL]


def test_attachment_text_is_searchable_and_named(archive: Archive) -> None:
    article = make_article(attachments=[{"url": "https://cchc.laichau.gov.vn/f/kh.pdf", "name": "Kế hoạch số 12"}])
    archive.save_article(article, T1)
    archive.save_attachment_file({"url": "https://cchc.laichau.gov.vn/f/kh.pdf", "fetched": T1, "status": 200,
                                  "kind": "pdf", "text": "Phụ lục khảo sát mức độ hài lòng QĐ-ĐLHL-2023"})  # fmt: skip
    (hit,) = archive.search("qd dlhl 2023")
    assert hit["url"] == article["url"]
    assert hit["attachment"] == {"url": "https://cchc.laichau.gov.vn/f/kh.pdf", "name": "Kế hoạch số 12"}
    assert "[QĐ-ĐLHL-2023]" in hit["snippet"]
    assert archive.search("khảo sát mức độ")[0]["attachment"]["name"] == "Kế hoạch số 12"


def test_capture_saves_page_article_and_frontier_together(archive: Archive) -> None:
    crawl_id, resumed = archive.begin_crawl("https://cchc.laichau.gov.vn/", {}, T1)
    assert not resumed
    page = {"url": DANG_BO_URL, "fetched": T1, "status": 200, "page_type": "article"}
    requested = ["https://cchc.laichau.gov.vn/b", DANG_BO_URL]
    archive.save_capture({"page": page, "article": make_article(), "requested": requested}, crawl_id)
    assert archive.db["articles"].count == 1
    assert archive.begin_crawl("https://cchc.laichau.gov.vn/", {}, T2) == (crawl_id, True)
    assert archive.pending(crawl_id) == ["https://cchc.laichau.gov.vn/b"]  # the other one is fetched
    archive.finish_crawl(crawl_id, {}, T2)
    assert archive.pending(crawl_id) == []
    assert archive.known_pages()[DANG_BO_URL]["crawl_id"] == crawl_id


def test_revisions_keep_every_version_and_removal_deletes_nothing(archive: Archive) -> None:
    archive.save_article(make_article(), T1)
    archive.save_article(make_article(), T2)  # unchanged: no new version
    archive.save_article(make_article(body_text="Nội dung mới.", content_sha256="other"), T2)
    assert [v["body_text"] for v in archive.history(DANG_BO_URL)][1:] == ["Nội dung mới."]
    assert len(archive.history(DANG_BO_URL)) == 2
    archive.save_capture({"page": {"url": DANG_BO_URL, "fetched": T2, "status": 404, "page_type": "error"}})
    row = archive.db["articles"].get(1)
    assert row["removed_at"] == T2 and row["body_text"] == "Nội dung mới."
