"""How an alert looks, per chat: full or compact, with no picture, a small one or a large one
through Telegram's link preview (the entry's own image, else the article's page)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from news.picture import LinkPreview, link_preview
from news.records import Announcement, Article, DigestItem, DigestMessage, DigestReason, Picture
from news.routing import Edit, Plan
from news.store import Store
from tests.chatting import buttons, say
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import newsroom, story
from tests.stock import alert, feed_id, follow, publish, take_due
from tests.stock import article as new_article

NOW = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
IMAGE = "https://img.example/budget.jpg"
ANN = 4101


BUDGET = Article(
    id=1,
    outlet="Example News",
    title="Budget passes",
    link="https://news.example/budget",
    published_at=NOW,
    discovered_at=NOW,
    topics=("Politics",),
    image=IMAGE,
)


def test_the_entry_image_else_the_article_page() -> None:
    assert link_preview(BUDGET, Picture.SMALL) == LinkPreview(IMAGE, large=False)
    assert link_preview(BUDGET, Picture.LARGE) == LinkPreview(IMAGE, large=True)
    page = LinkPreview("https://news.example/budget", large=True)
    assert link_preview(replace(BUDGET, image=None), Picture.LARGE) == page
    assert link_preview(replace(BUDGET, image="ftp://img.example/a.jpg"), Picture.LARGE) == page


def test_no_picture_when_off_or_nothing_to_show() -> None:
    assert link_preview(BUDGET, Picture.OFF) is None
    assert (
        link_preview(replace(BUDGET, image=None, link="javascript:alert(1)"), Picture.SMALL) is None
    )
    assert link_preview(replace(BUDGET, image=None, link=None), Picture.LARGE) is None


def test_only_an_alert_has_a_picture() -> None:
    digest = DigestMessage(3, NOW, DigestReason.SCHEDULED, (DigestItem(BUDGET),))
    assert link_preview(digest, Picture.LARGE) is None
    assert link_preview(Announcement(1, "https://example.org", NOW), Picture.LARGE) is None


async def test_the_image_is_stored_and_follows_an_edit(store: Store) -> None:
    await follow(store, ANN, "Politics")
    await publish(store, replace(new_article("a", "Politics"), image=IMAGE))
    (queued,) = await take_due(store, NOW)
    assert alert(queued).image == IMAGE
    edited = replace(new_article("a", "Politics"), title="Budget passes, amended", image=None)
    await store.articles.ingest(
        await feed_id(store), Plan(edits=[Edit(alert(queued).id, edited)]), now=NOW
    )
    (listed,) = await store.articles.latest("Politics", limit=1)
    assert (listed.title, listed.image) == ("Budget passes, amended", None)


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_each_choice_reaches_the_chat(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}) as room:
        room.publish({**story("budget", "Budget passes"), "image": IMAGE})
        off = await telegram.wait_for_message(ANN, containing="Budget passes")
        assert off.link_preview_options == {"is_disabled": True}  # the default

        await say(telegram, ANN, "/picture small", "small picture")
        room.publish({**story("rates", "Rates rise"), "image": "/pictures/rates.png"})
        small = await telegram.wait_for_message(ANN, containing="Rates rise")
        # A relative image URL resolves against the feed's own address.
        assert small.link_preview_options == {
            "is_disabled": False,
            "url": feeds.url("/pictures/rates.png"),
            "prefer_small_media": True,
        }

        await say(telegram, ANN, "/picture large", "large picture")
        room.publish(story("strike", "Strike ends"))  # no image: the article's page
        large = await telegram.wait_for_message(ANN, containing="Strike ends")
        assert large.link_preview_options == {
            "is_disabled": False,
            "url": "https://news.example/strike",
            "prefer_large_media": True,
            "show_above_text": True,
        }
        assert "Source: " in large.text and "• " in large.text  # still in full

        await say(telegram, ANN, "/layout compact", "one line")
        room.publish({**story("vote", "Vote delayed"), "image": IMAGE})
        compact = await telegram.wait_for_message(ANN, containing="Vote delayed")
        assert compact.text == "Vote delayed · Example News"
        assert compact.links() == ["https://news.example/vote"]
        assert compact.link_preview_options == {
            "is_disabled": False,
            "url": IMAGE,
            "prefer_large_media": True,
            "show_above_text": True,
        }
        labels = buttons(telegram, ANN, compact.message_id).values()
        assert "⭐ Save" in labels  # the buttons stay under a one-line alert

        await say(telegram, ANN, "/picture off", "without a picture")
        await say(telegram, ANN, "/layout full", "in full")
        room.publish({**story("talks", "Talks resume"), "image": IMAGE})
        full = await telegram.wait_for_message(ANN, containing="Talks resume")
        assert full.link_preview_options == {"is_disabled": True}
        assert full.text.startswith("#Politics\nTalks resume\n")


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_the_words_in_ukrainian_and_the_usage(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}):
        usage = await say(telegram, ANN, "/layout", "How should alerts look?")
        assert "/layout compact" in usage.text
        await say(telegram, ANN, "/layout tiny", "How should alerts look?")
        await say(telegram, ANN, "/picture", "Which picture should alerts show?")
        await say(telegram, ANN, "/picture small large", "Which picture should alerts show?")
        await say(telegram, ANN, "/PICTURE LARGE", "large picture above the text")
        uk = {"language_code": "uk"}
        await say(telegram, 4102, "/layout коротко", "один рядок", **uk)
        await say(telegram, 4102, "/picture мале", "мале зображення", **uk)
        await say(telegram, 4102, "/picture велике", "велике зображення", **uk)
        menu = await say(telegram, 4102, "/settings", "Налаштування", **uk)
        assert "Вигляд: компактно (заголовок-посилання і джерело в один рядок)" in menu.text
        assert "Зображення: велике, над текстом" in menu.text
        assert buttons(telegram, 4102, menu.message_id)["st:ly:compact"] == "✓ 📄 Один рядок"
