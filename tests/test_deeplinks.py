"""Start links: what a press in a group or channel hands over to the reader's private chat."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from news import deeplinks
from news.buttons import Save

# https://core.telegram.org/bots/features#deep-linking
TELEGRAM_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_every_article_round_trips_within_telegrams_payload_rules(article: int) -> None:
    payload = deeplinks.payload(Save(article))
    assert TELEGRAM_PAYLOAD.fullmatch(payload)
    assert deeplinks.read(payload) == Save(article)


def test_the_link_opens_the_bot_with_the_payload() -> None:
    link = deeplinks.start_link("newsbot_test_bot", Save(42))
    assert link == "https://t.me/newsbot_test_bot?start=save_42"


@pytest.mark.parametrize(
    "payload",
    ["", "save_", "save_0", "save_007", "save_-1", "save_1 ", "save_١٢", "SAVE_1", "save_1_2",
     f"save_{2**63}", "start", "x" * 65],
)  # fmt: skip
def test_anything_else_reads_as_no_action(payload: str) -> None:
    assert deeplinks.read(payload) is None


@given(st.text(max_size=80))
def test_reading_never_raises(payload: str) -> None:
    read = deeplinks.read(payload)
    assert read is None or deeplinks.payload(read) == payload
