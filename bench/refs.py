"""Document references: `crawler.extraction.legal.find_refs` on hand-written sentences, and its cost on the replica's articles.

The sentences are in `bench/refs/sentences.jsonl`, one JSON object a line: `text`, the `refs`
it holds (`number` normalised, `date` ISO or null), written by hand, and `traps`, the look-alikes
it also holds (dates, scores, ratios, phone numbers, links, periods, article numbers…). They are
in the register of the province's reform news and reports, and cover every written form of a
number the extractor reads and every look-alike it must pass over.

Printed to stdout, as `name: value` lines that bench/run.py reads:
- precision and recall over (sentence, normalised number) pairs, counted as multisets;
- dates right, out of the references found whose sentence gives a date;
- offsets exact: references whose `text` is the source's `[start:end]`;
- the cost of `find_refs` on a replica article's title and body, in µs, the best of `--rounds`
  passes over the articles on one core;
- the replica's own declared references found, where the replica declares them.
Each miss and false hit is printed to stderr with its sentence.

    .venv/bin/python bench/refs.py [--articles 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from benchlib import one_core

from crawler.extraction.legal import find_refs

SENTENCES = Path(__file__).resolve().parent / "refs" / "sentences.jsonl"
GOAL_PRECISION = 0.98
GOAL_RECALL = 0.95
GOAL_MICROSECONDS = 1000  # per article


def load_sentences(path: Path = SENTENCES) -> list[dict]:
    """The benchmark's sentences with their expected references."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def verdict(met: bool) -> str:
    """`meets` or `misses`, as bench/run.py reads it."""
    return "meets" if met else "misses"


def score(sentences: list[dict]) -> dict:
    """Right, false and missed (sentence, number) pairs, dates right and exact offsets; misses to stderr."""
    counts = Counter()
    for index, sentence in enumerate(sentences, 1):
        text = sentence["text"]
        refs = find_refs(text)
        expected = Counter(ref["number"] for ref in sentence["refs"])
        found = Counter(ref.number for ref in refs)
        counts["right"] += sum((expected & found).values())
        counts["false"] += sum((found - expected).values())
        counts["missed"] += sum((expected - found).values())
        counts["offsets"] += len(refs)
        counts["offsets_exact"] += sum(text[ref.start : ref.end] == ref.text for ref in refs)
        dates = {ref["number"]: ref["date"] for ref in sentence["refs"]}
        for ref in refs:
            if ref.number in dates and dates[ref.number] is not None:
                counts["dated"] += 1
                counts["dates_right"] += ref.date == dates[ref.number]
                if ref.date != dates[ref.number]:
                    print(f"  #{index} date of {ref.number}: {ref.date} (want {dates[ref.number]})", file=sys.stderr)
        for number in (expected - found).elements():
            print(f"  #{index} missed {number}: {text!r}", file=sys.stderr)
        for number in (found - expected).elements():
            print(f"  #{index} false hit {number}: {text!r}", file=sys.stderr)
    return counts


def replica_texts(n_articles: int) -> tuple[list[str], list[tuple[str, Counter]]]:
    """Each replica article's title and body (what is timed), and the references the replica declares in them."""
    from crawler.replica import build_replica

    replica = build_replica(n_articles, seed=1)
    texts, declared = [], []
    for article in replica.articles:
        texts += [article.title, article.body_text]
        for field, text in (("title", article.title), ("body_text", article.body_text)):
            refs = getattr(article, "legal_refs", None)
            if refs is not None:
                declared.append((text, Counter(ref["number"] for ref in refs if ref.get("field") == field)))
    return texts, declared


def timed(texts: list[str], rounds: int) -> float:
    """Seconds for one pass of `find_refs` over `texts`, the best of `rounds`, on one core."""
    best = float("inf")
    with one_core():
        for _ in range(rounds):
            start = time.perf_counter()
            for text in texts:
                find_refs(text)
            best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Score the extractor on the sentences, time it on the replica, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200, help="replica articles timed (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the articles; the best counts (default 3)")
    args = parser.parse_args()

    sentences = load_sentences()
    counts = score(sentences)
    expected = sum(len(sentence["refs"]) for sentence in sentences)
    with_traps = sum(1 for sentence in sentences if sentence.get("traps"))
    found = counts["right"] + counts["false"]
    precision = counts["right"] / found if found else 0.0
    recall = counts["right"] / expected if expected else 0.0

    texts, declared = replica_texts(args.articles)
    seconds = timed(texts, args.rounds)
    per_article = seconds / args.articles * 1e6
    characters = sum(map(len, texts)) / args.articles

    without = sum(1 for sentence in sentences if not sentence["refs"])
    print(f"sentences: {len(sentences)} ({with_traps} with look-alikes, {without} with no reference), "
          f"{expected} references expected")  # fmt: skip
    print(f"precision: {precision:.3f} ({counts['right']}/{found} found are right) (goal: >= {GOAL_PRECISION}) -> "
          f"{verdict(precision >= GOAL_PRECISION)}")  # fmt: skip
    print(f"recall: {recall:.3f} ({counts['right']}/{expected} expected are found) (goal: >= {GOAL_RECALL}) -> "
          f"{verdict(recall >= GOAL_RECALL)}")  # fmt: skip
    print(f"false hits: {counts['false']}, misses: {counts['missed']}")
    print(f"dates right: {counts['dates_right']}/{counts['dated']} references found whose sentence dates them")
    print(f"offsets exact: {counts['offsets_exact']}/{counts['offsets']}")
    print(f"find_refs: {per_article:.0f} µs/article ({characters:,.0f} characters), best of {args.rounds} rounds "
          f"over {args.articles} replica articles (goal: under {GOAL_MICROSECONDS} µs) -> "
          f"{verdict(per_article < GOAL_MICROSECONDS)}")  # fmt: skip
    if declared:
        want = sum(sum(refs.values()) for _text, refs in declared)
        right = sum(sum((refs & Counter(ref.number for ref in find_refs(text))).values()) for text, refs in declared)
        print(f"replica's declared references found: {right}/{want}")


if __name__ == "__main__":
    main()
