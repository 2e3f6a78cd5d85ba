"""Webhook mode: the endpoint Telegram posts updates to (through the operator's TLS proxy), its
registration with setWebhook, and what /healthz reports about it.

An aiohttp endpoint rather than python-telegram-bot's own webhook server (docs/deploy.md says
why): aiohttp is already the operator's HTTP port, refuses a body over a set size by itself,
and the endpoint decides what it acknowledges; PTB's tornado server would be one more
dependency that answers 200 to anything it parsed.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from telegram import Bot, Update
from telegram.ext import Application

from bot.site import Site

log = logging.getLogger(__name__)

# Telegram sends the secret given to setWebhook in this header with every update
# (https://core.telegram.org/bots/api#setwebhook).
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name, no secret)
# An update is a few kilobytes; a megabyte is room for any, and a bound for a forged one.
MAX_BODY = 1024 * 1024
# A delivery error Telegram reports this recently makes the bot unhealthy; an older one has
# been followed by deliveries that worked, or it would be newer.
RECENT_ERROR = timedelta(minutes=10)


@dataclass
class Endpoint:
    """Receives Telegram's POSTs at `path` on host:port and hands each update to the
    application's queue. The handlers' first step (bot.once) skips an update already taken."""

    app: Application[Any, Any, Any, Any, Any, Any]
    secret: str
    path: str
    host: str
    port: int
    _site: Site = field(init=False)

    async def start(self) -> None:
        server = web.Application(client_max_size=MAX_BODY)
        server.router.add_post(self.path, self._receive)
        self._site = Site(self.host, self.port)
        await self._site.start(server)
        where = {"host": self.host, "port": self.bound_port, "path": self.path}
        log.info("webhook listening", extra={"fields": where})

    @property
    def bound_port(self) -> int:
        return self._site.bound_port

    async def stop(self) -> None:
        await self._site.stop()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        # Constant time: how long a refusal takes tells a forger nothing about the secret.
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return web.Response(status=403, text="forbidden\n")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413, text="too large\n")
        try:
            data = json.loads(await request.read())  # aiohttp stops reading past MAX_BODY
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="too large\n")
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400, text="not an update\n")
        update = Update.de_json(data, self.app.bot)
        if not self.app.running:
            # Stopping: the queue is no longer read. Telegram retries what is not acknowledged,
            # and another process (or this one, restarted) takes it then.
            return web.Response(status=503, text="stopping\n")
        await self.app.update_queue.put(update)
        return web.Response(text="ok\n")


async def register(bot: Bot, url: str, secret: str) -> None:
    """setWebhook with every update type and the secret; updates Telegram holds are kept.
    Raises what Telegram answers (BadRequest for an address it refuses)."""
    await bot.set_webhook(
        url=url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )


async def problem(bot: Bot, url: str, clock: Callable[[], datetime]) -> str | None:
    """What getWebhookInfo says is wrong with the webhook, or None: registered at `url` and no
    recent delivery error."""
    info = await bot.get_webhook_info()
    if info.url != url:
        return f"webhook: Telegram has {info.url or 'no webhook'!r}, not WEBHOOK_URL"
    failed = info.last_error_date
    if failed is not None and clock() - failed < RECENT_ERROR:
        return f"webhook: delivery failed at {failed.isoformat()}: {info.last_error_message}"
    return None
