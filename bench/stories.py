"""Benchmark of story grouping: news/stories.py on labelled "same story" data, beside plain TF-IDF.

    .venv/bin/python -m bench.stories [--stories FILE] [--pairs FILE] [--window HOURS] [--quick]

Reads ../shared/stories/ beside the checkout (its README describes both files and the replay);
a missing file is skipped with the reason. Nothing read is written anywhere.

1. Stream: the labelled stories replayed as the bot would see them. Each article's time is its
   `published` date at 12:00 UTC, else its `story_published` minus 0-48 h drawn from
   random.Random(article_id); articles go in time order (ties by article_id), one at a time,
   through news.stories.StoryIndex (pruned every 100 articles, as a poll cycle would), each
   read by news.signature.text_of (the headline and the lead as the entry's summary). Scored
   by pairwise precision, recall and F1 and by B-cubed precision, recall and F1 against the
   labels, beside the README's baseline in the same run: TF-IDF (scikit-learn, English stop
   words, sublinear tf, fitted on every text of the file) over the headline twice and the first
   300 characters of the lead; each article joins the window's story whose first article is the
   most similar, when that cosine reaches the threshold. Our figures are shown over a range of
   thresholds, margins and conflict weights, to show how sensitive they are.
2. Pairs: every text of the pairs file is filed first (the IDF background a day of feeds would
   give), then each pair is "same story" when StoryIndex.similarity reaches the threshold,
   which is what `add` asks of a story with one telling. Precision and recall per language,
   beside the README's baseline (TF-IDF, headline twice + 300 characters, words cut to six
   letters).
3. CPU per article with 10,000 stories in the window: copies of the stories file, each copy's
   words suffixed with a letter tag of its own (so copies never match each other, while a copy
   keeps its stories, its numbers and its capitals), all dated within one window, until the
   index holds 10,000 stories or more; then one more copy is added and timed
   (time.process_time) article by article.
4. Alerts: a subscriber of each AllSides topic, every article of the file an alert without
   grouping; with grouping, one alert per story (a story counts for a topic when any of its
   tellings has it).
5. One threshold for both (without --quick): the stream's pairwise precision and recall and the
   pairs' precision and recall per language at each threshold of one curve, side by side, since
   the bot has one threshold for every language.

Targets: stories pairwise precision >= 0.95 with recall >= 0.5; Russian pairs precision >= 0.85
with recall >= 0.4; under 2 ms of CPU per article. The exit status is 0 when every measured
target passes, 1 when one fails.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

from news.signature import Text, text_of
from news.stories import Policy, StoryIndex

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "stories"
STORIES = SHARED / "allsides_2021_en.jsonl"
PAIRS = SHARED / "tgcontest_pairs_ru_en.jsonl"
PRUNE_EVERY = 100
STORIES_IN_WINDOW = 10_000
MAX_COPIES = 40

STREAM_PRECISION, STREAM_RECALL = 0.95, 0.5
PAIRS_PRECISION, PAIRS_RECALL = 0.85, 0.4
CPU_MS = 2.0
# Thresholds of the precision-recall curves: the pairs' one, and the stream beside it.
CURVE = (0.24, 0.30, 0.36, 0.42, 0.46, 0.50, 0.60)


@dataclass(frozen=True, slots=True)
class Article:
    article_id: str
    story_id: str
    outlet: str
    headline: str
    lead: str
    at: datetime
    topic: str


@dataclass(frozen=True, slots=True)
class Pair:
    lang: str
    same: bool
    first: Text
    second: Text


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    b3_precision: float
    b3_recall: float

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def b3_f1(self) -> float:
        return _f1(self.b3_precision, self.b3_recall)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# -- reading ------------------------------------------------------------------------------------


def replay_time(row: dict[str, str | None]) -> datetime:
    published, article_id = row.get("published"), str(row["article_id"])
    if published:
        return datetime.fromisoformat(published).replace(hour=12, tzinfo=UTC)
    story_published = datetime.fromisoformat(str(row["story_published"]))
    hours = random.Random(article_id).uniform(0, 48)
    return (story_published - timedelta(hours=hours)).astimezone(UTC)


def read_stories(path: Path) -> list[Article]:
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        articles.append(
            Article(
                article_id=row["article_id"],
                story_id=row["story_id"],
                outlet=row["outlet"],
                headline=row["title"],
                lead=row["lead"] or "",
                at=replay_time(row),
                topic=row.get("topic") or "",
            )
        )
    return sorted(articles, key=lambda article: (article.at, article.article_id))


def read_pairs(path: Path) -> list[Pair]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pairs.append(
            Pair(
                lang=row["lang"],
                same=bool(row["same_story"]),
                first=text_of(row["first_title"], row["first_text"] or ""),
                second=text_of(row["second_title"], row["second_text"] or ""),
            )
        )
    return pairs


# -- scoring --------------------------------------------------------------------------------------


def score(truth: Sequence[str], found: Sequence[object]) -> Scores:
    """Pairwise and B-cubed precision and recall of a grouping against the labels."""
    both = Counter(zip(found, truth, strict=True))
    by_found, by_truth = Counter(found), Counter(truth)

    def pairs_in(counts: Iterable[int]) -> int:
        return sum(count * (count - 1) // 2 for count in counts)

    right, grouped, labelled = (
        pairs_in(both.values()),
        pairs_in(by_found.values()),
        pairs_in(by_truth.values()),
    )
    n = len(truth)
    cells = list(zip(found, truth, strict=True))
    return Scores(
        precision=right / grouped if grouped else 1.0,
        recall=right / labelled if labelled else 1.0,
        b3_precision=sum(both[cell] / by_found[cell[0]] for cell in cells) / n,
        b3_recall=sum(both[cell] / by_truth[cell[1]] for cell in cells) / n,
    )


def precision_recall(decisions: Iterable[tuple[bool, bool]]) -> tuple[float, float, int]:
    """(said same, is same) pairs -> precision, recall, how many were said same."""
    said = right = same = 0
    for guess, label in decisions:
        said += guess
        same += label
        right += guess and label
    return (right / said if said else 1.0), (right / same if same else 1.0), said


# -- ours ------------------------------------------------------------------------------------------


def group(articles: Sequence[Article], policy: Policy) -> list[int]:
    index = StoryIndex(policy)
    stories = []
    for number, article in enumerate(articles):
        if number % PRUNE_EVERY == 0:
            index.prune(article.at)
        text = text_of(article.headline, article.lead)
        stories.append(index.add(number, article.outlet, text, article.at))
    return stories


def pair_decisions(pairs: Sequence[Pair], policy: Policy) -> dict[str, list[tuple[float, bool]]]:
    index = StoryIndex(replace(policy, window=timedelta(days=3650)))
    day = datetime(2020, 1, 1, tzinfo=UTC)
    for number, pair in enumerate(pairs):
        index.add(2 * number, "first", pair.first, day)
        index.add(2 * number + 1, "second", pair.second, day)
    scored: dict[str, list[tuple[float, bool]]] = {}
    for pair in pairs:
        similarity = index.similarity(pair.first, pair.second)
        scored.setdefault(pair.lang, []).append((similarity, pair.same))
    return scored


# -- the README's baseline -------------------------------------------------------------------------


def baseline_group(articles: Sequence[Article], threshold: float, window: timedelta) -> list[int]:
    texts = [f"{a.headline} {a.headline} {a.lead[:300]}" for a in articles]
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    stories: list[int] = []
    firsts: list[int] = []  # each story's first article, in order
    for number, article in enumerate(articles):
        open_firsts = [f for f in firsts if articles[f].at >= article.at - window]
        best, best_similarity = number, threshold
        if open_firsts:
            similarities = (vectors[open_firsts] @ vectors[number].T).toarray().ravel()
            for first, similarity in zip(open_firsts, similarities.tolist(), strict=True):
                if similarity >= best_similarity:
                    best, best_similarity = first, similarity
        stories.append(best)
        if best == number:
            firsts.append(number)
    return stories


def _six_letters(text: str) -> list[str]:
    return [word[:6] for word in re.findall(r"[^\W_]+", text.casefold())]


def baseline_pairs(pairs: Sequence[Pair]) -> dict[str, list[tuple[float, bool]]]:
    texts = []
    for pair in pairs:
        for text in (pair.first, pair.second):
            texts.append(f"{text.headline} {text.headline} {text.lead[:300]}")
    vectorizer = TfidfVectorizer(analyzer=_six_letters, sublinear_tf=True)
    vectors = vectorizer.fit_transform(texts)
    scored: dict[str, list[tuple[float, bool]]] = {}
    for number, pair in enumerate(pairs):
        similarity = float((vectors[2 * number] @ vectors[2 * number + 1].T).toarray()[0, 0])
        scored.setdefault(pair.lang, []).append((similarity, pair.same))
    return scored


# -- CPU -----------------------------------------------------------------------------------------


def _tagged(text: str, copy: int) -> str:
    tag = "q" + "".join(chr(ord("a") + int(digit)) for digit in str(copy))
    return re.sub(r"[^\W\d_]+", lambda match: match.group() + tag, text)


def cpu_per_article(articles: Sequence[Article], policy: Policy) -> tuple[int, list[float]]:
    """Fill the window with tagged copies until it holds STORIES_IN_WINDOW stories, then time
    each article of one more copy (ms)."""
    index = StoryIndex(policy)
    start = datetime(2030, 1, 1, tzinfo=UTC)
    # Every copy lands within one window, whatever the number of copies needed.
    step = policy.window / (len(articles) * MAX_COPIES)
    number = 0
    stories = 0
    for copy in range(MAX_COPIES):
        timed = stories >= STORIES_IN_WINDOW
        timings = []
        for article in articles:
            text = text_of(_tagged(article.headline, copy), _tagged(article.lead, copy))
            began = time.process_time()
            index.add(number, f"{article.outlet}{copy}", text, start + step * number)
            timings.append((time.process_time() - began) * 1000)
            number += 1
        if timed:
            return stories, timings
        stories = len({telling.story_id for telling in index.tellings()})
    raise SystemExit(f"{MAX_COPIES} copies of the file make fewer than {STORIES_IN_WINDOW} stories")


# -- alerts ---------------------------------------------------------------------------------------


def alerts_by_topic(
    articles: Sequence[Article], stories: Sequence[object]
) -> list[tuple[str, int, int, int]]:
    """(topic, alerts without grouping, with ours, with the labels) per topic, most first."""
    rows = []
    for topic, count in Counter(a.topic for a in articles).most_common():
        mine = {s for a, s in zip(articles, stories, strict=True) if a.topic == topic}
        labelled = {a.story_id for a in articles if a.topic == topic}
        rows.append((topic, count, len(mine), len(labelled)))
    return rows


# -- report ---------------------------------------------------------------------------------------


def _row(name: str, scores: Scores) -> str:
    return (
        f"  {name:<34} {scores.precision:6.3f} {scores.recall:6.3f} {scores.f1:6.3f}"
        f"   {scores.b3_precision:6.3f} {scores.b3_recall:6.3f} {scores.b3_f1:6.3f}"
    )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def stream_report(
    articles: Sequence[Article], policy: Policy, quick: bool
) -> tuple[bool, list[int]]:
    truth = [a.story_id for a in articles]
    hours = policy.window.total_seconds() / 3600
    print(f"\n== stream: {len(articles)} articles, {len(set(truth))} stories, {hours:g} h window")
    print(f"  {'':<34} {'pairwise P/R/F1':>20}   {'B-cubed P/R/F1':>20}")
    ours = group(articles, policy)
    mine = score(truth, ours)
    print(_row(f"ours (threshold {policy.threshold:g}, default)", mine))
    thresholds = [] if quick else [0.12, 0.15, 0.21, 0.24, 0.27, 0.30]
    for threshold in thresholds:
        tried = replace(policy, threshold=threshold)
        print(_row(f"ours, threshold {threshold:g}", score(truth, group(articles, tried))))
    variants: list[tuple[str, Policy]] = (
        []
        if quick
        else [
            ("ours, margin 0.10", replace(policy, margin=0.10)),
            ("ours, margin 0.20", replace(policy, margin=0.20)),
            ("ours, no margin", replace(policy, margin=0.0)),
            ("ours, conflict weight 0", replace(policy, conflict_weight=0.0)),
            ("ours, conflict weight 1", replace(policy, conflict_weight=1.0)),
            ("ours, IDF over 300 articles", replace(policy, idf_articles=300)),
            ("ours, IDF over 3000 articles", replace(policy, idf_articles=3000)),
        ]
    )
    for name, tried in variants:
        print(_row(name, score(truth, group(articles, tried))))
    for threshold in (0.25, 0.30, 0.35, 0.40):
        baseline = score(truth, baseline_group(articles, threshold, policy.window))
        print(_row(f"baseline TF-IDF, threshold {threshold:g}", baseline))
    ok = mine.precision >= STREAM_PRECISION and mine.recall >= STREAM_RECALL
    print(
        f"  target: precision >= {STREAM_PRECISION} with recall >= {STREAM_RECALL}:"
        f" {mine.precision:.3f} at {mine.recall:.3f} {_verdict(ok)}"
    )
    return ok, ours


def pairs_report(pairs: Sequence[Pair], policy: Policy) -> bool:
    print(f"\n== pairs: {len(pairs)} labelled pairs")
    ours, baseline = pair_decisions(pairs, policy), baseline_pairs(pairs)
    ok = True
    for lang in sorted(ours):
        same = sum(label for _, label in ours[lang])
        print(f"  {lang}: {len(ours[lang])} pairs, {same} the same story")
        curve: list[tuple[str, list[tuple[float, bool]], float]] = [
            (
                f"ours, threshold {t:g}" + (" (default)" if t == policy.threshold else ""),
                ours[lang],
                t,
            )
            for t in sorted({policy.threshold, *CURVE})
        ]
        curve += [(f"baseline, threshold {t:g}", baseline[lang], t) for t in (0.30, 0.40, 0.60)]
        for name, scored, threshold in curve:
            p, r, said = precision_recall((s >= threshold, label) for s, label in scored)
            print(f"    {name:<32} precision {p:.3f} recall {r:.3f} ({said} said same)")
        if lang == "ru":
            p, r, _ = precision_recall((s >= policy.threshold, label) for s, label in ours[lang])
            ok = p >= PAIRS_PRECISION and r >= PAIRS_RECALL
            best = _best_precision(ours[lang], PAIRS_RECALL)
            print(
                f"  target: ru precision >= {PAIRS_PRECISION} with recall >= {PAIRS_RECALL}:"
                f" {p:.3f} at {r:.3f} {_verdict(ok)}; the best precision any threshold gives"
                f" at recall >= {PAIRS_RECALL} is {best[0]:.3f} (threshold {best[1]:.3f})"
            )
    return ok


def _best_precision(scored: Sequence[tuple[float, bool]], recall: float) -> tuple[float, float]:
    best = (0.0, 0.0)
    for threshold in sorted({s for s, _ in scored}):
        p, r, _ = precision_recall((s >= threshold, label) for s, label in scored)
        if r >= recall and p > best[0]:
            best = (p, threshold)
    return best


def tradeoff_report(articles: Sequence[Article], pairs: Sequence[Pair], policy: Policy) -> None:
    """One threshold serves both: the stream's and the pairs' figures at each, side by side."""
    truth = [a.story_id for a in articles]
    scored = pair_decisions(pairs, policy)
    print("\n== one threshold for both (precision / recall)")
    print(f"  {'threshold':<15} {'stream':>13}   {'ru pairs':>13}   {'en pairs':>13}")
    for threshold in sorted({policy.threshold, *CURVE}):
        mine = score(truth, group(articles, replace(policy, threshold=threshold)))
        cells = [f"{mine.precision:.3f} / {mine.recall:.3f}"]
        for lang in ("ru", "en"):
            decisions = ((s >= threshold, label) for s, label in scored.get(lang, []))
            p, r, _ = precision_recall(decisions)
            cells.append(f"{p:.3f} / {r:.3f}")
        default = " (default)" if threshold == policy.threshold else ""
        print(f"  {f'{threshold:g}{default}':<15} " + "   ".join(f"{c:>13}" for c in cells))


def cpu_report(articles: Sequence[Article], policy: Policy) -> bool:
    stories, timings = cpu_per_article(articles, policy)
    mean = statistics.fmean(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    ok = mean < CPU_MS
    print(
        f"\n== CPU: {stories} stories in the window; adding {len(timings)} more articles:"
        f" {mean:.2f} ms per article (p95 {p95:.2f} ms); target < {CPU_MS} ms {_verdict(ok)}"
    )
    return ok


def alerts_report(articles: Sequence[Article], stories: Sequence[int]) -> None:
    rows = alerts_by_topic(articles, stories)
    print("\n== alerts per subscriber of each topic (without grouping / with ours / labelled)")
    for topic, without, mine, labelled in rows[:12]:
        print(f"  {topic:<32} {without:5d} {mine:5d} {labelled:5d}")
    rest = rows[12:]
    if rest:
        print(
            f"  {len(rest)} more topics{'':<19} {sum(r[1] for r in rest):5d}"
            f" {sum(r[2] for r in rest):5d} {sum(r[3] for r in rest):5d}"
        )
    without, mine, labelled = len(articles), len(set(stories)), len({a.story_id for a in articles})
    print(f"  {'a subscriber of every topic':<32} {without:5d} {mine:5d} {labelled:5d}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--stories", type=Path, default=STORIES, help="one article a line")
    parser.add_argument("--pairs", type=Path, default=PAIRS, help="one labelled pair a line")
    parser.add_argument("--window", type=float, default=36.0, help="story window, hours")
    parser.add_argument("--quick", action="store_true", help="leave out the sensitivity rows")
    options = parser.parse_args(argv)
    policy = Policy(window=timedelta(hours=options.window))
    results: list[bool] = []
    articles = read_stories(options.stories) if options.stories.is_file() else []
    if articles:
        ok, ours = stream_report(articles, policy, options.quick)
        results.append(ok)
        alerts_report(articles, ours)
        results.append(cpu_report(articles, policy))
    else:
        print(f"skipped the stream and CPU figures: no articles in {options.stories}")
    if options.pairs.is_file():
        pairs = read_pairs(options.pairs)
        results.append(pairs_report(pairs, policy))
        if articles and not options.quick:
            tradeoff_report(articles, pairs, policy)
    else:
        print(f"skipped the pairs: no {options.pairs}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
