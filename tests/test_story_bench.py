"""bench/stories.py's own arithmetic: the figures it prints are only as good as its scoring and
its replay. Every line here is invented for the test."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.stories import main, precision_recall, read_stories, replay_time, score


def test_pairwise_and_b_cubed_scores_of_a_grouping_against_its_labels() -> None:
    # Labels: {0, 1}, {2, 3}, {4}. Found: {0, 1, 2}, {3}, {4}.
    scores = score(["a", "a", "b", "b", "c"], [1, 1, 1, 2, 3])
    # Found pairs 01, 02, 12, of which only 01 is labelled; labelled pairs 01 and 23.
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.f1 == pytest.approx(0.4)
    # B-cubed, item by item: precision 2/3, 2/3, 1/3, 1, 1; recall 1, 1, 1/2, 1/2, 1.
    assert scores.b3_precision == pytest.approx(11 / 15)
    assert scores.b3_recall == pytest.approx(4 / 5)


def test_a_grouping_that_is_the_labels_scores_one_everywhere() -> None:
    scores = score(["x", "y", "x", "z"], [7, 8, 7, 9])
    assert (scores.precision, scores.recall, scores.b3_precision, scores.b3_recall) == (1, 1, 1, 1)


def test_precision_and_recall_of_same_story_decisions() -> None:
    decisions = [(True, True), (True, False), (False, True), (True, True), (False, False)]
    precision, recall, said = precision_recall(decisions)
    assert said == 3
    assert precision == pytest.approx(2 / 3)
    assert recall == pytest.approx(2 / 3)


def test_replay_time_is_the_published_day_at_noon_else_up_to_two_days_before_the_roundup() -> None:
    dated = {"article_id": "a1", "published": "2021-05-03", "story_published": None}
    assert replay_time(dated) == datetime(2021, 5, 3, 12, tzinfo=UTC)
    roundup = "2021-05-04T09:30:00-04:00"
    undated = {"article_id": "a2", "published": None, "story_published": roundup}
    at = replay_time(undated)
    published = datetime.fromisoformat(roundup)
    assert published - timedelta(hours=48) <= at <= published
    # Seeded by the article's id: every run and every program sees the same time.
    assert replay_time(dict(undated)) == at
    assert replay_time({**undated, "article_id": "a3"}) != at


def test_stories_are_read_in_time_order(tmp_path: Path) -> None:
    lines = [
        {"article_id": "late", "published": "2021-05-05"},
        {"article_id": "early", "published": "2021-05-01"},
        {"article_id": "middle", "published": "2021-05-03"},
    ]
    path = tmp_path / "stories.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    **line,
                    "story_id": "s",
                    "outlet": "Outlet",
                    "title": "Headline",
                    "lead": None,
                    "story_published": "2021-05-06T00:00:00+00:00",
                    "topic": "World",
                }
            )
            for line in lines
        ),
        encoding="utf-8",
    )
    assert [a.article_id for a in read_stories(path)] == ["early", "middle", "late"]


def test_missing_files_are_skipped_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stories, pairs = tmp_path / "no-stories.jsonl", tmp_path / "no-pairs.jsonl"
    assert main(["--stories", str(stories), "--pairs", str(pairs)]) == 0
    out = capsys.readouterr().out
    assert f"skipped the stream and CPU figures: no articles in {stories}" in out
    assert f"skipped the pairs: no {pairs}" in out


def test_labelled_pairs_in_the_readme_format_are_scored_per_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quake = (
        "Magnitude 6.8 earthquake strikes off the coast of Chile",
        "A powerful earthquake of magnitude 6.8 struck off central Chile on Tuesday, shaking "
        "buildings in Valparaiso. Authorities issued a tsunami warning.",
    )
    quake_again = (
        "Chile: strong quake shakes Valparaiso, tsunami warning issued",
        "Chilean authorities issued a tsunami warning after a 6.8 magnitude earthquake hit off "
        "the central coast, rattling buildings in Valparaiso.",
    )
    budget = (
        "Finance minister presents the budget to parliament",
        "The minister promised lower taxes for families and more money for schools.",
    )
    storm = (
        "Storm floods coastal towns in northern Portugal",
        "Heavy rain flooded streets overnight and firefighters rescued dozens of residents.",
    )

    def line(number: int, same: bool, first: tuple[str, str], second: tuple[str, str]) -> str:
        return json.dumps(
            {
                "pair_id": f"p{number}",
                "lang": "en",
                "same_story": same,
                **{f"first_{k}": v for k, v in zip(("title", "text"), first, strict=True)},
                **{f"second_{k}": v for k, v in zip(("title", "text"), second, strict=True)},
                "first_outlet": "one.example",
                "second_outlet": "two.example",
                "first_url": "https://one.example/1",
                "second_url": "https://two.example/2",
            }
        )

    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        f"{line(1, True, quake, quake_again)}\n{line(2, False, budget, storm)}\n", encoding="utf-8"
    )
    main(["--stories", str(tmp_path / "none.jsonl"), "--pairs", str(pairs), "--quick"])
    out = capsys.readouterr().out
    assert "en: 2 pairs, 1 the same story" in out
    assert "(default)   precision 1.000 recall 1.000 (1 said same)" in out
