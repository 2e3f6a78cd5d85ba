"""`newsbot run`'s life in one event loop: reach Telegram (waiting out an outage), start the
parts, receive updates by long polling or through the webhook until SIGINT or SIGTERM, and stop
in the reverse order.

Application.run_polling would do most of this, but it treats an unreachable Telegram at start
as fatal (a traceback and an exit) and knows no webhook server but PTB's own.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application

from bot import webhook
from bot.settings import Settings

log = logging.getLogger(__name__)

# Waits between attempts to reach Telegram: quick while a blip passes, then once a minute.
DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
AnyApp = Application[Any, Any, Any, Any, Any, Any]


class Refused(Exception):
    """A setting the bot cannot start with (Telegram refused the webhook address, the port is
    taken): one line, exit status 2, no retry."""


def delay(attempt: int) -> float:
    """The wait after failed attempt number `attempt` (1, 2, ...)."""
    return DELAYS[min(attempt, len(DELAYS)) - 1]


async def patiently(action: Callable[[], Awaitable[Any]], step: str, stop: asyncio.Event) -> bool:
    """Runs `action` until Telegram answers it: True; False when `stop` is set first. No network,
    a DNS failure, a proxy's 502 or Telegram's 429 is one log line per attempt and a wait (1 s,
    2 s, 4 s ... then every minute); a refusal (a bad token, a bad request) is raised."""
    attempt = 0
    while True:
        attempt += 1
        try:
            await action()
            return True
        except RetryAfter as error:
            asked = error.retry_after
            wait = asked.total_seconds() if isinstance(asked, timedelta) else float(asked)
            reason = "Telegram asks to wait"
        except (BadRequest, InvalidToken):  # BadRequest is a NetworkError in PTB: a refusal
            raise
        except NetworkError as error:
            wait, reason = delay(attempt), str(error)
        fields = {"step": step, "attempt": attempt, "error": reason, "retry_in": wait}
        log.warning("cannot reach Telegram, retrying", extra={"fields": fields})
        try:
            await asyncio.wait_for(stop.wait(), wait)
            return False
        except TimeoutError:
            pass


async def serve(app: AnyApp, settings: Settings) -> None:
    """Until SIGINT or SIGTERM. Raises InvalidToken for a refused token, Refused for a setting
    the bot cannot start with, bot.mode.WrongMode when the database says the other mode."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    # getMe: the token checked, and the bot's name known, before anything else starts.
    if not await patiently(app.bot.initialize, "getMe", stop):
        await app.bot.shutdown()  # stopped while waiting: its HTTP clients close
        return
    async with serving(app, settings, stop):
        await stop.wait()
    log.info("newsbot stopped")


@asynccontextmanager
async def serving(
    app: AnyApp, settings: Settings, stop: asyncio.Event, poll_timeout: int = 10
) -> AsyncIterator[webhook.Endpoint | None]:
    """The application running and receiving updates (yields the webhook endpoint, or None
    when polling); on exit, stopped as run_polling would: no more updates in, the queued ones
    handled, the sender stopped while the bot can still send, the resources closed."""
    assert app.post_init is not None and app.post_stop is not None
    assert app.post_shutdown is not None and app.updater is not None
    async with AsyncExitStack() as stack:
        await app.initialize()
        stack.push_async_callback(app.post_shutdown, app)
        stack.push_async_callback(app.shutdown)
        await app.post_init(app)
        await app.start()
        stack.push_async_callback(app.post_stop, app)
        stack.push_async_callback(app.stop)
        endpoint = None
        if settings.webhook_url is None:
            # A process that just reached Telegram retries deleteWebhook quietly if it blinks.
            await app.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, timeout=poll_timeout, bootstrap_retries=-1
            )
            stack.push_async_callback(app.updater.stop)
        else:
            endpoint = await _listen(app, settings, stack)
            await _register(app, settings, stop)
        yield endpoint


async def _listen(app: AnyApp, settings: Settings, stack: AsyncExitStack) -> webhook.Endpoint:
    assert settings.webhook_secret is not None  # Settings demands it with WEBHOOK_URL
    endpoint = webhook.Endpoint(
        app,
        secret=settings.webhook_secret.get_secret_value(),
        path=settings.webhook_path,
        host=settings.webhook_host,
        port=settings.webhook_port,
    )
    try:
        await endpoint.start()
    except OSError as error:
        where = f"{settings.webhook_host}:{settings.webhook_port}"
        raise Refused(f"cannot listen on WEBHOOK_HOST:WEBHOOK_PORT ({where}): {error}") from None
    stack.push_async_callback(endpoint.stop)
    return endpoint


async def _register(app: AnyApp, settings: Settings, stop: asyncio.Event) -> None:
    """setWebhook once the endpoint listens; never removed at stop, since the other processes
    (or this one, restarted) still serve it."""
    url, secret = settings.webhook_url, settings.webhook_secret
    assert url is not None and secret is not None
    try:
        registering = lambda: webhook.register(app.bot, url, secret.get_secret_value())  # noqa: E731
        if await patiently(registering, "setWebhook", stop):
            log.info("webhook registered", extra={"fields": {"url": url}})
    except BadRequest as error:
        raise Refused(f"Telegram refused WEBHOOK_URL {url}: {error.message}") from None
