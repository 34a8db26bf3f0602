"""What a crawl requests: new pages, due revalidations, listings; not what is fresh."""

from datetime import datetime, timedelta

from crawler.dates import VIETNAM
from crawler.crawl.frontier import Decision, Policy, conditional_headers, decide, is_pagination_of, links_to_follow

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=VIETNAM)
START = "https://cchc.laichau.gov.vn/"
POLICY = Policy(crawl_id=7, start_url=START, refresh_after=timedelta(days=30))


def known(days_ago: float, page_type: str = "article", crawl_id: int = 3, **extra) -> dict:
    fetched = (NOW - timedelta(days=days_ago)).isoformat()
    return {"page_type": page_type, "fetched": fetched, "crawl_id": crawl_id, "status": 200, **extra}


def test_unknown_pages_are_fetched():
    assert decide(START + "a-1.html", None, POLICY, NOW).fetch


def test_fresh_pages_are_skipped_and_due_pages_revalidated():
    assert not decide(START + "a-1.html", known(2), POLICY, NOW).fetch
    due = decide(START + "a-1.html", known(31, etag='"abc"', last_modified="Tue, 01 Aug 2023 00:00:00 GMT"), POLICY, NOW)
    assert due.fetch
    assert due.headers == {"If-None-Match": '"abc"', "If-Modified-Since": "Tue, 01 Aug 2023 00:00:00 GMT"}


def test_start_page_and_listings_are_always_reread_in_full():
    assert decide(START, known(0, page_type="listing", etag='"x"'), POLICY, NOW) == Decision(True, {})
    assert decide(START + "chuyen-doi-so", known(0, page_type="listing"), POLICY, NOW).fetch
    assert not decide(START + "gioi-thieu", known(0, page_type="page"), POLICY, NOW).fetch
    assert not decide(START + "dead", known(0, page_type="error"), POLICY, NOW).fetch


def test_a_resumed_crawl_skips_what_it_fetched_itself():
    assert not decide(START, known(0, page_type="listing", crawl_id=7), POLICY, NOW).fetch


def test_refresh_after_zero_revalidates_everything():
    policy = Policy(crawl_id=7, start_url=START, refresh_after=timedelta(0))
    assert decide(START + "a-1.html", known(0), policy, NOW).fetch


def test_conditional_headers_only_for_successful_copies():
    assert conditional_headers({"status": 404, "etag": '"x"'}) == {}
    assert conditional_headers({"status": 200}) == {}


def test_pagination_stops_at_a_listing_page_with_nothing_new():
    listing = START + "chuyen-doi-so"
    links = [listing + "?page=2", listing + "?page=3", START + "chuyen-doi-so/a-1.html", START + "gioi-thieu"]
    everything_known = {link: {} for link in links}
    assert links_to_follow(listing, links, everything_known, POLICY) == [START + "chuyen-doi-so/a-1.html", START + "gioi-thieu"]
    one_new = dict(everything_known)
    del one_new[START + "chuyen-doi-so/a-1.html"]
    assert links_to_follow(listing, links, one_new, POLICY) == links
    full = Policy(crawl_id=7, start_url=START, full=True)
    assert links_to_follow(listing, links, everything_known, full) == links


def test_is_pagination_of():
    assert is_pagination_of(START + "x?page=2", START + "x")
    assert not is_pagination_of(START + "x/a-1.html", START + "x")
    assert not is_pagination_of(START + "x", START + "x")
