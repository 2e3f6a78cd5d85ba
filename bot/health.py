"""The operator's HTTP port: Prometheus metrics at /metrics and a health check at /healthz."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiohttp import web

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
    started: datetime = field(init=False)
    _runner: web.AppRunner | None = field(default=None, init=False)

    async def start(self) -> None:
        self.started = self.clock()
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("metrics and health listening host=%s port=%d", self.host, self.bound_port)

    @property
    def bound_port(self) -> int:
        assert self._runner is not None
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

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
        if found:
            return web.Response(status=503, text="unhealthy\n" + "\n".join(found) + "\n")
        return web.Response(text="ok\n")

    async def _database_error(self) -> str | None:
        try:
            async with asyncio.timeout(3):
                await self.store.stats.ping()
        except Exception as error:  # any failure to answer is the answer
            return f"{error.__class__.__name__}: {str(error)[:200]}"
        return None
