"""The archive's documents and legal references: stored with their offsets, replaced, linked, rebuilt, queried."""

from __future__ import annotations

import json

import pytest

from crawler.archive.references import query_number
from crawler.archive.storage import Archive, SearchError

from .test_storage import T1, T2, make_article

HOST = "https://cchc.laichau.gov.vn"
PLAN_PAGE = HOST + "/van-ban-cchc/van-ban-cua-tinh/ke-hoach-2524-kh-ubnd-1021.html"
FILE_URL = HOST + "/files/kh.pdf"


def _document(**overrides) -> dict:
    document = {
        "url": PLAN_PAGE, "number_raw": "2524/KH-UBND", "number": "2524/KH-UBND", "kind": "Kế hoạch",
        "issuer": "UBND tỉnh Lai Châu", "issued": "2021-08-18", "issued_raw": "18/08/2021", "year": 2021,
        "summary": "Đo lường sự hài lòng, triển khai Nghị quyết số 76/NQ-CP của Chính phủ",
        "other": {"Tình trạng": "Còn hiệu lực"},
        "files": [{"url": FILE_URL, "name": "kh.pdf"}],
    }  # fmt: skip
    document.update(overrides)
    return document


def _refs(archive: Archive, url: str) -> list[tuple]:
    return [(r["field"], r["number"], r["text"]) for r in archive.article_refs(url)]


