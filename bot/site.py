"""An aiohttp server on one host and port that starts and stops with the bot: the operator's
port (/metrics, /healthz) and the webhook's."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Site:
    host: str
    port: int  # 0 picks a free port; bound_port says which
    _runner: web.AppRunner | None = field(default=None, init=False)

    async def start(self, app: web.Application) -> None:
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    @property
    def bound_port(self) -> int:
        assert self._runner is not None
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
