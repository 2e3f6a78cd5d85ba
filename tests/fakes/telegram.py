"""A fake Telegram Bot API server that real python-telegram-bot talks to over HTTP.

Tests point the bot at `FakeTelegram.base_url`, drive it like a user (`user_sends`,
`press_button`, ...) and observe what it did (`sent`, `edits`, `calls`, ...). The fake is as
strict as Telegram where bots usually break: HTML parsing, message length, callback data size,
blocked users, flood limits. Every wait is event driven (never a sleep loop), so tests finish
as soon as the awaited thing happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import re
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from tests.fakes.telegram_html import HtmlError, parse_html, strip_message, utf16_len

JSON = dict[str, Any]
T = TypeVar("T")

# Form values are JSON-decoded (numbers, booleans, reply_markup, ...) except these, which are
# always plain strings even when they look like JSON (a text "123" must stay "123").
_STRING_PARAMS = {
    "text", "parse_mode", "callback_query_id", "url", "action", "language_code", "secret_token",
}  # fmt: skip
# Telegram's default when a bot never set allowed_updates.
_NOT_DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# setWebhook's rules (https://core.telegram.org/bots/api#setwebhook), and the header that
# carries the secret to the bot.
_WEBHOOK_PORTS = {443, 80, 88, 8443}
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What a bot administrator may do in a channel unless a test says otherwise: post, edit and
# delete (https://core.telegram.org/bots/api#chatmemberadministrator).
CHANNEL_RIGHTS = frozenset({"post_messages", "edit_messages", "delete_messages"})
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_PREVIEW_FLAGS = {"is_disabled", "prefer_small_media", "prefer_large_media", "show_above_text"}
DEFAULT_GROUP_USER = 10_001  # who acts in a group when the test does not say


@dataclass(frozen=True)
class SentMessage:
    message_id: int
    chat_id: int
    text: str  # visible text, after entity parsing and Telegram's whitespace trimming
    html: str  # the raw `text` parameter
    parse_mode: str | None
    entities: tuple[JSON, ...]
    reply_markup: JSON | None
    link_preview_disabled: bool
    disable_notification: bool
    message_thread_id: int | None
    sent_at: float = 0.0  # the fake's clock when it accepted the message
    # As the bot sent them (https://core.telegram.org/bots/api#linkpreviewoptions), or None.
    link_preview_options: JSON | None = None

    def links(self) -> list[str]:
        return [e["url"] for e in self.entities if e["type"] == "text_link"]


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    parameters: JSON
    remaining: int
    chat_id: int | None
    share: float = 1.0  # of the matching requests that fail, until `remaining` have
    after: int = 0  # matching requests that succeed before the first failure


@dataclass(frozen=True)
class FloodLimits:
    """What enforce_limits holds a bot to; Telegram's documented values by default (a test may
    raise them, and the bot's own settings with them, to run quickly)."""

    per_second: int = 30
    private_burst: float = 3.0
    private_per_second: float = 1.0
    group_per_minute: int = 20


class _ClientGone(Exception):
    """A superseded long poll whose client already hung up (normal during PTB shutdown)."""


def _truthy(value: Any) -> bool:
    return value is True or value in ("true", "True", "1", 1)