def test_an_articles_references_are_stored_with_where_they_were_found(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        article = make_article(title="Triển khai Kế hoạch số 2524/KH-UBND")
        archive.save_article(article, T1)
        refs = archive.article_refs(article["url"])
        assert [(r["field"], r["number"]) for r in refs] == [
            ("title", "2524/KH-UBND"), ("body_text", "2524/KH-UBND"), ("body_text", "19-NQ/TW")]  # fmt: skip
        fields = {"title": article["title"], "body_text": article["body_text"]}
        for ref in refs:
            offset = ref["char_offset"]
            assert fields[ref["field"]][offset : offset + len(ref["text"])] == ref["text"]
        assert refs[2]["kind"] == "Nghị quyết" and refs[2]["issuer"] == "Ban Chấp hành Trung ương"


def test_a_changed_article_replaces_its_references(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.save_article(make_article(), T1)
        changed = make_article(body_text="Theo Nghị định số 107/2020/NĐ-CP.", content_sha256="b" * 64)
        archive.save_article(changed, T2)
        assert _refs(archive, changed["url"]) == [("body_text", "107/2020/NĐ-CP", "Nghị định số 107/2020/NĐ-CP")]


def test_an_attached_files_text_adds_its_references(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        article = make_article(body_text="Không trích dẫn văn bản nào.")
        archive.save_article(article, T1)
        assert _refs(archive, article["url"]) == []
        archive.save_attachment_file({"url": FILE_URL, "fetched": T1, "status": 200, "kind": "pdf",
                                      "text": "Căn cứ Luật số 80/2015/QH13 ngày 22/6/2015"})  # fmt: skip
        [ref] = archive.article_refs(article["url"])
        assert (ref["field"], ref["number"], ref["date"], ref["char_offset"]) == (
            "attachment_text", "80/2015/QH13", "2015-06-22", 7)  # fmt: skip


def test_a_document_is_stored_with_its_files_and_joined_to_the_references_to_it(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.save_article(make_article(), T1)  # cites 2524/KH-UBND before its page is archived
        archive.save_document(_document(), T2)
        row = archive.db["documents"].get(PLAN_PAGE)
        assert (row["number"], row["kind"], row["issued"], row["year"]) == ("2524/KH-UBND", "Kế hoạch", "2021-08-18",
                                                                            2021)  # fmt: skip
        assert row["other"] == '{"Tình trạng": "Còn hiệu lực"}'
        assert [r["url"] for r in archive.db["document_files"].rows] == [FILE_URL]
        linked = {r["number"]: r["document_url"] for r in archive.article_refs(make_article()["url"])}
        assert linked == {"2524/KH-UBND": PLAN_PAGE, "19-NQ/TW": None}
        # A reference archived after the document is linked at once.
        later = make_article(url=HOST + "/b.html", body_text="Kế hoạch 2524/kh-ubnd", content_sha256="c" * 64)
        archive.save_article(later, T2)
        assert archive.article_refs(later["url"])[0]["document_url"] == PLAN_PAGE
        # The summary's references are the document's.
        summary = archive.db.execute("SELECT number, source_kind, field FROM legal_refs WHERE source_url = ?",
                                     (PLAN_PAGE,)).fetchall()  # fmt: skip
        assert summary == [("76/NQ-CP", "document", "summary")]
        # The file's text, once fetched, is the document's and searchable.
        archive.save_attachment_file({"url": FILE_URL, "fetched": T2, "status": 200, "kind": "pdf",
                                      "text": "Phụ lục khảo sát mức độ hài lòng"})  # fmt: skip
        assert archive.db["documents"].get(PLAN_PAGE)["file_text"] == "Phụ lục khảo sát mức độ hài lòng"
        assert [r["url"] for r in archive.db["documents"].search("khảo sát")] == [PLAN_PAGE]


def test_citing_articles_by_any_written_form_newest_first(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.save_article(make_article(url=HOST + "/old.html", published="2021-01-01T08:00:00+07:00",
                                          body_text="Nghị định số 107/2020/ND-CP", content_sha256="1" * 64), T1)  # fmt: skip
        archive.save_article(make_article(url=HOST + "/new.html", published="2023-01-01T08:00:00+07:00",
                                          body_text="Nghị định 107/2020/NĐCP và 107/2020/NĐ-CP",
                                          content_sha256="2" * 64), T1)  # fmt: skip
        for written in ("107/2020/NĐ-CP", "107/2020/nd-cp", "107 2020 nđ cp"):
            rows = archive.citing_articles(written)
            assert [r["url"] for r in rows] == [HOST + "/new.html", HOST + "/old.html"], written
        assert rows[0]["mentions"] == 2
        with pytest.raises(SearchError, match="not a document number: 12/10/2021"):
            archive.citing_articles("12/10/2021")
        [top] = archive.most_cited(5)
        assert (top["number"], top["articles"], top["mentions"]) == ("107/2020/NĐ-CP", 2, 3)


def test_references_are_rebuilt_from_stored_text_alone(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.save_article(make_article(), T1)
        archive.save_document(_document(), T2)
        before = list(archive.db["legal_refs"].rows)
        archive.db.execute("DELETE FROM legal_refs")
        assert archive.rebuild_refs() == len(before) == 3
        after = list(archive.db["legal_refs"].rows)
        assert [{k: v for k, v in r.items() if k != "id"} for r in after] == [
            {k: v for k, v in r.items() if k != "id"} for r in before]  # fmt: skip


def _sums(archive: Archive) -> tuple[list, list]:
    return (sorted(archive.db.execute("SELECT * FROM citations").fetchall()),
            sorted(archive.db.execute("SELECT * FROM cited_by_year").fetchall()))  # fmt: skip


def test_the_sums_of_citations_follow_every_change_as_a_recount_would(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        first = make_article(url=HOST + "/1.html", published="2021-05-01T08:00:00+07:00", content_sha256="1" * 64,
                             body_text="Kế hoạch 2524/KH-UBND và Kế hoạch số 2524/kh-ubnd; Nghị quyết 19-NQ/TW.")
        second = make_article(url=HOST + "/2.html", published=None, content_sha256="2" * 64,
                              body_text="Theo Kế hoạch số 2524/KH-UBND.")  # fmt: skip
        archive.save_article(first, T1)
        archive.save_article(second, T1)
        # A re-crawl: the first article now cites another plan and is dated another year.
        archive.save_article(dict(first, body_text="Nghị định số 107/2020/NĐ-CP.", content_sha256="3" * 64,
                                  published="2022-01-01T08:00:00+07:00"), T2)  # fmt: skip
        # The file both articles attach arrives, and its text cites the plan.
        archive.save_attachment_file({"url": FILE_URL, "fetched": T2, "status": 200, "kind": "pdf",
                                      "text": "Kèm theo Kế hoạch số 2524/KH-UBND"})  # fmt: skip
        kept = _sums(archive)
        archive.rebuild_refs()
        assert _sums(archive) == kept
        by_year = {(number, year): (articles, mentions) for number, year, articles, mentions in kept[1]}
        assert by_year == {("2524/KH-UBND", 0): (1, 2), ("2524/KH-UBND", 2022): (1, 1),
                           ("107/2020/NĐ-CP", 2022): (1, 1)}  # fmt: skip
        [plan] = [row for row in archive.most_cited(5) if row["number"] == "2524/KH-UBND"]
        assert (plan["articles"], plan["mentions"], plan["kind"]) == (2, 3, "Kế hoạch")


def test_a_number_typed_with_spaces_is_one_document():
    assert query_number("2524 kh ubnd") == "2524/KH-UBND"
    assert query_number("107/2020/ND-CP") == "107/2020/NĐ-CP"
    assert query_number("hello") is None


def test_searching_a_number_finds_the_citing_articles(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.save_article(make_article(), T1)
        archive.save_article(make_article(url=HOST + "/x.html", body_text="Không liên quan.", content_sha256="9" * 64),
                             T1)  # fmt: skip
        for query in ("2524/KH-UBND", "2524 kh ubnd"):
            assert [r["url"] for r in archive.search(query)] == [make_article()["url"]], query


# -- against the replica: ground truth declared by the replica's data, never by the extractor -------------


def _truth_refs(replica, base: str) -> list[tuple]:
    truth = [(base + article.path, ref["field"], ref["number"], ref["date"])
             for article in replica.articles for ref in article.legal_refs]  # fmt: skip
    truth += [(base + path, ref["field"], ref["number"], ref["date"])
              for path, document in replica.document_truth.items() for ref in document["legal_refs"]]  # fmt: skip
    return sorted(truth, key=repr)


def test_a_crawl_finds_every_reference_of_the_replica_and_nothing_else(crawled, replica):
    with Archive(crawled.db_path, must_exist=True) as archive:
        found = sorted(archive.db.execute("SELECT source_url, field, number, date FROM legal_refs").fetchall(),
                       key=repr)  # fmt: skip
    truth = _truth_refs(replica, crawled.url)
    missed = [ref for ref in truth if ref not in found]
    wrong = [ref for ref in found if ref not in truth]
    assert len(truth) > 100 and not missed and not wrong, (missed[:10], wrong[:10])
    assert found == truth


def test_a_crawl_archives_every_document_page_with_its_fields(crawled, replica):
    with Archive(crawled.db_path, must_exist=True) as archive:
        rows = {row["url"]: row for row in archive.db["documents"].rows}
        files = {}
        for row in archive.db["document_files"].rows:
            files.setdefault(row["document_url"], []).append(row["url"])
        linked = dict(archive.db.execute("SELECT number, document_url FROM legal_refs "
                                         "WHERE document_url IS NOT NULL").fetchall())  # fmt: skip
    assert len(rows) == len(replica.document_truth)
    for path, truth in replica.document_truth.items():
        row = rows[crawled.url + path]
        for key in ("number_raw", "number", "kind", "issuer", "issued", "effective", "signer", "field", "summary"):
            assert row[key] == truth[key], (path, key)
        assert json.loads(row["other"]) == truth["other"], path
        assert files.get(crawled.url + path, []) == [crawled.url + f for f in truth["files"]], path
    # Every reference to a document the archive holds names its page.
    numbers = {truth["number"]: crawled.url + path for path, truth in replica.document_truth.items()}
    assert linked and all(numbers[number] == url for number, url in linked.items())
