"""An aiohttp server of try mode's own on 127.0.0.1, on a port the system picks."""

from __future__ import annotations

from aiohttp import web


async def serve(server: web.Application) -> tuple[web.AppRunner, int]:
    """Start `server`; returns its runner (to clean up) and its port."""
    runner = web.AppRunner(server, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, int(runner.addresses[0][1])
