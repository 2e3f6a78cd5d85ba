"""The operator's HTTP port: Prometheus metrics at /metrics and a health check at /healthz."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiohttp import web

from bot.site import Site
from monitor.metrics import Metrics
from news.health import problems
from news.store import Store

log = logging.getLogger(__name__)


@dataclass
class HealthServer:
    metrics: Metrics
    store: Store
    clock: Callable[[], datetime]
    deadlines: Mapping[str, timedelta]
    host: str
    port: int
    # In webhook mode: what Telegram says is wrong with the webhook, or None.
    webhook: Callable[[], Awaitable[str | None]] | None = None
    started: datetime = field(init=False)
    _site: Site = field(init=False)

    async def start(self) -> None:
        self.started = self.clock()
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        self._site = Site(self.host, self.port)
        await self._site.start(app)
        log.info("metrics and health listening host=%s port=%d", self.host, self.bound_port)

    @property
    def bound_port(self) -> int:
        return self._site.bound_port

    async def stop(self) -> None:
        await self._site.stop()

    async def _metrics(self, _: web.Request) -> web.Response:
        # Gauges come from the database at scrape time: no background job, never stale.
        snapshot = await self.store.stats.snapshot(self.clock())
        self.metrics.gauges(
            outbox=snapshot.outbox_depth,
            chats=snapshot.chats_active,
            per_topic=snapshot.subscriptions,
        )
        return web.Response(
            body=self.metrics.exposition(), content_type="text/plain", charset="utf-8"
        )

    async def _healthz(self, _: web.Request) -> web.Response:
        found = problems(
            self.clock(),
            started=self.started,
            beats=self.metrics.beats,
            deadlines=self.deadlines,
            database_error=await self._database_error(),
        )
        found += await self._webhook_problems()
        if found:
            return web.Response(status=503, text="unhealthy\n" + "\n".join(found) + "\n")
        return web.Response(text="ok\n")

    async def _webhook_problems(self) -> list[str]:
        if self.webhook is None:
            return []
        try:
            async with asyncio.timeout(3):
                found = await self.webhook()
        except Exception as error:  # Telegram unreachable: the webhook's state is unknown
            return [f"webhook: cannot ask Telegram: {error.__class__.__name__}: {error}"]
        return [] if found is None else [found]

    async def _database_error(self) -> str | None:
        try:
            async with asyncio.timeout(3):
                await self.store.stats.ping()
        except Exception as error:  # any failure to answer is the answer
            return f"{error.__class__.__name__}: {str(error)[:200]}"
        return None
