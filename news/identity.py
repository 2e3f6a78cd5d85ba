"""An entry's identity within its feed: what makes "the same article" across polls.

Publishers re-order feeds, edit titles and add tracking parameters to links, so the identity prefers
the publisher's own id (guid / atom:id), then a normalised link, then a hash of what is left.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from news.records import Entry

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Click-tracking parameters that newsletters and social sites append to the same article URL.
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid"})


def normalise_link(url: str) -> str:
    """A canonical form of a link, so that tracking variants of one URL compare equal.

    Lowercases scheme and host, drops a default port, the fragment, tracking parameters and a
    trailing slash (but keeps "/" for the root); other query parameters keep their order and
    spelling, because servers may treat them as case- and order-sensitive.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # e.g. a non-numeric or out-of-range port: keep the link as given
        return url
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "", port, scheme, parts.netloc)
    path = parts.path.rstrip("/") or ("/" if host else "")
    return urlunsplit((scheme, host, path, _clean_query(parts.query), ""))


def entry_identity(entry: Entry) -> str:
    """The identity string: the guid, else the normalised link, else a full sha256 of the title
    and publish date (a hash of nothing better is still stable across polls)."""
    if entry.guid:
        return "guid:" + entry.guid
    if entry.link:
        return "link:" + normalise_link(entry.link)
    published = entry.published.isoformat() if entry.published else ""
    digest = hashlib.sha256(f"{entry.title}\n{published}".encode()).hexdigest()
    return "hash:" + digest


def _host(hostname: str, port: int | None, scheme: str, netloc: str) -> str:
    """The host as urlsplit lower-cased it, user info kept, a default port dropped."""
    if ":" in hostname:  # an IPv6 literal needs its brackets back
        hostname = f"[{hostname}]"
    userinfo = netloc.rpartition("@")[0]
    prefix = userinfo + "@" if userinfo else ""
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return prefix + hostname
    return f"{prefix}{hostname}:{port}"


def _clean_query(query: str) -> str:
    """Drops tracking parameters, keeps every other "name=value" piece exactly as written."""
    if not query:
        return ""
    kept = [piece for piece in query.split("&") if piece and not _is_tracking(piece)]
    return "&".join(kept)


def _is_tracking(piece: str) -> bool:
    name = piece.partition("=")[0].lower()
    return name.startswith("utm_") or name in _TRACKING_PARAMS
