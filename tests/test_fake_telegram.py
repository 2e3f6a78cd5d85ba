"""The fake Telegram server, proven against real python-telegram-bot talking HTTP to it.

If these pass, a bot test that uses the fake exercises the same requests, parsing and error
handling that production traffic to api.telegram.org would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommandScopeAllPrivateChats,
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberUpdated,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_html import HtmlError, parse_html


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(telegram.token, base_url=telegram.base_url) as client:
        yield client


# ------------------------------------------------------------------------- parse_html
def test_parse_html_counts_offsets_in_utf16_units() -> None:
    text, entities = parse_html('📰 <b>Big</b> <a href="https://e.com/?a=1&amp;b=2">news</a>')
    assert text == "📰 Big news"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 3},  # the emoji is two UTF-16 units
        {"type": "text_link", "offset": 7, "length": 4, "url": "https://e.com/?a=1&b=2"},
    ]


@pytest.mark.parametrize(
    ("source", "visible"),
    [
        ("AT&T &lt;b&gt; &quot;q&quot; &#65;&#x42;", 'AT&T <b> "q" AB'),
        ("<b>bold <i>both</i></b> <s>x</s> <u>y</u>", "bold both x y"),
        ("<b><b>nested</b></b>", "nested"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ("<blockquote expandable>quote</blockquote>", "quote"),
        ('<a href="tg://user?id=42">Ann</a>', "Ann"),
    ],
)
def test_parse_html_accepts_what_telegram_accepts(source: str, visible: str) -> None:
    assert parse_html(source)[0] == visible


def test_parse_html_entity_details() -> None:
    assert parse_html('<pre><code class="language-python">x</code></pre>')[1] == [
        {"type": "pre", "offset": 0, "length": 1, "language": "python"}
    ]
    assert parse_html("<b><b>x</b></b>")[1] == [{"type": "bold", "offset": 0, "length": 1}]
    assert parse_html("<blockquote expandable>q</blockquote>")[1][0]["type"] == (
        "expandable_blockquote"
    )
    assert parse_html('<a href="tg://user?id=42">A</a>')[1][0]["type"] == "text_mention"


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("héllo <div>x</div>", 'Unsupported start tag "div" at byte offset 7'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</b></i>", "Unexpected end tag at byte offset 8"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ('<b class="x">y</b>', 'Unsupported attribute "class" in the tag "b"'),
        ('<a href="https://e.com" target="_blank">y</a>', 'Unsupported attribute "target"'),
        ('<code class="python">y</code>', 'Tag "code" supports only class "language-*"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<b", 'Unclosed start tag "b"'),
    ],
)
def test_parse_html_rejects_what_telegram_rejects(source: str, error: str) -> None:
    with pytest.raises(HtmlError) as caught:
        parse_html(source)
    assert caught.value.description.startswith("can't parse entities: ")
    assert error in caught.value.description


# ------------------------------------------------------------------- PTB over HTTP
async def test_get_me(bot: Bot, telegram: FakeTelegram) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (telegram.bot_id, "newsbot_test_bot", True)


async def test_send_html_message(bot: Bot, telegram: FakeTelegram) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:1")]])
    message = await bot.send_message(
        5,
        '📰 <b>Big</b> <a href="https://e.com/a">news</a>\n',
        parse_mode="HTML",
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=keyboard,
        disable_notification=True,
    )
    assert message.text == "📰 Big news"  # trailing whitespace trimmed, as Telegram does
    assert message.from_user is not None and message.from_user.id == telegram.bot_id
    assert message.parse_entities() == {
        MessageEntity("bold", 3, 3): "Big",
        MessageEntity("text_link", 7, 4, url="https://e.com/a"): "news",
    }
    [sent] = telegram.sent
    assert (sent.chat_id, sent.message_id, sent.text) == (5, message.message_id, message.text)
    assert sent.parse_mode == "HTML" and sent.html.startswith("📰 <b>")
    assert sent.links() == ["https://e.com/a"]
    assert sent.link_preview_disabled and sent.disable_notification
    assert sent.link_preview_options == {"is_disabled": True}
    assert sent.reply_markup == keyboard.to_dict()
    assert telegram.messages_to(5) == [sent] and telegram.messages_to(6) == []


async def test_link_preview_options_are_kept_as_sent(bot: Bot, telegram: FakeTelegram) -> None:
    large = LinkPreviewOptions(
        url="https://img.example/a.jpg", prefer_large_media=True, show_above_text=True
    )
    message = await bot.send_message(5, "news", link_preview_options=large)
    await bot.send_message(5, "no options")
    with_options, without = telegram.sent
    assert with_options.link_preview_options == large.to_dict()
    assert not with_options.link_preview_disabled
    assert message.link_preview_options == large  # the Message says which options it used
    assert without.link_preview_options is None and not without.link_preview_disabled


async def test_link_preview_options_are_read_as_telegram_reads_them(
    telegram: FakeTelegram,
) -> None:
    async with aiohttp.ClientSession() as http:

        async def refusal(options: object) -> str:
            body = {"chat_id": 5, "text": "x", "link_preview_options": options}
            async with http.post(
                f"{telegram.base_url}{telegram.token}/sendMessage", json=body
            ) as r:
                assert r.status == 400
                return str((await r.json())["description"])

        assert await refusal([]) == "Bad Request: object expected as link preview options"
        assert await refusal({"is_disabled": "1"}) == (
            'Bad Request: field "is_disabled" must be of type Boolean'
        )
        assert await refusal({"url": 5}) == 'Bad Request: field "url" must be of type String'
    assert telegram.sent == []


async def test_plain_text_is_taken_literally(bot: Bot, telegram: FakeTelegram) -> None:
    await bot.send_message(5, "<b>not bold</b> & co")
    assert telegram.sent[0].text == "<b>not bold</b> & co" and telegram.sent[0].entities == ()


async def test_bad_html_is_rejected_with_telegram_wording(bot: Bot, telegram: FakeTelegram) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(5, "hello <div>x</div>", parse_mode="HTML")
    # PTB strips "Bad Request: " and lower-cases the rest of the message.
    assert "can't parse entities: unsupported start tag" in caught.value.message.lower()
    [(method, _, status, description)] = telegram.rejected
    assert (method, status) == ("sendMessage", 400)
    assert description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 6'
    )
    assert telegram.sent == []


async def test_text_limits(bot: Bot, telegram: FakeTelegram) -> None:
    await bot.send_message(5, "😀" * 2048)  # 4096 UTF-16 units: the maximum
    await bot.send_message(5, "&amp;" * 4096, parse_mode="HTML")  # counted after parsing
    for too_long in ("😀" * 2048 + "a", "a" * 4097):
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(5, too_long)
    with pytest.raises(BadRequest, match="Text must be non-empty"):
        await bot.send_message(5, " <b> </b>\n", parse_mode="HTML")
    assert len(telegram.sent) == 2


async def test_callback_data_is_limited_to_64_bytes(bot: Bot, telegram: FakeTelegram) -> None:
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data=data)]])

    await bot.send_message(5, "ok", reply_markup=keyboard("é" * 32))  # 64 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(5, "too long", reply_markup=keyboard("é" * 32 + "x"))


async def test_blocked_and_deleted_chats(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.block(7)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(7, "hi")
    telegram.delete_chat(8)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(8, "hi")
    assert [(r[0], r[2]) for r in telegram.rejected] == [("sendMessage", 403), ("sendMessage", 400)]


# PTB itself warns when building RetryAfter until PTB_TIMEDELTA is set; not our concern here.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_injects_errors(bot: Bot, telegram: FakeTelegram) -> None:
    telegram.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    with pytest.raises(RetryAfter, match=r"Retry in (7|0:00:07)"):
        await bot.send_message(5, "hi")
    await bot.send_message(5, "hi")  # only the next call failed
    assert telegram.too_many_requests == 1

    telegram.fail_next("sendMessage", status=400, description="Bad Request: x", chat_id=2, count=2)
    await bot.send_message(1, "other chats are unaffected")
    for _ in range(2):
        with pytest.raises(BadRequest):
            await bot.send_message(2, "hi")
    await bot.send_message(2, "hi")

    telegram.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234,
    )
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-55, "hi")
    assert caught.value.new_chat_id == -1001234


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_enforced_flood_limits() -> None:
    now = [1000.0]  # a hand-driven clock: the limits are tested without sleeping
    async with (
        FakeTelegram(enforce_limits=True, clock=lambda: now[0]) as telegram,
        Bot(telegram.token, base_url=telegram.base_url) as bot,
    ):

        async def try_send(chat_id: int) -> bool:
            try:
                await bot.send_message(chat_id, "x")
            except RetryAfter:
                return False
            return True

        assert [await try_send(chat) for chat in range(1, 41)].count(True) == 30  # 30/s overall
        now[0] += 1
        assert [await try_send(100) for _ in range(4)] == [True, True, True, False]  # burst of 3
        now[0] += 1
        assert await try_send(100) and not await try_send(100)  # then one per second
        now[0] += 1
        assert [await try_send(-5) for _ in range(21)].count(True) == 20  # 20/min per group
        now[0] += 1
        with pytest.raises(RetryAfter, match=r"Retry in (59|0:00:59)"):
            await bot.send_message(-5, "x")
        now[0] += 60
        assert await try_send(-5)
        assert telegram.too_many_requests == 10 + 1 + 1 + 1 + 1
        assert telegram.rejected[-1][3] == "Too Many Requests: retry after 59"


async def test_edits_commands_and_members(bot: Bot, telegram: FakeTelegram) -> None:
    message = await bot.send_message(5, "v1")
    edited = await bot.edit_message_text("<i>v2</i>", 5, message.message_id, parse_mode="HTML")
    assert isinstance(edited, Message) and edited.text == "v2"
    assert telegram.message_state(5, message.message_id)["text"] == "v2"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("<i>v2</i>", 5, message.message_id, parse_mode="HTML")
    assert len(telegram.edits) == 1

    await bot.set_my_commands([("start", "Start"), ("help", "Help")])
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([("hilfe", "Hilfe")], scope=scope, language_code="de")
    assert telegram.commands[("default", "")] == [
        {"command": "start", "description": "Start"},
        {"command": "help", "description": "Help"},
    ]
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="de")] == [
        "hilfe"
    ]
    await bot.delete_my_commands()
    assert list(telegram.commands) == [("all_private_chats", "de")]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Bad-Command", "x")])

    assert (await bot.get_chat_member(5, 5)).status == ChatMember.OWNER
    telegram.admins[-100] = {9}
    assert (await bot.get_chat_member(-100, 9)).status == ChatMember.ADMINISTRATOR
    assert (await bot.get_chat_member(-100, 10)).status == ChatMember.MEMBER
    assert [m.user.id for m in await bot.get_chat_administrators(-100)] == [9]
    assert (await bot.get_chat(5)).id == 5
    assert await bot.send_chat_action(5, "typing")


async def test_administrator_lists_of_chats_the_bot_left(bot: Bot, telegram: FakeTelegram) -> None:
    channel = -1001234567890
    telegram.chats[channel] = {"id": channel, "type": "channel", "title": "Kyiv Daily"}
    telegram.admins[channel] = {9, 11}
    assert [m.user.id for m in await bot.get_chat_administrators(channel)] == [9, 11]
    telegram.bot_membership_changes(channel, "left", chat_type="channel")
    with pytest.raises(Forbidden, match="bot is not a member of the channel chat"):
        await bot.get_chat_administrators(channel)
    telegram.block(channel)
    with pytest.raises(Forbidden, match="bot was kicked from the channel chat"):
        await bot.send_message(channel, "still there?")


async def test_force_reply_and_the_reply_that_quotes_it(telegram: FakeTelegram) -> None:
    answers: asyncio.Queue[Message] = asyncio.Queue()

    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        placeholder = ForceReply(input_field_placeholder="Words")
        await update.effective_message.reply_text("Which words?", reply_markup=placeholder)

    async def answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await answers.put(update.effective_message)

    app = ApplicationBuilder().token(telegram.token).base_url(telegram.base_url).build()
    app.add_handler(CommandHandler("ask", ask))
    app.add_handler(MessageHandler(filters.REPLY, answered))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling()
        telegram.user_sends(42, "/ask")
        question = await telegram.wait_for_message(42, containing="Which words?")
        assert question.reply_markup == {"force_reply": True, "input_field_placeholder": "Words"}
        telegram.user_sends(42, "North Korea", reply_to=question.message_id)
        answer = await asyncio.wait_for(answers.get(), timeout=10)
        assert answer.text == "North Korea" and answer.reply_to_message is not None
        assert answer.reply_to_message.message_id == question.message_id
        assert answer.reply_to_message.from_user is not None
        assert answer.reply_to_message.from_user.id == telegram.bot_id
        with pytest.raises(AssertionError, match="no message 99"):
            telegram.user_sends(42, "to nothing", reply_to=99)
        with pytest.raises(BadRequest, match="Can't parse reply keyboard markup"):
            await app.bot.send_message(
                42, "x", reply_markup=ForceReply(input_field_placeholder="w" * 65)
            )
        await telegram.wait_until_idle_polling()
        await app.updater.stop()
        await app.stop()


async def test_raw_http_protocol(telegram: FakeTelegram) -> None:
    async with aiohttp.ClientSession() as http:

        async def call(path: str, **body: Any) -> tuple[int, dict[str, Any]]:
            async with http.post(telegram.base_url + path, json=body) as response:
                return response.status, await response.json()

        assert (await call("999:WRONG/getMe"))[0] == 401
        assert await call(telegram.token + "/noSuchMethod") == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found"},
        )
        status, body = await call(telegram.token + "/sendMessage", chat_id=3, text="json body")
        assert status == 200 and body["result"]["text"] == "json body"

        # A long poll is held until an update arrives (no timeout elapses here).
        poll = asyncio.create_task(call(telegram.token + "/getUpdates", timeout=30))
        await telegram.wait_for_call("getUpdates")
        update_id = telegram.user_sends(3, "/start now")
        status, body = await poll
        [update] = body["result"]
        assert update["update_id"] == update_id
        assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

        # allowed_updates filters; an offset confirms everything before it.
        telegram.bot_membership_changes(3, "kicked")
        status, body = await call(
            telegram.token + "/getUpdates", offset=update_id + 1, allowed_updates=["message"]
        )
        assert body["result"] == [] and status == 200
        await telegram.wait_until_idle_polling(timeout=1)


async def test_second_poller_conflicts(telegram: FakeTelegram) -> None:
    url = f"{telegram.base_url}{telegram.token}/getUpdates"
    async with aiohttp.ClientSession() as http:
        first = asyncio.create_task(http.post(url, data={"timeout": "30"}))
        await telegram.wait_for_call("getUpdates")
        async with http.post(url, data={"timeout": "0"}) as second:
            assert (await second.json())["result"] == []
        async with await first as response:
            assert response.status == 409
            assert (await response.json())["description"].startswith("Conflict: terminated by")


async def test_application_polling_round_trip(telegram: FakeTelegram) -> None:
    membership: asyncio.Queue[ChatMemberUpdated] = asyncio.Queue()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Tap", callback_data="tap")]])
        await update.effective_message.reply_html("Hello <b>there</b>", reply_markup=keyboard)

    async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("done")
        await update.callback_query.edit_message_text(f"Tapped {update.callback_query.data}")

    async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member is not None
        await membership.put(update.my_chat_member)

    app = ApplicationBuilder().token(telegram.token).base_url(telegram.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(tapped))
    app.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling()

        telegram.user_sends(42, "/start", first_name="Bea")
        reply = await telegram.wait_for_message(42, containing="Hello")
        assert reply.text == "Hello there"
        assert reply.entities == ({"type": "bold", "offset": 6, "length": 5},)

        telegram.press_button(42, reply.message_id, "tap")
        await telegram.wait_for_call("editMessageText")
        assert telegram.callback_answers[0]["text"] == "done"
        state = telegram.message_state(42, reply.message_id)
        assert state["text"] == "Tapped tap" and "reply_markup" not in state

        telegram.bot_membership_changes(42, "kicked")
        change = await asyncio.wait_for(membership.get(), timeout=10)
        assert change.new_chat_member.status == ChatMember.BANNED
        with pytest.raises(Forbidden):
            await app.bot.send_message(42, "still there?")

        await telegram.wait_until_idle_polling()
        await app.updater.stop()
        await app.stop()

    with pytest.raises(AssertionError, match="sent\\[0\\]: 'Hello there'"):
        await telegram.wait_for_message(42, containing="never", timeout=0.05)
    assert [r[2] for r in telegram.rejected] == [403]


async def test_wrong_token_is_unauthorized(telegram: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=telegram.base_url):
            pass


# ---------------------------------------------------------------------------------- channels
CHANNEL, CHANNEL_ADMIN, READER = -1009001, 901, 902


async def test_a_channel_post_is_the_channels_and_only_its_administrators_post(
    bot: Bot, telegram: FakeTelegram
) -> None:
    with pytest.raises(AssertionError, match="no administrator of channel"):
        telegram.user_sends(CHANNEL, "/start", chat_type="channel")  # the bot hears nothing
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel")
    telegram.admins[CHANNEL] = {CHANNEL_ADMIN}
    with pytest.raises(AssertionError, match="user 902 is no administrator"):
        telegram.user_sends(CHANNEL, "/start", chat_type="channel", user_id=READER)
    telegram.user_sends(CHANNEL, "/start", chat_type="channel", user_id=CHANNEL_ADMIN)
    joined, posted = await bot.get_updates()
    assert joined.my_chat_member is not None and posted.channel_post is not None
    added = joined.my_chat_member.new_chat_member
    assert isinstance(added, ChatMemberAdministrator)
    assert added.can_post_messages and added.can_delete_messages
    post = posted.channel_post
    assert post.from_user is None and post.sender_chat is not None
    assert post.sender_chat.id == CHANNEL and post.chat.type == "channel"
    assert post.message_id == telegram.latest_message_id(CHANNEL)

    # The bot's own posts are the channel's too; a reader's press names the reader.
    sent = await bot.send_message(CHANNEL, "hi", reply_markup=_one_button("sv:1"))
    assert sent.from_user is None and sent.sender_chat is not None
    telegram.press_button(CHANNEL, sent.message_id, "sv:1", user_id=READER)
    (pressed,) = await bot.get_updates(offset=posted.update_id + 1)
    assert pressed.callback_query is not None and pressed.callback_query.from_user.id == READER


async def test_a_channel_takes_posts_only_from_an_administrator_with_the_right(
    bot: Bot, telegram: FakeTelegram
) -> None:
    telegram.bot_membership_changes(
        CHANNEL, "administrator", chat_type="channel", rights=frozenset({"edit_messages"})
    )
    with pytest.raises(BadRequest, match="Need administrator rights in the channel chat"):
        await bot.send_message(CHANNEL, "hi")
    member = await bot.get_chat_member(CHANNEL, telegram.bot_id)
    assert isinstance(member, ChatMemberAdministrator) and not member.can_post_messages
    telegram.bot_membership_changes(CHANNEL, "left", chat_type="channel")
    with pytest.raises(Forbidden, match="bot is not a member of the channel chat"):
        await bot.send_message(CHANNEL, "hi")
    telegram.bot_membership_changes(CHANNEL, "kicked", chat_type="channel")
    with pytest.raises(Forbidden, match="bot was kicked from the channel chat"):
        await bot.send_message(CHANNEL, "hi")


async def test_delete_message_needs_the_right_to_delete_others_posts(
    bot: Bot, telegram: FakeTelegram
) -> None:
    telegram.bot_membership_changes(
        CHANNEL, "administrator", chat_type="channel", rights=frozenset({"post_messages"})
    )
    telegram.user_sends(CHANNEL, "/start", chat_type="channel")
    post = telegram.latest_message_id(CHANNEL)
    own = await bot.send_message(CHANNEL, "answer")
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(CHANNEL, post)
    assert await bot.delete_message(CHANNEL, own.message_id)  # its own posts it may
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHANNEL, own.message_id)
    telegram.bot_membership_changes(CHANNEL, "administrator", chat_type="channel")
    assert await bot.delete_message(CHANNEL, post)
    assert telegram.deleted_messages == [(CHANNEL, own.message_id), (CHANNEL, post)]


async def test_a_press_answer_may_only_open_the_bots_own_start_link(
    bot: Bot, telegram: FakeTelegram
) -> None:
    sent = await bot.send_message(5, "hi", reply_markup=_one_button("sv:1"))
    first = telegram.press_button(5, sent.message_id, "sv:1")
    with pytest.raises(BadRequest, match="Url_invalid"):
        await bot.answer_callback_query(first, url="https://example.org/")
    with pytest.raises(BadRequest, match="Url_invalid"):
        await bot.answer_callback_query(first, url="https://t.me/newsbot_test_bot?start=a b")
    link = "https://t.me/newsbot_test_bot?start=save_1"
    assert await bot.answer_callback_query(first, url=link)
    assert telegram.callback_answers[-1]["url"] == link


def _one_button(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("⭐", callback_data=data)]])
