"""Drain the outbox at Telegram's speed limit: fair across chats, in order within each chat.

One long-running loop, started with the application and stopped before it, takes the head of
each chat's queue (news.store.outbox) when news.pacing says that chat may be written to, and
sends it through the bot, whose sending.limiter.Limiter keeps the bot-wide pace. A chat never
has two alerts in flight, so its alerts arrive in order, and a busy group waits for its own
budget while every other chat goes on. New alerts wake the loop at once.

What Telegram's answer means for the row (sending.outcomes reads it from the error):
  accepted                      -> sent
  429 retry_after               -> the chat (or the bot) pauses; queued again, not an attempt
  400 migrate_to_chat_id        -> the chat moves to its supergroup id; sent there
  403, 400 chat not found       -> chat inactive, its unsent alerts cancelled with the reason
  400 can't parse entities      -> our bug: logged, and sent again as plain text
  other 400                     -> failed, with the reason
  5xx, timeouts, no connection  -> retried with doubling waits, failed after max_attempts
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from monitor.metrics import Metrics
from news import buttons, render
from news.buttons import Save
from news.locale import ENGLISH, Locale
from news.picture import LinkPreview, link_preview
from news.records import Article, ChatPrefs, Delivery, DigestMessage, Layout, Picture
from news.routing import Recipient, SendVerdict, verdict
from news.store import Store
from news.store.outbox import Accepted
from sending.limiter import Lane, Limiter
from sending.outcomes import ACCEPTED, Answer, Outcome, answer_of

log = logging.getLogger(__name__)

# A head whose chat is ready within this long is sent now and waits in the limiter; later
# ones are deferred in the outbox, so they hold no place among the alerts in flight.
SOON = 0.25
MOST_IN_FLIGHT = 100  # a bound on duplicates after a crash: one per alert in flight at most
SENT_TRIES = 8  # about four minutes of a database that refuses to record "sent"
T = TypeVar("T")
Locales = Callable[[ChatPrefs | None], Locale]


def english(_: ChatPrefs | None) -> Locale:
    return ENGLISH


@dataclass(frozen=True, slots=True)
class Retries:
    """How long to wait after a network fault: doubling from `first`, `max_attempts` in all."""

    max_attempts: int = 10
    first: timedelta = timedelta(seconds=2)
    longest: timedelta = timedelta(minutes=10)

    def wait(self, attempts: int) -> timedelta:
        doubled: timedelta = self.first * 2 ** max(0, attempts - 1)
        return min(doubled, self.longest)


class Sender:
    def __init__(
        self,
        store: Store,
        bot: ExtBot[Any],
        limiter: Limiter,
        clock: Callable[[], datetime],
        *,
        retries: Retries | None = None,
        paid: bool = False,
        idle_seconds: float = 1.0,
        metrics: Metrics | None = None,
        locales: Locales = english,
        edit_window: timedelta = timedelta(hours=36),
    ) -> None:
        self.store, self.bot, self.limiter, self.clock = store, bot, limiter, clock
        self.locales = locales  # a chat's language and zone (the catalogues live in bot/)
        self.metrics = metrics or Metrics()
        self.retries = retries or Retries()
        self.paid = paid  # allow_paid_broadcast on every alert: https://core.telegram.org/bots/api#paid-broadcasts
        self.idle_seconds = idle_seconds  # the longest nap: rows queued elsewhere are found
        self.edit_window = edit_window  # sent alerts are edited this long after, never later
        limits = limiter.pacing.limits
        rate = limits.paid if paid else limits.overall
        # About a second's worth of the bot-wide rate: enough to keep it busy, no more.
        self.capacity = max(4, min(MOST_IN_FLIGHT, math.ceil(rate.count / rate.seconds)))
        self._in_flight: set[asyncio.Task[None]] = set()
        self._poke = asyncio.Event()
        self._stopping = False
        self._loop: asyncio.Task[None] | None = None
        self._writing = asyncio.Lock()
        self._accepted: dict[int, Accepted] = {}  # accepted by Telegram, not yet recorded
        self.owner: int | None = None  # the lock session rows are claimed for (leadership)

    # ------------------------------------------------------------------ lifecycle
    def start(self, owner: int | None = None) -> None:
        """Drain the outbox; `owner`: this process's sender lock session, written on what it
        claims (news.store.leadership)."""
        self.owner = owner
        self._stopping = False
        self._loop = asyncio.create_task(self.run(), name="newsbot sender")

    def wake(self) -> None:
        """New rows were queued: look at the outbox now."""
        self._poke.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop taking alerts; let those in flight finish (rows cut short are requeued at start)."""
        self._stopping = True
        self._poke.set()
        if self._loop is not None:
            await self._loop
            self._loop = None
        if self._in_flight:
            _, late = await asyncio.wait(self._in_flight, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def run(self) -> None:
        failures = 0
        while not self._stopping:
            self._poke.clear()
            self.metrics.beat("sender", self.clock())  # /healthz: the loop is turning
            try:
                busy = await self._round()
                failures = 0
            except Exception:  # the database went away, say: keep trying, never die silently
                failures += 1
                log.exception("sender round failed", extra={"fields": {"failures": failures}})
                await self._nap(min(60.0, 2.0**failures))
                continue
            if not busy:
                await self._nap(await self._until_due())

    # ---------------------------------------------------------------------- rounds
    async def _round(self) -> bool:
        """Start the alerts whose chats are ready; False when there was nothing to do."""
        free = self.capacity - len(self._in_flight)
        if free < max(1, self.capacity // 2):
            await self._nap(self.idle_seconds)  # woken as soon as an alert in flight is done
            return True
        now = self.clock()
        heads = await self.store.outbox.due_heads(now, free)
        ready, later = [], {}
        for delivery_id, chat_id in heads:
            wait = self.limiter.chat_wait(chat_id)
            if math.isinf(wait):  # a reply to that chat fills its window: look again soon
                wait = 4 * SOON
            if wait <= SOON:
                ready.append(delivery_id)
            else:
                later[delivery_id] = now + timedelta(seconds=wait)
        if later:
            await self._write(self.store.outbox.defer(later))
        for delivery in await self._write(self.store.outbox.claim(ready, self.owner)):
            self._start(self._deliver(delivery))
        edits = []
        free -= len(ready)
        if free > 0:
            since = now - self.edit_window
            edits = await self.store.outbox.claim_edits(now, free, since=since)
            for delivery in edits:
                self._start(self._edit(delivery))
        return bool(heads or edits)

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._in_flight.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._poke.set()

    async def _until_due(self) -> float:
        due = await self.store.outbox.next_due()
        if due is None:
            return self.idle_seconds
        return min(self.idle_seconds, max(0.0, (due - self.clock()).total_seconds()))

    async def _nap(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._poke.wait()

    # ------------------------------------------------------------------ one alert
    async def _deliver(self, delivery: Delivery) -> None:
        try:
            await self._attempt(delivery)
        except Exception:  # a bug with one alert must neither stop the others nor lose it
            log.exception("alert crashed", extra={"fields": _about(delivery)})
            try:
                await self._later(delivery, "internal error (see the log)")
            except Exception:  # the row stays "sending" and is requeued at the next start
                log.exception("alert left in sending", extra={"fields": _about(delivery)})

    async def _attempt(self, delivery: Delivery, *, plain: bool = False) -> None:
        now = self.clock()
        chat = None if delivery.chat is None else Recipient.of(delivery.chat)
        decided = verdict(chat, now, article=isinstance(delivery.article, Article))
        if decided is SendVerdict.HOLD:
            await self._write(self.store.outbox.hold(delivery.id))
            return
        if decided is SendVerdict.SKIP:
            await self._write(self.store.outbox.skip(delivery.id, "chat paused"))
            return
        message_id = None
        try:
            message_id = await self._post(
                delivery, plain=plain, silent=decided is SendVerdict.SILENT
            )
        except TelegramError as error:
            answer = answer_of(error)
        else:
            answer = ACCEPTED
        await self._settle(delivery, answer, now, plain=plain, message_id=message_id)

    async def _settle(
        self,
        delivery: Delivery,
        answer: Answer,
        now: datetime,
        *,
        plain: bool,
        message_id: int | None = None,
    ) -> None:
        """Carry out what Telegram's answer means for the row (sending.outcomes)."""
        match answer.outcome:
            case Outcome.SENT:
                await self._sent(delivery, message_id)
            case Outcome.RATE_LIMITED:  # counted in the limiter, which saw it first
                at = now + timedelta(seconds=answer.seconds)
                await self._write(self.store.outbox.requeue(delivery.id, at, answer.reason))
            case Outcome.CHAT_MOVED:
                assert answer.chat_id is not None
                await self._moved(delivery, answer.chat_id, now)
            case Outcome.CHAT_GONE:
                await self._gone(delivery.chat_id, answer.reason)
            case Outcome.HTML_REFUSED if not plain:
                # Our renderer produced HTML Telegram refused: a bug. Log it, still deliver as text.
                problem = _about(delivery) | {"reason": answer.reason}
                log.error("telegram refused our HTML", extra={"fields": problem})
                await self._attempt(delivery, plain=True)
            case Outcome.HTML_REFUSED | Outcome.REFUSED:
                self.metrics.failed.labels(reason="bad_request").inc()
                await self._write(
                    self.store.outbox.failed(delivery.id, f"bad request: {answer.reason}")
                )
                problem = _about(delivery) | {"reason": answer.reason}
                log.error("alert refused", extra={"fields": problem})
            case Outcome.RETRY_LATER:
                await self._later(delivery, answer.reason)

    async def _sent(self, delivery: Delivery, message_id: int | None = None) -> None:
        """Telegram accepted it: record that, however long it takes, for sending it again
        would double it. Left unrecorded (the database stayed away), the row is still
        "sending" and goes out once more after a restart, like any alert in flight.

        Group commit: whoever writes takes every acceptance noted so far, so under load one
        transaction records many alerts and few wait unrecorded (each would be a duplicate
        after a crash)."""
        now = self.clock()
        self._accepted[delivery.id] = Accepted(now, message_id)
        self.metrics.sent.inc()
        item = delivery.article
        if isinstance(item, Article):  # the histogram is about news, not announcements
            self.metrics.delivery_latency.observe((now - item.discovered_at).total_seconds())
        kind = {Article: "article", DigestMessage: "digest"}.get(type(item), "broadcast")
        log.info("alert sent", extra={"fields": _about(delivery) | {kind: item.id}})
        for tries in range(1, SENT_TRIES + 1):
            try:
                async with self._writing:
                    if delivery.id not in self._accepted:
                        return  # another alert's write took this one along
                    batch = dict(self._accepted)
                    await self.store.outbox.sent_all(batch)
                    for delivery_id in batch:
                        del self._accepted[delivery_id]
                return
            except Exception:
                where = _about(delivery) | {"tries": tries}
                log.exception("sent alert not recorded", extra={"fields": where})
                await asyncio.sleep(min(30.0, 0.5 * 2**tries))  # a backoff, not an event

    async def _write(self, step: Coroutine[Any, Any, T]) -> T:
        """The sender's writes take turns (SQLite has one writer anyway): while one is being
        written, acceptances pile up for the next "sent" write to record together."""
        try:
            async with self._writing:
                return await step
        finally:
            step.close()  # cancelled while queued: never started, and no "never awaited"

    async def _post(self, delivery: Delivery, *, plain: bool, silent: bool) -> int | None:
        """Send the message, or a digest's parts in order, from the first not yet accepted;
        returns the id of an alert's message (what its edits change)."""
        item, chat = delivery.article, delivery.chat
        locale = self.locales(chat)
        layout = chat.layout if chat is not None else Layout.FULL
        render_parts = render.plain_messages if plain else render.messages
        parts = render_parts(item, locale, matched=delivery.matched, layout=layout)
        preview = link_preview(item, chat.picture if chat is not None else Picture.OFF)
        first = item.parts_sent if isinstance(item, DigestMessage) else 0
        message_id = None
        for number in range(first, len(parts)):
            message = await self.bot.send_message(
                delivery.chat_id,
                parts[number],
                parse_mode=None if plain else ParseMode.HTML,
                link_preview_options=_preview_options(preview),
                disable_notification=True if silent else None,
                message_thread_id=chat.thread_id if chat is not None else None,
                reply_markup=_buttons(item, locale),
                allow_paid_broadcast=True if self.paid else None,
                rate_limit_args=Lane.ALERT,
            )
            if isinstance(item, DigestMessage) and number + 1 < len(parts):
                await self._write(self.store.outbox.digest_progress(item.id, number + 1))
            elif isinstance(item, Article) and message_id is None:
                message_id = message.message_id
        return message_id

    # ------------------------------------------------------------------ one edit
    async def _edit(self, delivery: Delivery) -> None:
        """A sent alert says again what its story and article say now (another outlet told
        the story, or the publisher changed the article). Refused (the message was deleted,
        or already says it): dropped quietly. Digests are never edited."""
        try:
            answer = await self._change(delivery)
        except Exception:  # a bug with one edit must not stop the sender; the edit is dropped
            log.exception("edit crashed", extra={"fields": _about(delivery)})
            await self._write(self.store.outbox.edited(delivery.id, self.clock()))
            return
        now = self.clock()
        match answer.outcome:
            case Outcome.SENT:
                log.info("alert edited", extra={"fields": _about(delivery)})
                await self._write(self.store.outbox.edited(delivery.id, now))
            case Outcome.RATE_LIMITED:
                at = now + timedelta(seconds=answer.seconds)
                await self._write(self.store.outbox.edit_later(delivery.id, at, counted=False))
            case Outcome.CHAT_GONE:
                await self._gone(delivery.chat_id, answer.reason)
            case Outcome.RETRY_LATER if delivery.edits_tried < self.retries.max_attempts:
                at = now + self.retries.wait(delivery.edits_tried)
                await self._write(self.store.outbox.edit_later(delivery.id, at))
            case _:
                problem = _about(delivery) | {"reason": answer.reason}
                log.info("edit dropped", extra={"fields": problem})
                await self._write(self.store.outbox.edited(delivery.id, now))

    async def _change(self, delivery: Delivery) -> Answer:
        item, chat = delivery.article, delivery.chat
        assert isinstance(item, Article) and delivery.message_id is not None
        locale = self.locales(chat)
        layout = chat.layout if chat is not None else Layout.FULL
        [text] = render.messages(item, locale, matched=delivery.matched, layout=layout)
        preview = link_preview(item, chat.picture if chat is not None else Picture.OFF)
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=delivery.chat_id,
                message_id=delivery.message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=_preview_options(preview),
                reply_markup=_buttons(item, locale),
                rate_limit_args=Lane.ALERT,
            )
        except TelegramError as error:
            return answer_of(error)
        return ACCEPTED

    async def _later(self, delivery: Delivery, reason: str) -> None:
        if delivery.attempts >= self.retries.max_attempts:
            self.metrics.failed.labels(reason="gave_up").inc()
            await self._write(self.store.outbox.failed(delivery.id, reason))
            problem = _about(delivery) | {"attempts": delivery.attempts, "reason": reason}
            log.warning("alert given up", extra={"fields": problem})
            return
        at = self.clock() + self.retries.wait(delivery.attempts)
        await self._write(self.store.outbox.retry(delivery.id, at, reason))

    async def _moved(self, delivery: Delivery, new_chat_id: int, now: datetime) -> None:
        """The group is a supergroup now: the chat moves, and this alert goes there."""
        moving = self.store.chats.moved(delivery.chat_id, new_chat_id, now, resend=delivery.id)
        await self._write(moving)
        log.info("chat moved", extra={"fields": {"chat": delivery.chat_id, "to": new_chat_id}})

    async def _gone(self, chat_id: int, reason: str) -> None:
        cancelled = await self._write(self.store.chats.gone(chat_id, f"chat unreachable: {reason}"))
        self.metrics.failed.labels(reason="chat_unreachable").inc(max(cancelled, 1))
        gone = {"chat": chat_id, "reason": reason, "cancelled": cancelled}
        log.info("chat inactive", extra={"fields": gone})


def _preview_options(preview: LinkPreview | None) -> LinkPreviewOptions:
    """The chat's picture as Telegram's options: a small one beside the text, or a large one
    above it (https://core.telegram.org/bots/api#linkpreviewoptions). is_disabled is always
    said: PTB fills a field left out from the application's Defaults, which disable previews."""
    if preview is None:
        return LinkPreviewOptions(is_disabled=True)
    if preview.large:
        return LinkPreviewOptions(
            is_disabled=False, url=preview.url, prefer_large_media=True, show_above_text=True
        )
    return LinkPreviewOptions(is_disabled=False, url=preview.url, prefer_small_media=True)


def _buttons(item: object, locale: Locale) -> InlineKeyboardMarkup | None:
    """Under an alert: open it, or keep it for later (/saved). The data names only the
    article, so a press works after any restart."""
    if not isinstance(item, Article):
        return None
    _ = locale.gettext
    row = [InlineKeyboardButton(_("⭐ Save"), callback_data=buttons.encode(Save(item.id)))]
    if item.link and item.link.lower().startswith(("http://", "https://")):
        row.insert(0, InlineKeyboardButton(_("Read"), url=item.link))
    return InlineKeyboardMarkup([row])


def _about(delivery: Delivery) -> dict[str, object]:
    return {"delivery": delivery.id, "chat": delivery.chat_id}
