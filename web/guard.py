"""Refuse feed URLs whose host resolves to a loopback, private, link-local or metadata address.

The check runs before every request a guarded client sends, redirects included, so a public URL
cannot bounce the bot onto the operator's own network. (The connection resolves the name again:
a DNS answer that changes between the two lookups is not caught; that needs a resolver hook httpx
does not offer.)
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

import httpx

from news.addresses import refusal

_DEFAULT_PORTS = {"http": 80, "https": 443}


class PrivateAddress(Exception):
    """A feed URL leads to an address newsbot must not fetch; str() says which kind."""


async def refusal_for(url: str) -> str | None:
    """Why this URL's host must not be fetched ("a loopback address"), or None when it may.

    A name that does not resolve is not refused here: fetching it fails on its own, with
    "host not found".
    """
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return "no host"
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 80)
    except ValueError:  # a port outside 0-65535
        return "an invalid port"
    try:
        answers = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    # Every address counts: the connection may use any of them.
    reasons = (refusal(str(sockaddr[0])) for *_, sockaddr in answers)
    return next((reason for reason in reasons if reason), None)


def guard(client: httpx.AsyncClient, exempt: Collection[str] = ()) -> httpx.AsyncClient:
    """Make `client` raise PrivateAddress before any request to a refused address, except to
    the `exempt` origins ("http://127.0.0.1:8080"): servers the caller runs itself."""
    allowed = frozenset(exempt)

    async def check(request: httpx.Request) -> None:
        if _origin(request.url) in allowed:
            return
        reason = await refusal_for(str(request.url))
        if reason is not None:
            raise PrivateAddress(f"its host is {reason}")

    client.event_hooks["request"].append(check)
    return client


def _origin(url: httpx.URL) -> str:
    port = url.port or _DEFAULT_PORTS.get(url.scheme, 80)
    return f"{url.scheme}://{url.host}:{port}"
