"""Learning a profile: from the replica in other markups, a profile that reads every article exactly."""

from __future__ import annotations

import pytest

from crawler.extract import extract_page
from crawler.learn import suggest_profile
from crawler.profile import parse_profile
from crawler.replica import build_replica

BASE = "https://cchc.laichau.gov.vn"


def pages_of(replica):
    paths = [a.path for a in replica.articles] + list(replica.listings) + list(replica.static_pages) + list(replica.documents)
    for path in paths:
        resource = replica.get(path)
        yield resource.body, BASE + path, resource.headers.get("Content-Type")


@pytest.mark.parametrize("markup", ["portal", "html5"])
def test_a_learned_profile_reads_every_article_exactly(markup):
    replica = build_replica(n_articles=30, markup=markup)
    suggestion = suggest_profile(pages_of(replica))
    assert suggestion.reproduced == suggestion.articles == len(replica.articles), suggestion.mismatches[:3]
    profile = parse_profile(suggestion.toml, "learned")
    for expected in replica.articles:
        resource = replica.get(expected.path)
        found = extract_page(resource.body, BASE + expected.path, content_type=resource.headers.get("Content-Type"),
                             profile=profile)  # fmt: skip
        assert found.extraction_method == "profile", expected.path
        article = found.article
        assert (article["title"], article["published"], article["category"], article["body_text"]) == (
            expected.title, expected.published, expected.category, expected.body_text), expected.path
    for path in [*replica.listings, *replica.documents, *replica.static_pages]:
        resource = replica.get(path)
        assert extract_page(resource.body, BASE + path, profile=profile).page_type != "article", path
