"""A local Telegram Bot API for one bot and one person, over real HTTP on a loopback port.

The bot is pointed at `base_url` (TELEGRAM_API_BASE_URL) and talks to it as to Telegram: the
methods newsbot calls, with Telegram's HTML parsing and limits, so what Telegram would refuse
is refused here too, with Telegram's words. The person's side is `send` and `press`; what the
bot does to the chat reaches `watch` as `Shown`, `Edited`, `Deleted`, `Toast` and `Refused`.
Methods: https://core.telegram.org/bots/api#available-methods
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from trial import html
from trial.html import Entity, HtmlError
from trial.loopback import serve

JSON = dict[str, Any]
# No secret: the emulator answers only this token, on loopback.
TOKEN = "7700000001:try-mode-has-no-real-token"  # noqa: S105
BOT = {
    "id": 7700000001,
    "is_bot": True,
    "first_name": "newsbot",
    "username": "newsbot_try_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Limits from https://core.telegram.org/bots/api#sendmessage and #inlinekeyboardbutton: the
# text "1-4096 characters after entities parsing", callback data "1-64 bytes".
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_ANSWER = 200
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# Sent as form fields, the way python-telegram-bot sends them: objects and numbers as JSON,
# these always as plain text (a text "123" stays a string).
_TEXTS = frozenset(
    {"text", "parse_mode", "callback_query_id", "url", "language_code", "emoji", "action"}
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class Refusal(Exception):
    """Telegram's answer to a call it refuses: `{"ok": false, "error_code", "description"}`."""

    def __init__(self, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.description, self.status = description, status


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str | None = None  # callback_data
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    message_id: int
    text: str  # what the person sees
    entities: tuple[Entity, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    from_bot: bool = True
    asks: bool = False  # ForceReply: the person's next text answers it
    edited: bool = False
    markup: JSON | None = None  # the reply_markup as the bot sent it


@dataclass(frozen=True, slots=True)
class Shown:
    message: Message


@dataclass(frozen=True, slots=True)
class Edited:
    message: Message


@dataclass(frozen=True, slots=True)
class Deleted:
    message_id: int


@dataclass(frozen=True, slots=True)
class Toast:
    """An answered button press: a passing notice, or a box to close (`alert`)."""

    text: str
    alert: bool


@dataclass(frozen=True, slots=True)
class Refused:
    """A call Telegram would have refused; the bot got the same 400."""

    method: str
    description: str


Event = Shown | Edited | Deleted | Toast | Refused


@dataclass(slots=True)
class Person:
    user_id: int = 1001
    first_name: str = "You"
    language_code: str = "en"

    def as_user(self) -> JSON:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def as_chat(self) -> JSON:
        return {"id": self.user_id, "type": "private", "first_name": self.first_name}


@dataclass
class BotApi:
    """The emulator: `async with BotApi(person) as api`, then point the bot at `api.base_url`."""

    person: Person = field(default_factory=Person)
    watch: Callable[[Event], None] = lambda event: None
    messages: dict[int, Message] = field(default_factory=dict)
    commands: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # language -> menu
    _updates: list[JSON] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _query_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _queries: dict[str, int] = field(default_factory=dict)  # unanswered press -> message id
    _runner: web.AppRunner | None = None
    _closing: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aenter__(self) -> BotApi:
        server = web.Application(client_max_size=10 * 1024 * 1024)
        server.router.add_route("*", "/bot{token}/{method}", self._call)
        self._runner, self.port = await serve(server)
        return self

    async def __aexit__(self, *_: object) -> None:
        self._closing.set()  # a long poll waiting now answers at once
        if self._runner is not None:
            await self._runner.cleanup()

    # The person's side.

    def send(self, text: str) -> None:
        """The person sends a text; a command is marked as Telegram marks it."""
        message_id = next(self._ids)
        shown, entities = html.plain(text)
        message: JSON = self._message(message_id, shown, entities, sender=self.person.as_user())
        asking = self._asking()
        if asking is not None:
            message["reply_to_message"] = self._as_json(asking)
        self.messages[message_id] = Message(
            message_id, shown, tuple(entities), from_bot=False, markup=None
        )
        self._queue({"message": message})

    def press(self, message_id: int, data: str) -> None:
        """The person presses a callback button under a message."""
        query_id = str(next(self._query_ids))
        self._queries[query_id] = message_id
        query = {
            "id": query_id,
            "from": self.person.as_user(),
            "message": self._as_json(self.messages[message_id]),
            "chat_instance": "1",
            "data": data,
        }
        self._queue({"callback_query": query})

    def menu(self) -> list[tuple[str, str]]:
        """The command menu the person's app shows: in their language, else the default."""
        return self.commands.get(self.person.language_code) or self.commands.get("", [])

    def _asking(self) -> Message | None:
        """The bot's newest message, when it asks for a typed answer (ForceReply)."""
        bots = [m for m in self.messages.values() if m.from_bot]
        newest = max(bots, key=lambda m: m.message_id, default=None)
        return newest if newest is not None and newest.asks else None

    def _queue(self, update: JSON) -> None:
        self._updates.append({"update_id": next(self._update_ids), **update})
        self._arrived.set()

    # The bot's side: one HTTP handler, one method each.

    async def _call(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != TOKEN:
            return _answer_error(Refusal("Unauthorized", 401))
        handler = getattr(self, f"_{_snake(method)}", None)
        if handler is None:
            return _answer_error(Refusal("Not Found: method not found", 404))
        try:
            params = await _params(request)
            result = await handler(params)
        except Refusal as refusal:
            self.watch(Refused(method, refusal.description))
            return _answer_error(refusal)
        return web.json_response({"ok": True, "result": result})

    async def _get_me(self, params: JSON) -> JSON:
        return BOT

    async def _log_out(self, params: JSON) -> bool:
        return True

    async def _close(self, params: JSON) -> bool:
        return True

    async def _delete_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSON) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    async def _get_updates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        # An update is confirmed by asking for a later offset
        # (https://core.telegram.org/bots/api#getupdates).
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 50)
        while not self._updates and not self._closing.is_set():
            self._arrived.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                break
            waits = [asyncio.create_task(e.wait()) for e in (self._arrived, self._closing)]
            _, pending = await asyncio.wait(waits, timeout=left, return_when="FIRST_COMPLETED")
            for task in pending:
                task.cancel()
        return self._updates[: int(params.get("limit") or 100)]

    async def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise Refusal("Bad Request: can't parse commands JSON object")
        menu = []
        for item in commands:
            name, text = str(item.get("command", "")), str(item.get("description", ""))
            if not _COMMAND.fullmatch(name.removeprefix("/")):
                raise Refusal("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(text) <= 256:
                raise Refusal("Bad Request: command description must be 1-256 characters long")
            menu.append((name.removeprefix("/"), text))
        self.commands[str(params.get("language_code") or "")] = menu
        return True

    async def _get_my_commands(self, params: JSON) -> list[JSON]:
        menu = self.commands.get(str(params.get("language_code") or ""), [])
        return [{"command": name, "description": text} for name, text in menu]

    async def _send_chat_action(self, params: JSON) -> bool:
        self._chat(params)
        return True

    async def _get_chat(self, params: JSON) -> JSON:
        self._chat(params)
        return self.person.as_chat() | {"accent_color_id": 0, "max_reaction_count": 11}

    async def _get_chat_member(self, params: JSON) -> JSON:
        self._chat(params)
        user_id = params.get("user_id")
        if user_id == self.person.user_id:
            return {"status": "member", "user": self.person.as_user()}
        if user_id == BOT["id"]:
            return {"status": "member", "user": BOT}
        raise Refusal("Bad Request: PARTICIPANT_ID_INVALID")

    async def _get_chat_administrators(self, params: JSON) -> list[JSON]:
        self._chat(params)
        raise Refusal("Bad Request: there are no administrators in the private chat")

    async def _send_message(self, params: JSON) -> JSON:
        self._chat(params)
        text, entities = _text(params)
        buttons, asks = _keyboard(params.get("reply_markup"))
        message_id = next(self._ids)
        message = Message(
            message_id,
            text,
            tuple(entities),
            buttons,
            asks=asks,
            markup=params.get("reply_markup"),
        )
        self.messages[message_id] = message
        self.watch(Shown(message))
        return self._as_json(message)

    async def _edit_message_text(self, params: JSON) -> JSON:
        old = self._own_message(params)
        text, entities = _text(params)
        buttons, _ = _keyboard(params.get("reply_markup"))
        markup = params.get("reply_markup")
        if old.text == text and old.entities == tuple(entities) and old.markup == markup:
            raise Refusal(_NOT_MODIFIED)
        new = replace(
            old, text=text, entities=tuple(entities), buttons=buttons, markup=markup, edited=True
        )
        self.messages[new.message_id] = new
        self.watch(Edited(new))
        return self._as_json(new)

    async def _edit_message_reply_markup(self, params: JSON) -> JSON:
        old = self._own_message(params)
        buttons, _ = _keyboard(params.get("reply_markup"))
        markup = params.get("reply_markup")
        if old.markup == markup or (not old.buttons and not buttons):
            raise Refusal(_NOT_MODIFIED)
        new = replace(old, buttons=buttons, markup=markup)
        self.messages[new.message_id] = new
        self.watch(Edited(new))
        return self._as_json(new)

    async def _delete_message(self, params: JSON) -> bool:
        self._chat(params)
        message_id = params.get("message_id")
        if message_id not in self.messages:
            raise Refusal("Bad Request: message to delete not found")
        del self.messages[message_id]
        self.watch(Deleted(message_id))
        return True

    async def _answer_callback_query(self, params: JSON) -> bool:
        query = str(params.get("callback_query_id", ""))
        if self._queries.pop(query, None) is None:
            raise Refusal(
                "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        text = str(params.get("text") or "")
        if len(text) > MAX_ANSWER:
            raise Refusal("Bad Request: MESSAGE_TOO_LONG")
        url = params.get("url")
        start = f"https://t.me/{BOT['username']}?start="
        if isinstance(url, str) and url.startswith(start):
            # Telegram's app opens the chat with the bot and sends /start with the payload.
            self.send(f"/start {url.removeprefix(start)}")
        elif url:
            raise Refusal("Bad Request: URL_INVALID")
        if text:
            self.watch(Toast(text, bool(params.get("show_alert"))))
        return True

    # Helpers.

    def _chat(self, params: JSON) -> None:
        if params.get("chat_id") not in (self.person.user_id, str(self.person.user_id)):
            raise Refusal("Bad Request: chat not found")

    def _own_message(self, params: JSON) -> Message:
        self._chat(params)
        message = self.messages.get(params.get("message_id"))  # type: ignore[arg-type]
        if message is None:
            raise Refusal("Bad Request: message to edit not found")
        if not message.from_bot:
            raise Refusal("Bad Request: message can't be edited")
        return message

    def _message(self, message_id: int, text: str, entities: list[Entity], *, sender: JSON) -> JSON:
        found: JSON = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.person.as_chat(),
            "from": sender,
            "text": text,
        }
        if entities:
            found["entities"] = [e.as_json() for e in entities]
        return found

    def _as_json(self, message: Message) -> JSON:
        sender = BOT if message.from_bot else self.person.as_user()
        found = self._message(
            message.message_id, message.text, list(message.entities), sender=sender
        )
        if message.markup and "inline_keyboard" in message.markup:
            found["reply_markup"] = message.markup
        if message.edited:
            found["edit_date"] = int(time.time())
        return found


def _snake(method: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower()


async def _params(request: web.Request) -> JSON:
    """A call's parameters from the query string, a form or a JSON body, as Telegram takes them."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        return raw | (body if isinstance(body, dict) else {})
    if request.can_read_body:
        raw |= {
            key: value for key, value in (await request.post()).items() if isinstance(value, str)
        }
    params: JSON = {}
    for key, value in raw.items():
        if key in _TEXTS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def _text(params: JSON) -> tuple[str, list[Entity]]:
    """The visible text of a message the bot sends: parsed, trimmed and within Telegram's limit."""
    source = str(params.get("text") or "")
    mode = str(params.get("parse_mode") or "")
    if mode.lower() == "html":
        try:
            text, entities = html.parse(source)
        except HtmlError as error:
            raise Refusal(error.description) from None
    elif not mode:
        text, entities = html.plain(source)
    else:
        raise Refusal(f"Bad Request: unsupported parse_mode {mode!r} in try mode")
    if not text:
        raise Refusal("Bad Request: message text is empty")
    # Characters are Unicode code points here: Telegram takes 4,096 emoji, which are 8,192
    # UTF-16 units (newsbot's own budget, in UTF-16 units, is the stricter of the two).
    if len(text) > MAX_TEXT:
        raise Refusal("Bad Request: message is too long")
    return text, entities


def _keyboard(markup: object) -> tuple[tuple[tuple[Button, ...], ...], bool]:
    """An inline keyboard's buttons, checked as Telegram checks them; and whether the markup
    asks for a typed answer (ForceReply)."""
    if not isinstance(markup, dict):
        return (), False
    if markup.get("force_reply"):
        return (), True
    rows = markup.get("inline_keyboard")
    if rows is None:
        return (), False
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise Refusal("Bad Request: can't parse inline keyboard button: field must be an array")
    found = []
    for row in rows:
        buttons = []
        for item in row:
            text = str(item.get("text", "")) if isinstance(item, dict) else ""
            if not text:
                raise Refusal("Bad Request: text buttons are unallowed in the inline keyboard")
            data, url = item.get("callback_data"), item.get("url")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise Refusal("Bad Request: BUTTON_DATA_INVALID")
            if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
                raise Refusal("Bad Request: BUTTON_URL_INVALID")
            if (data is None) == (url is None):
                raise Refusal('Bad Request: can\'t find field "callback_data" or "url"')
            buttons.append(Button(text, data, url))
        found.append(tuple(buttons))
    return tuple(found), False


def _answer_error(refusal: Refusal) -> web.Response:
    body = {"ok": False, "error_code": refusal.status, "description": refusal.description}
    return web.json_response(body, status=refusal.status)
