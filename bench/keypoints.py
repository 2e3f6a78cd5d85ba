"""Benchmark of key-point quality: our extractor against lead-3 on real articles with lists.

    .venv/bin/python -m bench.keypoints [--gold bench/data/keypoints_gold.json] [--verbose]

Each article the gold file points at (real texts, read from ../shared beside the checkout;
bench/data/README.md says which) carries an explicit list its publisher wrote. Two measurements:

  1. Recovery: with the list in place, does news.keypoints give back exactly that list (with
     the article's label added to the defaults, as a feed's `labels` setting would)?
  2. Picking: with the list hidden (the label and every item removed from the text), the points
     news.keypoints picks from the rest, and the lead-3 baseline (the first three sentences of
     the same text), are scored against the hidden list: ROUGE-1, ROUGE-2 and ROUGE-L F1 over
     lower-cased word tokens ([^\\W\\d_]+ and digit runs, so Cyrillic counts; rouge-score's
     default tokenizer keeps only [a-z0-9] and scores Ukrainian 0). ROUGE is computed here
     (~30 lines) rather than adding rouge-score as a dependency.

Targets: ROUGE-1 of ours >= lead-3 + 0.03 in every language that has articles; 100% of present
lists recovered exactly. An article whose source is missing is skipped, with the reason printed;
a source that no longer holds the text the gold was marked on stops the bench (bench/gold.py).

The exit status is 0 when every measured target passes (or nothing could be measured), 1 when
one fails, 2 when the gold no longer fits its sources. Few articles carry such lists in the
corpus we have: treat the figures as direction, not truth.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bench.gold import Article, GoldMismatch, Skipped, load
from news.keypoints import POINT_LIMIT, explicit_points, key_points, labels_with
from news.text import normalise_space, one_line, plain_text, sentences

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "bench" / "data" / "keypoints_gold.json"
SHARED = ROOT.parent / "shared"
MARGIN = 0.03
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_BULLET_ONLY = re.compile(r"^[-•–\s]*$")


# --- ROUGE -----------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return [token.casefold() for token in _TOKEN.findall(text)]


def _f1(overlap: float, candidate: int, reference: int) -> float:
    if not overlap or not candidate or not reference:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def rouge_n(candidate: list[str], reference: list[str], n: int) -> float:
    def grams(words: list[str]) -> Counter[tuple[str, ...]]:
        return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))

    ours, theirs = grams(candidate), grams(reference)
    overlap = sum((ours & theirs).values())
    return _f1(overlap, sum(ours.values()), sum(theirs.values()))


def rouge_l(candidate: list[str], reference: list[str]) -> float:
    """F1 of the longest common subsequence (single-summary ROUGE-L, as rouge-score's rougeL)."""
    previous = [0] * (len(reference) + 1)
    for word in candidate:
        current = [0]
        for j, other in enumerate(reference, start=1):
            current.append(previous[j - 1] + 1 if word == other else max(previous[j], current[-1]))
        previous = current
    return _f1(previous[-1], len(candidate), len(reference))


def scores(picked: tuple[str, ...], gold: tuple[str, ...]) -> tuple[float, float, float]:
    candidate, reference = tokens(" ".join(picked)), tokens(" ".join(gold))
    return (
        rouge_n(candidate, reference, 1),
        rouge_n(candidate, reference, 2),
        rouge_l(candidate, reference),
    )


# --- the two pickers -------------------------------------------------------------------------


def hidden(article: Article) -> str:
    """The article's plain text with its label and list items taken out."""
    lines = []
    for line in plain_text(article.text).splitlines():
        line = normalise_space(line)
        for part in (*article.points, article.label):
            line = line.replace(normalise_space(part), " ")
        if not _BULLET_ONLY.match(line):
            lines.append(normalise_space(line))
    return "\n".join(lines)


def lead_3(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for paragraph in text.splitlines():
        found.extend(sentences(paragraph))
        if len(found) >= 3:
            break
    return tuple(found[:3])


def ours(article: Article, text: str) -> tuple[str, ...]:
    return key_points(title=article.title, content_html=text, max_points=3)


# --- the report ------------------------------------------------------------------------------


def describe(shared: Path, articles: list[Article], skipped: list[Skipped]) -> str:
    lines = [f"read from {shared}: {len(articles)} articles"]
    lines += [f"skipped {item.id}: {item.reason}" for item in skipped]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--shared", type=Path, default=SHARED, help="where the sources are")
    parser.add_argument("--verbose", action="store_true", help="print the points picked")
    options = parser.parse_args()
    try:
        articles, skipped = load(options.gold, options.shared)
    except GoldMismatch as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(describe(options.shared, articles, skipped))
    if not articles:
        print("no article to measure: nothing measured")
        return 0
    print(f"{len(articles)} articles with an explicit list\n")

    recovered = 0
    print("Recovery of the list as the article carries it (label added to the defaults;")
    print(f"items over {POINT_LIMIT} characters compared as every point is shown, cut there):")
    for article in articles:
        found = explicit_points(article.text, labels_with([article.label]))
        exact = found == tuple(one_line(point, POINT_LIMIT) for point in article.points)
        recovered += exact
        verdict = "exact" if exact else f"missed ({len(found)} items found)"
        print(f"  {article.id:18} {article.language}  {len(article.points)} items: {verdict}")
    share = recovered / len(articles) if articles else 0.0
    print(f"  recovered exactly: {recovered}/{len(articles)} = {share:.0%} (target 100%)\n")

    by_language: dict[str, list[tuple[tuple[float, ...], tuple[float, ...]]]] = defaultdict(list)
    for article in articles:
        text = hidden(article)
        picked, baseline = ours(article, text), lead_3(text)
        by_language[article.language].append(
            (scores(picked, article.points), scores(baseline, article.points))
        )
        if options.verbose:
            print(f"{article.id}\n  ours:   {picked}\n  lead-3: {baseline}\n")

    print("List hidden, ROUGE F1 against it (mean per language):")
    print(
        f"  {'lang':4} {'n':>2}  {'ours R1/R2/RL':>20}  {'lead-3 R1/R2/RL':>20}  margin R1  target"
    )
    passed = share == 1.0
    for language in ("en", "uk", "ru"):
        rows = by_language.get(language, [])
        if not rows:
            print(f"  {language:4}  0  no article with an explicit list in the data: not measured")
            continue
        mine = [sum(row[0][k] for row in rows) / len(rows) for k in range(3)]
        base = [sum(row[1][k] for row in rows) / len(rows) for k in range(3)]
        margin = mine[0] - base[0]
        holds = margin >= MARGIN
        passed = passed and holds
        print(
            f"  {language:4} {len(rows):>2}  {'/'.join(f'{v:.3f}' for v in mine):>20}"
            f"  {'/'.join(f'{v:.3f}' for v in base):>20}  {margin:+.3f}     "
            f"{'holds' if holds else 'MISSED'} (>= +{MARGIN})"
        )
    print(f"\nall measured targets: {'pass' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