class FakeTelegram:
    def __init__(
        self,
        token: str = "123456:TEST-fake-token",
        *,
        bot_username: str = "newsbot_test_bot",
        enforce_limits: bool = False,
        limits: FloodLimits = FloodLimits(),
        clock: Callable[[], float] = time.monotonic,  # injectable so limit tests need no sleeps
        port: int = 0,  # a test that starts the bot before Telegram is up picks one
    ) -> None:
        self.port = port
        self.token, self.bot_username = token, bot_username
        self.bot_id = int(token.split(":", 1)[0])
        self.enforce_limits, self._clock = enforce_limits, clock
        self.limits = limits
        self.base_url = ""  # set by start()
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, JSON]] = []
        self.rejected: list[tuple[str, JSON, int, str]] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.edits: list[JSON] = []
        self.callback_answers: list[JSON] = []
        self.too_many_requests = 0
        self.admins: dict[int, set[int]] = {}
        self.chats: dict[int, JSON] = {}
        self.users: dict[int, JSON] = {}
        self._messages: dict[tuple[int, int], JSON] = {}  # current state, edits included
        self._message_ids: Counter[int] = Counter()
        self._pending: list[JSON] = []  # updates not yet confirmed by a getUpdates offset
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._open_queries: set[str] = set()
        self._allowed_updates: set[str] | None = None
        # What setWebhook registered (its parameters as sent), None without a webhook.
        self.webhook: JSON | None = None
        self._webhook_error: tuple[int, str] | None = (
            None  # (unix time, message) for getWebhookInfo
        )
        self._poll_generation = 0
        self._bot_status: dict[int, str] = {}
        self._bot_rights: dict[int, frozenset[str]] = {}  # an administrator bot's can_* rights
        self._outgoing: set[tuple[int, int]] = set()  # (chat, message) the bot sent
        self.deleted_messages: list[tuple[int, int]] = []  # (chat, message), in order
        self._deleted: set[int] = set()
        self._migrated: dict[int, int] = {}  # group id -> its supergroup's id
        self._random = random.Random(6)  # faults that hit a share of requests, reproducibly
        self._faults: list[_Fault] = []
        self._sent_times: deque[float] = deque()
        self._group_times: defaultdict[int, deque[float]] = defaultdict(deque)
        self._private_buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        # Bot API method names are case-insensitive; handlers are named _api_<methodName>.
        self._handlers: dict[str, Callable[[JSON], Awaitable[Any]]] = {
            name[5:].lower(): getattr(self, name) for name in dir(self) if name.startswith("_api_")
        }

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # A short shutdown timeout: held long polls are released by stop() anyway.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/bot"

    async def stop(self) -> None:
        self._closing = True
        self._notify()  # lets held getUpdates answer [] instead of stalling the shutdown
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----------------------------------------------------------- acting as users
    def user_sends(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Ann",
        chat_type: str = "private",
        language_code: str = "en",
        chat_title: str | None = None,
        message_thread_id: int | None = None,
        reply_to: int | None = None,  # the id of a message in the chat that this one answers
    ) -> int:
        if user_id is None:
            user_id = chat_id if chat_type == "private" else DEFAULT_GROUP_USER
        if chat_type == "channel":
            self._check_channel_post(chat_id, user_id)
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        self.users[user_id] = user | {"language_code": language_code}
        chat: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = chat_title or f"Test {chat_type} {chat_id}"
            if message_thread_id is not None:
                chat["is_forum"] = True
        self.chats[chat_id] = chat
        message: JSON = {"message_id": self._next_message_id(chat_id), "date": int(time.time())}
        message.update(chat=chat, text=text)
        if chat_type == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = self.users[user_id]
        if message_thread_id is not None:
            message.update(message_thread_id=message_thread_id, is_topic_message=True)
        if reply_to is not None:
            replied = self._messages.get((chat_id, reply_to))
            if replied is None:
                raise AssertionError(f"chat {chat_id} has no message {reply_to} to reply to")
            # As Telegram sends it: the replied message once, without its own reply.
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        self._messages[(chat_id, message["message_id"])] = message
        return self._queue("channel_post" if chat_type == "channel" else "message", message)

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        check_button: bool = True,  # False lets a test forge data no button carries
    ) -> str:
        message = self._messages.get((chat_id, message_id))
        if message is None or (chat_id, message_id) not in self._outgoing:
            raise AssertionError(f"the bot sent no message {message_id} to chat {chat_id}")
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        datas = [button.get("callback_data") for row in rows for button in row]
        if check_button and data not in datas:
            raise AssertionError(f"message {message_id} has no button {data!r}; it has {datas}")
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        # A snapshot: later edits must not change an update that is already queued.
        query = {"id": query_id, "from": self._user(chat_id, user_id), "message": dict(message)}
        query.update(chat_instance=str(chat_id), data=data)
        self._queue("callback_query", query)
        return query_id

    def bot_membership_changes(
        self,
        chat_id: int,
        new_status: str,
        *,
        chat_type: str = "private",
        user_id: int | None = None,
        rights: frozenset[str] | None = None,  # an administrator's can_* rights, without "can_"
    ) -> int:
        """Also changes what sending answers: "kicked"/"left" make sendMessage fail with 403,
        and in a channel only an administrator with the right to post may send."""
        chat = self.chats.setdefault(chat_id, self._default_chat(chat_id, chat_type))
        update = {"chat": chat, "from": self._user(chat_id, user_id), "date": int(time.time())}
        update["old_chat_member"] = self._bot_member(chat_id)
        self._bot_status[chat_id] = new_status
        if new_status == "administrator":
            channel = chat["type"] == "channel"
            self._bot_rights[chat_id] = (
                rights if rights is not None else CHANNEL_RIGHTS if channel else _GROUP_RIGHTS
            )
        update["new_chat_member"] = self._bot_member(chat_id)
        return self._queue("my_chat_member", update)

    def _check_channel_post(self, chat_id: int, user_id: int) -> None:
        """Only a channel's administrators post in it, and a bot hears the posts of channels
        where it is an administrator."""
        if self._bot_status.get(chat_id) != "administrator":
            raise AssertionError(f"the bot is no administrator of channel {chat_id}: no updates")
        if chat_id in self.admins and user_id not in self.admins[chat_id]:
            raise AssertionError(f"user {user_id} is no administrator of channel {chat_id}")

    # ----------------------------------------------------------------- observing
    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def latest_message_id(self, chat_id: int) -> int:
        """The id of the newest message in the chat, whoever sent it (0: none yet)."""
        return self._message_ids[chat_id]

    def message_state(self, chat_id: int, message_id: int) -> JSON:
        """The message as Telegram now holds it (after edits)."""
        return self._messages[(chat_id, message_id)]

    async def wait_for_message(
        self,
        chat_id: int,
        *,
        containing: str | None = None,
        timeout: float = 10.0,
        after: int = 0,
    ) -> SentMessage:
        def find() -> SentMessage | None:
            for message in self.messages_to(chat_id)[after:]:
                if containing is None or containing in message.text:
                    return message
            return None

        def explain() -> str:
            lines = [f"no message to chat {chat_id} (index >= {after}) containing {containing!r}"]
            lines += [
                f"  sent[{i}]: {m.text[:300]!r}" for i, m in enumerate(self.messages_to(chat_id))
            ]
            lines += [f"  rejected {m}: {status} {d}" for m, _, status, d in self.rejected]
            return "\n".join(lines)

        return await self._wait(find, timeout, explain)

    async def wait_for_call(self, method: str, *, timeout: float = 10.0) -> JSON:
        def find() -> JSON | None:
            return next((p for m, p in self.calls if m.lower() == method.lower()), None)

        def explain() -> str:
            return f"no {method} call; calls so far: {dict(Counter(m for m, _ in self.calls))}"

        return await self._wait(find, timeout, explain)

    async def wait_until_idle_polling(self, timeout: float = 10.0) -> None:
        def explain() -> str:
            polls = sum(1 for m, _ in self.calls if m.lower() == "getupdates")
            return f"updates never confirmed after {polls} getUpdates calls: {self._pending}"

        await self._wait(lambda: True if not self._pending else None, timeout, explain)

    # ------------------------------------------------------------ fault injection
    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        count: int = 1,
        chat_id: int | None = None,
        share: float = 1.0,  # below 1: that share of matching requests fails, at random
        after: int = 0,  # let this many matching requests through first
    ) -> None:
        parameters: JSON = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        fault = _Fault(
            method.lower(), status, description, parameters, count, chat_id, share, after
        )
        self._faults.append(fault)

    def block(self, chat_id: int) -> None:
        self._bot_status[chat_id] = "kicked"

    def unblock(self, chat_id: int) -> None:
        self._bot_status[chat_id] = "member"

    def delete_chat(self, chat_id: int) -> None:
        self._deleted.add(chat_id)

    def migrate_group(self, chat_id: int, new_chat_id: int, *, announce: bool = False) -> None:
        """The group becomes a supergroup: sending to the old id answers 400 with
        migrate_to_chat_id; with announce, both chats also get Telegram's service messages."""
        self._migrated[chat_id] = new_chat_id
        supergroup: JSON = {"id": new_chat_id, "type": "supergroup", "title": f"Test {new_chat_id}"}
        self.chats[new_chat_id] = supergroup
        if not announce:
            return
        group = self.chats.get(chat_id) or self._default_chat(chat_id, "group")
        for chat, key, other in (
            (group, "migrate_to_chat_id", new_chat_id),
            (supergroup, "migrate_from_chat_id", chat_id),
        ):
            message: JSON = {"message_id": self._next_message_id(chat["id"])}
            message["date"] = int(time.time())
            message.update({"chat": chat, "from": self._user(chat["id"], None), key: other})
            self._queue("message", message)

    async def wait_until(
        self, condition: Callable[[], bool], *, timeout: float = 10.0, what: str = "condition"
    ) -> None:
        """Wait until `condition()` holds, re-checked after every request the fake answers."""
        await self._wait(lambda: True if condition() else None, timeout, lambda: f"never: {what}")

    # ------------------------------------------------------------------ plumbing
    def _notify(self) -> None:
        """Wake every waiter; each re-checks its own condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait(
        self, find: Callable[[], T | None], seconds: float, explain: Callable[[], str]
    ) -> T:
        try:
            async with asyncio.timeout(seconds):
                while (found := find()) is None:
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(explain()) from None
        return found

    def _queue(self, kind: str, payload: JSON) -> int:
        update_id = next(self._update_ids)
        self._pending.append({"update_id": update_id, kind: payload})
        self._notify()
        return update_id

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] += 1
        return self._message_ids[chat_id]

    def _bot_user(self) -> JSON:
        return {"id": self.bot_id, "is_bot": True, "first_name": "newsbot"} | {
            "username": self.bot_username
        }

    def _user(self, chat_id: int, user_id: int | None) -> JSON:
        if user_id is None:
            user_id = chat_id if chat_id > 0 else DEFAULT_GROUP_USER
        return self.users.setdefault(user_id, {"id": user_id, "is_bot": False, "first_name": "Ann"})

    def _default_chat(self, chat_id: int, chat_type: str | None = None) -> JSON:
        if chat_type is None:
            chat_type = "private" if chat_id > 0 else "group"
            if str(chat_id).startswith("-100"):
                chat_type = "supergroup"
        if chat_type == "private":
            return {"id": chat_id, "type": chat_type, "first_name": "Ann"}
        return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        prefix, _, method = request.match_info["tail"].partition("/")
        params = await _read_params(request)
        self.calls.append((method, params))
        self._notify()
        try:
            if not prefix.startswith("bot") or "/" in method:
                raise ApiError(404, "Not Found")
            if prefix[3:] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            self._inject_fault(method, params)
            if method.lower() == "getupdates":
                result = await self._api_getUpdates(params, request)
            else:
                result = await handler(params)
        except _ClientGone:
            return web.Response(status=499)
        except ApiError as error:
            self.rejected.append((method, params, error.status, error.description))
            self.too_many_requests += error.status == 429
            self._notify()
            body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
            return web.json_response(body, status=error.status)
        return web.json_response({"ok": True, "result": result})

    def _inject_fault(self, method: str, params: JSON) -> None:
        for fault in self._faults:
            if fault.method == method.lower() and fault.chat_id in (None, params.get("chat_id")):
                if fault.share < 1 and self._random.random() >= fault.share:
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                raise ApiError(fault.status, fault.description, fault.parameters or None)

    def _chat_id(self, params: JSON, *, sending: bool = False) -> int:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        if not isinstance(chat_id, int) or chat_id in self._deleted:
            raise ApiError(400, "Bad Request: chat not found")
        if sending and chat_id in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        status = self._bot_status.get(chat_id, "member")
        if sending and self.chats.get(chat_id, {}).get("type") == "channel":
            self._check_channel_send(chat_id, status)
        elif sending:
            self._check_member(chat_id)
        return chat_id

    def _check_member(self, chat_id: int) -> None:
        """A chat the bot was removed from (or a user who blocked it) answers nothing."""
        status = self._bot_status.get(chat_id, "member")
        if status not in ("kicked", "left"):
            return
        if chat_id > 0:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        kind = self.chats.get(chat_id, {}).get("type")
        if kind is None:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")

    def _check_channel_send(self, chat_id: int, status: str) -> None:
        """A bot posts in a channel as an administrator with the right to post."""
        if status == "kicked":
            raise ApiError(403, "Forbidden: bot was kicked from the channel chat")
        if status != "administrator":
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
        if "post_messages" not in self._bot_rights.get(chat_id, frozenset()):
            raise ApiError(400, "Bad Request: need administrator rights in the channel chat")

    def _may_delete(self, chat: JSON, message_id: int) -> bool:
        """https://core.telegram.org/bots/api#deletemessage: a bot deletes its own messages
        (in a channel with the right to post), a private chat's incoming ones, and anything
        in a group where it is an administrator or a supergroup or channel where it has the
        right to delete messages."""
        chat_id, kind = chat["id"], chat["type"]
        rights = self._bot_rights.get(chat_id, frozenset())
        admin = self._bot_status.get(chat_id) == "administrator"
        if (chat_id, message_id) in self._outgoing:
            return kind != "channel" or (admin and "post_messages" in rights)
        if kind in ("private", "group"):
            return kind == "private" or admin
        return admin and "delete_messages" in rights

    def _check_flood(self, chat_id: int) -> None:
        """Telegram's documented limits; only accepted messages count (see _count_sent)."""
        if not self.enforce_limits:
            return
        now = self._clock()
        while self._sent_times and self._sent_times[0] <= now - 1:
            self._sent_times.popleft()
        limits = self.limits
        wait = 1.0 if len(self._sent_times) >= limits.per_second else 0.0
        if chat_id > 0:  # token bucket: bursts of 3, then one per second
            tokens = self._private_tokens(chat_id, now)
            wait = max(wait, (1 - tokens) / limits.private_per_second)
        else:
            window = self._group_times[chat_id]
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= limits.group_per_minute:
                wait = max(wait, window[0] + 60 - now)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )

    def _count_sent(self, chat_id: int) -> None:
        now = self._clock()
        self._sent_times.append(now)
        if chat_id > 0:
            self._private_buckets[chat_id] = (self._private_tokens(chat_id, now) - 1, now)
        else:
            self._group_times[chat_id].append(now)

    def _private_tokens(self, chat_id: int, now: float) -> float:
        burst, rate = self.limits.private_burst, self.limits.private_per_second
        tokens, at = self._private_buckets.get(chat_id, (burst, now))
        return min(burst, tokens + (now - at) * rate)

    # ------------------------------------------------------------------- methods
    # Named _api_<BotApiMethod> so the method table can be built from the API names.
    async def _api_getMe(self, params: JSON) -> JSON:
        return self._bot_user() | {"can_join_groups": True, "supports_inline_queries": False}

    async def _api_deleteWebhook(self, params: JSON) -> bool:
        self.webhook = None
        if _truthy(params.get("drop_pending_updates")):
            self._pending.clear()
        self._notify()
        return True

    async def _api_setWebhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        if not url:  # an empty URL removes the webhook
            return await self._api_deleteWebhook(params)
        parts = urlsplit(url)
        if parts.scheme != "https":
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        if (parts.port or 443) not in _WEBHOOK_PORTS:
            raise ApiError(
                400,
                "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
            )
        secret = params.get("secret_token")
        if secret is not None and not _WEBHOOK_SECRET.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if "allowed_updates" in params:
            self._allowed_updates = set(params["allowed_updates"] or []) or None
        if _truthy(params.get("drop_pending_updates")):
            self._pending.clear()
        self.webhook = dict(params)
        self._webhook_error = None
        self._notify()
        return True

    async def _api_getWebhookInfo(self, params: JSON) -> JSON:
        info: JSON = {
            "url": "" if self.webhook is None else self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    # ------------------------------------------------------------ webhook delivery
    def webhook_failing(self, message: str, at: float | None = None) -> None:
        """getWebhookInfo reports a delivery error (`at`: unix time, default now)."""
        self._webhook_error = (int(time.time() if at is None else at), message)

    def take_updates(self) -> list[JSON]:
        """The pending updates, as Telegram would post them to the webhook; they leave the
        queue. The test posts them itself (standing in for Telegram and the operator's TLS
        proxy), with or without the secret, as often and to whichever process it likes."""
        taken, self._pending = [u for u in self._pending if self._wanted(u)], []
        self._notify()
        return taken

    def redeliver(self, *updates: JSON) -> None:
        """Queue these updates again, as Telegram re-sends what no poller confirmed (the
        process that fetched them died) or what a webhook never acknowledged."""
        self._pending.extend(updates)
        self._notify()

    async def _api_getUpdates(self, params: JSON, request: web.Request | None = None) -> list[JSON]:
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in params:
            self._allowed_updates = set(params["allowed_updates"] or []) or None
        if offset < 0:
            del self._pending[:offset]
        elif offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # confirmations may complete wait_until_idle_polling; supersede old polls
        try:
            async with asyncio.timeout(timeout):
                while True:
                    self._pending = [u for u in self._pending if self._wanted(u)]
                    if self._pending or self._closing:
                        break
                    if generation != self._poll_generation:
                        if request is None or request.transport is None:
                            raise _ClientGone
                        if request.transport.is_closing():
                            raise _ClientGone
                        raise ApiError(
                            409,
                            "Conflict: terminated by other getUpdates request; make sure that "
                            "only one bot instance is running",
                        )
                    await self._changed.wait()
        except TimeoutError:
            pass
        return self._pending[: max(1, min(limit, 100))]

    def _wanted(self, update: JSON) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed_updates is None:
            return kind not in _NOT_DEFAULT_UPDATES
        return kind in self._allowed_updates

    def _formatted(self, params: JSON) -> tuple[str, list[JSON]]:
        raw = params.get("text")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: message text is empty")
        raw, mode = str(raw), params.get("parse_mode") or None
        if mode is None:
            text, entities = raw, list(params.get("entities") or [])
        elif str(mode).lower() == "html":
            try:
                text, entities = parse_html(raw)
            except HtmlError as error:
                raise ApiError(400, f"Bad Request: {error.description}") from None
        else:
            raise ApiError(400, f"Bad Request: the fake supports parse_mode HTML only, not {mode}")
        text, entities = strip_message(text, entities)
        if not text:
            raise ApiError(400, "Bad Request: text must be non-empty")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text, entities

    def _markup(self, params: JSON) -> JSON | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not (
                    isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= 64
                ):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if "url" in button and not str(button["url"]).strip():
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
        if "force_reply" in markup:
            # https://core.telegram.org/bots/api#forcereply: force_reply is always True, the
            # placeholder 1-64 characters.
            placeholder = markup.get("input_field_placeholder")
            if markup["force_reply"] is not True or (
                placeholder is not None and not 1 <= len(str(placeholder)) <= 64
            ):
                raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        return markup

    async def _api_sendMessage(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params, sending=True)
        text, entities = self._formatted(params)
        markup = self._markup(params)
        self._check_flood(chat_id)
        self._count_sent(chat_id)
        chat = self.chats.get(chat_id) or self._default_chat(chat_id)
        message: JSON = {"message_id": self._next_message_id(chat_id), "date": int(time.time())}
        # In a channel a post is the channel's, the bot's own included: sender_chat, no from
        # (https://core.telegram.org/bots/api#message).
        if chat["type"] == "channel":
            message.update({"chat": chat, "sender_chat": chat, "text": text})
        else:
            message.update({"chat": chat, "from": self._bot_user(), "text": text})
        if entities:
            message["entities"] = entities
        if markup and "inline_keyboard" in markup:  # only inline keyboards stay on a message
            message["reply_markup"] = markup
        thread = params.get("message_thread_id")
        if thread is not None:
            message["message_thread_id"] = thread
            if chat.get("is_forum"):  # as Telegram marks a post in a forum topic
                message["is_topic_message"] = True
        preview = self._preview_options(params)
        if preview is not None:  # a Message says which options made its preview
            message["link_preview_options"] = preview
        self._messages[(chat_id, message["message_id"])] = message
        self._outgoing.add((chat_id, message["message_id"]))
        self.sent.append(
            SentMessage(
                message_id=message["message_id"],
                chat_id=chat_id,
                text=text,
                html=str(params["text"]),
                parse_mode=params.get("parse_mode"),
                entities=tuple(entities),
                reply_markup=markup,
                link_preview_disabled=(preview is not None and _truthy(preview.get("is_disabled")))
                or _truthy(params.get("disable_web_page_preview")),
                disable_notification=_truthy(params.get("disable_notification")),
                message_thread_id=thread,
                sent_at=self._clock(),
                link_preview_options=preview,
            )
        )
        self._notify()
        return message

    @staticmethod
    def _preview_options(params: JSON) -> JSON | None:
        """LinkPreviewOptions as the Bot API reads it: an object, a string url, boolean flags
        (https://core.telegram.org/bots/api#linkpreviewoptions); other fields are ignored."""
        preview = params.get("link_preview_options")
        if preview is None:
            return None
        if not isinstance(preview, dict):
            raise ApiError(400, "Bad Request: object expected as link preview options")
        for name, value in preview.items():
            if name == "url" and not isinstance(value, str):
                raise ApiError(400, 'Bad Request: field "url" must be of type String')
            if name in _PREVIEW_FLAGS and not isinstance(value, bool):
                raise ApiError(400, f'Bad Request: field "{name}" must be of type Boolean')
        return preview

    def _editable(self, params: JSON) -> JSON:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: the fake does not support inline messages")
        chat_id = self._chat_id(params, sending=True)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if (chat_id, message_id) not in self._outgoing:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _apply_edit(self, params: JSON, message: JSON, changes: JSON) -> JSON:
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        markup = self._markup(params)
        changes["reply_markup"] = markup if markup and "inline_keyboard" in markup else None
        if all(message.get(key) == value for key, value in changes.items()):
            raise ApiError(400, _NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        self.edits.append(params)
        self._notify()
        return message

    async def _api_editMessageText(self, params: JSON) -> JSON:
        message = self._editable(params)
        text, entities = self._formatted(params)
        return self._apply_edit(params, message, {"text": text, "entities": entities or None})

    async def _api_editMessageReplyMarkup(self, params: JSON) -> JSON:
        return self._apply_edit(params, self._editable(params), {})

    async def _api_deleteMessage(self, params: JSON) -> bool:
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        if (chat_id, message_id) not in self._messages:
            raise ApiError(400, "Bad Request: message to delete not found")
        chat = self.chats.get(chat_id) or self._default_chat(chat_id)
        if not self._may_delete(chat, message_id):
            raise ApiError(400, "Bad Request: message can't be deleted")
        del self._messages[(chat_id, message_id)]
        self.deleted_messages.append((chat_id, message_id))
        self._notify()
        return True

    async def _api_answerCallbackQuery(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        url = params.get("url")
        # Outside games, the only URL an answer may open is the bot's own start link
        # (https://core.telegram.org/bots/api#answercallbackquery), with a payload as deep
        # links allow (https://core.telegram.org/bots/features#deep-linking).
        start = rf"(https://)?t\.me/{re.escape(self.bot_username)}\?start=[A-Za-z0-9_-]{{1,64}}"
        if url is not None and not re.fullmatch(start, str(url)):
            raise ApiError(400, "Bad Request: URL_INVALID")
        self._open_queries.discard(query_id)  # a query can be answered once
        self.callback_answers.append(params)
        self._notify()
        return True

    def _commands_key(self, params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return str(scope.get("type", "default")), str(params.get("language_code") or "")

    async def _api_setMyCommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        self.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        if not commands:
            del self.commands[key]
        return True

    async def _api_getMyCommands(self, params: JSON) -> list[JSON]:
        return self.commands.get(self._commands_key(params), [])

    async def _api_deleteMyCommands(self, params: JSON) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _api_sendChatAction(self, params: JSON) -> bool:
        self._chat_id(params, sending=True)
        if params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    async def _api_getChat(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        chat = self.chats.get(chat_id) or self._default_chat(chat_id)
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), False
        )
        gifts["gifts_from_channels"] = False
        return chat | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _chat_member(self, chat_id: int, user_id: int) -> JSON:
        if user_id == self.bot_id:
            return self._bot_member(chat_id)
        user = self._user(chat_id, user_id)
        if user_id in self.admins.get(chat_id, set()):
            return _member(user, "administrator")
        # A test that names no admins of a group acts in it as its creator.
        unset = chat_id < 0 and chat_id not in self.admins and user_id == DEFAULT_GROUP_USER
        return _member(user, "creator" if user_id == chat_id or unset else "member")

    def _bot_member(self, chat_id: int) -> JSON:
        status = self._bot_status.get(chat_id, "member")
        if status != "administrator":
            return _member(self._bot_user(), status)
        channel = self.chats.get(chat_id, {}).get("type") == "channel"
        return _member(self._bot_user(), status, self._bot_rights.get(chat_id), channel=channel)

    async def _api_getChatMember(self, params: JSON) -> JSON:
        return self._chat_member(self._chat_id(params), int(params.get("user_id") or 0))

    async def _api_getChatAdministrators(self, params: JSON) -> list[JSON]:
        # A chat the bot was removed from no longer answers; no right to post is needed.
        chat_id = self._chat_id(params)
        self._check_member(chat_id)
        if chat_id > 0:
            return [self._chat_member(chat_id, chat_id)]
        return [self._chat_member(chat_id, u) for u in sorted(self.admins.get(chat_id, set()))]

    async def _api_close(self, params: JSON) -> bool:
        return True

    async def _api_logOut(self, params: JSON) -> bool:
        return True


_GROUP_RIGHTS = frozenset(
    {"manage_chat", "delete_messages", "manage_video_chats", "restrict_members",
     "promote_members", "change_info", "invite_users", "post_stories", "edit_stories",
     "delete_stories"}
)  # fmt: skip


def _member(
    user: JSON, status: str, rights: frozenset[str] | None = None, *, channel: bool = False
) -> JSON:
    """A ChatMember of that status with every field PTB requires for it; an administrator has
    every group right unless `rights` names those it has, and in a channel its post and edit
    rights as well."""
    member: JSON = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(can_be_edited=False, is_anonymous=False)
        names = sorted(_GROUP_RIGHTS | ({"post_messages", "edit_messages"} if channel else set()))
        for right in names:
            member["can_" + right] = rights is None or right in rights
    elif status == "kicked":
        member["until_date"] = 0
    return member


async def _read_params(request: web.Request) -> JSON:
    """Query string + url-encoded/multipart form or JSON body, with nested JSON decoded."""
    params: JSON = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            for key, value in (await request.post()).items():
                # Uploads are only recorded by name; no bot method here reads file contents.
                name = getattr(value, "filename", "upload")
                params[key] = value if isinstance(value, str) else f"<file {name}>"
    for key, value in params.items():
        if isinstance(value, str) and key not in _STRING_PARAMS:
            with contextlib.suppress(ValueError):  # else a plain string such as "@channel"
                params[key] = json.loads(value)
    return params
