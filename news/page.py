"""Key points from an article's own web page, for feeds that carry only a teaser.

Pure: the page's bytes in, points out (web/pages.py does the fetching). The order is the one
news/keypoints.py explains: the publisher's labelled list, read from the HTML before any
main-text extraction; else the best sentences of the page's main text; else its meta
description; else what the feed itself gave.

The main text is picked with lxml rather than trafilatura: the labelled list (the case that
matters) is read before any main-text step anyway, and for the sentence fallback the paragraph
openers only need the article's <p> elements in order. trafilatura would bring about ten packages
(courlan, htmldate, justext, dateparser with its regex tables, ...) and 0.24 s of import for
that, on an opt-in path that runs for teaser entries only.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from collections.abc import Sequence

from lxml import etree
from lxml.html import HtmlElement, document_fromstring

from news.keypoints import (
    DEFAULT_LABELS,
    POINT_LIMIT,
    best_sentences,
    explicit_points,
    flattened_points,
    labelled_points,
    readable_text,
)
from news.records import Entry
from news.text import normalise_space, one_line, plain_text, word_stems

__all__ = ["TEASER_CHARS", "decode_page", "is_teaser", "page_points"]

# Below this much plain text an entry is a teaser: a lead paragraph or two. A full article in
# the feed runs to thousands of characters; the seed article's body is about 2,300.
TEASER_CHARS = 600
# A container is the article when its paragraphs hold at least this much text; less is a
# teaser box or a caption, and the page's densest block of paragraphs is looked for instead.
_MAIN_MIN_CHARS = 200
_CHARSET_IN_TYPE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# <meta charset="..."> or <meta http-equiv="Content-Type" content="...; charset=...">, which
# the HTML standard says must come within the first 1024 bytes.
_CHARSET_IN_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_MAIN_CANDIDATES = etree.XPath(
    "//*[@itemprop='articleBody'] | //article | //main | //*[@role='main']"
)
_DESCRIPTIONS = etree.XPath(
    "//meta[@property='og:description']/@content | //meta[@name='description']/@content"
    " | //meta[@name='twitter:description']/@content"
)
_SUMMARY_REPEAT = 0.8  # as news.keypoints: a description that is all headline is no point


def is_teaser(entry: Entry, labels: Sequence[str] = DEFAULT_LABELS) -> bool:
    """True when the entry carries only a short text and no labelled list of its own."""
    longest = max(len(plain_text(entry.content_html)), len(plain_text(entry.summary_html)))
    if longest >= TEASER_CHARS:
        return False
    return not any(
        explicit_points(markup, labels) for markup in (entry.content_html, entry.summary_html)
    )


def decode_page(body: bytes, content_type: str | None) -> str:
    """The page as text: the header's charset, else the page's <meta>, else UTF-8."""
    for found in (
        _CHARSET_IN_TYPE.search(content_type or ""),
        _CHARSET_IN_META.search(body[:2048]),
    ):
        if found is None:
            continue
        name = found.group(1)
        charset = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        try:
            codecs.lookup(charset)
        except LookupError:
            continue  # a misspelt label: try the next source rather than give up
        return body.decode(charset, errors="replace")
    return body.decode("utf-8", errors="replace")


def page_points(
    page_html: str,
    *,
    title: str,
    labels: Sequence[str] = DEFAULT_LABELS,
    fallback: tuple[str, ...] = (),
    max_points: int = 4,
) -> tuple[str, ...]:
    """Up to `max_points` plain-text points from an article page; `fallback` when it has none."""
    root = _parse(page_html)
    if root is None:
        return fallback
    listed = labelled_points(root, labels)
    if listed:
        return listed[:max_points]
    description = _description(root, title)
    text = readable_text(_main_element(root))
    points = flattened_points(text, labels) or best_sentences(
        text, title=title, count=min(3, max_points)
    )
    if points:
        return points[:max_points]
    return (description,) if description else fallback


def _parse(page_html: str) -> HtmlElement | None:
    if not page_html.strip():
        return None
    try:
        return document_fromstring(page_html)
    except (etree.LxmlError, ValueError):  # libxml2 refuses only what has no document at all
        return None


def _main_element(root: HtmlElement) -> HtmlElement:
    """The article's container: a marked-up one when it holds the text, else the element whose
    own paragraphs carry the most text (readability's core idea, without its scoring tables)."""
    found = _MAIN_CANDIDATES(root)
    marked = (
        [node for node in found if isinstance(node, HtmlElement)] if isinstance(found, list) else []
    )
    if marked:
        best = max(marked, key=_paragraph_chars)
        if _paragraph_chars(best) >= _MAIN_MIN_CHARS:
            return best
    by_parent: defaultdict[HtmlElement, int] = defaultdict(int)
    for paragraph in root.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            by_parent[parent] += len(paragraph.text_content())
    if by_parent:
        return max(by_parent.items(), key=lambda pair: pair[1])[0]
    body = root.find("body")
    return body if body is not None else root


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(paragraph.text_content()) for paragraph in element.iter("p"))


def _description(root: HtmlElement, title: str) -> str | None:
    found = _DESCRIPTIONS(root)
    values = [str(value) for value in found] if isinstance(found, list) else []
    title_stems = word_stems(title)
    for value in values:
        text = normalise_space(plain_text(value))
        stems = word_stems(text)
        shared = len(stems & title_stems)
        if text and not (stems and title_stems and shared >= _SUMMARY_REPEAT * len(stems)):
            return one_line(text, POINT_LIMIT)
    return None
