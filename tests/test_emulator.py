"""`newsbot try`'s Bot API emulator refuses what Telegram refuses, and real python-telegram-bot
gets the same 400 it would get from Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from trial.emulator import TOKEN, BotApi, Event, Refused, Shown, Toast
from trial.html import HtmlError, parse


@pytest.fixture
async def api() -> AsyncIterator[BotApi]:
    async with BotApi() as emulator:
        yield emulator


@pytest.fixture
async def bot(api: BotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as telegram_bot:
        yield telegram_bot


def watched(api: BotApi) -> list[Event]:
    seen: list[Event] = []
    api.watch = seen.append
    return seen


async def test_malformed_html_is_refused_as_telegram_refuses_it(api: BotApi, bot: Bot) -> None:
    seen = watched(api)
    chat = api.person.user_id
    with pytest.raises(BadRequest) as refused:
        await bot.send_message(chat, "<b>Prices up 5% <i>again</b></i>", parse_mode=ParseMode.HTML)
    assert refused.value.message == (
        'Can\'t parse entities: unmatched end tag at byte offset 24, expected "</i>", found "</b>"'
    )
    with pytest.raises(BadRequest, match='unsupported start tag "" at byte offset 2'):
        await bot.send_message(chat, "1 < 2 and <br> is no tag", parse_mode=ParseMode.HTML)
    # The person sees that Telegram said no, and no message.
    assert [type(event) for event in seen] == [Refused, Refused]
    assert isinstance(seen[0], Refused) and seen[0].method == "sendMessage"
    assert "can't parse entities" in seen[0].description
    assert api.messages == {}


async def test_a_text_over_4096_characters_is_refused(api: BotApi, bot: Bot) -> None:
    seen = watched(api)
    chat = api.person.user_id
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(chat, "<b>" + "x" * 4097 + "</b>", parse_mode=ParseMode.HTML)
    # The limit counts the text after entity parsing: the markup itself is free.
    sent = await bot.send_message(chat, "<b>" + "é" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert sent.text == "é" * 4096
    assert [type(event) for event in seen] == [Refused, Shown]


async def test_callback_data_over_64_bytes_is_refused(api: BotApi, bot: Bot) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("➕ World", callback_data="ü" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(api.person.user_id, "Topics", reply_markup=too_long)


async def test_only_the_persons_chat_exists(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(42, "hello")


async def test_an_edit_that_changes_nothing_is_refused(api: BotApi, bot: Bot) -> None:
    sent = await bot.send_message(api.person.user_id, "<b>Topics</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_text("<b>Topics</b>", parse_mode=ParseMode.HTML)
    edited = await sent.edit_text("<b>Topics</b> ✅", parse_mode=ParseMode.HTML)
    assert not isinstance(edited, bool) and edited.text == "Topics ✅"
    assert api.messages[sent.message_id].edited


async def test_a_press_reaches_the_bot_and_its_answer_the_person(api: BotApi, bot: Bot) -> None:
    seen = watched(api)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("➕ World", callback_data="tp:+:World")]]
    )
    sent = await bot.send_message(api.person.user_id, "Topics", reply_markup=keyboard)
    api.press(sent.message_id, "tp:+:World")
    (update,) = await bot.get_updates(timeout=5)
    assert update.callback_query is not None and update.callback_query.data == "tp:+:World"
    await update.callback_query.answer("You now follow World.")
    assert seen[-1] == Toast("You now follow World.", alert=False)
    with pytest.raises(BadRequest, match="Query is too old"):
        await update.callback_query.answer("again")


async def test_a_typed_command_arrives_marked_as_a_command(api: BotApi, bot: Bot) -> None:
    api.send("/latest World 3")
    (update,) = await bot.get_updates(timeout=5)
    message = update.message
    assert message is not None and message.text == "/latest World 3"
    assert message.parse_entities(["bot_command"]) == {message.entities[0]: "/latest"}
    assert message.from_user is not None and message.from_user.language_code == "en"


def test_html_is_read_as_telegram_reads_it() -> None:
    text, entities = parse(
        '  <b>Hi</b> &amp; <a href="https://e.example/a?b=1&amp;c=2">😀 link</a>'
        " AT&T &nbsp; #World\n"
    )
    # Leading and trailing white space dropped; an unknown entity and a bare & stay as they are.
    assert text == "Hi & 😀 link AT&T &nbsp; #World"
    found = {(e.kind, e.offset, e.length, e.url) for e in entities}
    # Offsets in UTF-16 units: the emoji counts twice.
    assert found == {
        ("bold", 0, 2, None),
        ("text_link", 5, 7, "https://e.example/a?b=1&c=2"),
        ("hashtag", 25, 6, None),
    }


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a </b>", "Unexpected end tag at byte offset 2"),
        ("x <script>", 'Unsupported start tag "script" at byte offset 2'),
        ("<a href='x", "Unclosed start tag at byte offset 0"),
        ("<span>s</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_markup_telegram_refuses(source: str, problem: str) -> None:
    with pytest.raises(HtmlError) as refused:
        parse(source)
    assert refused.value.description == f"Bad Request: can't parse entities: {problem}"
