"""Feed autodiscovery: the feeds a web page announces with <link rel="alternate" type=...>.

Pure (bytes in, URLs out). An admin often pastes a site's address rather than its feed's; the
page's own <head> says where the feed is (the RSS autodiscovery convention, also used for Atom).
"""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree, html

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})


def feed_links(page: bytes, page_url: str) -> tuple[str, ...]:
    """Absolute http(s) feed URLs the page links to, in document order, without repeats.

    Relative hrefs resolve against the page's <base href> when it has one, else its own URL.
    """
    root = _parse(page)
    if root is None:
        return ()
    base = page_url
    for href in root.xpath("//base/@href"):
        base = urljoin(page_url, str(href).strip())
        break
    found: dict[str, None] = {}  # a dict keeps first-seen order while deduplicating
    for element in root.iter("link"):
        if not _announces_feed(element):
            continue
        url = urljoin(base, (element.get("href") or "").strip())
        if url.startswith(("http://", "https://")) and url != page_url:
            found[url] = None
    return tuple(found)


def _parse(page: bytes) -> html.HtmlElement | None:
    if not page.strip():
        return None
    try:
        # lxml's HTML parser neither fetches nor expands external entities or DTDs.
        return html.document_fromstring(page)
    except (etree.ParserError, ValueError):  # nothing parseable as HTML at all
        return None


def _announces_feed(element: html.HtmlElement) -> bool:
    rel = (element.get("rel") or "").lower().split()
    # Media-type parameters ("; charset=utf-8") and case do not change what the link is.
    media_type = (element.get("type") or "").split(";")[0].strip().lower()
    return "alternate" in rel and media_type in FEED_TYPES and bool(element.get("href"))
